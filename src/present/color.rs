//! Terminal colour: decided once from `--color` and the environment, applied by printers.

use std::io::IsTerminal;

/// Whether to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub enabled: bool,
}

/// `--color` as the user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl Palette {
    /// `auto` colours a terminal unless `NO_COLOR` is set; `always` and `never` are obeyed.
    pub fn resolve(choice: ColorChoice) -> Palette {
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && std::io::stdout().is_terminal()
            }
        };
        Palette { enabled }
    }

    pub fn plain() -> Palette {
        Palette { enabled: false }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// A matched string.
    pub fn matched(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    /// A file name.
    pub fn file(&self, s: &str) -> String {
        self.paint("35", s)
    }
    /// Line numbers.
    pub fn lines(&self, s: &str) -> String {
        self.paint("32", s)
    }
    /// Secondary information.
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}
