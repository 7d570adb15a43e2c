//! `plansearch compare`: the distribution table (or a document × term matrix), where each
//! document uses the term, its best passages side by side; as text, one JSON object, or CSV.
//!
//! JSON, one term: `{"queries": [q], "documents": [{"file", "region", "title", "chars",
//! "occurrences", "passages", "per_10k", "share", "chapters": [{"no", "title", "label",
//! "occurrences"}], "best": [hit, …]}]}`; several terms: each document holds
//! `"by_query": {q: {"occurrences", "passages", "per_10k", "share", "chapters", "best"}}` instead.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::color::Palette;
use super::search::{JsonHit, write_hit};
use crate::query::Hit;
use crate::query::compare::{Comparison, Counts, DocRow};
use crate::query::concept::Concept;

/// Which table `--csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvTable {
    /// One row per document and term: the counts.
    #[default]
    Distribution,
    /// One row per document, term and chapter that uses it.
    Chapters,
    /// One row per best passage.
    Passages,
    /// One row per document, term and wording of a term group.
    Variants,
    /// One row per document and term: its sentences by commitment strength (`--strength`).
    Strength,
}

const BAR: usize = 20;

fn bar(value: f64, max: f64) -> String {
    if max <= 0.0 || value <= 0.0 {
        return String::new();
    }
    let eighths = ((value / max) * (BAR * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    s.push_str(PARTS[eighths % 8]);
    if s.is_empty() { "▏".to_string() } else { s }
}

fn quoted(q: &str) -> String {
    format!("“{q}”")
}

pub fn human(w: &mut dyn Write, c: &Comparison, palette: Palette) -> io::Result<()> {
    if c.queries.len() == 1 {
        distribution(w, c)?;
    } else {
        matrix(w, c)?;
    }
    for (q, concept) in c.concepts.iter().enumerate() {
        if concept.is_group() {
            writeln!(w)?;
            by_wording(w, c, q)?;
        }
    }
    strength_table(w, c)?;
    for (q, term) in c.queries.iter().enumerate() {
        writeln!(w)?;
        writeln!(w, "where {} sits", quoted(term))?;
        for r in &c.rows {
            let chapters = &r.counts[q].chapters;
            let text = if chapters.is_empty() {
                "—".to_string()
            } else {
                chapters
                    .iter()
                    .map(|ch| {
                        let name = ch
                            .chapter
                            .as_ref()
                            .map_or("(before the first chapter)".to_string(), chapter_name);
                        format!("{name} ×{}", ch.occurrences)
                    })
                    .collect::<Vec<_>>()
                    .join(" · ")
            };
            writeln!(
                w,
                "  {}  {}  {}",
                r.doc.region,
                palette.file(&r.doc.file),
                text
            )?;
        }
        if c.rows.iter().any(|r| !r.best[q].is_empty()) {
            writeln!(w)?;
            writeln!(w, "side by side: {}", quoted(term))?;
            for r in &c.rows {
                side_by_side(w, r, q, palette)?;
            }
        }
    }
    Ok(())
}

fn chapter_name(ch: &crate::index::manifest::ChapterRecord) -> String {
    crate::structure::join_label(&ch.label, ch.title.as_deref())
}

fn distribution(w: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    let term = &c.queries[0];
    let passages: u64 = c.rows.iter().map(|r| r.counts[0].passages).sum();
    let using = c
        .rows
        .iter()
        .filter(|r| r.counts[0].occurrences > 0)
        .count();
    writeln!(
        w,
        "{}: {} occurrences in {passages} passages; used by {using} of {} documents",
        quoted(term),
        c.totals[0],
        c.rows.len()
    )?;
    writeln!(w)?;
    let max = c
        .rows
        .iter()
        .map(|r| r.counts[0].per_10k)
        .fold(0.0, f64::max);
    let mut t = super::table::new(
        &[
            "region",
            "file",
            "occurrences",
            "passages",
            "chars",
            "per 10k",
            "share",
            "",
        ],
        &[false, false, true, true, true, true, true, false],
    );
    for r in &c.rows {
        let k = &r.counts[0];
        t.add_row(vec![
            r.doc.region.clone(),
            r.doc.file.clone(),
            k.occurrences.to_string(),
            k.passages.to_string(),
            r.doc.chars.to_string(),
            format!("{:.2}", k.per_10k),
            format!("{:.1}%", k.share * 100.0),
            bar(k.per_10k, max),
        ]);
    }
    super::table::write(w, &t)
}

/// A term group's occurrences by wording: each wording's own count (overlapping wordings each
/// count here), and the group's, overlaps once.
fn by_wording(w: &mut dyn Write, c: &Comparison, q: usize) -> io::Result<()> {
    let concept = &c.concepts[q];
    writeln!(
        w,
        "{} by wording (a place two wordings share counts once in the total)",
        quoted(&concept.name)
    )?;
    let mut header = vec!["region".to_string(), "file".to_string()];
    header.extend(concept.variants.iter().cloned());
    header.push("total".to_string());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut right = vec![false, false];
    right.extend(std::iter::repeat_n(true, concept.variants.len() + 1));
    let mut t = super::table::new(&header, &right);
    for r in &c.rows {
        let k = &r.counts[q];
        let mut row = vec![r.doc.region.clone(), r.doc.file.clone()];
        row.extend(k.by_variant.iter().map(|n| n.occurrences.to_string()));
        row.push(k.occurrences.to_string());
        t.add_row(row);
    }
    super::table::write(w, &t)
}

fn matrix(w: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    let summary: Vec<String> = c
        .queries
        .iter()
        .zip(&c.totals)
        .map(|(q, n)| format!("{} {n}", quoted(q)))
        .collect();
    writeln!(
        w,
        "occurrences (per 10,000 characters) in {} documents: {}",
        c.rows.len(),
        summary.join(", ")
    )?;
    writeln!(w)?;
    let mut header = vec![
        "region".to_string(),
        "file".to_string(),
        "chars".to_string(),
    ];
    header.extend(c.queries.iter().cloned());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut right = vec![false, false, true];
    right.extend(std::iter::repeat_n(true, c.queries.len()));
    let mut t = super::table::new(&header, &right);
    for r in &c.rows {
        let mut row = vec![
            r.doc.region.clone(),
            r.doc.file.clone(),
            r.doc.chars.to_string(),
        ];
        row.extend(
            r.counts
                .iter()
                .map(|k| format!("{} ({:.2})", k.occurrences, k.per_10k)),
        );
        t.add_row(row);
    }
    super::table::write(w, &t)
}

fn side_by_side(w: &mut dyn Write, r: &DocRow, q: usize, palette: Palette) -> io::Result<()> {
    let best = &r.best[q];
    if best.is_empty() {
        return writeln!(
            w,
            "  {}  {}  {}",
            r.doc.region,
            palette.file(&r.doc.file),
            palette.dim("(no passage)")
        );
    }
    for h in best {
        write_hit(w, "  ", "      ", h, palette)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonChapter<'a> {
    no: Option<u32>,
    title: Option<&'a str>,
    label: Option<&'a str>,
    occurrences: u64,
}

fn hit_json(h: &Hit) -> Value {
    serde_json::to_value(JsonHit::new(h, false)).unwrap_or(Value::Null)
}

fn counts_json(k: &Counts, best: &[Hit], concept: &Concept) -> Map<String, Value> {
    let chapters: Vec<JsonChapter> = k
        .chapters
        .iter()
        .map(|ch| JsonChapter {
            no: ch.chapter.as_ref().and_then(|c| c.no),
            title: ch.chapter.as_ref().and_then(|c| c.title.as_deref()),
            label: ch.chapter.as_ref().map(|c| c.label.as_str()),
            occurrences: ch.occurrences,
        })
        .collect();
    let mut m = Map::new();
    m.insert("occurrences".into(), json!(k.occurrences));
    m.insert("passages".into(), json!(k.passages));
    m.insert(
        "per_10k".into(),
        json!((k.per_10k * 1000.0).round() / 1000.0),
    );
    m.insert("share".into(), json!((k.share * 10000.0).round() / 10000.0));
    m.insert("chapters".into(), json!(chapters));
    if concept.is_group() {
        let variants: Map<String, Value> = concept
            .variants
            .iter()
            .zip(&k.by_variant)
            .map(|(v, n)| {
                (
                    v.clone(),
                    json!({"occurrences": n.occurrences, "passages": n.passages}),
                )
            })
            .collect();
        m.insert("variants".into(), Value::Object(variants));
    }
    if let Some(counts) = &k.strength {
        m.insert("strength".into(), strength_json(counts));
    }
    m.insert(
        "best".into(),
        Value::Array(best.iter().map(hit_json).collect()),
    );
    m
}

/// The names of the strength classes, then `none`, as JSON keys and CSV columns.
fn strength_names() -> Vec<&'static str> {
    use crate::analysis::targets::Strength;
    let mut names: Vec<&str> = Strength::ALL.iter().map(|s| s.label()).collect();
    names.push("none");
    names
}

fn strength_json(counts: &[u64; 6]) -> Value {
    Value::Object(
        strength_names()
            .into_iter()
            .zip(counts)
            .map(|(k, n)| (k.to_string(), json!(n)))
            .collect(),
    )
}

/// How firmly each plan words the sentences that use each term.
fn strength_table(w: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    for (q, term) in c.queries.iter().enumerate() {
        if c.rows.iter().all(|r| r.counts[q].strength.is_none()) {
            continue;
        }
        writeln!(w)?;
        writeln!(w, "commitment in the sentences that use {}", quoted(term))?;
        let mut header = vec!["region", "file"];
        header.extend(strength_names());
        let right: Vec<bool> = (0..header.len()).map(|i| i >= 2).collect();
        let mut t = super::table::new(&header, &right);
        for r in &c.rows {
            let mut rec = vec![r.doc.region.clone(), r.doc.file.clone()];
            rec.extend(
                r.counts[q]
                    .strength
                    .unwrap_or_default()
                    .iter()
                    .map(u64::to_string),
            );
            t.add_row(rec);
        }
        super::table::write(w, &t)?;
    }
    Ok(())
}

/// The comparison as the one JSON object `compare --json` writes and the web API returns.
pub fn value(c: &Comparison) -> Value {
    let documents: Vec<Value> = c
        .rows
        .iter()
        .map(|r| {
            let mut d = Map::new();
            d.insert("file".into(), json!(r.doc.file));
            d.insert("region".into(), json!(r.doc.region));
            d.insert("title".into(), json!(r.doc.title));
            d.insert("chars".into(), json!(r.doc.chars));
            if c.queries.len() == 1 {
                d.extend(counts_json(&r.counts[0], &r.best[0], &c.concepts[0]));
            } else {
                let by: Map<String, Value> = c
                    .queries
                    .iter()
                    .enumerate()
                    .map(|(q, term)| {
                        (
                            term.clone(),
                            Value::Object(counts_json(&r.counts[q], &r.best[q], &c.concepts[q])),
                        )
                    })
                    .collect();
                d.insert("by_query".into(), Value::Object(by));
            }
            Value::Object(d)
        })
        .collect();
    json!({ "queries": c.queries, "documents": documents })
}

pub fn json(w: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    super::json_line(w, &value(c))
}

pub fn csv(w: &mut dyn Write, c: &Comparison, table: CsvTable) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let opt = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    match table {
        CsvTable::Distribution => {
            out.write_record([
                "query",
                "region",
                "file",
                "title",
                "chars",
                "occurrences",
                "passages",
                "per_10k",
                "share",
            ])?;
            for (q, term) in c.queries.iter().enumerate() {
                for r in &c.rows {
                    let k = &r.counts[q];
                    out.write_record([
                        term.as_str(),
                        &r.doc.region,
                        &r.doc.file,
                        r.doc.title.as_deref().unwrap_or(""),
                        &r.doc.chars.to_string(),
                        &k.occurrences.to_string(),
                        &k.passages.to_string(),
                        &format!("{:.3}", k.per_10k),
                        &format!("{:.4}", k.share),
                    ])?;
                }
            }
        }
        CsvTable::Chapters => {
            out.write_record([
                "query",
                "region",
                "file",
                "chapter_no",
                "chapter_label",
                "chapter_title",
                "occurrences",
            ])?;
            for (q, term) in c.queries.iter().enumerate() {
                for r in &c.rows {
                    for ch in &r.counts[q].chapters {
                        let c = ch.chapter.as_ref();
                        out.write_record([
                            term.as_str(),
                            &r.doc.region,
                            &r.doc.file,
                            &opt(c.and_then(|c| c.no)),
                            c.map_or("", |c| c.label.as_str()),
                            c.and_then(|c| c.title.as_deref()).unwrap_or(""),
                            &ch.occurrences.to_string(),
                        ])?;
                    }
                }
            }
        }
        CsvTable::Variants => {
            out.write_record([
                "query",
                "variant",
                "region",
                "file",
                "occurrences",
                "passages",
            ])?;
            for (q, concept) in c.concepts.iter().enumerate() {
                for r in &c.rows {
                    let by = &r.counts[q].by_variant;
                    for (v, variant) in concept.variants.iter().enumerate() {
                        // A single wording's counts are the term's own.
                        let (occ, pas) = match by.get(v) {
                            Some(n) => (n.occurrences, n.passages),
                            None => (r.counts[q].occurrences, r.counts[q].passages),
                        };
                        out.write_record([
                            concept.name.as_str(),
                            variant,
                            &r.doc.region,
                            &r.doc.file,
                            &occ.to_string(),
                            &pas.to_string(),
                        ])?;
                    }
                }
            }
        }
        CsvTable::Strength => {
            let mut header = vec!["query", "region", "file"];
            header.extend(strength_names());
            out.write_record(&header)?;
            for (q, term) in c.queries.iter().enumerate() {
                for r in &c.rows {
                    let mut rec = vec![term.clone(), r.doc.region.clone(), r.doc.file.clone()];
                    rec.extend(
                        r.counts[q]
                            .strength
                            .unwrap_or_default()
                            .iter()
                            .map(u64::to_string),
                    );
                    out.write_record(&rec)?;
                }
            }
        }
        CsvTable::Passages => {
            out.write_record([
                "query",
                "region",
                "file",
                "match",
                "rank",
                "line_start",
                "line_end",
                "chapter_no",
                "chapter_title",
                "section_no",
                "section_title",
                "text",
            ])?;
            for (q, term) in c.queries.iter().enumerate() {
                for r in &c.rows {
                    for h in &r.best[q] {
                        let p = &h.passage;
                        out.write_record([
                            term.as_str(),
                            &r.doc.region,
                            &r.doc.file,
                            h.kind.as_str(),
                            &h.rank.to_string(),
                            &p.line_start.to_string(),
                            &p.line_end.to_string(),
                            &opt(p.chapter.as_ref().and_then(|c| c.no)),
                            p.chapter
                                .as_ref()
                                .and_then(|c| c.title.as_deref())
                                .unwrap_or(""),
                            &opt(p.section.as_ref().and_then(|c| c.no)),
                            p.section
                                .as_ref()
                                .and_then(|c| c.title.as_deref())
                                .unwrap_or(""),
                            &p.text,
                        ])?;
                    }
                }
            }
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        assert_eq!(bar(2.0, 2.0).chars().count(), BAR);
        assert_eq!(bar(1.0, 2.0).chars().count(), BAR / 2);
        assert_eq!(bar(0.0, 2.0), "");
        assert_eq!(bar(0.001, 2.0), "▏");
    }
}
