//! Stage 4: the tantivy index of passages.
//!
//! Input: [`Plan`]s from the structure and passage stages. Output: an index directory holding
//! one tantivy document per passage (see [`schema`]) and, in every commit's payload, the
//! [`Manifest`] of indexed files. [`build::update`] brings an index in line with its corpus;
//! [`Opened`] is a searchable view of one, read by the query stage.

pub mod build;
pub mod manifest;
pub mod schema;
pub mod shingles;
pub mod tokenize;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::index::SegmentId;
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

use crate::error::{Error, Result};
use crate::passage::{HeadingRef, Kind, Passage};
use crate::plan::Plan;
pub use manifest::{DocRecord, Manifest};
use schema::Fields;
use tokenize::{CHARS, CharTokenizer};

/// Where a passage sits, as stored with it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct StoredInfo {
    kind: Kind,
    part: Option<HeadingRef>,
    chapter: Option<HeadingRef>,
    section: Option<HeadingRef>,
    path: Vec<String>,
    line_start: u32,
    line_end: u32,
    line_map: Vec<(u32, u32)>,
    heads: Vec<u32>,
    pages: Option<(u32, u32)>,
}

/// The tantivy documents of a plan's passages. `key` is the file's corpus-relative path.
pub fn documents(fields: &Fields, plan: &Plan, key: &str, id: u64) -> Vec<TantivyDocument> {
    let chapter_lines: Vec<usize> = plan.outline.chapters.iter().map(|c| c.line).collect();
    plan.passages
        .iter()
        .map(|p| {
            let ord = if p.chapter.is_some() {
                chapter_lines.partition_point(|&l| l <= p.line_start as usize) as u64
            } else {
                0
            };
            let info = StoredInfo {
                kind: p.kind,
                part: p.part.clone(),
                chapter: p.chapter.clone(),
                section: p.section.clone(),
                path: p.path.clone(),
                line_start: p.line_start,
                line_end: p.line_end,
                line_map: p.line_map.clone(),
                heads: p.heads.clone(),
                pages: p.pages,
            };
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.chars, &p.text);
            doc.add_text(fields.words, &p.text);
            doc.add_bytes(
                fields.info,
                &postcard::to_allocvec(&info).expect("passage info serialises"),
            );
            doc.add_text(fields.path, key);
            doc.add_u64(fields.doc, id);
            if let Some(no) = p.chapter.as_ref().and_then(|c| c.no) {
                doc.add_u64(fields.chapter, u64::from(no));
            }
            doc.add_u64(fields.chapter_ord, ord);
            doc.add_u64(fields.kind, schema::kind_code(p.kind));
            doc.add_u64(fields.genre, p.genre().code());
            for &line in &p.heads {
                doc.add_u64(fields.under, schema::under_key(id, line));
            }
            let mut prints: Vec<u64> = shingles::fingerprints(&p.text)
                .iter()
                .map(|f| f.0)
                .collect();
            prints.sort_unstable();
            prints.dedup();
            for h in prints {
                doc.add_u64(fields.shingles, h);
            }
            doc
        })
        .collect()
}

/// A passage read back from the index.
pub fn passage_from_doc(fields: &Fields, doc: &TantivyDocument) -> Result<Passage> {
    let text = doc
        .get_first(fields.chars)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let info = doc
        .get_first(fields.info)
        .and_then(|v| v.as_bytes())
        .unwrap_or_default();
    let info: StoredInfo = postcard::from_bytes(info).map_err(|e| Error::IndexDamaged {
        path: PathBuf::from("?"),
        reason: format!("a stored passage is unreadable ({e})"),
    })?;
    Ok(Passage {
        kind: info.kind,
        part: info.part,
        chapter: info.chapter,
        section: info.section,
        path: info.path,
        line_start: info.line_start,
        line_end: info.line_end,
        text,
        line_map: info.line_map,
        heads: info.heads,
        pages: info.pages,
    })
}

/// Whether a directory holds a tantivy index.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Registers the tokenizers an index needs to be written. Reading needs none: queries build
/// their terms directly.
pub fn register_tokenizers(index: &Index, jieba: std::sync::Arc<jieba_rs::Jieba>) {
    let m = index.tokenizers();
    m.register(CHARS, CharTokenizer);
    m.register(tokenize::JIEBA, tokenize::JiebaTokenizer::new(jieba));
}

fn damaged(dir: &Path, reason: String) -> Error {
    Error::IndexDamaged {
        path: dir.to_path_buf(),
        reason,
    }
}

/// Opens a tantivy index and finds plansearch's fields in it.
pub fn open_index(dir: &Path) -> Result<(Index, Fields)> {
    let index = Index::open_in_dir(dir).map_err(|e| damaged(dir, e.to_string()))?;
    with_fields(index, dir)
}

/// Opens a tantivy index for searching: a search reads a few postings lists and stored blocks
/// scattered over the files, so the kernel is told not to read ahead around each: read-ahead
/// took about a sixth of a short search's time.
fn open_index_for_search(dir: &Path) -> Result<(Index, Fields)> {
    use tantivy::directory::{Advice, MmapDirectory};
    let directory = MmapDirectory::open_with_madvice(dir, Advice::Random)
        .map_err(|e| damaged(dir, e.to_string()))?;
    let index = Index::open(directory).map_err(|e| damaged(dir, e.to_string()))?;
    with_fields(index, dir)
}

fn with_fields(index: Index, dir: &Path) -> Result<(Index, Fields)> {
    let fields = schema::fields(&index.schema())
        .ok_or_else(|| damaged(dir, "it was built by another version of plansearch".into()))?;
    Ok((index, fields))
}

/// The manifest of the last commit, with the name of its file; `None` for an index created but
/// never committed.
pub fn read_manifest(index: &Index, dir: &Path) -> Result<Option<(Manifest, String)>> {
    Ok(read_commit(index, dir)?.map(|c| (c.manifest, c.manifest_file)))
}

/// A segment as a commit left it: its id and the opstamp of its deletes.
type SegmentState = (SegmentId, Option<u64>);

/// What the last commit holds: the manifest, the file it is stored in, and the segments it
/// describes.
struct Commit {
    manifest: Manifest,
    manifest_file: String,
    segments: Vec<SegmentState>,
}

fn read_commit(index: &Index, dir: &Path) -> Result<Option<Commit>> {
    let metas = index
        .load_metas()
        .map_err(|e| damaged(dir, e.to_string()))?;
    let segments = metas
        .segments
        .iter()
        .map(|s| (s.id(), s.delete_opstamp()))
        .collect();
    match metas.payload.as_deref() {
        Some(p) => {
            let manifest = Manifest::load(dir, p).map_err(|e| damaged(dir, e))?;
            let manifest_file = manifest::named_in(p)
                .ok_or_else(|| damaged(dir, "its commit names no manifest".into()))?;
            Ok(Some(Commit {
                manifest,
                manifest_file,
                segments,
            }))
        }
        None if metas.segments.is_empty() => Ok(None),
        None => Err(damaged(dir, "it has no manifest".into())),
    }
}

fn same_segments(a: &[SegmentState], b: &[SegmentState]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// An index opened for searching: its searcher, fields and manifest.
pub struct Opened {
    pub dir: PathBuf,
    pub reader: IndexReader,
    pub fields: Fields,
    pub manifest: Manifest,
    /// Position in `manifest.docs` of each document id.
    by_id: HashMap<u64, usize>,
}

impl Opened {
    /// Opens the index in `dir`, or says clearly why it cannot be searched.
    pub fn open(dir: &Path) -> Result<Opened> {
        match std::fs::metadata(dir) {
            Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir.to_path_buf())),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoIndex(dir.to_path_buf()));
            }
            Err(e) => return Err(Error::io(dir, e)),
        }
        if !exists(dir) {
            return Err(Error::NoIndex(dir.to_path_buf()));
        }
        let (index, fields) = open_index_for_search(dir)?;
        // The manifest and the reader each read the last commit; an indexer committing in
        // between would pair a manifest with passages it does not list. Read until they agree.
        let mut attempts = 0;
        let (manifest, by_id, reader) = loop {
            // Decoding the manifest (every plan's record and outline) takes about as long as
            // opening tantivy's segments: one is done on another thread while the other is.
            let (commit, reader) = std::thread::scope(|s| {
                let commit = s.spawn(|| {
                    // Created but never committed (a first build was interrupted): nothing to
                    // search.
                    let commit = read_commit(&index, dir)?
                        .ok_or_else(|| Error::NoIndex(dir.to_path_buf()))?;
                    let by_id: HashMap<u64, usize> = commit
                        .manifest
                        .docs
                        .iter()
                        .enumerate()
                        .map(|(i, d)| (d.id, i))
                        .collect();
                    Ok::<_, Error>((commit, by_id))
                });
                let reader = index
                    .reader_builder()
                    .reload_policy(ReloadPolicy::Manual)
                    .try_into();
                let commit = commit
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (commit, reader)
            });
            let (commit, by_id) = commit?;
            let reader: IndexReader =
                reader.map_err(|e: tantivy::TantivyError| damaged(dir, e.to_string()))?;
            let read: Vec<SegmentState> = reader
                .searcher()
                .segment_readers()
                .iter()
                .map(|r| (r.segment_id(), r.delete_opstamp()))
                .collect();
            if same_segments(&read, &commit.segments) {
                break (commit.manifest, by_id, reader);
            }
            attempts += 1;
            if attempts == 10 {
                return Err(Error::IndexBusy(dir.to_path_buf()));
            }
        };
        Ok(Opened {
            dir: dir.to_path_buf(),
            reader,
            fields,
            manifest,
            by_id,
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The manifest record of a document id.
    pub fn doc(&self, id: u64) -> Option<&Arc<DocRecord>> {
        self.by_id.get(&id).map(|&i| &self.manifest.docs[i])
    }

    /// The passage stored at `addr`, read through `searcher` (one of this index's).
    pub fn passage(&self, searcher: &Searcher, addr: tantivy::DocAddress) -> Result<Passage> {
        let stored: TantivyDocument = searcher.doc(addr)?;
        passage_from_doc(&self.fields, &stored)
    }
}
