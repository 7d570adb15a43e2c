//! Aligned text tables for terminals, with Chinese characters counted as two columns.

use std::io::{self, Write};

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

/// A borderless table with a header row; `right` marks numeric columns to right-align.
pub fn new(header: &[&str], right: &[bool]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    for (i, &r) in right.iter().enumerate() {
        if r {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    t
}

/// Writes a table without the padding comfy-table leaves at the ends of lines.
pub fn write(w: &mut dyn Write, table: &Table) -> io::Result<()> {
    for line in table.lines() {
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}
