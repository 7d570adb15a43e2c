//! The manifest: which files the index holds, how each looked when it was indexed, and what the
//! structure reader found in it.
//!
//! Each tantivy commit's payload names the manifest file written (and synced) just before it, so
//! the list of indexed files and the indexed passages change in the same atomic step: a process
//! killed mid-run leaves the manifest that describes exactly the last committed index.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
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
    /// Shared with results, which carry their document's record.
    pub docs: Vec<Arc<DocRecord>>,
    /// Files of the corpus that were not indexed, and why, sorted by path: an unchanged one is
    /// not read again (an encrypted PDF stays encrypted), and is no reason to update the index.
    pub skipped: Vec<SkippedRecord>,
}

/// A file of the corpus that could not be indexed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedRecord {
    /// Path relative to the corpus, as for documents.
    pub path: String,
    /// Size and modification time when it was tried.
    pub fingerprint: Fingerprint,
    pub reason: String,
    /// It may read another time unchanged (a tool it needs was missing): `index` tries again.
    pub retry: bool,
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
    /// The format it came in: `text`, `pdf`, `docx`, `html`.
    pub format: String,
    /// What the file looked like when indexed: size, modification time, content hash.
    pub fingerprint: Fingerprint,
    pub passages: u64,
    /// Characters in all passages: the denominator of rates.
    pub chars: u64,
    /// Sections in all chapters.
    pub sections: u64,
    /// The issuing body and date, as the front page states them.
    pub issuer: Option<String>,
    pub date: Option<String>,
    /// Bytes read as U+FFFD.
    pub undecodable: u64,
    /// Pages, for a paged format.
    pub pages: Option<u32>,
    /// The outline's chapters in order; a passage's `chapter_ord` is 1 + its index here.
    pub chapters: Chapters,
}

impl DocRecord {
    /// The chapter at 1-based place `ord` in the outline; `None` for 0 (before any chapter).
    pub fn chapter(&self, ord: u64) -> Option<&ChapterRecord> {
        (ord as usize)
            .checked_sub(1)
            .and_then(|i| self.chapters.list().get(i))
    }
}

/// A plan's chapters as the manifest keeps them: encoded, and decoded the first time they are
/// asked for. Opening an index decodes every plan's record, and the chapters' labels and titles
/// are most of the manifest's strings (at 500 plans, about two thirds of the time it took to
/// open the manifest); a query needs the chapters of the plans it shows, not of all of them.
#[derive(Clone)]
pub struct Chapters {
    len: usize,
    encoded: Box<[u8]>,
    decoded: OnceLock<Vec<ChapterRecord>>,
}

impl Chapters {
    pub fn new(list: Vec<ChapterRecord>) -> Chapters {
        let encoded = postcard::to_allocvec(&list)
            .expect("chapters always encode")
            .into_boxed_slice();
        Chapters {
            len: list.len(),
            encoded,
            decoded: OnceLock::from(list),
        }
    }

    /// How many chapters, without decoding them.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chapters in order.
    pub fn list(&self) -> &[ChapterRecord] {
        // The bytes were written by `new` and the manifest file they came in was checked against
        // the hash in its name, so they decode.
        self.decoded
            .get_or_init(|| postcard::from_bytes(&self.encoded).unwrap_or_default())
    }
}

impl Default for Chapters {
    /// No chapters, encoded as [`Chapters::new`] encodes them (equal to it).
    fn default() -> Chapters {
        Chapters::new(Vec::new())
    }
}

impl PartialEq for Chapters {
    fn eq(&self, other: &Chapters) -> bool {
        self.encoded == other.encoded
    }
}

impl Eq for Chapters {}

impl std::fmt::Debug for Chapters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.list()).finish()
    }
}

/// How chapters are stored: their number, and their encoding as one run of bytes.
#[derive(Serialize, Deserialize)]
struct StoredChapters {
    len: u32,
    #[serde(with = "serde_bytes")]
    encoded: Vec<u8>,
}

impl Serialize for Chapters {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StoredChapters {
            len: self.len as u32,
            encoded: self.encoded.to_vec(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Chapters {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Chapters, D::Error> {
        let stored = StoredChapters::deserialize(d)?;
        Ok(Chapters {
            len: stored.len as usize,
            encoded: stored.encoded.into_boxed_slice(),
            decoded: OnceLock::new(),
        })
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

/// What a commit's payload holds: the index format and the manifest file of that commit. The
/// manifest itself lives in its own file, so that opening an index reads tantivy's metadata
/// quickly and the manifest in a compact binary form.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    format: u32,
    manifest: Option<String>,
}

const MANIFEST_PREFIX: &str = "plansearch-manifest-";
const MANIFEST_SUFFIX: &str = ".bin";

/// Whether a file in the index folder is a manifest (or one being written).
pub fn is_manifest_file(name: &str) -> bool {
    name.strip_prefix(MANIFEST_PREFIX)
        .map(|rest| rest.strip_suffix(".tmp").unwrap_or(rest))
        .and_then(|rest| rest.strip_suffix(MANIFEST_SUFFIX))
        .is_some_and(|hash| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The manifest file a payload names.
pub fn named_in(payload: &str) -> Option<String> {
    serde_json::from_str::<Payload>(payload).ok()?.manifest
}

/// Removes the manifest files of `dir` other than those in `keep`: the ones of older commits,
/// and any left by a process killed between writing a manifest and committing.
pub fn remove_others(dir: &Path, keep: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_manifest_file(&name) && !keep.contains(&name.as_str()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The file name of a manifest: its content's hash.
fn file_name(bytes: &[u8]) -> String {
    format!(
        "{MANIFEST_PREFIX}{:016x}{MANIFEST_SUFFIX}",
        xxhash_rust::xxh3::xxh3_64(bytes)
    )
}

fn check_format(format: u32) -> Result<(), String> {
    if format == FORMAT {
        Ok(())
    } else {
        Err(format!(
            "index format {format} is not this version's format {FORMAT}"
        ))
    }
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
            skipped: Vec::new(),
        }
    }

    /// Reads the manifest a commit's payload names, from the index folder `dir`.
    pub fn load(dir: &Path, payload: &str) -> Result<Manifest, String> {
        let p: Payload = serde_json::from_str(payload)
            .map_err(|e| format!("unreadable commit payload ({e})"))?;
        check_format(p.format)?;
        let name = p.manifest.ok_or("the commit names no manifest")?;
        if !is_manifest_file(&name) {
            return Err(format!("the commit names a strange manifest file {name:?}"));
        }
        let bytes = std::fs::read(dir.join(&name)).map_err(|e| format!("manifest {name}: {e}"))?;
        // The name holds the hash of the content: a manifest damaged on disk is caught here, not
        // when a part of it decoded later turns out unreadable.
        if name != file_name(&bytes) {
            return Err(format!(
                "manifest {name} is damaged (its content does not match its name)"
            ));
        }
        let m: Manifest = postcard::from_bytes(&bytes)
            .map_err(|e| format!("manifest {name} is unreadable ({e})"))?;
        check_format(m.format)?;
        Ok(m)
    }

    /// Writes the manifest durably into the index folder `dir`, under a name given by its content,
    /// and returns the commit payload that names it.
    pub fn store(&self, dir: &Path) -> std::io::Result<String> {
        let bytes = postcard::to_allocvec(self).map_err(std::io::Error::other)?;
        let name = file_name(&bytes);
        let tmp = dir.join(format!("{name}.tmp"));
        {
            let mut f = std::fs::File::create(&tmp)?;
            std::io::Write::write_all(&mut f, &bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, dir.join(&name))?;
        // The rename must reach the disk before a commit names the file.
        std::fs::File::open(dir)?.sync_all()?;
        let payload = Payload {
            format: FORMAT,
            manifest: Some(name),
        };
        Ok(serde_json::to_string(&payload).expect("a payload always serialises"))
    }

    /// The record of a file, by corpus-relative path.
    pub fn get(&self, path: &str) -> Option<&DocRecord> {
        self.docs
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &*self.docs[i])
    }

    /// Inserts or replaces a record, keeping the list sorted.
    pub fn upsert(&mut self, record: DocRecord) {
        match self.docs.binary_search_by(|d| d.path.cmp(&record.path)) {
            Ok(i) => self.docs[i] = Arc::new(record),
            Err(i) => self.docs.insert(i, Arc::new(record)),
        }
    }

    pub fn remove(&mut self, path: &str) {
        if let Ok(i) = self.docs.binary_search_by(|d| d.path.as_str().cmp(path)) {
            self.docs.remove(i);
        }
    }

    /// The record of a skipped file, by corpus-relative path.
    pub fn skipped(&self, path: &str) -> Option<&SkippedRecord> {
        self.skipped
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.skipped[i])
    }

    /// Records a skipped file (and drops any document record it had).
    pub fn skip(&mut self, record: SkippedRecord) {
        self.remove(&record.path);
        match self.skipped.binary_search_by(|d| d.path.cmp(&record.path)) {
            Ok(i) => self.skipped[i] = record,
            Err(i) => self.skipped.insert(i, record),
        }
    }

    /// Forgets that a file was skipped.
    pub fn unskip(&mut self, path: &str) {
        if let Ok(i) = self.skipped.binary_search_by(|d| d.path.as_str().cmp(path)) {
            self.skipped.remove(i);
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
            format: "text".into(),
            fingerprint: Fingerprint::default(),
            passages: 1,
            chars: 10,
            sections: 0,
            issuer: None,
            date: None,
            undecodable: 0,
            pages: None,
            chapters: Chapters::default(),
        }
    }

    #[test]
    fn round_trips_through_a_file_named_in_the_payload_and_checks_the_format() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::new("/c".into());
        m.upsert(record("b.txt"));
        m.upsert(record("a.txt"));
        m.upsert(record("b.txt"));
        assert_eq!(
            m.docs.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
            ["a.txt", "b.txt"]
        );
        let payload = m.store(dir.path()).unwrap();
        let name = named_in(&payload).unwrap();
        assert!(is_manifest_file(&name), "{name}");
        let back = Manifest::load(dir.path(), &payload).unwrap();
        assert_eq!(back, m);
        assert!(back.get("b.txt").is_some() && back.get("c.txt").is_none());

        // Another manifest gets another file; cleaning keeps only what is asked for.
        m.remove("a.txt");
        let second = named_in(&m.store(dir.path()).unwrap()).unwrap();
        assert_ne!(second, name);
        remove_others(dir.path(), &[&second]);
        assert!(!dir.path().join(&name).exists() && dir.path().join(&second).exists());

        let old = payload.replace(&format!("\"format\":{FORMAT}"), "\"format\":0");
        assert!(
            Manifest::load(dir.path(), &old)
                .unwrap_err()
                .contains("format 0")
        );
        assert!(Manifest::load(dir.path(), "{").is_err());
        // The named file is gone (cleaned above): a clear error, not a panic.
        assert!(
            Manifest::load(dir.path(), &payload)
                .unwrap_err()
                .contains(&name)
        );
        // A byte changed on disk: the content no longer matches the hash in the name.
        let mut bytes = std::fs::read(dir.path().join(&second)).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(dir.path().join(&second), &bytes).unwrap();
        let second_payload = payload.replace(&name, &second);
        let err = Manifest::load(dir.path(), &second_payload).unwrap_err();
        assert!(err.contains("damaged") && err.contains(&second), "{err}");
        // Content that matches its name but is no manifest.
        let junk = file_name(b"\xff\xff");
        std::fs::write(dir.path().join(&junk), b"\xff\xff").unwrap();
        let err = Manifest::load(dir.path(), &payload.replace(&name, &junk)).unwrap_err();
        assert!(err.contains("unreadable"), "{err}");
        assert!(!is_manifest_file("meta.json") && !is_manifest_file("plansearch-manifest-x.bin"));
    }

    #[test]
    fn chapters_are_stored_encoded_and_decoded_when_first_asked_for() {
        let chapters = vec![
            ChapterRecord {
                no: Some(1),
                title: Some("开启新征程".into()),
                label: "第一章".into(),
            },
            ChapterRecord {
                no: None,
                title: None,
                label: "前言".into(),
            },
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::new("/c".into());
        m.upsert(DocRecord {
            chapters: Chapters::new(chapters.clone()),
            ..record("a.txt")
        });
        m.upsert(record("b.txt"));
        let back = Manifest::load(dir.path(), &m.store(dir.path()).unwrap()).unwrap();
        let a = back.get("a.txt").unwrap();
        // Loaded: counted, not yet decoded.
        assert_eq!(a.chapters.len(), 2);
        assert!(a.chapters.decoded.get().is_none());
        assert_eq!(a.chapter(2).unwrap().label, "前言");
        assert_eq!(a.chapters.list(), chapters.as_slice());
        assert!(a.chapter(0).is_none() && a.chapter(3).is_none());
        let b = back.get("b.txt").unwrap();
        assert!(b.chapters.is_empty() && b.chapters.list().is_empty());
        assert_eq!(back, m);
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
