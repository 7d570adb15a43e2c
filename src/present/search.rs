//! `plansearch search`: hits as ranked text for people or JSON Lines for scripts.
//!
//! JSON Lines, one hit per line:
//! `{"rank", "score", "match", "file", "region", "title", "chapter": {"no", "title", "label"} | null,
//!   "section": {…} | null, "path", "kind", "line_start", "line_end", "text", "highlights": [[start, end], …]}`
//! with `highlights` as character offsets into `text`.

use std::io::{self, Write};

use serde::Serialize;

use super::color::Palette;
use crate::passage::{HeadingRef, Kind};
use crate::query::{Hit, MatchKind, SearchResults};

#[derive(Serialize)]
struct JsonHit<'a> {
    rank: usize,
    score: f32,
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
    text: &'a str,
    highlights: Vec<[usize; 2]>,
}

pub fn json(w: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    for h in &results.hits {
        let j = JsonHit {
            rank: h.rank,
            score: (h.score * 1000.0).round() / 1000.0,
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
            text: &h.passage.text,
            highlights: h.highlights.iter().map(|&(s, e)| [s, e]).collect(),
        };
        super::json_line(w, &j)?;
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

pub fn human(w: &mut dyn Write, results: &SearchResults, palette: Palette) -> io::Result<()> {
    for h in &results.hits {
        write_hit(w, &format!("{:>2}  ", h.rank), "    ", h, palette)?;
    }
    Ok(())
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
        "{lead}{}  {}:{}  {}{}",
        h.doc.region,
        palette.file(&h.doc.file),
        palette.lines(&lines),
        if loc.is_empty() {
            String::new()
        } else {
            format!("{loc}  ")
        },
        palette.dim(&format!("[{}]", h.kind.as_str())),
    )?;
    writeln!(w, "{indent}{}", snippet(&p.text, &h.highlights, palette))
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
