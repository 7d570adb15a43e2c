//! Index-build progress on stderr: a bar on a terminal, nothing otherwise; warnings always.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::index::build::{Progress, Summary};
use crate::read::Skipped;

/// Renders a build's progress reports.
pub struct Reporter {
    bar: ProgressBar,
}

impl Reporter {
    pub fn new() -> Reporter {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} indexing {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        } else {
            ProgressBar::hidden()
        };
        Reporter { bar }
    }

    fn say(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    /// Clears the bar.
    pub fn done(&self) {
        self.bar.finish_and_clear();
    }
}

impl Default for Reporter {
    fn default() -> Self {
        Reporter::new()
    }
}

impl Progress for Reporter {
    fn planned(&self, _files: usize, bytes: u64) {
        self.bar.set_length(bytes);
    }

    fn file_done(&self, name: &str, bytes: u64) {
        self.bar.inc(bytes);
        self.bar.set_message(name.to_string());
    }

    fn skipped(&self, s: &Skipped) {
        self.say(&format!("plansearch: skipped {s}"));
    }

    fn waiting(&self, dir: &Path) {
        self.say(&format!(
            "plansearch: index {}: another plansearch process is writing it; waiting for it to finish",
            dir.display()
        ));
    }

    fn finishing(&self) {
        self.bar.set_message("committing");
    }

    fn warning(&self, message: &str) {
        self.say(&format!("plansearch: warning: {message}"));
    }
}

/// The one-line summary of a build.
pub fn summary_line(s: &Summary, index: &Path) -> String {
    let skipped = if s.skipped.is_empty() {
        String::new()
    } else {
        format!(", {} skipped", s.skipped.len())
    };
    if s.no_change() {
        return format!(
            "index {} is up to date: {} documents, {} passages{skipped}",
            index.display(),
            s.documents,
            s.passages
        );
    }
    let mb = s.bytes as f64 / 1e6;
    let secs = s.elapsed.as_secs_f64();
    format!(
        "indexed {} documents, {} passages in {secs:.1} s ({} added, {} changed, {} removed; {mb:.1} MB read, {:.1} MB/s){skipped}",
        s.documents,
        s.passages,
        s.added,
        s.changed,
        s.removed,
        if secs > 0.0 { mb / secs } else { 0.0 },
    )
}
