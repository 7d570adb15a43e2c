//! The README against the software: its two first commands, CI's command, and the output formats
//! it documents, read back from real output.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{plansearch, workspace};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable")
}

/// The lines of the README section whose heading is exactly `heading`, up to the next heading.
fn section(readme: &str, heading: &str) -> Vec<String> {
    readme
        .lines()
        .skip_while(|l| l.trim() != heading)
        .skip(1)
        .take_while(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The backticked names in the first column of a Markdown table.
fn first_column_names(lines: &[String]) -> BTreeSet<String> {
    lines
        .iter()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let cell = l.split('|').nth(1).unwrap_or_default();
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_first_screen_gives_the_two_commands_and_ci_runs_the_same_tests() {
    let text = readme();
    let first_screen: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    assert!(
        first_screen.contains("## 简介"),
        "the Chinese introduction comes first"
    );
    assert!(first_screen.contains("cargo run --release -- search 营商环境"));
    assert!(first_screen.contains("cargo test --locked"));
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
        .expect(".ci/run is readable");
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test --locked"),
        "{ci}"
    );
}

#[test]
fn the_documented_search_json_fields_are_the_real_ones() {
    let documented = first_column_names(&section(
        &readme(),
        "### `search --json`: JSON Lines, one hit per line",
    ));
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["search", "营商环境", "--json", "--limit", "1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hit: Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    let real: BTreeSet<String> = hit.as_object().unwrap().keys().cloned().collect();
    assert_eq!(documented, real);
}

#[test]
fn the_documented_csv_headers_are_the_real_ones() {
    let text = readme();
    let tables = section(
        &text,
        "### `compare --csv`: five tables, each with a header line",
    );
    let dir = workspace();
    for table in [
        "distribution",
        "chapters",
        "passages",
        "variants",
        "strength",
    ] {
        let row = tables
            .iter()
            .find(|l| l.starts_with(&format!("| `{table}`")))
            .unwrap_or_else(|| panic!("{table} is documented"));
        let documented = row.split('`').nth(3).unwrap();
        let run = plansearch(
            dir.path(),
            &["compare", "营商环境", "--csv", "--table", table],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout.lines().next().unwrap(), documented, "{table}");
    }
    let search_csv = section(&text, "### `search --csv`");
    let documented = search_csv
        .iter()
        .find(|l| l.starts_with('`'))
        .and_then(|l| l.split('`').nth(1))
        .unwrap();
    let run = plansearch(dir.path(), &["search", "营商环境", "--csv"]);
    assert_eq!(run.stdout.lines().next().unwrap(), documented);
    let kwic = section(&text, "### `kwic`");
    for (args, marker) in [
        (&["kwic", "营商环境", "--csv"][..], "- `--csv`: `"),
        (
            &["kwic", "营商环境", "--contexts", "--csv"],
            "`--contexts --csv`: `",
        ),
    ] {
        let line = kwic.iter().find(|l| l.contains(marker)).unwrap();
        let documented = line
            .split(marker)
            .nth(1)
            .unwrap()
            .split('`')
            .next()
            .unwrap();
        let run = plansearch(dir.path(), args);
        assert_eq!(run.stdout.lines().next().unwrap(), documented, "{args:?}");
    }
}

/// The backticked text that follows `marker` in a README section, whitespace ignored (the
/// README wraps long headers over lines).
fn documented_after(readme: &str, heading: &str, marker: &str) -> String {
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let text = squeeze(&section(readme, heading).concat());
    let marker = squeeze(marker);
    let at = text
        .find(&marker)
        .unwrap_or_else(|| panic!("{marker} is documented under {heading}"));
    text[at + marker.len()..]
        .split('`')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn the_analyses_csv_headers_are_the_documented_ones() {
    let text = readme();
    let dir = workspace();
    let cases: [(&str, &str, &[&str]); 8] = [
        (
            "### `reuse --json` and `--csv`",
            "`--csv --table documents` (default): `",
            &["reuse", "--csv", "--target", "wuhan-jingkai.txt"],
        ),
        (
            "### `reuse --json` and `--csv`",
            "`--table sources`: `",
            &[
                "reuse",
                "--csv",
                "--table",
                "sources",
                "--target",
                "wuhan-jingkai.txt",
            ],
        ),
        (
            "### `reuse --json` and `--csv`",
            "`--table alignments`: `",
            &[
                "reuse",
                "--csv",
                "--table",
                "alignments",
                "--target",
                "wuhan-jingkai.txt",
            ],
        ),
        (
            "### `keyness --json` and `--csv`",
            "- `--csv`: `",
            &["keyness", "ezhou-echeng.txt", "--csv"],
        ),
        (
            "### `targets --json` and `--csv`",
            "`--csv --table rows` (default): `",
            &["targets", "--csv"],
        ),
        (
            "### `targets --json` and `--csv`",
            "`--table unreadable`: `",
            &["targets", "--csv", "--table", "unreadable"],
        ),
        (
            "### `targets --json` and `--csv`",
            "`--table text` (default with `--text`): `",
            &["targets", "--csv", "--text"],
        ),
        (
            "### `targets --json` and `--csv`",
            "`--table strength`: `",
            &["targets", "--csv", "--table", "strength"],
        ),
    ];
    for (heading, marker, args) in cases {
        let documented = documented_after(&text, heading, marker);
        let run = plansearch(dir.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout.lines().next().unwrap(), documented, "{args:?}");
    }
}
