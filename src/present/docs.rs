//! `plansearch docs`: the documents of a corpus, as a table or JSON Lines.

use std::io::{self, Write};

use serde::Serialize;

/// One document's row.
#[derive(Debug, Clone, Serialize)]
pub struct DocRow {
    pub file: String,
    pub region: String,
    pub title: Option<String>,
    pub period: Option<String>,
    /// The issuing body and date, from the front page.
    pub issuer: Option<String>,
    pub date: Option<String>,
    pub chapters: usize,
    pub sections: usize,
    pub passages: usize,
    pub chars: usize,
    pub encoding: String,
    /// Bytes that were not valid in that encoding, read as U+FFFD.
    pub undecodable: usize,
    /// The format the file came in: `text`, `pdf`, `docx`, `html`.
    pub format: String,
    /// Pages, for a paged format.
    pub pages: Option<u32>,
}

impl DocRow {
    /// The row of an indexed document, from what the index recorded: the same as the row of
    /// the plan read from its file.
    pub fn from_record(d: &crate::index::DocRecord) -> DocRow {
        DocRow {
            file: d.file.clone(),
            region: d.region.clone(),
            title: d.title.clone(),
            period: d.period.clone(),
            issuer: d.issuer.clone(),
            date: d.date.clone(),
            chapters: d.chapters.len(),
            sections: d.sections as usize,
            passages: d.passages as usize,
            chars: d.chars as usize,
            encoding: d.encoding.clone(),
            undecodable: d.undecodable as usize,
            format: d.format.clone(),
            pages: d.pages,
        }
    }
}

pub fn json(w: &mut dyn Write, rows: &[DocRow]) -> io::Result<()> {
    rows.iter().try_for_each(|r| super::json_line(w, r))
}

pub fn human(w: &mut dyn Write, rows: &[DocRow]) -> io::Result<()> {
    let mut t = super::table::new(
        &[
            "region", "file", "format", "chapters", "sections", "passages", "chars", "title",
        ],
        &[false, false, false, true, true, true, true, false],
    );
    for r in rows {
        t.add_row(vec![
            r.region.clone(),
            r.file.clone(),
            r.format.clone(),
            r.chapters.to_string(),
            r.sections.to_string(),
            r.passages.to_string(),
            r.chars.to_string(),
            r.title.clone().unwrap_or_default(),
        ]);
    }
    super::table::write(w, &t)
}
