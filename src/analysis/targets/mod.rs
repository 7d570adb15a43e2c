//! What each plan commits to: its indicator tables read into rows ([`table`]), each cell's
//! figure ([`value`]), the same indicator recognised across wordings ([`indicator`]), the
//! numeric targets of its sentences and how strongly each is promised ([`sentence`]); and,
//! across plans, the indicator × plan matrix an analyst would otherwise build by hand.
//!
//! Tables are read from the text lines the reader made of each file (the same lines, whatever
//! the format), because a table's columns live in its separators, which passages normalise
//! away; locations come from the plan's passages. Like every analysis this returns data.

pub mod indicator;
pub mod sentence;
pub mod table;
pub mod value;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::Result;
use crate::index::{DocRecord, Opened};
use crate::passage::{HeadingRef, Kind, Passage};
use crate::read::ReadOptions;

pub use sentence::Strength;
pub use value::{CellValue, Comparator};

/// Where a row or a sentence stands in its plan.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub chapter: Option<HeadingRef>,
    pub section: Option<HeadingRef>,
    /// Headings below the section (专栏 …), outermost first.
    pub path: Vec<String>,
    pub pages: Option<(u32, u32)>,
    /// The first line of the passage holding it: where a reader scrolls to.
    pub passage_line: u32,
}

/// One indicator row of one plan.
#[derive(Debug, Clone)]
pub struct Row {
    pub doc: Arc<DocRecord>,
    pub row: table::TableRow,
    pub place: Place,
    pub key: String,
    pub canonical: String,
    pub base_year: Option<u32>,
    pub target_year: Option<u32>,
    pub base_value: CellValue,
    pub target_value: CellValue,
}

impl Row {
    /// What the growth cell says.
    pub fn growth_value(&self) -> CellValue {
        value::parse(self.row.growth.as_deref().unwrap_or(""))
    }
}

/// An indicator table that cannot be read into rows.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub doc: Arc<DocRecord>,
    pub line_start: u32,
    pub line_end: u32,
    pub reason: &'static str,
    pub place: Place,
}

/// A numeric target set in a sentence.
#[derive(Debug, Clone)]
pub struct TextTarget {
    pub doc: Arc<DocRecord>,
    pub line: u32,
    pub text: String,
    pub target: sentence::SentenceTarget,
    pub place: Place,
}

/// One line of the matrix: an indicator and, per plan (in `Targets::docs` order), the row that
/// gives it, if any.
#[derive(Debug, Clone)]
pub struct MatrixLine {
    pub key: String,
    pub canonical: String,
    /// Index into `Targets::rows`, per plan.
    pub cells: Vec<Option<usize>>,
}

/// Everything `targets` found in the chosen plans.
#[derive(Debug, Clone)]
pub struct Targets {
    pub docs: Vec<Arc<DocRecord>>,
    pub rows: Vec<Row>,
    pub unreadable: Vec<Unreadable>,
    pub text_targets: Vec<TextTarget>,
    /// Indicators held by the most plans first, then by name.
    pub matrix: Vec<MatrixLine>,
}

impl Targets {
    /// Text targets per plan and strength (`None`: no commitment verb), in `docs` order.
    pub fn strengths(&self) -> Vec<BTreeMap<Option<Strength>, usize>> {
        self.docs
            .iter()
            .map(|d| {
                let mut m = BTreeMap::new();
                for t in self.text_targets.iter().filter(|t| t.doc.id == d.id) {
                    *m.entry(t.target.strength).or_default() += 1;
                }
                m
            })
            .collect()
    }
}

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct TargetOptions {
    /// Keep rows and text targets whose indicator, name or measure holds this text (folded).
    pub indicator: Option<String>,
}

/// The place of a line: the passage that holds it.
fn place_of(passages: &[Passage], line: u32) -> Place {
    let p = passages
        .iter()
        .find(|p| p.line_start <= line && line <= p.line_end)
        .or_else(|| passages.iter().rev().find(|p| p.line_start <= line));
    p.map(|p| Place {
        chapter: p.chapter.clone(),
        section: p.section.clone(),
        path: p.path.clone(),
        pages: p.pages,
        passage_line: p.line_start,
    })
    .unwrap_or_default()
}

/// Reads the targets of one plan's lines and passages.
pub fn of_plan(doc: &Arc<DocRecord>, lines: &[String], passages: &[Passage], out: &mut Targets) {
    for found in table::find(lines) {
        match found {
            table::Found::Table(t) => {
                for r in t.rows {
                    let (key, canonical) = indicator::identify(&r.name);
                    out.rows.push(Row {
                        doc: Arc::clone(doc),
                        place: place_of(passages, r.line),
                        key,
                        canonical,
                        base_year: t.base_year,
                        target_year: t.target_year,
                        base_value: r
                            .base
                            .as_deref()
                            .map_or_else(|| value::parse(""), value::parse),
                        target_value: r
                            .target
                            .as_deref()
                            .map_or_else(|| value::parse(""), value::parse),
                        row: r,
                    });
                }
            }
            table::Found::Unreadable {
                line_start,
                line_end,
                reason,
            } => out.unreadable.push(Unreadable {
                doc: Arc::clone(doc),
                line_start,
                line_end,
                reason,
                place: place_of(passages, line_start),
            }),
        }
    }
    for p in passages {
        if !matches!(p.kind, Kind::Paragraph | Kind::Box) {
            continue;
        }
        let mut offset = 0u32;
        for s in p.text.split_inclusive(['。', '；', '！', '\n']) {
            let found = sentence::targets_in(s);
            let line = p.line_of(offset);
            offset += s.chars().count() as u32;
            for t in found {
                out.text_targets.push(TextTarget {
                    doc: Arc::clone(doc),
                    line,
                    text: s.trim().to_string(),
                    target: t,
                    place: place_of(passages, line),
                });
            }
        }
    }
}

/// The targets of the chosen plans (ids in the index), read from their files.
pub fn targets(
    idx: &Opened,
    ids: &[u64],
    read: &ReadOptions,
    opts: &TargetOptions,
) -> Result<Targets> {
    let mut out = Targets {
        docs: Vec::new(),
        rows: Vec::new(),
        unreadable: Vec::new(),
        text_targets: Vec::new(),
        matrix: Vec::new(),
    };
    for &id in ids {
        let Some(doc) = idx.doc(id).cloned() else {
            continue;
        };
        let path = idx.manifest.corpus.join(&doc.path);
        let src =
            crate::read::read_file(&path, read).map_err(|s| crate::error::Error::BadFile {
                path: s.path,
                reason: s.reason,
            })?;
        let plan = crate::plan::Plan::from_source(&src);
        of_plan(&doc, &src.lines, &plan.passages, &mut out);
        out.docs.push(doc);
    }
    if let Some(want) = opts.indicator.as_deref() {
        // The wanted text and the names alike normalised (能耗 = 能源消耗, GDP = 地区生产总值).
        let (key, folded_want) = (want.trim(), indicator::normalise(want));
        out.rows.retain(|r| {
            r.key == key
                || indicator::normalise(&r.row.name).contains(&folded_want)
                || indicator::normalise(&r.canonical).contains(&folded_want)
        });
        out.text_targets
            .retain(|t| indicator::normalise(&t.target.measure).contains(&folded_want));
    }
    out.matrix = matrix(&out);
    Ok(out)
}

/// The indicator × plan matrix: for each indicator, the row of each plan (its latest target
/// year, the first such row).
fn matrix(t: &Targets) -> Vec<MatrixLine> {
    let mut lines: BTreeMap<String, MatrixLine> = BTreeMap::new();
    for (k, r) in t.rows.iter().enumerate() {
        let Some(col) = t.docs.iter().position(|d| d.id == r.doc.id) else {
            continue;
        };
        let line = lines.entry(r.key.clone()).or_insert_with(|| MatrixLine {
            key: r.key.clone(),
            canonical: r.canonical.clone(),
            cells: vec![None; t.docs.len()],
        });
        let better = match line.cells[col] {
            None => true,
            Some(j) => r.target_year > t.rows[j].target_year,
        };
        if better {
            line.cells[col] = Some(k);
        }
    }
    let mut out: Vec<MatrixLine> = lines.into_values().collect();
    // National indicators first (by how many plans hold them), then local ones.
    out.sort_by_key(|l| {
        (
            l.key.starts_with("other:"),
            std::cmp::Reverse(l.cells.iter().filter(|c| c.is_some()).count()),
            l.canonical.clone(),
        )
    });
    out
}
