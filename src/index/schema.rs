//! The index schema: one tantivy document per passage.
//!
//! | field | what | how |
//! |---|---|---|
//! | `chars` | the normalised text, one token per character | positions (character indices), no norms: exact matching; stored |
//! | `words` | the text as jieba words | frequencies and norms: BM25 |
//! | `info` | location and context (postcard) | stored |
//! | `path` | the file's path in the corpus | indexed as one term: deletes and `--file` |
//! | `doc` | the document's id | indexed, fast: filters and per-document counts |
//! | `chapter` | the chapter number | indexed: `--chapter` |
//! | `chapter_ord` | the chapter's place in the outline | fast: per-chapter counts |
//! | `kind` | heading, paragraph, table … (see [`kind_code`]) | fast: preferring sentences to headings |
//! | `genre` | policy text, heading, back matter, table, list (see [`crate::passage::Genre`]) | indexed, fast: ranking policy text first |
//! | `under` | one key per heading the passage sits under (see [`under_key`]) | indexed: a heading's section |
//! | `shingles` | the winnowed n-gram fingerprints of the text (see [`super::shingles`]) | indexed: passages sharing wording |

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::tokenize::{CHARS, JIEBA};

/// The index format this build writes and reads. An index of another format must be rebuilt.
pub const FORMAT: u32 = 6;

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub chars: Field,
    pub words: Field,
    pub info: Field,
    pub path: Field,
    pub doc: Field,
    pub chapter: Field,
    pub chapter_ord: Field,
    pub kind: Field,
    pub genre: Field,
    pub under: Field,
    pub shingles: Field,
}

/// The `under` key of the heading on 1-based `line` of document `doc`: every passage below that
/// heading carries it.
pub fn under_key(doc: u64, line: u32) -> u64 {
    let mut bytes = [0u8; 12];
    bytes[..8].copy_from_slice(&doc.to_le_bytes());
    bytes[8..].copy_from_slice(&line.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// The `kind` fast field's value for a passage kind.
pub fn kind_code(kind: crate::passage::Kind) -> u64 {
    crate::passage::Kind::ALL
        .iter()
        .position(|&k| k == kind)
        .unwrap_or(0) as u64
}

/// Builds the schema.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // The text is stored once, with the field that indexes it character by character.
    let chars = b.add_text_field(
        "chars",
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(CHARS)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions)
                    .set_fieldnorms(false),
            )
            .set_stored(),
    );
    let words = b.add_text_field(
        "words",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JIEBA)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    let info = b.add_bytes_field("info", STORED);
    let path = b.add_text_field("path", STRING);
    let doc = b.add_u64_field("doc", INDEXED | FAST);
    let chapter = b.add_u64_field("chapter", INDEXED);
    let chapter_ord = b.add_u64_field("chapter_ord", FAST);
    let kind = b.add_u64_field("kind", FAST);
    let genre = b.add_u64_field("genre", INDEXED | FAST);
    let under = b.add_u64_field("under", INDEXED);
    let shingles = b.add_u64_field("shingles", INDEXED);
    let fields = Fields {
        chars,
        words,
        info,
        path,
        doc,
        chapter,
        chapter_ord,
        kind,
        genre,
        under,
        shingles,
    };
    (b.build(), fields)
}

/// Finds the fields in an opened index's schema; `None` if the index was built with another
/// schema.
pub fn fields(schema: &Schema) -> Option<Fields> {
    let (expected, _) = build();
    if schema.fields().count() != expected.fields().count() {
        return None;
    }
    let f = |name: &str| {
        let field = schema.get_field(name).ok()?;
        let want = expected.get_field(name).ok()?;
        (schema.get_field_entry(field) == expected.get_field_entry(want)).then_some(field)
    };
    Some(Fields {
        chars: f("chars")?,
        words: f("words")?,
        info: f("info")?,
        path: f("path")?,
        doc: f("doc")?,
        chapter: f("chapter")?,
        chapter_ord: f("chapter_ord")?,
        kind: f("kind")?,
        genre: f("genre")?,
        under: f("under")?,
        shingles: f("shingles")?,
    })
}
