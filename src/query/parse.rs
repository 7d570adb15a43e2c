//! The query language, parsed by hand so that no input can make it panic or hang.
//!
//! - `营商环境 优化`: bare words, ranked (exact string first, then all words, then some);
//! - `"营商环境"`: an exact phrase, required; an unclosed `"` runs to the end of the query;
//! - `-新冠`, `-"疫情防控"`: passages containing it are excluded;
//! - `碳达峰 OR 碳中和`: either; OR binds tighter than the implicit AND between clauses;
//! - `新基建|新型基础设施`: a term group, one concept in several wordings — the same as OR.
//!
//! Everything else — brackets, colons, `*`, `^`, Chinese quotes — is literal text, and so is a
//! `|` inside a quoted phrase.

use crate::error::{Error, Result};
use crate::structure::clean::normalize;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most alternative combinations an OR query may expand to.
pub const MAX_COMBINATIONS: usize = 64;

/// A search term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// A quoted phrase: must occur exactly.
    Phrase(String),
    /// A bare word: ranked.
    Word(String),
}

impl Term {
    pub fn text(&self) -> &str {
        match self {
            Term::Phrase(s) | Term::Word(s) => s,
        }
    }
}

/// A clause: one term, or several joined by OR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub alternatives: Vec<Term>,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The query as typed.
    pub raw: String,
    /// Clauses that must all hold (each by one of its alternatives).
    pub clauses: Vec<Clause>,
    /// Terms whose passages are excluded.
    pub excluded: Vec<Term>,
}

/// One way to satisfy every clause: a term from each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conjunction {
    pub phrases: Vec<String>,
    pub words: Vec<String>,
}

impl Conjunction {
    /// The bare words as one string, as a passage would contain them side by side.
    pub fn whole(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| normalize(&self.words.join(" ")))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    /// A term, or several joined by `|`.
    Term(Vec<Term>),
    Not(Vec<Term>),
    Or,
}

fn error(raw: &str, reason: impl Into<String>) -> Error {
    let shown: String = raw.chars().take(40).collect();
    let shown = if raw.chars().count() > 40 {
        format!("{shown}…")
    } else {
        shown
    };
    Error::Query {
        query: shown,
        reason: reason.into(),
    }
}

fn tokenize(raw: &str) -> Vec<Token> {
    let chars: Vec<char> = raw.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
        if negated {
            i += 1;
        }
        let term = if chars[i] == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == '"')
                .map_or(chars.len(), |k| i + 1 + k);
            let text: String = chars[i + 1..end].iter().collect();
            i = (end + 1).min(chars.len());
            vec![Term::Phrase(normalize(&text))]
        } else {
            let end = chars[i..]
                .iter()
                .position(|c| c.is_whitespace())
                .map_or(chars.len(), |k| i + k);
            let text: String = chars[i..end].iter().collect();
            i = end;
            if !negated && text == "OR" {
                tokens.push(Token::Or);
                continue;
            }
            group(&text)
        };
        let term: Vec<Term> = term.into_iter().filter(|t| !t.text().is_empty()).collect();
        if term.is_empty() {
            continue;
        }
        tokens.push(if negated {
            Token::Not(term)
        } else {
            Token::Term(term)
        });
    }
    tokens
}

/// A bare word, or the wordings of a term group `A|B|C`, each once; a `|` with nothing on one side
/// is literal text.
fn group(text: &str) -> Vec<Term> {
    let parts: Vec<String> = text.split('|').map(normalize).collect();
    if parts.len() < 2 || parts.iter().any(String::is_empty) {
        return vec![Term::Word(normalize(text))];
    }
    let mut out: Vec<Term> = Vec::new();
    for p in parts {
        let t = Term::Word(p);
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Parses a query, or says why it cannot be searched.
pub fn parse(raw: &str) -> Result<Query> {
    let n = raw.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(error(
            raw,
            format!("{n} characters long; the limit is {MAX_QUERY_CHARS}"),
        ));
    }
    let mut clauses: Vec<Clause> = Vec::new();
    let mut excluded = Vec::new();
    let mut or_pending = false;
    let tokens = tokenize(raw);
    for (k, t) in tokens.iter().enumerate() {
        match t {
            Token::Not(terms) => excluded.extend(terms.iter().cloned()),
            // OR with a term on each side joins them; elsewhere it is the word "OR".
            Token::Or
                if !clauses.is_empty() && matches!(tokens.get(k + 1), Some(Token::Term(_))) =>
            {
                or_pending = true;
            }
            Token::Or => clauses.push(Clause {
                alternatives: vec![Term::Word("OR".into())],
            }),
            Token::Term(terms) => {
                if or_pending {
                    if let Some(last) = clauses.last_mut() {
                        last.alternatives.extend(terms.iter().cloned());
                    }
                    or_pending = false;
                } else {
                    clauses.push(Clause {
                        alternatives: terms.clone(),
                    });
                }
            }
        }
    }
    if clauses.is_empty() {
        let reason = if excluded.is_empty() {
            "nothing to search for; give words or a \"phrase\""
        } else {
            "only exclusions; give at least one word or \"phrase\" to search for"
        };
        return Err(error(raw, reason));
    }
    let combinations = clauses
        .iter()
        .try_fold(1usize, |acc, c| acc.checked_mul(c.alternatives.len()));
    if combinations.is_none_or(|c| c > MAX_COMBINATIONS) {
        return Err(error(
            raw,
            format!("too many OR combinations (more than {MAX_COMBINATIONS})"),
        ));
    }
    Ok(Query {
        raw: raw.to_string(),
        clauses,
        excluded,
    })
}

impl Query {
    /// The query as alternative conjunctions: `A B OR C` → `{A, B}`, `{A, C}`.
    pub fn conjunctions(&self) -> Vec<Conjunction> {
        let mut out = vec![Conjunction {
            phrases: vec![],
            words: vec![],
        }];
        for clause in &self.clauses {
            out = out
                .iter()
                .flat_map(|c| {
                    clause.alternatives.iter().map(move |t| {
                        let mut c = c.clone();
                        match t {
                            Term::Phrase(p) => c.phrases.push(p.clone()),
                            Term::Word(w) => c.words.push(w.clone()),
                        }
                        c
                    })
                })
                .collect();
        }
        out
    }

    /// Whether the query has bare words to rank by (otherwise every hit is an exact match).
    pub fn has_words(&self) -> bool {
        self.clauses
            .iter()
            .flat_map(|c| &c.alternatives)
            .any(|t| matches!(t, Term::Word(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bare_words_phrases_and_exclusions() {
        let q = parse("营商环境 \"放管服 改革\" -疫情").unwrap();
        assert_eq!(q.clauses.len(), 2);
        assert_eq!(
            q.clauses[0].alternatives,
            vec![Term::Word("营商环境".into())]
        );
        // Whitespace inside a phrase folds like text: 放管服改革.
        assert_eq!(
            q.clauses[1].alternatives,
            vec![Term::Phrase("放管服改革".into())]
        );
        assert_eq!(q.excluded, vec![Term::Word("疫情".into())]);
    }

    #[test]
    fn or_joins_neighbours_and_expands_into_conjunctions() {
        let q = parse("优化 营商环境 OR 投资环境").unwrap();
        let c = q.conjunctions();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].words, words(&["优化", "营商环境"]));
        assert_eq!(c[1].words, words(&["优化", "投资环境"]));
        assert_eq!(c[0].whole().as_deref(), Some("优化营商环境"));
        // OR without a partner is a word.
        let q = parse("OR 碳达峰 OR").unwrap();
        assert_eq!(q.clauses[0].alternatives, vec![Term::Word("OR".into())]);
        assert_eq!(q.clauses.len(), 3);
    }

    #[test]
    fn term_groups_are_alternatives() {
        let q = parse("新基建|新型基础设施 建设").unwrap();
        assert_eq!(
            q.clauses[0].alternatives,
            vec![
                Term::Word("新基建".into()),
                Term::Word("新型基础设施".into())
            ]
        );
        assert_eq!(q.conjunctions().len(), 2);
        // The same as OR, and combinable with it.
        let or = parse("新基建 OR 新型基础设施 建设").unwrap();
        assert_eq!(or.clauses, q.clauses);
        let q = parse("A|B OR C").unwrap();
        assert_eq!(q.clauses[0].alternatives.len(), 3);
        // A quoted | is literal, a dangling one too; an excluded group excludes each wording.
        assert_eq!(
            parse("\"A|B\"").unwrap().clauses[0].alternatives,
            vec![Term::Phrase("A|B".into())]
        );
        assert_eq!(
            parse("|A").unwrap().clauses[0].alternatives,
            vec![Term::Word("|A".into())]
        );
        let q = parse("营商 -新冠|疫情").unwrap();
        assert_eq!(q.excluded.len(), 2);
    }

    #[test]
    fn latin_words_keep_their_spaces_in_phrases() {
        let q = parse("\"Micro LED\"").unwrap();
        assert_eq!(
            q.clauses[0].alternatives,
            vec![Term::Phrase("Micro LED".into())]
        );
        assert!(!q.has_words());
    }

    #[test]
    fn hostile_input_is_literal_text_or_a_clear_error() {
        assert_eq!(
            parse("- *").unwrap().clauses[0].alternatives,
            vec![Term::Word("-".into())]
        );
        let q = parse("(*'\n").unwrap();
        assert_eq!(q.clauses[0].alternatives, vec![Term::Word("(*'".into())]);
        assert_eq!(
            parse("a:(^").unwrap().clauses[0].alternatives,
            vec![Term::Word("a:(^".into())]
        );
        let q = parse("\"unclosed phrase").unwrap();
        assert_eq!(
            q.clauses[0].alternatives,
            vec![Term::Phrase("unclosed phrase".into())]
        );
        assert_eq!(parse(&"(".repeat(1000)).unwrap().clauses.len(), 1);
        assert!(matches!(parse(""), Err(Error::Query { .. })));
        assert!(matches!(parse("   \"\" "), Err(Error::Query { .. })));
        assert!(matches!(parse("-疫情"), Err(Error::Query { .. })));
        let long = "营".repeat(1_000_000);
        let err = parse(&long).unwrap_err().to_string();
        assert!(err.contains("1000000 characters long"), "{err}");
        let many = ["a OR b"; 8].join(" ");
        assert!(
            parse(&many)
                .unwrap_err()
                .to_string()
                .contains("too many OR")
        );
    }

    #[test]
    fn chinese_quotes_are_literal() {
        let q = parse("“光芯屏端网”").unwrap();
        assert_eq!(
            q.clauses[0].alternatives,
            vec![Term::Word("“光芯屏端网”".into())]
        );
    }
}
