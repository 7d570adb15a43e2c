//! One plan file read end to end: decoded, its structure recovered, split into passages.

use std::path::Path;

use crate::passage::{self, Passage};
use crate::read::{self, ReadOptions, Skipped, SourceText};
use crate::structure::{self, DocMeta, Outline, Structure};

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
}

impl Plan {
    /// Reads the structure and passages of already decoded text.
    pub fn from_source(src: &SourceText) -> Plan {
        let structure = structure::analyse(&src.lines, &src.name);
        Plan::from_structure(&structure, src.encoding, src.replaced)
    }

    fn from_structure(structure: &Structure, encoding: &'static str, replaced: usize) -> Plan {
        Plan {
            meta: structure.meta.clone(),
            outline: structure.outline(),
            passages: passage::split(structure),
            encoding,
            replaced,
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
