//! The `plansearch` command: parse arguments, run, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use plansearch::app;
use plansearch::cli::Cli;

fn main() -> ExitCode {
    // A panic is a bug; still, the user gets one line and exit status 2, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("plansearch: internal error, please report it: {info}");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // clap's first line names the argument and the problem; the usage block is noise.
            let rendered = e.render().to_string();
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut message = lines
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string();
            if message.ends_with(':') {
                message = format!("{message} {}", lines.next().unwrap_or_default());
            }
            eprintln!("plansearch: {message} (see plansearch --help)");
            return ExitCode::from(2);
        }
    };
    let result =
        std::panic::catch_unwind(|| cli.into_config().and_then(|config| app::run(&config)));
    match result {
        Ok(Ok(outcome)) => outcome.exit_code(),
        Ok(Err(err)) if app::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("plansearch: {err:#}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}
