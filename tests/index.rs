//! `plansearch index`: a summary line, no work on an unchanged corpus, and a changed, added or
//! removed file re-indexed alone.

use crate::util::{plansearch, workspace};

fn summary(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or_default()
}

#[test]
fn index_builds_then_does_no_work_then_updates_one_file_at_a_time() {
    let dir = workspace();
    let d = dir.path();
    let run = plansearch(d, &["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        summary(&run.stderr).starts_with("plansearch: indexed 5 documents,"),
        "{}",
        run.stderr
    );
    assert!(summary(&run.stderr).contains("(5 added, 0 changed, 0 removed"));

    let again = plansearch(d, &["index"]);
    assert!(
        summary(&again.stderr).contains("is up to date: 5 documents"),
        "{}",
        again.stderr
    );

    // Change one plan: only it is re-read.
    let path = d.join("corpus/ezhou-echeng.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("改革创新成效突出"));
    std::fs::write(&path, text.replace("改革创新成效突出", "改革创新成果丰硕")).unwrap();
    let changed = plansearch(d, &["index"]);
    assert!(
        summary(&changed.stderr).contains("(0 added, 1 changed, 0 removed"),
        "{}",
        changed.stderr
    );
    let old = plansearch(d, &["search", "\"改革创新成效突出\"", "--json"]);
    assert_eq!(old.code, 1, "the old wording is gone: {}", old.stdout);
    let new = plansearch(d, &["search", "\"改革创新成果丰硕\"", "--json"]);
    assert_eq!(new.code, 0);

    // Touching a file without changing it re-reads it but changes nothing.
    let touched = std::fs::read(&path).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, touched).unwrap();
    let same = plansearch(d, &["index"]);
    assert!(
        summary(&same.stderr).contains("up to date"),
        "{}",
        same.stderr
    );

    // Add one, remove another.
    std::fs::write(
        d.join("corpus/extra.md"),
        "某县国民经济和社会发展第十四个五年规划纲要\n\n第一章 总则\n\n推进量子通信产业。\n",
    )
    .unwrap();
    std::fs::remove_file(d.join("corpus/hubei.txt")).unwrap();
    let moved = plansearch(d, &["index"]);
    assert!(
        summary(&moved.stderr).contains("(1 added, 0 changed, 1 removed"),
        "{}",
        moved.stderr
    );
    let q = plansearch(d, &["search", "量子通信", "--json"]);
    assert!(q.stdout.contains("\"region\":\"某县\""));
    let gone = plansearch(
        d,
        &["search", "\"光芯屏端网\"", "--file", "hubei", "--json"],
    );
    assert_eq!(
        gone.code, 2,
        "hubei.txt is no longer indexed: {}",
        gone.stderr
    );

    // Each commit wrote a manifest; only the last two are kept.
    let manifests = std::fs::read_dir(d.join("index"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("plansearch-manifest-")
        })
        .count();
    assert!((1..=2).contains(&manifests), "{manifests} manifest files");
}

#[test]
fn search_updates_a_stale_index_first() {
    let dir = workspace();
    let d = dir.path();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    std::fs::write(
        d.join("corpus/new.txt"),
        "某区国民经济和社会发展第十四个五年规划纲要\n\n第一章 总则\n\n发展低空经济。\n",
    )
    .unwrap();
    let run = plansearch(d, &["search", "低空经济"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("new.txt"));
    assert!(run.stderr.contains("1 added"), "{}", run.stderr);
}

/// Search, compare and kwic check the corpus while they answer, not before: each must still
/// answer from the corpus as it is now, never from the index as it was.
#[test]
fn every_query_command_answers_from_the_corpus_as_it_is_now() {
    let dir = workspace();
    let d = dir.path();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    let plan = d.join("corpus/wuhan-caidian.txt");
    let mut text = std::fs::read_to_string(&plan).unwrap();
    // Each command meets a plan changed since the last one ran: a new phrase, once.
    for (command, phrase) in [
        (["search", "--json"], "低空飞行服务站"),
        (["compare", "--json"], "氢能重卡示范线"),
        (["kwic", "--json"], "算力调度枢纽港"),
    ] {
        text.push_str(&format!("\n\n建设{phrase}。\n"));
        std::fs::write(&plan, &text).unwrap();
        let run = plansearch(d, &[command[0], phrase, command[1]]);
        assert_eq!(run.code, 0, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("1 changed"),
            "{command:?}: {}",
            run.stderr
        );
        // search and kwic write a JSON object per line, compare one object.
        let lines: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let found = match command[0] {
            "compare" => lines[0]["documents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["file"] == "wuhan-caidian.txt" && r["occurrences"] == 1),
            "search" => {
                let exact: Vec<_> = lines.iter().filter(|h| h["match"] == "exact").collect();
                exact.len() == 1 && exact[0]["file"] == "wuhan-caidian.txt"
            }
            _ => lines.len() == 1 && lines[0]["file"] == "wuhan-caidian.txt",
        };
        assert!(found, "{command:?} {phrase}: {}", run.stdout);
    }
}

#[test]
fn rebuild_replaces_the_index() {
    let dir = workspace();
    let d = dir.path();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    let run = plansearch(d, &["index", "--rebuild"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        summary(&run.stderr).contains("(5 added, 0 changed, 0 removed"),
        "{}",
        run.stderr
    );
    assert_eq!(plansearch(d, &["search", "营商环境"]).code, 0);
}

#[test]
fn index_and_corpus_paths_are_checked_before_anything_is_written() {
    let dir = workspace();
    let d = dir.path();
    let missing = plansearch(d, &["index", "--corpus", "nowhere"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with("plansearch: nowhere: "),
        "{}",
        missing.stderr
    );
    assert!(
        !d.join("index").exists(),
        "nothing written for a bad corpus"
    );
    std::fs::write(d.join("afile"), "x").unwrap();
    let file = plansearch(d, &["index", "--index", "afile"]);
    assert_eq!(file.code, 2);
    assert_eq!(file.stderr.trim(), "plansearch: afile: not a directory");
    std::fs::create_dir(d.join("notes")).unwrap();
    std::fs::write(d.join("notes/todo.txt"), "x").unwrap();
    let foreign = plansearch(d, &["index", "--index", "notes"]);
    assert_eq!(foreign.code, 2);
    assert!(
        foreign.stderr.contains("not a plansearch index"),
        "{}",
        foreign.stderr
    );
    assert!(d.join("notes/todo.txt").is_file());
}
