//! `plansearch index [--corpus DIR] [--index DIR] [--rebuild]`: build or update the index.

use std::path::PathBuf;

use crate::app::Outcome;
use crate::error::Result;
use crate::index::build::BuildOptions;
use crate::read::ReadOptions;

#[derive(Debug)]
pub struct IndexConfig {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub rebuild: bool,
    /// Bytes of text between commits.
    pub commit_every: u64,
    pub read: ReadOptions,
}

/// Exits 0 when every file was indexed, 1 when some had to be skipped (each named on stderr).
pub fn run(c: &IndexConfig) -> Result<Outcome> {
    let mut opts = BuildOptions::new(c.corpus.clone(), c.index.clone());
    opts.rebuild = c.rebuild;
    opts.commit_every = c.commit_every;
    opts.read = c.read;
    let summary = super::build_reported(&opts)?;
    Ok(if summary.skipped.is_empty() {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}
