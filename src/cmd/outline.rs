//! `plansearch outline PATH [--json | --lines]`: a plan's tree, straight from the file; no index
//! needed. `--lines` shows the text lines the reader made of the file instead.

use std::path::PathBuf;

use crate::app::Outcome;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::present;
use crate::read::{self, ReadOptions};

#[derive(Debug)]
pub struct OutlineConfig {
    pub path: PathBuf,
    pub json: bool,
    /// Print the extracted lines instead of the outline.
    pub lines: bool,
    pub read: ReadOptions,
}

pub fn run(c: &OutlineConfig) -> Result<Outcome> {
    let src = read::read_file(&c.path, &c.read).map_err(|s| Error::BadFile {
        path: s.path,
        reason: s.reason,
    })?;
    for note in &src.notes {
        eprintln!("plansearch: {}: {note}", c.path.display());
    }
    if c.lines {
        present::to_stdout(|w| present::outline::lines(w, &src))?;
        return Ok(Outcome::Found);
    }
    let plan = Plan::from_source(&src);
    present::to_stdout(|w| {
        if c.json {
            present::outline::json(w, &plan.outline)
        } else {
            present::outline::human(w, &plan.outline)
        }
    })?;
    Ok(Outcome::Found)
}
