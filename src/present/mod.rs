//! Stage 6: rendering results for people (aligned text, colour) and for scripts (JSON, CSV).
//! Printers receive finished data — outlines, hits, counts — and never search themselves.

pub mod color;
pub mod compare;
pub mod docs;
pub mod keyness;
pub mod kwic;
pub mod outline;
pub mod progress;
pub mod reuse;
pub mod search;
pub mod table;
pub mod targets;

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::passage::HeadingRef;

/// Runs a printer against buffered stdout, mapping write failures (a closed pipe included) to
/// an error on `<stdout>`.
pub fn to_stdout(print: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    print(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| Error::io(Path::new("<stdout>"), e))
}

/// Writes one value as a line of JSON.
pub fn json_line<T: serde::Serialize>(w: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value)?;
    writeln!(w)
}

/// Where a passage sits, for people: `第三章 … › 第一节 …`.
pub fn place(chapter: &Option<HeadingRef>, section: &Option<HeadingRef>) -> String {
    chapter
        .iter()
        .chain(section.iter())
        .map(HeadingRef::display)
        .collect::<Vec<_>>()
        .join(" › ")
}

/// A heading's number and title as CSV cells (empty where there is none).
pub fn heading_no(h: Option<&HeadingRef>) -> String {
    h.and_then(|h| h.no)
        .map(|n| n.to_string())
        .unwrap_or_default()
}

pub fn heading_title(h: Option<&HeadingRef>) -> String {
    h.and_then(|h| h.title.clone()).unwrap_or_default()
}

/// Text on one terminal line: line breaks and tabs (of wrapped table rows) as single spaces.
pub fn one_line(text: &str) -> String {
    text.split(['\n', '\t'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
