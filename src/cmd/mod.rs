//! One module per subcommand, each with a config struct and a `run` entry point. Query commands
//! find their index through [`crate::open`].

pub mod compare;
pub mod docs;
pub mod index;
pub mod keyness;
pub mod kwic;
pub mod outline;
pub mod reuse;
pub mod search;
pub mod serve;
pub mod targets;

/// Leaves what a one-shot command opened and found to the end of the process. Once its answer is
/// printed the command has no more use for them, and the operating system takes back their memory
/// and mapped files at exit in one step; dropping them would free the manifest one allocation at
/// a time and unmap every segment file first (about 1.4 ms at 500 plans, a tenth of a search).
/// Only the commands call this: the web server keeps its index and frees its answers.
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

pub use crate::open::{
    DEFAULT_CORPUS, DEFAULT_INDEX, IndexLocation, answer_fresh, build_reported, open_fresh,
};
