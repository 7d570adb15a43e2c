//! The `outline` and `docs` commands as users and scripts run them.

use serde_json::Value;

use crate::util::{corpus, plansearch, workspace};

#[test]
fn outline_json_is_one_documented_object() {
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["outline", "corpus/wuhan-caidian.txt", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "one object on one line");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["file"], "wuhan-caidian.txt");
    assert_eq!(v["region"], "蔡甸区");
    assert!(v["title"].as_str().unwrap().ends_with("纲要"));
    let chapters = v["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), 15);
    let first = &chapters[0];
    assert_eq!(first["no"], 1);
    assert_eq!(first["line"], 7);
    assert_eq!(
        first["title"],
        "全面建成小康社会，开启全面建设社会主义现代化城区新征程"
    );
    let s = &first["sections"][0];
    assert_eq!(
        (s["no"].as_u64(), s["line"].as_u64(), s["title"].as_str()),
        (Some(1), Some(10), Some("如期全面建成小康社会"))
    );
    // An inferred chapter: its number, the first line of its content, a null title.
    let ch5 = &chapters[4];
    assert_eq!(
        (
            ch5["no"].as_u64(),
            ch5["line"].as_u64(),
            ch5["title"].is_null()
        ),
        (Some(5), Some(807), true)
    );
    assert_eq!(ch5["inferred"], true);
}

#[test]
fn outline_human_lists_chapters_and_sections_with_lines() {
    let run = plansearch(&corpus(), &["outline", "wuhan-hanyang.txt"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("wuhan-hanyang.txt  武汉市汉阳区"));
    assert_eq!(lines[1].trim(), "178  第一章 发展基础和发展环境");
    assert_eq!(lines[2].trim(), "180    一、\"十三五\"发展主要成绩");
    assert!(lines.last().unwrap().ends_with("名词解释"));
}

#[test]
fn outline_of_a_missing_file_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = plansearch(dir.path(), &["outline", "nope.txt"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("plansearch: nope.txt: "),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn docs_lists_every_plan_with_counts() {
    let dir = workspace();
    let run = plansearch(dir.path(), &["docs", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let regions: Vec<&str> = rows.iter().map(|r| r["region"].as_str().unwrap()).collect();
    assert_eq!(
        regions,
        [
            "鄂城区",
            "湖北省",
            "蔡甸区",
            "武汉市汉阳区",
            "武汉经济技术开发区"
        ]
    );
    let hubei = &rows[1];
    assert_eq!(
        (hubei["chapters"].as_u64(), hubei["sections"].as_u64()),
        (Some(17), Some(60))
    );
    assert!(hubei["passages"].as_u64().unwrap() > 500);
    assert!(hubei["chars"].as_u64().unwrap() > 70_000);
    // The front page's issuing body and date, where it states them.
    let echeng = &rows[0];
    assert_eq!(echeng["issuer"], "鄂城区人民政府");
    assert_eq!(echeng["date"], "2020年12月");
    assert!(rows.iter().all(|r| r["undecodable"] == 0));

    // Bytes the encoding cannot read are counted, not hidden.
    std::fs::create_dir(dir.path().join("damaged")).unwrap();
    std::fs::write(
        dir.path().join("damaged/plan.txt"),
        [
            "某县发展规划\n\n第一章 总则\n\n推进改革".as_bytes(),
            b"\xff\xfe",
            "。\n".as_bytes(),
        ]
        .concat(),
    )
    .unwrap();
    let run = plansearch(
        dir.path(),
        &[
            "docs",
            "--corpus",
            "damaged",
            "--encoding",
            "utf-8",
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(row["undecodable"], 2, "{row}");

    let run = plansearch(dir.path(), &["docs"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().next().unwrap().contains("region"));
    assert_eq!(run.stdout.lines().count(), 6);
}

#[test]
fn docs_on_a_missing_corpus_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = plansearch(dir.path(), &["docs", "--corpus", "missing"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("plansearch: missing: "),
        "{}",
        run.stderr
    );
    std::fs::write(dir.path().join("file.txt"), "x").unwrap();
    let run = plansearch(dir.path(), &["docs", "--corpus", "file.txt"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.trim(), "plansearch: file.txt: not a directory");
}
