//! Opening an index that answers for its corpus as it is now: building it when it is missing,
//! updating it when files were added, changed or removed. Every front end — the commands and the
//! web server — opens its index here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::index::Opened;
use crate::index::build::{self, BuildOptions, Summary};
use crate::present::progress::{Reporter, summary_line};
use crate::read::ReadOptions;

/// The corpus folder used when none is given and the index records none.
pub const DEFAULT_CORPUS: &str = "corpus";
/// The index folder used when none is given.
pub const DEFAULT_INDEX: &str = "index";

/// Where a query command finds its index, and the corpus it mirrors.
#[derive(Debug, Clone)]
pub struct IndexLocation {
    pub index: PathBuf,
    /// `--corpus`, if given; otherwise the corpus the index records, or `corpus/`.
    pub corpus: Option<PathBuf>,
    pub read: ReadOptions,
}

/// Opens the index, first building it if it is missing, or updating it if its corpus changed.
/// Another process writing the index is not an error here: the index is searched as it is.
pub fn open_fresh(loc: &IndexLocation) -> Result<Opened> {
    answer_fresh(loc, |_| Ok(())).map(|(opened, ())| opened)
}

/// Opens the index and answers `query` from it, as [`open_fresh`] would, with one difference in
/// timing: whether the corpus changed since the index was built is checked on another thread
/// while `query` runs, not before. The check walks the corpus and looks at every file's size and
/// time, which at a few hundred plans costs as much as answering a phrase query; the two overlap.
/// When the corpus did change, the answer is thrown away, the index updated, and `query` asked
/// again of the updated index: what is returned always comes from an index that holds the corpus
/// as it is now (or as another process writing it left it).
pub fn answer_fresh<T>(
    loc: &IndexLocation,
    query: impl Fn(&Opened) -> Result<T>,
) -> Result<(Opened, T)> {
    let opened = match Opened::open(&loc.index) {
        Err(Error::NoIndex(_)) => None,
        other => Some(other?),
    };
    let Some(opened) = opened else {
        let corpus = loc
            .corpus
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CORPUS));
        crate::read::check_corpus(&corpus)?; // a missing corpus is the error, not the missing index
        eprintln!(
            "plansearch: no index at {}; indexing {} first",
            loc.index.display(),
            corpus.display()
        );
        run_build(&corpus, &loc.index, loc.read, Duration::from_secs(600))?;
        return open_and_answer(&loc.index, &query);
    };
    let corpus = match &loc.corpus {
        Some(c) => c.clone(),
        None if opened.manifest.corpus.is_dir() => opened.manifest.corpus.clone(),
        None if Path::new(DEFAULT_CORPUS).is_dir() => PathBuf::from(DEFAULT_CORPUS),
        // The corpus is gone: the index is all there is.
        None => return answer_from(opened, &query),
    };
    let (stale, answer) = std::thread::scope(|s| {
        let check = s.spawn(|| build::is_stale(&opened.manifest, &corpus));
        let answer = query(&opened);
        let stale = check
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (stale, answer)
    });
    if !stale? {
        return answer.map(|a| (opened, a));
    }
    drop(answer);
    drop(opened);
    match run_build(&corpus, &loc.index, loc.read, Duration::ZERO) {
        Ok(()) => {}
        Err(Error::IndexBusy(dir)) => eprintln!(
            "plansearch: index {}: another plansearch process is updating it; searching it as it is",
            dir.display()
        ),
        Err(e) => return Err(e),
    }
    open_and_answer(&loc.index, &query)
}

/// Opens the index as it is and answers `query` from it.
fn open_and_answer<T>(index: &Path, query: &impl Fn(&Opened) -> Result<T>) -> Result<(Opened, T)> {
    answer_from(Opened::open(index)?, query)
}

/// Answers `query` from an opened index, and keeps the index with the answer.
fn answer_from<T>(opened: Opened, query: &impl Fn(&Opened) -> Result<T>) -> Result<(Opened, T)> {
    let answer = query(&opened)?;
    Ok((opened, answer))
}

fn run_build(corpus: &Path, index: &Path, read: ReadOptions, lock_wait: Duration) -> Result<()> {
    let mut opts = BuildOptions::new(corpus.to_path_buf(), index.to_path_buf());
    opts.read = read;
    opts.lock_wait = lock_wait;
    build_reported(&opts).map(drop)
}

/// Builds or updates an index with progress on stderr, and a summary line at the end.
pub fn build_reported(opts: &BuildOptions) -> Result<Summary> {
    let reporter = Reporter::new();
    let summary = build::update(opts, &reporter);
    reporter.done();
    let summary = summary?;
    eprintln!("plansearch: {}", summary_line(&summary, &opts.index));
    Ok(summary)
}
