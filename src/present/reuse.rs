//! `plansearch reuse`: how much of each plan repeats other plans, and the spans, as tables,
//! one JSON object or CSV.
//!
//! JSON: `{"documents": [{"file", "region", "chars", "borrowed_chars", "share", "by_source":
//! [{"file", "chars"}], "passages", "own_passages"}], "alignments": [{"file", "line_start",
//! "line_end", "chapter", "section", "text", "source_file", "source_line_start",
//! "source_line_end", "source_chapter", "source_section", "source_text", "similarity", "chars",
//! "shared_by", "common", "diff": [{"op", "text"}]}]}`.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::color::Palette;
use crate::analysis::reuse::{Alignment, Op, Reuse};
use crate::passage::HeadingRef;

/// Which table `--csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvTable {
    /// One row per target plan.
    #[default]
    Documents,
    /// One row per target plan and source it borrows from.
    Sources,
    /// One row per aligned span.
    Alignments,
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// An alignment as JSON.
pub fn alignment_value(a: &Alignment) -> Value {
    json!({
        "file": a.target.file,
        "line_start": a.line_start,
        "line_end": a.line_end,
        "chapter": a.chapter,
        "section": a.section,
        "text": a.text,
        "source_file": a.source.file,
        "source_line_start": a.source_line_start,
        "source_line_end": a.source_line_end,
        "source_chapter": a.source_chapter,
        "source_section": a.source_section,
        "source_text": a.source_text,
        "similarity": round(a.similarity, 3),
        "chars": a.chars,
        "shared_by": a.shared_by,
        "common": a.common,
        "diff": a.diff.iter().map(|(op, t)| json!({"op": op, "text": t})).collect::<Vec<_>>(),
    })
}

/// The result as the one JSON object `reuse --json` writes and the web API returns.
pub fn value(r: &Reuse) -> Value {
    let documents: Vec<Value> = r
        .documents
        .iter()
        .map(|d| {
            json!({
                "file": d.doc.file,
                "region": d.doc.region,
                "chars": d.chars,
                "borrowed_chars": d.borrowed_chars,
                "share": round(d.share, 4),
                "by_source": d.by_source.iter().map(|(s, n)| json!({"file": s.file, "chars": n})).collect::<Vec<_>>(),
                "passages": d.passages,
                "own_passages": d.own_passages,
            })
        })
        .collect();
    json!({
        "documents": documents,
        "alignments": r.alignments.iter().map(alignment_value).collect::<Vec<_>>(),
    })
}

pub fn json(w: &mut dyn Write, r: &Reuse) -> io::Result<()> {
    super::json_line(w, &value(r))
}

pub fn csv(w: &mut dyn Write, r: &Reuse, table: CsvTable) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let no = |h: &Option<HeadingRef>| super::heading_no(h.as_ref());
    let title = |h: &Option<HeadingRef>| super::heading_title(h.as_ref());
    match table {
        CsvTable::Documents => {
            out.write_record([
                "file",
                "region",
                "chars",
                "borrowed_chars",
                "share",
                "passages",
                "own_passages",
            ])?;
            for d in &r.documents {
                out.write_record([
                    d.doc.file.clone(),
                    d.doc.region.clone(),
                    d.chars.to_string(),
                    d.borrowed_chars.to_string(),
                    format!("{:.4}", d.share),
                    d.passages.to_string(),
                    d.own_passages.to_string(),
                ])?;
            }
        }
        CsvTable::Sources => {
            out.write_record(["file", "source_file", "chars"])?;
            for d in &r.documents {
                for (s, n) in &d.by_source {
                    out.write_record([d.doc.file.clone(), s.file.clone(), n.to_string()])?;
                }
            }
        }
        CsvTable::Alignments => {
            out.write_record([
                "file",
                "line_start",
                "line_end",
                "chapter_no",
                "chapter_title",
                "section_no",
                "section_title",
                "text",
                "source_file",
                "source_line_start",
                "source_line_end",
                "source_text",
                "similarity",
                "chars",
                "shared_by",
                "common",
            ])?;
            for a in &r.alignments {
                out.write_record([
                    a.target.file.clone(),
                    a.line_start.to_string(),
                    a.line_end.to_string(),
                    no(&a.chapter),
                    title(&a.chapter),
                    no(&a.section),
                    title(&a.section),
                    a.text.clone(),
                    a.source.file.clone(),
                    a.source_line_start.to_string(),
                    a.source_line_end.to_string(),
                    a.source_text.clone(),
                    format!("{:.3}", a.similarity),
                    a.chars.to_string(),
                    a.shared_by.to_string(),
                    a.common.to_string(),
                ])?;
            }
        }
    }
    out.flush()
}

/// The target span with the source's differences marked: `[-deleted-]` and `{+inserted+}`.
pub fn marked(a: &Alignment, palette: Palette) -> String {
    a.diff
        .iter()
        .map(|(op, t)| (op, super::one_line(t)))
        .filter(|(op, t)| **op == Op::Equal || !t.is_empty())
        .map(|(op, t)| match op {
            Op::Equal => t,
            Op::Delete => palette.dim(&format!("[-{t}-]")),
            Op::Insert => palette.matched(&format!("{{+{t}+}}")),
        })
        .collect()
}

pub fn human(w: &mut dyn Write, r: &Reuse, limit: usize, palette: Palette) -> io::Result<()> {
    let mut t = super::table::new(
        &[
            "region",
            "file",
            "chars",
            "borrowed",
            "share",
            "own passages",
            "borrowed most from",
        ],
        &[false, false, true, true, true, true, false],
    );
    for d in &r.documents {
        let top: Vec<String> = d
            .by_source
            .iter()
            .take(3)
            .map(|(s, n)| format!("{} {n}", s.region))
            .collect();
        t.add_row(vec![
            d.doc.region.clone(),
            d.doc.file.clone(),
            d.chars.to_string(),
            d.borrowed_chars.to_string(),
            format!("{:.1}%", d.share * 100.0),
            format!("{}/{}", d.own_passages, d.passages),
            top.join(" · "),
        ]);
    }
    super::table::write(w, &t)?;
    for d in &r.documents {
        let spans: Vec<&Alignment> = r
            .alignments
            .iter()
            .filter(|a| a.target.id == d.doc.id)
            .collect();
        if spans.is_empty() {
            continue;
        }
        writeln!(w)?;
        writeln!(
            w,
            "{} {}: {} spans{}",
            d.doc.region,
            palette.file(&d.doc.file),
            spans.len(),
            if spans.len() > limit {
                format!(", the {limit} longest (--limit)")
            } else {
                String::new()
            }
        )?;
        let mut longest = spans.clone();
        longest.sort_by(|a, b| b.chars.cmp(&a.chars).then(a.line_start.cmp(&b.line_start)));
        for a in longest.into_iter().take(limit) {
            writeln!(
                w,
                "  {}:{} {}  ←  {} {}:{} {}  {:.0}%  {} chars  shared by {}{}",
                d.doc.file,
                palette.lines(&a.line_start.to_string()),
                palette.dim(&super::place(&a.chapter, &a.section)),
                a.source.region,
                palette.file(&a.source.file),
                palette.lines(&a.source_line_start.to_string()),
                palette.dim(&super::place(&a.source_chapter, &a.source_section)),
                a.similarity * 100.0,
                a.chars,
                a.shared_by,
                if a.common { " (common)" } else { "" }
            )?;
            writeln!(w, "    {}", marked(a, palette))?;
        }
    }
    Ok(())
}
