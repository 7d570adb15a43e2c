//! Dispatch: one configuration in, one outcome out. Each subcommand lives in [`crate::cmd`].

use std::process::ExitCode;

use crate::cmd;
use crate::cmd::{
    compare::CompareConfig, docs::DocsConfig, index::IndexConfig, kwic::KwicConfig,
    outline::OutlineConfig, search::SearchConfig,
};

/// The resolved configuration of one run.
#[derive(Debug)]
pub struct Config {
    pub command: Command,
}

/// What to run.
#[derive(Debug)]
pub enum Command {
    Outline(OutlineConfig),
    Docs(DocsConfig),
    Index(IndexConfig),
    Search(SearchConfig),
    Compare(CompareConfig),
    Kwic(KwicConfig),
    Serve(crate::serve::ServeOptions),
    Reuse(crate::cmd::reuse::ReuseConfig),
    Keyness(crate::cmd::keyness::KeynessConfig),
    Targets(crate::cmd::targets::TargetsConfig),
}

/// How a successful run ended: with results, or with none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    NotFound,
}

impl Outcome {
    /// 0 with results, 1 without.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Found => ExitCode::SUCCESS,
            Outcome::NotFound => ExitCode::from(1),
        }
    }
}

/// Runs a configuration.
pub fn run(config: &Config) -> crate::Result<Outcome> {
    match &config.command {
        Command::Outline(c) => cmd::outline::run(c),
        Command::Docs(c) => cmd::docs::run(c),
        Command::Index(c) => cmd::index::run(c),
        Command::Search(c) => cmd::search::run(c),
        Command::Compare(c) => cmd::compare::run(c),
        Command::Kwic(c) => cmd::kwic::run(c),
        Command::Serve(c) => cmd::serve::run(c),
        Command::Reuse(c) => cmd::reuse::run(c),
        Command::Keyness(c) => cmd::keyness::run(c),
        Command::Targets(c) => cmd::targets::run(c),
    }
}

/// Whether an error is only a closed output pipe (`plansearch … | head`), which is not a failure.
pub fn is_broken_pipe(err: &crate::Error) -> bool {
    matches!(err, crate::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}
