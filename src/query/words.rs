//! The words of a query, recognised with the vocabulary jieba produced for the index.
//!
//! jieba's own method — the most probable route through the graph of dictionary words — run
//! over the index's `words` vocabulary with document frequencies as word frequencies. The
//! index's vocabulary *is* jieba's segmentation of the corpus (with the policy dictionary), so a
//! query word is split the way the passages were; and a query never pays for loading jieba's
//! dictionary (tens of milliseconds), which would cost more than the whole search.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use tantivy::schema::Term;
use tantivy::{InvertedIndexReader, Searcher};

use crate::error::Result;
use crate::index::Opened;
use crate::index::tokenize::{fold, fold_str, is_word};

/// The longest word considered, in characters.
pub const MAX_WORD: usize = 8;

/// The punctuation jieba leaves inside a token of letters and digits.
const INSIDE_TOKEN: &str = "+#&._%-";

/// Where the words of a text come from: a piece's document frequency, 0 if it is not a word.
pub trait Lexicon {
    /// The document frequency of `word`.
    fn df(&self, word: &str) -> u64;

    /// The document frequencies of the pieces that start `text`: entry `k` is that of the
    /// first `k + 1` characters (0 beyond the text's end).
    fn starting(&self, text: &[char]) -> [u64; MAX_WORD] {
        let mut out = [0; MAX_WORD];
        let mut piece = String::new();
        for (k, &c) in text.iter().take(MAX_WORD).enumerate() {
            piece.push(c);
            out[k] = self.df(&piece);
        }
        out
    }
}

impl<F: Fn(&str) -> u64> Lexicon for F {
    fn df(&self, word: &str) -> u64 {
        self(word)
    }
}

/// The index's `words` vocabulary, compared folded as the index holds it.
///
/// A route through a text asks, at every character, which of the next [`MAX_WORD`] pieces are
/// words: that many dictionary lookups per character and segment, the bulk of mining related
/// wording from long passages. The segments' dictionaries are opened once, a piece is looked up
/// once however often the texts repeat it, and no piece holding punctuation or a space is
/// looked up (the index holds no such word; jieba keeps only `+#&._%-` inside a token, between
/// letters and digits, as in `5.5%` or `covid-19`). The pieces seen are remembered in a map
/// hashed with rustc's Fx hash instead of SipHash, which made a mixed run of searches 6% faster:
/// looking pieces up is most of related-wording mining. The keys are pieces of the index's own
/// passages, and of a query (bounded in length by the web server), so SipHash's resistance to
/// keys chosen to collide buys little here.
pub struct Vocabulary {
    field: tantivy::schema::Field,
    readers: Vec<Arc<InvertedIndexReader>>,
    seen: RefCell<FxHashMap<String, u64>>,
}

impl Vocabulary {
    pub fn new(idx: &Opened, searcher: &Searcher) -> Result<Vocabulary> {
        let field = idx.fields.words;
        let readers = searcher
            .segment_readers()
            .iter()
            .map(|r| r.inverted_index(field))
            .collect::<tantivy::Result<_>>()?;
        Ok(Vocabulary {
            field,
            readers,
            seen: RefCell::new(FxHashMap::default()),
        })
    }

    fn lookup(&self, folded: &str) -> u64 {
        // The field holds no word of one character (see `tokenize::JiebaTokenizer`): a sixth of a
        // route's lookups.
        if folded.chars().nth(1).is_none() {
            return 0;
        }
        if let Some(&n) = self.seen.borrow().get(folded) {
            return n;
        }
        let term = Term::from_field_text(self.field, folded);
        let n = self
            .readers
            .iter()
            .map(|r| r.doc_freq(&term).map_or(0, u64::from))
            .sum();
        self.seen.borrow_mut().insert(folded.to_string(), n);
        n
    }
}

impl Lexicon for Vocabulary {
    fn df(&self, word: &str) -> u64 {
        self.lookup(&fold_str(word))
    }

    fn starting(&self, text: &[char]) -> [u64; MAX_WORD] {
        let mut out = [0; MAX_WORD];
        let mut piece = String::new();
        for (k, &c) in text.iter().take(MAX_WORD).enumerate() {
            let c = fold(c);
            if k > 0 && !c.is_alphanumeric() && !INSIDE_TOKEN.contains(c) {
                break;
            }
            piece.push(c);
            out[k] = self.lookup(&piece);
        }
        out
    }
}

/// Splits `text` into words, each once, punctuation dropped. `lex` gives a piece's document
/// frequency in the vocabulary (0 if it is not a word there); `total` is the number of documents.
pub fn segment(text: &str, lex: &dyn Lexicon, total: u64) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in route(text, lex, total) {
        if is_word(&w) && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

/// Words this long may be compounds of shorter words (智慧城市, 新型基础设施).
pub const COMPOUND_MIN: usize = 4;

/// The route through a compound with the compound itself not a word: the words inside it, or
/// its characters where it holds none.
pub fn route_inside(compound: &str, lex: &dyn Lexicon, total: u64) -> Vec<String> {
    let inner = |p: &str| if p == compound { 0 } else { lex.df(p) };
    route(compound, &inner, total)
}

/// The words a compound is made of (智慧城市 → 智慧, 城市): `None` unless it is at least
/// [`COMPOUND_MIN`] characters long and splits wholly into words of two characters or more.
pub fn parts_of(compound: &str, lex: &dyn Lexicon, total: u64) -> Option<Vec<String>> {
    if compound.chars().count() < COMPOUND_MIN {
        return None;
    }
    let parts = route_inside(compound, lex, total);
    (parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.chars().count() >= 2 && lex.df(p) > 0))
    .then_some(parts)
}

/// The most probable route through `text`: every piece in order, punctuation included.
pub fn route(text: &str, lex: &dyn Lexicon, total: u64) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let log_total = (total.max(1) as f64 + 1.0).ln();
    // best[i] = (log-probability of the best route from i to the end, end of its first word).
    let mut best: Vec<(f64, usize)> = vec![(0.0, n); n + 1];
    for i in (0..n).rev() {
        let dfs = lex.starting(&chars[i..(i + MAX_WORD).min(n)]);
        let mut choice: Option<(f64, usize)> = None;
        for j in i + 1..=(i + MAX_WORD).min(n) {
            let f = dfs[j - i - 1];
            let weight = if f > 0 {
                (f as f64 + 1.0).ln() - log_total
            } else if j == i + 1 {
                0.5f64.ln() - log_total // an unknown character stands alone
            } else {
                continue;
            };
            let score = weight + best[j].0;
            if choice.is_none_or(|(s, _)| score > s) {
                choice = Some((score, j));
            }
        }
        best[i] = choice.unwrap_or((f64::NEG_INFINITY, i + 1));
    }
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < n {
        let j = best[i].1.max(i + 1);
        pieces.push(chars[i..j].iter().collect());
        i = j;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[(&str, u64)]) -> impl Fn(&str) -> u64 {
        let v: Vec<(String, u64)> = words.iter().map(|(w, f)| (w.to_string(), *f)).collect();
        move |p: &str| v.iter().find(|(w, _)| w == p).map_or(0, |(_, f)| *f)
    }

    #[test]
    fn known_words_win_over_their_characters() {
        let v = vocab(&[
            ("营商", 40),
            ("环境", 300),
            ("营商环境", 90),
            ("营", 5),
            ("商", 20),
            ("优化", 200),
        ]);
        assert_eq!(segment("优化营商环境", &v, 1000), ["优化", "营商环境"]);
        assert_eq!(segment("营商", &v, 1000), ["营商"]);
    }

    #[test]
    fn unknown_text_falls_back_to_characters_and_punctuation_goes() {
        let v = vocab(&[("核心", 50)]);
        assert_eq!(segment("以人为核心", &v, 1000), ["以", "人", "为", "核心"]);
        assert_eq!(segment("“碳”，", &v, 1000), ["碳"]);
        assert!(segment("", &v, 1000).is_empty());
    }

    #[test]
    fn route_keeps_every_piece_in_order() {
        let v = vocab(&[("优化", 200), ("营商环境", 90)]);
        assert_eq!(
            route("，优化营商环境。", &v, 1000),
            ["，", "优化", "营商环境", "。"]
        );
    }

    #[test]
    fn a_compound_splits_into_its_words_only_when_it_holds_nothing_else() {
        let v = vocab(&[
            ("智慧", 30),
            ("城市", 400),
            ("智慧城市", 20),
            ("营商环境", 90),
            ("专精特新", 8),
        ]);
        assert_eq!(parts_of("智慧城市", &v, 1000).unwrap(), ["智慧", "城市"]);
        // No words inside: its characters are not its parts.
        assert_eq!(parts_of("专精特新", &v, 1000), None);
        // A word and a character (营商 is not a word here).
        assert_eq!(parts_of("营商环境", &v, 1000), None);
        // Too short to be a compound.
        assert_eq!(parts_of("城市", &v, 1000), None);
    }

    #[test]
    fn repeated_words_are_listed_once() {
        let v = vocab(&[("发展", 500)]);
        assert_eq!(segment("发展发展", &v, 1000), ["发展"]);
    }
}
