//! Stage 1: plan files from disk, as text lines.
//!
//! Users' folders hold plans as governments publish them: PDF (most), Word `.docx`, saved web
//! pages, and texts saved by Word, Notepad and converters in UTF-8, UTF-16 or GB18030. What a
//! file is comes from its bytes, never its name ([`sniff`]); each format has a reader that turns
//! the file into the same thing — text lines, with the page each line came from where the format
//! has pages, and the outline level of lines the format marks as headings — so the structure
//! stage never knows what format a plan came in:
//!
//! | format | reader |
//! |---|---|
//! | text (`.txt`, `.md`) | [`text`]: encodings |
//! | PDF | [`pdf`]: poppler's `pdftotext`, then [`pages`], the page-aware normaliser |
//! | DOCX | [`docx`]: the zip's `word/document.xml` and its styles |
//! | HTML | [`html`]: the charset, then the page's content area |
//!
//! Files that are none of these — legacy `.doc`/`.wps`, images, other binaries — and files a
//! reader cannot use are [`Skipped`], each with one line saying what it is and what to do.

pub mod docx;
pub mod html;
pub mod pages;
pub mod pdf;
pub mod sniff;
pub mod text;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use crate::error::{Error, Result, io_reason};
pub use sniff::Format;
pub use text::{Decoded, decode, split_lines};

/// One plan file, read: its lines and what the format said about them.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: PathBuf,
    /// The file name, as shown to users (lossy if the name is not UTF-8).
    pub name: String,
    pub lines: Vec<String>,
    /// The encoding the text was read in (`UTF-8`, `GB18030`, `UTF-16LE` …); for PDF and
    /// DOCX, the one their text comes in.
    pub encoding: &'static str,
    /// Bytes that were not valid in that encoding, replaced by U+FFFD.
    pub replaced: usize,
    pub format: Format,
    /// For a paged format (PDF), the first and last page (1-based) each line's text came from.
    pub pages: Option<Vec<(u32, u32)>>,
    /// The outline level a format gave each line (0 = chapter, 1 = section …), where it marks
    /// headings (DOCX heading styles); empty if it says nothing.
    pub levels: Vec<Option<u8>>,
    /// What the reader noticed and worked around (a web page that lies about its charset).
    pub notes: Vec<String>,
}

impl SourceText {
    /// Text lines with nothing else known of them, as a text file gives them.
    pub fn from_lines(path: &Path, lines: Vec<String>) -> SourceText {
        SourceText {
            path: path.to_path_buf(),
            name: display_name(path),
            lines,
            encoding: "UTF-8",
            replaced: 0,
            format: Format::Text,
            pages: None,
            levels: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The pages a range of 1-based lines came from, for a paged format.
    pub fn page_range(&self, first_line: u32, last_line: u32) -> Option<(u32, u32)> {
        let pages = self.pages.as_ref()?;
        let at = |line: u32| pages.get((line as usize).checked_sub(1)?).copied();
        Some((at(first_line)?.0, at(last_line)?.1))
    }
}

/// A file the reader did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
    /// The file may read another time unchanged: a tool it needs is missing.
    pub retry: bool,
}

impl Skipped {
    pub fn new(path: &Path, reason: impl Into<String>) -> Self {
        Skipped {
            path: path.to_path_buf(),
            reason: reason.into(),
            retry: false,
        }
    }
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// How files are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Decode every text file in this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
    /// Files larger than this are skipped: no plan is that long, and reading one would hold it
    /// all in memory. It also bounds what a PDF's or a DOCX's text may grow to.
    pub max_bytes: u64,
    /// The longest the PDF engine may take over one file.
    pub pdf_timeout: std::time::Duration,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: None,
            max_bytes: 64_000_000,
            pdf_timeout: pdf::TIME_LIMIT,
        }
    }
}

/// Looks up an encoding by any of its WHATWG labels (`gbk`, `gb18030`, `utf-16le`, `big5` …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

/// That `corpus` is a folder that can be read: the error names it otherwise.
pub fn check_corpus(corpus: &Path) -> Result<()> {
    let meta = fs::metadata(corpus).map_err(|e| Error::io(corpus, e))?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory(corpus.to_path_buf()));
    }
    Ok(())
}

/// Files a folder of downloads holds that are no document: system and editor litter.
fn is_litter(name: &str) -> bool {
    name.starts_with("~$")
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// The files under `corpus`, sorted by path, and the entries that could not be visited
/// (unreadable directories, symlink loops). Hidden files and directories and system litter
/// (`Thumbs.db`, Word's `~$` lock files) are left out; every other file is a candidate, and its
/// reader says whether it is a plan.
pub fn walk(corpus: &Path) -> Result<(Vec<PathBuf>, Vec<Skipped>)> {
    check_corpus(corpus)?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let walker = walkdir::WalkDir::new(corpus)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                if !is_litter(&e.file_name().to_string_lossy()) {
                    files.push(e.into_path());
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| corpus.to_path_buf());
                let reason = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.io_error().map_or_else(|| e.to_string(), io_reason)
                };
                skipped.push(Skipped::new(&path, reason));
            }
        }
    }
    Ok((files, skipped))
}

/// Reads a file's bytes, refusing one larger than `opts.max_bytes`.
pub fn read_bytes(path: &Path, opts: &ReadOptions) -> std::result::Result<Vec<u8>, Skipped> {
    let skip = |reason: String| Skipped::new(path, reason);
    let file = fs::File::open(path).map_err(|e| skip(io_reason(&e)))?;
    let len = file.metadata().map_err(|e| skip(io_reason(&e)))?.len();
    let mb = |b: u64| b as f64 / 1e6;
    if len > opts.max_bytes {
        // Tried again when the limit is raised.
        return Err(Skipped {
            retry: true,
            ..skip(format!(
                "too large to be a plan ({:.1} MB, limit {:.1} MB)",
                mb(len),
                mb(opts.max_bytes)
            ))
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The limit holds even for a file that grows while it is read.
    file.take(opts.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| skip(io_reason(&e)))?;
    Ok(bytes)
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// What a format's reader makes of a file.
#[derive(Debug, Default)]
pub struct Extracted {
    pub lines: Vec<String>,
    pub encoding: &'static str,
    pub replaced: usize,
    pub pages: Option<Vec<(u32, u32)>>,
    pub levels: Vec<Option<u8>>,
    pub notes: Vec<String>,
}

/// Why a reader could not use a file: a one-line reason, and whether the same file may read
/// another time (a missing tool) or not (the file itself is the problem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub reason: String,
    pub retry: bool,
}

impl From<&str> for Unread {
    fn from(reason: &str) -> Self {
        reason.to_string().into()
    }
}

impl From<String> for Unread {
    fn from(reason: String) -> Self {
        Unread {
            reason,
            retry: false,
        }
    }
}

/// Reads a file's bytes as what they are, or says why they are skipped.
pub fn source_from_bytes(
    path: &Path,
    bytes: &[u8],
    opts: &ReadOptions,
) -> std::result::Result<SourceText, Skipped> {
    let format = sniff::sniff(path, bytes).map_err(|reason| Skipped::new(path, reason))?;
    let extracted = match format {
        Format::Text => text::read(bytes, opts),
        Format::Pdf => pdf::read(path, opts),
        Format::Docx => docx::read(bytes, opts),
        Format::Html => html::read(bytes, opts),
    };
    let e = extracted.map_err(|u| Skipped {
        path: path.to_path_buf(),
        reason: u.reason,
        retry: u.retry,
    })?;
    Ok(SourceText {
        path: path.to_path_buf(),
        name: display_name(path),
        lines: e.lines,
        encoding: e.encoding,
        replaced: e.replaced,
        format,
        pages: e.pages,
        levels: e.levels,
        notes: e.notes,
    })
}

/// Reads one plan file, or says why it is skipped.
pub fn read_file(path: &Path, opts: &ReadOptions) -> std::result::Result<SourceText, Skipped> {
    source_from_bytes(path, &read_bytes(path, opts)?, opts)
}
