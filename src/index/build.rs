//! Bringing an index in line with its corpus, file by file.
//!
//! Unchanged files (same size and modification time, or same content) are left alone; a changed,
//! added or removed file is re-indexed or dropped alone. Files are read and parsed on all cores
//! in batches, their passages handed to tantivy's writer threads, and the work committed
//! together with the manifest — every few dozen megabytes for a first build, so a killed run
//! keeps what it finished; once at the end for `--rebuild`, so the old index stays whole until
//! the new one replaces it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tantivy::indexer::{NoMergePolicy, UserOperation};
use tantivy::schema::Term;
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, IndexWriter, TantivyDocument};

use super::manifest::{
    self, ChapterRecord, Chapters, DocRecord, Fingerprint, Manifest, SkippedRecord,
};
use super::schema::{self, Fields};
use super::{register_tokenizers, tokenize};
use crate::error::{Error, Result, io_reason};
use crate::plan::Plan;
use crate::read::{self, ReadOptions, Skipped};

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// Rebuild from scratch, replacing the old index in one commit at the end.
    pub rebuild: bool,
    pub read: ReadOptions,
    /// Indexing threads; tantivy needs at least 15 MB of `memory_mb` for each.
    pub threads: usize,
    pub memory_mb: usize,
    /// Commit after this many bytes of text (not for `--rebuild`).
    pub commit_every: u64,
    /// How long to wait for another process that holds the index.
    pub lock_wait: Duration,
}

impl BuildOptions {
    pub fn new(corpus: PathBuf, index: PathBuf) -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        BuildOptions {
            corpus,
            index,
            rebuild: false,
            read: ReadOptions::default(),
            threads,
            memory_mb: 128 * threads,
            commit_every: 64_000_000,
            lock_wait: Duration::from_secs(600),
        }
    }
}

/// What a build reports while it runs. The indexer never prints; the command renders these.
pub trait Progress: Sync {
    /// The files to (re-)index and their total size are known.
    fn planned(&self, _files: usize, _bytes: u64) {}
    /// A file has been read and handed to the writer.
    fn file_done(&self, _name: &str, _bytes: u64) {}
    /// A file could not be indexed.
    fn skipped(&self, _skipped: &Skipped) {}
    /// Another process holds the index; waiting for it.
    fn waiting(&self, _dir: &Path) {}
    /// Committing (and merging) after the last file.
    fn finishing(&self) {}
    /// Something went wrong that leaves the index whole.
    fn warning(&self, _message: &str) {}
}

/// No progress reports.
pub struct Quiet;
impl Progress for Quiet {}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub documents: usize,
    pub passages: u64,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Bytes of the files read and indexed.
    pub bytes: u64,
    pub skipped: Vec<Skipped>,
    pub elapsed: Duration,
}

impl Summary {
    /// Whether the index was already up to date.
    pub fn no_change(&self) -> bool {
        self.added == 0 && self.changed == 0 && self.removed == 0
    }
}

/// A file to read, with what the manifest knew of it.
struct Job {
    path: PathBuf,
    key: String,
    stat: Fingerprint,
    /// What the manifest records of the file, if it was indexed before.
    known: Option<DocRecord>,
}

/// What reading a job produced.
enum Outcome {
    Indexed(DocRecord, bool),
    /// Same content under a new modification time: only the manifest changes.
    Touched(DocRecord),
    Skipped(Skipped),
}

/// Brings the index at `opts.index` in line with the corpus at `opts.corpus`.
pub fn update(opts: &BuildOptions, progress: &dyn Progress) -> Result<Summary> {
    let started = Instant::now();
    let (files, walk_skipped) = read::walk(&opts.corpus)?;
    let corpus = std::fs::canonicalize(&opts.corpus).map_err(|e| Error::io(&opts.corpus, e))?;
    let (index, fields) = open_or_create(&opts.index, opts.rebuild)?;
    let mut writer = acquire_writer(&index, opts, progress)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    // Read only now, under the lock: another process may have committed while we waited.
    let (old, mut previous) = match super::read_manifest(&index, &opts.index) {
        // The manifest file of the commit we start from is kept through our first commit.
        Ok(Some((m, file))) => (Some(m), Some(file)),
        Ok(None) => (None, None),
        Err(e) if !opts.rebuild => return Err(e),
        Err(_) => (None, None),
    };

    let mut summary = Summary {
        skipped: walk_skipped,
        ..Summary::default()
    };
    for s in &summary.skipped {
        progress.skipped(s);
    }
    let mut manifest = match old {
        Some(m) if !opts.rebuild => m,
        _ => {
            writer.delete_all_documents()?;
            Manifest::new(corpus.clone())
        }
    };
    let mut dirty = opts.rebuild || manifest.corpus != corpus;
    manifest.corpus = corpus.clone();

    // Which files are new, changed or gone.
    let mut jobs = Vec::new();
    let mut present = std::collections::HashSet::new();
    for path in files {
        let key = manifest::relative_key(&opts.corpus, &path);
        let stat = match Fingerprint::stat(&path) {
            Ok(s) => s,
            Err(e) => {
                let s = Skipped::new(&path, io_reason(&e));
                progress.skipped(&s);
                summary.skipped.push(s);
                continue;
            }
        };
        present.insert(key.clone());
        let known = manifest.get(&key);
        let known_skip = manifest
            .skipped(&key)
            .filter(|k| k.fingerprint.same_stat(&stat) && !k.retry);
        if known.is_some_and(|k| k.fingerprint.same_stat(&stat)) {
            summary.unchanged += 1;
        } else if let Some(k) = known_skip {
            // Skipped before, unchanged since: said again, not read again.
            let s = Skipped::new(&path, k.reason.clone());
            progress.skipped(&s);
            summary.skipped.push(s);
        } else {
            jobs.push(Job {
                path,
                key,
                stat,
                known: known.cloned(),
            });
        }
    }
    let gone: Vec<String> = manifest
        .docs
        .iter()
        .map(|d| d.path.clone())
        .filter(|k| !present.contains(k))
        .collect();
    for key in &gone {
        writer.delete_term(Term::from_field_text(fields.path, key));
        manifest.remove(key);
        summary.removed += 1;
        dirty = true;
    }
    let gone_skips: Vec<String> = manifest
        .skipped
        .iter()
        .map(|d| d.path.clone())
        .filter(|k| !present.contains(k))
        .collect();
    for key in &gone_skips {
        manifest.unskip(key);
        dirty = true;
    }

    progress.planned(jobs.len(), jobs.iter().map(|j| j.stat.size).sum());
    if !jobs.is_empty() {
        // jieba's dictionary takes tens of milliseconds to load: only when there is text to
        // segment. Tantivy's writer threads look the tokenizers up at their first document.
        register_tokenizers(&index, tokenize::jieba());
    }
    let mut since_commit = 0u64;
    for batch in jobs.chunks(16) {
        let outcomes: Vec<Outcome> = {
            let w = &writer;
            batch
                .par_iter()
                .map(|job| {
                    let o = index_file(job, &fields, &opts.read, w, progress);
                    if let Outcome::Skipped(s) = &o {
                        progress.skipped(s);
                    }
                    progress.file_done(&job.key, job.stat.size);
                    o
                })
                .collect()
        };
        for (job, outcome) in batch.iter().zip(outcomes) {
            match outcome {
                Outcome::Indexed(record, replaced) => {
                    if replaced {
                        summary.changed += 1;
                    } else {
                        summary.added += 1;
                    }
                    summary.bytes += job.stat.size;
                    since_commit += job.stat.size;
                    manifest.unskip(&record.path);
                    manifest.upsert(record);
                    dirty = true;
                }
                Outcome::Touched(record) => {
                    summary.unchanged += 1;
                    manifest.upsert(record);
                    dirty = true;
                }
                Outcome::Skipped(s) => {
                    // A file that can no longer be read leaves the index.
                    if job.known.is_some() {
                        writer.delete_term(Term::from_field_text(fields.path, &job.key));
                        summary.removed += 1;
                    }
                    let record = SkippedRecord {
                        path: job.key.clone(),
                        fingerprint: job.stat,
                        reason: s.reason.clone(),
                        retry: s.retry,
                    };
                    if manifest.skipped(&job.key) != Some(&record) {
                        manifest.skip(record);
                        dirty = true;
                    }
                    summary.skipped.push(s);
                }
            }
        }
        if !opts.rebuild && since_commit >= opts.commit_every {
            commit(&mut writer, &manifest, &opts.index, &mut previous)?;
            since_commit = 0;
            dirty = false;
        }
    }
    if dirty {
        progress.finishing();
        commit(&mut writer, &manifest, &opts.index, &mut previous)?;
    }
    // Also when nothing changed: a run killed while merging left the merges to this one. The
    // index is whole without them, so a failed merge is a warning, not a failed build.
    let merged = merge_small_segments(&index, &mut writer)
        .and_then(|()| Ok(writer.garbage_collect_files().wait()?))
        .and_then(|_| Ok(writer.wait_merging_threads()?));
    if let Err(e) = merged {
        progress.warning(&format!(
            "merging the index's segments failed ({e}); it is complete, and the next run retries"
        ));
    }
    summary.documents = manifest.docs.len();
    summary.passages = manifest.passages();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Segments of this many passages (about 110 MB of text) or more are not merged again.
const MERGE_MAX_DOCS: u32 = 250_000;
/// Small segments are merged once this many of them wait, as many together as the bound allows.
const MERGE_MIN_SEGMENTS: usize = 8;
/// Fewer small segments are merged when those besides the largest hold at least
/// 1/`MERGE_BALANCE` of it: a merge then rewrites at most four times what it gathers.
const MERGE_BALANCE: u32 = 4;

/// Merges small segments, one merge at a time, each into a segment of at most
/// [`MERGE_MAX_DOCS`] passages.
///
/// Every search pays for every segment: each has its own dictionaries to look words up in and
/// its own postings to open, and related-wording mining looks up thousands of pieces of text.
/// At 500 generated plans, four segments merged into one made searches about an eighth faster,
/// for a merge that took a tenth of the build's CPU time. So a build leaves its small segments
/// merged when they are of a size, while a small update beside a large segment waits until
/// enough such updates gather (see [`MERGE_BALANCE`], [`MERGE_MIN_SEGMENTS`]).
///
/// Tantivy's own policies merge while the writer indexes, several merges at once, into segments
/// of any size; a merge maps the files it reads, so a process merging a national corpus would
/// hold most of the index in memory beside the writer's buffers. Here nothing merges during the
/// build, and each merge afterwards reads a bounded amount: peak memory stays the same however
/// large the corpus. A large corpus keeps several segments, as many as its size requires.
fn merge_small_segments(index: &Index, writer: &mut IndexWriter<TantivyDocument>) -> Result<()> {
    loop {
        let mut small: Vec<_> = index
            .searchable_segment_metas()?
            .into_iter()
            .filter(|m| m.max_doc() < MERGE_MAX_DOCS / 2)
            .collect();
        small.sort_by_key(|m| m.max_doc());
        let mut ids = Vec::new();
        let mut docs = 0;
        let mut largest = 0;
        for m in &small {
            if docs + m.max_doc() > MERGE_MAX_DOCS {
                break;
            }
            docs += m.max_doc();
            largest = m.max_doc();
            ids.push(m.id());
        }
        let balanced = (docs - largest).saturating_mul(MERGE_BALANCE) >= largest;
        if ids.len() < 2 || (small.len() < MERGE_MIN_SEGMENTS && !balanced) {
            return Ok(());
        }
        writer.merge(&ids).wait()?;
    }
}

/// Whether the corpus differs from what the index holds: a file added, removed, or with another
/// size or modification time. Cheap: it reads no file.
pub fn is_stale(manifest: &Manifest, corpus: &Path) -> Result<bool> {
    let (files, _) = read::walk(corpus)?;
    let root = std::fs::canonicalize(corpus).map_err(|e| Error::io(corpus, e))?;
    if root != manifest.corpus || files.len() != manifest.docs.len() + manifest.skipped.len() {
        return Ok(true);
    }
    for path in files {
        let key = manifest::relative_key(corpus, &path);
        let known = manifest
            .get(&key)
            .map(|r| r.fingerprint)
            .or_else(|| manifest.skipped(&key).map(|r| r.fingerprint));
        let same = match (known, Fingerprint::stat(&path)) {
            (Some(r), Ok(stat)) => r.same_stat(&stat),
            _ => false,
        };
        if !same {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Commits the writer's work with the manifest that describes it. The manifest file is on disk
/// before the commit names it; the previous commit's file is kept for readers that opened the
/// index just before this commit, older ones are removed.
fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    manifest: &Manifest,
    dir: &Path,
    previous: &mut Option<String>,
) -> Result<()> {
    let payload = manifest.store(dir).map_err(|e| Error::io(dir, e))?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    let name = manifest::named_in(&payload);
    let keep: Vec<&str> = name
        .iter()
        .chain(previous.iter())
        .map(String::as_str)
        .collect();
    manifest::remove_others(dir, &keep);
    *previous = name;
    Ok(())
}

/// Reads, parses and hands one file's passages to the writer.
fn index_file(
    job: &Job,
    fields: &Fields,
    read_opts: &ReadOptions,
    writer: &IndexWriter<TantivyDocument>,
    progress: &dyn Progress,
) -> Outcome {
    let bytes = match read::read_bytes(&job.path, read_opts) {
        Ok(b) => b,
        Err(s) => return Outcome::Skipped(s),
    };
    let hash = manifest::content_hash(&bytes);
    let fingerprint = Fingerprint { hash, ..job.stat };
    if let Some(known) = job.known.as_ref().filter(|k| k.fingerprint.hash == hash) {
        // Same content under a new modification time: nothing to read again.
        return Outcome::Touched(DocRecord {
            fingerprint,
            ..known.clone()
        });
    }
    let src = match read::source_from_bytes(&job.path, &bytes, read_opts) {
        Ok(src) => src,
        Err(s) => return Outcome::Skipped(s),
    };
    drop(bytes);
    if src.lines.iter().all(|l| l.trim().is_empty()) {
        return Outcome::Skipped(Skipped::new(&job.path, "no text (empty or blank)"));
    }
    let plan = Plan::from_source(&src);
    for note in &plan.notes {
        progress.warning(&format!("{}: {note}", job.path.display()));
    }
    let record = record_for(&plan, &job.key, fingerprint);
    let docs = super::documents(fields, &plan, &job.key, record.id);
    // One group of operations: the delete takes an earlier opstamp than this file's new
    // passages, so it removes only the old ones, and tantivy writes the passages into one
    // segment, in order — a plan's passages are never spread over segments at random, and
    // passages that tie in a search keep the plan's order (see `query::search`).
    let delete = job
        .known
        .is_some()
        .then(|| UserOperation::Delete(Term::from_field_text(fields.path, &job.key)));
    let ops: Vec<UserOperation> = delete
        .into_iter()
        .chain(docs.into_iter().map(UserOperation::Add))
        .collect();
    if let Err(e) = writer.run(ops) {
        return Outcome::Skipped(Skipped::new(&job.path, format!("index writer failed: {e}")));
    }
    Outcome::Indexed(record, job.known.is_some())
}

fn record_for(plan: &Plan, key: &str, fingerprint: Fingerprint) -> DocRecord {
    DocRecord {
        path: key.to_string(),
        id: manifest::doc_id(key),
        file: plan.meta.file.clone(),
        region: plan.meta.region.clone(),
        title: plan.meta.title.clone(),
        period: plan.meta.period.clone(),
        encoding: plan.encoding.to_string(),
        format: plan.format.as_str().to_string(),
        fingerprint,
        passages: plan.passages.len() as u64,
        chars: plan.chars() as u64,
        sections: plan.sections() as u64,
        issuer: plan.meta.issuer.clone(),
        date: plan.meta.date.clone(),
        undecodable: plan.replaced as u64,
        pages: plan.pages,
        chapters: Chapters::new(
            plan.outline
                .chapters
                .iter()
                .map(|c| ChapterRecord {
                    no: c.no,
                    title: c.title.clone(),
                    label: c.label.clone(),
                })
                .collect(),
        ),
    }
}

/// Opens the index in `dir`, or creates one there. Returns its manifest if it has one.
fn open_or_create(dir: &Path, rebuild: bool) -> Result<(Index, Fields)> {
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir.to_path_buf())),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        Err(e) => return Err(Error::io(dir, e)),
    }
    if super::exists(dir) {
        // Opening a reader opens every segment: a missing or unreadable file shows now.
        let readable = super::open_index(dir).and_then(|(index, fields)| {
            index.reader().map_err(|e| Error::IndexDamaged {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })?;
            Ok((index, fields))
        });
        match readable {
            Ok(opened) => return Ok(opened),
            Err(e) if !rebuild => return Err(e),
            Err(_) => clear_index_dir(dir)?,
        }
    } else if has_foreign_files(dir)? {
        return Err(Error::Usage(format!(
            "{}: not a plansearch index and not empty; refusing to write an index there",
            dir.display()
        )));
    }
    let (schema, fields) = schema::build();
    let settings = IndexSettings {
        // A search reads a stored passage for every candidate it ranks, each a block to
        // decompress: measured on 500 generated plans, lz4 instead of zstd (level 3) made
        // searches a fifth faster (in-process mean 22 ms against 29 ms over 60 queries; the
        // whole process 26 ms against 34 ms) for a store of 77% of the text's UTF-8 size
        // against 58%, the index 1.97× the text against 1.78×. A search reads a few hundred
        // passages, and each read decompresses the whole block that holds it: 4 KB blocks
        // (about eight passages) instead of 16 KB made a mixed set of searches a tenth faster
        // for a store an eighth larger (the index a twentieth). An index built with other
        // settings keeps them (tantivy keeps an index's settings) until its directory is
        // removed.
        docstore_compression: Compressor::Lz4,
        docstore_blocksize: 4 * 1024,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)
        .map_err(|e| Error::io(dir, std::io::Error::other(e.to_string())))?;
    Ok((index, fields))
}

/// Files of an index directory: tantivy's metadata, its locks, and segment files named by a
/// 32-digit hexadecimal id; and plansearch's manifests.
fn is_index_file(name: &str) -> bool {
    name == "meta.json"
        || name == ".managed.json"
        || manifest::is_manifest_file(name)
        || name.starts_with(".tantivy-") && name.ends_with(".lock")
        || name
            .split('.')
            .next()
            .is_some_and(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()))
}

fn has_foreign_files(dir: &Path) -> Result<bool> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for e in entries {
        let e = e.map_err(|e| Error::io(dir, e))?;
        if !is_index_file(&e.file_name().to_string_lossy()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Removes a damaged or outdated index's files (and only those) before a rebuild.
fn clear_index_dir(dir: &Path) -> Result<()> {
    if has_foreign_files(dir)? {
        return Err(Error::Usage(format!(
            "{}: holds files that are not part of an index; refusing to clear it",
            dir.display()
        )));
    }
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = e.map_err(|e| Error::io(dir, e))?.path();
        std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// Takes the index's writer lock, waiting while another process holds it.
fn acquire_writer(
    index: &Index,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<IndexWriter<TantivyDocument>> {
    let budget = opts.memory_mb.max(15 * opts.threads) * 1024 * 1024;
    let deadline = Instant::now() + opts.lock_wait;
    let mut told = false;
    loop {
        match index.writer_with_num_threads(opts.threads, budget) {
            Ok(w) => return Ok(w),
            Err(tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _,
            )) => {
                if Instant::now() >= deadline {
                    return Err(Error::IndexBusy(opts.index.clone()));
                }
                if !told {
                    progress.waiting(&opts.index);
                    told = true;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_tantivy_files_and_nothing_else() {
        for name in [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.12.del",
        ] {
            assert!(is_index_file(name), "{name}");
        }
        for name in ["notes.txt", "plan.md", "meta.json.bak"] {
            assert!(!is_index_file(name), "{name}");
        }
    }
}
