//! The front page: the plan's title, its region, its period, the issuing body and date.
//!
//! The front page (the lines before the TOC or the first body paragraph) is metadata, never
//! searchable text. The title is joined across the lines it is broken over; the region is the
//! part of the title before 国民经济 / 十四五 / 规划 …; a file without a recognisable title gets
//! its region from its file name.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::clean::{CleanLine, normalize};
use super::heading;
use super::numeral;

/// What the front page says about a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocMeta {
    /// The file name (no directories).
    pub file: String,
    pub region: String,
    /// The full title, or `None` when the file has no recognisable title.
    pub title: Option<String>,
    /// The plan period, `2021-2025`, where stated or implied by the plan's number (第十四个五年).
    pub period: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<String>,
}

const FRONT_MAX_CHARS: usize = 40;
const FRONT_MAX_LINES: usize = 12;

static TITLE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(纲要|规划|计划|方案|纲领|意见|报告|建议)$").expect("valid regex")
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9〇零一二三四五六七八九]{4}) ?年( ?[0-9一二三四五六七八九十]{1,3} ?月)?( ?[0-9一二三四五六七八九十]{1,3} ?日)?$")
        .expect("valid regex")
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]? ?(20[0-9]{2}|19[0-9]{2}) ?年? ?[—–\-－~～至] ?(20[0-9]{2}|19[0-9]{2}) ?年? ?[）)]?")
        .expect("valid regex")
});
static FIVE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"第([一二三四五六七八九十]{1,3})个五年|“?([一二三四五六七八九十]{1,3})五”?(?:时期|规划)",
    )
    .expect("valid regex")
});
static ISSUER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(人民政府|委员会|办公室|办公厅|管理委员会|管委会|发展和改革局|发展改革委|人民代表大会)$",
    )
    .expect("valid regex")
});
const REGION_STOPS: [&str; 8] = [
    "国民经济和社会发展",
    "国民经济",
    "经济和社会发展",
    "经济社会发展",
    "第十",
    "“十",
    "十四五",
    "规划",
];

/// The front page: the leading block of short lines (title, issuer, date), ending at the TOC,
/// at the first heading, or at the first line that reads like body text.
pub fn front_matter(lines: &[CleanLine], toc_start: Option<usize>) -> Range<usize> {
    let limit = toc_start.unwrap_or(lines.len());
    let mut end = 0;
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate().take(limit) {
        let t = normalize(&line.text);
        if t.is_empty() {
            continue;
        }
        let is_heading = heading::detect(&line.text).is_some() && !TITLE_END.is_match(&t);
        let reads_as_body = t.chars().count() > FRONT_MAX_CHARS && !is_title_part(&t)
            || t.ends_with(['。', '；', '！', '？'])
            || line.text.contains('\t');
        if is_heading || reads_as_body || seen >= FRONT_MAX_LINES {
            break;
        }
        seen += 1;
        end = i + 1;
    }
    // Without a TOC, a front page must contain something that looks like a title; otherwise
    // the leading short lines are body text.
    if toc_start.is_none()
        && !lines[..end]
            .iter()
            .any(|l| is_title_part(&normalize(&l.text)))
    {
        return 0..0;
    }
    0..end
}

fn is_title_part(t: &str) -> bool {
    TITLE_END.is_match(t) || t.contains("国民经济") || t.contains("五年") || t.contains("十四五")
}

/// Reads the plan's metadata from its front page; `file` is the file name, used for the region
/// when the front page has no title.
pub fn read(lines: &[CleanLine], front: Range<usize>, file: &str) -> DocMeta {
    let texts: Vec<String> = lines[front.clone()]
        .iter()
        .map(|l| normalize(&l.text))
        .filter(|t| !t.is_empty())
        .collect();

    let mut title: Option<String> = None;
    for t in &texts {
        if is_date(t) || ISSUER.is_match(t) || PERIOD.is_match(t) && t.chars().count() < 16 {
            if title.is_some() {
                break;
            }
            continue;
        }
        let joined = title.take().unwrap_or_default() + t;
        let done = TITLE_END.is_match(&joined);
        title = Some(joined);
        if done {
            break;
        }
    }
    let title = title.filter(|t| is_title_part(t));

    let issuer = texts.iter().find(|t| ISSUER.is_match(t)).cloned();
    let date = texts.iter().find(|t| is_date(t)).cloned();
    let period = texts
        .iter()
        .find_map(|t| period_in(t))
        .or_else(|| title.as_deref().and_then(period_from_plan_number));
    let region = title
        .as_deref()
        .and_then(region_from_title)
        .unwrap_or_else(|| region_from_file_name(file));
    DocMeta {
        file: file.to_string(),
        region,
        title,
        period,
        issuer,
        date,
    }
}

fn is_date(t: &str) -> bool {
    DATE.is_match(&t.replace(' ', ""))
}

fn period_in(t: &str) -> Option<String> {
    let c = PERIOD.captures(t)?;
    Some(format!("{}-{}", &c[1], &c[2]))
}

/// The period of a numbered five-year plan: the 14th runs 2021-2025.
fn period_from_plan_number(title: &str) -> Option<String> {
    let c = FIVE_YEAR.captures(title)?;
    let n = numeral::parse(c.get(1).or(c.get(2))?.as_str())?;
    let start = match n {
        1 => 1953,
        2 => 1958,
        3.. => 1966 + 5 * (n - 3),
        0 => return None,
    };
    Some(format!("{}-{}", start, start + 4))
}

/// The region a plan belongs to: the part of its title before 国民经济和社会发展 and the like.
pub fn region_from_title(title: &str) -> Option<String> {
    let cut = REGION_STOPS
        .iter()
        .filter_map(|stop| title.find(stop))
        .min()?;
    let region = title[..cut].trim_end_matches(['“', '"']).trim();
    let n = region.chars().count();
    (1..=20).contains(&n).then(|| region.to_string())
}

/// A region from a file name: its stem, with a recognisable region prefix when there is one
/// (`蔡甸区十四五规划.txt` → 蔡甸区).
pub fn region_from_file_name(file: &str) -> String {
    let stem = std::path::Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string());
    region_from_title(&stem).unwrap_or(stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::clean::clean_line;

    fn meta(text: &str, toc: Option<usize>) -> (Range<usize>, DocMeta) {
        let lines: Vec<CleanLine> = text.lines().map(|l| clean_line(l, true)).collect();
        let front = front_matter(&lines, toc);
        let meta = read(&lines, front.clone(), "plan.txt");
        (front, meta)
    }

    #[test]
    fn title_over_two_lines_with_period() {
        let (front, m) = meta(
            " 蔡甸区国民经济和社会发展第十四个五年\n规划和二〇三五年远景目标纲要\n（2021—2025）\n\n\n“十四五”时期是我国全面建成小康社会、实现第一个百年奋斗目标之后的第一个五年，本纲要……。\n",
            None,
        );
        assert_eq!(front, 0..3);
        assert_eq!(
            m.title.as_deref(),
            Some("蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要")
        );
        assert_eq!(m.region, "蔡甸区");
        assert_eq!(m.period.as_deref(), Some("2021-2025"));
    }

    #[test]
    fn wrap_spaces_in_title_removed_and_issuer_and_date_read() {
        let (front, m) = meta(
            "\n\n鄂城区国民经济和社会发展第十四个五年 规划和二〇三五远景目标纲要\n\n鄂城区人民政府\n\n2020 年 12 月\n\n目 录\n",
            Some(8),
        );
        assert_eq!(front, 0..7);
        assert_eq!(
            m.title.as_deref(),
            Some("鄂城区国民经济和社会发展第十四个五年规划和二〇三五远景目标纲要")
        );
        assert_eq!(m.region, "鄂城区");
        assert_eq!(m.issuer.as_deref(), Some("鄂城区人民政府"));
        assert_eq!(m.date.as_deref(), Some("2020年12月"));
        assert_eq!(m.period.as_deref(), Some("2021-2025"));
    }

    #[test]
    fn markdown_title_and_region_with_city() {
        let (_, m) = meta(
            "# 武汉市汉阳区国民经济和社会发展第十四 个五年规划和二〇三五年远景目标纲要\n\n# 目 录\n",
            Some(2),
        );
        assert_eq!(m.region, "武汉市汉阳区");
    }

    #[test]
    fn no_title_gives_region_from_file_name() {
        let (front, m) = meta("第一章 总则\n\n正文。\n", None);
        assert_eq!(front, 0..0);
        assert_eq!(m.title, None);
        assert_eq!(m.region, "plan");
        assert_eq!(region_from_file_name("黄陂区十四五规划.txt"), "黄陂区");
        assert_eq!(
            region_from_file_name("dir/wuhan-caidian.txt"),
            "wuhan-caidian"
        );
    }

    #[test]
    fn plan_number_gives_period() {
        assert_eq!(
            period_from_plan_number("第十三个五年规划纲要").as_deref(),
            Some("2016-2020")
        );
        assert_eq!(
            period_from_plan_number("“十四五”规划").as_deref(),
            Some("2021-2025")
        );
        assert_eq!(period_from_plan_number("发展纲要"), None);
    }
}
