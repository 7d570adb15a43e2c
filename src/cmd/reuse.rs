//! `plansearch reuse [--source FILE]... [--target FILE]...`: which spans of each plan repeat
//! other plans' wording, and what share of it is borrowed.

use crate::analysis::reuse::{self, ReuseOptions};
use crate::app::Outcome;
use crate::error::Result;
use crate::present::reuse::CsvTable;
use crate::present::{self, color::Palette};
use crate::query::Filters;

use super::{IndexLocation, open_fresh};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Csv(CsvTable),
}

#[derive(Debug)]
pub struct ReuseConfig {
    pub location: IndexLocation,
    /// Target and source plans by name; empty for all.
    pub targets: Vec<String>,
    pub sources: Vec<String>,
    pub options: ReuseOptions,
    /// Spans shown per plan in text output.
    pub limit: usize,
    pub format: Format,
    pub palette: Palette,
}

/// The ids of the plans `names` name, all plans for none.
pub fn ids(idx: &crate::index::Opened, names: &[String]) -> Result<Vec<u64>> {
    let chosen = Filters {
        files: names.to_vec(),
        ..Filters::default()
    }
    .documents(&idx.manifest)?;
    Ok(idx
        .manifest
        .docs
        .iter()
        .map(|d| d.id)
        .filter(|id| chosen.as_ref().is_none_or(|c| c.contains(id)))
        .collect())
}

/// Exits 0 if some plan borrows, 1 if none does.
pub fn run(c: &ReuseConfig) -> Result<Outcome> {
    let idx = open_fresh(&c.location)?;
    let targets = ids(&idx, &c.targets)?;
    let sources = ids(&idx, &c.sources)?;
    let r = reuse::reuse(&idx, &targets, &sources, c.options)?;
    present::to_stdout(|w| match c.format {
        Format::Human => present::reuse::human(w, &r, c.limit, c.palette),
        Format::Json => present::reuse::json(w, &r),
        Format::Csv(table) => present::reuse::csv(w, &r, table),
    })?;
    Ok(if r.alignments.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}
