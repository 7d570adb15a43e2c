//! `plansearch search`: hits as ranked text for people or JSON Lines for scripts.
//!
//! JSON Lines, one hit per line:
//! `{"rank", "score", "match", "file", "region", "title", "chapter": {"no", "title", "label"} | null,
//!   "section": {…} | null, "path", "kind", "line_start", "line_end", "page_start", "page_end", "text",
//!   "highlights": [[start, end], …],
//!   "expanded_from": {"term", "via", "matched"} | null, "explain"?: {…}}`
//! with `highlights` as character offsets into `text`. [`JsonHit`] is the one JSON form of a hit:
//! compare's side-by-side passages use it too.

use std::io::{self, Write};

use serde::Serialize;

use super::color::Palette;
use crate::passage::{HeadingRef, Kind};
use crate::query::search::{ExpandedFrom, Explain};
use crate::query::{Hit, MatchKind, SearchResults};

/// A hit as JSON.
#[derive(Serialize)]
pub struct JsonHit<'a> {
    rank: usize,
    score: f64,
    #[serde(rename = "match")]
    matched: MatchKind,
    file: &'a str,
    region: &'a str,
    title: Option<&'a str>,
    chapter: Option<&'a HeadingRef>,
    section: Option<&'a HeadingRef>,
    path: &'a [String],
    kind: Kind,
    line_start: u32,
    line_end: u32,
    page_start: Option<u32>,
    page_end: Option<u32>,
    text: &'a str,
    highlights: Vec<[usize; 2]>,
    expanded_from: Option<&'a ExpandedFrom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<JsonExplain<'a>>,
}

/// Why a hit ranks where it does, scores rounded.
#[derive(Serialize)]
struct JsonExplain<'a> {
    tier: MatchKind,
    genre: crate::passage::Genre,
    focused: bool,
    standing: u8,
    framing: bool,
    action: f64,
    under_heading: Option<&'a str>,
    exact: f64,
    bm25: f64,
    heading: f64,
    closeness: f64,
    related: f64,
}

/// A score rounded to three decimals, as a JSON number that reads the same whether it is
/// written directly or through a JSON value (an `f32` widens to `12.890999…`).
fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

impl<'a> JsonHit<'a> {
    /// The JSON form of a hit; `explain` adds why it ranks where it does.
    pub fn new(h: &'a Hit, explain: bool) -> Self {
        let e: &'a Explain = &h.explain;
        JsonHit {
            rank: h.rank,
            score: round3(h.score),
            matched: h.kind,
            file: &h.doc.file,
            region: &h.doc.region,
            title: h.doc.title.as_deref(),
            chapter: h.passage.chapter.as_ref(),
            section: h.passage.section.as_ref(),
            path: &h.passage.path,
            kind: h.passage.kind,
            line_start: h.passage.line_start,
            line_end: h.passage.line_end,
            page_start: h.passage.pages.map(|p| p.0),
            page_end: h.passage.pages.map(|p| p.1),
            text: &h.passage.text,
            highlights: h.highlights.iter().map(|&(s, e)| [s, e]).collect(),
            expanded_from: h.expanded_from.as_ref(),
            explain: explain.then(|| JsonExplain {
                tier: e.tier,
                genre: e.genre,
                focused: e.focused,
                standing: e.standing,
                framing: e.framing,
                action: round3(e.action),
                under_heading: e.under_heading.as_deref(),
                exact: round3(e.exact),
                bm25: round3(e.bm25),
                heading: round3(e.heading),
                closeness: round3(e.closeness),
                related: round3(e.related),
            }),
        }
    }
}

/// The columns of `search --csv`.
pub const CSV_HEADER: [&str; 17] = [
    "rank",
    "score",
    "match",
    "region",
    "file",
    "line_start",
    "line_end",
    "page_start",
    "page_end",
    "chapter_no",
    "chapter_title",
    "section_no",
    "section_title",
    "path",
    "kind",
    "expanded_from",
    "text",
];

/// Hits as CSV with a header line: `path` joined with ` › `, `expanded_from` the wordings the
/// hit matched instead of the query (empty for the query's own).
pub fn csv(w: &mut dyn Write, hits: &[Hit]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER)?;
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    for h in hits {
        let p = &h.passage;
        out.write_record([
            h.rank.to_string(),
            format!("{:.3}", h.score),
            h.kind.as_str().to_string(),
            h.doc.region.clone(),
            h.doc.file.clone(),
            p.line_start.to_string(),
            p.line_end.to_string(),
            num(p.pages.map(|x| x.0)),
            num(p.pages.map(|x| x.1)),
            num(p.chapter.as_ref().and_then(|c| c.no)),
            p.chapter
                .as_ref()
                .and_then(|c| c.title.clone())
                .unwrap_or_default(),
            num(p.section.as_ref().and_then(|c| c.no)),
            p.section
                .as_ref()
                .and_then(|c| c.title.clone())
                .unwrap_or_default(),
            p.path.join(" › "),
            p.kind.as_str().to_string(),
            h.expanded_from
                .as_ref()
                .map(|e| e.matched.join(";"))
                .unwrap_or_default(),
            p.text.clone(),
        ])?;
    }
    out.flush()
}

/// A passage as the reader shows it, without a query: where it is and what it says.
#[derive(Serialize)]
pub struct JsonPassage<'a> {
    pub kind: Kind,
    pub chapter: Option<&'a HeadingRef>,
    pub section: Option<&'a HeadingRef>,
    pub path: &'a [String],
    pub line_start: u32,
    pub line_end: u32,
    pub page_start: Option<u32>,
    pub page_end: Option<u32>,
    pub text: &'a str,
}

impl<'a> JsonPassage<'a> {
    pub fn new(p: &'a crate::passage::Passage) -> Self {
        JsonPassage {
            kind: p.kind,
            chapter: p.chapter.as_ref(),
            section: p.section.as_ref(),
            path: &p.path,
            line_start: p.line_start,
            line_end: p.line_end,
            page_start: p.pages.map(|x| x.0),
            page_end: p.pages.map(|x| x.1),
            text: &p.text,
        }
    }
}

pub fn json(w: &mut dyn Write, results: &SearchResults, explain: bool) -> io::Result<()> {
    for h in &results.hits {
        super::json_line(w, &JsonHit::new(h, explain))?;
    }
    Ok(())
}

/// Where a hit sits: `第十一章 … › 一、… › （一）…`.
fn location(h: &Hit) -> String {
    let p = &h.passage;
    p.chapter
        .iter()
        .chain(p.section.iter())
        .map(HeadingRef::display)
        .chain(p.path.iter().cloned())
        .collect::<Vec<_>>()
        .join(" › ")
}

pub fn human(
    w: &mut dyn Write,
    results: &SearchResults,
    palette: Palette,
    explain: bool,
) -> io::Result<()> {
    for h in &results.hits {
        write_hit(w, &format!("{:>2}  ", h.rank), "    ", h, palette)?;
        if explain {
            writeln!(w, "    {}", palette.dim(&why(h)))?;
        }
    }
    Ok(())
}

/// The match tier as the text output labels it, with what an expansion matched:
/// `[variant 碳排放达峰 ← 碳达峰]`, `[section: under 第一节 持续优化营商环境]`.
pub fn tier_label(h: &Hit) -> String {
    match &h.expanded_from {
        None => format!("[{}]", h.kind.as_str()),
        Some(e) => match h.kind {
            MatchKind::Section => format!("[section: under {}]", e.matched.join(" / ")),
            MatchKind::Related => format!("[related wording: {}]", e.matched.join(", ")),
            _ => format!(
                "[{} {} ← {}, {}]",
                h.kind.as_str(),
                e.matched.join(", "),
                e.term,
                e.via.as_str()
            ),
        },
    }
}

/// What a standing means (see `query::search::standing`).
fn standing_text(s: u8) -> &'static str {
    match s {
        1 => "the query, in a passage about it",
        2 => "other wording, in a passage about it",
        3 => "under a section heading that says the query or a variant of it",
        4 => "mentioned in passing, or matched loosely",
        8 => "table, list or back matter",
        9 => "a heading: its section's passages come first",
        _ => "by tier",
    }
}

/// One line saying why a hit stands where it does.
fn why(h: &Hit) -> String {
    let e = &h.explain;
    let mut parts = vec![
        format!("{} tier", e.tier.as_str()),
        e.genre.as_str().replace('_', " "),
    ];
    if matches!(e.tier, MatchKind::Exact | MatchKind::Variant) {
        parts.push(if e.focused {
            "about it".to_string()
        } else {
            "mentioned in passing".to_string()
        });
    }
    parts.push(format!(
        "standing {}: {}",
        e.standing,
        standing_text(e.standing)
    ));
    if e.framing {
        parts.push("in the plan's framing (review, guiding ideas, targets)".to_string());
    }
    parts.push(format!("policy action {:.0}%", e.action * 100.0));
    let mut score = vec![
        format!("exact {:.2}", e.exact),
        format!("bm25 {:.2}", e.bm25),
    ];
    if e.heading > 0.0 {
        score.push(format!("heading {:.2}", e.heading));
    }
    if e.closeness > 0.0 {
        score.push(format!("closeness {:.2}", e.closeness));
    }
    parts.push(format!("score {:.2} = {}", h.score, score.join(" + ")));
    if e.standing <= 4 && e.related > 0.0 {
        parts.push(format!(
            "closeness to the passages about the query {:.2}",
            e.related
        ));
    }
    if let Some(under) = &e.under_heading {
        parts.push(format!("under “{under}”"));
    }
    format!("why: {}", parts.join(" · "))
}

/// One hit on two lines: `lead`, region, `file:lines`, location and match tier; then, after
/// `indent`, the passage trimmed around its matches.
pub fn write_hit(
    w: &mut dyn Write,
    lead: &str,
    indent: &str,
    h: &Hit,
    palette: Palette,
) -> io::Result<()> {
    let p = &h.passage;
    let lines = if p.line_start == p.line_end {
        p.line_start.to_string()
    } else {
        format!("{}-{}", p.line_start, p.line_end)
    };
    let loc = location(h);
    writeln!(
        w,
        "{lead}{}  {}:{}{}  {}{}",
        h.doc.region,
        palette.file(&h.doc.file),
        palette.lines(&lines),
        pages_label(p.pages),
        if loc.is_empty() {
            String::new()
        } else {
            format!("{loc}  ")
        },
        palette.dim(&tier_label(h)),
    )?;
    writeln!(w, "{indent}{}", snippet(&p.text, &h.highlights, palette))
}

/// ` p.12` or ` p.12–13` for a passage from a paged format; empty otherwise.
pub fn pages_label(pages: Option<(u32, u32)>) -> String {
    match pages {
        Some((a, b)) if a == b => format!(" p.{a}"),
        Some((a, b)) => format!(" p.{a}–{b}"),
        None => String::new(),
    }
}

const SNIPPET: usize = 160;
const BEFORE: usize = 50;

/// The passage text trimmed around its first match, matches painted, on one line.
fn snippet(text: &str, highlights: &[(usize, usize)], palette: Palette) -> String {
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = if chars.len() <= SNIPPET {
        (0, chars.len())
    } else {
        let first = highlights.first().map_or(0, |h| h.0);
        let start = first.saturating_sub(BEFORE).min(chars.len() - SNIPPET);
        (start, start + SNIPPET)
    };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut i = start;
    for &(s, e) in highlights {
        let (s, e) = (s.max(start), e.min(end));
        if s >= e || s < i {
            continue;
        }
        out.push_str(&one_line(&chars[i..s]));
        out.push_str(&palette.matched(&one_line(&chars[s..e])));
        i = e;
    }
    out.push_str(&one_line(&chars[i..end]));
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Table rows and cells flattened onto one line.
fn one_line(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| match c {
            '\n' => " ⏎ ".to_string(),
            '\t' => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_whole_long_text_trimmed_around_the_match() {
        let p = Palette { enabled: true };
        assert_eq!(
            snippet("优化营商环境", &[(2, 6)], p),
            "优化\x1b[1;31m营商环境\x1b[0m"
        );
        let long = "甲".repeat(100) + "营商环境" + &"乙".repeat(200);
        let s = snippet(&long, &[(100, 104)], Palette::plain());
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert_eq!(s.chars().count(), SNIPPET + 2);
        assert!(s.contains("营商环境"));
        assert_eq!(
            snippet("表头\t值\n行", &[], Palette::plain()),
            "表头 值 ⏎ 行"
        );
    }
}
