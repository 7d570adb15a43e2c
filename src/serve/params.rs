//! What a request asks for, read from its URL: the same options the commands take, each number
//! bounded and each value checked, so that a link reproduces a view and a bad one is a 400 with
//! a message, never a panic or an unbounded amount of work.

use crate::query::compare::SortKey;
use crate::query::kwic::KwicSort;
use crate::query::{Filters, parse::MAX_QUERY_CHARS};

use super::WebError;

/// The parameters of a URL's query string, in order; a name may repeat (`q=a&q=b`).
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Params {
        let raw = raw.unwrap_or_default();
        Params(
            form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A whole number in `min..=max`, or `default` when absent.
    pub fn number(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, WebError> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        match v.trim().parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(WebError::bad(
                "bad_parameter",
                format!("{name}={v}: expected a whole number from {min} to {max}"),
            )),
        }
    }

    /// A switch: `1`, `true`, `on`, `yes` turn it on, `0`, `false`, `off`, `no` off.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, WebError> {
        match self.get(name) {
            None => Ok(default),
            Some("1" | "true" | "on" | "yes") => Ok(true),
            Some("0" | "false" | "off" | "no") => Ok(false),
            Some(v) => Err(WebError::bad(
                "bad_parameter",
                format!("{name}={v}: expected 1 or 0"),
            )),
        }
    }

    /// A value from a fixed list.
    pub fn choice<'a>(
        &self,
        name: &str,
        default: &'a str,
        allowed: &[&'a str],
    ) -> Result<&'a str, WebError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => allowed.iter().find(|a| **a == v).copied().ok_or_else(|| {
                WebError::bad(
                    "bad_parameter",
                    format!("{name}={v}: expected one of {}", allowed.join(", ")),
                )
            }),
        }
    }

    /// The document filters: `region`, `file` (repeatable) and `chapter`.
    pub fn filters(&self) -> Result<Filters, WebError> {
        let chapter = match self.get("chapter") {
            None => None,
            Some(_) => Some(self.number("chapter", 0, 1, 1000)? as u32),
        };
        let text = |name: &str| -> Result<Vec<String>, WebError> {
            let values = self.all(name);
            if values.len() > MAX_VALUES {
                return Err(WebError::bad(
                    "bad_parameter",
                    format!("{name}: at most {MAX_VALUES} values"),
                ));
            }
            Ok(values.iter().map(|v| v.trim().to_string()).collect())
        };
        Ok(Filters {
            regions: text("region")?,
            files: text("file")?,
            chapter,
        })
    }

    /// A query or term: present, and not longer than a query may be.
    pub fn text(&self, name: &str) -> Result<Option<String>, WebError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.chars().count() > MAX_QUERY_CHARS => Err(WebError::bad(
                "bad_query",
                format!("{name}: longer than {MAX_QUERY_CHARS} characters"),
            )),
            Some(v) => Ok(Some(v.trim().to_string())),
        }
    }

    /// The query string of these parameters with `changes` applied (a value of `None` drops the
    /// name): for links to other states of the same view.
    pub fn with(&self, changes: &[(&str, Option<&str>)]) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            if !changes.iter().any(|(c, _)| c == k) && !v.is_empty() {
                out.append_pair(k, v);
            }
        }
        for (k, v) in changes {
            if let Some(v) = v {
                out.append_pair(k, v);
            }
        }
        out.finish()
    }
}

/// The most values a repeatable parameter takes.
pub const MAX_VALUES: usize = 16;
/// The most terms compared at once on the web.
pub const MAX_TERMS: usize = 8;
/// The deepest a page of results reaches.
pub const MAX_OFFSET: usize = 1000;
pub const MAX_LIMIT: usize = 100;

/// A search.
#[derive(Debug, Clone)]
pub struct SearchReq {
    pub q: Option<String>,
    pub filters: Filters,
    pub limit: usize,
    pub offset: usize,
    pub expand: bool,
}

impl SearchReq {
    pub fn from(p: &Params) -> Result<SearchReq, WebError> {
        Ok(SearchReq {
            q: p.text("q")?,
            filters: p.filters()?,
            limit: p.number("limit", 20, 1, MAX_LIMIT)?,
            offset: p.number("offset", 0, 0, MAX_OFFSET)?,
            expand: p.flag("expand", true)?,
        })
    }
}

/// A comparison.
#[derive(Debug, Clone)]
pub struct CompareReq {
    pub terms: Vec<String>,
    pub filters: Filters,
    pub sort: SortKey,
    /// Best passages per plan; unset, the comparison's own default (side by side up to
    /// [`crate::query::compare::SIDE_BY_SIDE_DOCUMENTS`] plans), as on the command line.
    pub per: Option<usize>,
}

impl CompareReq {
    pub fn from(p: &Params) -> Result<CompareReq, WebError> {
        let terms: Vec<String> = p.all("q").iter().map(|t| t.trim().to_string()).collect();
        if terms.len() > MAX_TERMS {
            return Err(WebError::bad(
                "bad_parameter",
                format!(
                    "{} terms; at most {MAX_TERMS} are compared at once",
                    terms.len()
                ),
            ));
        }
        if let Some(t) = terms.iter().find(|t| t.chars().count() > MAX_QUERY_CHARS) {
            return Err(WebError::bad(
                "bad_query",
                format!(
                    "{}…: longer than {MAX_QUERY_CHARS} characters",
                    t.chars().take(20).collect::<String>()
                ),
            ));
        }
        let sort = match p.choice(
            "sort",
            "rate",
            &["rate", "count", "passages", "chars", "region", "file"],
        )? {
            "count" => SortKey::Count,
            "passages" => SortKey::Passages,
            "chars" => SortKey::Chars,
            "region" => SortKey::Region,
            "file" => SortKey::File,
            _ => SortKey::Rate,
        };
        Ok(CompareReq {
            terms,
            filters: p.filters()?,
            sort,
            per: match p.get("per") {
                Some(_) => Some(p.number("per", 1, 0, 5)?),
                None => None,
            },
        })
    }
}

/// A concordance.
#[derive(Debug, Clone)]
pub struct KwicReq {
    pub q: Option<String>,
    pub filters: Filters,
    pub width: usize,
    pub sort: KwicSort,
    pub sort_name: &'static str,
    pub group: bool,
    pub contexts: bool,
    pub top: usize,
    pub limit: usize,
    pub offset: usize,
}

impl KwicReq {
    pub fn from(p: &Params) -> Result<KwicReq, WebError> {
        let sort_name = p.choice("sort", "position", &["position", "doc", "left", "right"])?;
        let sort = match sort_name {
            "doc" => KwicSort::Doc,
            "left" => KwicSort::Left,
            "right" => KwicSort::Right,
            _ => KwicSort::Position,
        };
        Ok(KwicReq {
            q: p.text("q")?,
            filters: p.filters()?,
            width: p.number("width", 30, 4, 120)?,
            sort,
            sort_name,
            group: p.choice("group", "none", &["none", "doc"])? == "doc",
            contexts: p.choice("view", "lines", &["lines", "contexts"])? == "contexts",
            top: p.number("top", 15, 1, 100)?,
            limit: p.number("limit", 200, 1, 5000)?,
            offset: p.number("offset", 0, 0, 100_000)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_bounded_and_bad_values_named() {
        let p = Params::parse(Some("q=%E8%90%A5%E5%95%86&limit=500&offset=x&q=%E6%94%BE"));
        assert_eq!(p.all("q"), ["营商", "放"]);
        let e = p.number("limit", 20, 1, 100).unwrap_err();
        assert!(e.message.contains("limit=500"), "{}", e.message);
        assert!(p.number("offset", 0, 0, 10).is_err());
        assert_eq!(p.number("width", 30, 4, 100).unwrap(), 30);
        assert!(SearchReq::from(&p).is_err());
        let long = format!("q={}", "营".repeat(2000));
        assert!(SearchReq::from(&Params::parse(Some(&long))).is_err());
    }

    #[test]
    fn links_keep_the_state_and_change_one_thing() {
        let p = Params::parse(Some("q=营商环境&region=武汉&offset=20"));
        let next = p.with(&[("offset", Some("40"))]);
        assert!(
            next.contains("offset=40") && next.contains("region=") && !next.contains("offset=20")
        );
        assert!(!p.with(&[("region", None)]).contains("region"));
    }
}
