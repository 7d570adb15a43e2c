//! Stage 6: rendering results for people (aligned text, colour) and for scripts (JSON, CSV).
//! Printers receive finished data — outlines, hits, counts — and never search themselves.

pub mod color;
pub mod compare;
pub mod docs;
pub mod kwic;
pub mod outline;
pub mod progress;
pub mod search;
pub mod table;

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

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
