//! The library's errors: one enum, each variant a message a user can act on.

use std::path::{Path, PathBuf};

/// Errors from plansearch's library. Each renders as one line naming the file, index or query
/// and the cause.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {reason}", path = .path.display(), reason = io_reason(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a directory", path = .0.display())]
    NotADirectory(PathBuf),
    #[error("{path}: {reason}", path = .path.display())]
    BadFile { path: PathBuf, reason: String },
    #[error("index {path}: {reason}; rebuild it with `plansearch index --rebuild`", path = .path.display(), reason = one_line(.reason))]
    IndexDamaged { path: PathBuf, reason: String },
    #[error("index {path}: another plansearch process is writing it; try again when it has finished", path = .0.display())]
    IndexBusy(PathBuf),
    #[error("index {path}: no index here; build one with `plansearch index`", path = .0.display())]
    NoIndex(PathBuf),
    #[error("query {query:?}: {reason}")]
    Query { query: String, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("index: {reason}; if it persists, rebuild it with `plansearch index --rebuild`", reason = one_line(&.0.to_string()))]
    Tantivy(#[from] tantivy::TantivyError),
}

/// A library's message cut to one short line: its first line, without the dump of file contents
/// some of them append.
pub fn one_line(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    let first = first
        .split(" Content: ")
        .next()
        .unwrap_or(first)
        .trim_end_matches(['.', '\'', ' ']);
    if first.chars().count() > 200 {
        format!("{}…", first.chars().take(200).collect::<String>())
    } else {
        first.to_string()
    }
}

/// An I/O error as a short phrase, without the operating system's error number.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        AlreadyExists => "already exists".into(),
        IsADirectory => "is a directory".into(),
        NotADirectory => "not a directory".into(),
        ReadOnlyFilesystem => "read-only file system".into(),
        StorageFull => "no space left on device".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
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
