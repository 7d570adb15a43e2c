//! One module per subcommand, each with a config struct and a `run` entry point.

pub mod docs;
pub mod outline;
