//! The table of contents (目录): found, kept out of the searchable text, and read as evidence.
//!
//! A TOC is a 目录 line followed by entries that end in page numbers (`…\t12`, `…..... 12`,
//! `…→. 40`), or, without the 目录 line, a run of chapter entries ending in page numbers. Its
//! entries are parsed into (form, number, title) so the structure reader can check and mend body
//! headings: titles whose wrap spaces the TOC lacks, deliberate spaces the TOC confirms, and the
//! titles of headings the body lost.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::clean::CleanLine;
use super::heading::{self, Form};

/// One parsed TOC entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// 0-based index of the line in the file.
    pub line: usize,
    pub form: Form,
    /// The number, corrected by the TOC's own sequence where OCR damaged it.
    pub no: Option<u32>,
    /// Title with whitespace runs collapsed to one space (page number and leaders removed).
    pub title: String,
    pub page: u32,
}

/// The table of contents of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Toc {
    /// 0-based line range covered by the TOC, the 目录 line included.
    pub lines: Range<usize>,
    pub entries: Vec<TocEntry>,
}

static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(.*?[^\s.…·．•_\-－0-9])[\s.…·．•_\-－]*?(?:\s|\.|…|·)[\s.…·．•_\-－]*([0-9]{1,4})$",
    )
    .expect("valid regex")
});

fn is_toc_title(compact: &str) -> bool {
    matches!(compact, "目录" | "目次" | "目錄")
}

/// Splits a TOC entry line into its text and page number.
fn split_entry(text: &str) -> Option<(String, u32)> {
    let t = text.trim();
    let c = ENTRY.captures(t)?;
    let page = c[2].parse().ok()?;
    Some((heading::collapse_spaces(&c[1]), page))
}

/// Finds the TOC among the cleaned lines, if the plan has one.
pub fn find(lines: &[CleanLine]) -> Option<Toc> {
    let start = lines
        .iter()
        .take(400)
        .position(|l| l.text.len() < 40 && is_toc_title(&l.text.replace(char::is_whitespace, "")))
        .map(|i| (i, i + 1))
        .or_else(|| find_unmarked(lines))?;
    let (title_line, first_entry) = start;
    let mut end = first_entry;
    let mut i = first_entry;
    while i < lines.len() {
        let t = &lines[i].text;
        if t.is_empty() {
            i += 1;
            continue;
        }
        if split_entry(t).is_none() {
            break;
        }
        i += 1;
        end = i;
    }
    if end == first_entry {
        return None;
    }
    let entries = parse_entries(lines, first_entry..end);
    Some(Toc {
        lines: title_line..end,
        entries,
    })
}

/// A TOC without a 目录 line: at least three chapter or section entries with page numbers in a
/// row, before any body text.
fn find_unmarked(lines: &[CleanLine]) -> Option<(usize, usize)> {
    let is_entry = |l: &CleanLine| {
        split_entry(&l.text).is_some_and(|(t, _)| {
            heading::detect(&t)
                .is_some_and(|h| matches!(h.form, Form::Chapter | Form::Section | Form::Part))
        })
    };
    let first = lines.iter().take(200).position(is_entry)?;
    let run = lines[first..]
        .iter()
        .filter(|l| !l.text.is_empty())
        .take(3)
        .filter(|l| is_entry(l))
        .count();
    (run == 3).then_some((first, first))
}

fn parse_entries(lines: &[CleanLine], range: Range<usize>) -> Vec<TocEntry> {
    let mut entries = Vec::new();
    // The last number seen at each sub-level, to read OCR-damaged numbers from the sequence.
    let mut last_no: std::collections::HashMap<Form, u32> = Default::default();
    for i in range {
        let Some((text, page)) = split_entry(&lines[i].text) else {
            continue;
        };
        let detected = heading::detect(&text);
        let (form, no, title) = match detected {
            Some(h) => {
                let expected = last_no.get(&h.form).map_or(1, |n| n + 1);
                let no = match h.no {
                    Some(n) if !h.ocr || n == expected => Some(n),
                    _ => Some(expected),
                };
                (h.form, no, h.title)
            }
            None => match garbled_paren(&text) {
                Some(title) => {
                    let expected = last_no.get(&Form::ParenYi).map_or(1, |n| n + 1);
                    (Form::ParenYi, Some(expected), title)
                }
                None => continue,
            },
        };
        // A heading resets the numbering of every level below it.
        last_no.retain(|f, _| f <= &form);
        if let Some(n) = no {
            last_no.insert(form, n);
        }
        entries.push(TocEntry {
            line: i,
            form,
            no,
            title,
            page,
        });
    }
    entries
}

/// A `（…）` label whose numeral OCR garbled beyond reading (`( 만7)`): the position in the
/// sequence is the only evidence of its number.
fn garbled_paren(text: &str) -> Option<String> {
    let t = text.trim();
    let open = t.strip_prefix(['(', '（'])?;
    let close = open.find([')', '）'])?;
    let label = &open[..close];
    if label.chars().count() > 4 || label.trim().is_empty() {
        return None;
    }
    let title = open[close..].trim_start_matches([')', '）']).trim();
    (!title.is_empty()).then(|| title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::clean::clean_line;

    fn lines(text: &str) -> Vec<CleanLine> {
        text.lines().map(|l| clean_line(l, false)).collect()
    }

    #[test]
    fn entries_with_tabs_and_dot_leaders() {
        assert_eq!(
            split_entry("第一节 决胜全面建成小康社会取得决定性成就\t1"),
            Some(("第一节 决胜全面建成小康社会取得决定性成就".into(), 1))
        );
        assert_eq!(
            split_entry("第十七章 强化规划实施保障.....\t142"),
            Some(("第十七章 强化规划实施保障".into(), 142))
        );
        assert_eq!(
            split_entry("\t(=\t二)完善城市基础设施建设\t. 40"),
            Some(("(= 二)完善城市基础设施建设".into(), 40))
        );
        assert_eq!(split_entry("前 言.....\t1"), Some(("前 言".into(), 1)));
        assert_eq!(
            split_entry("社会事业全面进步。小康指数位于全市前列，实现 1.44"),
            None
        );
        assert_eq!(split_entry("2020 年 12 月"), None);
    }

    #[test]
    fn finds_a_marked_toc_and_stops_at_the_body() {
        let text = "标题\n\n目 录\n\n第一章 总则\t1\n第一节 目标\t1\n\n第二章 任务\t4\n\n本纲要根据……编制。\n\n第一章 总则\n";
        let toc = find(&lines(text)).unwrap();
        assert_eq!(toc.lines, 2..8);
        let got: Vec<_> = toc
            .entries
            .iter()
            .map(|e| (e.form, e.no, e.title.as_str(), e.page))
            .collect();
        assert_eq!(
            got,
            vec![
                (Form::Chapter, Some(1), "总则", 1),
                (Form::Section, Some(1), "目标", 1),
                (Form::Chapter, Some(2), "任务", 4),
            ]
        );
    }

    #[test]
    fn ocr_damaged_numbers_follow_the_sequence() {
        let text = "目录\n第九章\t完善公共服务体系\t55\n—,\t优先发展教育事业\t55\n\t(-)\t总体解决学位供给难题\t55\n\t(二)\t全力打造区域教育品牌\t55\n\t( 만\t7)实施文化传播强音工程\t. 51\n二、\t提升卫生健康水平\t58\n第十章 创新\t64\n";
        let toc = find(&lines(text)).unwrap();
        let got: Vec<_> = toc.entries.iter().map(|e| (e.form, e.no)).collect();
        assert_eq!(
            got,
            vec![
                (Form::Chapter, Some(9)),
                (Form::Yi, Some(1)),
                (Form::ParenYi, Some(1)),
                (Form::ParenYi, Some(2)),
                (Form::ParenYi, Some(3)),
                (Form::Yi, Some(2)),
                (Form::Chapter, Some(10)),
            ]
        );
    }

    #[test]
    fn unmarked_toc_is_a_run_of_numbered_entries() {
        let text = "标题\n第一章 总则\t1\n第二章 任务\t3\n第三章 保障\t9\n正文第一段。\n";
        let toc = find(&lines(text)).unwrap();
        assert_eq!(toc.lines, 1..4);
        assert_eq!(toc.entries.len(), 3);
    }

    #[test]
    fn no_toc() {
        assert_eq!(find(&lines("标题\n第一章 总则\n正文。\n")), None);
    }
}
