//! `plansearch search QUERY …`: ranked passages with their locations.

use crate::app::Outcome;
use crate::error::Result;
use crate::present::{self, color::Palette};
use crate::query::{self, Filters, MatchKind};

use super::{IndexLocation, open_fresh};

#[derive(Debug)]
pub struct SearchConfig {
    pub query: String,
    pub location: IndexLocation,
    pub limit: usize,
    pub filters: Filters,
    pub json: bool,
    pub palette: Palette,
}

pub fn run(c: &SearchConfig) -> Result<Outcome> {
    // A query that cannot be searched fails before any indexing work.
    let q = query::parse(&c.query)?;
    let idx = open_fresh(&c.location)?;
    let results = query::search(&idx, &q, &c.filters, c.limit)?;
    present::to_stdout(|w| {
        if c.json {
            present::search::json(w, &results)
        } else {
            present::search::human(w, &results, c.palette)
        }
    })?;
    if !c.json {
        if let Some(note) = note(&q, &results) {
            eprintln!("{note}");
        }
    }
    Ok(if results.hits.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}

/// What the results leave unsaid: how many exact matches there are beyond those shown, or that
/// there are none and the hits only contain the query's parts.
fn note(q: &query::Query, r: &query::SearchResults) -> Option<String> {
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
        return Some(format!("no passage matches “{what}”"));
    }
    if r.exact == 0 && q.has_words() {
        return Some(format!(
            "no passage contains “{what}” as written; showing passages with its words: {}",
            r.words.join(", ")
        ));
    }
    (r.exact > shown_exact).then(|| {
        format!(
            "{} passages contain “{what}”; showing {shown_exact} (raise --limit for more)",
            r.exact
        )
    })
}
