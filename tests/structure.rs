//! The bundled plans read into their real structure: golden outlines, agreement with each
//! plan's own table of contents, no text lost or doubled, wrapped phrases made whole.

use std::collections::BTreeMap;

use plansearch::passage::Kind;
use plansearch::present;
use plansearch::structure::{self, Role, clean};

use crate::util::{self, bundled, first_difference, plan, plan_text};

const PLANS: [&str; 5] = [
    "ezhou-echeng.txt",
    "hubei.txt",
    "wuhan-caidian.txt",
    "wuhan-hanyang.txt",
    "wuhan-jingkai.txt",
];

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn bundled_corpus_is_the_five_plans() {
    let names: Vec<String> = util::plan_files()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, PLANS);
}

#[test]
fn golden_outlines_of_the_bundled_plans() {
    for name in PLANS {
        let expected = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/golden")
                .join(name.replace(".txt", ".outline.txt")),
        )
        .unwrap();
        let mut got = Vec::new();
        present::outline::human(&mut got, &bundled(name).outline).unwrap();
        let got = String::from_utf8(got).unwrap();
        assert!(
            expected == got,
            "{name}: outline differs from golden\n{}",
            first_difference(&expected, &got)
        );
    }
}

/// A TOC entry read by the test itself, independently of the library's TOC reader.
#[derive(Debug)]
struct Entry {
    chapter: bool,
    title: String,
}

/// Reads a plan's TOC the simple way: the lines after 目录 up to the first line that does not
/// end in a page number; 第X章 entries are chapters, 第X节 entries (or, in a plan without 节,
/// entries labelled like `一、`) are sections.
fn toc_entries(text: &str, sections_are_jie: bool) -> Option<Vec<Entry>> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| compact(l).trim_start_matches('#') == "目录")?;
    let page = regex::Regex::new(r"[\s.…·]*\d+$").unwrap();
    let chapter = regex::Regex::new(r"^第.{1,3}章(.*)$").unwrap();
    let jie = regex::Regex::new(r"^第.{1,3}节(.*)$").unwrap();
    let yi = regex::Regex::new(r"^.[、,，](.*)$").unwrap();
    let mut entries = Vec::new();
    for l in &lines[start + 1..] {
        if l.trim().is_empty() {
            continue;
        }
        if !page.is_match(l.trim_end()) {
            break;
        }
        let t = compact(&page.replace(l.trim_end(), ""));
        if let Some(c) = chapter.captures(&t) {
            entries.push(Entry {
                chapter: true,
                title: c[1].to_string(),
            });
        } else if let Some(c) = if sections_are_jie {
            jie.captures(&t)
        } else {
            yi.captures(&t)
        } {
            entries.push(Entry {
                chapter: false,
                title: c[1].to_string(),
            });
        }
    }
    Some(entries)
}

/// Share of `a`'s characters found, in order, in `b` (longest common subsequence over length).
fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in 0..a.len() {
        for j in 0..b.len() {
            dp[i + 1][j + 1] = if a[i] == b[j] {
                dp[i][j] + 1
            } else {
                dp[i][j + 1].max(dp[i + 1][j])
            };
        }
    }
    dp[a.len()][b.len()] as f64 / a.len().max(b.len()).max(1) as f64
}

#[test]
fn outlines_agree_with_the_plans_own_tables_of_contents() {
    // The four plans with a TOC; wuhan-caidian has none.
    for (name, sections_are_jie, exact_section_titles) in [
        ("ezhou-echeng.txt", true, true),
        ("hubei.txt", true, true),
        ("wuhan-jingkai.txt", true, true),
        ("wuhan-hanyang.txt", false, false), // OCR damaged the TOC's section titles
    ] {
        let text = plan_text(name);
        let entries = toc_entries(&text, sections_are_jie).expect("plan has a TOC");
        let outline = bundled(name).outline;
        let chapters: Vec<_> = outline.chapters.iter().filter(|c| c.no.is_some()).collect();
        let toc_chapters: Vec<_> = entries.iter().filter(|e| e.chapter).collect();
        assert_eq!(chapters.len(), toc_chapters.len(), "{name}: chapter count");
        for (k, (c, e)) in chapters.iter().zip(&toc_chapters).enumerate() {
            assert_eq!(
                c.no,
                Some(k as u32 + 1),
                "{name}: chapters numbered in order"
            );
            assert_eq!(
                compact(c.title.as_deref().unwrap_or("")),
                e.title,
                "{name}: chapter {} title",
                k + 1
            );
        }
        // Sections per chapter, in TOC order.
        let mut toc_sections: Vec<Vec<&str>> = Vec::new();
        for e in &entries {
            if e.chapter {
                toc_sections.push(Vec::new());
            } else if let Some(last) = toc_sections.last_mut() {
                last.push(&e.title);
            }
        }
        for (c, toc) in chapters.iter().zip(&toc_sections) {
            assert_eq!(
                c.sections.len(),
                toc.len(),
                "{name}: sections of chapter {:?}",
                c.no
            );
            for (k, (s, t)) in c.sections.iter().zip(toc).enumerate() {
                assert_eq!(
                    s.no,
                    Some(k as u32 + 1),
                    "{name}: sections of chapter {:?} numbered in order",
                    c.no
                );
                let title = compact(s.title.as_deref().unwrap_or(""));
                if exact_section_titles {
                    assert_eq!(&title, t, "{name}: chapter {:?} section {}", c.no, k + 1);
                } else {
                    assert!(similarity(&title, t) >= 0.7, "{name}: {title} vs TOC {t}");
                }
            }
        }
    }
}

#[test]
fn heading_lines_are_the_real_lines() {
    for name in PLANS {
        let text = plan_text(name);
        let lines: Vec<&str> = text.lines().collect();
        for c in bundled(name).outline.chapters {
            let line = compact(lines[c.line - 1]);
            if c.inferred {
                // An inferred chapter begins at real content, not at a heading.
                assert!(
                    !line.is_empty(),
                    "{name}: inferred chapter {:?} at a blank line",
                    c.no
                );
                assert!(
                    !line.contains('章'),
                    "{name}: inferred chapter {:?} at {line}",
                    c.no
                );
                assert_eq!(
                    c.title, None,
                    "{name}: no TOC, so no title for chapter {:?}",
                    c.no
                );
            } else {
                assert!(
                    line.contains(&compact(c.title.as_deref().unwrap())),
                    "{name}: chapter {:?} not at line {}",
                    c.no,
                    c.line
                );
                assert!(
                    line.contains(&c.label),
                    "{name}: label {} not at line {}",
                    c.label,
                    c.line
                );
            }
            for s in c.sections.iter().filter(|s| !s.inferred) {
                let line = compact(lines[s.line - 1]);
                assert!(
                    line.contains(&compact(s.title.as_deref().unwrap())),
                    "{name}: section {} not at line {}",
                    s.label,
                    s.line
                );
            }
        }
    }
}

#[test]
fn caidian_lost_chapters_are_inferred_and_numbered() {
    let outline = bundled("wuhan-caidian.txt").outline;
    let numbers: Vec<Option<u32>> = outline.chapters.iter().map(|c| c.no).collect();
    assert_eq!(numbers, (1..=15).map(Some).collect::<Vec<_>>());
    let inferred: Vec<(u32, usize)> = outline
        .chapters
        .iter()
        .filter(|c| c.inferred)
        .map(|c| (c.no.unwrap(), c.line))
        .collect();
    assert_eq!(
        inferred,
        vec![(5, 807), (7, 1047), (8, 1331), (10, 1466), (11, 1782)]
    );
    // Chapter 5 lost sections 2-4 between its surviving 第一节 and 第五节.
    let ch5 = &outline.chapters[4];
    let got: Vec<(Option<u32>, bool)> = ch5.sections.iter().map(|s| (s.no, s.inferred)).collect();
    assert_eq!(
        got,
        vec![
            (Some(1), false),
            (Some(2), true),
            (Some(3), true),
            (Some(4), true),
            (Some(5), false)
        ]
    );
}

/// Every body line's text, markup removed, appears exactly once across the passages, attributed
/// to that line, and nothing else does.
#[test]
fn no_text_lost_or_doubled() {
    for name in PLANS {
        let text = plan_text(name);
        let lines = plansearch::read::split_lines(&text);
        let s = structure::analyse(&lines, name);
        let markdown = lines
            .iter()
            .filter(|l| clean::looks_like_markdown_heading(l))
            .count()
            >= 3;
        // Box wrapper parentheses are layout, like the other markup.
        let mut wrappers: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for p in &s.pieces {
            if matches!(p.role, Role::BoxOpen | Role::BoxClose) {
                wrappers.entry(p.line).or_default().push(p.text.clone());
            }
        }
        let toc = s.toc.as_ref().map(|t| t.lines.clone()).unwrap_or(0..0);
        let mut expected: BTreeMap<u32, String> = BTreeMap::new();
        for (i, raw) in lines.iter().enumerate() {
            if s.front.contains(&i) || toc.contains(&i) {
                continue;
            }
            let mut t = compact(&clean::clean_line(raw, markdown).text);
            for w in wrappers.get(&i).into_iter().flatten() {
                t = t.replacen(&compact(w), "", 1);
            }
            if !t.is_empty() {
                expected.insert(i as u32 + 1, t);
            }
        }
        let passages = plansearch::passage::split(&s);
        let mut got: BTreeMap<u32, String> = BTreeMap::new();
        for p in &passages {
            let chars: Vec<char> = p.text.chars().collect();
            for (k, &(start, line)) in p.line_map.iter().enumerate() {
                let end = p
                    .line_map
                    .get(k + 1)
                    .map_or(chars.len(), |&(o, _)| o as usize);
                let segment: String = chars[start as usize..end]
                    .iter()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                got.entry(line).or_default().push_str(&segment);
            }
        }
        let missing: Vec<_> = expected
            .iter()
            .filter(|(l, t)| got.get(l) != Some(t))
            .take(5)
            .collect();
        assert!(
            missing.is_empty(),
            "{name}: lines whose text differs: {missing:?}\ngot: {:?}",
            missing.iter().map(|(l, _)| got.get(l)).collect::<Vec<_>>()
        );
        let extra: Vec<_> = got
            .keys()
            .filter(|l| !expected.contains_key(l))
            .take(5)
            .collect();
        assert!(
            extra.is_empty(),
            "{name}: passages hold lines that are not body text: {extra:?}"
        );
        // And the concatenation check the issue states, over whole texts.
        let all_expected: String = expected.values().cloned().collect();
        let all_got: String = got.values().cloned().collect();
        assert_eq!(
            all_expected.chars().count(),
            all_got.chars().count(),
            "{name}"
        );
    }
}

#[test]
fn front_page_and_toc_are_not_passages() {
    for name in PLANS {
        let p = bundled(name);
        let title = p.meta.title.clone().expect("bundled plans have titles");
        assert!(
            !p.passages
                .iter()
                .any(|x| compact(&x.text) == compact(&title)),
            "{name}: title became a passage"
        );
        assert!(
            !p.passages.iter().any(|x| compact(&x.text) == "目录"),
            "{name}: TOC heading became a passage"
        );
        // Each chapter heading is a passage exactly once: the TOC line is not.
        for c in p
            .outline
            .chapters
            .iter()
            .filter(|c| !c.inferred && c.no.is_some())
        {
            let n = p
                .passages
                .iter()
                .filter(|x| {
                    x.kind == Kind::Heading
                        && x.chapter.as_ref().and_then(|h| h.no) == c.no
                        && x.section.is_none()
                        && x.path.is_empty()
                })
                .count();
            assert_eq!(n, 1, "{name}: chapter {:?} heading passages", c.no);
        }
    }
}

#[test]
fn metadata_from_the_front_page() {
    let expect = [
        ("ezhou-echeng.txt", "鄂城区", Some("2020年12月")),
        ("hubei.txt", "湖北省", None),
        ("wuhan-caidian.txt", "蔡甸区", None),
        ("wuhan-hanyang.txt", "武汉市汉阳区", None),
        (
            "wuhan-jingkai.txt",
            "武汉经济技术开发区",
            Some("二〇二一年十二月"),
        ),
    ];
    for (name, region, date) in expect {
        let m = bundled(name).meta;
        assert_eq!(m.region, region, "{name}");
        assert_eq!(m.date.as_deref(), date, "{name}");
        assert_eq!(m.period.as_deref(), Some("2021-2025"), "{name}");
        let title = m.title.unwrap();
        assert!(
            title.starts_with(region) && title.ends_with("纲要"),
            "{name}: {title}"
        );
        assert!(!title.contains(' '), "{name}: wrap spaces left in {title}");
    }
}

/// Phrases the files cut across a hard wrap, a page break, a footnote or a box: each is whole
/// in one passage that spans both lines.
#[test]
fn phrases_cut_by_wraps_and_page_breaks_are_whole() {
    let cases = [
        ("ezhou-echeng.txt", "厕所革命", 80, 82), // page break, blank line between
        ("ezhou-echeng.txt", "1.44万贫困人口", 88, 90), // number cut from its unit
        ("hubei.txt", "城乡融合发展稳步推进", 105, 107),
        ("wuhan-hanyang.txt", "位居前列", 198, 200),
        ("wuhan-jingkai.txt", "2020年的331家", 76, 84), // footnotes in between
        ("wuhan-caidian.txt", "差异化发展", 19, 21),
        ("wuhan-caidian.txt", "智能网联汽车项目", 517, 524), // a box in between
        ("wuhan-caidian.txt", "分别是“十二五”末的2.8倍", 17, 18), // wrap without blank line
    ];
    for (name, phrase, first, last) in cases {
        let p = bundled(name);
        let hit = p.passages.iter().find(|x| x.text.contains(phrase));
        let hit = hit.unwrap_or_else(|| panic!("{name}: no passage contains {phrase}"));
        assert!(
            hit.line_start <= first && hit.line_end >= last,
            "{name}: {phrase} in {}-{}",
            hit.line_start,
            hit.line_end
        );
        let at = hit.text.find(phrase).unwrap();
        let offset = hit.text[..at].chars().count() as u32;
        assert_eq!(
            hit.line_of(offset),
            first,
            "{name}: {phrase} starts on line {first}"
        );
    }
}

#[test]
fn bad_input_gives_a_document_with_what_can_be_recovered() {
    let empty = plan("黄陂区十四五规划.txt", "");
    assert_eq!(empty.meta.region, "黄陂区");
    assert!(empty.passages.is_empty() && empty.outline.chapters.is_empty());

    let blank = plan("blank.txt", "\n\n   \n\t\n");
    assert_eq!(blank.meta.region, "blank");
    assert!(blank.passages.is_empty());

    let flat = plan(
        "notes.md",
        "加快建设数字经济。\n推进营商环境优化，\n提升服务水平。\n",
    );
    assert_eq!(flat.meta.title, None);
    assert_eq!(flat.meta.region, "notes");
    assert!(flat.outline.chapters.is_empty());
    let texts: Vec<&str> = flat.passages.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        vec!["加快建设数字经济。", "推进营商环境优化，提升服务水平。"]
    );
    assert!(flat.passages.iter().all(|p| p.chapter.is_none()));

    let title_only = plan("x.txt", "某某县国民经济和社会发展第十四个五年规划纲要\n");
    assert_eq!(title_only.meta.region, "某某县");
    assert!(title_only.passages.is_empty());
}
