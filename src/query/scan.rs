//! Every passage that contains a string, with how often and (on request) where: the exact
//! occurrences that `compare` counts and `kwic` lists. Read from the index's positions; no
//! stored text is opened. [`scan_concept`] does the same for a term group, overlaps of its
//! wordings counted once.

use std::collections::BTreeMap;

use tantivy::{DocAddress, DocSet, Searcher, TERMINATED};

use super::concept::Concept;
use super::exact::{self, non_overlapping, non_overlapping_starts, union_spans};
use super::filter::Filters;
use crate::error::Result;
use crate::index::Opened;

/// A passage containing the string.
#[derive(Debug, Clone)]
pub struct PassageMatch {
    pub addr: DocAddress,
    /// The document's id.
    pub doc: u64,
    /// 1-based place of the passage's chapter in the document's outline; 0 for none.
    pub chapter_ord: u64,
    /// Occurrences that do not overlap, counted left to right.
    pub occurrences: u32,
    /// Character positions where the string starts, ascending (overlapping ones included);
    /// filled only when the scan was asked for them.
    pub starts: Vec<u32>,
}

/// Scans the index for `text` (already normalised). Filters apply; deleted passages are skipped.
/// `with_starts` asks for each occurrence's position, not only the count.
pub fn scan(
    idx: &Opened,
    searcher: &Searcher,
    text: &str,
    filters: &Filters,
    with_starts: bool,
) -> Result<Vec<PassageMatch>> {
    let allowed = filters.documents(&idx.manifest)?;
    let mut out = Vec::new();
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let fast = reader.fast_fields();
        let doc_col = fast.u64("doc")?;
        let ord_col = fast.u64("chapter_ord")?;
        let alive = reader.alive_bitset();
        let mut m = exact::matcher(reader, idx.fields.chars, text)?;
        let mut d = m.doc();
        while d != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(d)) {
                let doc = doc_col.first(d).unwrap_or_default();
                let ord = ord_col.first(d).unwrap_or_default();
                let kept = allowed.as_ref().is_none_or(|ids| ids.contains(&doc))
                    && (filters.chapter.is_none()
                        || idx.doc(doc).is_some_and(|r| filters.keeps_chapter(r, ord)));
                if kept {
                    out.push(PassageMatch {
                        addr: DocAddress::new(seg as u32, d),
                        doc,
                        chapter_ord: ord,
                        occurrences: m.occurrences(),
                        starts: if with_starts {
                            m.starts().to_vec()
                        } else {
                            Vec::new()
                        },
                    });
                }
            }
            d = m.advance();
        }
    }
    Ok(out)
}

/// A passage containing some wording of a concept.
#[derive(Debug, Clone)]
pub struct ConceptMatch {
    pub addr: DocAddress,
    pub doc: u64,
    pub chapter_ord: u64,
    /// Occurrences of the concept: of all its wordings, overlaps counted once.
    pub occurrences: u32,
    /// Occurrences of each wording on its own (non-overlapping), in the concept's order.
    pub by_variant: Vec<u32>,
    /// The counted occurrences as (start, length in characters, wording), left to right;
    /// filled only when the scan was asked for positions.
    pub spans: Vec<(u32, u32, usize)>,
}

/// Scans the index for every wording of `concept`. A single wording is [`scan`]'s answer; a group
/// needs positions to count overlapping wordings once, so it reads them whatever `with_spans`.
pub fn scan_concept(
    idx: &Opened,
    searcher: &Searcher,
    concept: &Concept,
    filters: &Filters,
    with_spans: bool,
) -> Result<Vec<ConceptMatch>> {
    let positions = with_spans || concept.is_group();
    let n = concept.variants.len();
    let mut by_addr: BTreeMap<DocAddress, ConceptMatch> = BTreeMap::new();
    for (v, text) in concept.variants.iter().enumerate() {
        let len = text.chars().count() as u32;
        for m in scan(idx, searcher, text, filters, positions)? {
            let e = by_addr.entry(m.addr).or_insert_with(|| ConceptMatch {
                addr: m.addr,
                doc: m.doc,
                chapter_ord: m.chapter_ord,
                occurrences: 0,
                by_variant: vec![0; n],
                spans: Vec::new(),
            });
            e.by_variant[v] = if positions {
                non_overlapping(&m.starts, len)
            } else {
                m.occurrences
            };
            if positions {
                e.spans
                    .extend(non_overlapping_starts(&m.starts, len).map(|s| (s, len, v)));
            } else {
                e.occurrences = m.occurrences;
            }
        }
    }
    let mut out: Vec<ConceptMatch> = by_addr.into_values().collect();
    if positions {
        for m in &mut out {
            m.spans = union_spans(std::mem::take(&mut m.spans));
            m.occurrences = m.spans.len() as u32;
            if !with_spans {
                m.spans = Vec::new();
            }
        }
    }
    Ok(out)
}
