//! The `plansearch` command: parse arguments, run, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

use plansearch::app;
use plansearch::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.into_config().and_then(|config| app::run(&config)) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) if app::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("plansearch: {err:#}");
            ExitCode::from(2)
        }
    }
}
