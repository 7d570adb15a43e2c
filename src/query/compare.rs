//! How each plan uses a term: occurrences, passages, rate per 10,000 characters and share, per
//! document — every indexed document, those that never say it included — and per chapter;
//! with each document's best passages for reading side by side.
//!
//! Occurrences are exact and non-overlapping in the passages' normalised text: a phrase cut by
//! a wrap counts once, and the table of contents and the front page, which are not passages,
//! never count. A term may be a concept of several wordings ([`Concept`]): its count is theirs,
//! overlaps counted once, and each wording's own count is kept beside it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::concept::{self, Concept, Dictionary};
use super::filter::Filters;
use super::parse::{Clause, Query, Term};
use super::scan::scan_concept;
use super::search::{Hit, best_per_document};
use crate::error::{Error, Result};
use crate::index::manifest::ChapterRecord;
use crate::index::{DocRecord, Opened};

/// One term's counts in one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub occurrences: u64,
    pub passages: u64,
    /// Occurrences per 10,000 characters of the document's passages.
    pub per_10k: f64,
    /// This document's share of the term's occurrences in all compared documents.
    pub share: f64,
    /// Chapters that use the term, in outline order.
    pub chapters: Vec<ChapterCount>,
    /// For a concept of several wordings, each wording's own counts, in the concept's order
    /// (overlapping wordings each count here, once in `occurrences`); empty otherwise.
    pub by_variant: Vec<VariantCount>,
    /// When asked for ([`add_strength`]): the sentences using the term, by their strongest
    /// commitment verb (确保, 力争, 努力, 推动, 探索, then none).
    pub strength: Option<[u64; 6]>,
}

/// One wording's counts in one document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VariantCount {
    pub occurrences: u64,
    pub passages: u64,
}

/// Occurrences in one chapter.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterCount {
    /// `None` for text before the first chapter (a preamble).
    pub chapter: Option<ChapterRecord>,
    pub occurrences: u64,
}

/// One document's row.
#[derive(Debug, Clone)]
pub struct DocRow {
    pub doc: Arc<DocRecord>,
    /// Counts per query, in query order.
    pub counts: Vec<Counts>,
    /// Best passages per query, in query order; empty where the document has none.
    pub best: Vec<Vec<Hit>>,
}

/// How to order the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Occurrences per 10,000 characters, highest first.
    #[default]
    Rate,
    /// Occurrences, most first.
    Count,
    /// Passages containing the term, most first.
    Passages,
    /// Document length, longest first.
    Chars,
    Region,
    File,
}

/// A comparison of one or more terms across documents.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The terms' names, in order (see [`Concept::name`]).
    pub queries: Vec<String>,
    /// The terms as concepts: their wordings.
    pub concepts: Vec<Concept>,
    pub rows: Vec<DocRow>,
    /// Occurrences of each query in all compared documents.
    pub totals: Vec<u64>,
    /// Best passages per document shown side by side.
    pub per: usize,
}

/// Most terms one comparison takes.
pub const MAX_TERMS: usize = 64;

/// The concepts to compare: each term is one exact wording, or several (`A|B`, `A OR B`, a name
/// in the dictionary); surrounding ASCII quotes are dropped. No terms and a dictionary: all its
/// concepts.
pub fn concepts(raw: &[String], dict: Option<&Dictionary>) -> Result<Vec<Concept>> {
    let mut out: Vec<Concept> = Vec::new();
    if raw.is_empty() {
        if let Some(d) = dict {
            out = d.concepts.clone();
        }
    }
    for r in raw {
        let c = concept::concept(r, dict)?;
        if !out.iter().any(|o| o.name == c.name) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(
            "nothing to compare: give terms or --terms FILE".into(),
        ));
    }
    if out.len() > MAX_TERMS {
        return Err(Error::Usage(format!(
            "{} terms to compare; the limit is {MAX_TERMS}",
            out.len()
        )));
    }
    Ok(out)
}

/// The query that finds a concept's best passages: any of its wordings.
pub fn concept_query(c: &Concept) -> Query {
    Query {
        raw: c.name.clone(),
        clauses: vec![Clause {
            alternatives: c.variants.iter().cloned().map(Term::Word).collect(),
        }],
        excluded: vec![],
    }
}

/// Side by side is shown by default up to this many documents: beyond, a page of passages per
/// term stops being a comparison one can read, and loading them costs more than the counting.
pub const SIDE_BY_SIDE_DOCUMENTS: usize = 50;

/// Compares `terms` (see [`concepts`]) across the documents the filters keep, with `per` best
/// passages per document and term (default: 1 up to [`SIDE_BY_SIDE_DOCUMENTS`] documents, else
/// none).
pub fn compare(
    idx: &Opened,
    terms: &[Concept],
    filters: &Filters,
    per: Option<usize>,
    sort: SortKey,
) -> Result<Comparison> {
    let searcher = idx.searcher();
    let allowed = filters.documents(&idx.manifest)?;
    let docs: Vec<&Arc<DocRecord>> = idx
        .manifest
        .docs
        .iter()
        .filter(|d| allowed.as_ref().is_none_or(|a| a.contains(&d.id)))
        .collect();
    let per = per.unwrap_or(if docs.len() <= SIDE_BY_SIDE_DOCUMENTS {
        1
    } else {
        0
    });
    let mut rows: Vec<DocRow> = docs
        .iter()
        .map(|d| DocRow {
            doc: Arc::clone(d),
            counts: terms
                .iter()
                .map(|t| Counts {
                    by_variant: if t.is_group() {
                        vec![VariantCount::default(); t.variants.len()]
                    } else {
                        Vec::new()
                    },
                    ..Counts::default()
                })
                .collect(),
            best: vec![Vec::new(); terms.len()],
        })
        .collect();
    let row_of: HashMap<u64, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.doc.id, i))
        .collect();
    let mut totals = vec![0u64; terms.len()];
    for (q, term) in terms.iter().enumerate() {
        let mut chapters: HashMap<(u64, u64), u64> = HashMap::new();
        for m in scan_concept(idx, &searcher, term, filters, false)? {
            let Some(&r) = row_of.get(&m.doc) else {
                continue;
            };
            let n = u64::from(m.occurrences);
            let c = &mut rows[r].counts[q];
            c.occurrences += n;
            c.passages += 1;
            for (v, &k) in c.by_variant.iter_mut().zip(&m.by_variant) {
                v.occurrences += u64::from(k);
                v.passages += u64::from(k > 0);
            }
            totals[q] += n;
            *chapters.entry((m.doc, m.chapter_ord)).or_default() += n;
        }
        let mut by_doc: BTreeMap<u64, Vec<(u64, u64)>> = BTreeMap::new();
        for ((doc, ord), n) in chapters {
            by_doc.entry(doc).or_default().push((ord, n));
        }
        for (doc, mut list) in by_doc {
            list.sort_unstable();
            let row = &mut rows[row_of[&doc]];
            row.counts[q].chapters = list
                .into_iter()
                .map(|(ord, n)| ChapterCount {
                    chapter: row.doc.chapter(ord).cloned(),
                    occurrences: n,
                })
                .collect();
        }
        let query = concept_query(term);
        if per > 0 {
            for (doc, hits) in best_per_document(idx, &query, filters, per)? {
                if let Some(&r) = row_of.get(&doc) {
                    rows[r].best[q] = hits;
                }
            }
        }
    }
    for row in &mut rows {
        for (q, c) in row.counts.iter_mut().enumerate() {
            c.per_10k = if row.doc.chars > 0 {
                c.occurrences as f64 * 10_000.0 / row.doc.chars as f64
            } else {
                0.0
            };
            c.share = if totals[q] > 0 {
                c.occurrences as f64 / totals[q] as f64
            } else {
                0.0
            };
        }
    }
    sort_rows(&mut rows, sort);
    Ok(Comparison {
        queries: terms.iter().map(|t| t.name.clone()).collect(),
        concepts: terms.to_vec(),
        rows,
        totals,
        per,
    })
}

fn sort_rows(rows: &mut [DocRow], key: SortKey) {
    fn first<'a>(r: &'a DocRow, none: &'a Counts) -> &'a Counts {
        r.counts.first().unwrap_or(none)
    }
    let none = Counts::default();
    rows.sort_by(|a, b| {
        let (ca, cb) = (first(a, &none), first(b, &none));
        let order = match key {
            SortKey::Rate => cb.per_10k.total_cmp(&ca.per_10k),
            SortKey::Count => cb.occurrences.cmp(&ca.occurrences),
            SortKey::Passages => cb.passages.cmp(&ca.passages),
            SortKey::Chars => b.doc.chars.cmp(&a.doc.chars),
            SortKey::Region => a.doc.region.cmp(&b.doc.region),
            SortKey::File => std::cmp::Ordering::Equal,
        };
        order.then_with(|| a.doc.path.cmp(&b.doc.path))
    });
}

/// Classifies the sentences that use each term, per document, by their strongest commitment
/// verb (see [`crate::analysis::targets::sentence`]): how firmly each plan promises what it says
/// about a theme. Each sentence counts once, however often it uses the term; headings are no
/// sentences.
pub fn add_strength(idx: &Opened, c: &mut Comparison, filters: &Filters) -> Result<()> {
    use crate::analysis::targets::sentence::{Strength, strength};
    let searcher = idx.searcher();
    let row_of: HashMap<u64, usize> = c
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.doc.id, i))
        .collect();
    for row in &mut c.rows {
        for k in &mut row.counts {
            k.strength = Some([0; 6]);
        }
    }
    for (q, term) in c.concepts.iter().enumerate() {
        for m in scan_concept(idx, &searcher, term, filters, true)? {
            let Some(&r) = row_of.get(&m.doc) else {
                continue;
            };
            let p = idx.passage(&searcher, m.addr)?;
            if p.kind == crate::passage::Kind::Heading {
                continue; // a heading names a theme; it promises nothing
            }
            let mut start = 0u32;
            let counts = c.rows[r].counts[q].strength.get_or_insert([0; 6]);
            for sentence in p.text.split_inclusive(['。', '；', '！', '？', '\n']) {
                let end = start + sentence.chars().count() as u32;
                if m.spans.iter().any(|&(at, _, _)| start <= at && at < end) {
                    let class = strength(sentence).map_or(5, |s| {
                        Strength::ALL.iter().position(|x| *x == s).unwrap_or(5)
                    });
                    counts[class] += 1;
                }
                start = end;
            }
        }
    }
    Ok(())
}
