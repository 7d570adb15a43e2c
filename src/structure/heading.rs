//! Heading forms, recognised one cleaned line at a time.
//!
//! Plans mark their levels with numbered labels: 第X篇 (part), 第X章 (chapter), 第X节 (section),
//! `一、`, `（一）`, `1.`, `（1）`, plus unnumbered 前言 / 名词解释, `专栏 N` boxes and `图 N` / `表 N`
//! captions. [`detect`] says which form a line has, if any; which *level* a form means is decided
//! per plan by the structure reader (in a plan without 节, `一、` is the section level).
//! OCR look-alikes in labels (`第ハ章`, `—,` for `一、`, `(-)` for `（一）`) are accepted here and
//! flagged, so the reader can keep them only where the numbering sequence confirms them.

use std::sync::LazyLock;

use regex::Regex;

use super::numeral;

/// The label form of a heading line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// 第X篇: a part grouping chapters (national and provincial plans).
    Part,
    /// 第X章.
    Chapter,
    /// 第X节.
    Section,
    /// `一、`
    Yi,
    /// `（一）` or `(一)`
    ParenYi,
    /// `1.` `1．` `1、`
    Arabic,
    /// `（1）`
    ParenArabic,
    /// `专栏 N`: a box of projects or indicators inside a section.
    Box,
    /// 前言, 名词解释, 附件 …: unnumbered headings at chapter level.
    Special(Special),
}

/// Unnumbered chapter-level headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Special {
    /// 前言, 序言, 引言, 导言.
    Preface,
    /// 名词解释, 术语解释.
    Glossary,
    /// 附件, 附录, 附表.
    Appendix,
    /// 结束语, 结语, 后记.
    Closing,
}

impl Form {
    /// Depth among the numbered sub-levels, shallow to deep; `None` for the fixed levels.
    pub fn sub_depth(self) -> Option<u8> {
        match self {
            Form::Yi => Some(0),
            Form::ParenYi => Some(1),
            Form::Arabic => Some(2),
            Form::ParenArabic => Some(3),
            _ => None,
        }
    }
}

/// A heading recognised on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingLine {
    pub form: Form,
    /// The number in the label; `None` for unnumbered forms (and 专栏 numbered `4-1`, see `label`).
    pub no: Option<u32>,
    /// The number was read through an OCR look-alike (`ハ` for 八) or an OCR separator (`—,`).
    pub ocr: bool,
    /// The label as plansearch writes it: 第八章, 二、, （一）, 1., 专栏 4-1, 前言.
    pub label: String,
    /// The title as written, whitespace runs collapsed to one space; may be empty.
    pub title: String,
    /// Text after the title that is a second heading sharing the line (`一、… (一) 大健康`).
    pub rest: Option<String>,
}

/// Caption kinds: lines that name a figure or a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptionKind {
    Figure,
    Table,
}

const CN_NUM: &str = "〇零一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟";
const NUM: &str = "〇零一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟0-9０-９";
const LOOKALIKE: &str = "ハ—\\-_─‐－ー–=＝ニΞ上ロ口";
const MAX_TITLE: usize = 60;
const MAX_SUB_TITLE: usize = 40;

static PART_CHAPTER_SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^第 ?([{NUM}{LOOKALIKE}]{{1,6}}) ?([篇章节])(?: ?(.*))?$"
    ))
    .expect("valid regex")
});
static YI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([{CN_NUM}]{{1,4}}|[{LOOKALIKE}]) ?([、，,．.]) ?(.+)$"
    ))
    .expect("valid regex")
});
static PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[（(] ?([{NUM}{LOOKALIKE}]{{1,4}}) ?[)）] ?(.+)$"
    ))
    .expect("valid regex")
});
static ARABIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9０-９]{1,2}) ?([.．、]) ?([^0-9０-９.．].*)$").expect("valid regex")
});
static BOX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^专栏 ?([0-9０-９]+(?: ?[-－—–.．] ?[0-9０-９]+)?)?(?: ?(.*))?$")
        .expect("valid regex")
});
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(图|表|附表) ?([0-9０-９]+(?: ?[-－—–.．] ?[0-9０-９]+)?)(?: (.*)|([^0-9０-９ %].*))?$",
    )
    .expect("valid regex")
});
static NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(注|说明|备注|指标注释|指标说明) ?[:：]").expect("valid regex"));
static SECOND_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r" ((?:[{CN_NUM}]{{1,3}}、)|(?:[（(][{NUM}]{{1,3}}[)）]))"
    ))
    .expect("valid regex")
});
static BOX_NUMBER_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:专栏 ?)?([0-9０-９]+ ?[-－—–.．] ?[0-9０-９]+)$").expect("valid regex")
});

/// Collapses every whitespace run to one ASCII space and trims the ends.
pub fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// A title may not read like a sentence: headings carry no 。 and do not end in a clause mark.
/// Sub-level titles carry no colon either: `8. "一谷两区":以…` is a glossary entry, not a heading.
fn title_is_plausible(title: &str, max: usize) -> bool {
    let t = title.trim();
    if max == MAX_SUB_TITLE && t.trim_end_matches(['：', ':']).contains(['：', ':']) {
        return false;
    }
    char_len(t) <= max
        && !t.contains('。')
        && !t.ends_with(['；', ';', '，', ',', '：', ':'])
        && !t.contains("……")
}

/// Whether a chapter label names back matter: a glossary or an appendix, which explain the plan
/// rather than state its policy.
pub fn is_back_matter(label: &str) -> bool {
    let compact: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        special_form(&compact),
        Some(Special::Glossary | Special::Appendix)
    )
}

fn special_form(compact: &str) -> Option<Special> {
    Some(match compact {
        "前言" | "序言" | "引言" | "导言" => Special::Preface,
        "名词解释" | "术语解释" | "名词解释说明" => Special::Glossary,
        "附件" | "附录" | "附表" => Special::Appendix,
        "结束语" | "结语" | "后记" => Special::Closing,
        _ => return None,
    })
}

fn sub_label(form: Form, no: u32) -> String {
    match form {
        Form::Yi => format!("{}、", numeral::to_chinese(no)),
        Form::ParenYi => format!("（{}）", numeral::to_chinese(no)),
        Form::Arabic => format!("{no}."),
        Form::ParenArabic => format!("（{no}）"),
        _ => String::new(),
    }
}

/// Builds the label plansearch prints for a numbered heading.
pub fn label_for(form: Form, no: u32) -> String {
    match form {
        Form::Part => format!("第{}篇", numeral::to_chinese(no)),
        Form::Chapter => format!("第{}章", numeral::to_chinese(no)),
        Form::Section => format!("第{}节", numeral::to_chinese(no)),
        Form::Box => format!("专栏 {no}"),
        _ => sub_label(form, no),
    }
}

/// Splits off a deeper heading that shares the line: `一、做大做强优势产业 (一) 大健康`.
fn split_second(title: &str, form: Form) -> (String, Option<String>) {
    for m in SECOND_HEADING.find_iter(title) {
        let rest = title[m.start() + 1..].to_string();
        if let Some(next) = detect(&rest) {
            let deeper = match (form.sub_depth(), next.form.sub_depth()) {
                (Some(a), Some(b)) => b > a,
                (None, Some(_)) => true,
                _ => false,
            };
            if deeper {
                return (title[..m.start()].trim().to_string(), Some(rest));
            }
        }
    }
    (title.to_string(), None)
}

/// Recognises a heading on a cleaned line, or returns `None` for ordinary text.
pub fn detect(text: &str) -> Option<HeadingLine> {
    // A heading is a label and a title of at most MAX_TITLE characters: a longer line is text.
    if too_long(text) {
        return None;
    }
    let s = collapse_spaces(text);
    if s.is_empty() {
        return None;
    }
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(special) = special_form(&compact) {
        return Some(HeadingLine {
            form: Form::Special(special),
            no: None,
            ocr: false,
            label: compact,
            title: String::new(),
            rest: None,
        });
    }
    if let Some(c) = PART_CHAPTER_SECTION.captures(&s) {
        let (no, ocr) = numeral::parse_ocr(&c[1])?;
        let form = match &c[2] {
            "篇" => Form::Part,
            "章" => Form::Chapter,
            _ => Form::Section,
        };
        let title = c.get(3).map_or("", |m| m.as_str()).trim();
        if !title_is_plausible(title, MAX_TITLE) {
            return None;
        }
        let (title, rest) = split_second(title, form);
        return Some(HeadingLine {
            form,
            no: Some(no),
            ocr,
            label: label_for(form, no),
            title,
            rest,
        });
    }
    if let Some(c) = BOX.captures(&s) {
        let number = c.get(1).map(|m| m.as_str().replace(' ', ""));
        let title = c.get(2).map_or("", |m| m.as_str()).trim();
        if !title_is_plausible(title, MAX_TITLE) {
            return None;
        }
        let label = match &number {
            Some(n) => format!("专栏 {n}"),
            None => "专栏".to_string(),
        };
        return Some(HeadingLine {
            form: Form::Box,
            no: number.as_deref().and_then(numeral::parse),
            ocr: false,
            label,
            title: title.to_string(),
            rest: None,
        });
    }
    if let Some(c) = YI.captures(&s) {
        let sep_is_ocr = &c[2] != "、";
        let (no, glyph_ocr) = numeral::parse_ocr(&c[1])?;
        let title = c[3].trim();
        if title_is_plausible(title, MAX_SUB_TITLE) && (!sep_is_ocr || char_len(&c[1]) == 1) {
            let (title, rest) = split_second(title, Form::Yi);
            return Some(HeadingLine {
                form: Form::Yi,
                no: Some(no),
                ocr: sep_is_ocr || glyph_ocr,
                label: sub_label(Form::Yi, no),
                title,
                rest,
            });
        }
        return None;
    }
    if let Some(c) = ARABIC.captures(&s) {
        let no = numeral::parse(&c[1])?;
        let title = c[3].trim();
        if title_is_plausible(title, MAX_SUB_TITLE) {
            let (title, rest) = split_second(title, Form::Arabic);
            return Some(HeadingLine {
                form: Form::Arabic,
                no: Some(no),
                ocr: false,
                label: sub_label(Form::Arabic, no),
                title,
                rest,
            });
        }
        return None;
    }
    if let Some(c) = PAREN.captures(&s) {
        let digits = c[1]
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
        let form = if digits {
            Form::ParenArabic
        } else {
            Form::ParenYi
        };
        let (no, ocr) = numeral::parse_ocr(&c[1])?;
        let title = c[2].trim();
        if !title_is_plausible(title, MAX_SUB_TITLE) {
            return None;
        }
        let (title, rest) = split_second(title, form);
        return Some(HeadingLine {
            form,
            no: Some(no),
            ocr,
            label: sub_label(form, no),
            title,
            rest,
        });
    }
    None
}

/// Whether a line starts a numbered item even though it is too long to be a heading
/// (`1. 产业实力实现新跨越。基本建成…`): such a line always begins a new paragraph.
pub fn starts_item(text: &str) -> bool {
    let first = text.trim_start().chars().next();
    let could = first.is_some_and(|c| {
        c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || matches!(c, '(' | '（' | '—')
            || CN_NUM.contains(c)
    });
    if !could {
        return false;
    }
    let s = collapse_spaces(text);
    let numbered = |c: regex::Captures| numeral::parse(&c[1]).is_some();
    ARABIC.is_match(&s)
        || PAREN.captures(&s).is_some_and(numbered)
        || YI
            .captures(&s)
            .is_some_and(|c| &c[2] == "、" && numbered(c))
        || s.starts_with("——")
        || s.starts_with("一是")
}

/// Recognises a figure or table caption (`图1 …`, `表 2-1 …`), with any heading that shares
/// the line split off (`图 1 …示意图 一、"四区支撑"`).
pub fn caption(text: &str) -> Option<(CaptionKind, String, Option<String>)> {
    if too_long(text) || !text.trim_start().starts_with(['图', '表', '附']) {
        return None;
    }
    let s = collapse_spaces(text);
    let c = CAPTION.captures(&s)?;
    let title = c.get(3).or(c.get(4)).map_or("", |m| m.as_str());
    if char_len(&s) > MAX_TITLE + 10 || s.contains('。') {
        return None;
    }
    let kind = if &c[1] == "图" {
        CaptionKind::Figure
    } else {
        CaptionKind::Table
    };
    let (_, rest) = split_second(title, Form::Chapter);
    let caption = match &rest {
        Some(r) => s[..s.len() - r.len()].trim().to_string(),
        None => s,
    };
    Some((kind, caption, rest))
}

/// Whether a line opens a note (`注：`, `指标注释：`).
pub fn is_note(text: &str) -> bool {
    let t = text.trim();
    t.starts_with(['注', '说', '备', '指']) && NOTE.is_match(t)
}

/// Longer than any heading or caption can be (checked in bytes first, the cheap way).
fn too_long(text: &str) -> bool {
    text.len() > 4 * (MAX_TITLE + 20)
        || text.len() > MAX_TITLE + 20 && char_len(text) > MAX_TITLE + 20
}

/// A box number standing alone on a line (`5-2`, `专栏 4-4` split over lines by a converter).
pub fn box_number_only(text: &str) -> Option<String> {
    let s = collapse_spaces(text);
    BOX_NUMBER_ONLY.captures(&s).map(|c| c[1].replace(' ', ""))
}

/// The chapter a box number belongs to: `5-2` → 5. Plans number boxes within chapters.
pub fn box_chapter(label: &str) -> Option<u32> {
    let n = label.trim_start_matches("专栏").trim();
    let (chapter, _) = n.split_once(['-', '－', '—', '–', '.', '．'])?;
    numeral::parse(chapter.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_no(s: &str) -> Option<(Form, Option<u32>, bool, String)> {
        detect(s).map(|h| (h.form, h.no, h.ocr, h.title))
    }

    #[test]
    fn chapter_and_section_forms() {
        assert_eq!(
            form_no("第一章 全面建成小康社会，开启鄂城建设社会主义现代化新征程"),
            Some((
                Form::Chapter,
                Some(1),
                false,
                "全面建成小康社会，开启鄂城建设社会主义现代化新征程".into()
            ))
        );
        assert_eq!(
            form_no("第十二章\t聚力文化事业和文化产业").map(|h| h.1),
            Some(Some(12))
        );
        assert_eq!(
            form_no("第三节 主要目标").map(|h| (h.0, h.1)),
            Some((Form::Section, Some(3)))
        );
        assert_eq!(
            form_no("第二篇 构建新发展格局").map(|h| (h.0, h.1)),
            Some((Form::Part, Some(2)))
        );
        assert_eq!(form_no("第一百零五章 附则").map(|h| h.1), Some(Some(105)));
    }

    #[test]
    fn chapter_label_ocr_damage_is_flagged() {
        assert_eq!(
            form_no("第ハ章 加快建设文化强区,打造人文魅力之城"),
            Some((
                Form::Chapter,
                Some(8),
                true,
                "加快建设文化强区,打造人文魅力之城".into()
            ))
        );
        assert_eq!(
            form_no("第五 章 构建现代产业体系").map(|h| h.1),
            Some(Some(5))
        );
    }

    #[test]
    fn sentences_are_not_headings() {
        assert_eq!(detect("第一章所列目标全部完成。"), None);
        assert_eq!(
            detect("一、坚持党的全面领导，健全和完善党总揽全局、协调各方的领导制度体系。"),
            None
        );
        assert_eq!(detect("一是产业结构有待进一步优化。"), None);
        assert_eq!(detect("2020年实现地区生产总值1650亿元"), None);
        assert_eq!(detect("1.44"), None);
        assert_eq!(
            detect("8. \"一谷两区\":以\"龙阳湖健康谷\"为中心,以南部四新新"),
            None
        );
    }

    #[test]
    fn sub_level_forms() {
        assert_eq!(
            form_no("一、指导思想"),
            Some((Form::Yi, Some(1), false, "指导思想".into()))
        );
        assert_eq!(
            form_no("（一）优化城乡总体格局").map(|h| (h.0, h.1)),
            Some((Form::ParenYi, Some(1)))
        );
        assert_eq!(
            form_no("(二)强功能、提品质").map(|h| (h.0, h.1)),
            Some((Form::ParenYi, Some(2)))
        );
        assert_eq!(
            form_no("1. 高价值发明专利").map(|h| (h.0, h.1)),
            Some((Form::Arabic, Some(1)))
        );
        assert_eq!(
            form_no("（3）专用电子设备制造业").map(|h| (h.0, h.1)),
            Some((Form::ParenArabic, Some(3)))
        );
        assert_eq!(form_no("十一、深化改革").map(|h| h.1), Some(Some(11)));
    }

    #[test]
    fn ocr_damaged_sub_levels() {
        assert_eq!(
            form_no("—,优先发展教育事业"),
            Some((Form::Yi, Some(1), true, "优先发展教育事业".into()))
        );
        assert_eq!(
            form_no("=,加强和创新基层治理").map(|h| (h.1, h.2)),
            Some((Some(2), true))
        );
        assert_eq!(
            form_no("Ξ,提升发展支撑产业").map(|h| (h.1, h.2)),
            Some((Some(3), true))
        );
        assert_eq!(
            form_no("(-) 总体解决学位供给难题").map(|h| (h.0, h.1, h.2)),
            Some((Form::ParenYi, Some(1), true))
        );
    }

    #[test]
    fn numbered_item_with_text_is_not_a_heading_but_starts_an_item() {
        let line = "1. 产业实力实现新跨越。基本建成“3335”现代产业体系。";
        assert_eq!(detect(line), None);
        assert!(starts_item(line));
        assert!(!starts_item("实现新跨越。"));
        assert!(
            !starts_item("上、举国同心、舍生忘死"),
            "a look-alike label is no item"
        );
    }

    #[test]
    fn two_headings_on_one_line_are_split() {
        let h = detect("一、做大做强优势产业,打造三大千亿级产业集群 (一) 大健康").unwrap();
        assert_eq!(h.title, "做大做强优势产业,打造三大千亿级产业集群");
        let rest = detect(h.rest.as_deref().unwrap()).unwrap();
        assert_eq!(
            (rest.form, rest.no, rest.title.as_str()),
            (Form::ParenYi, Some(1), "大健康")
        );
    }

    #[test]
    fn captions_and_captions_sharing_a_line_with_a_heading() {
        let (kind, text, rest) =
            caption("图 1 汉阳区\"十四五\"发展总体布局示意图 一、\"四区支撑\"").unwrap();
        assert_eq!(kind, CaptionKind::Figure);
        assert_eq!(text, "图 1 汉阳区\"十四五\"发展总体布局示意图");
        assert_eq!(rest.as_deref(), Some("一、\"四区支撑\""));
        assert_eq!(
            caption("表2-1 武汉经开区“十四五”发展目标").map(|c| c.0),
            Some(CaptionKind::Table)
        );
        assert_eq!(caption("图书馆建设加快推进"), None);
        assert_eq!(caption("表 3 所列项目全部完成。"), None);
    }

    #[test]
    fn boxes() {
        let h = detect("专栏 4-1\t汽车及零部件产业链提升工程").unwrap();
        assert_eq!(
            (h.form, h.label.as_str(), h.title.as_str()),
            (Form::Box, "专栏 4-1", "汽车及零部件产业链提升工程")
        );
        assert_eq!(
            detect("专栏3 重点行业转型升级方向").map(|h| h.no),
            Some(Some(3))
        );
        assert_eq!(detect("专栏").map(|h| h.label), Some("专栏".to_string()));
        assert_eq!(box_number_only(" 5-2"), Some("5-2".to_string()));
        assert_eq!(box_chapter("专栏 10-1"), Some(10));
        assert_eq!(box_chapter("专栏 3"), None);
    }

    #[test]
    fn special_headings() {
        assert_eq!(
            detect("前 言").map(|h| h.form),
            Some(Form::Special(Special::Preface))
        );
        assert_eq!(
            detect("名词解释").map(|h| h.form),
            Some(Form::Special(Special::Glossary))
        );
    }

    #[test]
    fn notes() {
        assert!(is_note("注：①[]内为5年累计数。"));
        assert!(is_note("指标注释："));
        assert!(!is_note("注重培育数字新经济"));
    }
}
