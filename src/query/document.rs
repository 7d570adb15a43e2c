//! One document's passages in order, for reading a plan from beginning to end.

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Term};

use crate::error::Result;
use crate::index::Opened;
use crate::passage::Passage;

/// Every passage of document `id`, in file order; empty for an id the index does not hold.
pub fn passages(idx: &Opened, id: u64) -> Result<Vec<Passage>> {
    let searcher = idx.searcher();
    let q = TermQuery::new(
        Term::from_field_u64(idx.fields.doc, id),
        IndexRecordOption::Basic,
    );
    let mut out = Vec::new();
    for addr in searcher.search(&q, &DocSetCollector)? {
        out.push(idx.passage(&searcher, addr)?);
    }
    out.sort_by_key(|p| (p.line_start, p.line_end));
    Ok(out)
}
