//! Every passage that contains a string, with how often and (on request) where: the exact
//! occurrences that `compare` counts and `kwic` lists. Read from the index's positions; no
//! stored text is opened.

use tantivy::{DocAddress, DocSet, Searcher, TERMINATED};

use super::exact;
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
