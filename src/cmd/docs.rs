//! `plansearch docs [--corpus DIR] [--json]`: the plans of a corpus with region, title and size,
//! read straight from the files.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::app::Outcome;
use crate::error::Result;
use crate::plan::{self, Plan};
use crate::present::{self, docs::DocRow};
use crate::read::{self, ReadOptions};

#[derive(Debug)]
pub struct DocsConfig {
    pub corpus: PathBuf,
    pub json: bool,
    pub read: ReadOptions,
}

/// The row `docs` shows for a plan.
pub fn row(plan: &Plan) -> DocRow {
    DocRow {
        file: plan.meta.file.clone(),
        region: plan.meta.region.clone(),
        title: plan.meta.title.clone(),
        period: plan.meta.period.clone(),
        issuer: plan.meta.issuer.clone(),
        date: plan.meta.date.clone(),
        chapters: plan.outline.chapters.len(),
        sections: plan.sections(),
        passages: plan.passages.len(),
        chars: plan.chars(),
        encoding: plan.encoding.to_string(),
        undecodable: plan.replaced,
        format: plan.format.as_str().to_string(),
        pages: plan.pages,
    }
}

pub fn run(c: &DocsConfig) -> Result<Outcome> {
    let (files, mut skipped) = read::walk(&c.corpus)?;
    let read: Vec<_> = files
        .par_iter()
        .map(|f| {
            plan::read_plan(f, &c.read).map(|p| {
                for note in &p.notes {
                    eprintln!("plansearch: {}: {note}", f.display());
                }
                row(&p)
            })
        })
        .collect();
    let mut rows = Vec::new();
    for r in read {
        match r {
            Ok(row) => rows.push(row),
            Err(s) => skipped.push(s),
        }
    }
    for s in &skipped {
        eprintln!("plansearch: skipped {s}");
    }
    present::to_stdout(|w| {
        if c.json {
            present::docs::json(w, &rows)
        } else {
            present::docs::human(w, &rows)
        }
    })?;
    Ok(if rows.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}
