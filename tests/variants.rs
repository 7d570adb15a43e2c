//! The reader on plans it has never seen: the bundled plans re-wrapped, re-marked, with headings
//! removed, grouped into parts, with OCR damage — made here, so no rule can lean on a file.

use plansearch::passage::Kind;
use plansearch::plan::Plan;

use crate::util::{plan, plan_text};

fn lines(text: &str) -> Vec<String> {
    text.lines().map(String::from).collect()
}

/// (kind, text) of every passage: what a variant must reproduce.
fn texts(p: &Plan) -> Vec<(Kind, String)> {
    p.passages
        .iter()
        .map(|x| (x.kind, x.text.clone()))
        .collect()
}

/// (number, title, sections as (number, title)) of each chapter.
type OutlineTitles = Vec<(
    Option<u32>,
    Option<String>,
    Vec<(Option<u32>, Option<String>)>,
)>;

fn outline_titles(p: &Plan) -> OutlineTitles {
    p.outline
        .chapters
        .iter()
        .map(|c| {
            (
                c.no,
                c.title.clone(),
                c.sections.iter().map(|s| (s.no, s.title.clone())).collect(),
            )
        })
        .collect()
}

/// Hard-wraps every body paragraph longer than `width` characters, with or without blank lines
/// between the pieces, the way other converters do. A wrap never falls right after a sentence
/// end: there it would be indistinguishable from a paragraph end, for any reader.
fn rewrap(text: &str, width: usize, blank_between: bool) -> String {
    let mut out = Vec::new();
    let mut in_body = false;
    for l in text.lines() {
        if l.starts_with("第一章") && !l.contains('\t') {
            in_body = true; // past the TOC
        }
        let chars: Vec<char> = l.chars().collect();
        if !in_body || chars.len() <= width || l.contains('\t') || l.starts_with('第') {
            out.push(l.to_string());
            continue;
        }
        let mut start = 0;
        while start < chars.len() {
            let mut end = (start + width).min(chars.len());
            // (`**` bold marks are markup: look through them, and never cut one in two.)
            let last_text = |end: usize| chars[..end].iter().rev().find(|&&c| c != '*').copied();
            while end < chars.len()
                && (matches!(last_text(end), Some('。' | '；' | '：' | '！' | '？' | '”'))
                    || chars[end - 1] == '*' && chars[end] == '*')
            {
                end += 1;
            }
            if start > 0 && blank_between {
                out.push(String::new());
            }
            out.push(chars[start..end].iter().collect());
            start = end;
        }
    }
    out.join("\n") + "\n"
}

/// The two texts around the first character where they differ.
fn diff_context(a: &(Kind, String), b: &(Kind, String)) -> String {
    let (x, y): (Vec<char>, Vec<char>) = (a.1.chars().collect(), b.1.chars().collect());
    let k = x
        .iter()
        .zip(&y)
        .position(|(p, q)| p != q)
        .unwrap_or(x.len().min(y.len()));
    let around = |v: &[char]| {
        v[k.saturating_sub(15)..(k + 15).min(v.len())]
            .iter()
            .collect::<String>()
    };
    format!(
        "expected {:?} …{}…\n     got {:?} …{}…",
        a.0,
        around(&x),
        b.0,
        around(&y)
    )
}

#[test]
fn other_wrap_widths_give_the_same_passages() {
    let original = plan_text("ezhou-echeng.txt");
    let base = plan("ezhou-echeng.txt", &original);
    for (width, blank) in [(33, false), (33, true), (17, false), (58, true)] {
        let variant = plan("ezhou-echeng.txt", &rewrap(&original, width, blank));
        assert_eq!(
            outline_titles(&variant),
            outline_titles(&base),
            "width {width}, blank {blank}"
        );
        let (a, b) = (texts(&base), texts(&variant));
        if let Some(i) = a.iter().zip(&b).position(|(x, y)| x != y) {
            panic!(
                "width {width}, blank {blank}: passage {i} differs\n{}",
                diff_context(&a[i], &b[i])
            );
        }
        assert_eq!(a.len(), b.len(), "width {width}, blank {blank}");
    }
}

#[test]
fn other_converter_markers_give_the_same_structure() {
    let original = plan_text("hubei.txt");
    let base = plan("hubei.txt", &original);
    let mut id = 0;
    let marked: Vec<String> = lines(&original)
        .into_iter()
        .map(|l| {
            if (l.starts_with("第") && (l.contains('章') || l.contains('节'))) && !l.contains("...")
            {
                id += 1;
                format!("## [bookmark: _bookmark{id}]{}", l.replacen(' ', "\t", 1))
            } else if l.starts_with("一、") || l.starts_with("二、") {
                format!("### **{l}**")
            } else if let Some((lead, rest)) = l
                .split_once('。')
                .filter(|(lead, _)| lead.chars().count() < 16)
            {
                format!("**{lead}。**{rest}<sup>1</sup>")
            } else {
                l
            }
        })
        .collect();
    let variant = plan("hubei.txt", &(marked.join("\r\n") + "\r\n"));
    assert_eq!(outline_titles(&variant), outline_titles(&base));
    let lines_of = |p: &Plan| {
        p.outline
            .chapters
            .iter()
            .map(|c| c.line)
            .collect::<Vec<_>>()
    };
    assert_eq!(lines_of(&variant), lines_of(&base));
    assert_eq!(texts(&variant), texts(&base));
}

/// Drops a heading line the way a converter does: the line goes blank and the next paragraph
/// keeps a stray leading space.
fn drop_heading(lines: &mut [String], heading: &str) -> usize {
    let i = lines
        .iter()
        .position(|l| l.starts_with(heading) && !l.contains('\t'))
        .expect("heading in body");
    lines[i].clear();
    let next = (i + 1..lines.len())
        .find(|&k| !lines[k].trim().is_empty())
        .unwrap();
    lines[next].insert(0, ' ');
    next + 1
}

#[test]
fn lost_headings_are_inferred_and_titled_from_the_toc() {
    let mut l = lines(&plan_text("ezhou-echeng.txt"));
    let ch5 = drop_heading(&mut l, "第五章");
    let s2 = drop_heading(&mut l, "第二节 建设城乡融合乡村振兴样板");
    let p = plan("ezhou-echeng.txt", &l.join("\n"));
    let c = &p.outline.chapters[4];
    assert_eq!((c.no, c.line, c.inferred), (Some(5), ch5, true));
    assert_eq!(
        c.title.as_deref(),
        Some("加快建设山水绿城，全面推进乡村振兴"),
        "title recovered from the TOC"
    );
    let s = &c.sections[1];
    assert_eq!((s.no, s.line, s.inferred), (Some(2), s2, true));
    assert_eq!(s.title.as_deref(), Some("建设城乡融合乡村振兴样板"));
    // The passages under them know where they are.
    let para = p
        .passages
        .iter()
        .find(|x| x.line_start == s2 as u32)
        .unwrap();
    assert_eq!(para.chapter.as_ref().and_then(|h| h.no), Some(5));
    assert_eq!(para.section.as_ref().and_then(|h| h.no), Some(2));
    assert_eq!(p.outline.chapters.len(), 10);
}

#[test]
fn lost_headings_without_a_toc_keep_an_empty_title() {
    let mut l = lines(&plan_text("ezhou-echeng.txt"));
    let toc_end = l.iter().position(|x| x.starts_with("本纲要根据")).unwrap();
    for x in &mut l[8..toc_end] {
        x.clear();
    }
    let ch5 = drop_heading(&mut l, "第五章");
    let p = plan("ezhou-echeng.txt", &l.join("\n"));
    let c = &p.outline.chapters[4];
    assert_eq!(
        (c.no, c.line, c.inferred, c.title.clone()),
        (Some(5), ch5, true, None)
    );
}

#[test]
fn a_heading_lost_without_evidence_is_not_invented() {
    let mut l = lines(&plan_text("ezhou-echeng.txt"));
    let i = l
        .iter()
        .position(|x| x.starts_with("第三节 坚决落实长江大保护要求") && !x.contains('\t'))
        .unwrap();
    l[i].clear(); // no stray indent left behind
    let p = plan("ezhou-echeng.txt", &l.join("\n"));
    let nos: Vec<Option<u32>> = p.outline.chapters[4]
        .sections
        .iter()
        .map(|s| s.no)
        .collect();
    assert_eq!(nos, vec![Some(1), Some(2), Some(4), Some(5)]);
    assert!(
        p.outline
            .chapters
            .iter()
            .all(|c| !c.inferred && c.sections.iter().all(|s| !s.inferred))
    );
}

#[test]
fn chapters_grouped_into_parts() {
    let mut out = Vec::new();
    let mut part = 0;
    for (i, l) in lines(&plan_text("ezhou-echeng.txt"))
        .into_iter()
        .enumerate()
    {
        if i > 65 && (l.starts_with("第一章") || l.starts_with("第四章") || l.starts_with("第七章"))
        {
            part += 1;
            out.push(format!("第{}篇 第{part}部分", ["", "一", "二", "三"][part]));
            out.push(String::new());
        }
        out.push(l);
    }
    let p = plan("ezhou-echeng.txt", &out.join("\n"));
    let parts: Vec<Option<u32>> = p
        .outline
        .chapters
        .iter()
        .map(|c| c.part.as_ref().and_then(|x| x.no))
        .collect();
    assert_eq!(
        parts,
        vec![
            Some(1),
            Some(1),
            Some(1),
            Some(2),
            Some(2),
            Some(2),
            Some(3),
            Some(3),
            Some(3),
            Some(3)
        ]
    );
    let para = p
        .passages
        .iter()
        .find(|x| x.text.starts_with("坚持党的集中统一领导。"))
        .unwrap();
    assert_eq!(para.part.as_ref().and_then(|x| x.no), Some(3));
    assert_eq!(para.chapter.as_ref().and_then(|x| x.no), Some(10));
}

#[test]
fn ocr_damaged_heading_numbers_are_read_where_the_sequence_confirms_them() {
    let text = plan_text("ezhou-echeng.txt");
    let body_start = text.find("本纲要根据").unwrap();
    let (head, body) = text.split_at(body_start);
    // 第ハ章 where chapter 8 is due: recovered.
    let fixed = format!("{head}{}", body.replacen("第八章", "第ハ章", 1));
    let p = plan("ezhou-echeng.txt", &fixed);
    let c = &p.outline.chapters[7];
    assert_eq!(
        (c.no, c.label.as_str(), c.inferred),
        (Some(8), "第八章", false)
    );
    // 第ハ章 where chapter 3 is due: the sequence refutes the reading, so it is not a heading.
    let wrong = format!("{head}{}", body.replacen("第三章", "第ハ章", 1));
    let p = plan("ezhou-echeng.txt", &wrong);
    assert!(
        p.outline
            .chapters
            .iter()
            .all(|c| c.label != "第八章" || c.line > 500)
    );
}

#[test]
fn sub_levels_with_ocr_separators_and_shared_lines() {
    let text = "\
某区国民经济和社会发展第十四个五年规划纲要

第一章 总体要求

—,指导思想

坚持新发展理念。

=,基本原则 (一) 坚持党的领导

坚持党的全面领导。

图 1 发展布局示意图 三、发展目标

到2025年实现目标。
";
    let p = plan("some.txt", text);
    let sections: Vec<(Option<u32>, Option<&str>)> = p.outline.chapters[0]
        .sections
        .iter()
        .map(|s| (s.no, s.title.as_deref()))
        .collect();
    assert_eq!(
        sections,
        vec![
            (Some(1), Some("指导思想")),
            (Some(2), Some("基本原则")),
            (Some(3), Some("发展目标"))
        ]
    );
    let lead = p
        .passages
        .iter()
        .find(|x| x.text == "坚持党的全面领导。")
        .unwrap();
    assert_eq!(lead.path, vec!["（一）坚持党的领导".to_string()]);
    assert!(
        p.passages
            .iter()
            .any(|x| x.kind == Kind::Caption && x.text == "图1发展布局示意图")
    );
}
