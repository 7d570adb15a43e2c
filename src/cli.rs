//! Command-line arguments, and their translation into a plain [`Config`] the rest of the
//! program reads. Only this module knows about clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::{Command, Config};
use crate::cmd::{docs::DocsConfig, outline::OutlineConfig};
use crate::read::{self, ReadOptions};

/// 规划纲要全文检索: full-text search and wording comparison for Chinese government plans.
#[derive(Debug, Parser)]
#[command(name = "plansearch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: CliCommand,

    /// Read every file in this encoding (gbk, gb18030, utf-8, utf-16le, big5 …) instead of
    /// detecting it.
    #[arg(long, global = true, value_name = "LABEL")]
    encoding: Option<String>,

    /// Skip files larger than this many megabytes.
    #[arg(long, global = true, value_name = "MB", default_value_t = 64)]
    max_file_mb: u64,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Print a plan's outline (chapters 章, sections 节, heading lines), read straight from the file.
    Outline(OutlineArgs),
    /// List the plans of a corpus with their region, title and size.
    Docs(DocsArgs),
}

#[derive(Debug, Args)]
struct OutlineArgs {
    /// The plan file.
    path: PathBuf,
    /// Write one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct DocsArgs {
    /// The folder of plan texts.
    #[arg(long, default_value = "corpus", value_name = "DIR")]
    corpus: PathBuf,
    /// Write JSON Lines, one document per line.
    #[arg(long)]
    json: bool,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

impl Cli {
    /// Resolves the arguments into the configuration the program runs with.
    pub fn into_config(self) -> crate::Result<Config> {
        let encoding = match &self.encoding {
            Some(label) => Some(read::encoding_for_label(label).ok_or_else(|| {
                crate::Error::Usage(format!("--encoding {label}: unknown encoding label"))
            })?),
            None => None,
        };
        let read = ReadOptions {
            encoding,
            max_bytes: self.max_file_mb.saturating_mul(1024 * 1024),
        };
        let command = match self.command {
            CliCommand::Outline(a) => Command::Outline(OutlineConfig {
                path: a.path,
                json: a.json,
                read,
            }),
            CliCommand::Docs(a) => Command::Docs(DocsConfig {
                corpus: a.corpus,
                json: a.json,
                read,
            }),
        };
        Ok(Config { command })
    }
}
