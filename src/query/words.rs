//! The words of a query, recognised with the vocabulary jieba produced for the index.
//!
//! jieba's own method — the most probable route through the graph of dictionary words — run
//! over the index's `words` vocabulary with document frequencies as word frequencies. The
//! index's vocabulary *is* jieba's segmentation of the corpus (with the policy dictionary), so a
//! query word is split the way the passages were; and a query never pays for loading jieba's
//! dictionary (tens of milliseconds), which would cost more than the whole search.

use tantivy::Searcher;
use tantivy::schema::Term;

use crate::index::Opened;
use crate::index::tokenize::{fold_str, is_word};

/// The index's vocabulary as a document-frequency function of a piece of text, compared folded
/// as the index holds it.
pub fn vocabulary<'a>(idx: &'a Opened, searcher: &'a Searcher) -> impl Fn(&str) -> u64 + 'a {
    let field = idx.fields.words;
    move |w: &str| {
        searcher
            .doc_freq(&Term::from_field_text(field, &fold_str(w)))
            .unwrap_or(0)
    }
}

/// The longest word considered, in characters.
const MAX_WORD: usize = 8;

/// Splits `text` into words, each once, punctuation dropped. `df` gives a piece's document
/// frequency in the vocabulary (0 if it is not a word there); `total` is the number of documents.
pub fn segment(text: &str, df: &dyn Fn(&str) -> u64, total: u64) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in route(text, df, total) {
        if is_word(&w) && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

/// The most probable route through `text`: every piece in order, punctuation included.
pub fn route(text: &str, df: &dyn Fn(&str) -> u64, total: u64) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let log_total = (total.max(1) as f64 + 1.0).ln();
    // best[i] = (log-probability of the best route from i to the end, end of its first word).
    let mut best: Vec<(f64, usize)> = vec![(0.0, n); n + 1];
    for i in (0..n).rev() {
        let mut choice: Option<(f64, usize)> = None;
        for j in i + 1..=(i + MAX_WORD).min(n) {
            let piece: String = chars[i..j].iter().collect();
            let f = df(&piece);
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
    fn repeated_words_are_listed_once() {
        let v = vocab(&[("发展", 500)]);
        assert_eq!(segment("发展发展", &v, 1000), ["发展"]);
    }
}
