//! Text reuse: which parts of a plan repeat another plan's wording, verbatim or lightly edited,
//! and which are its own — the policy-diffusion researcher's question (passim; Wilkerson, Smith
//! & Stramp; Linder et al.), made for Chinese plans.
//!
//! The method is passim's, adapted:
//!
//! 1. **Candidates from an index, not from all pairs.** Each passage's winnowed character n-grams
//!    are terms of the index ([`crate::index::shingles`]); a target passage's fingerprints lead,
//!    through their postings, to the passages of other plans that share them. Plans that share
//!    nothing are never compared, so one plan against thousands costs about what its own
//!    fingerprints' postings cost. Fingerprints shared by very many passages (boilerplate) are
//!    followed only part of the way.
//! 2. **Seeds, chained.** In a candidate pair, the shorter n-grams both share are seeds; seeds
//!    close together on nearly the same diagonal are chained into one span, so a swapped name,
//!    a few dropped characters or an inserted word do not break it; a longer stretch rewritten
//!    on both sides does, so two sentences that only begin and end alike stay apart. Chapters
//!    may come in any order: every passage is aligned on its own.
//! 3. **Confirmed by alignment.** Each chained span is extended over identical characters and
//!    confirmed by a character alignment (the `similar` crate's diff): its similarity is the
//!    share of characters the two texts have in common, and the diff marks what changed.
//!
//! Each target character is counted once, given to its best source (the most similar, then the
//! longest alignment covering it). How many plans share a span's wording is counted from its
//! fingerprints' postings (the plans holding at least half of them): text most plans share is
//! marked common — national wording or boilerplate no bundled plan is the source of — and can
//! be left out.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED};

use crate::error::{Error, Result};
use crate::index::shingles::{self, content, fingerprints_of};
use crate::index::{DocRecord, Opened};
use crate::passage::{HeadingRef, Kind, Passage};

/// How to look for reuse.
#[derive(Debug, Clone, Copy)]
pub struct ReuseOptions {
    /// Spans shorter than this many characters are not reported.
    pub min_chars: usize,
    /// Leave out wording most plans share.
    pub skip_common: bool,
}

/// The default shortest span: measured on planted sentences (see the README), long enough that
/// the stock phrases every plan shares in passing are not reported, short enough that an edited
/// sentence is.
pub const MIN_CHARS: usize = 16;

impl Default for ReuseOptions {
    fn default() -> Self {
        ReuseOptions {
            min_chars: MIN_CHARS,
            skip_common: false,
        }
    }
}

/// An operation of a diff between a source span and a target span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Equal,
    /// In the source only.
    Delete,
    /// In the target only.
    Insert,
}

/// A span of a target plan that repeats a span of a source plan.
#[derive(Debug, Clone)]
pub struct Alignment {
    pub target: Arc<DocRecord>,
    pub line_start: u32,
    pub line_end: u32,
    pub chapter: Option<HeadingRef>,
    pub section: Option<HeadingRef>,
    pub text: String,
    pub source: Arc<DocRecord>,
    pub source_line_start: u32,
    pub source_line_end: u32,
    pub source_chapter: Option<HeadingRef>,
    pub source_section: Option<HeadingRef>,
    pub source_text: String,
    /// Characters the two spans have in common over their average length, in [0, 1].
    pub similarity: f64,
    /// Characters of the target span.
    pub chars: usize,
    /// Plans besides the target that hold this wording.
    pub shared_by: usize,
    /// Most plans hold it: common wording rather than borrowing from this source.
    pub common: bool,
    /// What changed from source to target.
    pub diff: Vec<(Op, String)>,
    /// The passage of the target and the character range of the span in it.
    passage: usize,
    range: (usize, usize),
}

/// One target plan's account.
#[derive(Debug, Clone)]
pub struct DocReuse {
    pub doc: Arc<DocRecord>,
    /// Characters of its passages.
    pub chars: u64,
    /// Characters that repeat some source, each counted once.
    pub borrowed_chars: u64,
    pub share: f64,
    /// Borrowed characters by the source each was given to, most first.
    pub by_source: Vec<(Arc<DocRecord>, u64)>,
    /// Passages with nothing borrowed: the plan's own wording.
    pub own_passages: u64,
    pub passages: u64,
}

/// The result: per target plan, and every aligned span.
#[derive(Debug, Clone)]
pub struct Reuse {
    pub documents: Vec<DocReuse>,
    pub alignments: Vec<Alignment>,
    pub options: ReuseOptions,
}

/// Postings followed per fingerprint at most: beyond, the wording is common, and a sample of the
/// passages holding it is enough to align with.
const MAX_POSTINGS: usize = 48;
/// Candidate passages aligned per target passage.
const CANDIDATES: usize = 8;
/// Seeds: shared runs of this many content characters.
const SEED: usize = 6;
/// Seeds chain across at most this many characters, and drift at most this far from their
/// diagonal (inserted or dropped characters).
const GAP: i64 = 30;
const DRIFT: i64 = 12;
/// Between two chained seeds, characters unmatched on *both* sides (a substitution) are at
/// most this many: a swapped name, not a rewritten clause. A clause dropped or a word inserted
/// leaves one side with nothing unmatched and is bounded by `DRIFT` instead.
const SWAP: i64 = 6;
/// Spans less similar than this are not reuse.
const MIN_SIMILARITY: f64 = 0.7;

/// What is known of one fingerprint: in how many passages it stands, the distinct plans holding
/// it among the passages followed, and those passages.
#[derive(Debug, Clone, Default)]
struct Print {
    passages: u64,
    docs: HashSet<u64>,
    followed: Vec<(DocAddress, u64)>,
}

/// Finds the spans of each `target` plan that repeat a `source` plan (ids; a plan is never its
/// own source).
pub fn reuse(idx: &Opened, targets: &[u64], sources: &[u64], opts: ReuseOptions) -> Result<Reuse> {
    if targets.is_empty() {
        return Err(Error::Usage("no target plan to look at".into()));
    }
    let searcher = idx.searcher();
    let doc_cols = searcher
        .segment_readers()
        .iter()
        .map(|r| r.fast_fields().u64("doc"))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let sources: HashSet<u64> = sources.iter().copied().collect();
    let others = idx.manifest.docs.len().saturating_sub(1);
    let common_from = (others.div_ceil(2)).max(3);
    let mut prints: HashMap<u64, Print> = HashMap::new();
    let mut documents = Vec::new();
    let mut alignments = Vec::new();
    for &t in targets {
        let Some(doc) = idx.doc(t).cloned() else {
            continue;
        };
        let passages = crate::query::document::passages(idx, t)?;
        let mut found: Vec<Alignment> = Vec::new();
        for (pi, p) in passages.iter().enumerate() {
            if p.kind == Kind::Heading {
                continue;
            }
            let chars = content(&p.text);
            let fps = fingerprints_of(&chars);
            // Candidate passages of other plans, by the fingerprints they share.
            let mut shared: HashMap<DocAddress, usize> = HashMap::new();
            for &(h, _) in &fps {
                let print = print_of(&searcher, idx, &doc_cols, &mut prints, h)?;
                for &(addr, id) in &print.followed {
                    if id != t && sources.contains(&id) {
                        *shared.entry(addr).or_default() += 1;
                    }
                }
            }
            let need = 1;
            let mut candidates: Vec<(DocAddress, usize)> =
                shared.into_iter().filter(|&(_, n)| n >= need).collect();
            candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            candidates.truncate(CANDIDATES);
            for (addr, _) in candidates {
                let source = idx.passage(&searcher, addr)?;
                let id = doc_cols[addr.segment_ord as usize]
                    .first(addr.doc_id)
                    .unwrap_or_default();
                let Some(src_doc) = idx.doc(id).cloned() else {
                    continue;
                };
                for span in align(&p.text, &source.text, opts.min_chars) {
                    let shared_by = holders(&chars, &fps, &prints, span, t, common_from);
                    let common = shared_by >= common_from;
                    if common && opts.skip_common {
                        continue;
                    }
                    found.push(record(
                        &doc, p, pi, &src_doc, &source, span, shared_by, common,
                    ));
                }
            }
        }
        // Best first, so that each target character goes to its best source.
        found.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(b.chars.cmp(&a.chars))
                .then_with(|| a.source.path.cmp(&b.source.path))
        });
        let account = account(&doc, &passages, &found);
        // One alignment per target span and source: the best.
        let mut seen: HashSet<(usize, usize, usize, u64)> = HashSet::new();
        found.retain(|a| seen.insert((a.passage, a.range.0, a.range.1, a.source.id)));
        found.sort_by(|a, b| {
            (a.line_start, a.range.0, &a.source.path).cmp(&(
                b.line_start,
                b.range.0,
                &b.source.path,
            ))
        });
        documents.push(account);
        alignments.extend(found);
    }
    Ok(Reuse {
        documents,
        alignments,
        options: opts,
    })
}

/// How many plans besides `t` hold most of a span's wording: those holding at least half of
/// its fingerprints (the source among them, so at least 1). When most of its fingerprints stand
/// in more passages than were followed, the wording is common whatever was seen.
fn holders(
    chars: &[(char, u32)],
    fps: &[(u64, u32)],
    prints: &HashMap<u64, Print>,
    span: Span,
    t: u64,
    common_from: usize,
) -> usize {
    let inside: Vec<&Print> = fps
        .iter()
        .filter(|(_, pos)| {
            let c = chars[*pos as usize].1 as usize;
            c >= span.target.0 && c < span.target.1
        })
        .map(|(h, _)| &prints[h])
        .collect();
    let mut held: HashMap<u64, usize> = HashMap::new();
    for print in &inside {
        for &d in print.docs.iter().filter(|&&d| d != t) {
            *held.entry(d).or_default() += 1;
        }
    }
    let most = held.values().filter(|&&n| n * 2 >= inside.len()).count();
    let saturated = inside
        .iter()
        .filter(|p| p.passages as usize > p.followed.len())
        .count();
    let most = if saturated * 2 > inside.len() {
        most.max(common_from)
    } else {
        most
    };
    most.max(1)
}

/// The fingerprint `h`: its passages and plans, read from the index once.
fn print_of<'a>(
    searcher: &Searcher,
    idx: &Opened,
    doc_cols: &[tantivy::columnar::Column<u64>],
    prints: &'a mut HashMap<u64, Print>,
    h: u64,
) -> Result<&'a Print> {
    if !prints.contains_key(&h) {
        let term = Term::from_field_u64(idx.fields.shingles, h);
        let mut print = Print::default();
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            let inverted = reader.inverted_index(idx.fields.shingles)?;
            let Some(info) = inverted
                .get_term_info(&term)
                .map_err(tantivy::TantivyError::from)?
            else {
                continue;
            };
            print.passages += u64::from(info.doc_freq);
            let alive = reader.alive_bitset();
            let mut postings = inverted
                .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            let mut d = postings.doc();
            while d != TERMINATED && print.followed.len() < MAX_POSTINGS {
                if alive.is_none_or(|a| a.is_alive(d)) {
                    let id = doc_cols[seg].first(d).unwrap_or_default();
                    print.docs.insert(id);
                    print.followed.push((DocAddress::new(seg as u32, d), id));
                }
                d = postings.advance();
            }
        }
        prints.insert(h, print);
    }
    Ok(&prints[&h])
}

/// A span two texts share: character ranges in the target and the source, and how similar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub target: (usize, usize),
    pub source: (usize, usize),
    pub similarity: f64,
}

/// The spans of `target` that repeat spans of `source`, at least `min_chars` long (see the
/// module documentation): character ranges into the two texts.
pub fn align(target: &str, source: &str, min_chars: usize) -> Vec<Span> {
    let a = content(target);
    let b = content(source);
    if a.len() < SEED || b.len() < SEED {
        return Vec::new();
    }
    let mut at: HashMap<u64, Vec<u32>> = HashMap::new();
    for (h, j) in shingles::grams(&b, SEED) {
        let list = at.entry(h).or_default();
        if list.len() < 8 {
            list.push(j);
        }
    }
    let mut seeds: Vec<(i64, i64)> = Vec::new();
    for (h, i) in shingles::grams(&a, SEED) {
        if let Some(js) = at.get(&h) {
            seeds.extend(js.iter().map(|&j| (i64::from(i), i64::from(j))));
        }
    }
    if seeds.is_empty() || seeds.len() > 20_000 {
        return Vec::new();
    }
    seeds.sort_unstable();
    let mut spans: Vec<Span> = Vec::new();
    let mut used = vec![false; seeds.len()];
    loop {
        // The best chain among the seeds left: most target characters covered.
        let n = seeds.len();
        let mut best = vec![0i64; n];
        let mut prev = vec![usize::MAX; n];
        for s in 0..n {
            if used[s] {
                continue;
            }
            best[s] = SEED as i64;
            let (si, sj) = seeds[s];
            for t in (0..s).rev() {
                let (ti, tj) = seeds[t];
                if si - ti > GAP {
                    break;
                }
                if used[t] || ti >= si || tj >= sj || sj - tj > GAP {
                    continue;
                }
                if ((si - sj) - (ti - tj)).abs() > DRIFT {
                    continue;
                }
                if (si - ti - SEED as i64).min(sj - tj - SEED as i64) > SWAP {
                    continue;
                }
                let gain = best[t] + (si - ti).min(SEED as i64);
                if gain > best[s] {
                    best[s] = gain;
                    prev[s] = t;
                }
            }
        }
        let Some(end) = (0..n)
            .filter(|&s| !used[s])
            .max_by_key(|&s| (best[s], std::cmp::Reverse(s)))
        else {
            break;
        };
        let mut first = end;
        while prev[first] != usize::MAX {
            first = prev[first];
        }
        let (mut ta, mut sa) = (seeds[first].0 as usize, seeds[first].1 as usize);
        let (mut tb, mut sb) = (seeds[end].0 as usize + SEED, seeds[end].1 as usize + SEED);
        // Mark the chain's target range as taken.
        for (k, &(i, _)) in seeds.iter().enumerate() {
            if (i as usize) >= ta && (i as usize) < tb {
                used[k] = true;
            }
        }
        if ((tb - ta) as f64) < min_chars as f64 * 0.6 {
            if used.iter().all(|&u| u) {
                break;
            }
            continue;
        }
        // Extended over identical characters on both sides.
        while ta > 0 && sa > 0 && a[ta - 1].0 == b[sa - 1].0 {
            ta -= 1;
            sa -= 1;
        }
        while tb < a.len() && sb < b.len() && a[tb].0 == b[sb].0 {
            tb += 1;
            sb += 1;
        }
        // Back to character offsets of the texts, whole clauses' punctuation excluded.
        let t_range = (a[ta].1 as usize, a[tb - 1].1 as usize + 1);
        let s_range = (b[sa].1 as usize, b[sb - 1].1 as usize + 1);
        let t_content: String = a[ta..tb].iter().map(|c| c.0).collect();
        let s_content: String = b[sa..sb].iter().map(|c| c.0).collect();
        let similarity = f64::from(similar::TextDiff::from_chars(&s_content, &t_content).ratio());
        let long = t_range.1 - t_range.0 >= min_chars;
        let overlaps = spans
            .iter()
            .any(|s| s.target.0 < t_range.1 && t_range.0 < s.target.1);
        if long && similarity >= MIN_SIMILARITY && !overlaps {
            spans.push(Span {
                target: t_range,
                source: s_range,
                similarity,
            });
        }
        if used.iter().all(|&u| u) {
            break;
        }
    }
    spans.sort_by_key(|s| s.target);
    spans
}

/// The alignment record of a span.
#[allow(clippy::too_many_arguments)]
fn record(
    doc: &Arc<DocRecord>,
    p: &Passage,
    pi: usize,
    src_doc: &Arc<DocRecord>,
    source: &Passage,
    span: Span,
    shared_by: usize,
    common: bool,
) -> Alignment {
    let slice = |text: &str, (a, b): (usize, usize)| -> String {
        text.chars().skip(a).take(b - a).collect()
    };
    let text = slice(&p.text, span.target);
    let source_text = slice(&source.text, span.source);
    let diff = similar::TextDiff::from_chars(&source_text, &text)
        .iter_all_changes()
        .fold(Vec::<(Op, String)>::new(), |mut out, c| {
            let op = match c.tag() {
                similar::ChangeTag::Equal => Op::Equal,
                similar::ChangeTag::Delete => Op::Delete,
                similar::ChangeTag::Insert => Op::Insert,
            };
            match out.last_mut() {
                Some((last, s)) if *last == op => s.push_str(c.value()),
                _ => out.push((op, c.value().to_string())),
            }
            out
        });
    Alignment {
        target: Arc::clone(doc),
        line_start: p.line_of(span.target.0 as u32),
        line_end: p.line_of((span.target.1 - 1) as u32),
        chapter: p.chapter.clone(),
        section: p.section.clone(),
        chars: span.target.1 - span.target.0,
        text,
        source: Arc::clone(src_doc),
        source_line_start: source.line_of(span.source.0 as u32),
        source_line_end: source.line_of((span.source.1 - 1) as u32),
        source_chapter: source.chapter.clone(),
        source_section: source.section.clone(),
        source_text,
        similarity: span.similarity,
        shared_by,
        common,
        diff,
        passage: pi,
        range: span.target,
    }
}

/// A target's account: each of its characters counted once, for the best alignment covering it
/// (`found` comes best first).
fn account(doc: &Arc<DocRecord>, passages: &[Passage], found: &[Alignment]) -> DocReuse {
    let mut owner: HashMap<(usize, usize), u64> = HashMap::new(); // (passage, char) → source
    for a in found {
        for c in a.range.0..a.range.1 {
            owner.entry((a.passage, c)).or_insert(a.source.id);
        }
    }
    let mut by: HashMap<u64, u64> = HashMap::new();
    for src in owner.values() {
        *by.entry(*src).or_default() += 1;
    }
    let mut by_source: Vec<(Arc<DocRecord>, u64)> = found
        .iter()
        .map(|a| Arc::clone(&a.source))
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|d| by.remove(&d.id).map(|n| (d, n)))
        .collect();
    by_source.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.path.cmp(&b.0.path)));
    let borrowed: u64 = owner.len() as u64;
    let with_reuse: HashSet<usize> = found.iter().map(|a| a.passage).collect();
    DocReuse {
        doc: Arc::clone(doc),
        chars: doc.chars,
        borrowed_chars: borrowed,
        share: if doc.chars > 0 {
            borrowed as f64 / doc.chars as f64
        } else {
            0.0
        },
        by_source,
        own_passages: (passages.len() - with_reuse.len()) as u64,
        passages: passages.len() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_and_lightly_edited_spans_align() {
        let source = "坚持把发展经济的着力点放在实体经济上，推进产业基础高级化、产业链现代化，提高经济质量效益和核心竞争力。";
        // A name swapped, two characters dropped, a word inserted.
        let target = "前言。坚持把发展经济的着力点放在实体经济上，大力推进产业基础高级化、产业链现代化，提高经济效益和核心竞争力。其他内容与此无关。";
        let spans = align(target, source, 16);
        assert_eq!(spans.len(), 1, "{spans:?}");
        let s = spans[0];
        let text: String = target
            .chars()
            .skip(s.target.0)
            .take(s.target.1 - s.target.0)
            .collect();
        assert!(
            text.starts_with("坚持把发展经济") && text.ends_with("核心竞争力"),
            "{text}"
        );
        assert!(s.similarity > 0.9 && s.similarity < 1.0, "{}", s.similarity);
        // Nothing shared: nothing found; too short: not reported.
        assert!(
            align(
                "加强生态环境保护，推进长江大保护，建设美丽乡村。",
                source,
                16
            )
            .is_empty()
        );
        assert!(align("把发展经济的着力点放在", source, 16).is_empty());
    }

    #[test]
    fn spans_in_another_order_are_each_found() {
        let source = "第一句是关于数字经济发展的长句子内容。第二句是关于生态环境保护的另一长句子。";
        let target = "第二句是关于生态环境保护的另一长句子。第一句是关于数字经济发展的长句子内容。";
        assert_eq!(align(target, source, 12).len(), 2);
    }

    #[test]
    fn sentences_that_only_begin_and_end_alike_are_not_one_span() {
        let source = "建设工业互联网平台，培育2到3个全国一流的跨行业、跨领域工业互联网平台。";
        let target = "建设工业互联网平台，培育1个行业级或者区域级工业互联网平台。";
        assert!(align(target, source, 16).is_empty());
        // A swapped name of the same length is still one span.
        let target = "建设工业互联网平台，培育2到3个省内一流的跨行业、跨领域工业互联网平台。";
        assert_eq!(align(target, source, 16).len(), 1);
    }
}
