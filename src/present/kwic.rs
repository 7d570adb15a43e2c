//! `plansearch kwic`: concordance lines aligned on the match, and the words around the term.
//!
//! JSON Lines, one occurrence per line: `{"file", "region", "line", "page_start", "page_end",
//! "chapter", "section",
//! "left", "match", "variant", "right"}`, `line` being the file line where the occurrence starts,
//! `match` the occurrence as written and `variant` the wording of the term it matched.
//! With `--contexts`: `{"side", "word", "count", "documents"}`.

use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::color::Palette;
use crate::passage::HeadingRef;
use crate::query::kwic::{Collocate, KwicLine};

fn pad_left(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

fn pad_right(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// Lines aligned on the match: the left context right-aligned to the widest one, which is at
/// most the requested context width.
pub fn human(
    w: &mut dyn Write,
    lines: &[KwicLine],
    group_by_doc: bool,
    palette: Palette,
) -> io::Result<()> {
    let widest = |f: fn(&KwicLine) -> &str| lines.iter().map(|l| f(l).width()).max().unwrap_or(0);
    let region_width = widest(|l| &l.doc.region);
    let left_width = widest(|l| &l.left);
    let right_width = widest(|l| &l.right);
    let mut current: Option<&str> = None;
    for (i, l) in lines.iter().enumerate() {
        if group_by_doc && current != Some(l.doc.path.as_str()) {
            // Grouped lines stand together.
            let n = lines[i..]
                .iter()
                .take_while(|x| x.doc.path == l.doc.path)
                .count();
            writeln!(
                w,
                "── {}  {}  ({n})",
                l.doc.region,
                palette.file(&l.doc.file)
            )?;
            current = Some(&l.doc.path);
        }
        let region = if group_by_doc {
            String::new()
        } else {
            format!("{} │", pad_right(&l.doc.region, region_width))
        };
        writeln!(
            w,
            "{region}{}│{}│{}│ {}:{}{} {}",
            pad_left(&l.left, left_width),
            palette.matched(&l.matched),
            pad_right(&l.right, right_width),
            palette.file(&l.doc.file),
            palette.lines(&l.line.to_string()),
            super::search::pages_label(l.pages),
            palette.dim(&super::place(&l.chapter, &l.section)),
        )?;
    }
    Ok(())
}

/// A concordance line as JSON: what `kwic --json` writes per line and the web API returns.
#[derive(Serialize)]
pub struct JsonLine<'a> {
    file: &'a str,
    region: &'a str,
    line: u32,
    page_start: Option<u32>,
    page_end: Option<u32>,
    chapter: Option<&'a HeadingRef>,
    section: Option<&'a HeadingRef>,
    left: &'a str,
    #[serde(rename = "match")]
    matched: &'a str,
    variant: &'a str,
    right: &'a str,
}

impl<'a> JsonLine<'a> {
    pub fn new(l: &'a KwicLine) -> Self {
        JsonLine {
            file: &l.doc.file,
            region: &l.doc.region,
            line: l.line,
            page_start: l.pages.map(|p| p.0),
            page_end: l.pages.map(|p| p.1),
            chapter: l.chapter.as_ref(),
            section: l.section.as_ref(),
            left: &l.left,
            matched: &l.matched,
            variant: &l.variant,
            right: &l.right,
        }
    }
}

pub fn json(w: &mut dyn Write, lines: &[KwicLine]) -> io::Result<()> {
    for l in lines {
        super::json_line(w, &JsonLine::new(l))?;
    }
    Ok(())
}

pub fn csv(w: &mut dyn Write, lines: &[KwicLine]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "region",
        "file",
        "line",
        "chapter_no",
        "chapter_title",
        "section_no",
        "section_title",
        "left",
        "match",
        "right",
        "variant",
    ])?;
    let (no, title) = (super::heading_no, super::heading_title);
    for l in lines {
        out.write_record([
            l.doc.region.as_str(),
            &l.doc.file,
            &l.line.to_string(),
            &no(l.chapter.as_ref()),
            &title(l.chapter.as_ref()),
            &no(l.section.as_ref()),
            &title(l.section.as_ref()),
            &l.left,
            &l.matched,
            &l.right,
            &l.variant,
        ])?;
    }
    out.flush()
}

/// The words before and after the term, with how often and where.
pub fn contexts_human(w: &mut dyn Write, term: &str, found: &[Collocate]) -> io::Result<()> {
    let mut t = super::table::new(
        &["side", "word", "phrase", "count", "documents"],
        &[false, false, false, true, false],
    );
    for c in found {
        let (side, phrase) = match c.side {
            crate::query::kwic::Side::Before => ("before", format!("{}{term}", c.word)),
            crate::query::kwic::Side::After => ("after", format!("{term}{}", c.word)),
        };
        t.add_row(vec![
            side.to_string(),
            c.word.clone(),
            phrase,
            c.count.to_string(),
            c.documents.join(", "),
        ]);
    }
    super::table::write(w, &t)
}

pub fn contexts_json(w: &mut dyn Write, found: &[Collocate]) -> io::Result<()> {
    found.iter().try_for_each(|c| super::json_line(w, c))
}

pub fn contexts_csv(w: &mut dyn Write, found: &[Collocate]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["side", "word", "count", "documents"])?;
    for c in found {
        let side = match c.side {
            crate::query::kwic::Side::Before => "before",
            crate::query::kwic::Side::After => "after",
        };
        out.write_record([side, &c.word, &c.count.to_string(), &c.documents.join(";")])?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_counts_chinese_characters_as_two_columns() {
        assert_eq!(pad_left("优化", 6), "  优化");
        assert_eq!(pad_left("ab", 6), "    ab");
        assert_eq!(pad_right("营商", 5), "营商 ");
        assert_eq!(pad_left("优化营商环境", 4), "优化营商环境");
    }
}
