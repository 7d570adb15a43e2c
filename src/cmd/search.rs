//! `plansearch search QUERY …`: ranked passages with their locations.

use std::path::PathBuf;

use crate::app::Outcome;
use crate::error::Result;
use crate::present::{self, color::Palette};
use crate::query::concept::{self, Dictionary};
use crate::query::search::{SearchOptions, search_with};
use crate::query::{self, Filters, MatchKind};

use super::{IndexLocation, answer_fresh, leave_to_exit};

#[derive(Debug)]
pub struct SearchConfig {
    pub query: String,
    pub location: IndexLocation,
    pub limit: usize,
    pub filters: Filters,
    pub json: bool,
    /// Write CSV with a header line.
    pub csv: bool,
    pub palette: Palette,
    /// Search other wordings, sections and related wording too.
    pub expand: bool,
    /// Say why each hit ranks where it does.
    pub explain: bool,
    /// A dictionary of term groups (`--terms`).
    pub terms: Option<PathBuf>,
}

pub fn run(c: &SearchConfig) -> Result<Outcome> {
    // A query that cannot be searched fails before any indexing work.
    let mut q = query::parse(&c.query)?;
    if let Some(path) = &c.terms {
        concept::apply(&mut q, &Dictionary::load(path)?)?;
    }
    let opts = SearchOptions {
        expand: c.expand,
        ..SearchOptions::new(c.limit)
    };
    let (idx, results) = answer_fresh(&c.location, |idx| search_with(idx, &q, &c.filters, &opts))?;
    present::to_stdout(|w| {
        if c.json {
            present::search::json(w, &results, c.explain)
        } else if c.csv {
            present::search::csv(w, &results.hits)
        } else {
            present::search::human(w, &results, c.palette, c.explain)
        }
    })?;
    if !c.json && !c.csv {
        for note in notes(&q, &results) {
            eprintln!("{note}");
        }
    }
    let outcome = if results.hits.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    };
    leave_to_exit((idx, results));
    Ok(outcome)
}

/// What the results leave unsaid: how many exact matches there are beyond those shown, or that
/// there are none and the hits only contain the query's parts; and which other wordings were
/// searched.
fn notes(q: &query::Query, r: &query::SearchResults) -> Vec<String> {
    let mut out = Vec::new();
    let shown_exact = r.hits.iter().filter(|h| h.kind == MatchKind::Exact).count();
    let what: Vec<String> = q
        .conjunctions()
        .iter()
        .map(|c| {
            c.whole()
                .into_iter()
                .chain(c.phrases.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let what = what.join(" / ");
    if r.hits.is_empty() {
        out.push(format!("no passage matches “{what}”"));
        return out;
    }
    if r.exact == 0 && q.has_words() {
        out.push(format!(
            "no passage contains “{what}” as written; showing passages with other wording or its words: {}",
            r.words.join(", ")
        ));
    } else if r.exact > shown_exact {
        out.push(format!(
            "{} passages contain “{what}”; {shown_exact} of them shown (raise --limit for more)",
            r.exact
        ));
    }
    let shown = |k: MatchKind| r.hits.iter().any(|h| h.kind == k);
    if shown(MatchKind::Variant) {
        let list: Vec<String> = r
            .expansions
            .iter()
            .map(|e| format!("{} → {} ({})", e.from, e.text, e.source.as_str()))
            .collect();
        out.push(format!("other wording searched: {}", list.join(", ")));
    }
    if shown(MatchKind::Related) {
        let list: Vec<&str> = r.related.iter().map(|(w, _)| w.as_str()).collect();
        out.push(format!("related wording searched: {}", list.join(", ")));
    }
    if r.hits.iter().any(|h| h.kind.is_expansion()) {
        out.push("(--no-expand searches the query's own wording only)".to_string());
    }
    out
}
