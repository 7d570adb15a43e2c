//! Term groups: one concept, several wordings, counted together.
//!
//! Analysts count a concept, not a string: 新基建 and 新型基础设施 are one programme. A concept
//! is written `新基建|新型基础设施` or `新基建 OR 新型基础设施` on the command line, or named in
//! a dictionary given with `--terms FILE` (TOML: `新基建 = ["新基建", "新型基础设施"]`; or CSV
//! rows `concept,variant`), in the manner of quanteda and LIWC dictionaries or Elasticsearch
//! synonym files. Its occurrences are those of its wordings with overlaps counted once
//! ([`union`]): 新型基础设施建设 and 新型基础设施 at the same place are one occurrence.

use std::path::Path;

use crate::error::{Error, Result};
use crate::structure::clean::normalize;

/// A concept and the wordings it is counted by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// How results name it: the term as typed (`新基建|新型基础设施`), or the dictionary's name.
    pub name: String,
    /// The wordings, each normalised, each once; never empty.
    pub variants: Vec<String>,
}

impl From<&str> for Concept {
    /// A concept of one wording, normalised as terms are.
    fn from(term: &str) -> Self {
        let w = wording(term);
        Concept {
            name: w.clone(),
            variants: vec![w],
        }
    }
}

impl Concept {
    /// Whether it has more than one wording.
    pub fn is_group(&self) -> bool {
        self.variants.len() > 1
    }
}

/// A dictionary of concepts, in the order the file gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary {
    pub concepts: Vec<Concept>,
}

/// Most wordings a concept may have.
pub const MAX_VARIANTS: usize = 64;

fn query_error(query: &str, reason: impl Into<String>) -> Error {
    Error::Query {
        query: query.chars().take(40).collect(),
        reason: reason.into(),
    }
}

/// One wording as matching sees it: surrounding ASCII quotes dropped, whitespace folded.
fn wording(raw: &str) -> String {
    normalize(raw.trim().trim_matches('"'))
}

impl Dictionary {
    /// Reads a dictionary: TOML (`name = ["wording", …]`) or CSV (`concept,variant` rows, a
    /// header line optional), by the file's extension.
    pub fn load(path: &Path) -> Result<Dictionary> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let bad = |reason: String| Error::BadFile {
            path: path.to_path_buf(),
            reason,
        };
        let csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let pairs = if csv {
            parse_csv(&text).map_err(bad)?
        } else {
            parse_toml(&text).map_err(bad)?
        };
        let mut dict = Dictionary::default();
        for (name, variant) in pairs {
            let (name, variant) = (wording(&name), wording(&variant));
            if name.is_empty() || variant.is_empty() {
                continue;
            }
            match dict.concepts.iter_mut().find(|c| c.name == name) {
                Some(c) if !c.variants.contains(&variant) => c.variants.push(variant),
                Some(_) => {}
                None => dict.concepts.push(Concept {
                    name,
                    variants: vec![variant],
                }),
            }
        }
        if dict.concepts.is_empty() {
            return Err(bad("no concepts in it".into()));
        }
        if let Some(c) = dict
            .concepts
            .iter()
            .find(|c| c.variants.len() > MAX_VARIANTS)
        {
            return Err(bad(format!(
                "concept {} has more than {MAX_VARIANTS} wordings",
                c.name
            )));
        }
        Ok(dict)
    }

    /// The concept of that name.
    pub fn get(&self, name: &str) -> Option<&Concept> {
        let name = wording(name);
        self.concepts.iter().find(|c| c.name == name)
    }
}

fn parse_toml(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let hint = if e.message().contains("unquoted key") {
            "; write names that are not plain ASCII in quotes: \"新基建\" = [\"新基建\", \"新型基础设施\"]"
        } else {
            ""
        };
        format!("not a valid TOML dictionary ({}{hint})", e.message().trim())
    })?;
    let mut out = Vec::new();
    for (name, value) in table {
        let list = match &value {
            toml::Value::Array(a) => a.clone(),
            toml::Value::String(s) => vec![toml::Value::String(s.clone())],
            toml::Value::Table(t) => match t.get("variants") {
                Some(toml::Value::Array(a)) => a.clone(),
                _ => return Err(format!("concept {name}: expected variants = [\"…\", …]")),
            },
            _ => return Err(format!("concept {name}: expected a list of wordings")),
        };
        for v in list {
            match v {
                toml::Value::String(s) => out.push((name.clone(), s)),
                _ => return Err(format!("concept {name}: wordings must be strings")),
            }
        }
    }
    Ok(out)
}

fn parse_csv(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("not valid CSV ({e})"))?;
        let (Some(name), Some(variant)) = (record.get(0), record.get(1)) else {
            return Err(format!("line {}: expected concept,variant", k + 1));
        };
        let header = k == 0 && name.trim() == "concept" && variant.trim() == "variant";
        if !header {
            out.push((name.to_string(), variant.to_string()));
        }
    }
    Ok(out)
}

/// The concept a term stands for: a dictionary name; wordings joined by `|` or ` OR `; or one
/// wording. Surrounding ASCII quotes are dropped from each.
pub fn concept(raw: &str, dict: Option<&Dictionary>) -> Result<Concept> {
    if let Some(c) = dict.and_then(|d| d.get(raw)) {
        return Ok(c.clone());
    }
    let joined = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let parts: Vec<&str> = joined.split(" OR ").flat_map(|p| p.split('|')).collect();
    let mut variants: Vec<String> = Vec::new();
    for p in parts {
        let w = wording(p);
        if w.is_empty() {
            // `a|` or `OR b`: the separator is literal text after all.
            return single(raw);
        }
        if w.chars().count() > super::parse::MAX_QUERY_CHARS {
            return Err(query_error(
                &w,
                format!("longer than {} characters", super::parse::MAX_QUERY_CHARS),
            ));
        }
        if !variants.contains(&w) {
            variants.push(w);
        }
    }
    if variants.len() > MAX_VARIANTS {
        return Err(query_error(
            raw,
            format!("more than {MAX_VARIANTS} wordings"),
        ));
    }
    match variants.len() {
        0 => Err(query_error(raw, "nothing to compare")),
        1 => single(raw),
        _ => Ok(Concept {
            name: variants.join("|"),
            variants,
        }),
    }
}

/// A search query with each bare word that names a dictionary concept replaced by the concept's
/// wordings, as if they had been typed `A|B|C`.
pub fn apply(query: &mut super::parse::Query, dict: &Dictionary) -> Result<()> {
    use super::parse::Term;
    for clause in &mut query.clauses {
        let mut alternatives: Vec<Term> = Vec::new();
        for t in &clause.alternatives {
            let wordings: Vec<Term> = match t {
                Term::Word(w) => match dict.get(w) {
                    Some(c) => c.variants.iter().cloned().map(Term::Word).collect(),
                    None => vec![t.clone()],
                },
                Term::Phrase(_) => vec![t.clone()],
            };
            for w in wordings {
                if !alternatives.contains(&w) {
                    alternatives.push(w);
                }
            }
        }
        clause.alternatives = alternatives;
    }
    let combinations = query
        .clauses
        .iter()
        .try_fold(1usize, |acc, c| acc.checked_mul(c.alternatives.len()));
    if combinations.is_none_or(|n| n > super::parse::MAX_COMBINATIONS) {
        return Err(query_error(
            &query.raw,
            format!(
                "the dictionary's wordings make more than {} combinations",
                super::parse::MAX_COMBINATIONS
            ),
        ));
    }
    Ok(())
}

fn single(raw: &str) -> Result<Concept> {
    let w = wording(raw);
    if w.is_empty() {
        return Err(query_error(raw, "nothing to compare"));
    }
    if w.chars().count() > super::parse::MAX_QUERY_CHARS {
        return Err(query_error(
            &w,
            format!("longer than {} characters", super::parse::MAX_QUERY_CHARS),
        ));
    }
    Ok(Concept {
        name: w.clone(),
        variants: vec![w],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variants(raw: &str) -> Vec<String> {
        concept(raw, None).unwrap().variants
    }

    #[test]
    fn groups_from_bars_and_or() {
        assert_eq!(variants("新基建|新型基础设施"), ["新基建", "新型基础设施"]);
        assert_eq!(
            variants("新基建 OR 新型基础设施"),
            ["新基建", "新型基础设施"]
        );
        assert_eq!(concept("A OR B|A", None).unwrap().name, "A|B");
        // One wording: quotes dropped, whitespace folded as before.
        let c = concept("\"营商 环境\"", None).unwrap();
        assert_eq!((c.name.as_str(), c.is_group()), ("营商环境", false));
        // A dangling separator is text.
        assert_eq!(variants("A|"), ["A|"]);
        assert!(concept("  ", None).is_err());
        let many = vec!["x"; 100]
            .iter()
            .enumerate()
            .map(|(i, _)| i.to_string())
            .collect::<Vec<_>>()
            .join("|");
        assert!(
            concept(&many, None)
                .unwrap_err()
                .to_string()
                .contains("more than")
        );
    }

    #[test]
    fn dictionaries_in_toml_and_csv() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("terms.toml");
        std::fs::write(
            &toml,
            "# concepts\n\"新基建\" = [\"新基建\", \"新型基础设施\"]\n\"碳达峰\" = { variants = [\"碳达峰\", \"碳排放达峰\"] }\n",
        )
        .unwrap();
        let d = Dictionary::load(&toml).unwrap();
        assert_eq!(d.concepts.len(), 2);
        assert_eq!(
            concept("碳达峰", Some(&d)).unwrap().variants,
            ["碳达峰", "碳排放达峰"]
        );
        let csv = dir.path().join("terms.csv");
        std::fs::write(
            &csv,
            "concept,variant\n人才,招才引智\n人才,人才引进\n人才,引才\n",
        )
        .unwrap();
        let d = Dictionary::load(&csv).unwrap();
        assert_eq!(
            d.get("人才").unwrap().variants,
            ["招才引智", "人才引进", "引才"]
        );
        // Names not in the dictionary are terms as usual.
        assert_eq!(variants("营商环境"), ["营商环境"]);
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "\"新基建\" = 3\n").unwrap();
        let err = Dictionary::load(&bad).unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("新基建"), "{err}");
        std::fs::write(&bad, "[[[").unwrap();
        assert!(
            Dictionary::load(&bad)
                .unwrap_err()
                .to_string()
                .contains("not a valid TOML")
        );
        // Chinese names need quotes in TOML; the message says so.
        std::fs::write(&bad, "新基建 = [\"新基建\"]\n").unwrap();
        let err = Dictionary::load(&bad).unwrap_err().to_string();
        assert!(err.contains("in quotes"), "{err}");
    }
}
