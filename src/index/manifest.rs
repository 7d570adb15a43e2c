//! The manifest: which files the index holds, how each looked when it was indexed, and what the
//! structure reader found in it.
//!
//! It travels in the payload of each tantivy commit, so the list of indexed files and the
//! indexed passages change in the same atomic step: a process killed mid-run leaves a manifest
//! that describes exactly the last committed index.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::schema::FORMAT;

/// The indexed corpus.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// Index format; see [`FORMAT`].
    pub format: u32,
    /// The corpus folder, as an absolute path.
    pub corpus: PathBuf,
    /// One record per indexed file, sorted by path.
    pub docs: Vec<DocRecord>,
}

/// One indexed file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocRecord {
    /// Path relative to the corpus, with `/` separators: the file's key.
    pub path: String,
    /// Stable id derived from `path`, stored with every passage of the file.
    pub id: u64,
    /// The file name, as results show it.
    pub file: String,
    pub region: String,
    pub title: Option<String>,
    pub period: Option<String>,
    pub encoding: String,
    /// What the file looked like when indexed: size, modification time, content hash.
    pub fingerprint: Fingerprint,
    pub passages: u64,
    /// Characters in all passages: the denominator of rates.
    pub chars: u64,
    /// The outline's chapters in order; a passage's `chapter_ord` is 1 + its index here.
    pub chapters: Vec<ChapterRecord>,
}

impl DocRecord {
    /// The chapter at 1-based place `ord` in the outline; `None` for 0 (before any chapter).
    pub fn chapter(&self, ord: u64) -> Option<&ChapterRecord> {
        (ord as usize)
            .checked_sub(1)
            .and_then(|i| self.chapters.get(i))
    }
}

/// A chapter as the manifest records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChapterRecord {
    pub no: Option<u32>,
    pub title: Option<String>,
    /// 第三章, 前言.
    pub label: String,
}

/// A file's size, modification time and content hash.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Fingerprint {
    pub size: u64,
    /// Nanoseconds since the Unix epoch; 0 if the file system does not say.
    pub mtime: u64,
    pub hash: u64,
}

impl Fingerprint {
    /// Size and modification time of a file, without reading it.
    pub fn stat(path: &Path) -> std::io::Result<Fingerprint> {
        let meta = std::fs::metadata(path)?;
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Ok(Fingerprint {
            size: meta.len(),
            mtime,
            hash: 0,
        })
    }

    /// Whether a file with this size and time may still hold the indexed content.
    pub fn same_stat(&self, other: &Fingerprint) -> bool {
        self.size == other.size && self.mtime == other.mtime
    }
}

/// The content hash stored in fingerprints.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The id of a document, from its corpus-relative path.
pub fn doc_id(path: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path.as_bytes())
}

impl Manifest {
    pub fn new(corpus: PathBuf) -> Self {
        Manifest {
            format: FORMAT,
            corpus,
            docs: Vec::new(),
        }
    }

    /// Reads a manifest from a commit payload.
    pub fn from_payload(payload: &str) -> Result<Manifest, String> {
        let m: Manifest =
            serde_json::from_str(payload).map_err(|e| format!("unreadable manifest ({e})"))?;
        if m.format != FORMAT {
            return Err(format!(
                "index format {} is not this version's format {FORMAT}",
                m.format
            ));
        }
        Ok(m)
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("a manifest always serialises")
    }

    /// The record of a file, by corpus-relative path.
    pub fn get(&self, path: &str) -> Option<&DocRecord> {
        self.docs
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.docs[i])
    }

    /// Inserts or replaces a record, keeping the list sorted.
    pub fn upsert(&mut self, record: DocRecord) {
        match self.docs.binary_search_by(|d| d.path.cmp(&record.path)) {
            Ok(i) => self.docs[i] = record,
            Err(i) => self.docs.insert(i, record),
        }
    }

    pub fn remove(&mut self, path: &str) {
        if let Ok(i) = self.docs.binary_search_by(|d| d.path.as_str().cmp(path)) {
            self.docs.remove(i);
        }
    }

    /// Number of passages in all documents.
    pub fn passages(&self) -> u64 {
        self.docs.iter().map(|d| d.passages).sum()
    }
}

/// A file's key: its path relative to the corpus, with `/` separators.
pub fn relative_key(corpus: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(corpus).unwrap_or(file);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str) -> DocRecord {
        DocRecord {
            path: path.into(),
            id: doc_id(path),
            file: path.into(),
            region: "r".into(),
            title: None,
            period: None,
            encoding: "UTF-8".into(),
            fingerprint: Fingerprint::default(),
            passages: 1,
            chars: 10,
            chapters: vec![],
        }
    }

    #[test]
    fn round_trips_through_a_payload_and_checks_the_format() {
        let mut m = Manifest::new("/c".into());
        m.upsert(record("b.txt"));
        m.upsert(record("a.txt"));
        m.upsert(record("b.txt"));
        assert_eq!(
            m.docs.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
            ["a.txt", "b.txt"]
        );
        let back = Manifest::from_payload(&m.to_payload()).unwrap();
        assert_eq!(back, m);
        assert!(back.get("b.txt").is_some() && back.get("c.txt").is_none());
        let old = m
            .to_payload()
            .replace(&format!("\"format\":{FORMAT}"), "\"format\":0");
        assert!(
            Manifest::from_payload(&old)
                .unwrap_err()
                .contains("format 0")
        );
        assert!(Manifest::from_payload("{").is_err());
    }

    #[test]
    fn keys_are_relative_with_forward_slashes() {
        assert_eq!(
            relative_key(Path::new("/c"), Path::new("/c/sub/x.txt")),
            "sub/x.txt"
        );
        assert_ne!(doc_id("a.txt"), doc_id("b.txt"));
    }
}
