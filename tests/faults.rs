//! Real-world input and faults: other encodings, junk files, usage errors, hostile queries,
//! damaged indexes, concurrent and interrupted indexing. The real binary, on generated files.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use plansearch::index::Opened;
use plansearch::query::Filters;
use plansearch::query::compare::{SortKey, compare};

use crate::util::{plan_files, plansearch, workspace};

const TERMS: [&str; 6] = ["营商环境", "厕所革命", "数字经济", "“十四五”", "5G", "的"];

/// `compare --json` occurrences per (file, term).
fn counts(dir: &Path, extra: &[&str]) -> BTreeMap<(String, String), u64> {
    let mut args = vec!["compare"];
    args.extend(TERMS);
    args.extend(["--json", "--per", "0"]);
    args.extend(extra);
    let run = plansearch(dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut out = BTreeMap::new();
    for d in v["documents"].as_array().unwrap() {
        for t in TERMS {
            let file = d["file"].as_str().unwrap().to_string();
            out.insert(
                (file, t.to_string()),
                d["by_query"][t]["occurrences"].as_u64().unwrap(),
            );
        }
    }
    out
}

/// A workspace whose plans are re-encoded by `encode`.
fn encoded(encode: impl Fn(&str) -> Vec<u8>) -> tempfile::TempDir {
    let dir = workspace();
    for f in plan_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        std::fs::write(
            dir.path().join("corpus").join(f.file_name().unwrap()),
            encode(&text),
        )
        .unwrap();
    }
    dir
}

#[test]
fn every_encoding_gives_the_same_counts_as_utf8() {
    let utf8 = counts(workspace().path(), &[]);
    assert!(utf8.values().sum::<u64>() > 1000);
    let gb18030 = encoded(|t| encoding_rs::GB18030.encode(t).0.into_owned());
    let utf16le = encoded(|t| {
        let mut b = vec![0xff, 0xfe];
        b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
        b
    });
    let utf8_bom = encoded(|t| [&[0xef, 0xbb, 0xbf][..], t.as_bytes()].concat());
    for (name, dir) in [
        ("GB18030", &gb18030),
        ("UTF-16LE with BOM", &utf16le),
        ("UTF-8 with BOM", &utf8_bom),
    ] {
        assert_eq!(counts(dir.path(), &[]), utf8, "{name}");
    }
    // The encoding each file was read in is recorded.
    let docs = plansearch(gb18030.path(), &["docs", "--json"]);
    assert!(
        docs.stdout
            .lines()
            .all(|l| l.contains("\"encoding\":\"gb18030\"")),
        "{}",
        docs.stdout
    );
    // --encoding forces one.
    let gbk = encoded(|t| encoding_rs::GBK.encode(t).0.into_owned());
    assert_eq!(counts(gbk.path(), &["--encoding", "gbk"]), utf8);
}

#[test]
fn junk_in_the_corpus_is_skipped_by_name_and_the_rest_indexed() {
    let dir = workspace();
    let c = dir.path().join("corpus");
    std::fs::write(c.join("empty.txt"), "").unwrap();
    std::fs::write(c.join("blank.txt"), "\n \n\t\n").unwrap();
    std::fs::write(
        c.join("binary.txt"),
        [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe],
    )
    .unwrap();
    std::os::unix::fs::symlink(c.join("missing-target.txt"), c.join("dangling.txt")).unwrap();
    std::fs::create_dir(c.join("sub")).unwrap();
    std::os::unix::fs::symlink(&c, c.join("sub").join("loop")).unwrap();
    std::fs::write(c.join("big.txt"), "营".repeat(700_000)).unwrap(); // 2.1 MB, over the limit below
    let huge_line = format!(
        "某区国民经济和社会发展第十四个五年规划纲要\n\n{}推进低空经济。\n",
        "加快建设，".repeat(100_000)
    );
    std::fs::write(c.join("one-line.txt"), huge_line).unwrap();
    let odd_name =
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"plan-\xff\xfe.txt");
    std::fs::write(
        c.join(odd_name),
        "某县国民经济和社会发展第十四个五年规划纲要\n\n发展量子通信。\n",
    )
    .unwrap();

    let run = plansearch(dir.path(), &["index", "--max-file-mb", "2"]);
    assert_eq!(run.code, 1, "some files were skipped: {}", run.stderr);
    for (file, reason) in [
        ("empty.txt", "no text"),
        ("blank.txt", "no text"),
        ("binary.txt", "binary"),
        ("dangling.txt", "no such file"),
        ("loop", "symbolic link loop"),
        ("big.txt", "too large"),
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with("plansearch: skipped ")
                    && l.contains(file)
                    && l.contains(reason)),
            "{file}: {reason}\n{}",
            run.stderr
        );
    }
    let summary = run.stderr.lines().last().unwrap();
    assert!(
        summary.contains("indexed 7 documents") && summary.contains("6 skipped"),
        "{}",
        run.stderr
    );
    // The good files, the one-line file and the oddly named one are searchable.
    assert_eq!(plansearch(dir.path(), &["search", "低空经济"]).code, 0);
    assert_eq!(plansearch(dir.path(), &["search", "量子通信"]).code, 0);
    assert_eq!(plansearch(dir.path(), &["search", "\"营商环境\""]).code, 0);
}

#[test]
fn bad_paths_are_one_line_errors_and_leave_the_index_untouched() {
    let dir = workspace();
    let d = dir.path();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    let before = std::fs::read(d.join("index/meta.json")).unwrap();
    std::fs::write(d.join("plain.txt"), "x").unwrap();
    for (args, expected) in [
        (
            vec!["index", "--corpus", "missing"],
            "plansearch: missing: no such file or directory",
        ),
        (
            vec!["index", "--corpus", "plain.txt"],
            "plansearch: plain.txt: not a directory",
        ),
        (
            vec!["index", "--index", "plain.txt"],
            "plansearch: plain.txt: not a directory",
        ),
        (
            vec!["search", "x", "--index", "plain.txt"],
            "plansearch: plain.txt: not a directory",
        ),
        (
            vec!["search", "x", "--index", "index", "--corpus", "missing"],
            "plansearch: missing: no such file or directory",
        ),
        (
            vec![
                "compare",
                "x",
                "--index",
                "nowhere/index",
                "--corpus",
                "missing",
            ],
            "plansearch: missing: no such file or directory",
        ),
        (
            vec!["docs", "--corpus", "missing"],
            "plansearch: missing: no such file or directory",
        ),
    ] {
        let run = plansearch(d, &args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stderr.trim_end(), expected, "{args:?}");
        assert!(run.stdout.is_empty());
    }
    assert_eq!(std::fs::read(d.join("index/meta.json")).unwrap(), before);
}

/// Starts the binary in `dir` with a clean environment, its output discarded but for stderr as
/// asked.
fn spawn(dir: &Path, args: &[&str], stderr: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// Runs the binary and kills it if it has not finished in `limit`: a hang fails the test.
fn run_with_watchdog(dir: &Path, args: &[&str], limit: Duration) -> (i32, String) {
    let mut child = spawn(dir, args, Stdio::piped());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("{args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn hostile_queries_are_literal_text_or_clear_errors_never_a_panic_or_a_hang() {
    let dir = workspace();
    assert_eq!(plansearch(dir.path(), &["index"]).code, 0);
    let nested = "(".repeat(5000) + &")".repeat(5000);
    // The longest single argument Linux passes (128 KiB); a longer query cannot reach plansearch.
    let megabyte = "营".repeat(43_000);
    let queries = [
        "",
        " ",
        "\"",
        "\"\"",
        "- *",
        "-",
        "*",
        "(*'\n",
        "a:(^",
        "a:",
        "^",
        "~",
        "OR",
        "OR OR",
        "-\"\"",
        "\"unbalanced",
        "[[[",
        "}{",
        "\\",
        "\u{1}",
        "营商\u{7}环境",
        "\t\n",
        &nested,
        &megabyte,
        "𠀀𠀁",
        "\u{202e}reversed",
    ];
    for q in queries {
        for cmd in ["search", "kwic", "compare"] {
            let (code, err) = run_with_watchdog(dir.path(), &[cmd, q], Duration::from_secs(30));
            assert!(
                [0, 1, 2].contains(&code),
                "{cmd} {:?}: exit {code}: {err}",
                q.chars().take(20).collect::<String>()
            );
            assert!(
                !err.contains("panicked") && !err.contains("internal error"),
                "{cmd}: {err}"
            );
            if code == 2 {
                assert_eq!(err.lines().count(), 1, "{cmd}: one-line error: {err}");
            }
        }
    }
}

#[test]
fn huge_numbers_in_flags_are_bounded_by_the_index_not_trusted() {
    // A limit far beyond the passages the index holds must not make plansearch reserve room
    // for it, or overflow while sizing its candidate pools.
    let dir = workspace();
    assert_eq!(plansearch(dir.path(), &["index"]).code, 0);
    let huge = u64::MAX.to_string();
    let wide = u32::MAX.to_string();
    let runs: [&[&str]; 5] = [
        &["search", "营商环境", "--limit", &huge],
        &["search", "优化 环境", "--limit", &huge],
        &["compare", "营商环境", "--per", &huge],
        &["kwic", "营商环境", "--width", &wide],
        &["index", "--commit-every-mb", &huge],
    ];
    for args in runs {
        let (code, err) = run_with_watchdog(dir.path(), args, Duration::from_secs(30));
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let all = plansearch(
        dir.path(),
        &["search", "\"营商环境\"", "--limit", &huge, "--json"],
    );
    let some = plansearch(
        dir.path(),
        &["search", "\"营商环境\"", "--limit", "1000", "--json"],
    );
    assert_eq!(all.stdout, some.stdout);
}

#[test]
fn a_damaged_index_is_a_clear_error_until_rebuilt() {
    let dir = workspace();
    let d = dir.path();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    let good = d.join("good");
    std::fs::rename(d.join("index"), &good).unwrap();
    let fresh = || {
        let _ = std::fs::remove_dir_all(d.join("index"));
        std::fs::create_dir(d.join("index")).unwrap();
        for e in std::fs::read_dir(&good).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), d.join("index").join(e.file_name())).unwrap();
        }
    };
    let damage: [(&str, &dyn Fn()); 4] = [
        ("truncated meta.json", &|| {
            let meta = std::fs::read(good.join("meta.json")).unwrap();
            std::fs::write(d.join("index/meta.json"), &meta[..meta.len() / 3]).unwrap();
        }),
        ("a missing segment file", &|| {
            let idx = std::fs::read_dir(d.join("index"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|e| e == "idx"))
                .unwrap();
            std::fs::remove_file(idx).unwrap();
        }),
        ("a missing manifest", &|| {
            let manifest = std::fs::read_dir(d.join("index"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.to_string_lossy().contains("plansearch-manifest-"))
                .unwrap();
            std::fs::remove_file(manifest).unwrap();
        }),
        ("an index from another version", &|| {
            let meta = std::fs::read_to_string(good.join("meta.json")).unwrap();
            std::fs::write(
                d.join("index/meta.json"),
                meta.replace(
                    &format!("\\\"format\\\":{}", plansearch::index::schema::FORMAT),
                    "\\\"format\\\":99",
                ),
            )
            .unwrap();
        }),
    ];
    for (what, harm) in damage {
        fresh();
        harm();
        for args in [
            &["search", "营商环境"][..],
            &["compare", "营商环境"],
            &["kwic", "营商环境"],
            &["index"],
        ] {
            let run = plansearch(d, args);
            assert_eq!(run.code, 2, "{what}: {args:?}");
            assert_eq!(run.stderr.lines().count(), 1, "{what}: {}", run.stderr);
            assert!(
                run.stderr.contains("index --rebuild"),
                "{what}: {}",
                run.stderr
            );
        }
        let rebuilt = plansearch(d, &["index", "--rebuild"]);
        assert_eq!(rebuilt.code, 0, "{what}: {}", rebuilt.stderr);
        assert_eq!(plansearch(d, &["search", "营商环境"]).code, 0, "{what}");
    }
}

/// A corpus of `n` generated plans (plus the five bundled ones) in a fresh workspace.
fn generated(n: usize) -> tempfile::TempDir {
    let dir = workspace();
    let g = plansearch::scale::Generator::from_corpus(&crate::util::corpus()).unwrap();
    g.write(&dir.path().join("corpus"), 11, n).unwrap();
    dir
}

/// The documents the last commit of the workspace's index holds (0 before the first).
fn committed(dir: &Path) -> usize {
    Opened::open(&dir.join("index")).map_or(0, |i| i.manifest.docs.len())
}

/// Checks an index against the files its manifest lists: every listed document's passages are
/// all there, and counts are exact.
fn assert_whole_and_exact(dir: &Path) -> usize {
    let idx = match Opened::open(&dir.join("index")) {
        Ok(i) => i,
        Err(plansearch::Error::NoIndex(_)) => return 0, // killed before the first commit
        Err(e) => panic!("the index is not searchable: {e}"),
    };
    assert_eq!(
        idx.searcher().num_docs(),
        idx.manifest.passages(),
        "no document half-indexed"
    );
    let c = compare(
        &idx,
        &["营商环境".into(), "发展".into()],
        &Filters::default(),
        Some(0),
        SortKey::File,
    )
    .unwrap();
    for r in &c.rows {
        let text = std::fs::read_to_string(dir.join("corpus").join(&r.doc.path)).unwrap();
        let plan = crate::util::plan(&r.doc.file, &text);
        for (q, term) in ["营商环境", "发展"].iter().enumerate() {
            let oracle: u64 = plan
                .passages
                .iter()
                .map(|p| {
                    plansearch::index::tokenize::fold_str(&p.text)
                        .matches(term)
                        .count() as u64
                })
                .sum();
            assert_eq!(r.counts[q].occurrences, oracle, "{} {term}", r.doc.path);
        }
    }
    idx.manifest.docs.len()
}

#[test]
fn killing_the_indexer_at_any_moment_keeps_the_last_commit_and_the_next_run_finishes() {
    let dir = generated(150);
    let d = dir.path();
    let mut seen = Vec::new();
    // The first kill at a fixed moment, likely before any commit; the others a while after the
    // run has committed more than was there when it started, so that they strike between
    // commits however fast the machine is.
    for after in [
        Duration::from_millis(400),
        Duration::from_millis(150),
        Duration::from_millis(350),
    ] {
        let before = committed(d);
        let mut child = spawn(d, &["index", "--commit-every-mb", "3"], Stdio::null());
        if !seen.is_empty() {
            let deadline = Instant::now() + Duration::from_secs(60);
            while committed(d) <= before && Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        std::thread::sleep(after);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        seen.push(assert_whole_and_exact(d));
    }
    eprintln!("documents committed when each kill struck: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "work is kept across kills: {seen:?}"
    );
    assert!(
        seen.iter().any(|&n| n > 0 && n < 155),
        "some kill struck between commits: {seen:?}"
    );
    let run = plansearch(d, &["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(assert_whole_and_exact(d), 155);
    // Whatever a kill interrupted, merges included, the run that finished left few segments
    // and no files of merged-away ones.
    assert!(crate::util::segments(&d.join("index")) < 8);
    crate::util::no_files_of_merged_segments(&d.join("index"));
    let search = plansearch(
        d,
        &["search", "\"营商环境\"", "--limit", "100000", "--json"],
    );
    let total: usize = search.stdout.lines().count();
    assert!(total > 0);
}

#[test]
fn a_second_indexer_waits_for_the_first_and_the_index_stays_whole() {
    let dir = generated(120);
    let d = dir.path();
    let first = spawn(d, &["index"], Stdio::piped());
    std::thread::sleep(Duration::from_millis(300));
    let second = spawn(d, &["index"], Stdio::piped());
    let (a, b) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    assert!(
        a.status.success() && b.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    // Which of the two takes the lock first is the scheduler's choice (a slow machine may
    // start the second before the first opens the index): exactly one waits, and the one
    // that waited finds the work done.
    let (ea, eb) = (
        String::from_utf8_lossy(&a.stderr).into_owned(),
        String::from_utf8_lossy(&b.stderr).into_owned(),
    );
    let waiting = "another plansearch process is writing it; waiting";
    let waited: Vec<&String> = [&ea, &eb]
        .into_iter()
        .filter(|e| e.contains(waiting))
        .collect();
    assert_eq!(waited.len(), 1, "exactly one waits:\n{ea}\n{eb}");
    assert!(
        waited[0].contains("up to date"),
        "the one that waited finds the work done: {}",
        waited[0]
    );
    assert_eq!(assert_whole_and_exact(d), 125);
}

#[test]
fn searches_while_the_indexer_commits_see_every_passage_with_its_plan() {
    // An indexer committing every megabyte, and searches opening the index meanwhile: each
    // opened index pairs its passages with the manifest of the same commit.
    let dir = generated(60);
    let d = dir.path();
    let mut child = spawn(d, &["index", "--commit-every-mb", "1"], Stdio::null());
    let query = plansearch::query::parse("发展 改革").unwrap();
    let mut searched = 0;
    while child.try_wait().unwrap().is_none() {
        match Opened::open(&d.join("index")) {
            Ok(idx) => {
                let r = plansearch::query::search(&idx, &query, &Filters::default(), 200);
                assert!(r.is_ok(), "{:?}", r.err());
                let c = compare(
                    &idx,
                    &["发展".into()],
                    &Filters::default(),
                    Some(0),
                    SortKey::File,
                );
                assert!(c.is_ok(), "{:?}", c.err());
                searched += 1;
            }
            Err(plansearch::error::Error::NoIndex(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(child.wait().unwrap().success());
    eprintln!("searched {searched} times while indexing");
    assert_eq!(assert_whole_and_exact(d), 65);
}
