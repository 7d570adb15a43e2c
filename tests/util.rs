//! Helpers shared by the integration tests: the bundled corpus, plans read from text, and the
//! real binary run in a temporary folder with a cleared environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use plansearch::plan::Plan;
use plansearch::read::{SourceText, split_lines};

/// The bundled corpus.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The bundled plan files, sorted.
pub fn plan_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus/ is readable")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// The text of a bundled plan.
pub fn plan_text(name: &str) -> String {
    std::fs::read_to_string(corpus().join(name)).expect("bundled plan is readable")
}

/// A source as the reader would hand it over, from text.
pub fn source(name: &str, text: &str) -> SourceText {
    SourceText::from_lines(Path::new(name), split_lines(text))
}

/// A plan read from text.
pub fn plan(name: &str, text: &str) -> Plan {
    Plan::from_source(&source(name, text))
}

/// A bundled plan, read.
pub fn bundled(name: &str) -> Plan {
    plan(name, &plan_text(name))
}

/// The result of running the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The real `plansearch` binary, run in `dir` with an empty environment.
pub fn plansearch(dir: &Path, args: &[&str]) -> Run {
    plansearch_env(dir, args, &[])
}

/// Like [`plansearch`], with some environment variables set.
pub fn plansearch_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("plansearch runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A temporary folder holding a copy of the bundled corpus under `corpus/`.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let dst = dir.path().join("corpus");
    std::fs::create_dir(&dst).expect("corpus dir");
    for f in plan_files() {
        std::fs::copy(&f, dst.join(f.file_name().expect("file name"))).expect("copy plan");
    }
    dir
}

/// Shows two multi-line texts side by side where they first differ.
pub fn first_difference(expected: &str, got: &str) -> String {
    for (i, (e, g)) in expected.lines().zip(got.lines()).enumerate() {
        if e != g {
            return format!("line {}:\n  expected: {e}\n       got: {g}", i + 1);
        }
    }
    format!(
        "lengths differ: expected {} lines, got {}",
        expected.lines().count(),
        got.lines().count()
    )
}

/// The bundled corpus indexed once per test run, under cargo's temporary directory.
pub fn bundled_index() -> &'static plansearch::index::Opened {
    static INDEX: std::sync::OnceLock<plansearch::index::Opened> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundled-index");
        let _ = std::fs::remove_dir_all(&dir);
        let opts = plansearch::index::build::BuildOptions::new(corpus(), dir.clone());
        plansearch::index::build::update(&opts, &plansearch::index::build::Quiet)
            .expect("bundled corpus indexes");
        plansearch::index::Opened::open(&dir).expect("bundled index opens")
    })
}

/// Every passage of the bundled plans, with its file name: the oracle's view of the corpus.
pub fn bundled_passages() -> &'static [(String, plansearch::passage::Passage)] {
    static PASSAGES: std::sync::OnceLock<Vec<(String, plansearch::passage::Passage)>> =
        std::sync::OnceLock::new();
    PASSAGES.get_or_init(|| {
        plan_files()
            .iter()
            .flat_map(|f| {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                bundled(&name)
                    .passages
                    .into_iter()
                    .map(move |p| (name.clone(), p))
            })
            .collect()
    })
}

/// Runs a search against the shared bundled index, with the default ranking.
pub fn search(query: &str, limit: usize) -> plansearch::query::SearchResults {
    search_with(query, limit, &plansearch::query::Filters::default())
}

/// Runs a search of the query's own wording, by tier alone: no expansions, no ranking by
/// structure. What the literal tiers hold is checked against substring tests this way.
pub fn search_literal(query: &str, limit: usize) -> plansearch::query::SearchResults {
    let q = plansearch::query::parse(query).expect("query parses");
    let opts = plansearch::query::search::SearchOptions {
        limit,
        expand: false,
        structure: false,
    };
    plansearch::query::search::search_with(
        bundled_index(),
        &q,
        &plansearch::query::Filters::default(),
        &opts,
    )
    .expect("search runs")
}

pub fn search_with(
    query: &str,
    limit: usize,
    filters: &plansearch::query::Filters,
) -> plansearch::query::SearchResults {
    let q = plansearch::query::parse(query).expect("query parses");
    plansearch::query::search(bundled_index(), &q, filters, limit).expect("search runs")
}

/// Checks that every segment file in the index folder belongs to a live segment.
pub fn no_files_of_merged_segments(index: &std::path::Path) {
    let opened = tantivy::Index::open_in_dir(index).unwrap();
    let live: std::collections::BTreeSet<String> = opened
        .searchable_segment_metas()
        .unwrap()
        .iter()
        .map(|m| m.id().uuid_string())
        .collect();
    for e in std::fs::read_dir(index).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap();
        if stem.len() == 32 {
            assert!(live.contains(stem), "{name} belongs to no segment");
        }
    }
}

/// The number of segments of the index in `index`.
pub fn segments(index: &Path) -> usize {
    tantivy::Index::open_in_dir(index)
        .unwrap()
        .searchable_segment_metas()
        .unwrap()
        .len()
}

/// An HTTP response as the tests read it.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// One HTTP/1.1 request to a server on this machine, `host` as the Host header.
pub fn http(method: &str, addr: &str, path: &str, host: &str) -> HttpResponse {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("the server accepts");
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

/// `plansearch serve` on a free port of this machine, stopped when dropped.
pub struct Server {
    pub child: std::process::Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Starts the server in `dir` (its `corpus/`, its `index/`) and waits for its URL.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_plansearch"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(dir)
            .env_clear()
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("plansearch serve starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("http://")
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("a URL on stdout, got {line:?}"))
            .to_string();
        Server { child, addr }
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        http("GET", &self.addr, path, "localhost")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A query string value, percent-encoded.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
