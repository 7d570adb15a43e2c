//! Converter noise, removed line by line before anything else looks at the text.
//!
//! Plans reach us through PDF and Word converters that leave their own marks: markdown `#`
//! prefixes and `**` bold, `[bookmark: …]` and `[image: …]` markers, HTML tags such as `<sup>`,
//! superscript footnote anchors (`¹²³`). [`clean_line`] strips them and records what they said
//! (a markdown heading mark, a bookmark id, a leading indent), because some of that is evidence
//! the structure reader needs later. [`normalize`] is the one place where whitespace is folded:
//! passages, titles and queries all go through it.

use std::sync::LazyLock;

use regex::Regex;

/// How a raw line began, before any markup was stripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Indent {
    /// Text starts in the first column.
    #[default]
    None,
    /// Leading spaces (ASCII or ideographic). Converters leave them where a heading line was lost.
    Space,
    /// A leading tab: a table cell in column layouts.
    Tab,
}

/// One line with converter noise removed, and the evidence the noise carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanLine {
    /// The text without markup; inner whitespace as in the file, ends trimmed.
    pub text: String,
    pub indent: Indent,
    /// The line began with a markdown `#` heading mark.
    pub markdown_heading: bool,
    /// The line began with a markdown list marker (`- `), in a markdown document.
    pub list_item: bool,
    /// The line began with a superscript footnote number (`¹`, `¹⁰`).
    pub footnote_mark: bool,
    /// Tabs the line began with: the empty cells before its first, in a table.
    pub leading_tabs: usize,
    /// Sequential ids of `[bookmark: _bookmarkN]` markers on the line.
    pub bookmark_ids: Vec<u32>,
}

static CONVERTER_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[a-z_]+:[^\[\]]*\]").expect("valid regex"));
static FOOTNOTE_SUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<sup>\s*[0-9０-９]{1,3}\s*</sup>").expect("valid regex"));
static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>").expect("valid regex"));
static MARKDOWN_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^#{1,6}(\s+|$)").expect("valid regex"));
static MARKDOWN_LIST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-*+]\s+").expect("valid regex"));

/// Whether a character is a superscript digit, which plans use only as footnote anchors.
pub fn is_superscript_digit(c: char) -> bool {
    matches!(c, '¹' | '²' | '³' | '⁰' | '⁴'..='⁹')
}

/// Whether a line of a document looks like a markdown heading (`# …`), before cleaning.
pub fn looks_like_markdown_heading(raw: &str) -> bool {
    MARKDOWN_HEADING.is_match(raw.trim_start())
}

/// Strips converter noise from one raw line. `markdown` says whether the document as a whole is
/// markdown; only then is a leading `- ` a list marker rather than a dash in a table cell.
pub fn clean_line(raw: &str, markdown: bool) -> CleanLine {
    let raw = raw.trim_end_matches(['\r', '\n']);
    let indent = match raw.chars().next() {
        Some(' ' | '\u{3000}' | '\u{a0}') if !raw.trim().is_empty() => Indent::Space,
        Some('\t') if !raw.trim().is_empty() => Indent::Tab,
        _ => Indent::None,
    };

    // Each regex runs only where its marker can be: most lines carry no markup at all.
    let mut bookmark_ids = Vec::new();
    let mut text = String::with_capacity(raw.len());
    let mut last = 0;
    if raw.contains('[') {
        for m in CONVERTER_MARKER.find_iter(raw) {
            text.push_str(&raw[last..m.start()]);
            last = m.end();
            if let Some(id) = m
                .as_str()
                .strip_prefix("[bookmark:")
                .map(|s| s.trim_end_matches(']').trim())
                .and_then(|s| s.strip_prefix("_bookmark"))
                .and_then(|n| n.parse::<u32>().ok())
            {
                bookmark_ids.push(id);
            }
        }
    }
    text.push_str(&raw[last..]);

    if text.contains('<') {
        text = FOOTNOTE_SUP.replace_all(&text, "").into_owned();
        text = HTML_TAG.replace_all(&text, "").into_owned();
    }
    let leading_tabs = text
        .trim_start_matches([' ', '\u{3000}', '\u{a0}'])
        .chars()
        .take_while(|&c| c == '\t')
        .count();
    let leading_tab = leading_tabs > 0;
    let mut text: &str = text.trim();

    let mut markdown_heading = false;
    if text.starts_with('#') {
        if let Some(m) = MARKDOWN_HEADING.find(text) {
            markdown_heading = true;
            text = text[m.end()..].trim_start();
        }
    }
    let mut list_item = false;
    if markdown && text.starts_with(['-', '*', '+']) {
        if let Some(m) = MARKDOWN_LIST.find(text) {
            list_item = true;
            text = &text[m.end()..];
        }
    }
    let mut text = if text.contains("**") {
        text.replace("**", "")
    } else {
        text.to_string()
    };
    let footnote_mark = text
        .trim_start()
        .chars()
        .next()
        .is_some_and(is_superscript_digit);
    if text.chars().any(is_superscript_digit) {
        text.retain(|c| !is_superscript_digit(c));
    }
    if leading_tab && !markdown_heading && !list_item {
        text.insert(0, '\t');
    }

    CleanLine {
        // A leading tab is an empty first table cell: keep it.
        text: text
            .trim_end()
            .trim_start_matches(|c: char| c.is_whitespace() && c != '\t')
            .to_string(),
        indent,
        markdown_heading,
        list_item,
        footnote_mark,
        leading_tabs,
        bookmark_ids,
    }
}

/// Whether a character belongs to the wide (CJK) script: Han characters, CJK and full-width
/// punctuation, and the quotes and dashes Chinese text uses. Whitespace next to such a character
/// is a wrap or layout artefact, never meaningful.
pub fn is_wide(c: char) -> bool {
    c >= '\u{2e80}' || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '•' | '─')
}

/// Folds whitespace the way every text in plansearch is folded: whitespace next to a wide (CJK)
/// character is removed, other runs become one space, ends are trimmed.
///
/// `总体思路 和主要目标` → `总体思路和主要目标`; `突破 600 亿元` → `突破600亿元`;
/// `Micro  LED` → `Micro LED`.
pub fn normalize(s: &str) -> String {
    if !s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if c.is_control() && !c.is_whitespace() {
            continue; // NUL and other control characters carry no text
        }
        if c.is_whitespace() {
            pending_space = prev.is_some();
            continue;
        }
        if pending_space {
            if let Some(p) = prev {
                if !is_wide(p) && !is_wide(c) {
                    out.push(' ');
                }
            }
            pending_space = false;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// Whether a text ends a sentence (。！？；： and their ASCII forms, or …), looking through
/// closing quotes and brackets. A paragraph whose last line does not end a sentence continues
/// on the next text line, across blank lines and page breaks.
pub fn ends_sentence(s: &str) -> bool {
    let trimmed = s
        .trim_end()
        .trim_end_matches(['”', '’', '"', '\'', '）', ')', '】', '》', '」']);
    trimmed.ends_with(['。', '！', '？', '!', '?', '；', ';', '：', ':', '…'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_bookmarks_and_keeps_their_ids() {
        let c = clean_line(
            " [bookmark: 第一节构建产业创新生态圈][bookmark: _bookmark12]第一节\t构建产业创新生态圈",
            false,
        );
        assert_eq!(c.text, "第一节\t构建产业创新生态圈");
        assert_eq!(c.bookmark_ids, vec![12]);
        assert_eq!(c.indent, Indent::Space);
    }

    #[test]
    fn removes_go_back_and_image_markers_inside_text() {
        let c = clean_line("[bookmark: _GoBack]从国内看，“转”是主旋律。", false);
        assert_eq!(c.text, "从国内看，“转”是主旋律。");
        assert!(c.bookmark_ids.is_empty());
        assert_eq!(clean_line("[image: ]", false).text, "");
    }

    #[test]
    fn keeps_ordinary_square_brackets() {
        assert_eq!(
            clean_line("年均增速[累计]\t[2.2]", false).text,
            "年均增速[累计]\t[2.2]"
        );
    }

    #[test]
    fn strips_markdown_heading_marks_and_bold() {
        let c = clean_line("#### (二)强功能、提品质,城区魅力稳步提升", true);
        assert!(c.markdown_heading);
        assert_eq!(c.text, "(二)强功能、提品质,城区魅力稳步提升");
        let c = clean_line("**一是疫后发展的重振期。**突如其来", false);
        assert_eq!(c.text, "一是疫后发展的重振期。突如其来");
    }

    #[test]
    fn list_marker_only_in_markdown_documents() {
        let c = clean_line("- 1. \"一城一园三区\":《武汉大健康产业发展规划》", true);
        assert!(c.list_item);
        assert_eq!(c.text, "1. \"一城一园三区\":《武汉大健康产业发展规划》");
        let c = clean_line("- 41.1", false);
        assert!(!c.list_item);
        assert_eq!(c.text, "- 41.1");
    }

    #[test]
    fn html_tags_go_and_footnote_references_with_them() {
        assert_eq!(
            clean_line("实施\"五育并举\"<sup>15</sup>工程", true).text,
            "实施\"五育并举\"工程"
        );
        assert_eq!(
            clean_line("<sup>2.[]</sup>内为五年累计值。", true).text,
            "2.[]内为五年累计值。"
        );
        // "<5 " is a comparison, not a tag.
        assert_eq!(clean_line("<5 <b>.</b> 5", true).text, "<5 . 5");
    }

    #[test]
    fn superscript_footnote_anchors() {
        let c = clean_line("¹⁰三线一单：生态保护红线", false);
        assert!(c.footnote_mark);
        assert_eq!(c.text, "三线一单：生态保护红线");
        let c = clean_line("严格落实“三线一单¹⁰”要求", false);
        assert!(!c.footnote_mark);
        assert_eq!(c.text, "严格落实“三线一单”要求");
    }

    #[test]
    fn normalize_removes_wrap_spaces_next_to_chinese() {
        assert_eq!(normalize("总体思路 和主要目标"), "总体思路和主要目标");
        assert_eq!(normalize("突破 600 亿元"), "突破600亿元");
        assert_eq!(normalize("  Micro   LED 等新技术 "), "Micro LED等新技术");
        assert_eq!(normalize("“光芯屏端网” 产业"), "“光芯屏端网”产业");
        assert_eq!(normalize("a\tb"), "a b");
        assert_eq!(normalize("营商\u{0}环境\u{7}"), "营商环境");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn sentence_ends_look_through_closing_quotes() {
        assert!(ends_sentence("完成改厕 16157 座。"));
        assert!(ends_sentence("“四个不摘”要求。”"));
        assert!(ends_sentence("全保障五大类指标:"));
        assert!(!ends_sentence("推进“厕"));
        assert!(!ends_sentence("实现 1.44"));
        assert!(!ends_sentence("打造“一城一园”"));
        assert!(!ends_sentence(""));
    }
}
