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

pub use crate::open::{
    DEFAULT_CORPUS, DEFAULT_INDEX, IndexLocation, answer_fresh, build_reported, open_fresh,
};
