//! The two tokenizers the index uses.
//!
//! - [`BigramTokenizer`] makes exact matching independent of word segmentation: one token per
//!   character — that character and the next one (or [`END`] for the last) — at the character's
//!   own position. A string of two or more characters occurs exactly where its bigrams stand at
//!   consecutive positions; a single character is any bigram that starts with it. Positions are
//!   character indices into the passage text; offsets are byte offsets, as tantivy expects.
//! - [`JiebaTokenizer`] gives the words BM25 ranks by: jieba's segmentation with plansearch's
//!   policy vocabulary ([`USER_DICT`]) added, so 碳达峰, 新基建, 光芯屏端网 stay whole words.

use std::str::CharIndices;
use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Marks the end of a passage in the bigram of its last character.
pub const END: char = '\u{0}';

/// Name under which [`BigramTokenizer`] is registered.
pub const BIGRAM: &str = "ps_bigram";
/// Name under which [`JiebaTokenizer`] is registered.
pub const JIEBA: &str = "ps_jieba";

/// The policy vocabulary plansearch adds to jieba's dictionary (`word frequency` per line).
pub const USER_DICT: &str = include_str!("userdict.txt");

/// The bigram term for the character `c` followed by `next` (`None` at the end of a passage).
pub fn bigram(c: char, next: Option<char>) -> String {
    let mut s = String::with_capacity(8);
    s.push(c);
    s.push(next.unwrap_or(END));
    s
}

/// One token per character: the character and its successor, at the character's position.
#[derive(Debug, Clone, Copy, Default)]
pub struct BigramTokenizer;

pub struct BigramStream<'a> {
    chars: CharIndices<'a>,
    current: Option<(usize, char)>,
    position: usize,
    token: Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream<'a> {
        let mut chars = text.char_indices();
        let current = chars.next();
        BigramStream {
            chars,
            current,
            position: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for BigramStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, c)) = self.current else {
            return false;
        };
        let next = self.chars.next();
        self.token.text.clear();
        self.token.text.push(c);
        self.token.text.push(next.map_or(END, |(_, n)| n));
        self.token.offset_from = start;
        self.token.offset_to = start + c.len_utf8();
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
        self.current = next;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Builds the jieba segmenter with plansearch's policy vocabulary. Loading jieba's dictionary
/// costs tens of milliseconds, so only the indexer does it.
pub fn jieba() -> Arc<Jieba> {
    let mut j = Jieba::new();
    j.load_dict(&mut std::io::Cursor::new(USER_DICT))
        .expect("the bundled user dictionary is well-formed");
    Arc::new(j)
}

/// Whether a token is a word worth ranking by: it holds a letter, a digit or a Han character.
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// jieba's words, for BM25. Clones share one dictionary.
#[derive(Clone)]
pub struct JiebaTokenizer {
    jieba: Arc<Jieba>,
}

impl JiebaTokenizer {
    pub fn new(jieba: Arc<Jieba>) -> Self {
        JiebaTokenizer { jieba }
    }
}

pub struct WordStream {
    tokens: std::vec::IntoIter<Token>,
    token: Token,
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens: Vec<Token> = self
            .jieba
            .cut(text, true)
            .into_iter()
            .filter(|t| is_word(t.word))
            .enumerate()
            .map(|(position, t)| Token {
                // jieba reports both byte and character positions; tantivy wants bytes.
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position,
                text: t.word.to_string(),
                position_length: 1,
            })
            .collect();
        WordStream {
            tokens: tokens.into_iter(),
            token: Token::default(),
        }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                self.token = t;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens<T: Tokenizer>(mut t: T, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        t.token_stream(text)
            .process(&mut |tok| out.push(tok.clone()));
        out
    }

    #[test]
    fn bigrams_at_character_positions_with_byte_offsets() {
        let got = tokens(BigramTokenizer, "碳达峰5G");
        let texts: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["碳达", "达峰", "峰5", "5G", "G\u{0}"]);
        let positions: Vec<usize> = got.iter().map(|t| t.position).collect();
        assert_eq!(positions, [0, 1, 2, 3, 4]);
        // Byte offsets: three bytes per Han character, one per ASCII character.
        let offsets: Vec<(usize, usize)> =
            got.iter().map(|t| (t.offset_from, t.offset_to)).collect();
        assert_eq!(offsets, [(0, 3), (3, 6), (6, 9), (9, 10), (10, 11)]);
        assert!(tokens(BigramTokenizer, "").is_empty());
        assert_eq!(tokens(BigramTokenizer, "一")[0].text, "一\u{0}");
    }

    #[test]
    fn policy_vocabulary_keeps_terms_whole() {
        let j = JiebaTokenizer::new(jieba());
        for term in [
            "碳达峰",
            "碳中和",
            "新基建",
            "光芯屏端网",
            "专精特新",
            "营商环境",
        ] {
            let text = format!("加快{term}工作");
            let words: Vec<String> = tokens(j.clone(), &text)
                .into_iter()
                .map(|t| t.text)
                .collect();
            assert!(words.contains(&term.to_string()), "{term}: {words:?}");
        }
        let got = tokens(j, "推进碳达峰碳中和。");
        let words: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["推进", "碳达峰", "碳中和"]);
        // Offsets are bytes into the text.
        assert_eq!((got[1].offset_from, got[1].offset_to), (6, 15));
    }
}
