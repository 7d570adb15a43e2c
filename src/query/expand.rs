//! Wording the corpus itself supplies for a query: what plansearch searches besides the query as
//! typed, each expansion labelled with where it came from.
//!
//! - **Abbreviations** ([`abbreviations`]): plans write 碳排放达峰 where a researcher types 碳达峰,
//!   新型基础设施建设 for 新基建. A span holding the query's characters in order, close together,
//!   inside one clause, with each run of them starting a word, is the query written out. The
//!   spans are mined from the index — the characters' positions find candidates, a sample of
//!   their texts gives the written-out forms and their word boundaries (the index's own
//!   vocabulary, see [`super::words`]) — and the forms found are then searched exactly.
//! - **Definitions** ([`definitions`]): what the plans define — `新型基础设施建设（以下简称新基建）`,
//!   `（简称“323”健康问题）`, and glossary entries `“两山”理论：绿水青山就是金山银山理念…`.
//! - **Related wording** ([`related`]): pseudo-relevance feedback in the manner of RM3 (Lavrenko
//!   and Croft; Anserini's default expansion): the words that weigh most in the best passages
//!   found so far, against how common they are in the corpus.
//!
//! No crate does this for Chinese text in a tantivy index, so it is written here. Nothing here
//! prints; expansions never enter a count.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocAddress, DocId, DocSet, Searcher, TERMINATED};

use super::exact::{ExactQuery, leapfrog};
use super::highlight::Folded;
use super::words::{COMPOUND_MIN, Lexicon, Vocabulary, route, route_inside};
use crate::error::Result;
use crate::index::Opened;
use crate::index::tokenize::{fold, is_word};
use crate::passage::Genre;

/// Where an expansion came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The query's characters written out: 碳达峰 → 碳排放达峰.
    Abbreviation,
    /// A plan defines one as the other (简称, glossary).
    Defined,
    /// The passages sit under a heading that contains the query.
    Heading,
    /// Words that weigh most in the best passages found for the query.
    Related,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Abbreviation => "abbreviation",
            Source::Defined => "defined",
            Source::Heading => "heading",
            Source::Related => "related",
        }
    }
}

/// Another wording of a query term, searched exactly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expansion {
    /// The query term it stands for.
    pub from: String,
    /// The wording searched.
    pub text: String,
    pub source: Source,
    /// Passages seen holding it while it was mined (a sample for abbreviations).
    pub seen: u32,
}

/// Query terms shorter than this are not expanded as abbreviations: two characters in order
/// occur everywhere.
const ABBREVIATION_MIN: usize = 3;
const ABBREVIATION_MAX: usize = 6;
/// Most characters between two consecutive characters of the abbreviation.
const MAX_GAP: u32 = 4;
/// Most extra characters a written-out form has over the abbreviation.
const MAX_EXTRA: u32 = 6;
/// Passages whose positions are examined, and whose texts are read, at most: mining samples.
const MAX_EXAMINED: usize = 30_000;
const MAX_READ: usize = 100;
/// Most wordings kept per source.
const MAX_KEPT: usize = 6;

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Characters that end a clause: an abbreviation is never written out across them.
fn is_boundary(c: char) -> bool {
    !(is_han(c) || c.is_alphanumeric())
}

/// Whether `term` can be an abbreviation to mine for: 3 to 6 Han characters, none repeated.
pub fn abbreviation_candidate(term: &str) -> bool {
    let chars: Vec<char> = term.chars().collect();
    (ABBREVIATION_MIN..=ABBREVIATION_MAX).contains(&chars.len())
        && chars.iter().all(|&c| is_han(c))
        && chars
            .iter()
            .enumerate()
            .all(|(i, c)| !chars[..i].contains(c))
}

/// The spans of a passage holding `n` characters in order: `positions[i]` are the sorted
/// positions of the i-th character. Each span starts at a position of the first character and
/// takes, for each next character, its first position after the last (at most [`MAX_GAP`]
/// characters later); spans that are the term itself (no gap) are left out.
pub fn in_order_spans(positions: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let Some((first, rest)) = positions.split_first() else {
        return Vec::new();
    };
    let n = positions.len() as u32;
    let mut out = Vec::new();
    'starts: for &p0 in first {
        let mut span = vec![p0];
        let mut last = p0;
        for ps in rest {
            let k = ps.partition_point(|&p| p <= last);
            match ps.get(k) {
                Some(&p) if p - last - 1 <= MAX_GAP => {
                    span.push(p);
                    last = p;
                }
                _ => continue 'starts,
            }
        }
        let width = last - p0 + 1;
        if width > n && width <= n + MAX_EXTRA {
            out.push(span);
        }
    }
    out
}

/// The written-out form of an abbreviation found at `span` (positions into `chars`), if it is one:
/// no clause boundary inside; each run of consecutive matched characters starts a word of the
/// passage's segmentation, or a word inside a compound whose first character the span holds
/// (新型基础设施 is one word of the policy dictionary, 新型 + 基础设施 inside it: 新基建
/// abbreviates 新型基础设施建设); the form ends where the word holding the last character ends.
pub fn written_out(chars: &[char], span: &[u32], lex: &dyn Lexicon, total: u64) -> Option<String> {
    let (&first, &last) = (span.first()?, span.last()?);
    let (first, last) = (first as usize, last as usize);
    if last >= chars.len() || chars[first..=last].iter().any(|&c| is_boundary(c)) {
        return None;
    }
    // Segment a window around the span, from a clause boundary where one is near.
    let from = (first.saturating_sub(6)..first)
        .rev()
        .find(|&i| is_boundary(chars[i]))
        .map_or(first.saturating_sub(6), |i| i + 1);
    let to = (last + 1..(last + 8).min(chars.len()))
        .find(|&i| is_boundary(chars[i]))
        .unwrap_or((last + 8).min(chars.len()));
    let window: String = chars[from..to].iter().collect();
    let mut starts = Vec::new(); // word starts, as positions in `chars`
    let mut ends = Vec::new();
    let mut at = from;
    for piece in route(&window, lex, total) {
        let len = piece.chars().count();
        starts.push(at);
        if len >= COMPOUND_MIN && span.contains(&(at as u32)) {
            // The words inside a compound the abbreviation enters at its first character: its
            // route with the compound itself not a word. (Into a compound entered elsewhere —
            // 智慧 + 海绵城市 — the span would skip a word's start: a modifier, not a shortening.)
            let mut inside = at;
            for part in route_inside(&piece, lex, total) {
                let n = part.chars().count();
                // Only words start inside: a compound with no words in it falls back to its
                // characters, which would make every one of them a start.
                if n >= 2 {
                    starts.push(inside);
                }
                inside += n;
            }
        }
        at += len;
        ends.push(at);
    }
    for (k, &p) in span.iter().enumerate() {
        let run_start = k == 0 || span[k - 1] + 1 != p;
        if run_start && !starts.contains(&(p as usize)) {
            return None;
        }
    }
    let end = *ends.iter().find(|&&e| e > last)?;
    if end - first > span.len() + MAX_EXTRA as usize {
        return None;
    }
    Some(chars[first..end].iter().collect())
}

/// Written-out forms of `term` as an abbreviation, most frequent first, mined from a sample of
/// the passages that hold its characters in order.
pub fn abbreviations(idx: &Opened, searcher: &Searcher, term: &str) -> Result<Vec<Expansion>> {
    if !abbreviation_candidate(term) {
        return Ok(Vec::new());
    }
    let mut candidates: Vec<(DocAddress, Vec<Vec<u32>>)> = Vec::new();
    let mut examined = 0usize;
    'segments: for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let inverted = reader.inverted_index(idx.fields.chars)?;
        let mut lists: Vec<SegmentPostings> = Vec::new();
        let mut buf = [0u8; 4];
        for c in term.chars() {
            let t = Term::from_field_text(idx.fields.chars, fold(c).encode_utf8(&mut buf));
            let postings = inverted
                .read_postings(&t, IndexRecordOption::WithFreqsAndPositions)
                .map_err(tantivy::TantivyError::from)?;
            match postings {
                Some(p) => lists.push(p),
                None => continue 'segments,
            }
        }
        let alive = reader.alive_bitset();
        let mut doc = lists.iter().map(|p| p.doc()).max().unwrap_or(TERMINATED);
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); lists.len()];
        while doc != TERMINATED {
            match align(&mut lists, doc) {
                Aligned::At(d) => {
                    examined += 1;
                    if alive.is_none_or(|a| a.is_alive(d)) {
                        for (p, out) in lists.iter_mut().zip(positions.iter_mut()) {
                            p.positions(out);
                        }
                        let spans = in_order_spans(&positions);
                        if !spans.is_empty() {
                            candidates.push((DocAddress::new(seg as u32, d), spans));
                        }
                    }
                    if candidates.len() >= MAX_READ || examined >= MAX_EXAMINED {
                        break 'segments;
                    }
                    doc = lists[0].advance();
                }
                Aligned::Next(d) => doc = d,
            }
        }
    }
    let total = searcher.num_docs();
    let vocab = Vocabulary::new(idx, searcher)?;
    let mut found: HashMap<String, u32> = HashMap::new();
    for (addr, spans) in candidates {
        let passage = idx.passage(searcher, addr)?;
        let chars: Vec<char> = passage.text.chars().collect();
        let mut forms: Vec<String> = spans
            .iter()
            .filter_map(|s| written_out(&chars, s, &vocab, total))
            .collect();
        forms.sort();
        forms.dedup();
        for f in forms {
            *found.entry(f).or_default() += 1;
        }
    }
    Ok(ranked(term, found, Source::Abbreviation))
}

enum Aligned {
    At(DocId),
    Next(DocId),
}

/// Moves every list to `target` or past it: `At` if all stand on one document.
fn align(lists: &mut [SegmentPostings], target: DocId) -> Aligned {
    match leapfrog(lists.iter_mut(), target) {
        d if d == target => Aligned::At(target),
        d => Aligned::Next(d),
    }
}

fn ranked(term: &str, found: HashMap<String, u32>, source: Source) -> Vec<Expansion> {
    let mut list: Vec<Expansion> = found
        .into_iter()
        .filter(|(text, _)| text != term)
        .map(|(text, seen)| Expansion {
            from: term.to_string(),
            text,
            source,
            seen,
        })
        .collect();
    list.sort_by(|a, b| b.seen.cmp(&a.seen).then_with(|| a.text.cmp(&b.text)));
    list.truncate(MAX_KEPT);
    list
}

static SHORT_FOR: LazyLock<Regex> = LazyLock::new(|| {
    // 全称（以下简称“简称”） / 全称(简称简称) / 全称，简称简称
    Regex::new(r"([^，。；：、,;:（）()“”\x22\s]{2,24})\s*[（(，,]\s*(?:以下)?简称\s*[“\x22]?([^，。；：、,;:（）()“”\x22\s]{2,16})[”\x22]?")
        .expect("valid regex")
});

static GLOSSARY_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    // “四办”改革：即……； 1. 两山理论：绿水青山就是金山银山理念，……
    Regex::new(
        r"^[\s\-\d.．、]*(.{2,20}?)\s*[：:]\s*(?:即|是指|指)?\s*[“\x22]?([^，。；,;“”\x22]{2,24})",
    )
    .expect("valid regex")
});

/// Wording the plans define for `term`: the other side of `X（以下简称Y）` and of glossary
/// entries `Y：X…`, read from the passages that hold both.
pub fn definitions(idx: &Opened, searcher: &Searcher, term: &str) -> Result<Vec<Expansion>> {
    let key = Folded::new(term);
    let unquote = |s: &str| s.replace(['“', '”', '"', '《', '》'], "");
    let mut found: HashMap<String, u32> = HashMap::new();
    let mut note = |other: &str| {
        let other = other.trim().to_string();
        if other.chars().count() >= 2 && other != term {
            *found.entry(other).or_default() += 1;
        }
    };
    // Passages saying 简称 beside the term.
    let query = tantivy::query::BooleanQuery::intersection(vec![
        Box::new(ExactQuery::new(idx.fields.chars, term)),
        Box::new(ExactQuery::new(idx.fields.chars, "简称")),
    ]);
    let top = searcher.search(&query, &super::search::top_docs(50, false))?;
    for (_, addr) in top {
        let p = idx.passage(searcher, addr)?;
        for cap in SHORT_FOR.captures_iter(&p.text) {
            let short = unquote(&cap[2]);
            let full = full_name(&unquote(&cap[1]), &short);
            if Folded::new(&short).as_str() == key.as_str() {
                note(&full);
            } else if Folded::new(&full).as_str().ends_with(key.as_str()) {
                // The full name is the clause before the brackets; the term may end it.
                note(&short);
            }
        }
    }
    // Glossary entries headed by the term, which they often quote in part (“两山”理论): the
    // back matter holding all its characters.
    let genre = Term::from_field_u64(idx.fields.genre, Genre::BackMatter.code());
    let mut all: Vec<Box<dyn tantivy::query::Query>> = vec![Box::new(
        tantivy::query::TermQuery::new(genre, IndexRecordOption::Basic),
    )];
    let mut buf = [0u8; 4];
    for c in term.chars().filter(|c| !c.is_whitespace()) {
        let t = Term::from_field_text(idx.fields.chars, fold(c).encode_utf8(&mut buf));
        all.push(Box::new(tantivy::query::TermQuery::new(
            t,
            IndexRecordOption::Basic,
        )));
    }
    let query = tantivy::query::BooleanQuery::intersection(all);
    let top = searcher.search(&query, &super::search::top_docs(50, false))?;
    for (_, addr) in top {
        let p = idx.passage(searcher, addr)?;
        for line in p.text.lines() {
            if let Some(cap) = GLOSSARY_ENTRY.captures(line) {
                // The entry's head is the term, or the term and a short tail (“两山”理论).
                let head = Folded::new(&unquote(&cap[1]));
                let heads_term = head
                    .as_str()
                    .strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.chars().count() <= 2);
                if heads_term {
                    note(&unquote(&cap[2]));
                }
            }
        }
    }
    Ok(ranked(term, found, Source::Defined))
}

/// The full name in the clause before `（简称…）`: from where the short form's first character
/// first appears (the clause may begin with a verb: 加快新型基础设施建设 → 新型基础设施建设).
fn full_name(clause: &str, short: &str) -> String {
    let first = short.chars().next().map(fold);
    match clause.char_indices().find(|&(_, c)| Some(fold(c)) == first) {
        Some((i, _)) => clause[i..].to_string(),
        None => clause.to_string(),
    }
}

/// A feedback passage for [`related`]: its text, its weight, and the document it is in.
pub struct Feedback<'a> {
    pub text: &'a str,
    pub weight: f32,
    pub doc: u64,
}

/// Most related words kept.
const RELATED_KEPT: usize = 8;
/// Fewer feedback passages than this say too little to choose words by.
pub const MIN_FEEDBACK: usize = 3;
/// Characters of a feedback passage read, from its start: a passage that runs on (a table, a
/// box of projects over fifty lines) would otherwise cost tens of milliseconds to segment for
/// words its lead already says. Measured: the judged and held-out figures are the same at
/// 1,000 as with whole passages (at 400 they fall by 0.01); a query whose feedback holds such
/// passages took 129 ms rather than 83 at 500 plans.
const FEEDBACK_CHARS: usize = 1000;
/// The largest share of passages a related word may occur in.
const MAX_RELATED_SHARE: f64 = 0.05;

/// Words that characterise the feedback passages against the corpus, in the manner of RM3's
/// relevance model with terms chosen by their contribution to the divergence between the two:
/// `p_R · ln(p_R / p_C)`, `p_R` the weighted share of feedback passages holding the word, each
/// passage counting it `1 + ln(tf)` times, and `p_C` the share of all passages. A word the
/// passages about the query repeat is their topic's (人才 in passages on 招才引智), one they say
/// once may be anyone's: on the judged queries, counting repetitions raised nDCG@10 from 0.73
/// to 0.74, and from 0.72 to 0.75 on the held-out ones. A word must stand in two feedback
/// passages — of two plans, when the feedback comes from several, so that one plan's place
/// names do not pass for the topic's vocabulary. Words of the query, words inside them or
/// holding them, and the plans' common vocabulary are left out. Each passage is read up to
/// [`FEEDBACK_CHARS`] characters. Weights are scaled so the first is 1.
pub fn related(
    idx: &Opened,
    searcher: &Searcher,
    feedback: &[Feedback],
    query_words: &[String],
) -> Result<Vec<(String, f32)>> {
    if feedback.len() < MIN_FEEDBACK {
        return Ok(Vec::new());
    }
    // A quarter of the feedback, and at least two passages: a word of one passage among many is
    // that passage's, not the topic's.
    let min_passages = (feedback.len() as u32).div_ceil(4).max(2);
    let total = searcher.num_docs().max(1);
    let vocab = Vocabulary::new(idx, searcher)?;
    let norm: f32 = feedback
        .iter()
        .map(|f| f.weight)
        .sum::<f32>()
        .max(f32::EPSILON);
    let several_plans = feedback.iter().any(|f| f.doc != feedback[0].doc);
    // word → (weighted share of feedback passages holding it, passages, plans)
    let mut seen: BTreeMap<String, (f32, u32, Vec<u64>)> = BTreeMap::new();
    for f in feedback {
        let mut counted: BTreeMap<String, usize> = BTreeMap::new();
        let text = match f.text.char_indices().nth(FEEDBACK_CHARS) {
            Some((end, _)) => &f.text[..end],
            None => f.text,
        };
        for w in route(text, &vocab, total) {
            if w.chars().count() >= 2 && is_word(&w) {
                *counted.entry(w).or_default() += 1;
            }
        }
        for (w, tf) in counted {
            let e = seen.entry(w).or_default();
            e.0 += (1.0 + (tf as f32).ln()) * f.weight / norm;
            e.1 += 1;
            if !e.2.contains(&f.doc) {
                e.2.push(f.doc);
            }
        }
    }
    // Words of the query, and the words that hold them or that they hold, are the query
    // itself; a single character (碳) is part of too many words to exclude them all.
    let query: Vec<String> = query_words
        .iter()
        .filter(|w| w.chars().count() >= 2)
        .map(|w| Folded::new(w).as_str().to_string())
        .collect();
    // Words in more than this share of the passages are the plans' common vocabulary
    // (推进, 发展, 建设), not a topic's.
    let common = (total as f64 * MAX_RELATED_SHARE).max(2.0) as u64;
    let mut scored: Vec<(String, f32)> = seen
        .into_iter()
        .filter(|(w, (_, passages, plans))| {
            let fw = Folded::new(w);
            *passages >= min_passages
                && (!several_plans || plans.len() >= 2)
                && !query
                    .iter()
                    .any(|q| q.contains(fw.as_str()) || fw.as_str().contains(q.as_str()))
        })
        .filter_map(|(w, (p_r, _, _))| {
            let n = vocab.df(&w);
            if n < 2 || n > common {
                return None;
            }
            let p_c = n as f32 / total as f32;
            (p_r > p_c).then(|| (w, p_r * (p_r / p_c).ln()))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(RELATED_KEPT);
    if let Some(top) = scored.first().map(|(_, s)| *s) {
        for (_, s) in &mut scored {
            *s /= top;
        }
    }
    Ok(scored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> impl Fn(&str) -> u64 {
        let v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        move |p: &str| u64::from(v.iter().any(|w| w == p)) * 20
    }

    fn positions(text: &str, term: &str) -> Vec<Vec<u32>> {
        term.chars()
            .map(|c| {
                text.chars()
                    .enumerate()
                    .filter(|&(_, t)| t == c)
                    .map(|(i, _)| i as u32)
                    .collect()
            })
            .collect()
    }

    fn forms(text: &str, term: &str, words: &[&str]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let df = vocab(words);
        in_order_spans(&positions(text, term))
            .iter()
            .filter_map(|s| written_out(&chars, s, &df, 1000))
            .collect()
    }

    const WORDS: &[&str] = &[
        "碳排放",
        "达峰",
        "行动",
        "推进",
        "新型",
        "基础设施",
        "建设",
        "加快",
        "城市",
        "有机",
        "更新",
        "碳中和",
        "排放",
        "工作",
        "基础",
        "设施",
        "达到",
        "峰值",
        "城镇化",
        "新能源",
    ];

    #[test]
    fn abbreviations_written_out_are_found() {
        assert_eq!(forms("推进碳排放达峰行动", "碳达峰", WORDS), ["碳排放达峰"]);
        assert_eq!(
            forms("加快新型基础设施建设", "新基建", WORDS),
            ["新型基础设施建设"]
        );
        assert_eq!(
            forms("推进城市有机更新", "城市更新", WORDS),
            ["城市有机更新"]
        );
    }

    #[test]
    fn abbreviations_pick_words_inside_compounds() {
        // The policy dictionary holds 新型基础设施 as one word: its inner words still count.
        let mut words = WORDS.to_vec();
        words.push("新型基础设施");
        assert_eq!(
            forms("加快新型基础设施建设", "新基建", &words),
            ["新型基础设施建设"]
        );
        // A character inside a short word is still no word start: 新 of 创新.
        words.push("创新");
        words.push("基地");
        assert!(forms("创新基地建设", "新基建", &words).is_empty());
        // A compound entered past its first character gives no word starts: 智慧海绵城市 puts a
        // modifier before 城市, it does not shorten anything.
        words.extend(["智慧", "海绵城市", "海绵", "城市"]);
        assert!(forms("建设智慧海绵城市", "智慧城市", &words).is_empty());
        // A compound with no words inside gives no inner starts, not one per character.
        assert!(forms("打造新奥基石建设", "新基建", &["新奥基石", "建设", "打造"]).is_empty());
    }

    #[test]
    fn characters_far_apart_across_clauses_or_inside_words_are_not() {
        // Too far apart.
        assert!(forms("碳排放工作和能源结构调整达峰", "碳达峰", WORDS).is_empty());
        // Across a clause boundary.
        assert!(forms("控制碳排放，达峰", "碳达峰", WORDS).is_empty());
        assert!(forms("碳排放。达峰", "碳达峰", WORDS).is_empty());
        // A run that does not start a word: 建 inside 城镇化…建 is fine only at a word start.
        assert!(forms("新型城镇化基础设施建设", "新基建", WORDS).is_empty());
        // The term itself is the exact match, not an expansion.
        assert!(forms("推进碳达峰行动", "碳达峰", WORDS).is_empty());
        assert!(!abbreviation_candidate("5G"));
        assert!(!abbreviation_candidate("营商"));
        assert!(abbreviation_candidate("营商环境"));
    }

    #[test]
    fn spans_take_the_first_position_after_the_last() {
        let spans = in_order_spans(&[vec![0, 10], vec![3, 12], vec![4, 20]]);
        assert_eq!(spans, vec![vec![0, 3, 4]]);
        assert!(in_order_spans(&[vec![0], vec![1], vec![2]]).is_empty());
        assert!(in_order_spans(&[]).is_empty());
    }

    #[test]
    fn definitions_are_read_both_ways() {
        let cap = SHORT_FOR
            .captures("加快新型基础设施建设（以下简称“新基建”），完善体系")
            .unwrap();
        assert_eq!((&cap[1], &cap[2]), ("加快新型基础设施建设", "新基建"));
        assert_eq!(full_name(&cap[1], &cap[2]), "新型基础设施建设");
        let cap = SHORT_FOR
            .captures("武汉经济技术开发区(以下简称武汉经开区)成立三十年来")
            .unwrap();
        assert_eq!((&cap[1], &cap[2]), ("武汉经济技术开发区", "武汉经开区"));
        let cap = GLOSSARY_ENTRY
            .captures("1. “两山”理论：绿水青山就是金山银山理念，是重要组成部分")
            .unwrap();
        assert_eq!(
            (&cap[1], &cap[2]),
            ("“两山”理论", "绿水青山就是金山银山理念")
        );
    }
}
