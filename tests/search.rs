//! Search: exact matching held against an oracle, locations, ranking tiers, the query
//! language, flags, exit codes and the JSON a script reads.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

use plansearch::index::tokenize::fold_str;
use plansearch::query::{Filters, MatchKind};

use crate::util::{
    bundled_passages, plansearch, plansearch_env, search, search_literal, search_with, workspace,
};

/// A passage as the tests identify it: file, first line, last line, text.
type Key = (String, u32, u32, String);

/// The passages whose text contains `s`, compared folded as matching folds them.
fn oracle(s: &str) -> BTreeSet<Key> {
    let s = fold_str(s);
    bundled_passages()
        .iter()
        .filter(|(_, p)| fold_str(&p.text).contains(&s))
        .map(|(f, p)| (f.clone(), p.line_start, p.line_end, p.text.clone()))
        .collect()
}

fn key(h: &plansearch::query::Hit) -> Key {
    (
        h.doc.file.clone(),
        h.passage.line_start,
        h.passage.line_end,
        h.passage.text.clone(),
    )
}

fn found(s: &str) -> (BTreeSet<Key>, usize) {
    let r = search(&format!("\"{s}\""), 1_000_000);
    assert!(r.hits.iter().all(|h| h.kind == MatchKind::Exact), "{s}");
    assert_eq!(r.hits.len(), r.exact, "{s}: every match returned");
    (r.hits.iter().map(key).collect(), r.exact)
}

fn check_exact(s: &str) -> Result<(), TestCaseError> {
    let expected = oracle(s);
    let (got, count) = found(s);
    prop_assert_eq!(count, expected.len(), "count for {:?}", s);
    prop_assert_eq!(got, expected, "passages for {:?}", s);
    Ok(())
}

/// A substring of a passage: 1 to 12 characters, no whitespace (a query folds it away) and no
/// ASCII `"` (which delimits a phrase).
fn substring() -> impl Strategy<Value = String> {
    let n = bundled_passages().len();
    (0..n, any::<prop::sample::Index>(), 1usize..=12).prop_filter_map(
        "no whitespace",
        |(i, at, len)| {
            let chars: Vec<char> = bundled_passages()[i].1.text.chars().collect();
            let start = at.index(chars.len().max(1));
            let s: String = chars
                .get(start..(start + len).min(chars.len()))?
                .iter()
                .collect();
            (!s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c == '"')).then_some(s)
        },
    )
}

/// A substring that crosses a place where the file wrapped the passage's text.
fn across_a_wrap() -> impl Strategy<Value = String> {
    let wrapped: Vec<usize> = (0..bundled_passages().len())
        .filter(|&i| bundled_passages()[i].1.line_map.len() > 1)
        .collect();
    (
        prop::sample::select(wrapped),
        any::<prop::sample::Index>(),
        1usize..=6,
        1usize..=6,
    )
        .prop_filter_map("no whitespace", |(i, which, before, after)| {
            let p = &bundled_passages()[i].1;
            let chars: Vec<char> = p.text.chars().collect();
            let cut = p.line_map[1 + which.index(p.line_map.len() - 1)].0 as usize;
            let s: String = chars
                .get(cut.saturating_sub(before)..(cut + after).min(chars.len()))?
                .iter()
                .collect();
            (s.chars().count() >= 2 && !s.chars().any(|c| c.is_whitespace() || c == '"'))
                .then_some(s)
        })
}

fn runner(cases: u32) -> TestRunner {
    // A fixed seed: the same strings on every run, so a failure reproduces.
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    )
}

#[test]
fn exact_phrases_find_exactly_the_passages_that_contain_them() {
    runner(400).run(&substring(), |s| check_exact(&s)).unwrap();
}

#[test]
fn exact_phrases_cut_by_wraps_are_found() {
    runner(150)
        .run(&across_a_wrap(), |s| check_exact(&s))
        .unwrap();
}

#[test]
fn exact_matching_does_not_depend_on_segmentation() {
    // jieba splits these differently by context; exact matching must not care.
    for s in [
        "碳中和",
        "中和",
        "为核心",
        "人为",
        "营商",
        "商环",
        "5G",
        "GDP",
        "光芯屏端网",
        "芯屏",
        "一",
        "，",
        "”",
        "十四五",
        "四五",
    ] {
        check_exact(s).unwrap();
    }
}

#[test]
fn hits_are_located_in_their_real_chapter_section_and_lines() {
    /// (query, file, chapter no, section no, first line, last line)
    type Case<'a> = (&'a str, &'a str, Option<u32>, Option<u32>, u32, u32);
    let cases: [Case; 7] = [
        ("厕所革命", "ezhou-echeng.txt", Some(1), Some(1), 80, 82),
        (
            "实施近零碳排放区示范工程",
            "hubei.txt",
            Some(12),
            Some(3),
            1156,
            1158,
        ),
        (
            "构建高质量发展产业及空间布局",
            "wuhan-caidian.txt",
            Some(10),
            Some(1),
            1467,
            1467,
        ),
        (
            "打造“光芯屏端网”世界级产业集群",
            "hubei.txt",
            Some(3),
            Some(2),
            385,
            385,
        ),
        (
            "着力优化营商环境",
            "wuhan-hanyang.txt",
            Some(11),
            Some(1),
            889,
            889,
        ),
        (
            "引进法雷奥东亚技术中心",
            "wuhan-jingkai.txt",
            Some(1),
            Some(1),
            76,
            84,
        ),
        (
            "五个中心：全国经济中心",
            "wuhan-jingkai.txt",
            Some(1),
            Some(2),
            116,
            116,
        ),
    ];
    for (q, file, ch, sec, first, last) in cases {
        let r = search(&format!("\"{q}\""), 10);
        let h = r
            .hits
            .iter()
            .find(|h| h.doc.file == file)
            .unwrap_or_else(|| panic!("{q}: no hit in {file}"));
        let got = (
            h.passage.chapter.as_ref().and_then(|c| c.no),
            h.passage.section.as_ref().and_then(|s| s.no),
        );
        assert_eq!(got, (ch, sec), "{q}: chapter and section");
        assert_eq!(
            (h.passage.line_start, h.passage.line_end),
            (first, last),
            "{q}: lines"
        );
        // The highlight points at the phrase in the text.
        let (s, e) = h.highlights[0];
        let text: String = h.passage.text.chars().skip(s).take(e - s).collect();
        assert_eq!(text, q);
    }
}

#[test]
fn tiers_rank_exact_before_all_words_before_some() {
    let r = search_literal("营商环境优化", 200);
    let kinds: Vec<MatchKind> = r.hits.iter().map(|h| h.kind).collect();
    assert!(
        kinds.windows(2).all(|w| w[0] <= w[1]),
        "tiers out of order: {kinds:?}"
    );
    assert!(
        kinds.contains(&MatchKind::Exact)
            && kinds.contains(&MatchKind::All)
            && kinds.contains(&MatchKind::Partial)
    );
    for h in &r.hits {
        let t = &h.passage.text;
        let all = r.words.iter().all(|w| t.contains(w.as_str()));
        match h.kind {
            MatchKind::Exact => assert!(t.contains("营商环境优化")),
            MatchKind::All => assert!(all && !t.contains("营商环境优化"), "{t}"),
            MatchKind::Partial => assert!(
                !all && r.words.iter().any(|w| t.contains(w.as_str())),
                "{t}"
            ),
            other => panic!("{other:?} hit with expansions off"),
        }
    }
    assert_eq!(r.exact, oracle("营商环境优化").len());
}

/// The tier of a passage for a plain multi-word query, by substring tests alone.
fn oracle_tier(text: &str, whole: &str, words: &[String]) -> Option<MatchKind> {
    if text.contains(whole) {
        Some(MatchKind::Exact)
    } else if words.iter().all(|w| text.contains(w.as_str())) {
        Some(MatchKind::All)
    } else if words
        .iter()
        .any(|w| w.chars().count() > 1 && text.contains(w.as_str()))
    {
        Some(MatchKind::Partial)
    } else {
        None
    }
}

#[test]
fn lower_tiers_hold_exactly_the_passages_exact_matching_puts_there() {
    // Pairs of common and rare words: the all-words and some-words tiers are searched through
    // jieba's words, with exact matching as the fallback; either way the tiers must agree with
    // substring tests, fill the limit when the corpus has enough, and repeat nothing.
    for (q, limit) in [
        ("管理 城市", 10),
        ("生态 保护", 40),
        ("营商环境 数字经济", 25),
        ("全力 1500", 10),
        ("光芯屏端网 人才", 15),
        ("碳达峰 碳中和 能源", 30),
        // A word of one character, looked up in the characters' field.
        ("建国家级", 30),
        ("新 城市", 20),
    ] {
        let r = search_literal(q, limit);
        let whole = q.replace(' ', "");
        let mut by_tier = std::collections::BTreeMap::new();
        for (_, p) in bundled_passages() {
            if let Some(t) = oracle_tier(&p.text, &whole, &r.words) {
                *by_tier.entry(t).or_insert(0usize) += 1;
            }
        }
        let keys: BTreeSet<Key> = r.hits.iter().map(key).collect();
        assert_eq!(keys.len(), r.hits.len(), "{q}: a passage repeated");
        for h in &r.hits {
            assert_eq!(
                oracle_tier(&h.passage.text, &whole, &r.words),
                Some(h.kind),
                "{q}: {}",
                h.passage.text
            );
        }
        let available: usize = by_tier.values().sum();
        assert_eq!(r.hits.len(), limit.min(available), "{q}: {by_tier:?}");
        for tier in [MatchKind::Exact, MatchKind::All] {
            let shown = r.hits.iter().filter(|h| h.kind == tier).count();
            let exists = by_tier.get(&tier).copied().unwrap_or(0);
            assert!(
                shown == exists || r.hits.iter().all(|h| h.kind <= tier),
                "{q}: {tier:?} shows {shown} of {exists} while lower tiers are shown"
            );
        }
    }
    // The last two queries above have a word of one character.
    for q in ["建国家级", "新 城市"] {
        let words = search_literal(q, 1).words;
        assert!(
            words.iter().any(|w| w.chars().count() == 1),
            "{q}: {words:?}"
        );
    }
}

#[test]
fn expansion_tiers_hold_nothing_a_tier_above_holds() {
    // Each tier's query leaves out what the tiers above match: the query's string, the
    // variants, the query's words. A passage holds nothing a tier above it is found by.
    for q in [
        "城市更新",
        "新基建",
        "碳达峰",
        "数字化转型 制造业",
        "绿色 低碳",
    ] {
        let r = search(q, 80);
        let whole = fold_str(&q.replace(' ', ""));
        let keys: BTreeSet<Key> = r.hits.iter().map(key).collect();
        assert_eq!(keys.len(), r.hits.len(), "{q}: a passage repeated");
        assert!(
            r.hits.iter().any(|h| h.kind == MatchKind::Related),
            "{q}: no related wording to check"
        );
        for h in &r.hits {
            let text = fold_str(&h.passage.text);
            let above = oracle_tier(&text, &whole, &r.words);
            let variant = r
                .expansions
                .iter()
                .find(|e| text.contains(&fold_str(&e.text)));
            // Tiers in order: exact, variant, section, all, partial, related.
            if h.kind > MatchKind::Exact {
                assert_ne!(above, Some(MatchKind::Exact), "{q}: {}", h.passage.text);
            }
            if h.kind > MatchKind::Variant {
                assert!(variant.is_none(), "{q}: {variant:?} in {}", h.passage.text);
            }
            if h.kind == MatchKind::Related {
                assert_eq!(above, None, "{q}: {}", h.passage.text);
            }
        }
    }
}

#[test]
fn a_word_found_only_inside_longer_words_still_reaches_its_tier() {
    // jieba reads 城市化 as one word, so only exact matching finds 城市 in the second plan.
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.txt"),
        "甲县发展规划\n\n第一章 总则\n\n加强城市精细化管理，提升城市品质。\n",
    )
    .unwrap();
    std::fs::write(
        corpus.join("b.txt"),
        "乙县发展规划\n\n第一章 总则\n\n推进新型城市化，完善社会治理与管理体制。\n",
    )
    .unwrap();
    let run = plansearch(
        dir.path(),
        &["search", "城市 管理", "--json", "--no-expand"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let files: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h["file"].as_str().unwrap(), h["match"].as_str().unwrap()))
        .collect();
    assert!(files.contains(&("a.txt", "all")), "{files:?}");
    assert!(files.contains(&("b.txt", "all")), "{files:?}");
}

#[test]
fn within_all_words_closer_words_rank_higher() {
    let r = search_literal("生态 保护", 300);
    let all: Vec<_> = r.hits.iter().filter(|h| h.kind == MatchKind::All).collect();
    assert!(all.len() > 5);
    // The best all-words hit has the two words nearer each other than the worst does.
    let gap = |t: &str| {
        let a = t.find("生态").unwrap() as i64;
        let b = t.find("保护").unwrap() as i64;
        (a - b).abs()
    };
    assert!(gap(&all[0].passage.text) <= gap(&all[all.len() - 1].passage.text));
}

#[test]
fn a_query_found_nowhere_returns_its_parts_and_says_so() {
    let r = search("营商环境保卫战", 5);
    assert_eq!(r.exact, 0);
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| h.kind != MatchKind::Exact));
    let dir = workspace();
    let run = plansearch(dir.path(), &["search", "营商环境保卫战"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("no passage contains “营商环境保卫战” as written"),
        "{}",
        run.stderr
    );
}

#[test]
fn query_language_exclusions_or_and_phrases() {
    let r = search("营商环境 -优化", 1000);
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| !h.passage.text.contains("优化")));

    let r = search("\"碳排放达峰\" OR \"碳中和\"", 1000);
    let expected: BTreeSet<_> = oracle("碳排放达峰")
        .union(&oracle("碳中和"))
        .cloned()
        .collect();
    let got: BTreeSet<_> = r.hits.iter().map(key).collect();
    assert_eq!(got, expected);

    // A phrase is required in every tier.
    let r = search("\"乡村振兴\" 产业融合", 1000);
    assert!(r.hits.iter().all(|h| h.passage.text.contains("乡村振兴")));
    assert!(r.hits.iter().any(|h| h.kind == MatchKind::Exact));
    assert!(
        r.hits.iter().any(|h| h.kind != MatchKind::Exact),
        "lower tiers keep the phrase too"
    );
}

#[test]
fn filters_restrict_region_file_and_chapter() {
    let f = Filters {
        regions: vec!["汉阳".into()],
        ..Filters::default()
    };
    let r = search_with("发展", 50, &f);
    assert!(!r.hits.is_empty() && r.hits.iter().all(|h| h.doc.region == "武汉市汉阳区"));
    let f = Filters {
        files: vec!["hubei".into()],
        chapter: Some(9),
        ..Filters::default()
    };
    let r = search_with("营商环境", 50, &f);
    assert!(!r.hits.is_empty());
    assert!(
        r.hits.iter().all(|h| h.doc.file == "hubei.txt"
            && h.passage.chapter.as_ref().and_then(|c| c.no) == Some(9))
    );
    let exact_in_ch9 = crate::util::bundled_passages()
        .iter()
        .filter(|(f, p)| {
            f == "hubei.txt"
                && p.chapter.as_ref().and_then(|c| c.no) == Some(9)
                && p.text.contains("营商环境")
        })
        .count();
    assert_eq!(r.exact, exact_in_ch9);
}

#[test]
fn limit_and_exit_codes() {
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["search", "发展", "--limit", "3", "--color", "never"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ranks: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with("    "))
        .collect();
    assert_eq!(ranks.len(), 3);
    assert!(ranks[0].trim_start().starts_with("1  "));
    let none = plansearch(dir.path(), &["search", "\"量子引力波\""]);
    assert_eq!(none.code, 1);
    assert!(none.stdout.is_empty());
    let bad = plansearch(dir.path(), &["search", ""]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.starts_with("plansearch: query \"\""),
        "{}",
        bad.stderr
    );
    let region = plansearch(dir.path(), &["search", "发展", "--region", "洪山区"]);
    assert_eq!(region.code, 2);
    assert!(
        region.stderr.contains("--region 洪山区"),
        "{}",
        region.stderr
    );
    let zero = plansearch(dir.path(), &["search", "发展", "--limit", "0"]);
    assert_eq!(zero.code, 2);
}

#[test]
fn colour_on_request_never_in_json_and_not_with_no_color() {
    let dir = workspace();
    let always = plansearch(dir.path(), &["search", "营商环境", "--color", "always"]);
    assert!(always.stdout.contains("\x1b[1;31m营商环境\x1b[0m"));
    let piped = plansearch_env(dir.path(), &["search", "营商环境"], &[("NO_COLOR", "1")]);
    assert!(!piped.stdout.contains('\x1b'));
    let json = plansearch(
        dir.path(),
        &["search", "营商环境", "--json", "--color", "always"],
    );
    assert!(!json.stdout.contains('\x1b'));
}

#[test]
fn json_lines_follow_the_documented_schema() {
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["search", "营商环境优化", "--json", "--limit", "40"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(hits.len(), 40);
    for (k, h) in hits.iter().enumerate() {
        assert_eq!(h["rank"], k + 1);
        assert!(h["score"].is_number());
        assert!(
            ["exact", "variant", "section", "all", "partial", "related"]
                .contains(&h["match"].as_str().unwrap())
        );
        assert!(
            h["expanded_from"].is_null()
                == (h["match"] == "exact" || h["match"] == "all" || h["match"] == "partial")
        );
        assert!(h["file"].as_str().unwrap().ends_with(".txt"));
        assert!(!h["region"].as_str().unwrap().is_empty());
        assert!(h["title"].as_str().unwrap().contains("纲要"));
        for key in ["chapter", "section"] {
            let v = &h[key];
            assert!(
                v.is_null()
                    || (v["no"].is_number() || v["no"].is_null()) && v.get("title").is_some(),
                "{key}: {v}"
            );
        }
        let (a, b) = (
            h["line_start"].as_u64().unwrap(),
            h["line_end"].as_u64().unwrap(),
        );
        assert!(a >= 1 && a <= b);
        let text: Vec<char> = h["text"].as_str().unwrap().chars().collect();
        for r in h["highlights"].as_array().unwrap() {
            let (s, e) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            assert!(s < e && e <= text.len());
            if h["match"] == "exact" {
                assert_eq!(text[s..e].iter().collect::<String>(), "营商环境优化");
            }
        }
    }
}

#[test]
fn the_readme_first_command_indexes_a_fresh_clone_and_prints_ranked_passages() {
    let dir = workspace();
    assert!(!dir.path().join("index").exists());
    let run = plansearch(dir.path(), &["search", "营商环境"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("indexing corpus first"),
        "{}",
        run.stderr
    );
    assert!(dir.path().join("index/meta.json").is_file());
    // The note counts every passage holding the phrase, and says how many of them the page shows
    // (passages about it with other wording may take some of the places).
    let exact = crate::util::search("营商环境", 10).exact;
    let shown = run.stdout.lines().filter(|l| l.contains("[exact]")).count();
    assert!(exact > shown, "{exact} exact, {shown} shown");
    let note = format!("{exact} passages contain “营商环境”; {shown} of them shown");
    assert!(run.stderr.contains(&note), "{note}\n{}", run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.trim_start().starts_with("1  ")
            && first.contains(".txt:")
            && first.contains("[exact]"),
        "{first}"
    );
    // The second run finds the index up to date and does no indexing.
    let again = plansearch(dir.path(), &["search", "营商环境"]);
    assert_eq!(again.stdout, run.stdout);
    assert!(!again.stderr.contains("indexed"), "{}", again.stderr);
}
