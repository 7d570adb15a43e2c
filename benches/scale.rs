//! The scale benchmark: plansearch on N generated plans, next to the baselines a user would
//! otherwise reach for, in one run.
//!
//! ```text
//! cargo bench --bench scale -- --plans 500
//! ```
//!
//! It generates N plans from the bundled corpus (seeded, so every run reads the same text) under
//! `target/scale/`, then measures and prints, as a Markdown table:
//!
//! - indexing: wall time, MB/s of text, CPU cores used and peak memory of the `plansearch index`
//!   process; next to it jieba-rs alone segmenting the same files on the same cores;
//! - the index's size on disk against the text's;
//! - in-process search latency (p50, p99, max) over a few hundred queries drawn from the
//!   corpus: single words, exact phrases, two-word queries and region-filtered words; and
//!   in-process compare over the same words;
//! - end-to-end process time of `plansearch search` and `plansearch compare` for one phrase,
//!   next to ripgrep and grep scanning the raw files for it;
//! - `reuse`: one plan against all the others, and all plans against each other (up to
//!   `--all-pairs-max` plans);
//! - re-indexing after one plan changed, and after nothing changed.
//!
//! Every process reads warm files: the corpus was just written, so the page cache holds it
//! for plansearch and the baselines alike. Times of short processes are medians of `--runs`
//! rounds in which plansearch and the baselines take turns.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Parser;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use plansearch::index::Opened;
use plansearch::index::tokenize::{is_word, jieba};
use plansearch::passage::Kind;
use plansearch::plan::Plan;
use plansearch::query::Filters;
use plansearch::query::compare::{SortKey, compare};
use plansearch::read::{self, ReadOptions};
use plansearch::scale::{Generator, Rng};

// The allocator the plansearch binary uses, so that in-process figures match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Measures plansearch on a generated corpus of N plans, with baselines.
#[derive(Debug, Parser)]
struct Args {
    /// Number of plans to generate (500 ≈ 90 MB).
    #[arg(long, default_value_t = 500)]
    plans: usize,
    /// Seed of the generator and of the query sample.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Queries of each kind for the latency figures.
    #[arg(long, default_value_t = 100)]
    queries: usize,
    /// Runs of each short process (the median is reported).
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// The phrase searched end to end.
    #[arg(long, default_value = "营商环境")]
    phrase: String,
    /// Time `reuse` over all pairs of plans only up to this many plans (it grows with the
    /// square of the shared wording; one plan against all is always timed).
    #[arg(long, default_value_t = 1000)]
    all_pairs_max: usize,
    /// Where the corpus and the index are written.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/target/scale"))]
    work: PathBuf,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
    /// Internal: run commands read from stdin and report their resource usage (see [`Launcher`]).
    #[arg(long, hide = true)]
    launcher: bool,
}

fn main() {
    let args = Args::parse();
    if args.launcher {
        launcher_loop();
        return;
    }
    if let Err(e) = run(&args) {
        eprintln!("scale: {e}");
        std::process::exit(1);
    }
}

/// One row of the report: a figure, plansearch's value, the baseline's.
struct Row {
    figure: String,
    value: String,
    baseline: String,
}

fn row(figure: impl Into<String>, value: impl Into<String>, baseline: impl Into<String>) -> Row {
    Row {
        figure: figure.into(),
        value: value.into(),
        baseline: baseline.into(),
    }
}

fn run(args: &Args) -> Result<(), String> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_plansearch"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = args.work.join(format!("plans-{}", args.plans));
    let index = args.work.join(format!("index-{}", args.plans));
    let mut rows = Vec::new();
    let launcher = Launcher::start()?;

    // The corpus.
    let started = Instant::now();
    let generator = Generator::from_corpus(&root.join("corpus")).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&corpus);
    let bytes = generator
        .write(&corpus, args.seed, args.plans)
        .map_err(|e| e.to_string())?;
    let mb = bytes as f64 / 1e6;
    eprintln!(
        "generated {} plans, {mb:.1} MB, in {:.1} s: {}",
        args.plans,
        started.elapsed().as_secs_f64(),
        corpus.display()
    );

    // Indexing from scratch, then the jieba baseline over the same files.
    let _ = std::fs::remove_dir_all(&index);
    let indexed = launcher.run(
        Command::new(&bin)
            .args(["index", "--corpus"])
            .arg(&corpus)
            .arg("--index")
            .arg(&index),
    )?;
    indexed.check("index")?;
    let segmented = jieba_alone(&corpus)?;
    rows.push(row(
        "indexing time",
        secs(indexed.wall),
        format!("jieba-rs alone: {}", secs(segmented.wall)),
    ));
    rows.push(row(
        "indexing throughput",
        format!(
            "{:.1} MB/s on {:.2} cores",
            mb / indexed.wall.as_secs_f64(),
            indexed.cores()
        ),
        format!(
            "jieba-rs alone: {:.1} MB/s on {} threads",
            segmented.mb / segmented.wall.as_secs_f64(),
            rayon::current_num_threads()
        ),
    ));
    rows.push(row(
        "indexing peak memory",
        format!("{:.0} MB", indexed.peak_kb as f64 / 1024.0),
        "",
    ));
    let size = dir_size(&index)?;
    rows.push(row(
        "index size on disk",
        format!(
            "{:.1} MB = {:.2}× the text",
            size as f64 / 1e6,
            size as f64 / bytes as f64
        ),
        format!("text: {mb:.1} MB"),
    ));

    // In-process latency.
    let idx = Opened::open(&index).map_err(|e| e.to_string())?;
    let queries = draw_queries(&corpus, &idx, args)?;
    let mut all = Vec::new();
    let mut slowest: Vec<(f64, String)> = Vec::new();
    for kind in QueryKind::ALL {
        let of_kind: Vec<&Drawn> = queries.iter().filter(|q| q.kind == kind).collect();
        let times = time_searches(&idx, &of_kind)?;
        rows.push(row(
            format!("search in-process, {}", kind.name()),
            latency(&times),
            "",
        ));
        slowest.extend(
            times
                .iter()
                .zip(&of_kind)
                .map(|(&t, q)| (t, q.text.clone())),
        );
        all.extend(times);
    }
    rows.push(row("search in-process, all queries", latency(&all), ""));
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (t, q) in slowest.iter().take(8) {
        eprintln!("slow search: {t:.2} ms  {q}");
    }
    let words: Vec<&Drawn> = queries
        .iter()
        .filter(|q| q.kind == QueryKind::Word)
        .collect();
    let compared = time_compares(&idx, &words)?;
    rows.push(row("compare in-process, words", latency(&compared), ""));
    drop(idx);

    // Whole processes for one phrase.
    let location = |cmd: &mut Command| {
        cmd.arg("--index").arg(&index).arg("--corpus").arg(&corpus);
    };
    let search = || {
        let mut c = Command::new(&bin);
        c.args(["search", &args.phrase]);
        location(&mut c);
        c
    };
    let compare = || {
        let mut c = Command::new(&bin);
        c.args(["compare", &args.phrase]);
        location(&mut c);
        c
    };
    let rg = || {
        let mut c = Command::new("rg");
        c.args(["--fixed-strings", &args.phrase]).arg(&corpus);
        c
    };
    let grep = || {
        let mut c = Command::new("grep");
        c.args(["-r", "-F", &args.phrase]).arg(&corpus);
        c
    };
    let mut medians = median_runs(&launcher, args.runs, &[&search, &compare, &rg, &grep]);
    let grep = medians.pop().expect("four commands");
    let rg = medians.pop().expect("four commands");
    let compared = medians.pop().expect("four commands")?;
    let search = medians.pop().expect("four commands")?;
    let scans = format!(
        "rg: {}; grep -r: {}",
        rg.as_ref()
            .map_or_else(|e| format!("not run ({e})"), |p| ms(p.wall)),
        grep.as_ref()
            .map_or_else(|e| format!("not run ({e})"), |p| ms(p.wall)),
    );
    rows.push(row(
        format!("`plansearch search {}`, whole process", args.phrase),
        format!(
            "{} ({:.0} MB peak)",
            ms(search.wall),
            search.peak_kb as f64 / 1024.0
        ),
        scans.clone(),
    ));
    rows.push(row(
        format!("`plansearch compare {}`, whole process", args.phrase),
        format!(
            "{} ({:.0} MB peak)",
            ms(compared.wall),
            compared.peak_kb as f64 / 1024.0
        ),
        scans,
    ));

    // Text reuse: one plan against all the others (three plans, the median), then all pairs.
    let (files, _) = read::walk(&corpus).map_err(|e| e.to_string())?;
    let mut ones = Vec::new();
    for f in files.iter().step_by((files.len() / 3).max(1)).take(3) {
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut c = Command::new(&bin);
        c.args(["reuse", "--csv", "--target", &name]);
        location(&mut c);
        let p = launcher.run(&mut c)?;
        if p.code > 1 {
            return Err(format!("reuse --target {name}: {}", p.stderr.trim()));
        }
        ones.push(p);
    }
    ones.sort_by_key(|p| p.wall);
    let one = &ones[ones.len() / 2];
    rows.push(row(
        format!(
            "`plansearch reuse --target F`, one plan against {} (median of 3)",
            args.plans
        ),
        format!(
            "{} ({:.0} MB peak)",
            secs(one.wall),
            one.peak_kb as f64 / 1024.0
        ),
        "",
    ));
    if args.plans <= args.all_pairs_max {
        let mut c = Command::new(&bin);
        c.args(["reuse", "--csv"]);
        location(&mut c);
        let all = launcher.run(&mut c)?;
        if all.code > 1 {
            return Err(format!("reuse: {}", all.stderr.trim()));
        }
        rows.push(row(
            format!(
                "`plansearch reuse`, all {} plans against each other",
                args.plans
            ),
            format!(
                "{} on {:.2} cores ({:.0} MB peak)",
                secs(all.wall),
                all.cores(),
                all.peak_kb as f64 / 1024.0
            ),
            "",
        ));
    }

    // Re-indexing: one plan changed (three times, a different plan each time), then nothing.
    let again = || {
        let mut c = Command::new(&bin);
        c.arg("index");
        location(&mut c);
        launcher.run(&mut c)
    };
    let mut updates = Vec::new();
    for k in 0..3 {
        let changed = change_one_plan(&corpus, k)?;
        let one = again()?;
        one.check("index")?;
        if !one.stderr.contains("1 changed") {
            return Err(format!(
                "re-index after changing {} did not report one change: {}",
                changed.display(),
                one.stderr.trim()
            ));
        }
        updates.push(one.wall);
    }
    updates.sort();
    let none = again()?;
    none.check("index")?;
    rows.push(row(
        "re-index after one plan changed (median of 3)",
        secs(updates[1]),
        format!("from scratch: {}", secs(indexed.wall)),
    ));
    rows.push(row("re-index with nothing changed", ms(none.wall), ""));

    print_report(args, mb, &rows);
    Ok(())
}

/// A finished child process: its times, peak memory and output.
#[derive(Debug, Serialize, Deserialize)]
struct Process {
    wall: Duration,
    cpu: Duration,
    peak_kb: u64,
    code: i32,
    stderr: String,
}

impl Process {
    /// Runs a command to its end, its output read and dropped, and takes its resource usage
    /// from `wait4`: peak resident memory is only known to the parent this way.
    fn run(cmd: &mut Command) -> Result<Process, String> {
        let name = format!("{cmd:?}");
        let started = Instant::now();
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{name}: {e}"))?;
        // Read stdout to its end rather than sending it to /dev/null, where ripgrep stops at
        // the first match.
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let errors = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        // Into a sink, not a buffer: the launcher's own peak memory counts in its children's.
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        let mut status = 0;
        // SAFETY: `rusage` is plain data, and the pid is our own unreaped child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let pid = child.id() as libc::pid_t;
        if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
            return Err(format!("{name}: wait4 failed"));
        }
        let wall = started.elapsed();
        let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        Ok(Process {
            wall,
            cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
            peak_kb: usage.ru_maxrss as u64,
            code: if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                -1
            },
            stderr: errors.join().unwrap_or_default(),
        })
    }

    /// Cores kept busy on average.
    fn cores(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64()
    }

    /// An error unless the process succeeded (exit 0; 1 means "no hits" for search).
    fn check(&self, what: &str) -> Result<(), String> {
        if self.code == 0 {
            Ok(())
        } else {
            Err(format!(
                "plansearch {what} exited with {}: {}",
                self.code,
                self.stderr.trim()
            ))
        }
    }
}

/// Runs the measured commands from a small process started before the benchmark grows.
///
/// A child's peak memory comes from `wait4`, and Linux counts in it the memory of the process
/// that spawned it as it was at `exec`: commands spawned by the benchmark itself, which holds an
/// open index, would all report the benchmark's own size. The launcher is a second copy of
/// this program, started while it is still small, that spawns each command for us.
struct Launcher {
    child: Child,
    pipes: Mutex<(ChildStdin, BufReader<ChildStdout>)>,
}

/// A command for the launcher: program and arguments.
#[derive(Debug, Serialize, Deserialize)]
struct Request {
    program: String,
    args: Vec<String>,
}

impl Launcher {
    fn start() -> Result<Launcher, String> {
        let exe = std::env::current_exe().map_err(|e| format!("the benchmark's own path: {e}"))?;
        let mut child = Command::new(exe)
            .arg("--launcher")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the launcher: {e}"))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(Launcher {
            child,
            pipes: Mutex::new((stdin, stdout)),
        })
    }

    /// Runs a command to its end through the launcher.
    fn run(&self, cmd: &mut Command) -> Result<Process, String> {
        let request = Request {
            program: cmd.get_program().to_string_lossy().into_owned(),
            args: cmd
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
        };
        let mut pipes = self.pipes.lock().expect("launcher pipes");
        let (stdin, stdout) = &mut *pipes;
        let line = serde_json::to_string(&request).expect("a request serialises");
        writeln!(stdin, "{line}").map_err(|e| format!("launcher: {e}"))?;
        stdin.flush().map_err(|e| format!("launcher: {e}"))?;
        let mut reply = String::new();
        stdout
            .read_line(&mut reply)
            .map_err(|e| format!("launcher: {e}"))?;
        serde_json::from_str::<Result<Process, String>>(&reply)
            .map_err(|e| format!("launcher reply {reply:?}: {e}"))?
    }
}

impl Drop for Launcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The launcher's side: one JSON request per line in, one JSON result per line out.
fn launcher_loop() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return };
        let result = serde_json::from_str::<Request>(&line)
            .map_err(|e| e.to_string())
            .and_then(|r| Process::run(Command::new(&r.program).args(&r.args)));
        let reply = serde_json::to_string(&result).expect("a result serialises");
        if writeln!(stdout, "{reply}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return;
        }
    }
}

/// Runs each command once to warm up, then `runs` rounds of each in turn; returns each
/// command's run with the median time, or why it could not run. Taking turns, every command
/// meets the same moments of a busy machine: run one after the other, the later ones would be
/// measured in another minute than the first.
fn median_runs(
    launcher: &Launcher,
    runs: usize,
    commands: &[&dyn Fn() -> Command],
) -> Vec<Result<Process, String>> {
    let mut done: Vec<Result<Vec<Process>, String>> =
        commands.iter().map(|_| Ok(Vec::new())).collect();
    for round in 0..=runs.max(1) {
        for (make, outcome) in commands.iter().zip(done.iter_mut()) {
            let Ok(list) = outcome else { continue };
            // Any run failing (2: an error) fails the command, while 1 (nothing found) is an
            // answer.
            match launcher.run(&mut make()) {
                Ok(p) if p.code > 1 => {
                    *outcome = Err(format!(
                        "{:?} exited with {}: {}",
                        make(),
                        p.code,
                        p.stderr.trim()
                    ))
                }
                Ok(p) if round > 0 => list.push(p),
                Ok(_) => {}
                Err(e) => *outcome = Err(e),
            }
        }
    }
    done.into_iter()
        .map(|runs| {
            let mut list = runs?;
            list.sort_by_key(|p| p.wall);
            Ok(list.swap_remove(list.len() / 2))
        })
        .collect()
}

/// jieba-rs segmenting every file of the corpus, on all cores, with nothing else.
struct Segmented {
    wall: Duration,
    mb: f64,
}

fn jieba_alone(corpus: &Path) -> Result<Segmented, String> {
    let (files, _) = read::walk(corpus).map_err(|e| e.to_string())?;
    let jieba = jieba();
    let started = Instant::now();
    let bytes: Result<Vec<usize>, String> = files
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
            std::hint::black_box(jieba.cut(&text, true).len());
            Ok(text.len())
        })
        .collect();
    Ok(Segmented {
        wall: started.elapsed(),
        mb: bytes?.iter().sum::<usize>() as f64 / 1e6,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueryKind {
    Word,
    Phrase,
    TwoWords,
    Filtered,
}

impl QueryKind {
    const ALL: [QueryKind; 4] = [
        QueryKind::Word,
        QueryKind::Phrase,
        QueryKind::TwoWords,
        QueryKind::Filtered,
    ];

    fn name(self) -> &'static str {
        match self {
            QueryKind::Word => "words",
            QueryKind::Phrase => "exact phrases",
            QueryKind::TwoWords => "two words",
            QueryKind::Filtered => "words, --region",
        }
    }
}

/// A query drawn from the corpus.
struct Drawn {
    kind: QueryKind,
    text: String,
    filters: Filters,
}

/// Draws `args.queries` queries of each kind from the paragraphs of a sample of plans: jieba's
/// words, character runs as quoted phrases, pairs of words, and words limited to one region.
fn draw_queries(corpus: &Path, idx: &Opened, args: &Args) -> Result<Vec<Drawn>, String> {
    let (files, _) = read::walk(corpus).map_err(|e| e.to_string())?;
    let mut rng = Rng::new(args.seed ^ 0x5eed);
    let jieba = jieba();
    let mut paragraphs: Vec<String> = Vec::new();
    for _ in 0..files.len().min(40) {
        let f = &files[rng.below(files.len())];
        let src = read::read_file(f, &ReadOptions::default())
            .map_err(|s| format!("{}: {}", s.path.display(), s.reason))?;
        paragraphs.extend(
            Plan::from_source(&src)
                .passages
                .into_iter()
                .filter(|p| p.kind == Kind::Paragraph && p.char_len() >= 20)
                .map(|p| p.text),
        );
    }
    if paragraphs.is_empty() {
        return Err("the generated plans have no paragraphs".into());
    }
    let regions: Vec<String> = idx.manifest.docs.iter().map(|d| d.region.clone()).collect();
    let word = |rng: &mut Rng| loop {
        let p = &paragraphs[rng.below(paragraphs.len())];
        let words: Vec<&str> = jieba
            .cut(p, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| w.chars().count() >= 2 && is_word(w))
            .collect();
        if !words.is_empty() {
            return words[rng.below(words.len())].to_string();
        }
    };
    let mut out = Vec::new();
    for _ in 0..args.queries {
        out.push(Drawn {
            kind: QueryKind::Word,
            text: word(&mut rng),
            filters: Filters::default(),
        });
        let phrase = loop {
            let chars: Vec<char> = paragraphs[rng.below(paragraphs.len())].chars().collect();
            let len = 4 + rng.below(7);
            let at = rng.below(chars.len().saturating_sub(len).max(1));
            let s: String = chars.iter().skip(at).take(len).collect();
            if !s.chars().any(|c| c.is_whitespace() || c == '"' || c == '-') {
                break s;
            }
        };
        out.push(Drawn {
            kind: QueryKind::Phrase,
            text: format!("\"{phrase}\""),
            filters: Filters::default(),
        });
        out.push(Drawn {
            kind: QueryKind::TwoWords,
            text: format!("{} {}", word(&mut rng), word(&mut rng)),
            filters: Filters::default(),
        });
        out.push(Drawn {
            kind: QueryKind::Filtered,
            text: word(&mut rng),
            filters: Filters {
                regions: vec![regions[rng.below(regions.len())].clone()],
                ..Filters::default()
            },
        });
    }
    Ok(out)
}

/// Each query's search time in milliseconds, after one untimed pass over them all.
fn time_searches(idx: &Opened, queries: &[&Drawn]) -> Result<Vec<f64>, String> {
    let parsed: Vec<(plansearch::query::Query, &Filters)> = queries
        .iter()
        .map(|q| {
            plansearch::query::parse(&q.text)
                .map(|p| (p, &q.filters))
                .map_err(|e| format!("{}: {e}", q.text))
        })
        .collect::<Result<_, _>>()?;
    let search = |q: &plansearch::query::Query, f: &Filters| {
        plansearch::query::search(idx, q, f, 10).map_err(|e| e.to_string())
    };
    for (q, f) in &parsed {
        std::hint::black_box(search(q, f)?);
    }
    parsed
        .iter()
        .map(|(q, f)| {
            let started = Instant::now();
            std::hint::black_box(search(q, f)?);
            Ok(started.elapsed().as_secs_f64() * 1000.0)
        })
        .collect()
}

/// Each word's compare time in milliseconds (all documents, default side-by-side rule).
fn time_compares(idx: &Opened, words: &[&Drawn]) -> Result<Vec<f64>, String> {
    let once = |w: &Drawn| {
        compare(
            idx,
            &[w.text.as_str().into()],
            &Filters::default(),
            None,
            SortKey::Rate,
        )
        .map_err(|e| e.to_string())
    };
    for w in words {
        std::hint::black_box(once(w)?);
    }
    words
        .iter()
        .map(|w| {
            let started = Instant::now();
            std::hint::black_box(once(w)?);
            Ok(started.elapsed().as_secs_f64() * 1000.0)
        })
        .collect()
}

/// Appends a paragraph to the `k`-th plan, as an edit would.
fn change_one_plan(corpus: &Path, k: usize) -> Result<PathBuf, String> {
    let (files, _) = read::walk(corpus).map_err(|e| e.to_string())?;
    let file = files
        .get(k * files.len() / 3)
        .ok_or("the corpus is empty")?
        .clone();
    let mut text =
        std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    text.push_str("\n补充说明：本规划实施中期开展评估，根据评估结果对目标任务进行动态调整。\n");
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file)
}

fn dir_size(dir: &Path) -> Result<u64, String> {
    let mut total = 0;
    for e in walkdir::WalkDir::new(dir) {
        let e = e.map_err(|e| e.to_string())?;
        if e.file_type().is_file() {
            total += e.metadata().map_err(|e| e.to_string())?.len();
        }
    }
    Ok(total)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// p50 / p99 / max of millisecond times, with their count.
fn latency(times: &[f64]) -> String {
    let mut t = times.to_vec();
    t.sort_by(f64::total_cmp);
    let at = |q: f64| t[((t.len() as f64 * q).ceil() as usize).clamp(1, t.len()) - 1];
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} queries)",
        at(0.50),
        at(0.99),
        at(1.0),
        t.len()
    )
}

fn print_report(args: &Args, mb: f64, rows: &[Row]) {
    println!(
        "\n### {} plans, {mb:.1} MB (seed {})\n\nmachine: {}\n",
        args.plans,
        args.seed,
        machine()
    );
    println!("| figure | plansearch | baseline, same run |");
    println!("|---|---|---|");
    for r in rows {
        println!("| {} | {} | {} |", r.figure, r.value, r.baseline);
    }
}

/// The processor, its cores and memory, from /proc; and the baselines' versions.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown processor".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or("? GiB".into(), |kb| {
            format!("{:.0} GiB", kb / 1024.0 / 1024.0)
        });
    let version = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.lines().next().map(str::to_string))
            .unwrap_or_else(|| format!("{cmd} not installed"))
    };
    format!(
        "{model}, {cores} cores, {memory}; {}; {}",
        version("rg"),
        version("grep")
    )
}
