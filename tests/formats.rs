//! Plans as governments publish them: the same plan as text, Word, PDF from two producers and
//! web pages in two charsets gives the same outline and the same counts; page furniture never
//! reaches a passage; PDF hits know their real pages; bad files are skipped one line each.
//!
//! The fixtures and the script that made them are in `tests/fixtures/formats/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{plansearch, plansearch_env};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

/// The same plan in every format plansearch reads.
const SAME_PLAN: [&str; 8] = [
    "plan.txt",
    "plan.docx",
    "plan-nonum.docx",
    "plan-lo.pdf",
    "plan-rl.pdf",
    "plan-utf8.html",
    "plan-gbk.html",
    "lying.html",
];

const BAD: [(&str, &str); 8] = [
    ("encrypted.pdf", "encrypted PDF"),
    ("scanned.pdf", "no text layer"),
    ("nounicode.pdf", "text is unusable"),
    ("truncated.pdf", "damaged or truncated PDF"),
    ("truncated.docx", "damaged or truncated Word document"),
    ("legacy.doc", "legacy Office or WPS document"),
    ("legacy.wps", "legacy Office or WPS document"),
    ("image.png", "an image (PNG)"),
];

/// Whether poppler's pdftotext is here; under CI it must be (`.ci/run` installs it).
fn have_pdftotext() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true: pdftotext (poppler-utils) must be installed for the PDF tests"
        );
        eprintln!(
            "skipped: pdftotext is not installed (Debian: apt-get install poppler-utils poppler-data)"
        );
    }
    found
}

/// A workspace whose corpus holds the named fixtures.
fn corpus_of(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for f in files {
        std::fs::copy(fixtures().join(f), corpus.join(f)).unwrap();
    }
    dir
}

/// The whole plan's chapters and sections: (number, title) pairs.
fn outline(dir: &Path, file: &str) -> Vec<(u64, String, Vec<(u64, String)>)> {
    let run = plansearch(dir, &["outline", &format!("corpus/{file}"), "--json"]);
    assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    v["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let sections = c["sections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["no"].as_u64().unwrap(),
                        s["title"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (
                c["no"].as_u64().unwrap(),
                c["title"].as_str().unwrap().to_string(),
                sections,
            )
        })
        .collect()
}

/// Occurrences per file of a term, from `compare --json`.
fn counts(dir: &Path, term: &str) -> BTreeMap<String, u64> {
    let run = plansearch(dir, &["compare", term, "--json", "--per", "0"]);
    let v: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{term}: {}", run.stderr));
    v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["occurrences"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Phrases the plan says, and those a PDF's line wraps and page breaks cut (`cuts.tsv`).
fn phrases() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        "营商环境",
        "碳排放达峰",
        "新型基础设施建设",
        "招才引智",
        "城市更新",
        "数字经济",
        "乡村振兴",
        "5G基站",
        "放管服",
        "一网通办",
        "老旧小区改造",
        "云梦湖新区",
    ]
    .iter()
    .map(|p| (p.to_string(), "said".to_string()))
    .collect();
    let cuts = std::fs::read_to_string(fixtures().join("cuts.tsv")).unwrap();
    for line in cuts.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        out.push((cols[1].to_string(), format!("{} in {}", cols[2], cols[0])));
    }
    assert!(
        out.iter().any(|(_, k)| k.starts_with("page")),
        "phrases cut by a page break"
    );
    out
}

#[test]
fn the_same_plan_in_every_format_has_the_same_outline_and_counts() {
    if !have_pdftotext() {
        return;
    }
    let dir = corpus_of(&SAME_PLAN);
    let d = dir.path();
    let index = plansearch(d, &["index"]);
    assert_eq!(index.code, 0, "{}", index.stderr);
    // The lying page is read, with a note saying what it lied about.
    assert!(
        index
            .stderr
            .contains("lying.html: declares the charset UTF-8"),
        "{}",
        index.stderr
    );
    let expected = outline(d, "plan.txt");
    assert_eq!(expected.len(), 3);
    assert_eq!(expected.iter().map(|c| c.2.len()).sum::<usize>(), 9);
    for f in SAME_PLAN {
        assert_eq!(outline(d, f), expected, "{f}");
    }
    for (phrase, why) in phrases() {
        let c = counts(d, &phrase);
        let txt = c["plan.txt"];
        assert!(txt > 0, "{phrase}");
        for f in SAME_PLAN {
            assert_eq!(c[f], txt, "{phrase} ({why}) in {f}");
        }
    }
    // Deleted text and field instructions of the .docx are out; a text box's sentence is in.
    assert!(counts(d, "已删除的旧表述").values().all(|&n| n == 0));
    let docs = plansearch(d, &["docs", "--json"]);
    let formats: BTreeMap<String, String> = docs
        .stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["file"].as_str().unwrap().to_string(),
                v["format"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(formats["plan-lo.pdf"], "pdf");
    assert_eq!(formats["plan.docx"], "docx");
    assert_eq!(formats["plan-gbk.html"], "html");
    assert_eq!(formats["plan.txt"], "text");
}

/// Every passage of the corpus, from a search that matches them all.
fn all_passages(dir: &Path) -> Vec<Value> {
    let run = plansearch(
        dir,
        &[
            "search",
            "\"的\"",
            "--json",
            "--limit",
            "100000",
            "--no-expand",
        ],
    );
    let mut hits: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let run = plansearch(
        dir,
        &[
            "search",
            "\"一\"",
            "--json",
            "--limit",
            "100000",
            "--no-expand",
        ],
    );
    hits.extend(
        run.stdout
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()),
    );
    hits
}

#[test]
fn no_furniture_and_no_spaces_between_chinese_characters_in_any_passage() {
    if !have_pdftotext() {
        return;
    }
    let mut files = SAME_PLAN.to_vec();
    files.push("plan-spaced.pdf");
    let dir = corpus_of(&files);
    let d = dir.path();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    let passages = all_passages(d);
    assert!(passages.len() > 500);
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for p in &passages {
        let text = p["text"].as_str().unwrap();
        let file = p["file"].as_str().unwrap();
        // The running header, the page numbers in their three forms.
        assert!(!text.contains("“十四五”规划纲要"), "{file}: {text}");
        assert!(!text.contains("页 共"), "{file}: {text}");
        let bare = text.trim_matches(|c: char| matches!(c, '—' | '-' | ' ') || c.is_ascii_digit());
        assert!(
            !bare.is_empty(),
            "{file}: a page number as a passage: {text}"
        );
        // A heading passage is written `第一节 发展基础`, label and title apart, as plansearch
        // writes every heading; nothing else has a space between Chinese characters.
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(3) {
            let spaced = han(w[0]) && w[1].is_whitespace() && han(w[2]);
            assert!(!spaced || p["kind"] == "heading", "{file}: {text}");
        }
        if file.ends_with(".pdf") {
            assert!(p["page_start"].is_u64() && p["page_end"].is_u64(), "{file}");
            assert!(p["page_start"].as_u64() <= p["page_end"].as_u64());
        } else {
            assert!(
                p["page_start"].is_null() && p["page_end"].is_null(),
                "{file}"
            );
        }
    }
    // The spaced PDF reads as the plan's own first chapter.
    let spaced = outline(d, "plan-spaced.pdf");
    assert_eq!(spaced[0].1, "开启建设现代化滨湖新城新征程");
}

/// Whether pages `first..=last` of a PDF hold `phrase`: one of them whole, or the end of one
/// page and the start of the next, across the break (pdftotext is the oracle).
fn on_pages(pdf: &Path, phrase: &str, first: u64, last: u64) -> bool {
    let chars: Vec<char> = phrase.chars().collect();
    (first..=last).any(|p| {
        let here = page_text(pdf, p, p);
        if here.contains(phrase) {
            return true;
        }
        p < last && {
            let next = page_text(pdf, p + 1, p + 1);
            (1..chars.len()).any(|k| {
                let (a, b): (String, String) =
                    (chars[..k].iter().collect(), chars[k..].iter().collect());
                here.contains(&a) && next.contains(&b)
            })
        }
    })
}

/// The text of pages `first..=last` of a PDF, as pdftotext gives it, whitespace removed.
fn page_text(pdf: &Path, first: u64, last: u64) -> String {
    let out = Command::new("pdftotext")
        .args([
            "-raw",
            "-enc",
            "UTF-8",
            "-f",
            &first.to_string(),
            "-l",
            &last.to_string(),
        ])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn each_pdf_hit_stands_on_the_pages_it_names() {
    if !have_pdftotext() {
        return;
    }
    let dir = corpus_of(&["plan-lo.pdf", "plan-rl.pdf"]);
    let d = dir.path();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    let mut checked = 0;
    let mut across = 0;
    for (phrase, _) in phrases() {
        let run = plansearch(
            d,
            &[
                "search",
                &format!("\"{phrase}\""),
                "--json",
                "--limit",
                "1000",
            ],
        );
        for line in run.stdout.lines() {
            let h: Value = serde_json::from_str(line).unwrap();
            let (a, b) = (
                h["page_start"].as_u64().unwrap(),
                h["page_end"].as_u64().unwrap(),
            );
            let pdf = d.join("corpus").join(h["file"].as_str().unwrap());
            assert!(
                on_pages(&pdf, &phrase, a, b),
                "{phrase} is not on p.{a}–{b} of {}",
                h["file"]
            );
            checked += 1;
            across += usize::from(a != b);
        }
        // kwic names the same pages.
        let run = plansearch(d, &["kwic", &phrase, "--json"]);
        for line in run.stdout.lines() {
            let l: Value = serde_json::from_str(line).unwrap();
            let (a, b) = (
                l["page_start"].as_u64().unwrap(),
                l["page_end"].as_u64().unwrap(),
            );
            let pdf = d.join("corpus").join(l["file"].as_str().unwrap());
            assert!(on_pages(&pdf, &phrase, a, b), "kwic {phrase} p.{a}–{b}");
        }
    }
    assert!(
        checked > 100 && across > 0,
        "{checked} hits, {across} across pages"
    );
    // Text output names the page beside the location.
    let run = plansearch(
        d,
        &[
            "search",
            "招才引智",
            "--color",
            "never",
            "--file",
            "plan-rl.pdf",
        ],
    );
    assert!(
        run.stdout.lines().next().unwrap().contains("plan-rl.pdf:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(" p."), "{}", run.stdout);
}

#[test]
fn bad_files_are_skipped_one_line_each_and_the_rest_indexed() {
    if !have_pdftotext() {
        return;
    }
    let mut files: Vec<&str> = BAD.iter().map(|(f, _)| *f).collect();
    files.extend(["plan.txt", "plan-rl.pdf"]);
    let dir = corpus_of(&files);
    let d = dir.path();
    let run = plansearch(d, &["index"]);
    assert_eq!(
        run.code, 1,
        "skipped files make the exit status 1: {}",
        run.stderr
    );
    for (file, cause) in BAD {
        let lines: Vec<&str> = run.stderr.lines().filter(|l| l.contains(file)).collect();
        assert_eq!(lines.len(), 1, "{file}: {}", run.stderr);
        assert!(
            lines[0].contains("skipped") && lines[0].contains(cause),
            "{}",
            lines[0]
        );
    }
    assert!(run.stderr.contains("indexed 2 documents"), "{}", run.stderr);
    // Searches run, and nothing is read again while the files are unchanged.
    let search = plansearch(d, &["search", "营商环境", "--json"]);
    assert_eq!(search.code, 0);
    assert!(search.stderr.is_empty(), "{}", search.stderr);
    let again = plansearch(d, &["index"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("encrypted.pdf"), "{}", again.stderr);
}

#[test]
fn without_the_pdf_engine_pdfs_are_skipped_with_what_to_install() {
    let dir = corpus_of(&["plan.txt", "plan-rl.pdf", "plan.docx"]);
    let d = dir.path();
    let run = plansearch_env(d, &["index"], &[("PATH", "/nonexistent")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("plan-rl.pdf"))
        .unwrap();
    assert!(
        line.contains("poppler-utils") && line.contains("not installed"),
        "{line}"
    );
    assert!(run.stderr.contains("indexed 2 documents"), "{}", run.stderr);
    // With the engine back, `index` tries the PDF again.
    if have_pdftotext() {
        let run = plansearch(d, &["index"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("indexed 3 documents"), "{}", run.stderr);
    }
}

#[cfg(unix)]
#[test]
fn the_pdf_engine_is_bounded_in_time_and_output() {
    use std::os::unix::fs::PermissionsExt;
    let dir = corpus_of(&["plan-rl.pdf"]);
    let d = dir.path();
    let fake = |name: &str, body: &str| {
        let p = d.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p.display().to_string()
    };
    let slow = fake("slow.sh", "sleep 30");
    let started = std::time::Instant::now();
    let run = plansearch_env(
        d,
        &["index", "--pdf-timeout", "1"],
        &[("PLANSEARCH_PDFTOTEXT", &slow), ("PATH", "/usr/bin:/bin")],
    );
    assert!(
        started.elapsed().as_secs() < 20,
        "the engine was not stopped"
    );
    assert!(run.stderr.contains("took more than 1 s"), "{}", run.stderr);
    let loud = fake("loud.sh", "yes 推进营商环境建设。 | head -c 3000000");
    let run = plansearch_env(
        d,
        &["index", "--max-file-mb", "1"],
        &[("PLANSEARCH_PDFTOTEXT", &loud), ("PATH", "/usr/bin:/bin")],
    );
    assert!(run.stderr.contains("larger than 1 MB"), "{}", run.stderr);
}

#[test]
fn a_zip_bomb_is_refused_not_unpacked() {
    use std::io::Write;
    let dir = corpus_of(&["plan.txt"]);
    let d = dir.path();
    let path = d.join("corpus").join("bomb.docx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..8 {
        zip.write_all(&spaces).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 100_000);
    let run = plansearch(d, &["index", "--max-file-mb", "2"]);
    assert_eq!(run.code, 1);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("bomb.docx"))
        .unwrap();
    assert!(line.contains("unpacks to more than 2 MB"), "{line}");
    assert!(run.stderr.contains("indexed 1 documents"), "{}", run.stderr);
}

#[test]
fn a_docx_styled_heading_without_its_label_is_a_chapter() {
    let dir = corpus_of(&["plan-nonum.docx"]);
    let o = outline(dir.path(), "plan-nonum.docx");
    assert_eq!(o.len(), 3);
    assert_eq!(
        (o[0].0, o[0].1.as_str()),
        (1, "开启建设现代化滨湖新城新征程")
    );
    assert_eq!((o[2].2[1].0, o[2].2[1].1.as_str()), (2, "实施城市更新行动"));
    let run = plansearch(
        dir.path(),
        &["outline", "corpus/plan-nonum.docx", "--lines"],
    );
    assert!(
        run.stdout.contains("[h1] 开启建设现代化滨湖新城新征程"),
        "{}",
        run.stdout
    );
}
