//! `plansearch compare QUERY... [--json | --csv]`: how each plan uses the terms.

use std::path::PathBuf;

use crate::app::Outcome;
use crate::error::Result;
use crate::present::compare::CsvTable;
use crate::present::{self, color::Palette};
use crate::query::Filters;
use crate::query::compare::{self, SortKey};
use crate::query::concept::Dictionary;

use super::{IndexLocation, answer_fresh, leave_to_exit};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Csv(CsvTable),
}

#[derive(Debug)]
pub struct CompareConfig {
    pub queries: Vec<String>,
    pub location: IndexLocation,
    pub filters: Filters,
    pub sort: SortKey,
    /// `--per`, if given.
    pub per: Option<usize>,
    pub format: Format,
    pub palette: Palette,
    /// A dictionary of term groups (`--terms`).
    pub terms: Option<PathBuf>,
    /// Classify the sentences using each term by commitment strength (`--strength`).
    pub strength: bool,
}

/// Exits 0 if some document uses some term, 1 if none does (the table still lists them all).
pub fn run(c: &CompareConfig) -> Result<Outcome> {
    let dict = c.terms.as_deref().map(Dictionary::load).transpose()?;
    let terms = compare::concepts(&c.queries, dict.as_ref())?;
    let (idx, result) = answer_fresh(&c.location, |idx| {
        let mut result = compare::compare(idx, &terms, &c.filters, c.per, c.sort)?;
        if c.strength {
            compare::add_strength(idx, &mut result, &c.filters)?;
        }
        Ok(result)
    })?;
    if c.per.is_none() && result.per == 0 && c.format == Format::Human {
        eprintln!(
            "side by side left out for {} documents; --per 1 shows each one's best passage",
            result.rows.len()
        );
    }
    present::to_stdout(|w| match c.format {
        Format::Human => present::compare::human(w, &result, c.palette),
        Format::Json => present::compare::json(w, &result),
        Format::Csv(table) => present::compare::csv(w, &result, table),
    })?;
    let outcome = if result.totals.iter().any(|&n| n > 0) {
        Outcome::Found
    } else {
        Outcome::NotFound
    };
    leave_to_exit((idx, result));
    Ok(outcome)
}
