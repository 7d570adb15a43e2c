//! Exact matching, independent of word segmentation.
//!
//! A string of two or more characters occurs where its character bigrams stand at consecutive
//! positions of the `chars` field; it is enough to check every other bigram (offsets 0, 2, 4 …,
//! and the last) since together they cover every character. A single character occurs wherever
//! a bigram starts with it: the union of every term with that prefix. [`Matcher`] walks the
//! documents of one segment that contain the string and gives, for each, the character positions
//! where it starts; [`ExactQuery`] wraps it as a tantivy query so it combines with BM25 clauses
//! and filters in one boolean query.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError};

use crate::index::tokenize::bigram;

/// The bigrams to check for a string of `chars.len() >= 2` characters: (offset, bigram).
fn chain_terms(chars: &[char]) -> Vec<(u32, String)> {
    let n = chars.len();
    let mut offsets: Vec<usize> = (0..n - 1).step_by(2).collect();
    if offsets.last().is_some_and(|&o| o < n - 2) {
        offsets.push(n - 2);
    }
    offsets
        .into_iter()
        .map(|o| (o as u32, bigram(chars[o], Some(chars[o + 1]))))
        .collect()
}

/// The documents of a segment that contain a string, with where it starts in each.
pub enum Matcher {
    Empty,
    Chain(Chain),
    Union(Union),
}

/// Opens a matcher for `text` over the `chars` field of a segment.
pub fn matcher(reader: &SegmentReader, field: Field, text: &str) -> tantivy::Result<Matcher> {
    let chars: Vec<char> = text.chars().collect();
    let inverted = reader.inverted_index(field)?;
    match chars.len() {
        0 => Ok(Matcher::Empty),
        1 => {
            // Every bigram starting with the character: its UTF-8 bytes are a prefix of theirs.
            let mut lo = [0u8; 4];
            let lo = chars[0].encode_utf8(&mut lo).as_bytes().to_vec();
            let mut hi = lo.clone();
            if let Some(last) = hi.last_mut() {
                *last += 1; // the last byte of a UTF-8 character is at most 0xBF
            }
            let mut stream = inverted.terms().range().ge(&lo).lt(&hi).into_stream()?;
            let mut postings = Vec::new();
            while stream.advance() {
                let p = inverted.read_postings_from_terminfo(
                    stream.value(),
                    IndexRecordOption::WithFreqsAndPositions,
                )?;
                postings.push(p);
            }
            Ok(Union::new(postings).map_or(Matcher::Empty, Matcher::Union))
        }
        _ => {
            let mut postings = Vec::new();
            for (offset, bg) in chain_terms(&chars) {
                let term = Term::from_field_text(field, &bg);
                match inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)? {
                    Some(p) => postings.push((offset, p)),
                    None => return Ok(Matcher::Empty),
                }
            }
            Ok(Chain::new(postings).map_or(Matcher::Empty, Matcher::Chain))
        }
    }
}

impl Matcher {
    /// Character positions where the string starts in the current document, ascending.
    pub fn starts(&self) -> &[u32] {
        match self {
            Matcher::Empty => &[],
            Matcher::Chain(c) => &c.starts,
            Matcher::Union(u) => &u.starts,
        }
    }
}

impl DocSet for Matcher {
    fn advance(&mut self) -> DocId {
        match self {
            Matcher::Empty => TERMINATED,
            Matcher::Chain(c) => c.advance(),
            Matcher::Union(u) => u.advance(),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match self {
            Matcher::Empty => TERMINATED,
            Matcher::Chain(c) => c.seek(target),
            Matcher::Union(u) => {
                let mut d = u.doc;
                while d < target {
                    d = u.advance();
                }
                d
            }
        }
    }

    fn doc(&self) -> DocId {
        match self {
            Matcher::Empty => TERMINATED,
            Matcher::Chain(c) => c.doc,
            Matcher::Union(u) => u.doc,
        }
    }

    fn size_hint(&self) -> u32 {
        match self {
            Matcher::Empty => 0,
            Matcher::Chain(c) => c.postings[0].1.size_hint(),
            Matcher::Union(u) => u.postings.iter().map(|p| p.size_hint()).sum(),
        }
    }
}

/// Bigram postings aligned at their offsets.
pub struct Chain {
    /// (offset in the string, postings), rarest first: the first leads the intersection.
    postings: Vec<(u32, SegmentPostings)>,
    doc: DocId,
    starts: Vec<u32>,
    buf: Vec<u32>,
}

impl Chain {
    fn new(mut postings: Vec<(u32, SegmentPostings)>) -> Option<Chain> {
        postings.sort_by_key(|(_, p)| p.size_hint());
        let first = postings.first()?.1.doc();
        let mut c = Chain {
            postings,
            doc: TERMINATED,
            starts: Vec::new(),
            buf: Vec::new(),
        };
        c.doc = c.find_from(first);
        Some(c)
    }

    /// The first document at or after `candidate` where the string occurs.
    fn find_from(&mut self, mut candidate: DocId) -> DocId {
        loop {
            if candidate == TERMINATED {
                return TERMINATED;
            }
            // Bring every list to the same document.
            let mut target = candidate;
            loop {
                let mut aligned = true;
                for (_, p) in &mut self.postings {
                    let d = if p.doc() < target {
                        p.seek(target)
                    } else {
                        p.doc()
                    };
                    if d > target {
                        target = d;
                        aligned = false;
                    }
                }
                if aligned || target == TERMINATED {
                    break;
                }
            }
            if target == TERMINATED {
                return TERMINATED;
            }
            if self.verify() {
                return target;
            }
            candidate = self.postings[0].1.advance();
        }
    }

    /// Whether the bigrams stand at consecutive offsets somewhere in the current document;
    /// fills `starts`.
    fn verify(&mut self) -> bool {
        let (first, rest) = self
            .postings
            .split_first_mut()
            .expect("a chain has at least one bigram");
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
            let off = *off;
            let shifted = self.buf.iter().filter(|&&p| p >= off).map(|&p| p - off);
            intersect_in_place(&mut self.starts, shifted);
        }
        !self.starts.is_empty()
    }

    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let next = self.postings[0].1.advance();
        self.doc = self.find_from(next);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let next = self.postings[0].1.seek(target);
        self.doc = self.find_from(next);
        self.doc
    }
}

/// Keeps the elements of sorted `left` that also occur in sorted `right`.
fn intersect_in_place(left: &mut Vec<u32>, right: impl Iterator<Item = u32>) {
    let mut right = right.peekable();
    left.retain(|&x| {
        while right.peek().is_some_and(|&r| r < x) {
            right.next();
        }
        right.peek() == Some(&x)
    });
}

/// The union of the postings of every bigram that starts with one character.
pub struct Union {
    postings: Vec<SegmentPostings>,
    heap: BinaryHeap<Reverse<(DocId, usize)>>,
    doc: DocId,
    starts: Vec<u32>,
    buf: Vec<u32>,
}

impl Union {
    fn new(postings: Vec<SegmentPostings>) -> Option<Union> {
        if postings.is_empty() {
            return None;
        }
        let heap = postings
            .iter()
            .enumerate()
            .filter(|(_, p)| p.doc() != TERMINATED)
            .map(|(i, p)| Reverse((p.doc(), i)))
            .collect();
        let mut u = Union {
            postings,
            heap,
            doc: TERMINATED,
            starts: Vec::new(),
            buf: Vec::new(),
        };
        u.collect_current();
        Some(u)
    }

    /// Pops every list standing on the smallest document, merging their positions.
    fn collect_current(&mut self) -> DocId {
        self.starts.clear();
        let Some(&Reverse((doc, _))) = self.heap.peek() else {
            self.doc = TERMINATED;
            return TERMINATED;
        };
        while let Some(&Reverse((d, i))) = self.heap.peek() {
            if d != doc {
                break;
            }
            self.heap.pop();
            self.postings[i].positions(&mut self.buf);
            self.starts.extend_from_slice(&self.buf);
            let next = self.postings[i].advance();
            if next != TERMINATED {
                self.heap.push(Reverse((next, i)));
            }
        }
        self.starts.sort_unstable();
        self.doc = doc;
        doc
    }

    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.collect_current()
    }
}

/// Occurrences that do not overlap, counted left to right: `哈哈` occurs once in `哈哈哈`.
pub fn non_overlapping(starts: &[u32], len: u32) -> u32 {
    let mut count = 0;
    let mut free_from = 0u32;
    for &s in starts {
        if s >= free_from {
            count += 1;
            free_from = s + len;
        }
    }
    count
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

impl Weight for ExactWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ExactScorer {
            matcher: matcher(reader, self.field, &self.text)?,
            boost,
        }))
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

struct ExactScorer {
    matcher: Matcher,
    boost: Score,
}

impl DocSet for ExactScorer {
    fn advance(&mut self) -> DocId {
        self.matcher.advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.matcher.seek(target)
    }
    fn doc(&self) -> DocId {
        self.matcher.doc()
    }
    fn size_hint(&self) -> u32 {
        self.matcher.size_hint()
    }
}

impl Scorer for ExactScorer {
    fn score(&mut self) -> Score {
        let n = self.matcher.starts().len().max(1) as f32;
        self.boost * (1.0 + n.ln())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_is_covered_by_the_checked_bigrams() {
        let offsets = |s: &str| {
            chain_terms(&s.chars().collect::<Vec<_>>())
                .into_iter()
                .map(|(o, _)| o)
                .collect::<Vec<_>>()
        };
        assert_eq!(offsets("碳汇"), [0]);
        assert_eq!(offsets("碳达峰"), [0, 1]);
        assert_eq!(offsets("碳达峰碳"), [0, 2]);
        assert_eq!(offsets("碳达峰碳中"), [0, 2, 3]);
        let terms = chain_terms(&"营商环境".chars().collect::<Vec<_>>());
        assert_eq!(
            terms,
            vec![(0, "营商".to_string()), (2, "环境".to_string())]
        );
    }

    #[test]
    fn intersection_and_overlap_counting() {
        let mut a = vec![1, 3, 5, 9];
        intersect_in_place(&mut a, [0, 3, 4, 9, 12].into_iter());
        assert_eq!(a, [3, 9]);
        assert_eq!(non_overlapping(&[0, 1], 2), 1);
        assert_eq!(non_overlapping(&[0, 2, 3], 2), 2);
        assert_eq!(non_overlapping(&[], 2), 0);
    }
}
