//! Exact matching, independent of word segmentation.
//!
//! The `chars` field holds one token per character at its character position, so a string
//! occurs where its characters stand at consecutive positions. [`Matcher`] walks the documents of
//! one segment that contain the string — the rarest character's postings lead, the others follow
//! by seeking — and checks the positions. It counts occurrences that do not overlap and, on
//! request, gives where each starts. [`ExactQuery`] wraps it as a tantivy query so it combines
//! with BM25 clauses and filters in one boolean query.

use std::cell::RefCell;
use std::fmt;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Term};

use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, TantivyError};

use crate::index::tokenize::fold;

/// The documents of a segment that contain a string, with its occurrences in each.
pub struct Matcher {
    /// (offset of the character in the string, its postings), rarest first. Empty when some
    /// character occurs nowhere in the segment.
    postings: Vec<(u32, SegmentPostings)>,
    len: u32,
    doc: DocId,
    /// Not yet moved to its first document: the lists stand where they opened.
    unpositioned: bool,
    /// Starts of the occurrences in the current document (overlapping ones included).
    starts: Vec<u32>,
    buf: Vec<u32>,
}

/// Opens a matcher for `text` over the `chars` field of a segment, standing on the first
/// document that contains it.
pub fn matcher(reader: &SegmentReader, field: Field, text: &str) -> tantivy::Result<Matcher> {
    let mut m = unpositioned(reader, field, text)?;
    m.position();
    Ok(m)
}

/// Opens a matcher that has not looked for its first document yet. Finding it verifies the
/// positions of every document holding the characters up to the first that holds the string:
/// for a rare string of common characters, most of the segment. A matcher asked only whether
/// given documents hold the string ([`DocSet::seek_danger`], all tantivy asks of an exclusion)
/// never needs it.
fn unpositioned(reader: &SegmentReader, field: Field, text: &str) -> tantivy::Result<Matcher> {
    let inverted = reader.inverted_index(field)?;
    let mut postings = Vec::new();
    let mut buf = [0u8; 4];
    for (offset, c) in text.chars().enumerate() {
        // The index holds folded characters (５Ｇ and 5G alike as `5g`).
        let term = Term::from_field_text(field, fold(c).encode_utf8(&mut buf));
        match inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)? {
            Some(p) => postings.push((offset as u32, p)),
            None => {
                postings.clear();
                break;
            }
        }
    }
    postings.sort_by_key(|(_, p)| p.size_hint());
    let len = text.chars().count() as u32;
    Ok(Matcher {
        postings,
        len,
        doc: TERMINATED,
        unpositioned: true,
        starts: Vec::new(),
        buf: Vec::new(),
    })
}

impl Matcher {
    /// Moves an unpositioned matcher to its first document.
    fn position(&mut self) {
        if std::mem::take(&mut self.unpositioned) {
            let first = self.postings.first().map_or(TERMINATED, |(_, p)| p.doc());
            self.doc = self.find_from(first);
        }
    }

    /// The current document, once positioned.
    fn positioned_doc(&mut self) -> DocId {
        self.position();
        self.doc
    }

    /// The first document at or after `candidate` where the string occurs.
    fn find_from(&mut self, mut candidate: DocId) -> DocId {
        loop {
            if candidate == TERMINATED || self.postings.is_empty() {
                return TERMINATED;
            }
            // Bring every list to the same document.
            let mut target = candidate;
            loop {
                let reached = leapfrog(self.postings.iter_mut().map(|(_, p)| p), target);
                let aligned = reached == target;
                target = reached;
                if aligned || target == TERMINATED {
                    break;
                }
            }
            if target == TERMINATED {
                return TERMINATED;
            }
            if self.postings.len() == 1 || self.verify() {
                return target;
            }
            candidate = self.postings[0].1.advance();
        }
    }

    /// Whether the characters stand at consecutive positions somewhere in the current document;
    /// fills `starts`.
    fn verify(&mut self) -> bool {
        let (first, rest) = self
            .postings
            .split_first_mut()
            .expect("a matcher has postings");
        first.1.positions(&mut self.buf);
        let off = first.0;
        self.starts.clear();
        self.starts
            .extend(self.buf.iter().filter(|&&p| p >= off).map(|&p| p - off));
        for (off, p) in rest {
            if self.starts.is_empty() {
                break;
            }
            p.positions(&mut self.buf);
            keep_aligned(&mut self.starts, &self.buf, *off);
        }
        !self.starts.is_empty()
    }

    /// Character positions where the string starts in the current document, ascending.
    pub fn starts(&mut self) -> &[u32] {
        if self.postings.len() == 1 && self.doc != TERMINATED {
            // A single character: its positions are its starts; read them only when asked.
            let p = &mut self.postings[0].1;
            p.positions(&mut self.starts);
        }
        &self.starts
    }

    /// Occurrences in the current document that do not overlap, counted left to right.
    pub fn occurrences(&mut self) -> u32 {
        if self.postings.len() == 1 {
            return self.postings[0].1.term_freq();
        }
        non_overlapping(&self.starts, self.len)
    }
}

impl DocSet for Matcher {
    fn advance(&mut self) -> DocId {
        self.position();
        if self.doc != TERMINATED {
            let next = self.postings[0].1.advance();
            self.doc = self.find_from(next);
        }
        self.doc
    }

    /// The first document at or after `target` holding the string; an unpositioned matcher
    /// never looks at those before it.
    fn seek(&mut self, target: DocId) -> DocId {
        if std::mem::take(&mut self.unpositioned) || self.doc < target {
            let mut next = self.postings.first().map_or(TERMINATED, |(_, p)| p.doc());
            if next < target {
                next = self.postings[0].1.seek(target);
            }
            self.doc = self.find_from(next);
        }
        self.doc
    }

    /// Whether the string occurs in document `target`, looking at that document only — the
    /// two-phase check tantivy's intersections and exclusions ask for, as its phrase query does.
    /// `seek` would verify positions in every later document holding the characters until one
    /// matches; here a miss only says where the next candidate may be, and the matcher is valid
    /// again after a `Found`.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED || self.postings.is_empty() {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        if self.doc == target {
            return SeekDangerResult::Found;
        }
        let reached = leapfrog(self.postings.iter_mut().map(|(_, p)| p), target);
        if reached != target {
            return SeekDangerResult::SeekLowerBound(reached);
        }
        if self.postings.len() == 1 || self.verify() {
            self.doc = target;
            self.unpositioned = false;
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(target + 1)
        }
    }

    /// The current document. An unpositioned matcher has none yet; the scorer, which may be
    /// asked before anything moved it, positions it first (see [`ExactScorer`]).
    fn doc(&self) -> DocId {
        debug_assert!(!self.unpositioned, "doc() of an unpositioned matcher");
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings.first().map_or(0, |(_, p)| p.size_hint())
    }

    /// What walking the matcher costs: every candidate of a string of several characters has
    /// its positions read and compared, so an intersection leads with a cheaper clause and asks
    /// the matcher about its documents only (tantivy weighs its phrase query the same way).
    fn cost(&self) -> u64 {
        let n = self.postings.len() as u64;
        let size = u64::from(self.size_hint());
        if n <= 1 { size } else { size * 10 * n }
    }
}

/// Moves the lists, in order, to `target` or past it, stopping at the first that passes it.
/// Returns `target` when all stand on it; otherwise the document where that list stands (it
/// may be [`TERMINATED`]): no document before it, from `target` on, is in every list. The lists
/// after it are not moved: with the rarest list first, a document that lacks it costs one
/// seek, not one per character.
pub(crate) fn leapfrog<'a>(
    lists: impl IntoIterator<Item = &'a mut SegmentPostings>,
    target: DocId,
) -> DocId {
    for p in lists {
        let d = if p.doc() < target {
            p.seek(target)
        } else {
            p.doc()
        };
        if d != target {
            return d;
        }
    }
    target
}

/// Keeps the starts `s` (sorted) for which `s + offset` is among the sorted `positions`.
fn keep_aligned(starts: &mut Vec<u32>, positions: &[u32], offset: u32) {
    let mut kept = 0;
    let mut j = 0;
    for i in 0..starts.len() {
        let want = starts[i] + offset;
        while j < positions.len() && positions[j] < want {
            j += 1;
        }
        if j == positions.len() {
            break;
        }
        if positions[j] == want {
            starts[kept] = starts[i];
            kept += 1;
        }
    }
    starts.truncate(kept);
}

/// The starts of the occurrences that do not overlap, left to right: `哈哈` occurs once in
/// `哈哈哈`. `starts` is in increasing order.
pub fn non_overlapping_starts(starts: &[u32], len: u32) -> impl Iterator<Item = u32> + '_ {
    let mut free_from = 0u32;
    starts.iter().copied().filter(move |&s| {
        let free = s >= free_from;
        if free {
            free_from = s + len;
        }
        free
    })
}

/// The occurrences of several wordings of one concept, overlaps counted once: `spans` are
/// (start, length, wording) in any order; the result keeps, left to right, each span that begins
/// after the last one kept ends, the longest where several begin together.
pub fn union_spans(mut spans: Vec<(u32, u32, usize)>) -> Vec<(u32, u32, usize)> {
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let mut free_from = 0u32;
    spans.retain(|&(s, len, _)| {
        let free = s >= free_from;
        if free {
            free_from = s + len;
        }
        free
    });
    spans
}

/// How many occurrences do not overlap (see [`non_overlapping_starts`]).
pub fn non_overlapping(starts: &[u32], len: u32) -> u32 {
    non_overlapping_starts(starts, len).count() as u32
}

/// A tantivy query matching passages that contain `text` exactly. Its score grows slowly with
/// the number of occurrences: `boost × (1 + ln n)`.
#[derive(Clone)]
pub struct ExactQuery {
    field: Field,
    text: String,
}

impl ExactQuery {
    pub fn new(field: Field, text: &str) -> Self {
        ExactQuery {
            field,
            text: text.to_string(),
        }
    }
}

impl fmt::Debug for ExactQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Exact({:?})", self.text)
    }
}

impl Query for ExactQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExactWeight {
            field: self.field,
            text: self.text.clone(),
        }))
    }
}

struct ExactWeight {
    field: Field,
    text: String,
}

impl ExactWeight {
    fn exact_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<ExactScorer> {
        Ok(ExactScorer {
            matcher: RefCell::new(unpositioned(reader, self.field, &self.text)?),
            boost,
        })
    }
}

impl Weight for ExactWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.exact_scorer(reader, boost)?))
    }

    /// A scorer checked at `target` first, as an intersection starts its clauses: the matcher
    /// looks at that document alone rather than for its first match (see [`ExactScorer`]).
    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        let mut scorer = self.exact_scorer(reader, boost)?;
        let found = scorer.seek_danger(target);
        Ok((found, Box::new(scorer)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not contain {:?}",
                self.text
            )));
        }
        Ok(Explanation::new("exact occurrences", scorer.score()))
    }
}

/// The scorer of an [`ExactQuery`]. Its matcher finds its first document only when asked where
/// it stands: tantivy asks an exclusion only whether given documents hold the string, and
/// finding the first would verify the positions of every document holding the characters up to
/// it (for the variant wordings a tier leaves out, most of the segment, once per tier). `doc`
/// takes `&self`, hence the cell.
struct ExactScorer {
    matcher: RefCell<Matcher>,
    boost: Score,
}

impl DocSet for ExactScorer {
    fn advance(&mut self) -> DocId {
        self.matcher.get_mut().advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.matcher.get_mut().seek(target)
    }
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.matcher.get_mut().seek_danger(target)
    }
    fn doc(&self) -> DocId {
        self.matcher.borrow_mut().positioned_doc()
    }
    fn size_hint(&self) -> u32 {
        self.matcher.borrow().size_hint()
    }
    fn cost(&self) -> u64 {
        self.matcher.borrow().cost()
    }
}

impl Scorer for ExactScorer {
    fn score(&mut self) -> Score {
        match self.matcher.get_mut().occurrences() {
            0 | 1 => self.boost,
            n => self.boost * (1.0 + (n as f32).ln()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_and_overlap_counting() {
        // Starts 1, 3, 5, 9 of a first character; the second stands at 4, 6, 10, 12.
        let mut starts = vec![1, 3, 5, 9];
        keep_aligned(&mut starts, &[4, 6, 10, 12], 1);
        assert_eq!(starts, [3, 5, 9]);
        let mut none = vec![2];
        keep_aligned(&mut none, &[], 1);
        assert!(none.is_empty());
        assert_eq!(non_overlapping(&[0, 1], 2), 1);
        assert_eq!(non_overlapping(&[0, 2, 3], 2), 2);
        assert_eq!(non_overlapping(&[], 2), 0);
    }

    /// A small index of tagged texts: (its searcher, the `chars` field, the `tag` field).
    fn tagged_index(texts: &[(&str, &str)]) -> (tantivy::Searcher, Field, Field) {
        use tantivy::schema::{STRING, Schema, TextFieldIndexing, TextOptions};
        use tantivy::{Index, TantivyDocument};

        let mut sb = Schema::builder();
        let chars = sb.add_text_field(
            "chars",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(crate::index::tokenize::CHARS)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let tag = sb.add_text_field("tag", STRING);
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register(
            crate::index::tokenize::CHARS,
            crate::index::tokenize::CharTokenizer,
        );
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (text, t) in texts {
            let mut d = TantivyDocument::default();
            d.add_text(chars, text);
            d.add_text(tag, t);
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
        (index.reader().unwrap().searcher(), chars, tag)
    }

    #[test]
    fn intersections_and_exclusions_check_each_document_exactly() {
        use tantivy::collector::DocSetCollector;
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        // Tagged h or p; 建设国家级 stands in some, its characters apart or reordered in others,
        // and some lack one of them.
        let texts = [
            ("建设国家级平台", "h"),
            ("国家级建设基地", "p"),
            ("建设国家级园区", "p"),
            ("国家建设级别", "h"),
            ("推进建设国家级示范区", "h"),
            ("建设一批国家级园区", "h"),
            ("建设国家级", "p"),
            ("级国家设建", "h"),
            // Missing a character: the postings give a bound without any position read.
            ("国家平台", "h"),
            ("建设级别", "p"),
            ("设施", "p"),
        ];
        let (searcher, chars, tag) = tagged_index(&texts);
        let docs = |q: &BooleanQuery| -> Vec<u32> {
            let mut d: Vec<u32> = searcher
                .search(q, &DocSetCollector)
                .unwrap()
                .into_iter()
                .map(|a| a.doc_id)
                .collect();
            d.sort();
            d
        };
        let expected = |t: &str, s: &str, holding: bool| -> Vec<u32> {
            (0..texts.len() as u32)
                .filter(|&k| {
                    let (text, tg) = texts[k as usize];
                    tg == t && text.contains(s) == holding
                })
                .collect()
        };
        for (t, s) in [
            ("h", "建设国家级"),
            ("p", "建设国家级"),
            ("h", "级"),
            ("p", "设"),
        ] {
            let tagged = || -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(tag, t),
                    IndexRecordOption::Basic,
                ))
            };
            let exact = || -> Box<dyn Query> { Box::new(ExactQuery::new(chars, s)) };
            let both = BooleanQuery::new(vec![(Occur::Must, tagged()), (Occur::Must, exact())]);
            assert_eq!(docs(&both), expected(t, s, true), "{t} and {s}");
            let without =
                BooleanQuery::new(vec![(Occur::Must, tagged()), (Occur::MustNot, exact())]);
            assert_eq!(docs(&without), expected(t, s, false), "{t} without {s}");
        }
    }

    #[test]
    fn a_fresh_scorer_answers_every_first_call_as_a_positioned_one_would() {
        // Documents 1, 4 and 6 hold 国家级; the others hold its characters apart or not all.
        let texts = [
            ("级家国", "x"),
            ("建设国家级平台", "x"),
            ("国家的级", "x"),
            ("国家平台", "x"),
            ("推进国家级示范区", "x"),
            ("级别国家", "x"),
            ("国家级", "x"),
            ("家国级", "x"),
        ];
        let (searcher, chars, _) = tagged_index(&texts);
        let holding: Vec<DocId> = (0..texts.len() as DocId)
            .filter(|&d| texts[d as usize].0.contains("国家级"))
            .collect();
        assert_eq!(holding, [1, 4, 6]);
        let reader = searcher.segment_reader(0);
        let weight = ExactQuery::new(chars, "国家级")
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .unwrap();
        let fresh = || weight.scorer(reader, 1.0).unwrap();
        // Asked where it stands first: the first document holding the string.
        let mut s = fresh();
        assert_eq!(s.doc(), 1);
        let mut walked = vec![s.doc()];
        while s.advance() != TERMINATED {
            walked.push(s.doc());
        }
        assert_eq!(walked, holding);
        // Advanced first: the second.
        assert_eq!(fresh().advance(), 4);
        for target in 0..=texts.len() as DocId {
            // Sought first: the first document at or after the target.
            let want = holding
                .iter()
                .copied()
                .find(|&d| d >= target)
                .unwrap_or(TERMINATED);
            let mut s = fresh();
            assert_eq!(s.seek(target), want, "seek({target})");
            assert_eq!(s.doc(), want);
            // Checked first: whether the target holds it, and a valid bound if not.
            let mut s = fresh();
            match s.seek_danger(target) {
                SeekDangerResult::Found => {
                    assert!(holding.contains(&target), "{target}");
                    assert_eq!(s.doc(), target);
                    assert_eq!(
                        s.advance(),
                        holding
                            .iter()
                            .copied()
                            .find(|&d| d > target)
                            .unwrap_or(TERMINATED)
                    );
                }
                SeekDangerResult::SeekLowerBound(bound) => {
                    assert!(!holding.contains(&target), "{target}");
                    assert!(bound > target && bound <= want, "{target}: {bound}");
                }
            }
        }
        // Checked at increasing targets, as an exclusion is: exactly the documents holding it.
        let mut s = fresh();
        let found: Vec<DocId> = (0..texts.len() as DocId)
            .filter(|&d| s.seek_danger(d) == SeekDangerResult::Found)
            .collect();
        assert_eq!(found, holding);
    }

    #[test]
    fn overlapping_wordings_of_a_concept_count_once() {
        // 新型基础设施建设 (8) and 新型基础设施 (6) at 0; 新基建 (3) at 20; 设施 (2) at 4.
        let kept = union_spans(vec![(0, 6, 1), (20, 3, 0), (0, 8, 2), (4, 2, 3)]);
        assert_eq!(kept, vec![(0, 8, 2), (20, 3, 0)]);
        assert!(union_spans(vec![]).is_empty());
        // Touching spans do not overlap.
        assert_eq!(union_spans(vec![(0, 2, 0), (2, 2, 1)]).len(), 2);
    }
}
