//! `plansearch targets`: the indicator × plan matrix, the rows, the unreadable tables and the
//! numeric targets of the text, as tables, one JSON object or CSV.
//!
//! JSON: `{"documents": [{"file", "region"}], "rows": [{"file", "region", "line", "line_end",
//! "chapter", "section", "path", "category", "category_inferred", "no", "name", "unit", "base",
//! "target", "growth", "attribute", "key", "canonical", "base_year", "target_year",
//! "base_value", "target_value", "target_upper", "comparator", "cumulative", "footnote",
//! "target_text"}], "unreadable": [{"file", "region", "line_start", "line_end", "reason",
//! "chapter", "section"}], "text_targets": [{"file", "region", "line", "chapter", "section",
//! "text", "measure", "value", "unit", "comparator", "year", "strength"}], "matrix": [{"key",
//! "canonical", "cells": [{"file", "line", "target", "base", "growth", "shown", "target_value",
//! "base_value"} |
//! null]}], "strength": [{"file", "region", "确保", "力争", "努力", "推动", "探索", "none"}]}`.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::analysis::targets::{Row, Strength, Targets};
use crate::passage::HeadingRef;

/// Which table `--csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvTable {
    /// One row per indicator row of a plan's table.
    #[default]
    Rows,
    /// One row per indicator, one column per plan.
    Matrix,
    /// One row per table that could not be read.
    Unreadable,
    /// One row per numeric target in the text.
    Text,
    /// One row per plan: its text targets by strength.
    Strength,
}

/// The columns of `--csv --table rows`.
pub const ROW_HEADER: [&str; 23] = [
    "file",
    "region",
    "line",
    "chapter_no",
    "chapter_title",
    "section_no",
    "section_title",
    "category",
    "no",
    "name",
    "unit",
    "base",
    "target",
    "growth",
    "attribute",
    "key",
    "canonical",
    "base_year",
    "target_year",
    "base_value",
    "target_value",
    "comparator",
    "cumulative",
];

fn row_value(r: &Row) -> Value {
    let t = &r.target_value;
    json!({
        "file": r.doc.file,
        "region": r.doc.region,
        "line": r.row.line,
        "line_end": r.row.last_line,
        "chapter": r.place.chapter,
        "section": r.place.section,
        "path": r.place.path,
        "category": r.row.category,
        "category_inferred": r.row.category_inferred,
        "no": r.row.no,
        "name": r.row.name,
        "unit": r.row.unit,
        "base": r.row.base,
        "target": r.row.target,
        "growth": r.row.growth,
        "attribute": r.row.attribute,
        "key": r.key,
        "canonical": r.canonical,
        "base_year": r.base_year,
        "target_year": r.target_year,
        "base_value": r.base_value.value,
        "target_value": t.value,
        "target_upper": t.upper,
        "comparator": t.comparator,
        "cumulative": t.cumulative,
        "footnote": t.footnote,
        "target_text": t.text,
    })
}

/// Text targets per strength class, with `none` for those without a commitment verb.
fn strength_value(t: &Targets) -> Vec<Value> {
    t.docs
        .iter()
        .zip(t.strengths())
        .map(|(d, counts)| {
            let mut o = serde_json::Map::new();
            o.insert("file".into(), json!(d.file));
            o.insert("region".into(), json!(d.region));
            for s in Strength::ALL {
                o.insert(
                    s.label().into(),
                    json!(counts.get(&Some(s)).copied().unwrap_or(0)),
                );
            }
            o.insert(
                "none".into(),
                json!(counts.get(&None).copied().unwrap_or(0)),
            );
            Value::Object(o)
        })
        .collect()
}

/// The one object `--json` writes and `/api/targets` returns.
pub fn value(t: &Targets) -> Value {
    json!({
        "documents": t.docs.iter().map(|d| json!({"file": d.file, "region": d.region})).collect::<Vec<_>>(),
        "rows": t.rows.iter().map(row_value).collect::<Vec<_>>(),
        "unreadable": t.unreadable.iter().map(|u| json!({
            "file": u.doc.file,
            "region": u.doc.region,
            "line_start": u.line_start,
            "line_end": u.line_end,
            "reason": u.reason,
            "chapter": u.place.chapter,
            "section": u.place.section,
        })).collect::<Vec<_>>(),
        "text_targets": t.text_targets.iter().map(|x| json!({
            "file": x.doc.file,
            "region": x.doc.region,
            "line": x.line,
            "chapter": x.place.chapter,
            "section": x.place.section,
            "text": x.text,
            "measure": x.target.measure,
            "value": x.target.value,
            "unit": x.target.unit,
            "comparator": x.target.comparator,
            "year": x.target.year,
            "strength": x.target.strength,
        })).collect::<Vec<_>>(),
        "matrix": t.matrix.iter().map(|m| json!({
            "key": m.key,
            "canonical": m.canonical,
            "cells": m.cells.iter().map(|c| c.map(|k| {
                let r = &t.rows[k];
                json!({
                    "file": r.doc.file,
                    "line": r.row.line,
                    "target": r.row.target,
                    "base": r.row.base,
                    "growth": r.row.growth,
                    "shown": shown(r),
                    "target_value": r.target_value.value,
                    "base_value": r.base_value.value,
                })
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "strength": strength_value(t),
    })
}

pub fn json(w: &mut dyn Write, t: &Targets) -> io::Result<()> {
    super::json_line(w, &value(t))
}

fn num(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn opt(x: &Option<String>) -> String {
    x.clone().unwrap_or_default()
}

pub fn csv(w: &mut dyn Write, t: &Targets, table: CsvTable) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let no = |h: &Option<HeadingRef>| super::heading_no(h.as_ref());
    let title = |h: &Option<HeadingRef>| super::heading_title(h.as_ref());
    match table {
        CsvTable::Rows => {
            out.write_record(ROW_HEADER)?;
            for r in &t.rows {
                let comparator = r
                    .target_value
                    .comparator
                    .and_then(|c| serde_json::to_value(c).ok())
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                out.write_record([
                    r.doc.file.clone(),
                    r.doc.region.clone(),
                    r.row.line.to_string(),
                    no(&r.place.chapter),
                    title(&r.place.chapter),
                    no(&r.place.section),
                    title(&r.place.section),
                    opt(&r.row.category),
                    opt(&r.row.no),
                    r.row.name.clone(),
                    opt(&r.row.unit),
                    opt(&r.row.base),
                    opt(&r.row.target),
                    opt(&r.row.growth),
                    opt(&r.row.attribute),
                    r.key.clone(),
                    r.canonical.clone(),
                    r.base_year.map(|y| y.to_string()).unwrap_or_default(),
                    r.target_year.map(|y| y.to_string()).unwrap_or_default(),
                    num(r.base_value.value),
                    num(r.target_value.value),
                    comparator,
                    r.target_value.cumulative.to_string(),
                ])?;
            }
        }
        CsvTable::Matrix => {
            let mut header = vec!["key".to_string(), "indicator".to_string()];
            header.extend(t.docs.iter().map(|d| d.file.clone()));
            out.write_record(&header)?;
            for m in &t.matrix {
                let mut rec = vec![m.key.clone(), m.canonical.clone()];
                rec.extend(
                    m.cells
                        .iter()
                        .map(|c| c.map(|k| shown(&t.rows[k])).unwrap_or_default()),
                );
                out.write_record(&rec)?;
            }
        }
        CsvTable::Unreadable => {
            out.write_record(["file", "region", "line_start", "line_end", "reason"])?;
            for u in &t.unreadable {
                out.write_record([
                    u.doc.file.clone(),
                    u.doc.region.clone(),
                    u.line_start.to_string(),
                    u.line_end.to_string(),
                    u.reason.to_string(),
                ])?;
            }
        }
        CsvTable::Text => {
            out.write_record([
                "file", "region", "line", "measure", "value", "unit", "year", "strength", "text",
            ])?;
            for x in &t.text_targets {
                out.write_record([
                    x.doc.file.clone(),
                    x.doc.region.clone(),
                    x.line.to_string(),
                    x.target.measure.clone(),
                    x.target.value.to_string(),
                    opt(&x.target.unit),
                    x.target.year.to_string(),
                    x.target
                        .strength
                        .map(|s| s.label().to_string())
                        .unwrap_or_default(),
                    x.text.clone(),
                ])?;
            }
        }
        CsvTable::Strength => {
            let mut header = vec!["file", "region"];
            header.extend(Strength::ALL.iter().map(|s| s.label()));
            header.push("none");
            out.write_record(&header)?;
            for (d, counts) in t.docs.iter().zip(t.strengths()) {
                let mut rec = vec![d.file.clone(), d.region.clone()];
                rec.extend(
                    Strength::ALL
                        .iter()
                        .map(|s| counts.get(&Some(*s)).copied().unwrap_or(0).to_string()),
                );
                rec.push(counts.get(&None).copied().unwrap_or(0).to_string());
                out.write_record(&rec)?;
            }
        }
    }
    out.flush()
}

/// What the matrix shows of a row: its target as written or, where the target column has no
/// figure (growth indicators), its growth cell marked `†`: `8左右†`, `[2.2]†`.
pub fn shown(r: &Row) -> String {
    let none = |c: &Option<String>| {
        c.as_deref()
            .is_none_or(|c| crate::analysis::targets::value::parse(c).none)
    };
    match (&r.row.target, &r.row.growth) {
        (t, _) if !none(t) => t.clone().unwrap_or_default(),
        (_, Some(g)) if !none(&Some(g.clone())) => format!("{g}†"),
        (t, _) => t.clone().unwrap_or_default(),
    }
}

/// A cell as the matrix shows it: the target as written, short.
fn short(s: &str) -> String {
    let s = super::one_line(s);
    if s.chars().count() > 10 {
        format!("{}…", s.chars().take(9).collect::<String>())
    } else {
        s
    }
}

/// What the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The matrix and the unreadable tables.
    Matrix,
    /// Every row with its location.
    Rows,
    /// The numeric targets of the text and their strength per plan.
    Text,
}

pub fn human(w: &mut dyn Write, t: &Targets, view: View) -> io::Result<()> {
    match view {
        View::Matrix => {
            let mut header: Vec<&str> = vec!["indicator"];
            header.extend(t.docs.iter().map(|d| d.region.as_str()));
            let right: Vec<bool> = header.iter().map(|_| false).collect();
            let mut table = super::table::new(&header, &right);
            for m in &t.matrix {
                let mut rec = vec![m.canonical.clone()];
                rec.extend(m.cells.iter().map(|c| match c {
                    Some(k) => short(&shown(&t.rows[*k])),
                    None => "·".to_string(),
                }));
                table.add_row(rec);
            }
            super::table::write(w, &table)?;
            let years: std::collections::BTreeSet<u32> =
                t.rows.iter().filter_map(|r| r.target_year).collect();
            writeln!(
                w,
                "\n{} indicators, {} rows; target year {}; † from the growth column (年均增长, [累计]); · no row in that plan's tables",
                t.matrix.len(),
                t.rows.len(),
                years
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("/"),
            )?;
            let without: Vec<&str> = t
                .docs
                .iter()
                .filter(|d| !t.rows.iter().any(|r| r.doc.id == d.id))
                .map(|d| d.file.as_str())
                .collect();
            if !without.is_empty() {
                writeln!(w, "no indicator table read: {}", without.join(", "))?;
            }
            unreadable(w, t)
        }
        View::Rows => {
            for r in &t.rows {
                writeln!(
                    w,
                    "{}:{}  {}  {} | {} | {} → {} | {} | {} | {}",
                    r.doc.file,
                    r.row.line,
                    super::place(&r.place.chapter, &r.place.section),
                    opt(&r.row.category),
                    r.row.name,
                    opt(&r.row.base),
                    opt(&r.row.target),
                    opt(&r.row.growth),
                    opt(&r.row.unit),
                    opt(&r.row.attribute),
                )?;
            }
            unreadable(w, t)
        }
        View::Text => {
            for x in &t.text_targets {
                writeln!(
                    w,
                    "{}:{}  {}  {} {}{} ({}) [{}]",
                    x.doc.file,
                    x.line,
                    x.target.measure,
                    x.target.value,
                    opt(&x.target.unit),
                    x.target
                        .comparator
                        .and_then(|c| serde_json::to_value(c).ok())
                        .and_then(|v| v.as_str().map(|s| format!(" {s}")))
                        .unwrap_or_default(),
                    x.target.year,
                    x.target.strength.map_or("—", Strength::label),
                )?;
            }
            writeln!(w)?;
            let mut header = vec!["region", "file"];
            header.extend(Strength::ALL.iter().map(|s| s.label()));
            header.push("none");
            let right: Vec<bool> = header.iter().enumerate().map(|(i, _)| i >= 2).collect();
            let mut table = super::table::new(&header, &right);
            for (d, counts) in t.docs.iter().zip(t.strengths()) {
                let mut rec = vec![d.region.clone(), d.file.clone()];
                rec.extend(
                    Strength::ALL
                        .iter()
                        .map(|s| counts.get(&Some(*s)).copied().unwrap_or(0).to_string()),
                );
                rec.push(counts.get(&None).copied().unwrap_or(0).to_string());
                table.add_row(rec);
            }
            super::table::write(w, &table)
        }
    }
}

fn unreadable(w: &mut dyn Write, t: &Targets) -> io::Result<()> {
    for u in &t.unreadable {
        writeln!(
            w,
            "unreadable table: {}:{}-{} ({})",
            u.doc.file, u.line_start, u.line_end, u.reason
        )?;
    }
    Ok(())
}
