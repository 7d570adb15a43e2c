//! `--region`, `--file` and `--chapter`: resolved against the manifest into the documents and
//! chapters a query may look at, as a tantivy clause for ranked search and as a test for scans.

use std::collections::BTreeSet;

use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};

use crate::error::{Error, Result};
use crate::index::{DocRecord, Manifest, Opened};

/// Restrictions on where to look. Empty lists restrict nothing.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Keep documents whose region contains one of these.
    pub regions: Vec<String>,
    /// Keep documents whose file name, stem or corpus path is one of these.
    pub files: Vec<String>,
    /// Keep passages in the chapter with this number.
    pub chapter: Option<u32>,
}

/// Whether `name` names this document: its file name, its stem, or its path in the corpus.
pub fn file_matches(d: &DocRecord, name: &str) -> bool {
    let stem = std::path::Path::new(&d.file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    d.file == name || d.path == name || stem.as_deref() == Some(name)
}

impl Filters {
    /// The ids of the documents the filters keep, or `None` for all. A filter that matches no
    /// indexed document is an error naming it: it is most likely a typo.
    pub fn documents(&self, manifest: &Manifest) -> Result<Option<BTreeSet<u64>>> {
        if self.regions.is_empty() && self.files.is_empty() {
            return Ok(None);
        }
        let keep = |pred: &dyn Fn(&DocRecord) -> bool| -> BTreeSet<u64> {
            manifest
                .docs
                .iter()
                .filter(|d| pred(d))
                .map(|d| d.id)
                .collect()
        };
        let mut ids = keep(&|_| true);
        if !self.regions.is_empty() {
            let by_region = keep(&|d| self.regions.iter().any(|r| d.region.contains(r.as_str())));
            if by_region.is_empty() {
                return Err(Error::Usage(format!(
                    "--region {}: no indexed document's region contains it",
                    self.regions.join(", ")
                )));
            }
            ids.retain(|i| by_region.contains(i));
        }
        if !self.files.is_empty() {
            let by_file = keep(&|d| self.files.iter().any(|name| file_matches(d, name)));
            if by_file.is_empty() {
                return Err(Error::Usage(format!(
                    "--file {}: no indexed document has that name",
                    self.files.join(", ")
                )));
            }
            ids.retain(|i| by_file.contains(i));
        }
        Ok(Some(ids))
    }

    /// Whether a passage in chapter `ord` (1-based place in the outline, 0 for none) of `doc`
    /// passes the chapter filter.
    pub fn keeps_chapter(&self, doc: &DocRecord, ord: u64) -> bool {
        self.chapter
            .is_none_or(|n| doc.chapter(ord).is_some_and(|c| c.no == Some(n)))
    }

    /// The filters as one required clause for a ranked search, or `None` if there are none.
    pub fn query(&self, idx: &Opened) -> Result<Option<Box<dyn TantivyQuery>>> {
        let f = &idx.fields;
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        if let Some(ids) = self.documents(&idx.manifest)? {
            // Filters that exclude each other leave no document: an empty result, not an error.
            let any: Vec<(Occur, Box<dyn TantivyQuery>)> = ids
                .into_iter()
                .map(|id| {
                    let q: Box<dyn TantivyQuery> = Box::new(TermQuery::new(
                        Term::from_field_u64(f.doc, id),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(ch) = self.chapter {
            let term = Term::from_field_u64(f.chapter, u64::from(ch));
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        Ok((!clauses.is_empty())
            .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn TantivyQuery>))
    }
}
