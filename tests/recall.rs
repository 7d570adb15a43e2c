//! Finding what researchers mean: other wordings the plans supply, term groups, folding, and a
//! ranking that puts the plans' policy text before headings, tables and back matter.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use plansearch::eval;
use plansearch::index::tokenize::fold_str;
use plansearch::passage::Genre;
use plansearch::query::MatchKind;
use plansearch::query::search::SearchOptions;

use crate::util::{bundled_index, bundled_passages, plan_files, plansearch, search, workspace};

/// A corpus of the given plans under `corpus/` in a fresh folder.
fn corpus_of(plans: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for (name, text) in plans {
        std::fs::write(corpus.join(name), text).unwrap();
    }
    dir
}

/// Where the hit whose text starts with `start` ranks, from 0.
fn rank_of(hits: &[Value], start: &str) -> Option<usize> {
    hits.iter()
        .position(|h| h["text"].as_str().unwrap().starts_with(start))
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a line of JSON"))
        .collect()
}

/// Exact non-overlapping count of `term` in every bundled passage, folded.
fn substring_count(term: &str) -> u64 {
    let term = fold_str(term);
    bundled_passages()
        .iter()
        .map(|(_, p)| fold_str(&p.text).matches(&term).count() as u64)
        .sum()
}

#[test]
fn an_abbreviation_finds_its_written_out_form_as_a_variant_and_says_so() {
    // The bundled plans never write 碳达峰; three write 碳排放达峰.
    assert_eq!(substring_count("碳达峰"), 0);
    let r = search("碳达峰", 10);
    let variants: Vec<_> = r
        .hits
        .iter()
        .filter(|h| h.kind == MatchKind::Variant)
        .collect();
    let holding = bundled_passages()
        .iter()
        .filter(|(_, p)| p.text.contains("碳排放达峰"))
        .count();
    assert_eq!(variants.len(), holding.min(10));
    for h in &variants {
        assert!(h.passage.text.contains("碳排放达峰"));
        let e = h.expanded_from.as_ref().unwrap();
        assert_eq!(e.term, "碳达峰");
        assert_eq!(e.matched, ["碳排放达峰"]);
        assert_eq!(e.via.as_str(), "abbreviation");
    }
    // Ranked above everything that only shares its characters.
    assert!(r.hits[0].kind == MatchKind::Variant);
    let dir = workspace();
    let run = plansearch(dir.path(), &["search", "碳达峰", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("[variant 碳排放达峰 ← 碳达峰, abbreviation]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("碳达峰 → 碳排放达峰 (abbreviation)"),
        "{}",
        run.stderr
    );
    // --no-expand: the query's own wording only.
    let run = plansearch(dir.path(), &["search", "碳达峰", "--no-expand", "--json"]);
    let hits = json_lines(&run.stdout);
    assert!(!hits.is_empty());
    for h in &hits {
        assert!(["exact", "all", "partial"].contains(&h["match"].as_str().unwrap()));
        assert!(h["expanded_from"].is_null());
    }
}

#[test]
fn characters_far_apart_or_across_sentences_are_no_abbreviation() {
    let dir = corpus_of(&[(
        "a.txt",
        "甲县规划\n\n第一章 总则\n\n控制碳排放。能源消费达峰值。\n\n碳汇能力提升，交通运输领域峰谷电价改革。\n\n推动碳排放达峰。\n",
    )]);
    let run = plansearch(dir.path(), &["search", "碳达峰", "--json", "--limit", "20"]);
    let hits = json_lines(&run.stdout);
    let variants: Vec<&Value> = hits.iter().filter(|h| h["match"] == "variant").collect();
    assert_eq!(variants.len(), 1, "{hits:?}");
    assert_eq!(variants[0]["text"], "推动碳排放达峰。");
}

#[test]
fn wording_a_plan_defines_is_searched_for_its_short_form() {
    // One plan defines 新基建; another writes only the full form.
    let dir = corpus_of(&[
        (
            "a.txt",
            "甲县规划\n\n第一章 总则\n\n加快新型基础设施建设（以下简称“新基建”），新基建投资持续扩大。\n",
        ),
        (
            "b.txt",
            "乙县规划\n\n第一章 总则\n\n统筹推进新型基础设施建设，布局数据中心。\n",
        ),
    ]);
    let run = plansearch(dir.path(), &["search", "新基建", "--json"]);
    let hits = json_lines(&run.stdout);
    let b: Vec<&Value> = hits.iter().filter(|h| h["file"] == "b.txt").collect();
    assert_eq!(b.len(), 1, "{hits:?}");
    assert_eq!(b[0]["match"], "variant");
    assert_eq!(b[0]["expanded_from"]["via"], "defined");
    assert_eq!(b[0]["expanded_from"]["matched"][0], "新型基础设施建设");
}

#[test]
fn a_glossary_entry_supplies_the_wording_it_defines() {
    let dir = corpus_of(&[(
        "a.txt",
        "甲县规划\n\n第一章 生态\n\n践行绿水青山就是金山银山理念，保护好山水林田湖草。\n\n名词解释\n\n1.“两山”理论：绿水青山就是金山银山理念，是生态文明思想的重要内容。\n",
    )]);
    let run = plansearch(dir.path(), &["search", "两山理论", "--json"]);
    let hits = json_lines(&run.stdout);
    let first = &hits[0];
    assert_eq!(first["match"], "variant", "{hits:?}");
    assert_eq!(first["expanded_from"]["via"], "defined");
    assert!(first["text"].as_str().unwrap().starts_with("践行"));
}

#[test]
fn passages_under_a_heading_that_says_the_query_are_found_through_it() {
    let dir = corpus_of(&[(
        "a.txt",
        "甲县规划\n\n第一章 改革\n\n第一节 持续优化营商环境\n\n深化“放管服”改革，推行“一网通办”，压减审批时限。\n\n第二节 激发市场活力\n\n支持民营企业发展壮大。\n",
    )]);
    let run = plansearch(dir.path(), &["search", "营商环境", "--json"]);
    let hits = json_lines(&run.stdout);
    let para = hits
        .iter()
        .find(|h| h["text"].as_str().unwrap().starts_with("深化"))
        .expect("the section's paragraph is found");
    assert_eq!(para["match"], "section");
    assert_eq!(para["expanded_from"]["via"], "heading");
    assert_eq!(
        para["expanded_from"]["matched"][0],
        "第一节 持续优化营商环境"
    );
    // The heading itself comes after the paragraph it heads; the other section is not found.
    let rank = |start: &str| rank_of(&hits, start);
    assert!(rank("深化") < rank("第一节"));
    assert_eq!(rank("支持民营"), None);
}

#[test]
fn passages_under_a_heading_that_says_a_variant_are_about_the_query() {
    // The plan writes 新基建 once and 新型基础设施建设 in a section title (新型基础设施 is one
    // word of the policy dictionary); the section's paragraph says neither.
    let dir = corpus_of(&[(
        "b.txt",
        "乙区规划\n\n第一章 基础设施\n\n第一节 加快新型基础设施建设\n\n布局5G基站和数据中心，建设工业互联网平台。\n\n第二节 完善交通网络\n\n建设城际铁路和高速公路。\n\n第二章 产业\n\n第一节 培育数字产业\n\n抢抓新基建发展机遇，培育数字产业。\n",
    )]);
    let run = plansearch(dir.path(), &["search", "新基建", "--json"]);
    let hits = json_lines(&run.stdout);
    let rank = |start: &str| rank_of(&hits, start);
    let heading = &hits[rank("第一节 加快").expect("the heading is found as a variant")];
    assert_eq!(heading["match"], "variant");
    assert_eq!(heading["expanded_from"]["matched"][0], "新型基础设施建设");
    let para = &hits[rank("布局5G").expect("the section's paragraph is found")];
    assert_eq!(para["match"], "section");
    assert_eq!(para["expanded_from"]["via"], "heading");
    assert_eq!(
        para["expanded_from"]["matched"][0],
        "第一节 加快新型基础设施建设"
    );
    // Under a section title it stands with the passages about the query, before the heading
    // and before the other section's paragraph (if that is found at all).
    assert!(rank("布局5G") < rank("第一节 加快"));
    assert!(rank("建设城际").is_none_or(|r| rank("布局5G").unwrap() < r));
}

#[test]
fn related_wording_is_labelled_with_the_words_it_matched() {
    // Few passages name 专精特新: the rest of the list is filled by the words its passages
    // share, and every such hit names them.
    let r = search("专精特新", 30);
    let related: Vec<_> = r
        .hits
        .iter()
        .filter(|h| h.kind == MatchKind::Related)
        .collect();
    assert!(!related.is_empty() && !r.related.is_empty());
    for h in related {
        let e = h.expanded_from.as_ref().unwrap();
        assert_eq!(e.via.as_str(), "related");
        assert!(!e.matched.is_empty());
        for w in &e.matched {
            assert!(r.related.iter().any(|(r, _)| r == w));
            assert!(fold_str(&h.passage.text).contains(&fold_str(w)));
        }
        assert!(!h.passage.text.contains("专精特新"));
    }
    // Related words are not the query's own.
    assert!(r.related.iter().all(|(w, _)| !w.contains("专精特新")));
}

#[test]
fn related_wording_weighs_the_words_its_passages_repeat() {
    // The passages naming 招才引智 are about talent: they say 人才 again and again, and other
    // words once. The repeated word leads the related wording.
    let r = search("招才引智", 10);
    let (first, weight) = r.related.first().expect("related wording");
    assert_eq!(first, "人才", "{:?}", r.related);
    assert_eq!(*weight, 1.0);
}

#[test]
fn related_wording_comes_from_what_the_plans_do_not_from_their_framing() {
    // The opening chapter restates the query beside a slogan (奋斗); the chapter on measures
    // says it beside its topic (消费). Related wording is the topic's, not the slogan's.
    let mut text = String::from(
        "某区国民经济和社会发展第十四个五年规划纲要\n第一章 发展环境\n第一节 发展基础\n",
    );
    for k in 1..=3 {
        text.push_str(&format!(
            "“十四五”时期，全区上下团结奋斗，积极融入双循环，奋斗{k}年再出发。\n"
        ));
    }
    text.push_str("第二章 扩大内需\n第一节 促进消费\n");
    for goods in ["家电", "汽车", "餐饮", "文旅"] {
        text.push_str(&format!(
            "促进{goods}消费升级，融入双循环，培育{goods}消费新业态，扩大消费。\n"
        ));
    }
    text.push_str("第三章 推进重点项目\n第一节 项目建设\n");
    for n in 1..=120 {
        text.push_str(&format!("推进第{n}号工程，完成投资{}亿元。\n", n * 3));
    }
    let dir = corpus_of(&[("plan.txt", &text)]);
    assert_eq!(plansearch(dir.path(), &["index"]).code, 0);
    let idx = plansearch::index::Opened::open(&dir.path().join("index")).unwrap();
    let query = plansearch::query::parse("双循环").unwrap();
    let filters = plansearch::query::Filters::default();
    let r = plansearch::query::search::search(&idx, &query, &filters, 10).unwrap();
    let words: Vec<&str> = r.related.iter().map(|(w, _)| w.as_str()).collect();
    assert!(words.contains(&"消费"), "{words:?}");
    assert!(!words.contains(&"奋斗"), "{words:?}");
}

#[test]
fn a_compound_query_finds_its_words_said_apart_below_the_compound() {
    // 智慧城市 is one word to the dictionary; a passage that says 智慧 and 城市 apart is in
    // the all-words tier, one that says only 城市 in the partial tier, and the count of the
    // query as written is unchanged.
    let dir = corpus_of(&[(
        "plan.txt",
        "某市国民经济和社会发展第十四个五年规划纲要\n第一章 数字城市\n第一节 建设\n推进智慧城市建设，建设城市大脑。\n建设智慧社区，提升城市精细化管理水平。\n完善城市绿地系统。\n发展现代农业。\n",
    )]);
    assert_eq!(plansearch(dir.path(), &["index"]).code, 0);
    let run = plansearch(dir.path(), &["search", "智慧城市", "--json", "--no-expand"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits = json_lines(&run.stdout);
    let tier = |start: &str| {
        hits.iter()
            .find(|h| h["text"].as_str().unwrap().starts_with(start))
            .map(|h| h["match"].as_str().unwrap().to_string())
    };
    assert_eq!(tier("推进智慧城市").as_deref(), Some("exact"));
    assert_eq!(tier("建设智慧社区").as_deref(), Some("all"));
    assert_eq!(tier("完善城市绿地").as_deref(), Some("partial"));
    assert_eq!(tier("发展现代农业"), None);
    assert_eq!(hits.iter().filter(|h| h["match"] == "exact").count(), 1);
}

#[test]
fn width_and_case_fold_for_matching_and_text_shows_as_written() {
    let dir = corpus_of(&[(
        "a.txt",
        "甲县规划\n\n第一章 数字\n\n建设５Ｇ基站。推广5G应用。5g网络覆盖全县。\n",
    )]);
    for q in ["5G", "５Ｇ", "5g"] {
        let run = plansearch(dir.path(), &["compare", q, "--json"]);
        let v: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(v["documents"][0]["occurrences"], 3, "{q}");
    }
    let run = plansearch(dir.path(), &["kwic", "5G", "--json"]);
    let matched: Vec<String> = json_lines(&run.stdout)
        .iter()
        .map(|l| l["match"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(matched, ["５Ｇ", "5G", "5g"]);
    let run = plansearch(dir.path(), &["search", "\"5G\"", "--json"]);
    let hit = &json_lines(&run.stdout)[0];
    assert_eq!(hit["text"], "建设５Ｇ基站。推广5G应用。5g网络覆盖全县。");
    assert_eq!(
        hit["highlights"],
        serde_json::json!([[2, 4], [9, 11], [14, 16]])
    );
}

/// `compare --json` occurrences per file.
fn compare_counts(dir: &Path, args: &[&str]) -> BTreeMap<String, u64> {
    let run = plansearch(dir, args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
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

#[test]
fn term_groups_count_each_place_once_in_compare_kwic_and_search() {
    let dir = workspace();
    let group = "新基建|新型基础设施";
    let counts = compare_counts(dir.path(), &["compare", group, "--json"]);
    // The oracle: overlaps of the two wordings counted once, per passage.
    let mut oracle: BTreeMap<String, u64> = BTreeMap::new();
    for (file, p) in bundled_passages() {
        let chars: Vec<char> = p.text.chars().collect();
        let mut n = 0;
        let mut i = 0;
        while i < chars.len() {
            let rest: String = chars[i..].iter().collect();
            let len = ["新型基础设施", "新基建"]
                .iter()
                .find(|w| rest.starts_with(*w))
                .map(|w| w.chars().count());
            match len {
                Some(l) => {
                    n += 1;
                    i += l;
                }
                None => i += 1,
            }
        }
        *oracle.entry(file.clone()).or_default() += n;
    }
    assert_eq!(counts, oracle);
    let total: u64 = counts.values().sum();
    assert_eq!(
        total,
        substring_count("新基建") + substring_count("新型基础设施"),
        "the two wordings never overlap, so the group is their sum"
    );
    // OR means the same; the JSON gives each wording's own counts.
    assert_eq!(
        compare_counts(dir.path(), &["compare", "新基建 OR 新型基础设施", "--json"]),
        counts
    );
    let run = plansearch(dir.path(), &["compare", group, "--json"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let by: u64 = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["variants"]["新基建"]["occurrences"].as_u64().unwrap())
        .sum();
    assert_eq!(by, substring_count("新基建"));
    // kwic lists the same occurrences, each with its wording.
    let run = plansearch(dir.path(), &["kwic", group, "--json"]);
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len() as u64, total);
    assert!(
        lines
            .iter()
            .all(|l| l["variant"] == "新基建" || l["variant"] == "新型基础设施")
    );
    // search: the group is the same as OR.
    let a = plansearch(
        dir.path(),
        &["search", group, "--json", "--no-expand", "--limit", "100"],
    );
    let b = plansearch(
        dir.path(),
        &[
            "search",
            "新基建 OR 新型基础设施",
            "--json",
            "--no-expand",
            "--limit",
            "100",
        ],
    );
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn overlapping_wordings_count_once() {
    let dir = corpus_of(&[(
        "a.txt",
        "甲县规划\n\n第一章 总则\n\n推进新型基础设施建设，新型基础设施更完善，新基建加快。\n",
    )]);
    let counts = compare_counts(
        dir.path(),
        &["compare", "新型基础设施建设|新型基础设施|新基建", "--json"],
    );
    assert_eq!(counts["a.txt"], 3);
    let run = plansearch(
        dir.path(),
        &[
            "compare",
            "新型基础设施建设|新型基础设施|新基建",
            "--csv",
            "--table",
            "variants",
        ],
    );
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            "新型基础设施建设|新型基础设施|新基建,新型基础设施建设,甲县,a.txt,1,1",
            "新型基础设施建设|新型基础设施|新基建,新型基础设施,甲县,a.txt,2,1",
            "新型基础设施建设|新型基础设施|新基建,新基建,甲县,a.txt,1,1",
        ]
    );
}

#[test]
fn a_dictionary_of_concepts_works_in_all_three_commands() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("terms.toml"),
        "\"新基建\" = [\"新基建\", \"新型基础设施\"]\n\"人才\" = [\"招才引智\", \"人才引进\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("terms.csv"),
        "concept,variant\n新基建,新基建\n新基建,新型基础设施\n",
    )
    .unwrap();
    let group = compare_counts(dir.path(), &["compare", "新基建|新型基础设施", "--json"]);
    for file in ["terms.toml", "terms.csv"] {
        let named = compare_counts(
            dir.path(),
            &["compare", "新基建", "--terms", file, "--json"],
        );
        assert_eq!(named, group, "{file}");
    }
    // No terms: every concept of the dictionary.
    let run = plansearch(dir.path(), &["compare", "--terms", "terms.toml", "--json"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["queries"], serde_json::json!(["新基建", "人才"]));
    let kwic = plansearch(
        dir.path(),
        &["kwic", "人才", "--terms", "terms.toml", "--json"],
    );
    let expected = substring_count("招才引智") + substring_count("人才引进");
    assert_eq!(json_lines(&kwic.stdout).len() as u64, expected);
    let s = plansearch(
        dir.path(),
        &[
            "search",
            "人才",
            "--terms",
            "terms.toml",
            "--json",
            "--no-expand",
            "--limit",
            "200",
        ],
    );
    let exact = json_lines(&s.stdout)
        .iter()
        .filter(|h| h["match"] == "exact")
        .count();
    let holding = bundled_passages()
        .iter()
        .filter(|(_, p)| p.text.contains("招才引智") || p.text.contains("人才引进"))
        .count();
    assert_eq!(exact, holding);
    // A bad dictionary is one line naming the file.
    std::fs::write(dir.path().join("bad.toml"), "新基建 = [\"新基建\"]\n").unwrap();
    let run = plansearch(dir.path(), &["compare", "--terms", "bad.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("bad.toml"));
}

#[test]
fn or_in_compare_is_a_group_not_one_string() {
    let dir = workspace();
    let run = plansearch(dir.path(), &["compare", "营商环境 OR 放管服", "--json"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["queries"], serde_json::json!(["营商环境|放管服"]));
    let total: u64 = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["occurrences"].as_u64().unwrap())
        .sum();
    assert_eq!(
        total,
        substring_count("营商环境") + substring_count("放管服")
    );
    assert!(total > 0);
}

#[test]
fn headings_come_after_the_passages_of_their_sections() {
    for q in ["营商环境", "乡村振兴", "数字经济", "长江大保护"] {
        let r = search(q, 200);
        for (k, h) in r.hits.iter().enumerate() {
            if h.passage.kind != plansearch::passage::Kind::Heading {
                continue;
            }
            // Every hit under this heading ranks above it.
            for (j, other) in r.hits.iter().enumerate() {
                let under = other.doc.id == h.doc.id
                    && other.passage.line_start != h.passage.line_start
                    && other.passage.heads.contains(&h.passage.line_start);
                assert!(!under || j < k, "{q}: {} above its passage", h.passage.text);
            }
            // And every passage that is not a heading.
            assert!(
                r.hits[k..]
                    .iter()
                    .all(|x| x.passage.kind == plansearch::passage::Kind::Heading),
                "{q}: a passage ranks below the heading {}",
                h.passage.text
            );
        }
    }
}

#[test]
fn back_matter_tables_and_lists_come_after_policy_text() {
    let mut seen = 0;
    for q in ["数字经济", "营商环境", "5G", "新基建", "人才"] {
        let r = search(q, 300);
        let policy_last = r
            .hits
            .iter()
            .rposition(|h| h.explain.genre == Genre::Policy)
            .unwrap();
        let other_first = r
            .hits
            .iter()
            .position(|h| !matches!(h.explain.genre, Genre::Policy | Genre::Heading));
        if let Some(first) = other_first {
            assert!(first > policy_last, "{q}: {}", r.hits[first].passage.text);
        }
        seen += r
            .hits
            .iter()
            .filter(|h| !matches!(h.explain.genre, Genre::Policy | Genre::Heading))
            .count();
    }
    assert!(seen > 10, "the queries reach tables, lists and back matter");
}

#[test]
fn the_explanation_says_why() {
    let dir = workspace();
    let run = plansearch(
        dir.path(),
        &["search", "营商环境", "--explain", "--color", "never"],
    );
    let why: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("why:"))
        .collect();
    assert_eq!(why.len(), 10);
    assert!(
        why[0].contains("exact tier") && why[0].contains("standing 1"),
        "{}",
        why[0]
    );
    let run = plansearch(dir.path(), &["search", "营商环境", "--explain", "--json"]);
    let hits = json_lines(&run.stdout);
    for h in &hits {
        let e = &h["explain"];
        assert_eq!(e["tier"], h["match"]);
        assert!(e["standing"].as_u64().unwrap() >= 1);
        assert!(e["genre"].is_string() && e["bm25"].is_number());
    }
    // Without --explain, no explanation.
    let run = plansearch(dir.path(), &["search", "营商环境", "--json"]);
    assert!(
        json_lines(&run.stdout)
            .iter()
            .all(|h| h.get("explain").is_none())
    );
}

#[test]
fn the_ranking_does_not_depend_on_how_the_index_was_built() {
    // The same plans indexed at once, and in two runs with the later plans first: tantivy
    // stores them in other segments, in another order; the ranking must not follow.
    let at_once = workspace();
    let in_two = workspace();
    let later = in_two.path().join("later");
    std::fs::create_dir(&later).unwrap();
    let files = plan_files();
    let (first, second) = files.split_at(files.len() / 2);
    for f in first {
        let name = f.file_name().unwrap();
        std::fs::rename(in_two.path().join("corpus").join(name), later.join(name)).unwrap();
    }
    for dir in [at_once.path(), in_two.path()] {
        assert_eq!(plansearch(dir, &["index"]).code, 0);
    }
    for f in first {
        let name = f.file_name().unwrap();
        std::fs::rename(later.join(name), in_two.path().join("corpus").join(name)).unwrap();
    }
    assert_eq!(plansearch(in_two.path(), &["index"]).code, 0);
    assert!(!second.is_empty());
    let places = |dir: &Path, q: &str, limit: &str| -> Vec<(String, u64)> {
        let run = plansearch(dir, &["search", q, "--json", "--limit", limit]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        json_lines(&run.stdout)
            .iter()
            .map(|h| {
                (
                    h["file"].as_str().unwrap().to_string(),
                    h["line_start"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // A page of ten (its pools cut at thirty a tier) and a long list.
    for q in [
        "营商环境",
        "城乡融合",
        "双循环",
        "新基建",
        "制造业 数字化转型",
    ] {
        for limit in ["10", "80"] {
            let a = places(at_once.path(), q, limit);
            assert!(a.len() >= 10, "{q}: {} hits", a.len());
            assert_eq!(a, places(in_two.path(), q, limit), "{q} --limit {limit}");
        }
    }
}

#[test]
fn judged_queries_reach_the_ranking_floor() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let queries = eval::load(&root).unwrap();
    assert!(queries.len() >= 15);
    let measured = eval::measure(bundled_index(), &queries, &SearchOptions::new(eval::K)).unwrap();
    let (p, n) = eval::means(&measured);
    // The floor the ranking stands on today (see README, Ranking quality: 0.783 and 0.812),
    // and the target nDCG@10 ≥ 0.80.
    // Ties break on plan and place, not on segment layout, so every build gives the same
    // figures: a change that lowers them fails here.
    assert!(
        p >= 0.78 && n >= 0.80,
        "precision@10 {p:.3}, nDCG@10 {n:.3}"
    );
    // Without structure and expansions, the ranking is measurably worse.
    let literal = SearchOptions {
        limit: eval::K,
        expand: false,
        structure: false,
    };
    let (p0, n0) = eval::means(&eval::measure(bundled_index(), &queries, &literal).unwrap());
    assert!(
        p > p0 + 0.1 && n > n0 + 0.1,
        "{p0:.3}/{n0:.3} → {p:.3}/{n:.3}"
    );
}

#[test]
fn the_memoised_vocabulary_routes_text_as_plain_lookups_do() {
    use plansearch::query::words::{Vocabulary, route};
    use tantivy::schema::Term;
    let idx = bundled_index();
    let searcher = idx.searcher();
    let total = searcher.num_docs();
    let plain = |w: &str| {
        searcher
            .doc_freq(&Term::from_field_text(idx.fields.words, &fold_str(w)))
            .unwrap()
    };
    let vocab = Vocabulary::new(idx, &searcher).unwrap();
    // Policy text, full-width and mixed-case Latin, figures with the punctuation jieba keeps
    // inside a token, and punctuation between words.
    let mut texts: Vec<String> = bundled_passages()
        .iter()
        .step_by(97)
        .take(40)
        .map(|(_, p)| p.text.clone())
        .collect();
    texts.push("加快５Ｇ基站建设，GDP年均增长5.5%以上；“双碳”目标、covid-19防控".into());
    let mut words = 0;
    for text in &texts {
        let fast = route(text, &vocab, total);
        assert_eq!(fast, route(text, &plain, total), "{text}");
        words += fast.len();
    }
    assert!(words > 1000, "only {words} pieces routed");
}
