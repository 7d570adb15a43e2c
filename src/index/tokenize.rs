//! The two tokenizers the index uses.
//!
//! - [`CharTokenizer`] makes exact matching independent of word segmentation: one token per
//!   character, at the character's own position. A string occurs exactly where its characters
//!   stand at consecutive positions. Positions are character indices into the passage text;
//!   offsets are byte offsets, as tantivy expects. (Single characters rather than bigrams: a few
//!   thousand distinct terms instead of half a million make the index a third smaller and
//!   indexing half again as fast; a phrase query checks twice as many lists, which the rarest
//!   character keeps short.)
//! - [`JiebaTokenizer`] gives the words BM25 ranks by: jieba's segmentation with plansearch's
//!   policy vocabulary ([`USER_DICT`]) added, so 碳达峰, 新基建, 光芯屏端网 stay whole words.
//!
//! Both index characters [`fold`]ed: full-width ASCII forms as ASCII, letters in lower case, so
//! ５Ｇ, 5G and 5g are one string to search. Folding maps one character to one character, so a
//! folded string has the same character positions as the text as written, which is what the
//! index stores and results show.

use std::str::CharIndices;
use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which [`CharTokenizer`] is registered.
pub const CHARS: &str = "ps_chars";
/// Name under which [`JiebaTokenizer`] is registered.
pub const JIEBA: &str = "ps_jieba";

/// The policy vocabulary plansearch adds to jieba's dictionary (`word frequency` per line).
pub const USER_DICT: &str = include_str!("userdict.txt");

/// One token per character, at the character's position.
#[derive(Debug, Clone, Copy, Default)]
pub struct CharTokenizer;

pub struct CharStream<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    position: usize,
    token: Token,
}

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = CharStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharStream<'a> {
        CharStream {
            text,
            chars: text.char_indices(),
            position: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for CharStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, c)) = self.chars.next() else {
            return false;
        };
        let end = start + c.len_utf8();
        next_token(&mut self.token, &mut self.position, self.text, start, end);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// A character as matching sees it: full-width ASCII forms (`５`, `Ｇ`, `（`) as their ASCII
/// counterparts, the ideographic space as a space, letters in lower case. Always one character
/// for one, so positions and character offsets are those of the text as written.
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if !c.is_uppercase() {
        return c;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// A string with every character [`fold`]ed: the same number of characters.
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// Makes `token` the next one in its stream: `text[from..to]` folded, one position after the
/// last.
fn next_token(token: &mut Token, position: &mut usize, text: &str, from: usize, to: usize) {
    token.text.clear();
    token.text.extend(text[from..to].chars().map(fold));
    token.offset_from = from;
    token.offset_to = to;
    token.position = *position;
    token.position_length = 1;
    *position += 1;
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
    // Han characters first: Unicode's alphanumeric tables are slow to consult for them.
    token.chars().any(|c| {
        ('\u{4e00}'..='\u{9fff}').contains(&c) || c.is_ascii_alphanumeric() || c.is_alphanumeric()
    })
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

pub struct WordStream<'a> {
    text: &'a str,
    /// Byte ranges of the words, in order.
    words: std::vec::IntoIter<(usize, usize)>,
    position: usize,
    token: Token,
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        let words: Vec<(usize, usize)> = self
            .jieba
            .cut(text, true)
            .into_iter()
            // Single characters (的, 和, 在 …) carry little weight in BM25 and a third of the
            // postings; exact matching, which decides tiers, does not use this field.
            .filter(|t| t.word.chars().nth(1).is_some() && is_word(t.word))
            // jieba reports both byte and character positions; tantivy wants bytes.
            .map(|t| (t.byte_start, t.byte_end))
            .collect();
        WordStream {
            text,
            words: words.into_iter(),
            position: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to)) = self.words.next() else {
            return false;
        };
        next_token(&mut self.token, &mut self.position, self.text, from, to);
        true
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
    fn characters_at_character_positions_with_byte_offsets() {
        let got = tokens(CharTokenizer, "碳达峰5G");
        let texts: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        // Folded: the G is indexed as g (see `fold`).
        assert_eq!(texts, ["碳", "达", "峰", "5", "g"]);
        let positions: Vec<usize> = got.iter().map(|t| t.position).collect();
        assert_eq!(positions, [0, 1, 2, 3, 4]);
        // Byte offsets: three bytes per Han character, one per ASCII character.
        let offsets: Vec<(usize, usize)> =
            got.iter().map(|t| (t.offset_from, t.offset_to)).collect();
        assert_eq!(offsets, [(0, 3), (3, 6), (6, 9), (9, 10), (10, 11)]);
        assert!(tokens(CharTokenizer, "").is_empty());
    }

    #[test]
    fn width_and_case_fold_one_character_for_one() {
        assert_eq!(fold_str("５Ｇ基站"), "5g基站");
        assert_eq!(fold_str("5G"), "5g");
        assert_eq!(fold_str("（一）ＡＢＣ，ｘ"), "(一)abc,x");
        assert_eq!(fold_str("ÉCOLE Ω"), "école ω");
        // A letter whose lower case is two characters stays as it is.
        assert_eq!(fold('İ'), 'İ');
        for s in ["５Ｇ基站", "İstanbul", "碳达峰", "\u{3000}"] {
            assert_eq!(fold_str(s).chars().count(), s.chars().count(), "{s}");
        }
        // Tokens carry the folded character at the original offsets.
        let got = tokens(CharTokenizer, "５Ｇ");
        let texts: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["5", "g"]);
        assert_eq!((got[1].offset_from, got[1].offset_to), (3, 6));
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
        // Single characters are not ranked by.
        let got = tokens(JiebaTokenizer::new(jieba()), "党的建设和发展");
        assert!(got.iter().all(|t| t.text.chars().count() > 1), "{got:?}");
    }
}
