//! The web server under load: `plansearch serve` on N generated plans, with concurrent clients
//! sending a mix of search, compare and concordance requests to the JSON API.
//!
//! ```text
//! cargo bench --bench serve -- --plans 500 --clients 8 --requests 3000
//! ```
//!
//! It generates the plans (the scale generator, seeded), indexes them with the release binary,
//! starts the server on a free port, and sends the requests from `--clients` threads, each
//! opening a connection per request as a browser's first visit would. It prints, as a Markdown
//! table, the latency (p50, p99, max) of each kind of request, the errors (any status but 200),
//! the throughput and the server's peak memory (`VmHWM`). Queries are words and phrases drawn
//! from the generated text, so that most of them are found.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;

use plansearch::scale::{Generator, Rng};

/// Loads `plansearch serve` with concurrent clients.
#[derive(Debug, Parser)]
struct Args {
    /// Number of plans to generate.
    #[arg(long, default_value_t = 500)]
    plans: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Requests in all.
    #[arg(long, default_value_t = 3000)]
    requests: usize,
    /// Seed of the generator and of the queries.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where the corpus and the index are written.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/target/serve-bench"))]
    work: PathBuf,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Search,
    Compare,
    Kwic,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Search, Kind::Compare, Kind::Kwic];

    fn name(self) -> &'static str {
        match self {
            Kind::Search => "/api/search",
            Kind::Compare => "/api/compare",
            Kind::Kwic => "/api/kwic",
        }
    }
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("serve bench: {e}");
        std::process::exit(1);
    }
}

/// A query value, percent-encoded.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Words and phrases from the generated text: runs of 2 to 6 Chinese characters.
fn draw_queries(corpus: &Path, n: usize, seed: u64) -> Result<Vec<String>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    while out.len() < n {
        let f = &files[rng.below(files.len())];
        let text = std::fs::read_to_string(f).map_err(|e| e.to_string())?;
        let lines: Vec<&str> = text.lines().filter(|l| l.chars().count() > 40).collect();
        if lines.is_empty() {
            continue;
        }
        let chars: Vec<char> = lines[rng.below(lines.len())].chars().collect();
        let len = 2 + rng.below(5);
        let at = rng.below(chars.len() - len);
        let q: String = chars[at..at + len].iter().collect();
        if q.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            out.push(q);
        }
    }
    Ok(out)
}

/// One GET over a fresh connection: the status, or why there is none.
fn get(addr: &str, path: &str) -> Result<u16, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut body = Vec::new();
    s.read_to_end(&mut body).map_err(|e| e.to_string())?;
    let head = String::from_utf8_lossy(&body[..body.len().min(32)]).into_owned();
    head.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))
}

/// The peak resident memory of a process, from `/proc`.
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run(args: &Args) -> Result<(), String> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_plansearch"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = args.work.join(format!("plans-{}", args.plans));
    let index = args.work.join(format!("index-{}", args.plans));
    let generator = Generator::from_corpus(&root.join("corpus")).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&corpus);
    let _ = std::fs::remove_dir_all(&index);
    let bytes = generator
        .write(&corpus, args.seed, args.plans)
        .map_err(|e| e.to_string())?;
    let status = Command::new(&bin)
        .args(["index", "--corpus"])
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("plansearch index exited with {status}"));
    }
    let mut server = Command::new(&bin)
        .args(["serve", "--port", "0", "--index"])
        .arg(&index)
        .arg("--corpus")
        .arg(&corpus)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(server.stdout.take().ok_or("no stdout")?)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .strip_prefix("http://")
        .and_then(|s| s.strip_suffix('/'))
        .ok_or_else(|| format!("no URL from serve: {line:?}"))?
        .to_string();

    let queries = draw_queries(&corpus, args.requests, args.seed)?;
    let requests: Vec<(Kind, String)> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            // Six in ten searches, two compares, two concordances.
            let kind = match i % 10 {
                0 | 1 => Kind::Compare,
                2 | 3 => Kind::Kwic,
                _ => Kind::Search,
            };
            let path = match kind {
                Kind::Search => format!("/api/search?q={}&limit=10", enc(q)),
                Kind::Compare => format!("/api/compare?q={}", enc(q)),
                Kind::Kwic => format!("/api/kwic?q={}&limit=50", enc(q)),
            };
            (kind, path)
        })
        .collect();
    // One warm-up request of each kind.
    for k in Kind::ALL {
        if let Some((_, p)) = requests.iter().find(|r| r.0 == k) {
            get(&addr, p)?;
        }
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(Kind, f64, Result<u16, String>)>> = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..args.clients {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((kind, path)) = requests.get(i) else {
                        break;
                    };
                    let t = Instant::now();
                    let status = get(&addr, path);
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    results.lock().unwrap().push((*kind, ms, status));
                }
            });
        }
    });
    let wall = started.elapsed();
    let peak = peak_kb(server.id());
    let _ = server.kill();
    let _ = server.wait();
    let results = results.into_inner().unwrap();

    println!(
        "`plansearch serve` on {} generated plans ({:.1} MB of text), {} clients, {} requests\n",
        args.plans,
        bytes as f64 / 1e6,
        args.clients,
        results.len()
    );
    println!("| requests | count | p50 | p99 | max | errors |");
    println!("|---|---|---|---|---|---|");
    let mut all = Vec::new();
    let mut errors_all = 0;
    for k in Kind::ALL {
        let mut t: Vec<f64> = results.iter().filter(|r| r.0 == k).map(|r| r.1).collect();
        let errors = results
            .iter()
            .filter(|r| r.0 == k && !matches!(r.2, Ok(200)))
            .count();
        errors_all += errors;
        for r in results
            .iter()
            .filter(|r| r.0 == k && !matches!(r.2, Ok(200)))
            .take(3)
        {
            eprintln!("error: {:?} {:?}", r.0, r.2);
        }
        all.extend(t.iter().copied());
        t.sort_by(f64::total_cmp);
        println!(
            "| `{}` | {} | {} | {} | {} | {errors} |",
            k.name(),
            t.len(),
            ms(&t, 0.5),
            ms(&t, 0.99),
            ms(&t, 1.0)
        );
    }
    all.sort_by(f64::total_cmp);
    println!(
        "| all | {} | {} | {} | {} | {errors_all} |",
        all.len(),
        ms(&all, 0.5),
        ms(&all, 0.99),
        ms(&all, 1.0)
    );
    println!(
        "\n{:.0} requests/s over {:.1} s; server peak memory {}",
        results.len() as f64 / wall.as_secs_f64(),
        wall.as_secs_f64(),
        peak.map_or("unknown".to_string(), |kb| format!(
            "{:.0} MB",
            kb as f64 / 1024.0
        ))
    );
    Ok(())
}

/// The q-quantile of sorted millisecond times.
fn ms(sorted: &[f64], q: f64) -> String {
    if sorted.is_empty() {
        return "—".into();
    }
    let at = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    format!("{:.1} ms", sorted[at])
}
