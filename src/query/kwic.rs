//! Keyword in context: one line per exact occurrence, with the words around it, where it sits,
//! and the file line it starts on; and the words most often found just before and after it —
//! how each plan phrases the same thing (打造一流营商环境, 优化营商环境).

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;
use tantivy::Searcher;
use unicode_width::UnicodeWidthChar;

use super::concept::Concept;
use super::filter::Filters;
use super::scan::{ConceptMatch, scan_concept};
use super::words::route;
use crate::error::Result;
use crate::index::{DocRecord, Opened};
use crate::passage::HeadingRef;

/// One occurrence in context.
#[derive(Debug, Clone)]
pub struct KwicLine {
    pub doc: Arc<DocRecord>,
    /// The file line on which the occurrence starts (1-based).
    pub line: u32,
    pub chapter: Option<HeadingRef>,
    pub section: Option<HeadingRef>,
    /// The pages of the passage holding it, for a paged format.
    pub pages: Option<(u32, u32)>,
    /// Context before and after, at most the requested display width, on one line.
    pub left: String,
    /// The occurrence as the text writes it.
    pub matched: String,
    /// The wording of the concept it is an occurrence of.
    pub variant: String,
    pub right: String,
    /// Where the occurrence is: passage start line and character offset, for document order.
    order: (u32, usize),
}

/// How to order concordance lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KwicSort {
    /// Documents in corpus order, occurrences in file order.
    #[default]
    Position,
    /// Documents by region, then file order.
    Doc,
    /// By the words just before the match, read right to left.
    Left,
    /// By the words just after the match.
    Right,
}

/// Every exact occurrence of `term` in context, `width` display columns each side: for a concept
/// of several wordings, the occurrences `compare` counts (overlaps once).
pub fn concordance(
    idx: &Opened,
    term: &Concept,
    filters: &Filters,
    width: usize,
) -> Result<Vec<KwicLine>> {
    let searcher = idx.searcher();
    let mut lines = Vec::new();
    for m in scan_concept(idx, &searcher, term, filters, true)? {
        lines_of(idx, &searcher, term, &m, width, &mut lines)?;
    }
    sort_by(&mut lines, KwicSort::Position);
    Ok(lines)
}

/// One page of the concordance: the lines at `page` (places in the order `sort` and
/// `group_by_doc` give, from 0), and the number of lines in all.
///
/// Ordered by position or by document, a page reads only the passages of the documents it
/// overlaps: the occurrences are counted per document from the index's positions, which is what
/// keeps a page of a word that fills thousands of passages as quick as one of a rare phrase.
/// Ordered by context, every line must be made to be sorted.
pub fn concordance_page(
    idx: &Opened,
    term: &Concept,
    filters: &Filters,
    width: usize,
    sort: KwicSort,
    group_by_doc: bool,
    page: Range<usize>,
) -> Result<(usize, Vec<KwicLine>)> {
    let (offset, end) = (page.start, page.end.max(page.start));
    if matches!(sort, KwicSort::Left | KwicSort::Right) {
        let mut lines = concordance(idx, term, filters, width)?;
        self::sort(&mut lines, sort, group_by_doc);
        let total = lines.len();
        return Ok((total, lines.into_iter().take(end).skip(offset).collect()));
    }
    // Grouping by document orders documents by region, as sorting by document does.
    let by_region = sort == KwicSort::Doc || group_by_doc;
    let searcher = idx.searcher();
    let mut docs: Vec<(Arc<DocRecord>, Vec<ConceptMatch>)> = Vec::new();
    let mut at: HashMap<u64, usize> = HashMap::new();
    for m in scan_concept(idx, &searcher, term, filters, true)? {
        let Some(doc) = idx.doc(m.doc) else { continue };
        let k = *at.entry(m.doc).or_insert_with(|| {
            docs.push((doc.clone(), Vec::new()));
            docs.len() - 1
        });
        docs[k].1.push(m);
    }
    docs.sort_by(|(a, _), (b, _)| {
        if by_region {
            (&a.region, &a.path).cmp(&(&b.region, &b.path))
        } else {
            a.path.cmp(&b.path)
        }
    });
    let (mut total, mut out) = (0, Vec::new());
    for (_, matches) in &docs {
        let n: usize = matches.iter().map(|m| m.spans.len()).sum();
        if total < end && total + n > offset {
            let mut lines = Vec::new();
            for m in matches {
                lines_of(idx, &searcher, term, m, width, &mut lines)?;
            }
            sort_by(&mut lines, KwicSort::Position);
            let skip = offset.saturating_sub(total);
            out.extend(lines.into_iter().skip(skip).take(end - total.max(offset)));
        }
        total += n;
    }
    Ok((total, out))
}

/// The lines of one passage's occurrences.
fn lines_of(
    idx: &Opened,
    searcher: &Searcher,
    term: &Concept,
    m: &ConceptMatch,
    width: usize,
    out: &mut Vec<KwicLine>,
) -> Result<()> {
    let Some(doc) = idx.doc(m.doc) else {
        return Ok(());
    };
    let passage = idx.passage(searcher, m.addr)?;
    let chars: Vec<char> = passage.text.chars().collect();
    for &(s, len, v) in &m.spans {
        let (s, len) = (s as usize, len as usize);
        if s + len > chars.len() {
            continue;
        }
        out.push(KwicLine {
            doc: doc.clone(),
            line: passage.line_of(s as u32),
            chapter: passage.chapter.clone(),
            section: passage.section.clone(),
            pages: passage.pages,
            left: take_width(chars[..s].iter().rev(), width)
                .chars()
                .rev()
                .collect(),
            matched: chars[s..s + len].iter().collect(),
            variant: term.variants[v].clone(),
            right: take_width(chars[s + len..].iter(), width),
            order: (passage.line_start, s),
        });
    }
    Ok(())
}

/// Characters up to `width` display columns (a Chinese character is two), table breaks as spaces.
fn take_width<'a>(chars: impl Iterator<Item = &'a char>, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for &c in chars {
        let c = if c == '\n' || c == '\t' { ' ' } else { c };
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Orders concordance lines, each document's together if `group_by_doc`.
pub fn sort(lines: &mut [KwicLine], by: KwicSort, group_by_doc: bool) {
    sort_by(lines, by);
    if group_by_doc {
        // Each document's lines together, in the requested order within it (a stable sort).
        lines.sort_by(|a, b| (&a.doc.region, &a.doc.path).cmp(&(&b.doc.region, &b.doc.path)));
    }
}

fn sort_by(lines: &mut [KwicLine], by: KwicSort) {
    match by {
        KwicSort::Position => {
            lines.sort_by(|a, b| (&a.doc.path, a.order).cmp(&(&b.doc.path, b.order)))
        }
        KwicSort::Doc => lines.sort_by(|a, b| {
            (&a.doc.region, &a.doc.path, a.order).cmp(&(&b.doc.region, &b.doc.path, b.order))
        }),
        KwicSort::Left => lines.sort_by(|a, b| {
            a.left
                .chars()
                .rev()
                .cmp(b.left.chars().rev())
                .then_with(|| (&a.doc.path, a.order).cmp(&(&b.doc.path, b.order)))
        }),
        KwicSort::Right => lines.sort_by(|a, b| {
            (&a.right, &a.doc.path, a.order).cmp(&(&b.right, &b.doc.path, b.order))
        }),
    }
}

/// Which side of the term a word stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Before,
    After,
}

/// A word found next to the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collocate {
    pub side: Side,
    pub word: String,
    /// Occurrences of the term with this word beside it.
    pub count: u64,
    /// Regions of the documents that use it, in corpus order.
    pub documents: Vec<String>,
}

/// The `top` most frequent words right before and right after the term, found with the index's
/// vocabulary (the way the passages themselves were segmented).
pub fn contexts(idx: &Opened, lines: &[KwicLine], top: usize) -> Result<Vec<Collocate>> {
    let searcher = idx.searcher();
    let total = searcher.num_docs();
    let vocab = super::words::Vocabulary::new(idx, &searcher)?;
    // (side, word) → (occurrences, documents as (path, region)).
    type Uses = (u64, BTreeSet<(String, String)>);
    let mut found: HashMap<(Side, String), Uses> = HashMap::new();
    for l in lines {
        let before: String = l
            .left
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after: String = l.right.chars().take(8).collect();
        let words = [
            (Side::Before, route(before.trim(), &vocab, total).pop()),
            (
                Side::After,
                route(after.trim(), &vocab, total).into_iter().next(),
            ),
        ];
        for (side, word) in words {
            let Some(w) = word.filter(|w| crate::index::tokenize::is_word(w)) else {
                continue;
            };
            let e = found.entry((side, w)).or_default();
            e.0 += 1;
            e.1.insert((l.doc.path.clone(), l.doc.region.clone()));
        }
    }
    let mut out: Vec<Collocate> = found
        .into_iter()
        .map(|((side, word), (count, docs))| Collocate {
            side,
            word,
            count,
            documents: docs.into_iter().map(|(_, region)| region).collect(),
        })
        .collect();
    out.sort_by(|a, b| {
        (a.side, std::cmp::Reverse(a.count), &a.word).cmp(&(
            b.side,
            std::cmp::Reverse(b.count),
            &b.word,
        ))
    });
    let mut kept = Vec::new();
    for side in [Side::Before, Side::After] {
        kept.extend(out.iter().filter(|c| c.side == side).take(top).cloned());
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_cut_by_display_width() {
        let s: Vec<char> = "优化营商环境ab".chars().collect();
        assert_eq!(take_width(s.iter(), 4), "优化");
        assert_eq!(take_width(s.iter(), 5), "优化");
        assert_eq!(take_width(s[6..].iter(), 1), "a");
        assert_eq!(
            take_width("表\t值\n".chars().collect::<Vec<_>>().iter(), 10),
            "表 值 "
        );
    }
}
