//! Ranked search: passages that contain the whole query string first, then passages with all
//! its words (closest together first), then passages with some of them.
//!
//! Which tier a passage belongs to is decided by exact matching ([`ExactQuery`]), never by how
//! jieba happened to segment it; BM25 over jieba words orders passages within a tier. Each tier
//! is one tantivy boolean query — its tier condition, the filters and exclusions as required
//! clauses, the query's words as scoring clauses — and a lower tier is only searched when the
//! tiers above it leave room under the limit. The lower tiers look for candidates through the
//! words first (cheap postings, no positions) and fall back to exact matching when that finds
//! too few. Search returns hits; it never prints.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as TantivyQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument};

use super::exact::ExactQuery;
use super::filter::Filters;
use super::highlight::{merged_ranges, proximity};
use super::parse::{Conjunction, Query};
use super::words;
use crate::error::{Error, Result};
use crate::index::schema::kind_code;
use crate::index::{DocRecord, Opened, passage_from_doc};
use crate::passage::{Kind, Passage};

/// How a hit matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The passage contains the whole query string.
    Exact,
    /// It contains every word of the query, not as one string.
    All,
    /// It contains some of the words.
    Partial,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::All => "all",
            MatchKind::Partial => "partial",
        }
    }
}

/// One ranked passage.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    pub score: f32,
    pub kind: MatchKind,
    pub doc: Arc<DocRecord>,
    pub passage: Passage,
    /// Character ranges of the matched strings in `passage.text`.
    pub highlights: Vec<(usize, usize)>,
}

/// The outcome of a search.
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Passages that contain the whole query string (after filters and exclusions).
    pub exact: usize,
    /// The words the query was split into, for ranking and the lower tiers.
    pub words: Vec<String>,
}

/// Searches the index.
pub fn search(
    idx: &Opened,
    query: &Query,
    filters: &Filters,
    limit: usize,
) -> Result<SearchResults> {
    let searcher = idx.searcher();
    // No search returns more passages than the index holds; a larger limit would only make
    // tantivy reserve room for them.
    let passages = (searcher.num_docs() as usize).max(1);
    let limit = limit.clamp(1, passages);
    let plan = Plan::new(idx, &searcher, query, filters)?;

    let mut hits: Vec<Hit> = Vec::new();
    let mut exact = 0;
    if let Some(q) = plan.tier_query(MatchKind::Exact) {
        let (top, count) =
            searcher.search(&q, &(TopDocs::with_limit(limit).order_by_score(), Count))?;
        exact = count;
        for (score, addr) in top {
            hits.push(plan.hit(&searcher, addr, score, MatchKind::Exact)?);
        }
    }
    for kind in [MatchKind::All, MatchKind::Partial] {
        if hits.len() >= limit || !query.has_words() {
            break;
        }
        // Take a pool by score, then order it by how well the words match together.
        let room = limit - hits.len();
        let pool = room.saturating_mul(5).clamp(50, passages.max(50));
        let mut tier = match plan.led_by_words(&searcher, kind, pool)? {
            Some(tier) if tier.len() >= room => tier,
            _ => match plan.tier_query(kind) {
                Some(q) => searcher
                    .search(&q, &TopDocs::with_limit(pool).order_by_score())?
                    .into_iter()
                    .map(|(score, addr)| plan.hit(&searcher, addr, score, kind))
                    .collect::<Result<_>>()?,
                None => continue,
            },
        };
        for h in &mut tier {
            h.score += plan.closeness(h);
        }
        tier.sort_by(|a, b| b.score.total_cmp(&a.score));
        tier.truncate(room);
        hits.extend(tier);
    }
    for (k, h) in hits.iter_mut().enumerate() {
        h.rank = k + 1;
    }
    Ok(SearchResults {
        hits,
        exact,
        words: plan.words.clone(),
    })
}

/// For each document, its best `per` passages on the query: those containing the whole query
/// string or, in a document with none, those containing all its words. Ranked as [`search`]
/// ranks within a tier.
pub fn best_per_document(
    idx: &Opened,
    query: &Query,
    filters: &Filters,
    per: usize,
) -> Result<HashMap<u64, Vec<Hit>>> {
    let searcher = idx.searcher();
    let plan = Plan::new(idx, &searcher, query, filters)?;
    let mut out: HashMap<u64, Vec<Hit>> = HashMap::new();
    // All words stand in for the whole string only when there are several of them.
    let tiers: &[MatchKind] = if plan.conj_words.iter().all(|w| w.len() >= 2) {
        &[MatchKind::Exact, MatchKind::All]
    } else {
        &[MatchKind::Exact]
    };
    for &kind in tiers {
        let Some(q) = plan.tier_query(kind) else {
            continue;
        };
        for (doc, found) in searcher.search(&q, &BestPerDoc { per: per.max(1) })? {
            if out.contains_key(&doc) {
                continue;
            }
            let mut hits: Vec<Hit> = found
                .into_iter()
                .map(|b| plan.hit(&searcher, b.addr, b.score, kind))
                .collect::<Result<_>>()?;
            for (k, h) in hits.iter_mut().enumerate() {
                h.rank = k + 1;
            }
            out.insert(doc, hits);
        }
    }
    Ok(out)
}

/// Collects the best `per` passages of each document: by score, a heading only where the
/// document has no other passage — read side by side, a sentence says more than a heading that
/// merely names the topic. Needs no stored text: document and kind come from fast fields.
struct BestPerDoc {
    per: usize,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    heading: bool,
    score: f32,
    addr: DocAddress,
}

type Best = HashMap<u64, Vec<Candidate>>;

fn keep_best(list: &mut Vec<Candidate>, per: usize) {
    list.sort_by(|a, b| {
        a.heading
            .cmp(&b.heading)
            .then(b.score.total_cmp(&a.score))
            .then(a.addr.cmp(&b.addr))
    });
    list.truncate(per);
}

impl Collector for BestPerDoc {
    type Fruit = Best;
    type Child = BestPerDocSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<BestPerDocSegment> {
        let fast = reader.fast_fields();
        Ok(BestPerDocSegment {
            segment,
            per: self.per,
            doc: fast.u64("doc")?,
            kind: fast.u64("kind")?,
            heading: kind_code(Kind::Heading),
            best: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Best>) -> tantivy::Result<Best> {
        let mut all: Best = HashMap::new();
        for fruit in fruits {
            for (doc, list) in fruit {
                all.entry(doc).or_default().extend(list);
            }
        }
        for list in all.values_mut() {
            keep_best(list, self.per);
        }
        Ok(all)
    }
}

struct BestPerDocSegment {
    segment: SegmentOrdinal,
    per: usize,
    doc: Column<u64>,
    kind: Column<u64>,
    heading: u64,
    best: Best,
}

impl SegmentCollector for BestPerDocSegment {
    type Fruit = Best;

    fn collect(&mut self, doc: DocId, score: Score) {
        let id = self.doc.first(doc).unwrap_or_default();
        let heading = self.kind.first(doc) == Some(self.heading);
        let list = self.best.entry(id).or_default();
        list.push(Candidate {
            heading,
            score,
            addr: DocAddress::new(self.segment, doc),
        });
        if list.len() > self.per.saturating_mul(4).saturating_add(8) {
            keep_best(list, self.per);
        }
    }

    fn harvest(mut self) -> Best {
        for list in self.best.values_mut() {
            keep_best(list, self.per);
        }
        self.best
    }
}

/// A query resolved against an index: its conjunctions, words and filters.
struct Plan<'a> {
    idx: &'a Opened,
    conjunctions: Vec<Conjunction>,
    /// The bare words of each conjunction as one string (see [`Conjunction::whole`]).
    wholes: Vec<Option<String>>,
    /// The words of each conjunction (bare words split, phrases kept whole).
    conj_words: Vec<Vec<String>>,
    /// What an exact hit highlights: the whole strings and the phrases.
    exact_needles: Vec<String>,
    /// What an all-words or partial hit highlights: the words and the phrases.
    word_needles: Vec<String>,
    /// The `doc` fast field of each segment.
    doc_ids: Vec<Column<u64>>,
    /// Every distinct word, for BM25.
    words: Vec<String>,
    filter: Option<Box<dyn TantivyQuery>>,
    excluded: Vec<String>,
}

impl<'a> Plan<'a> {
    fn new(
        idx: &'a Opened,
        searcher: &Searcher,
        query: &Query,
        filters: &Filters,
    ) -> Result<Plan<'a>> {
        let f = &idx.fields;
        let total = searcher.num_docs();
        let df = |w: &str| {
            searcher
                .doc_freq(&Term::from_field_text(f.words, w))
                .unwrap_or(0)
        };
        let conjunctions = query.conjunctions();
        // OR expands a query into conjunctions that share their terms: segment each term once.
        let mut segmented: HashMap<String, Vec<String>> = HashMap::new();
        let mut segment = |t: &str| -> Vec<String> {
            segmented
                .entry(t.to_string())
                .or_insert_with(|| words::segment(t, &df, total))
                .clone()
        };
        let mut words: Vec<String> = Vec::new();
        let mut conj_words = Vec::new();
        for c in &conjunctions {
            let mut cw: Vec<String> = Vec::new();
            for piece in c.words.iter().flat_map(|w| segment(w)) {
                if !cw.contains(&piece) {
                    cw.push(piece);
                }
            }
            let phrase_words: Vec<String> = c.phrases.iter().flat_map(|p| segment(p)).collect();
            for w in cw.iter().chain(&phrase_words) {
                if !words.contains(w) {
                    words.push(w.clone());
                }
            }
            conj_words.push(cw);
        }
        let wholes: Vec<Option<String>> = conjunctions.iter().map(Conjunction::whole).collect();
        let phrases = conjunctions.iter().flat_map(|c| c.phrases.iter().cloned());
        let exact_needles = wholes
            .iter()
            .flatten()
            .cloned()
            .chain(phrases.clone())
            .collect();
        let word_needles = words.iter().cloned().chain(phrases).collect();
        let doc_ids = searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().u64("doc"))
            .collect::<tantivy::Result<_>>()?;
        let filter = filters.query(idx)?;
        let excluded = query
            .excluded
            .iter()
            .map(|t| t.text().to_string())
            .collect();
        Ok(Plan {
            idx,
            conjunctions,
            wholes,
            conj_words,
            exact_needles,
            word_needles,
            doc_ids,
            words,
            filter,
            excluded,
        })
    }

    fn exact(&self, text: &str, boost: f32) -> Box<dyn TantivyQuery> {
        let q = Box::new(ExactQuery::new(self.idx.fields.chars, text));
        if boost == 1.0 {
            q
        } else {
            Box::new(BoostQuery::new(q, boost))
        }
    }

    /// A conjunction's condition for a tier, phrases always required.
    fn condition(&self, k: usize, kind: MatchKind) -> Option<Box<dyn TantivyQuery>> {
        let c = &self.conjunctions[k];
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = c
            .phrases
            .iter()
            .map(|p| (Occur::Must, self.exact(p, 0.5)))
            .collect();
        let words = &self.conj_words[k];
        match kind {
            MatchKind::Exact => {
                if let Some(whole) = &self.wholes[k] {
                    clauses.push((Occur::Must, self.exact(whole, 1.0)));
                }
            }
            MatchKind::All => {
                if words.is_empty() {
                    return None;
                }
                clauses.extend(words.iter().map(|w| (Occur::Must, self.exact(w, 0.2))));
            }
            MatchKind::Partial => {
                let useful: Vec<&String> = words
                    .iter()
                    .filter(|w| w.chars().count() > 1 || words.len() == 1)
                    .collect();
                if useful.is_empty() {
                    return None;
                }
                let any: Vec<(Occur, Box<dyn TantivyQuery>)> = useful
                    .iter()
                    .map(|w| (Occur::Should, self.exact(w, 0.2)))
                    .collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Passages in any conjunction's condition for `kind`.
    fn any_condition(&self, kind: MatchKind) -> Option<Box<dyn TantivyQuery>> {
        let alternatives: Vec<(Occur, Box<dyn TantivyQuery>)> = (0..self.conjunctions.len())
            .filter_map(|k| self.condition(k, kind))
            .map(|q| (Occur::Should, q))
            .collect();
        (!alternatives.is_empty())
            .then(|| Box::new(BooleanQuery::new(alternatives)) as Box<dyn TantivyQuery>)
    }

    /// The query for one tier: its condition, not the tiers above, filters, exclusions, BM25.
    /// `None` if the query has no condition for this tier.
    fn tier_query(&self, kind: MatchKind) -> Option<BooleanQuery> {
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
            vec![(Occur::Must, self.any_condition(kind)?)];
        for above in [MatchKind::Exact, MatchKind::All] {
            if above < kind {
                if let Some(c) = self.any_condition(above) {
                    clauses.push((Occur::MustNot, c));
                }
            }
        }
        clauses.extend(self.common_clauses());
        Some(BooleanQuery::new(clauses))
    }

    /// What every tier's query holds besides its condition: the filters and exclusions, and the
    /// words for BM25.
    fn common_clauses(&self) -> Vec<(Occur, Box<dyn TantivyQuery>)> {
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        if let Some(f) = &self.filter {
            clauses.push((Occur::Must, f.box_clone()));
        }
        for x in &self.excluded {
            clauses.push((Occur::MustNot, self.exact(x, 1.0)));
        }
        for w in &self.words {
            clauses.push((Occur::Should, self.word(w)));
        }
        clauses
    }

    /// A word of the `words` field, scored by BM25.
    fn word(&self, w: &str) -> Box<dyn TantivyQuery> {
        let term = Term::from_field_text(self.idx.fields.words, w);
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    }

    /// The best `pool` passages of the all-words or some-words tier, found through jieba's words
    /// rather than by exact matching.
    ///
    /// A passage where jieba found a word contains it, so the `words` field's postings — short,
    /// and without positions — give candidates cheaply; each candidate's tier is then read from
    /// its text, and it is scored as the exact-matching tier query would score it. Passages that
    /// hold a word only inside a longer one (城市 in 城市化) are not candidates: `None` when the
    /// query has words the field cannot hold (single characters), and too few hits tell the
    /// caller to search the tier by exact matching instead.
    fn led_by_words(
        &self,
        searcher: &Searcher,
        kind: MatchKind,
        pool: usize,
    ) -> Result<Option<Vec<Hit>>> {
        let mut alternatives: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for (c, words) in self.conjunctions.iter().zip(&self.conj_words) {
            let indexed: Vec<&String> = words.iter().filter(|w| w.chars().count() > 1).collect();
            let mut condition: Vec<(Occur, Box<dyn TantivyQuery>)> = match kind {
                MatchKind::All if !words.is_empty() && indexed.len() == words.len() => indexed
                    .iter()
                    .map(|w| (Occur::Must, self.word(w)))
                    .collect(),
                MatchKind::Partial if !indexed.is_empty() => {
                    let any = indexed
                        .iter()
                        .map(|w| (Occur::Should, self.word(w)))
                        .collect();
                    vec![(Occur::Must, Box::new(BooleanQuery::new(any)))]
                }
                _ => return Ok(None),
            };
            condition.extend(c.phrases.iter().map(|p| (Occur::Must, self.exact(p, 1.0))));
            alternatives.push((Occur::Should, Box::new(BooleanQuery::new(condition))));
        }
        // The condition selects; the common clauses score, as in the tier query.
        let condition = BooleanQuery::new(alternatives);
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(condition), 0.0)),
        )];
        if kind == MatchKind::Partial {
            // A passage where jieba found every word of a conjunction without phrases is in a
            // tier above: leave it out before loading it.
            for (c, words) in self.conjunctions.iter().zip(&self.conj_words) {
                if c.phrases.is_empty()
                    && !words.is_empty()
                    && words.iter().all(|w| w.chars().count() > 1)
                {
                    let all = words.iter().map(|w| (Occur::Must, self.word(w))).collect();
                    clauses.push((Occur::MustNot, Box::new(BooleanQuery::new(all))));
                }
            }
        }
        clauses.extend(self.common_clauses());
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(pool.saturating_mul(2)).order_by_score(),
        )?;
        let mut tier = Vec::new();
        for (score, addr) in top {
            let mut hit = self.hit(searcher, addr, score, kind)?;
            if let Some(bonus) = self.exact_score(&hit.passage.text, kind) {
                hit.score += bonus;
                tier.push(hit);
            }
        }
        tier.sort_by(|a, b| b.score.total_cmp(&a.score));
        tier.truncate(pool);
        Ok(Some(tier))
    }

    /// The tier of a passage, read from its text: exact matching's answer, as a substring test.
    fn tier_of(&self, text: &str) -> MatchKind {
        let mut tier = MatchKind::Partial;
        for ((c, whole), words) in self
            .conjunctions
            .iter()
            .zip(&self.wholes)
            .zip(&self.conj_words)
        {
            if !c.phrases.iter().all(|p| text.contains(p.as_str())) {
                continue;
            }
            if whole.as_ref().is_none_or(|w| text.contains(w.as_str())) {
                return MatchKind::Exact;
            }
            if !words.is_empty() && words.iter().all(|w| text.contains(w.as_str())) {
                tier = MatchKind::All;
            }
        }
        tier
    }

    /// What the exact-matching clauses of the `kind` tier query would add to a passage's score,
    /// or `None` if the passage is not in that tier: each conjunction whose condition holds
    /// adds `boost × (1 + ln n)` for its phrases (0.5) and its words (0.2), as [`ExactQuery`]
    /// scores them.
    fn exact_score(&self, text: &str, kind: MatchKind) -> Option<f32> {
        if self.tier_of(text) != kind {
            return None;
        }
        let score = |s: &str, boost: f32| match text.matches(s).count() {
            0 => 0.0,
            n => boost * (1.0 + (n as f32).ln()),
        };
        let mut total = 0.0;
        for (c, words) in self.conjunctions.iter().zip(&self.conj_words) {
            if !c.phrases.iter().all(|p| text.contains(p.as_str())) {
                continue;
            }
            let counted: Vec<&String> = match kind {
                MatchKind::All
                    if !words.is_empty() && words.iter().all(|w| text.contains(w.as_str())) =>
                {
                    words.iter().collect()
                }
                MatchKind::Partial => words
                    .iter()
                    .filter(|w| w.chars().count() > 1 || words.len() == 1)
                    .collect(),
                _ => continue,
            };
            if kind == MatchKind::Partial && !counted.iter().any(|w| text.contains(w.as_str())) {
                continue;
            }
            total += c.phrases.iter().map(|p| score(p, 0.5)).sum::<f32>();
            total += counted.iter().map(|w| score(w, 0.2)).sum::<f32>();
        }
        Some(total)
    }

    /// Builds a hit from a document address.
    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        kind: MatchKind,
    ) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let mut passage = passage_from_doc(&self.idx.fields, &doc)?;
        let id = self.doc_ids[addr.segment_ord as usize]
            .first(addr.doc_id)
            .unwrap_or_default();
        let record = self
            .idx
            .doc(id)
            .cloned()
            .ok_or_else(|| Error::IndexDamaged {
                path: self.idx.dir.clone(),
                reason: "a passage belongs to no indexed document".into(),
            })?;
        let needles = match kind {
            MatchKind::Exact => &self.exact_needles,
            _ => &self.word_needles,
        };
        let highlights = merged_ranges(&passage.text, needles.iter().map(String::as_str));
        passage.text.shrink_to_fit();
        Ok(Hit {
            rank: 0,
            score,
            kind,
            doc: record,
            passage,
            highlights,
        })
    }

    /// A bonus for all-words and partial hits: how close together, and how many, of the words
    /// of the best-fitting conjunction the passage holds.
    fn closeness(&self, hit: &Hit) -> f32 {
        self.conj_words
            .iter()
            .map(|words| {
                let present: Vec<String> = words
                    .iter()
                    .filter(|w| hit.passage.text.contains(w.as_str()))
                    .cloned()
                    .collect();
                let coverage = present.len() as f32 / words.len().max(1) as f32;
                2.0 * coverage + 2.0 * proximity(&hit.passage.text, &present)
            })
            .fold(0.0, f32::max)
    }
}
