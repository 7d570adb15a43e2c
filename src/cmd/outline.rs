//! `plansearch outline PATH [--json]`: a plan's tree, straight from the file; no index needed.

use std::path::PathBuf;

use crate::app::Outcome;
use crate::error::{Error, Result};
use crate::plan;
use crate::present;
use crate::read::ReadOptions;

#[derive(Debug)]
pub struct OutlineConfig {
    pub path: PathBuf,
    pub json: bool,
    pub read: ReadOptions,
}

pub fn run(c: &OutlineConfig) -> Result<Outcome> {
    let plan = plan::read_plan(&c.path, &c.read).map_err(|s| Error::BadFile {
        path: s.path,
        reason: s.reason,
    })?;
    present::to_stdout(|w| {
        if c.json {
            present::outline::json(w, &plan.outline)
        } else {
            present::outline::human(w, &plan.outline)
        }
    })?;
    Ok(Outcome::Found)
}
