//! Ranked search, in tiers. A passage's tier says how it matched the query; within a tier BM25
//! over jieba's words orders passages, policy text before tables, lists and back matter.
//!
//! | tier | the passage … |
//! |---|---|
//! | `exact` | contains the whole query string (width and case folded) |
//! | `variant` | contains another wording of it the corpus supplies: the query written out (碳达峰 → 碳排放达峰), or what a plan defines it as (简称, glossary) |
//! | `section` | sits under a heading that contains the query |
//! | `all` | contains every word of the query, not as one string |
//! | `partial` | contains some of the words |
//! | `related` | contains the words that weigh most in the best passages above (RM3-style feedback) |
//!
//! Tiers are decided by exact matching ([`ExactQuery`]), never by how jieba happened to segment
//! a passage. Each tier is one tantivy boolean query — its condition, the tiers above excluded,
//! the filters and exclusions required, the query's words scoring — and a lower tier is searched
//! only while the tiers above leave room under the limit. The `variant`, `section` and `related`
//! tiers are expansions: each hit says what it matched (`expanded_from`), and
//! [`SearchOptions::expand`] turns them off.
//!
//! Headings name topics their sections treat: a heading passage comes after every other hit,
//! and the passages under a heading that contains the query rank above their tier's others.
//! Search returns hits; it never prints.

use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as TantivyQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::exact::ExactQuery;
use super::expand::{self, Expansion, Feedback, Source};
use super::filter::Filters;
use super::highlight::{Folded, merged_ranges, proximity};
use super::parse::{Conjunction, Query};
use super::words;
use crate::error::{Error, Result};
use crate::index::schema::{kind_code, under_key};
use crate::index::tokenize::fold_str;
use crate::index::{DocRecord, Opened};
use crate::passage::{Genre, Kind, Passage};

/// How a hit matched the query, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The passage contains the whole query string.
    Exact,
    /// It contains another wording of the query the corpus supplies.
    Variant,
    /// It sits under a heading that contains the query.
    Section,
    /// It contains every word of the query, not as one string.
    All,
    /// It contains some of the words.
    Partial,
    /// It contains words related to the query's best passages.
    Related,
}

impl MatchKind {
    pub const ALL: [MatchKind; 6] = [
        MatchKind::Exact,
        MatchKind::Variant,
        MatchKind::Section,
        MatchKind::All,
        MatchKind::Partial,
        MatchKind::Related,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Variant => "variant",
            MatchKind::Section => "section",
            MatchKind::All => "all",
            MatchKind::Partial => "partial",
            MatchKind::Related => "related",
        }
    }

    /// Whether the tier is an expansion of the query rather than its own words.
    pub fn is_expansion(self) -> bool {
        matches!(
            self,
            MatchKind::Variant | MatchKind::Section | MatchKind::Related
        )
    }
}

/// What an expansion hit matched instead of the query's own wording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpandedFrom {
    /// The query term it stands for.
    pub term: String,
    /// Where the wording came from.
    pub via: Source,
    /// What the passage holds: the wordings, the related words, or the heading it sits under.
    pub matched: Vec<String>,
}

/// Why a hit stands where it does: its tier, what kind of text it is, and its score's parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explain {
    pub tier: MatchKind,
    pub genre: Genre,
    /// For the query as written or a variant: whether the passage is about it (says it more
    /// than once, in its lead clause, or under a heading that says it or a variant) rather than
    /// mentioning it in passing.
    pub focused: bool,
    /// Where the hit stands in the ranking, 1 (first) to 9 (see [`standing`]).
    pub standing: u8,
    /// The passage is in the plan's framing: review, situation, guiding ideas, targets (see
    /// [`Passage::framing`]).
    pub framing: bool,
    /// The share of its clauses that say what will be done (see [`Passage::action_share`]).
    pub action: f32,
    /// The heading containing the query or a variant that the passage sits under, if any.
    pub under_heading: Option<String>,
    /// The score from exact matching of the query's strings (or the expansion's).
    pub exact: f32,
    /// The score from BM25 over jieba's words.
    pub bm25: f32,
    /// The bonus for sitting under a heading that contains the query.
    pub heading: f32,
    /// The bonus for the words standing close together (all-words and partial tiers).
    pub closeness: f32,
    /// How close the passage stands to the passages about the query (standings 1 to 4).
    pub related: f32,
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
    /// For an expansion tier's hit, what it matched.
    pub expanded_from: Option<ExpandedFrom>,
    pub explain: Explain,
}

/// How to search.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// Most passages to return.
    pub limit: usize,
    /// Search the expansion tiers (variant wording, sections, related wording).
    pub expand: bool,
    /// Rank by the plan's structure: headings after passages, policy text before tables, lists
    /// and back matter, passages under a matching heading first. Off only to measure its effect.
    pub structure: bool,
}

impl SearchOptions {
    pub fn new(limit: usize) -> Self {
        SearchOptions {
            limit,
            expand: true,
            structure: true,
        }
    }
}

/// The outcome of a search.
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Passages that contain the whole query string (after filters and exclusions).
    pub exact: usize,
    /// The words the query was split into, for ranking and the lower tiers.
    pub words: Vec<String>,
    /// The other wordings searched in the `variant` tier.
    pub expansions: Vec<Expansion>,
    /// The words the `related` tier searched, with their weights.
    pub related: Vec<(String, f32)>,
}

/// Searches the index with the default options and `limit`.
pub fn search(
    idx: &Opened,
    query: &Query,
    filters: &Filters,
    limit: usize,
) -> Result<SearchResults> {
    search_with(idx, query, filters, &SearchOptions::new(limit))
}

/// Searches the index.
pub fn search_with(
    idx: &Opened,
    query: &Query,
    filters: &Filters,
    opts: &SearchOptions,
) -> Result<SearchResults> {
    let searcher = idx.searcher();
    // No search returns more passages than the index holds; a larger limit would only make
    // tantivy reserve room for them.
    let passages = (searcher.num_docs() as usize).max(1);
    let limit = opts.limit.clamp(1, passages);
    let mut plan = Resolved::new(idx, &searcher, query, filters, opts.structure)?;
    if opts.structure {
        plan.find_headings(&searcher, MatchKind::Exact)?;
    }

    let mut ranked = Ranked::new(limit, opts.structure);
    let mut exact = 0;
    for kind in MatchKind::ALL {
        if kind != MatchKind::Exact && !ranked.needs(kind) {
            break;
        }
        if kind.is_expansion() && !opts.expand {
            continue;
        }
        // Enough of the tier to fill the list, and to find its passages about the query among
        // those that only mention it.
        let pool = if opts.structure {
            limit.max(10) * 3
        } else {
            limit
        };
        let tier: Vec<Hit> = match kind {
            MatchKind::Exact => {
                let Some(q) = plan.tier_query(kind) else {
                    continue;
                };
                let (top, count) = searcher.search(&q, &(plan.top(pool), Count))?;
                exact = count;
                plan.hits(&searcher, top, kind)?
            }
            MatchKind::Variant => {
                plan.mine_variants(&searcher)?;
                if opts.structure {
                    plan.find_headings(&searcher, MatchKind::Variant)?;
                }
                // A passage that opens with a variant (推进城市有序更新。…), or sits under a
                // heading that says one, is about the query.
                for h in &mut ranked.hits {
                    plan.refocus(h);
                }
                let Some(q) = plan.tier_query(kind) else {
                    continue;
                };
                plan.hits(&searcher, searcher.search(&q, &plan.top(pool))?, kind)?
            }
            MatchKind::Section | MatchKind::Related => {
                if plan.related.is_empty() {
                    plan.mine_related(&searcher, &ranked.hits)?;
                }
                let Some(q) = plan.tier_query(kind) else {
                    continue;
                };
                plan.hits(&searcher, searcher.search(&q, &plan.top(pool))?, kind)?
            }
            MatchKind::All | MatchKind::Partial => {
                if !query.has_words() {
                    continue;
                }
                plan.word_tier(&searcher, kind, pool, passages)?
            }
        };
        ranked.add(tier);
    }
    // The passages that only mention the query, or match it loosely, are ordered by how close
    // they stand to what the passages about it say (and that closeness orders those about it
    // too).
    if opts.expand && plan.related.is_empty() && ranked.hits.iter().any(|h| h.explain.standing == 4)
    {
        plan.mine_related(&searcher, &ranked.hits)?;
    }
    let mut hits = ranked.finish(&plan.related);
    for (k, h) in hits.iter_mut().enumerate() {
        h.rank = k + 1;
    }
    Ok(SearchResults {
        hits,
        exact,
        words: plan.words.clone(),
        expansions: plan.expansions.clone(),
        related: plan.related.clone(),
    })
}

/// Where a hit stands in the ranking, first to last, when ranking by structure:
///
/// 1. the query as written, in a passage about it: said more than once, in the passage's lead
///    clause, or under a heading that says it or a variant — outside the plan's framing parts (review,
///    situation, guiding ideas, targets; see [`Passage::framing`]);
/// 2. other wording of the query (variant tier), in a passage about it;
/// 3. passages under a section or sub-heading that says the query or a variant of it;
/// 4. the rest of the plans' policy text that matches: the query or a variant mentioned in
///    passing, passages under a chapter title that says it, all or some of the query's words,
///    related wording — ordered by how close each stands to what the passages about the query
///    say (see [`closeness_to`]);
/// 8. tables, lists and back matter, of any tier;
/// 9. headings, which name what the passages above treat.
///
/// Without structure, a hit stands by its tier alone.
fn standing(h: &Hit, structure: bool) -> u8 {
    let tier = MatchKind::ALL
        .iter()
        .position(|&k| k == h.kind)
        .unwrap_or(0) as u8;
    if !structure {
        return tier;
    }
    match h.explain.genre {
        Genre::Heading => 9,
        // The framing parts of a plan state its slogans and goals, not what it does.
        Genre::Policy if h.explain.framing => 4,
        Genre::Policy => match h.kind {
            MatchKind::Exact if h.explain.focused => 1,
            MatchKind::Variant if h.explain.focused => 2,
            MatchKind::Section if h.explain.heading >= UNDER_SECTION => 3,
            _ => 4,
        },
        _ => 8,
    }
}

/// The best standing a hit of tier `kind` can have.
fn best_standing(kind: MatchKind, structure: bool) -> u8 {
    let tier = MatchKind::ALL.iter().position(|&k| k == kind).unwrap_or(0) as u8;
    if !structure {
        return tier;
    }
    match kind {
        MatchKind::Exact => 1,
        MatchKind::Variant => 2,
        MatchKind::Section => 3,
        MatchKind::All | MatchKind::Partial | MatchKind::Related => 4,
    }
}

/// What standing 4 starts a hit at, by how it matched, before its closeness to the passages
/// about the query is added: the query's own wording counts for more than related words.
fn prior(kind: MatchKind) -> f32 {
    match kind {
        MatchKind::Exact | MatchKind::All => 0.3,
        MatchKind::Variant => 0.25,
        MatchKind::Section => 0.2,
        MatchKind::Partial => 0.1,
        MatchKind::Related => 0.0,
    }
}

/// How much a passage that states policy weighs over one that describes: the share of its
/// clauses that say what will be done counts this much in the order within a standing.
const ACTION_WEIGHT: f32 = 0.3;
/// A longer passage about the query says more of what the plan does about it: its length,
/// `ln(chars) / ln(1000)`, counts this much in the order of standings 1 to 3.
const LENGTH_WEIGHT: f32 = 0.3;
/// Among the passages about the query (standings 1 to 3), those saying more of the vocabulary
/// its best passages share come first: closeness to them counts this much. Measured on the
/// judged queries, nDCG@10 0.739 without it, 0.752 with 1.0 and 0.755 with 2.0, where the
/// held-out queries fell from 0.754 to 0.746.
const CLOSENESS_WEIGHT: f32 = 1.0;
/// The related words' weights are raised to this power in [`closeness_to`]: the few words the
/// passages about the query share most (人才 for 招才引智) count for more than the tail of words
/// that came up with them (体制, 推行). Measured: judged nDCG@10 0.77 at 1, 0.78 from 2 to 4,
/// 0.76 at 6; held-out 0.76, 0.76–0.78, 0.78. Chosen in the middle of the plateau.
const RELATED_SHARPNESS: f32 = 3.0;
/// A passage of the plan's framing that mentions the query loses this much in standing 4.
const FRAMING_PENALTY: f32 = 0.4;

/// The order within a standing, higher first. Standings 1–3 (passages about the query): the
/// score (BM25 and exact matching, a tenth of it), the passage's length, its share of policy
/// action and its closeness to the passages about the query. Standing 4: the tier's prior,
/// closeness to the passages about the query, policy action, less the framing penalty. Without structure, the score alone.
fn order_key(h: &Hit, structure: bool) -> f32 {
    let e = &h.explain;
    if !structure {
        return h.score;
    }
    match e.standing {
        1..=3 => {
            let chars = h.passage.text.chars().count().max(10) as f32;
            h.score / 10.0
                + LENGTH_WEIGHT * chars.ln() / 1000f32.ln()
                + ACTION_WEIGHT * e.action
                + CLOSENESS_WEIGHT * e.related
        }
        4 => {
            prior(h.kind) + e.related + ACTION_WEIGHT * e.action
                - if e.framing { FRAMING_PENALTY } else { 0.0 }
        }
        _ => h.score,
    }
}

/// How close a passage stands to the passages about the query: the related words it holds,
/// each by its weight to the power [`RELATED_SHARPNESS`] and saturating with repetition
/// (`tf / (tf + 1)`), over the sum of those weights; in [0, 1).
fn closeness_to(related: &[(String, f32)], text: &str) -> f32 {
    let total: f32 = related.iter().map(|(_, w)| w.powf(RELATED_SHARPNESS)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let text = Folded::new(text);
    related
        .iter()
        .map(|(word, w)| {
            let tf = text.count(word) as f32;
            w.powf(RELATED_SHARPNESS) * tf / (tf + 1.0)
        })
        .sum::<f32>()
        / total
}

/// Hits gathered tier by tier, ordered by standing.
struct Ranked {
    limit: usize,
    structure: bool,
    hits: Vec<Hit>,
}

impl Ranked {
    fn new(limit: usize, structure: bool) -> Self {
        Ranked {
            limit,
            structure,
            hits: Vec::new(),
        }
    }

    /// Whether a tier's hits could still enter the list: fewer than `limit` hits stand above
    /// the best a hit of that tier can stand.
    fn needs(&self, kind: MatchKind) -> bool {
        let best = best_standing(kind, self.structure);
        self.hits
            .iter()
            .filter(|h| h.explain.standing < best)
            .count()
            < self.limit
    }

    fn add(&mut self, tier: Vec<Hit>) {
        for mut h in tier {
            h.explain.standing = standing(&h, self.structure);
            self.hits.push(h);
        }
    }

    /// The hits in rank order, at most `limit`: by standing, then by [`order_key`].
    fn finish(mut self, related: &[(String, f32)]) -> Vec<Hit> {
        for h in &mut self.hits {
            if self.structure && h.explain.standing <= 4 {
                h.explain.related = closeness_to(related, &h.passage.text);
            }
        }
        let structure = self.structure;
        self.hits.sort_by(|a, b| {
            a.explain
                .standing
                .cmp(&b.explain.standing)
                .then_with(|| heading_depth_order(a, b, structure))
                .then(order_key(b, structure).total_cmp(&order_key(a, structure)))
                .then(a.kind.cmp(&b.kind))
                .then(b.score.total_cmp(&a.score))
                .then_with(|| same_place_order(a, b))
        });
        self.hits.truncate(self.limit);
        self.hits
    }
}

/// The words of a conjunction that put a passage in the partial tier: those of two characters
/// or more, or the only word.
fn partial_words(words: &[String]) -> Vec<&str> {
    words
        .iter()
        .filter(|w| w.chars().count() > 1 || words.len() == 1)
        .map(String::as_str)
        .collect()
}

/// Among headings (standing 9), the deeper first: a sub-heading is a passage of its parent's
/// section, and a heading comes after its section's passages.
fn heading_depth_order(a: &Hit, b: &Hit, structure: bool) -> std::cmp::Ordering {
    if structure && a.explain.standing == 9 && b.explain.standing == 9 {
        b.passage.heads.len().cmp(&a.passage.heads.len())
    } else {
        std::cmp::Ordering::Equal
    }
}

/// The order of hits that tie on everything else: by plan id, then by place in the plan, as
/// [`top_docs`] breaks ties — never by which segment tantivy stored them in.
fn same_place_order(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    a.doc
        .id
        .cmp(&b.doc.id)
        .then(a.passage.line_start.cmp(&b.passage.line_start))
}

/// The top `n` by score, policy text first when ranking by `structure`. Equal scores fall to
/// the lower plan id, then to the earlier passage (tantivy's own order: the indexer writes each
/// plan's passages into one segment, in order), so what is kept does not depend on which
/// indexing thread wrote which segment. Tiers use it with their ranking's `structure`; the
/// searches that keep a sample (matching headings, definitions) without.
pub(crate) fn top_docs(
    n: usize,
    structure: bool,
) -> impl Collector<Fruit = Vec<(TierScore, DocAddress)>> {
    TopDocs::with_limit(n.max(1)).tweak_score(move |reader: &SegmentReader| {
        let fast = reader.fast_fields();
        let genre = if structure {
            fast.u64("genre").ok()
        } else {
            None
        };
        let plan = fast.u64("doc").ok();
        move |doc: DocId, score: Score| {
            let code = genre.as_ref().and_then(|g| g.first(doc)).unwrap_or(0);
            let id = plan.as_ref().and_then(|p| p.first(doc)).unwrap_or(0);
            (rank_class(structure, code), score, Reverse(id))
        }
    })
}

/// A tier's score for [`TopDocs`]: the passage's rank class, its score, and the plan id (lower
/// first on ties).
type TierScore = (u8, Score, Reverse<u64>);

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
    let plan = Resolved::new(idx, &searcher, query, filters, true)?;
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

/// A candidate of a word tier, ranked from its passage before a hit is made of it.
struct Pending {
    addr: DocAddress,
    doc: u64,
    passage: Passage,
    /// The passage's text, folded.
    text: Folded,
    /// Its genre's rank class (see [`rank_class`]).
    class: u8,
    /// BM25 of the tier query.
    score: f32,
    /// What the exact matching of the query's words and phrases adds.
    exact: f32,
    /// How close together the words stand (see `Resolved::closeness`).
    closeness: f32,
}

impl Pending {
    fn new(passage: Passage, text: Folded, addr: DocAddress, at: TierScore, exact: f32) -> Self {
        let (class, score, Reverse(doc)) = at;
        Pending {
            addr,
            doc,
            passage,
            text,
            class,
            score,
            exact,
            closeness: 0.0,
        }
    }

    fn total(&self) -> f32 {
        self.score + self.exact + self.closeness
    }

    /// Ties fall to the lower plan id, then the earlier passage, as [`same_place_order`].
    fn place(&self) -> (u64, u32) {
        (self.doc, self.passage.line_start)
    }
}

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

/// Boost of an exact whole-string condition, and of a required phrase and a single word in the
/// lower tiers: what [`ExactQuery`] adds to a passage's score, `boost × (1 + ln n)`.
const WHOLE: f32 = 1.0;
const PHRASE: f32 = 0.5;
const WORD: f32 = 0.2;
/// The bonus for sitting under a heading that contains the query, by how deep the heading is:
/// a section's title speaks for its paragraphs more closely than a chapter's.
const UNDER_CHAPTER: f32 = 1.0;
const UNDER_SECTION: f32 = 2.0;
/// Headings that contain the query, and again headings that contain a variant, looked at most.
const MAX_HEADINGS: usize = 50;

/// A heading passage that contains the query or a variant of it.
#[derive(Debug, Clone)]
struct MatchedHeading {
    key: u64,
    text: String,
    bonus: f32,
}

/// A query resolved against an index: its conjunctions, words, filters and expansions.
struct Resolved<'a> {
    idx: &'a Opened,
    structure: bool,
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
    /// Headings containing the query or a variant, by `under` key.
    headings: Vec<MatchedHeading>,
    /// Other wordings of the conjunctions' whole strings.
    expansions: Vec<Expansion>,
    /// Their words that are not the query's, for BM25 among variant hits.
    expansion_words: Vec<String>,
    /// Related words and their weights.
    related: Vec<(String, f32)>,
}

impl<'a> Resolved<'a> {
    fn new(
        idx: &'a Opened,
        searcher: &Searcher,
        query: &Query,
        filters: &Filters,
        structure: bool,
    ) -> Result<Resolved<'a>> {
        let total = searcher.num_docs();
        let vocab = words::Vocabulary::new(idx, searcher)?;
        let conjunctions = query.conjunctions();
        // OR expands a query into conjunctions that share their terms: segment each term once.
        let mut segmented: HashMap<String, Vec<String>> = HashMap::new();
        // A term that is one compound word (智慧城市) has its parts for words: the all-words
        // tier then holds the passages that say them apart (建设智慧社区…城市管理), as for a
        // query typed as two words.
        let mut segment = |t: &str| -> Vec<String> {
            segmented
                .entry(t.to_string())
                .or_insert_with(|| {
                    let found = words::segment(&fold_str(t), &vocab, total);
                    match found.as_slice() {
                        [one] => words::parts_of(one, &vocab, total).unwrap_or(found),
                        _ => found,
                    }
                })
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
        Ok(Resolved {
            idx,
            structure,
            conjunctions,
            wholes,
            conj_words,
            exact_needles,
            word_needles,
            doc_ids,
            words,
            filter,
            excluded,
            headings: Vec::new(),
            expansions: Vec::new(),
            expansion_words: Vec::new(),
            related: Vec::new(),
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

    /// The passages where jieba found a word, for selecting candidates (unscored): a word of
    /// two characters or more in the `words` field; a single character, which that field does
    /// not hold, in the `chars` field, where every occurrence of it is one.
    fn word_or_char(&self, w: &str) -> Box<dyn TantivyQuery> {
        let field = if w.chars().count() > 1 {
            self.idx.fields.words
        } else {
            self.idx.fields.chars
        };
        let term = Term::from_field_text(field, &fold_str(w));
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    /// A word of the `words` field, scored by BM25.
    fn word(&self, w: &str) -> Box<dyn TantivyQuery> {
        let term = Term::from_field_text(self.idx.fields.words, &fold_str(w));
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    }

    fn genre_is(&self, genre: Genre) -> Box<dyn TantivyQuery> {
        let term = Term::from_field_u64(self.idx.fields.genre, genre.code());
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    /// The wordings of the variant tier for conjunction `k`.
    fn variants_of(&self, k: usize) -> Vec<&Expansion> {
        let Some(whole) = &self.wholes[k] else {
            return Vec::new();
        };
        self.expansions
            .iter()
            .filter(|e| &e.from == whole)
            .collect()
    }

    /// Passages under one of the matched headings.
    fn under_headings(&self) -> Option<Box<dyn TantivyQuery>> {
        if self.headings.is_empty() {
            return None;
        }
        let terms = self
            .headings
            .iter()
            .map(|h| Term::from_field_u64(self.idx.fields.under, h.key));
        Some(Box::new(TermSetQuery::new(terms)))
    }

    /// A conjunction's condition for a tier, phrases always required.
    fn condition(&self, k: usize, kind: MatchKind) -> Option<Box<dyn TantivyQuery>> {
        let c = &self.conjunctions[k];
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = c
            .phrases
            .iter()
            .map(|p| (Occur::Must, self.exact(p, PHRASE)))
            .collect();
        let words = &self.conj_words[k];
        match kind {
            MatchKind::Exact => {
                if let Some(whole) = &self.wholes[k] {
                    clauses.push((Occur::Must, self.exact(whole, WHOLE)));
                }
            }
            MatchKind::Variant => {
                let variants = self.variants_of(k);
                if variants.is_empty() {
                    return None;
                }
                let any = variants
                    .iter()
                    .map(|e| (Occur::Should, self.exact(&e.text, WHOLE)))
                    .collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
            MatchKind::Section => {
                let under = self.under_headings()?;
                clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(under, 0.0))));
                clauses.push((Occur::MustNot, self.genre_is(Genre::Heading)));
            }
            MatchKind::All => {
                if words.is_empty() {
                    return None;
                }
                clauses.extend(words.iter().map(|w| (Occur::Must, self.exact(w, WORD))));
            }
            MatchKind::Partial => {
                let useful = partial_words(words);
                if useful.is_empty() {
                    return None;
                }
                let any: Vec<(Occur, Box<dyn TantivyQuery>)> = useful
                    .iter()
                    .map(|w| (Occur::Should, self.exact(w, WORD)))
                    .collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
            MatchKind::Related => {
                if self.related.is_empty() {
                    return None;
                }
                let any: Vec<(Occur, Box<dyn TantivyQuery>)> = self
                    .related
                    .iter()
                    .map(|(w, _)| (Occur::Should, self.word(w)))
                    .collect();
                // Two related words together, where there are several: one alone is too often
                // a common word in another sense.
                let need = if any.len() >= 3 { 2 } else { 1 };
                let q = BooleanQuery::with_minimum_required_clauses(any, need);
                clauses.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
                ));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Queries whose union is [`Self::any_condition`], each as plain as it can be: one per
    /// wording for a conjunction of bare words (a variant, a word of the partial tier). A
    /// passage is excluded from a lower tier when one of them matches it, and tantivy checks
    /// each exclusion on the candidate alone (exact matching's two-phase check); behind one
    /// union, each wording would instead be scanned forward to its next verified match, for
    /// every candidate.
    fn condition_parts(&self, kind: MatchKind) -> Vec<Box<dyn TantivyQuery>> {
        let mut parts = Vec::new();
        for (k, c) in self.conjunctions.iter().enumerate() {
            let wordings: Option<Vec<&str>> = match kind {
                _ if !c.phrases.is_empty() => None,
                MatchKind::Variant => Some(
                    self.variants_of(k)
                        .iter()
                        .map(|e| e.text.as_str())
                        .collect(),
                ),
                MatchKind::Partial => Some(partial_words(&self.conj_words[k])),
                _ => None,
            };
            match wordings {
                Some(list) => parts.extend(list.into_iter().map(|w| self.exact(w, WHOLE))),
                None => parts.extend(self.condition(k, kind)),
            }
        }
        parts
    }

    /// Clauses leaving out every passage in a condition of the tiers `above`, one
    /// [`Self::condition_parts`] at a time.
    fn excluding(
        &self,
        above: impl IntoIterator<Item = MatchKind>,
    ) -> Vec<(Occur, Box<dyn TantivyQuery>)> {
        above
            .into_iter()
            .flat_map(|kind| self.condition_parts(kind))
            .map(|c| (Occur::MustNot, c))
            .collect()
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

    /// The query for one tier: its condition, not the tiers above, filters, exclusions and the
    /// scoring clauses. `None` if the query has no condition for this tier.
    fn tier_query(&self, kind: MatchKind) -> Option<BooleanQuery> {
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
            vec![(Occur::Must, self.any_condition(kind)?)];
        clauses.extend(self.excluding(MatchKind::ALL.into_iter().filter(|&a| a < kind)));
        clauses.extend(self.common_clauses(kind));
        Some(BooleanQuery::new(clauses))
    }

    /// What every tier's query holds besides its condition: the filters and exclusions; the
    /// words for BM25 (for the expansion tiers, the expansion's own words); the bonus for
    /// sitting under a matching heading.
    fn common_clauses(&self, kind: MatchKind) -> Vec<(Occur, Box<dyn TantivyQuery>)> {
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
        match kind {
            MatchKind::Section | MatchKind::Related => {
                for (w, weight) in &self.related {
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(self.word(w), *weight)),
                    ));
                }
            }
            MatchKind::Variant => {
                for w in &self.expansion_words {
                    clauses.push((Occur::Should, self.word(w)));
                }
            }
            _ => {}
        }
        for h in &self.headings {
            let term = Term::from_field_u64(self.idx.fields.under, h.key);
            let q = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            clauses.push((Occur::Should, Box::new(ConstScoreQuery::new(q, h.bonus))));
        }
        clauses
    }

    /// The words of the variant wordings, for BM25 among variant hits.
    fn words_of_expansions(&self, searcher: &Searcher) -> Result<Vec<String>> {
        let total = searcher.num_docs();
        let vocab = words::Vocabulary::new(self.idx, searcher)?;
        let mut out: Vec<String> = Vec::new();
        for e in &self.expansions {
            for w in words::segment(&fold_str(&e.text), &vocab, total) {
                if w.chars().count() > 1 && !out.contains(&w) && !self.words.contains(&w) {
                    out.push(w);
                }
            }
        }
        Ok(out)
    }

    /// The top `n` of a tier (see [`top_docs`]).
    fn top(&self, n: usize) -> impl Collector<Fruit = Vec<(TierScore, DocAddress)>> + use<> {
        top_docs(n, self.structure)
    }

    /// Hits from a tier's top documents.
    fn hits(
        &self,
        searcher: &Searcher,
        top: Vec<(TierScore, DocAddress)>,
        kind: MatchKind,
    ) -> Result<Vec<Hit>> {
        top.into_iter()
            .map(|((_, score, _), addr)| self.hit(searcher, addr, score, kind))
            .collect()
    }

    /// Finds the headings that contain the query (or one of its phrases) exactly, or once
    /// variants are mined (`kind` [`MatchKind::Variant`]) another wording of it: the passages
    /// under them are what they announce.
    fn find_headings(&mut self, searcher: &Searcher, kind: MatchKind) -> Result<()> {
        // One intersection per wording, each led by the headings and checking its wording on
        // them alone: as one union of wordings, every heading would move each wording's exact
        // matcher to its next match, verifying the passages in between.
        let alternatives: Vec<(Occur, Box<dyn TantivyQuery>)> = self
            .condition_parts(kind)
            .into_iter()
            .map(|part| {
                // Only the wording scores: the headings and the filters select.
                let unscored = |q| Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn TantivyQuery>;
                let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![
                    (Occur::Must, part),
                    (Occur::Must, unscored(self.genre_is(Genre::Heading))),
                ];
                if let Some(f) = &self.filter {
                    clauses.push((Occur::Must, unscored(f.box_clone())));
                }
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(clauses)) as Box<dyn TantivyQuery>,
                )
            })
            .collect();
        if alternatives.is_empty() {
            return Ok(());
        }
        let top = searcher.search(
            &BooleanQuery::new(alternatives),
            &top_docs(MAX_HEADINGS, false),
        )?;
        for (_, addr) in top {
            let p = self.idx.passage(searcher, addr)?;
            let id = self.doc_id(addr);
            // A chapter heading is the only head of its passage; a section's has its chapter's.
            let bonus = if p.heads.len() <= 1 {
                UNDER_CHAPTER
            } else {
                UNDER_SECTION
            };
            let key = under_key(id, p.line_start);
            if self.headings.iter().any(|h| h.key == key) {
                continue;
            }
            self.headings.push(MatchedHeading {
                key,
                text: p.text.clone(),
                bonus,
            });
        }
        Ok(())
    }

    /// Mines other wordings of each conjunction's whole string: the corpus's abbreviation
    /// spellings and definitions.
    fn mine_variants(&mut self, searcher: &Searcher) -> Result<()> {
        let mut found: Vec<Expansion> = Vec::new();
        for whole in self.wholes.iter().flatten() {
            if found.iter().any(|e| &e.from == whole) {
                continue;
            }
            found.extend(expand::definitions(self.idx, searcher, whole)?);
            found.extend(expand::abbreviations(self.idx, searcher, whole)?);
        }
        // One wording once, under its first source.
        let mut seen = HashSet::new();
        found.retain(|e| seen.insert((e.from.clone(), fold_str(&e.text))));
        self.expansions = found;
        self.expansion_words = self.words_of_expansions(searcher)?;
        Ok(())
    }

    /// Chooses related words from the best hits found so far: at most ten policy passages
    /// saying the query or a variant, those about it (focused) first, weighted by rank; failing
    /// three, the passages under headings that say it, then those holding all its words. The
    /// plans' framing is left out while three or more passages outside it remain.
    fn mine_related(&mut self, searcher: &Searcher, hits: &[Hit]) -> Result<()> {
        // The passages saying the query or a variant, those about it first; failing three, the
        // passages under headings that say it, then those holding all its words.
        let mut best: Vec<&Hit> = hits
            .iter()
            .filter(|h| {
                h.explain.genre == Genre::Policy
                    && matches!(h.kind, MatchKind::Exact | MatchKind::Variant)
            })
            .collect();
        for lower in [MatchKind::Section, MatchKind::All] {
            if best.len() < 3 {
                best.extend(
                    hits.iter()
                        .filter(|h| h.kind == lower && h.explain.genre == Genre::Policy),
                );
            }
        }
        best.sort_by(|a, b| {
            b.explain
                .focused
                .cmp(&a.explain.focused)
                .then(b.score.total_cmp(&a.score))
                .then_with(|| same_place_order(a, b))
        });
        // The plans' framing restates slogans and goals (高质量发展, 新发展格局) beside every
        // topic: its words say what the plans are framed by, not what they do about the query.
        if best.iter().filter(|h| !h.explain.framing).count() >= expand::MIN_FEEDBACK {
            best.retain(|h| !h.explain.framing);
        }
        best.truncate(10);
        let feedback: Vec<Feedback> = best
            .into_iter()
            .enumerate()
            .map(|(k, h)| Feedback {
                text: &h.passage.text,
                // A passage about the query says more of its vocabulary than one mentioning it.
                weight: if h.explain.focused { 1.0 } else { 0.5 } / (k as f32 + 1.0),
                doc: h.doc.id,
            })
            .collect();
        let mut query_words = self.words.clone();
        query_words.extend(self.wholes.iter().flatten().cloned());
        query_words.extend(self.expansions.iter().map(|e| e.text.clone()));
        self.related = expand::related(self.idx, searcher, &feedback, &query_words)?;
        Ok(())
    }

    /// Whether every conjunction is one word and nothing else (无线, 营商): a passage holding
    /// its words then holds the query, and the all-words and some-words tiers are empty.
    fn one_word_each(&self) -> bool {
        self.conjunctions
            .iter()
            .zip(&self.wholes)
            .zip(&self.conj_words)
            .all(|((c, whole), words)| {
                c.phrases.is_empty()
                    && matches!((whole, words.as_slice()),
                        (Some(whole), [word]) if fold_str(whole) == fold_str(word))
            })
    }

    /// The all-words or some-words tier: a pool by score, ordered by how well the words match
    /// together. Candidates are ranked from their passages; hits are made only of those kept.
    fn word_tier(
        &self,
        searcher: &Searcher,
        kind: MatchKind,
        room: usize,
        passages: usize,
    ) -> Result<Vec<Hit>> {
        if self.one_word_each() {
            return Ok(Vec::new());
        }
        let pool = room.saturating_mul(3).clamp(30, passages.max(30));
        let mut tier = match self.led_by_words(searcher, kind, pool)? {
            Some(tier) if tier.len() >= room => tier,
            _ => match self.tier_query(kind) {
                Some(q) => searcher
                    .search(&q, &self.top(pool))?
                    .into_iter()
                    .map(|(tier_score, addr)| {
                        let passage = self.idx.passage(searcher, addr)?;
                        let text = Folded::new(&passage.text);
                        Ok(Pending::new(passage, text, addr, tier_score, 0.0))
                    })
                    .collect::<Result<Vec<_>>>()?,
                None => return Ok(Vec::new()),
            },
        };
        for p in &mut tier {
            p.closeness = self.closeness(&p.passage.text, &p.text);
        }
        tier.sort_by(|a, b| {
            b.class
                .cmp(&a.class)
                .then(b.total().total_cmp(&a.total()))
                .then_with(|| a.place().cmp(&b.place()))
        });
        tier.truncate(room);
        tier.into_iter()
            .map(|p| {
                let total = p.total();
                let mut hit = self.hit_of(p.passage, p.addr, p.score, kind)?;
                hit.score = total;
                hit.explain.exact = p.exact;
                hit.explain.closeness = p.closeness;
                Ok(hit)
            })
            .collect()
    }

    /// The best `pool` passages of the all-words or some-words tier, found through jieba's words
    /// rather than by exact matching.
    ///
    /// A passage where jieba found a word contains it, so the `words` field's postings — short,
    /// and without positions — give candidates cheaply; each candidate's tier is then read from
    /// its text, and it is scored as the exact-matching tier query would score it. Passages that
    /// hold a word only inside a longer one (城市 in 城市化) are not candidates. A word of one
    /// character, which the field does not hold, is looked up as a character: any occurrence of
    /// it is one. `None` when a conjunction has no word of two characters or more to score
    /// its candidates by, and too few hits tell the caller to search the tier by exact matching
    /// instead.
    fn led_by_words(
        &self,
        searcher: &Searcher,
        kind: MatchKind,
        pool: usize,
    ) -> Result<Option<Vec<Pending>>> {
        let mut alternatives: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for (c, words) in self.conjunctions.iter().zip(&self.conj_words) {
            let indexed: Vec<&String> = words.iter().filter(|w| w.chars().count() > 1).collect();
            let mut condition: Vec<(Occur, Box<dyn TantivyQuery>)> = match kind {
                // Words of one character select candidates but give them no BM25 score: with
                // only such words, the pool would be a tie broken by plan, and exact matching,
                // which scores their occurrences, searches the tier instead.
                MatchKind::All if !indexed.is_empty() => words
                    .iter()
                    .map(|w| (Occur::Must, self.word_or_char(w)))
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
                if c.phrases.is_empty() && !words.is_empty() {
                    let all = words
                        .iter()
                        .map(|w| (Occur::Must, self.word_or_char(w)))
                        .collect();
                    clauses.push((Occur::MustNot, Box::new(BooleanQuery::new(all))));
                }
            }
        }
        // The tiers above the word tiers that are not decided by the passage's text alone.
        clauses.extend(self.excluding([MatchKind::Variant, MatchKind::Section]));
        clauses.extend(self.common_clauses(kind));
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &self.top(pool.saturating_mul(2)),
        )?;
        let mut tier = Vec::new();
        for (tier_score, addr) in top {
            // The tier is read from the text first: most candidates a tier above holds are
            // dropped here.
            let passage = self.idx.passage(searcher, addr)?;
            let text = Folded::new(&passage.text);
            if let Some(exact) = self.exact_score(&text, kind) {
                tier.push(Pending::new(passage, text, addr, tier_score, exact));
            }
        }
        tier.sort_by(|a, b| {
            b.total()
                .total_cmp(&a.total())
                .then_with(|| a.place().cmp(&b.place()))
        });
        tier.truncate(pool);
        Ok(Some(tier))
    }

    /// The tier of a passage among exact, all and partial, read from its text: exact matching's
    /// answer, as a substring test.
    fn tier_of(&self, text: &Folded) -> MatchKind {
        let mut tier = MatchKind::Partial;
        for ((c, whole), words) in self
            .conjunctions
            .iter()
            .zip(&self.wholes)
            .zip(&self.conj_words)
        {
            if !c.phrases.iter().all(|p| text.contains(p)) {
                continue;
            }
            if whole.as_ref().is_none_or(|w| text.contains(w)) {
                return MatchKind::Exact;
            }
            if !words.is_empty() && words.iter().all(|w| text.contains(w)) {
                tier = MatchKind::All;
            }
        }
        tier
    }

    /// What the exact-matching clauses of the `kind` tier query would add to a passage's score,
    /// or `None` if the passage is not in that tier: each conjunction whose condition holds
    /// adds `boost × (1 + ln n)` for its phrases and its words, as [`ExactQuery`] scores them.
    fn exact_score(&self, text: &Folded, kind: MatchKind) -> Option<f32> {
        if self.tier_of(text) != kind {
            return None;
        }
        let score = |s: &str, boost: f32| match text.count(s) {
            0 => 0.0,
            n => boost * (1.0 + (n as f32).ln()),
        };
        let mut total = 0.0;
        for (c, words) in self.conjunctions.iter().zip(&self.conj_words) {
            if !c.phrases.iter().all(|p| text.contains(p)) {
                continue;
            }
            let counted: Vec<&str> = match kind {
                MatchKind::All if !words.is_empty() && words.iter().all(|w| text.contains(w)) => {
                    words.iter().map(String::as_str).collect()
                }
                MatchKind::Partial => partial_words(words),
                _ => continue,
            };
            if kind == MatchKind::Partial && !counted.iter().any(|w| text.contains(w)) {
                continue;
            }
            total += c.phrases.iter().map(|p| score(p, PHRASE)).sum::<f32>();
            total += counted.iter().map(|w| score(w, WORD)).sum::<f32>();
        }
        Some(total)
    }

    fn doc_id(&self, addr: DocAddress) -> u64 {
        self.doc_ids[addr.segment_ord as usize]
            .first(addr.doc_id)
            .unwrap_or_default()
    }

    /// Builds a hit from a document address.
    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        kind: MatchKind,
    ) -> Result<Hit> {
        let passage = self.idx.passage(searcher, addr)?;
        self.hit_of(passage, addr, score, kind)
    }

    /// A hit from its passage, read from the store at `addr`.
    fn hit_of(
        &self,
        mut passage: Passage,
        addr: DocAddress,
        score: f32,
        kind: MatchKind,
    ) -> Result<Hit> {
        let id = self.doc_id(addr);
        let record = self
            .idx
            .doc(id)
            .cloned()
            .ok_or_else(|| Error::IndexDamaged {
                path: self.idx.dir.clone(),
                reason: "a passage belongs to no indexed document".into(),
            })?;
        let text = Folded::new(&passage.text);
        let under = self.heading_above(id, &passage);
        let (needles, expanded_from): (Vec<&str>, Option<ExpandedFrom>) = match kind {
            MatchKind::Exact => (
                self.exact_needles.iter().map(String::as_str).collect(),
                None,
            ),
            MatchKind::All | MatchKind::Partial => {
                (self.word_needles.iter().map(String::as_str).collect(), None)
            }
            MatchKind::Variant => {
                let matched: Vec<&Expansion> = self
                    .expansions
                    .iter()
                    .filter(|e| text.contains(&e.text))
                    .collect();
                let from = matched.first().map(|e| (e.from.clone(), e.source));
                let needles = matched.iter().map(|e| e.text.as_str()).collect();
                (
                    needles,
                    from.map(|(term, via)| ExpandedFrom {
                        term,
                        via,
                        matched: matched.iter().map(|e| e.text.clone()).collect(),
                    }),
                )
            }
            MatchKind::Section => (
                self.word_needles.iter().map(String::as_str).collect(),
                Some(ExpandedFrom {
                    term: self.query_text(),
                    via: Source::Heading,
                    matched: under.iter().map(|h| h.text.clone()).collect(),
                }),
            ),
            MatchKind::Related => {
                let matched: Vec<String> = self
                    .related
                    .iter()
                    .filter(|(w, _)| text.contains(w))
                    .map(|(w, _)| w.clone())
                    .collect();
                (
                    self.related.iter().map(|(w, _)| w.as_str()).collect(),
                    Some(ExpandedFrom {
                        term: self.query_text(),
                        via: Source::Related,
                        matched,
                    }),
                )
            }
        };
        let focused = match kind {
            MatchKind::Exact | MatchKind::Variant => {
                under.is_some() || focus(&passage.text, &text, &needles)
            }
            _ => false,
        };
        let highlights = merged_ranges(&passage.text, needles);
        let exact = match kind {
            MatchKind::Exact => self.exact_part(&text, |c, k| {
                self.wholes[k]
                    .iter()
                    .cloned()
                    .chain(c.phrases.iter().cloned())
                    .collect()
            }),
            MatchKind::Variant => self.exact_part(&text, |_, k| {
                self.variants_of(k).iter().map(|e| e.text.clone()).collect()
            }),
            _ => 0.0,
        };
        let heading = under.as_ref().map_or(0.0, |h| h.bonus);
        let genre = passage.genre();
        let (framing, action) = (passage.framing(), passage.action_share());
        passage.text.shrink_to_fit();
        Ok(Hit {
            rank: 0,
            score,
            kind,
            doc: record,
            passage,
            highlights,
            expanded_from,
            explain: Explain {
                tier: kind,
                genre,
                focused,
                standing: 0,
                framing,
                action,
                under_heading: under.map(|h| h.text.clone()),
                exact,
                bm25: (score - exact - heading).max(0.0),
                heading,
                closeness: 0.0,
                related: 0.0,
            },
        })
    }

    /// The score the exact conditions of a tier give a passage: the strings `needles` names for
    /// each conjunction, at the whole-string boost.
    fn exact_part(
        &self,
        text: &Folded,
        needles: impl Fn(&Conjunction, usize) -> Vec<String>,
    ) -> f32 {
        (0..self.conjunctions.len())
            .map(|k| {
                needles(&self.conjunctions[k], k)
                    .iter()
                    .map(|s| match text.count(s) {
                        0 => 0.0,
                        n => WHOLE * (1.0 + (n as f32).ln()),
                    })
                    .fold(0.0, f32::max)
            })
            .fold(0.0, f32::max)
    }

    /// Decides again whether an exact hit is about the query, now that its variants are known.
    fn refocus(&self, h: &mut Hit) {
        if h.kind != MatchKind::Exact || h.explain.focused {
            return;
        }
        let needles: Vec<&str> = self
            .exact_needles
            .iter()
            .map(String::as_str)
            .chain(self.expansions.iter().map(|e| e.text.as_str()))
            .collect();
        let under = self.heading_above(h.doc.id, &h.passage);
        if under.is_some() || focus(&h.passage.text, &Folded::new(&h.passage.text), &needles) {
            h.explain.focused = true;
            h.explain.standing = standing(h, self.structure);
        }
        // A heading that says a variant, found after the hit: it is the reason the hit stands
        // where it does (its score has no bonus for it, being made before).
        if let (Some(u), None) = (under, &h.explain.under_heading) {
            h.explain.under_heading = Some(u.text.clone());
        }
    }

    /// The deepest matched heading the passage sits under.
    fn heading_above(&self, doc: u64, p: &Passage) -> Option<&MatchedHeading> {
        p.heads
            .iter()
            .rev()
            .filter(|&&line| line != p.line_start)
            .find_map(|&line| {
                let key = under_key(doc, line);
                self.headings.iter().find(|h| h.key == key)
            })
    }

    /// The query's terms as one line, for expansions that stand for the whole query.
    fn query_text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (c, whole) in self.conjunctions.iter().zip(&self.wholes) {
            let s = whole
                .iter()
                .cloned()
                .chain(c.phrases.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ");
            if !parts.contains(&s) {
                parts.push(s);
            }
        }
        parts.join(" | ")
    }

    /// A bonus for all-words and partial hits: how close together, and how many, of the words
    /// of the best-fitting conjunction the passage holds.
    fn closeness(&self, raw: &str, text: &Folded) -> f32 {
        self.conj_words
            .iter()
            .map(|words| {
                let present: Vec<String> =
                    words.iter().filter(|w| text.contains(w)).cloned().collect();
                let coverage = present.len() as f32 / words.len().max(1) as f32;
                2.0 * coverage + 2.0 * proximity(raw, &present)
            })
            .fold(0.0, f32::max)
    }
}

/// Whether a passage is about one of `needles` rather than mentioning it in passing: it says one
/// of them twice, or in its lead clause (plans open a paragraph with its topic: 持续优化营商环境。…).
fn focus(raw: &str, text: &Folded, needles: &[&str]) -> bool {
    let lead_end = raw
        .char_indices()
        .find(|&(_, c)| matches!(c, '，' | '。' | '；' | '：' | ',' | ';' | ':'))
        .map_or(raw.len(), |(i, _)| i);
    let lead = Folded::new(&raw[..lead_end]);
    needles
        .iter()
        .filter(|n| !n.is_empty())
        .any(|n| text.count(n) >= 2 || lead.contains(n))
}

/// Where a passage of this genre ranks within its tier: policy text first, then tables, lists
/// and back matter, headings last. Without structure, all alike.
fn rank_class(structure: bool, genre_code: u64) -> u8 {
    if !structure {
        return 2;
    }
    match Genre::ALL.get(genre_code as usize) {
        Some(Genre::Policy) | None => 2,
        Some(Genre::Heading) => 0,
        Some(_) => 1,
    }
}

/// How many passages contain the query as written, per document and per chapter number: what
/// each filter value would give. Filters other than the chapter apply.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// (document id, passages), documents in corpus order.
    pub by_doc: Vec<(u64, u64)>,
    /// (chapter number, passages), by number.
    pub by_chapter: Vec<(u32, u64)>,
}

/// Counts the passages of the query's exact tier (see [`Facets`]).
pub fn facets(idx: &Opened, query: &Query, filters: &Filters) -> Result<Facets> {
    let searcher = idx.searcher();
    let without_chapter = Filters {
        chapter: None,
        ..filters.clone()
    };
    let plan = Resolved::new(idx, &searcher, query, &without_chapter, false)?;
    let Some(q) = plan.tier_query(MatchKind::Exact) else {
        return Ok(Facets::default());
    };
    let counts = searcher.search(&q, &DocChapterCount)?;
    let mut by_doc: HashMap<u64, u64> = HashMap::new();
    let mut by_chapter: HashMap<u32, u64> = HashMap::new();
    for ((doc, ord), n) in counts {
        *by_doc.entry(doc).or_default() += n;
        let no = idx.doc(doc).and_then(|d| d.chapter(ord)).and_then(|c| c.no);
        if let Some(no) = no {
            *by_chapter.entry(no).or_default() += n;
        }
    }
    let mut docs: Vec<(u64, u64)> = idx
        .manifest
        .docs
        .iter()
        .filter_map(|d| by_doc.get(&d.id).map(|&n| (d.id, n)))
        .collect();
    docs.sort_by_key(|&(id, _)| idx.manifest.docs.iter().position(|d| d.id == id));
    let mut chapters: Vec<(u32, u64)> = by_chapter.into_iter().collect();
    chapters.sort_unstable();
    Ok(Facets {
        by_doc: docs,
        by_chapter: chapters,
    })
}

/// Counts matching passages per (document, chapter place) from fast fields.
struct DocChapterCount;

struct DocChapterCountSegment {
    doc: Column<u64>,
    ord: Column<u64>,
    counts: HashMap<(u64, u64), u64>,
}

impl Collector for DocChapterCount {
    type Fruit = HashMap<(u64, u64), u64>;
    type Child = DocChapterCountSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DocChapterCountSegment> {
        let fast = reader.fast_fields();
        Ok(DocChapterCountSegment {
            doc: fast.u64("doc")?,
            ord: fast.u64("chapter_ord")?,
            counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all = HashMap::new();
        for f in fruits {
            for (k, n) in f {
                *all.entry(k).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for DocChapterCountSegment {
    type Fruit = HashMap<(u64, u64), u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let key = (
            self.doc.first(doc).unwrap_or_default(),
            self.ord.first(doc).unwrap_or_default(),
        );
        *self.counts.entry(key).or_default() += 1;
    }

    fn harvest(self) -> Self::Fruit {
        self.counts
    }
}
