//! `plansearch targets [FILE...] [--region R] [--indicator TEXT]`: the indicator tables, the
//! indicator × plan matrix, and the numeric targets of the text.

use crate::analysis::targets::{self, TargetOptions, Targets};
use crate::app::Outcome;
use crate::error::Result;
use crate::index::Opened;
use crate::present;
use crate::present::targets::{CsvTable, View};
use crate::query::Filters;
use crate::read::ReadOptions;

use super::{IndexLocation, open_fresh};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human(View),
    Json,
    Csv(CsvTable),
}

#[derive(Debug)]
pub struct TargetsConfig {
    pub location: IndexLocation,
    /// Plans by name, and regions; none of either for all plans.
    pub files: Vec<String>,
    pub regions: Vec<String>,
    pub options: TargetOptions,
    pub format: Format,
}

/// The targets of the plans the files and regions choose (all for none), as `targets` and the
/// web page read them.
pub fn chosen(
    idx: &Opened,
    files: &[String],
    regions: &[String],
    read: &ReadOptions,
    options: &TargetOptions,
) -> Result<Targets> {
    let chosen = Filters {
        regions: regions.to_vec(),
        files: files.to_vec(),
        chapter: None,
    }
    .documents(&idx.manifest)?;
    let ids: Vec<u64> = idx
        .manifest
        .docs
        .iter()
        .map(|d| d.id)
        .filter(|id| chosen.as_ref().is_none_or(|c| c.contains(id)))
        .collect();
    targets::targets(idx, &ids, read, options)
}

/// Exits 0 if some row or text target was found, 1 if none was.
pub fn run(c: &TargetsConfig) -> Result<Outcome> {
    let idx = open_fresh(&c.location)?;
    let t = chosen(&idx, &c.files, &c.regions, &c.location.read, &c.options)?;
    present::to_stdout(|w| match c.format {
        Format::Human(view) => present::targets::human(w, &t, view),
        Format::Json => present::targets::json(w, &t),
        Format::Csv(table) => present::targets::csv(w, &t, table),
    })?;
    let text = matches!(
        c.format,
        Format::Human(View::Text) | Format::Csv(CsvTable::Text)
    );
    let empty = if text {
        t.text_targets.is_empty()
    } else {
        t.rows.is_empty() && t.text_targets.is_empty()
    };
    Ok(if empty {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}
