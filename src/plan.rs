//! One plan file read end to end: decoded, its structure recovered, split into passages.

use std::path::Path;

use crate::passage::{self, Passage};
use crate::read::{self, Format, ReadOptions, Skipped, SourceText};
use crate::structure::{self, DocMeta, Outline};

/// A plan, read: what it says about itself, its outline, and its passages.
#[derive(Debug, Clone)]
pub struct Plan {
    pub meta: DocMeta,
    pub outline: Outline,
    pub passages: Vec<Passage>,
    /// The encoding the file was read in.
    pub encoding: &'static str,
    /// Undecodable bytes replaced while reading.
    pub replaced: usize,
    /// The format the file came in.
    pub format: Format,
    /// Pages, for a paged format.
    pub pages: Option<u32>,
    /// What the reader noticed and worked around, to tell the user.
    pub notes: Vec<String>,
}

impl Plan {
    /// Reads the structure and passages of a file's lines; passages from a paged format know
    /// their pages.
    pub fn from_source(src: &SourceText) -> Plan {
        let structure = structure::analyse_with_levels(&src.lines, &src.name, &src.levels);
        let mut passages = passage::split(&structure);
        if src.pages.is_some() {
            for p in &mut passages {
                p.pages = src.page_range(p.line_start, p.line_end);
            }
        }
        Plan {
            meta: structure.meta.clone(),
            outline: structure.outline(),
            passages,
            encoding: src.encoding,
            replaced: src.replaced,
            format: src.format,
            pages: src
                .pages
                .as_ref()
                .and_then(|p| p.iter().map(|&(_, last)| last).max()),
            notes: src.notes.clone(),
        }
    }

    /// Number of characters in all passages.
    pub fn chars(&self) -> usize {
        self.passages.iter().map(Passage::char_len).sum()
    }

    /// Number of sections across all chapters.
    pub fn sections(&self) -> usize {
        self.outline.chapters.iter().map(|c| c.sections.len()).sum()
    }
}

/// Reads one plan file from disk.
pub fn read_plan(path: &Path, opts: &ReadOptions) -> Result<Plan, Skipped> {
    let src = read::read_file(path, opts)?;
    Ok(Plan::from_source(&src))
}
