//! The page-aware normaliser: what a PDF extractor gives, page by page, made into the lines of
//! a plan's text, each knowing the pages it came from.
//!
//! Every extractor repeats the running header and footer once per page, prints page numbers as
//! lines, and wraps paragraphs at the page's width; some put a space between every two
//! characters, or beside every run of Latin letters and digits. [`normalise`] undoes that:
//!
//! 1. lines repeated at the top or the bottom of most pages (compared with their digits
//!    blanked, so `第 3 页` and `第 4 页` are one line), and page numbers (`— 12 —`, `-12-`,
//!    `第 3 页 共 80 页`, `3/80`, a bare number) at the top or bottom of a page, are dropped;
//! 2. letter-spaced lines are closed up, and whitespace next to a Chinese character removed
//!    (the same folding every text in plansearch gets, [`normalize`]);
//! 3. a line that fills the page's width and does not end its sentence is joined with the next
//!    — across a page break too — unless either is a heading (第X章, 一、, （一）, 专栏 …), a list
//!    item or a table row, which keep their own lines.
//!
//! Nothing here knows an engine: it works on strings, and is tested on strings. It borrows the
//! structure stage's notions of whitespace and heading forms, so that the lines it makes are
//! read the way the structure stage reads them.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use unicode_width::UnicodeWidthStr;

use crate::index::tokenize::fold_str;
use crate::structure::clean::{ends_sentence, is_wide, normalize};
use crate::structure::heading;

/// A line of the normalised text and the pages (1-based) its text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub first_page: u32,
    pub last_page: u32,
}

/// Lines at the top of a page that may be a running header, and at the bottom a footer.
const TOP: usize = 2;
const BOTTOM: usize = 3;

static PAGE_NUMBER: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"^[-—–_~·\s]*\d{1,4}[-—–_~·\s]*$",
        r"^第\s*\d{1,4}\s*页\s*(?:[,，/]?\s*共\s*\d{1,4}\s*页)?$",
        r"^共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页$",
        r"^\d{1,4}\s*/\s*\d{1,4}$",
        r"(?i)^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$",
    ]
    .iter()
    .map(|r| Regex::new(r).expect("valid regex"))
    .collect()
});

/// Whether a line is a page number: `— 12 —`, `-12-`, `第 3 页 共 80 页`, `3/80`, `12`.
pub fn is_page_number(line: &str) -> bool {
    let l = fold_str(line.trim());
    !l.is_empty() && PAGE_NUMBER.iter().any(|r| r.is_match(&l))
}

/// A line as running furniture is compared: digits blanked, whitespace gone.
fn furniture_key(line: &str) -> String {
    fold_str(line)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// A letter-spaced line closed up: when nearly every space-separated token is one character,
/// the spaces are the extractor's, not the text's.
pub fn close_letter_spacing(line: &str) -> String {
    let tokens: Vec<&str> = line.split(' ').filter(|t| !t.is_empty()).collect();
    let single = tokens.iter().filter(|t| t.chars().count() == 1).count();
    if tokens.len() >= 5 && single * 10 >= tokens.len() * 8 {
        tokens.concat()
    } else {
        line.to_string()
    }
}

static VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[<>≤≥＜＞~]?[-+]?\d+(?:\.\d+)?%?(?:左右|以上|以内|以下)?|[\[(（]?[-+]?\d+(?:\.\d+)?[\])）]?|[—–-]+|/)$")
        .expect("valid regex")
});

/// A table row an extractor laid out on one line, as tab-separated cells: at least four
/// space-separated fields, two of them values (`3.5`, `<6`, `7左右`, `[1.89]`, `—`), one a
/// name of two Chinese characters or more, and no clause punctuation (prose has it).
pub fn table_row(line: &str) -> Option<String> {
    // Most lines are prose or too short: told without splitting them into fields.
    let prose = line.contains(['，', '。', '；', '、', ',', ';']);
    if prose || line.split_whitespace().nth(3).is_none() {
        return None;
    }
    let fields = rejoin_latin(line.split_whitespace().collect());
    let values = fields
        .iter()
        .filter(|f| VALUE.is_match(&fold_str(f)))
        .count();
    let named = fields.iter().any(|f| {
        f.chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count()
            >= 2
    });
    (fields.len() >= 4 && values >= 2 && named).then(|| fields.join("\t"))
}

/// Fields with the spaces an extractor put around Latin letters and digits inside a Chinese
/// name closed up again: `累计建成 5G 基站（个）` is one field, `（个） 320` two.
fn rejoin_latin(fields: Vec<&str>) -> Vec<String> {
    let han = |c: Option<char>| c.is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < fields.len() {
        let latin = fields[i].chars().all(|c| c.is_ascii_alphanumeric());
        let between = i > 0
            && i + 1 < fields.len()
            && han(out.last().and_then(|l| l.chars().last()))
            && han(fields[i + 1].chars().next());
        if latin && between {
            let last = out.last_mut().expect("a field before");
            last.push_str(fields[i]);
            last.push_str(fields[i + 1]);
            i += 2;
        } else {
            out.push(fields[i].to_string());
            i += 1;
        }
    }
    out
}

fn is_table_row(line: &str) -> bool {
    line.contains('\t')
}

fn is_heading(line: &str) -> bool {
    heading::detect(line).is_some()
}

/// Turns extracted pages of lines into the plan's text lines (see the module documentation).
pub fn normalise(pages: &[Vec<String>]) -> Vec<Line> {
    // Trimmed, closed-up lines of each page, without blank ones.
    let cleaned: Vec<Vec<String>> = pages
        .iter()
        .map(|p| {
            p.iter()
                .map(|l| {
                    let l = close_letter_spacing(l.trim());
                    table_row(&l).unwrap_or_else(|| normalize(&l))
                })
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect();
    let furniture = running_furniture(&cleaned);
    let mut body: Vec<(String, u32)> = Vec::new();
    for (k, lines) in cleaned.iter().enumerate() {
        let drop = |i: usize, l: &str| {
            let edge = i < TOP || i + BOTTOM >= lines.len();
            // A sentence is text, however often the same words recur at a page's edge.
            let repeated = !ends_sentence(l) && furniture.contains(&furniture_key(l));
            edge && (is_page_number(l) || repeated)
        };
        for (i, l) in lines.iter().enumerate() {
            if !drop(i, l) {
                body.push((l.clone(), k as u32 + 1));
            }
        }
    }
    join_wrapped(body)
}

/// Keys of lines that stand at the top, or at the bottom, of at least half the pages (and two):
/// running headers and footers.
fn running_furniture(pages: &[Vec<String>]) -> std::collections::HashSet<String> {
    let with_text = pages.iter().filter(|p| !p.is_empty()).count();
    let need = with_text.div_ceil(2).max(2);
    let mut out = std::collections::HashSet::new();
    for edge in [true, false] {
        let mut count: HashMap<String, usize> = HashMap::new();
        for lines in pages {
            let mut keys: Vec<String> = if edge {
                lines.iter().take(TOP).map(|l| furniture_key(l)).collect()
            } else {
                lines
                    .iter()
                    .rev()
                    .take(BOTTOM)
                    .map(|l| furniture_key(l))
                    .collect()
            };
            keys.sort();
            keys.dedup();
            for key in keys {
                *count.entry(key).or_default() += 1;
            }
        }
        out.extend(
            count
                .into_iter()
                .filter(|(k, n)| *n >= need && !k.is_empty())
                .map(|(k, _)| k),
        );
    }
    out
}

/// The width a full line of the body reaches: the 90th percentile of its lines' display
/// widths; `None` when there are too few lines to tell.
fn full_width(lines: &[(String, u32)]) -> Option<usize> {
    let mut widths: Vec<usize> = lines
        .iter()
        .map(|(l, _)| l.width())
        .filter(|&w| w >= 10)
        .collect();
    if widths.len() < 10 {
        return None;
    }
    widths.sort_unstable();
    Some(widths[widths.len() * 9 / 10])
}

/// Joins hard-wrapped lines (see the module documentation).
fn join_wrapped(body: Vec<(String, u32)>) -> Vec<Line> {
    let full = full_width(&body);
    let mut out: Vec<Line> = Vec::new();
    let mut open = false; // whether the last line may take the next one
    // The cover — title, issuer, date — has no clause punctuation; its lines stay as they are
    // until the first line that has some.
    let mut in_body = false;
    for (text, page) in body {
        if !in_body {
            in_body = text.contains(['，', '。', '；', '：', '、']);
            out.push(Line {
                text,
                first_page: page,
                last_page: page,
            });
            open =
                in_body && may_continue(&out[out.len() - 1].text, &out[out.len() - 1].text, full);
            continue;
        }
        if let Some(last) = out.last_mut().filter(|_| open) {
            if !is_heading(&text) && !heading::starts_item(&text) && !is_table_row(&text) {
                join_line(&mut last.text, &text);
                last.last_page = page;
                open = may_continue(&last.text, &text, full);
                continue;
            }
        }
        open = may_continue(&text, &text, full);
        out.push(Line {
            text,
            first_page: page,
            last_page: page,
        });
    }
    out
}

/// Appends the next line of a wrapped paragraph to `text`, as [`normalize`] would join the two
/// with a space (both are normalised already): only the junction is looked at, so a paragraph of
/// many wrapped lines is not folded again for each.
fn join_line(text: &mut String, next: &str) {
    let next = next.trim();
    let space = match (text.chars().next_back(), next.chars().next()) {
        (Some(a), Some(b)) => !is_wide(a) && !is_wide(b),
        _ => false,
    };
    if space {
        text.push(' ');
    }
    text.push_str(next);
}

/// Whether a line may continue on the next: it fills the width (its last piece `tail` does) and
/// does not end a sentence, and it is no table row; a heading only when it fills the width (a
/// title too long for one line).
fn may_continue(line: &str, tail: &str, full: Option<usize>) -> bool {
    let Some(full) = full else { return false };
    let fills = tail.width() * 100 >= full * 85;
    fills && !ends_sentence(line) && !is_table_row(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    const WIDE: &str = "推进产业基础高级化和产业链现代化，加快构建以先进制造业为支撑的现";
    /// A full line that ends its sentence.
    const FULL: &str = "推进产业基础高级化和产业链现代化，加快构建以先进制造业为支撑的。";

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn joining_a_wrapped_line_is_normalising_the_two_with_a_space() {
        let lines = [
            "推进产业基础高级化",
            "和产业链现代化，",
            "Micro",
            "LED 显示",
            "5G",
            "基站 600",
            "个",
            "“双碳”",
            "——",
            "2025 年",
            "GDP",
            "growth",
            "（一）",
            "a",
        ];
        for a in lines {
            for b in lines {
                let mut joined = normalize(a);
                join_line(&mut joined, &normalize(b));
                assert_eq!(joined, normalize(&format!("{a} {b}")), "{a} + {b}");
            }
        }
        let mut empty = String::new();
        join_line(&mut empty, "下一行");
        assert_eq!(empty, "下一行");
    }

    #[test]
    fn page_numbers_in_their_forms() {
        for l in [
            "— 12 —",
            "-12-",
            "12",
            "第 3 页 共 80 页",
            "第3页",
            "3/80",
            "Page 4 of 9",
            "－５－",
        ] {
            assert!(is_page_number(l), "{l}");
        }
        for l in ["— 18 约束性", "2025年", "第三章 发展", "12个重点项目"] {
            assert!(!is_page_number(l), "{l}");
        }
    }

    #[test]
    fn running_headers_footers_and_page_numbers_go() {
        let pages: Vec<Vec<String>> = (1..=4)
            .map(|n| {
                let mut p = vec!["某某区“十四五”规划纲要".to_string()];
                p.push(format!("第{n}段正文。"));
                p.push(format!("第 {n} 页 共 4 页"));
                p
            })
            .collect();
        let lines = normalise(&pages);
        assert_eq!(
            texts(&lines),
            ["第1段正文。", "第2段正文。", "第3段正文。", "第4段正文。"]
        );
        assert_eq!((lines[2].first_page, lines[2].last_page), (3, 3));
        // Digits blanked, a running header or footer is one line from page to page.
        let bodies = [
            ["甲方正文。", "乙方正文"],
            ["丙方正文。", "丁方正文"],
            ["戊方正文。", "己方正文"],
        ];
        let pages: Vec<Vec<String>> = bodies
            .iter()
            .enumerate()
            .map(|(n, b)| page(&[&format!("规划纲要（{n}）"), b[0], b[1], &format!("- {n} -")]))
            .collect();
        assert_eq!(
            texts(&normalise(&pages)),
            [
                "甲方正文。",
                "乙方正文",
                "丙方正文。",
                "丁方正文",
                "戊方正文。",
                "己方正文"
            ]
        );
        // A line repeated in the body is no furniture.
        let pages = vec![
            page(&["标题", "重复的句子。", "正文一。", "— 1 —"]),
            page(&["标题", "正文二。", "重复的句子。", "正文三。", "— 2 —"]),
        ];
        assert_eq!(
            texts(&normalise(&pages)),
            [
                "重复的句子。",
                "正文一。",
                "正文二。",
                "重复的句子。",
                "正文三。"
            ]
        );
    }

    #[test]
    fn spaces_an_extractor_put_between_characters_go() {
        assert_eq!(
            close_letter_spacing("云 梦 湖 新 区 人 民 政 府"),
            "云梦湖新区人民政府"
        );
        assert_eq!(close_letter_spacing("2 0 2 1 年 3 月"), "2021年3月");
        assert_eq!(close_letter_spacing("Micro LED 显示"), "Micro LED 显示");
        let lines = normalise(&[page(&["建成 5G 基站 320 个，", "2021年 3 月"])]);
        assert_eq!(texts(&lines), ["建成5G基站320个，", "2021年3月"]);
    }

    #[test]
    fn wrapped_lines_join_across_pages_and_headings_keep_their_lines() {
        let mut p1 = vec!["第一章 总则".to_string()];
        for _ in 0..10 {
            p1.push(FULL.to_string());
        }
        p1.push(WIDE.to_string());
        p1.push("— 1 —".to_string());
        let p2 = page(&[
            "代产业体系，打造中部地区重要的光电子信息产业集聚区。",
            "第一节 做强制造业",
            "（一）加快发展",
            "— 2 —",
        ]);
        let lines = normalise(&[p1, p2]);
        let joined = lines
            .iter()
            .find(|l| l.text.starts_with(WIDE) && l.last_page == 2)
            .unwrap();
        assert_eq!(
            joined.text,
            format!("{WIDE}代产业体系，打造中部地区重要的光电子信息产业集聚区。")
        );
        assert_eq!(joined.first_page, 1);
        // Whitespace folds as everywhere: the structure stage reads 第一章总则 as 第一章 总则.
        assert!(texts(&lines).contains(&"第一章总则"));
        assert!(texts(&lines).contains(&"第一节做强制造业"));
        assert!(texts(&lines).contains(&"（一）加快发展"));
    }

    #[test]
    fn short_lines_and_table_rows_are_not_joined() {
        let mut p = vec![];
        for _ in 0..10 {
            p.push(FULL.to_string());
        }
        p.extend(["云梦湖新区人民政府".to_string(), "2021年3月".to_string()]);
        p.extend([
            "经济发展 地区生产总值增长（%） 3.5 7左右 预期性".to_string(),
            "创新驱动 研发投入强度（%） 2.1 3 预期性".to_string(),
        ]);
        let lines = normalise(&[p]);
        let t = texts(&lines);
        assert!(t.contains(&"云梦湖新区人民政府") && t.contains(&"2021年3月"));
        assert!(
            t.contains(&"创新驱动\t研发投入强度（%）\t2.1\t3\t预期性"),
            "{t:?}"
        );
        assert!(
            t.contains(&"经济发展\t地区生产总值增长（%）\t3.5\t7左右\t预期性"),
            "{t:?}"
        );
        assert_eq!(
            table_row("新型基础设施 累计建成 5G 基站（个） 320 1500 预期性").as_deref(),
            Some("新型基础设施\t累计建成5G基站（个）\t320\t1500\t预期性")
        );
        // Prose and a date are no rows.
        assert_eq!(table_row("2021年 3 月"), None);
        assert_eq!(
            table_row("本纲要规划期为 2021 年至 2025 年，远景展望至 2035 年"),
            None
        );
    }
}
