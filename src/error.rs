//! The library's errors: one enum, each variant a message a user can act on.

use std::path::{Path, PathBuf};

/// Errors from plansearch's library. Each renders as one line naming the file, index or query
/// and the cause.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}", path = .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a directory", path = .0.display())]
    NotADirectory(PathBuf),
    #[error("{path}: {reason}", path = .path.display())]
    BadFile { path: PathBuf, reason: String },
    #[error("index {path}: {reason}; rebuild it with `plansearch index --rebuild`", path = .path.display())]
    IndexDamaged { path: PathBuf, reason: String },
    #[error("index {path}: another plansearch process is writing it; try again when it has finished", path = .0.display())]
    IndexBusy(PathBuf),
    #[error("index {path}: no index here; build one with `plansearch index`", path = .0.display())]
    NoIndex(PathBuf),
    #[error("query {query:?}: {reason}")]
    Query { query: String, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// An I/O error on a path.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;
