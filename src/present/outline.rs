//! `plansearch outline`: a plan's tree as indented text or one JSON object.

use std::io::{self, Write};

use crate::structure::Outline;

/// The JSON form: `{"file", "region", "title", "chapters": [{"no", "title", "line", "sections": [...]}]}`.
pub fn json(w: &mut dyn Write, outline: &Outline) -> io::Result<()> {
    super::json_line(w, outline)
}

/// The human form: one line per chapter and section, with its 1-based line number.
pub fn human(w: &mut dyn Write, outline: &Outline) -> io::Result<()> {
    writeln!(
        w,
        "{}  {}  {}",
        outline.file,
        outline.region,
        outline.title.as_deref().unwrap_or("(no title)")
    )?;
    let width = outline
        .chapters
        .iter()
        .flat_map(|c| std::iter::once(c.line).chain(c.sections.iter().map(|s| s.line)))
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    for c in &outline.chapters {
        writeln!(
            w,
            "{:>width$}  {}",
            c.line,
            heading_line(&c.label, c.title.as_deref(), c.inferred)
        )?;
        for s in &c.sections {
            writeln!(
                w,
                "{:>width$}    {}",
                s.line,
                heading_line(&s.label, s.title.as_deref(), s.inferred)
            )?;
        }
    }
    Ok(())
}

fn heading_line(label: &str, title: Option<&str>, inferred: bool) -> String {
    let mut s = crate::structure::join_label(label, title);
    if inferred {
        s.push_str(if title.is_none() {
            "  [inferred; heading lost, title unknown]"
        } else {
            "  [inferred]"
        });
    }
    s
}

/// The text lines a reader made of a file, numbered as passages' lines are, with the pages each
/// came from for a paged format: `12  p.3–4  text`.
pub fn lines(w: &mut dyn Write, src: &crate::read::SourceText) -> io::Result<()> {
    let width = src.lines.len().to_string().len();
    for (i, l) in src.lines.iter().enumerate() {
        let page = match src.pages.as_ref().and_then(|p| p.get(i)) {
            Some(&(a, b)) if a == b => format!("p.{a}  "),
            Some(&(a, b)) => format!("p.{a}–{b}  "),
            None => String::new(),
        };
        let level = match src.levels.get(i).copied().flatten() {
            Some(l) => format!("[h{}] ", l + 1),
            None => String::new(),
        };
        writeln!(w, "{:>width$}  {page}{level}{l}", i + 1)?;
    }
    Ok(())
}
