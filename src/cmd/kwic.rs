//! `plansearch kwic QUERY …`: a concordance, one line per occurrence; `--contexts` for the
//! words around the term.

use crate::app::Outcome;
use crate::error::Result;
use crate::present::{self, color::Palette};
use crate::query::Filters;
use crate::query::concept::{self, Dictionary};
use crate::query::kwic::{self, KwicSort};

use super::compare::Format;
use super::{IndexLocation, answer_fresh, leave_to_exit};

#[derive(Debug)]
pub struct KwicConfig {
    pub query: String,
    pub location: IndexLocation,
    pub filters: Filters,
    /// Context on each side, in display columns.
    pub width: usize,
    pub sort: KwicSort,
    pub group_by_doc: bool,
    /// List the words around the term instead of the lines.
    pub contexts: bool,
    pub top: usize,
    pub format: Format,
    pub palette: Palette,
    /// A dictionary of term groups (`--terms`).
    pub terms: Option<std::path::PathBuf>,
}

pub fn run(c: &KwicConfig) -> Result<Outcome> {
    let dict = c.terms.as_deref().map(Dictionary::load).transpose()?;
    let term = concept::concept(&c.query, dict.as_ref())?;
    let (idx, mut lines) = answer_fresh(&c.location, |idx| {
        kwic::concordance(idx, &term, &c.filters, c.width)
    })?;
    kwic::sort(&mut lines, c.sort, c.group_by_doc);
    if c.contexts {
        let found = kwic::contexts(&idx, &lines, c.top)?;
        present::to_stdout(|w| match c.format {
            Format::Human => present::kwic::contexts_human(w, &term.name, &found),
            Format::Json => present::kwic::contexts_json(w, &found),
            Format::Csv(_) => present::kwic::contexts_csv(w, &found),
        })?;
        let outcome = if found.is_empty() {
            Outcome::NotFound
        } else {
            Outcome::Found
        };
        leave_to_exit((idx, lines, found));
        return Ok(outcome);
    }
    present::to_stdout(|w| match c.format {
        Format::Human => present::kwic::human(w, &lines, c.group_by_doc, c.palette),
        Format::Json => present::kwic::json(w, &lines),
        Format::Csv(_) => present::kwic::csv(w, &lines),
    })?;
    let outcome = if lines.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    };
    leave_to_exit((idx, lines));
    Ok(outcome)
}
