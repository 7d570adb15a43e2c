//! compare and kwic: counts held against a substring oracle, zero rows kept, concordance lines
//! one per occurrence at the real file line, alignment, sorting, matrices, CSV and JSON.

use std::collections::BTreeMap;

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use plansearch::index::tokenize::fold_str;
use plansearch::query::Filters;
use plansearch::query::compare::{SortKey, compare, concepts};
use plansearch::query::concept::Concept;
use plansearch::query::kwic::{KwicSort, concordance, concordance_page, contexts, sort};
use plansearch::structure::clean;

use crate::util::{bundled_index, bundled_passages, plan_text, plansearch, workspace};

/// Per file: (occurrences, passages), by plain substring counting over the passages' text,
/// both folded as matching folds them (５Ｇ = 5G = 5g).
fn oracle(term: &str) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let term = fold_str(term);
    for (file, p) in bundled_passages() {
        let e = out.entry(file.clone()).or_default();
        let n = fold_str(&p.text).matches(&term).count() as u64;
        e.0 += n;
        e.1 += u64::from(n > 0);
    }
    out
}

fn counts(term: &str) -> BTreeMap<String, (u64, u64)> {
    let c = compare(
        bundled_index(),
        &[Concept::from(term)],
        &Filters::default(),
        Some(0),
        SortKey::File,
    )
    .unwrap();
    c.rows
        .iter()
        .map(|r| {
            (
                r.doc.file.clone(),
                (r.counts[0].occurrences, r.counts[0].passages),
            )
        })
        .collect()
}

/// Terms drawn from the plans themselves: every 3rd passage, a few lengths and places.
fn sample_terms() -> Vec<String> {
    let mut out = vec![
        "营商环境".to_string(),
        "发展".into(),
        "一".into(),
        "哈哈".into(), // never used: zero everywhere
        "碳中和".into(),
        "光芯屏端网".into(),
        "十四五".into(),
        "“十四五”".into(),
        "5G".into(),
        "GDP".into(),
    ];
    for (k, (_, p)) in bundled_passages().iter().enumerate().step_by(37) {
        let chars: Vec<char> = p.text.chars().collect();
        for len in [2, 3, 5, 8] {
            let at = (k * 7) % chars.len().max(1);
            let s: String = chars.iter().skip(at).take(len).collect();
            if s.chars().count() == len && !s.chars().any(|c| c.is_whitespace() || c == '"') {
                out.push(s);
            }
        }
    }
    out
}

#[test]
fn compare_counts_equal_a_substring_count_and_keep_zero_rows() {
    let files: Vec<String> = crate::util::plan_files()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let terms = sample_terms();
    assert!(terms.len() > 100, "{} terms", terms.len());
    for t in &terms {
        let got = counts(t);
        let expected = oracle(t);
        assert_eq!(
            got.keys().cloned().collect::<Vec<_>>(),
            files,
            "{t}: every document has a row"
        );
        assert_eq!(got, expected, "{t}");
    }
    // The document sizes are the passages' characters: rates are per 10,000 of them.
    let c = compare(
        bundled_index(),
        &[Concept::from("发展")],
        &Filters::default(),
        Some(0),
        SortKey::Rate,
    )
    .unwrap();
    for r in &c.rows {
        let chars: usize = bundled_passages()
            .iter()
            .filter(|(f, _)| *f == r.doc.file)
            .map(|(_, p)| p.char_len())
            .sum();
        assert_eq!(r.doc.chars as usize, chars);
        let rate = r.counts[0].occurrences as f64 * 10_000.0 / chars as f64;
        assert!((r.counts[0].per_10k - rate).abs() < 1e-9);
    }
    let rates: Vec<f64> = c.rows.iter().map(|r| r.counts[0].per_10k).collect();
    assert!(
        rates.windows(2).all(|w| w[0] >= w[1]),
        "sorted by rate: {rates:?}"
    );
    let shares: f64 = c.rows.iter().map(|r| r.counts[0].share).sum();
    assert!((shares - 1.0).abs() < 1e-9);
}

#[test]
fn a_phrase_cut_by_a_wrap_counts_once_and_the_toc_never_counts() {
    // "厕所革命" is split over two lines of ezhou-echeng.txt; its TOC and front page are not text.
    let by_file = counts("厕所革命");
    assert_eq!(by_file["ezhou-echeng.txt"].0, 1);
    // Chapter titles appear in the TOC and once in the body: only the body counts.
    let title = "加快建设山水绿城";
    assert_eq!(plan_text("ezhou-echeng.txt").matches(title).count(), 2);
    assert_eq!(counts(title)["ezhou-echeng.txt"].0, 1);
}

#[test]
fn chapters_that_use_a_term_add_up_to_its_occurrences() {
    let c = compare(
        bundled_index(),
        &[Concept::from("营商环境")],
        &Filters::default(),
        Some(0),
        SortKey::File,
    )
    .unwrap();
    for r in &c.rows {
        let k = &r.counts[0];
        assert_eq!(
            k.chapters.iter().map(|c| c.occurrences).sum::<u64>(),
            k.occurrences,
            "{}",
            r.doc.file
        );
        for ch in &k.chapters {
            let no = ch.chapter.as_ref().and_then(|c| c.no);
            let oracle: u64 = bundled_passages()
                .iter()
                .filter(|(f, p)| {
                    *f == r.doc.file
                        && p.chapter.as_ref().and_then(|c| c.no) == no
                        && p.chapter.is_some() == ch.chapter.is_some()
                })
                .map(|(_, p)| p.text.matches("营商环境").count() as u64)
                .sum();
            assert_eq!(ch.occurrences, oracle, "{} chapter {no:?}", r.doc.file);
        }
    }
}

#[test]
fn kwic_gives_one_line_per_occurrence_at_the_line_where_it_starts() {
    for term in ["营商环境", "厕所革命", "研发机构", "发展", "331家"] {
        let lines = concordance(
            bundled_index(),
            &Concept::from(term),
            &Filters::default(),
            20,
        )
        .unwrap();
        let total: u64 = oracle(term).values().map(|v| v.0).sum();
        assert_eq!(lines.len() as u64, total, "{term}");
        let mut texts: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for l in &lines {
            let file_lines = texts.entry(l.doc.file.clone()).or_insert_with(|| {
                let t = plan_text(&l.doc.file);
                let markdown = t
                    .lines()
                    .filter(|x| clean::looks_like_markdown_heading(x))
                    .count()
                    >= 3;
                t.lines()
                    .map(|x| {
                        clean::clean_line(x, markdown)
                            .text
                            .split_whitespace()
                            .collect()
                    })
                    .collect()
            });
            let raw = &file_lines[l.line as usize - 1];
            let chars: Vec<char> = term.chars().collect();
            let starts_here = raw.contains(term)
                || (1..chars.len()).any(|k| raw.ends_with(&chars[..k].iter().collect::<String>()));
            assert!(starts_here, "{term}: {}:{} is {raw}", l.doc.file, l.line);
            assert_eq!(l.matched, term);
        }
    }
    // A phrase cut by a wrap starts on the first of its lines.
    let lines = concordance(
        bundled_index(),
        &Concept::from("厕所革命"),
        &Filters::default(),
        20,
    )
    .unwrap();
    assert_eq!(
        (lines[0].doc.file.as_str(), lines[0].line),
        ("ezhou-echeng.txt", 80)
    );
}

#[test]
fn kwic_aligns_chinese_by_display_width() {
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["kwic", "营商环境", "--width", "16", "--color", "never"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut columns = Vec::new();
    for line in run.stdout.lines() {
        let cells: Vec<&str> = line.split('│').collect();
        assert!(cells.len() >= 5, "{line}");
        assert_eq!(
            cells[1].width(),
            16,
            "left context padded to 16 columns: {line}"
        );
        assert_eq!(cells[2], "营商环境");
        assert_eq!(cells[3].width(), 16, "{line}");
        columns.push(cells[0].width());
    }
    assert!(
        columns.windows(2).all(|w| w[0] == w[1]),
        "region column aligned"
    );
}

#[test]
fn kwic_sorts_by_left_right_and_document_and_groups() {
    let idx = bundled_index();
    let mut lines = concordance(idx, &Concept::from("营商环境"), &Filters::default(), 20).unwrap();
    sort(&mut lines, KwicSort::Left, false);
    let keys: Vec<String> = lines
        .iter()
        .map(|l| l.left.chars().rev().collect())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    sort(&mut lines, KwicSort::Right, false);
    assert!(lines.windows(2).all(|w| w[0].right <= w[1].right));
    sort(&mut lines, KwicSort::Doc, false);
    assert!(lines.windows(2).all(|w| w[0].doc.region <= w[1].doc.region));
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["kwic", "营商环境", "--group-by", "doc", "--color", "never"],
    );
    let headers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("── "))
        .collect();
    assert_eq!(headers.len(), 5);
    assert!(headers[0].ends_with(
        &format!("({})", run.stdout.lines().skip(1).take_while(|l| !l.starts_with("── ")).count())
    ));
}

#[test]
fn a_page_of_the_concordance_is_that_slice_of_the_whole() {
    let idx = bundled_index();
    let key = |l: &plansearch::query::kwic::KwicLine| {
        (
            l.doc.path.clone(),
            l.line,
            l.left.clone(),
            l.matched.clone(),
            l.right.clone(),
        )
    };
    // A word in every plan, a group of wordings, and a phrase of one plan.
    for term in ["发展", "新基建|新型基础设施", "营商环境"] {
        let concept = plansearch::query::concept::concept(term, None).unwrap();
        let all = concordance(idx, &concept, &Filters::default(), 12).unwrap();
        assert!(!all.is_empty(), "{term}");
        for by in [
            KwicSort::Position,
            KwicSort::Doc,
            KwicSort::Left,
            KwicSort::Right,
        ] {
            for group in [false, true] {
                let mut whole = all.clone();
                sort(&mut whole, by, group);
                let n = whole.len();
                // Pages across documents' edges, the last partial page, and past the end.
                for (offset, limit) in [(0, 7), (n / 3, 50), (n.saturating_sub(5), 10), (n + 1, 5)]
                {
                    let (total, page) = concordance_page(
                        idx,
                        &concept,
                        &Filters::default(),
                        12,
                        by,
                        group,
                        offset..offset + limit,
                    )
                    .unwrap();
                    assert_eq!(total, n, "{term} {by:?} {group}");
                    let expected: Vec<_> = whole.iter().skip(offset).take(limit).map(key).collect();
                    let got: Vec<_> = page.iter().map(key).collect();
                    assert_eq!(
                        got, expected,
                        "{term} {by:?} group {group} at {offset}+{limit}"
                    );
                }
            }
        }
    }
}

#[test]
fn kwic_contexts_name_the_words_around_the_term() {
    let idx = bundled_index();
    let lines = concordance(idx, &Concept::from("营商环境"), &Filters::default(), 20).unwrap();
    let found = contexts(idx, &lines, 10).unwrap();
    let before: Vec<&str> = found
        .iter()
        .filter(|c| c.side == plansearch::query::kwic::Side::Before)
        .map(|c| c.word.as_str())
        .collect();
    assert_eq!(before[0], "优化", "the most frequent word before 营商环境");
    for c in &found {
        let phrase = match c.side {
            plansearch::query::kwic::Side::Before => format!("{}营商环境", c.word),
            plansearch::query::kwic::Side::After => format!("营商环境{}", c.word),
        };
        // A heading's label and title are separated by a space the phrase does not have.
        let uses = |file: &str| -> u64 {
            bundled_passages()
                .iter()
                .filter(|(f, _)| f == file)
                .map(|(_, p)| {
                    p.text
                        .split_whitespace()
                        .collect::<String>()
                        .matches(&phrase)
                        .count() as u64
                })
                .sum()
        };
        let total: u64 = idx.manifest.docs.iter().map(|d| uses(&d.file)).sum();
        assert!(
            c.count >= 1 && c.count <= total,
            "{phrase}: {} vs {total}",
            c.count
        );
        let regions: Vec<String> = idx
            .manifest
            .docs
            .iter()
            .filter(|d| uses(&d.file) > 0)
            .map(|d| d.region.clone())
            .collect();
        assert!(
            c.documents.iter().all(|r| regions.contains(r)),
            "{phrase}: {:?} vs {regions:?}",
            c.documents
        );
    }
}

#[test]
fn compare_json_one_query_and_matrix_read_back() {
    let dir = workspace();
    let run = plansearch(dir.path(), &["compare", "营商环境", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["queries"], serde_json::json!(["营商环境"]));
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    let oracle = oracle("营商环境");
    for d in docs {
        let file = d["file"].as_str().unwrap();
        assert_eq!(d["occurrences"].as_u64().unwrap(), oracle[file].0);
        assert_eq!(d["passages"].as_u64().unwrap(), oracle[file].1);
        assert!(d["per_10k"].as_f64().unwrap() > 0.0 && d["chars"].as_u64().unwrap() > 0);
        assert!(d["region"].is_string() && d["title"].is_string());
        let ch_sum: u64 = d["chapters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["occurrences"].as_u64().unwrap())
            .sum();
        assert_eq!(ch_sum, oracle[file].0);
        let best = d["best"].as_array().unwrap();
        assert_eq!(best.len(), 1);
        assert!(best[0]["text"].as_str().unwrap().contains("营商环境"));
    }

    let run = plansearch(
        dir.path(),
        &["compare", "营商环境", "放管服", "哈哈", "--json"],
    );
    assert_eq!(run.code, 0);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["queries"],
        serde_json::json!(["营商环境", "放管服", "哈哈"])
    );
    for d in v["documents"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        for q in ["营商环境", "放管服", "哈哈"] {
            let by = &d["by_query"][q];
            assert_eq!(
                by["occurrences"].as_u64().unwrap(),
                crate::compare::oracle(q)[file].0,
                "{file} {q}"
            );
        }
        assert_eq!(d["by_query"]["哈哈"]["best"], serde_json::json!([]));
    }
    let none = plansearch(dir.path(), &["compare", "哈哈"]);
    assert_eq!(none.code, 1, "no document uses it");
    assert!(none.stdout.contains("used by 0 of 5 documents"));
}

#[test]
fn csv_tables_have_stable_headers_and_read_back() {
    let dir = workspace();
    let read = |args: &[&str]| -> (Vec<String>, Vec<Vec<String>>) {
        let run = plansearch(dir.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let mut r = csv::Reader::from_reader(run.stdout.as_bytes());
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    };
    let (h, rows) = read(&["compare", "营商环境", "放管服", "--csv"]);
    assert_eq!(
        h,
        [
            "query",
            "region",
            "file",
            "title",
            "chars",
            "occurrences",
            "passages",
            "per_10k",
            "share"
        ]
    );
    assert_eq!(
        rows.len(),
        10,
        "a row per document and term, zero rows included"
    );
    for row in &rows {
        assert_eq!(row[5].parse::<u64>().unwrap(), oracle(&row[0])[&row[2]].0);
    }
    let (h, rows) = read(&["compare", "营商环境", "--csv", "--table", "chapters"]);
    assert_eq!(
        h,
        [
            "query",
            "region",
            "file",
            "chapter_no",
            "chapter_label",
            "chapter_title",
            "occurrences"
        ]
    );
    assert_eq!(
        rows.iter()
            .map(|r| r[6].parse::<u64>().unwrap())
            .sum::<u64>(),
        oracle("营商环境").values().map(|v| v.0).sum::<u64>()
    );
    let (h, rows) = read(&[
        "compare",
        "营商环境",
        "--csv",
        "--table",
        "passages",
        "--per",
        "2",
    ]);
    assert_eq!(h[..4], ["query", "region", "file", "match"]);
    assert_eq!(rows.len(), 10);
    let (h, rows) = read(&["kwic", "营商环境", "--csv"]);
    assert_eq!(
        h,
        [
            "region",
            "file",
            "line",
            "chapter_no",
            "chapter_title",
            "section_no",
            "section_title",
            "left",
            "match",
            "right",
            "variant"
        ]
    );
    assert_eq!(
        rows.len() as u64,
        oracle("营商环境").values().map(|v| v.0).sum::<u64>()
    );
    let (h, _) = read(&["kwic", "营商环境", "--contexts", "--csv"]);
    assert_eq!(h, ["side", "word", "count", "documents"]);
}

#[test]
fn kwic_json_lines_follow_the_documented_schema() {
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["kwic", "营商环境", "--json", "--file", "hubei"],
    );
    assert_eq!(run.code, 0);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, oracle("营商环境")["hubei.txt"].0);
    for l in &lines {
        assert_eq!(l["file"], "hubei.txt");
        assert_eq!(l["region"], "湖北省");
        assert!(l["line"].as_u64().unwrap() > 0);
        assert_eq!(l["match"], "营商环境");
        assert!(l["left"].is_string() && l["right"].is_string());
        assert!(l["chapter"]["no"].is_number());
    }
}

#[test]
fn filters_keep_compare_to_the_chosen_documents() {
    let f = Filters {
        regions: vec!["武汉".into()],
        ..Filters::default()
    };
    let c = compare(
        bundled_index(),
        &concepts(&["\"营商环境\"".to_string()], None).unwrap(),
        &f,
        Some(1),
        SortKey::Count,
    )
    .unwrap();
    assert_eq!(
        c.rows.len(),
        2,
        "汉阳区 and the development zone have 武汉 in their region"
    );
    assert!(c.rows.iter().all(|r| r.doc.region.contains("武汉")));
    let counts: Vec<u64> = c.rows.iter().map(|r| r.counts[0].occurrences).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
}
