//! Numeric targets in a plan's sentences — 到2025年，数字经济核心产业增加值占地区生产总值比重
//! 达到10% — with what is measured, the value, the unit and the year; and how strongly each is
//! promised, by its strongest verb: 确保 > 力争 > 努力 > 推动 > 探索.
//!
//! A sentence sets a target when a year is introduced as a deadline (到/至/力争到 2025年, or
//! 2025年前) and a clause holds a target verb (达到, 超过, 突破, 控制在, 提高到, 累计…) followed
//! by a number; each such clause is one target, its measure the words before the verb (or, when
//! none, the clause before it). The verbs and markers are a short fixed list, read by hand.

use serde::Serialize;

use super::value::Comparator;

/// How strongly a target is promised, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Strength {
    #[serde(rename = "确保")]
    Ensure,
    #[serde(rename = "力争")]
    Strive,
    #[serde(rename = "努力")]
    Endeavour,
    #[serde(rename = "推动")]
    Promote,
    #[serde(rename = "探索")]
    Explore,
}

impl Strength {
    pub const ALL: [Strength; 5] = [
        Strength::Ensure,
        Strength::Strive,
        Strength::Endeavour,
        Strength::Promote,
        Strength::Explore,
    ];

    /// The class's name, as the JSON and the tables write it.
    pub fn label(self) -> &'static str {
        match self {
            Strength::Ensure => "确保",
            Strength::Strive => "力争",
            Strength::Endeavour => "努力",
            Strength::Promote => "推动",
            Strength::Explore => "探索",
        }
    }

    /// The verbs of the class.
    fn verbs(self) -> &'static [&'static str] {
        match self {
            Strength::Ensure => &["确保", "务必", "必须"],
            Strength::Strive => &["力争", "争取"],
            Strength::Endeavour => &["努力"],
            Strength::Promote => &["推动", "推进", "促进", "加快"],
            Strength::Explore => &["探索", "鼓励", "支持", "引导"],
        }
    }
}

/// The strongest commitment verb of a sentence, if it has one.
pub fn strength(sentence: &str) -> Option<Strength> {
    Strength::ALL
        .into_iter()
        .find(|s| s.verbs().iter().any(|v| sentence.contains(v)))
}

/// One numeric target found in a sentence; offsets are characters of the sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceTarget {
    pub measure: String,
    pub value: f64,
    pub unit: Option<String>,
    pub comparator: Option<Comparator>,
    pub year: u32,
    pub strength: Option<Strength>,
}

/// Verbs that set a figure, longest first so that 提高到 is not read as 提高.
const SETS: &[&str] = &[
    "控制在",
    "保持在",
    "稳定在",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增长到",
    "增加到",
    "降低到",
    "降低至",
    "下降到",
    "下降至",
    "扩大到",
    "不低于",
    "不少于",
    "不超过",
    "达到",
    "超过",
    "突破",
    "降至",
    "增至",
    "累计",
    "年均增长",
    "达",
];

/// The deadline year of a sentence: 到2025年, 至2025年, 2025年前, 2025年底前, or a year that
/// opens a clause (2025年，…; 2025年力争…).
fn deadline(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let y: String = chars[i..i + 4].iter().collect();
        if !(y.starts_with("20") && y.chars().all(|c| c.is_ascii_digit()))
            || chars.get(i + 4) != Some(&'年')
        {
            continue;
        }
        let before = if i > 0 { chars[i - 1] } else { '，' };
        let after: String = chars[i + 5..(i + 8).min(chars.len())].iter().collect();
        if matches!(before, '到' | '至' | '在')
            || after.starts_with('前')
            || after.starts_with("底前")
            || (matches!(before, '，' | '；' | '。')
                && (after.starts_with(['，', '底']) || after.starts_with("力争")))
        {
            return y.parse().ok();
        }
    }
    None
}

/// The number after a verb, its unit and comparator: `10%`, `500亿元以上`, `5.5%以内` (in text
/// [`targets_in`] has folded to ASCII digits and signs).
fn figure(after: &str) -> Option<(f64, Option<String>, Option<Comparator>)> {
    let t = after.trim_start_matches(['约', ' ']);
    let end = t
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(t.len(), |(i, _)| i);
    let value: f64 = t[..end].trim_end_matches('.').parse().ok()?;
    let rest = &t[end..];
    const UNIT: &str =
        "%‰元人件年岁个张套斤吨米顷亩天户所家座公里千瓦时标煤次床册项辆台只平方立万亿百倍";
    let unit: String = rest
        .chars()
        .take_while(|c| UNIT.contains(*c))
        .take(6)
        .collect();
    let rest = &rest[unit.len()..];
    let comparator = if rest.starts_with("以上") {
        Some(Comparator::AtLeast)
    } else if rest.starts_with("以内") || rest.starts_with("以下") {
        Some(Comparator::AtMost)
    } else if rest.starts_with("左右") {
        Some(Comparator::About)
    } else {
        None
    };
    Some((value, (!unit.is_empty()).then_some(unit), comparator))
}

/// The measure of a clause: the words before its verb, without the deadline and the
/// commitment words that open it.
fn measure(before: &str) -> String {
    let mut m = before.trim();
    loop {
        let start = m;
        for w in [
            "力争", "争取", "确保", "努力", "推动", "推进", "加快", "鼓励", "支持", "全市", "全区",
            "全省", "使", "，", "、",
        ] {
            m = m.strip_prefix(w).unwrap_or(m);
        }
        if let Some(at) = m.find('年')
            && m[..at]
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '到' | '至' | '在'))
            && !m[..at].is_empty()
        {
            m = &m[at + '年'.len_utf8()..];
            m = m.strip_prefix("底").unwrap_or(m);
            m = m.strip_prefix("前").unwrap_or(m);
        }
        if m == start {
            break;
        }
    }
    let mut m = m.trim_end_matches(['的', '，', ' ']);
    for w in ["力争", "争取", "确保", "努力", "要", "将"] {
        m = m.strip_suffix(w).unwrap_or(m);
    }
    m.to_string()
}

/// Verbs of doing that open a clause ending in a figure: 建成美丽乡村示范村12个.
const DOES: &[&str] = &[
    "建成", "新建", "建设", "培育", "新增", "打造", "引进", "创建", "改造", "完成", "开展", "实现",
];

/// A figure that ends a clause: (where the number starts, value, unit, comparator).
fn ending_figure(clause: &str) -> Option<(usize, f64, Option<String>, Option<Comparator>)> {
    let t = clause.trim_end_matches(['。', '！', ' ']);
    // The start of the last run of digits (and a decimal point).
    let mut start = None;
    for (i, c) in t.char_indices().rev() {
        if c.is_ascii_digit() || c == '.' {
            start = Some(i);
        } else if start.is_some() {
            break;
        }
    }
    let at = start?;
    let (value, unit, comparator) = figure(&t[at..])?;
    // Nothing may follow the figure but its unit and comparator.
    let tail: String = t[at..]
        .chars()
        .filter(|c| !c.is_ascii_digit() && *c != '.')
        .collect();
    let said = unit.clone().unwrap_or_default().len() + comparator.map_or(0, |_| "以上".len());
    (tail.len() <= said && unit.is_some()).then_some((at, value, unit, comparator))
}

/// The numeric targets a sentence sets.
pub fn targets_in(sentence: &str) -> Vec<SentenceTarget> {
    // Spaces a conversion left out; full-width digits and signs as ASCII.
    let sentence: String = sentence
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | '％' | '．' | '＞' | '＜' => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    let Some(year) = deadline(&sentence) else {
        return Vec::new();
    };
    let strength = strength(&sentence);
    let mut out = Vec::new();
    let mut previous = String::new();
    for clause in sentence.split(['，', ',', '；', ';']) {
        let found = SETS.iter().find_map(|v| {
            clause
                .match_indices(v)
                .find_map(|(at, _)| figure(&clause[at + v.len()..]).map(|f| (at, *v, f)))
        });
        let target = if let Some((at, verb, (value, unit, comparator))) = found {
            let mut m = measure(&clause[..at]);
            if m.is_empty() {
                m = previous.clone();
            }
            let comparator = comparator.or(match verb {
                "超过" | "突破" => Some(Comparator::Above),
                "不低于" | "不少于" => Some(Comparator::AtLeast),
                "不超过" | "控制在" => Some(Comparator::AtMost),
                _ => None,
            });
            Some((m, value, unit, comparator))
        } else if let Some((at, value, unit, comparator)) = ending_figure(clause) {
            // 建成美丽乡村示范村12个: the doing and its object are the measure.
            let m = measure(&clause[..at]);
            DOES.iter()
                .any(|d| m.starts_with(d))
                .then_some((m, value, unit, comparator))
        } else {
            None
        };
        if let Some((m, value, unit, comparator)) = target
            && !m.is_empty()
            && m.chars().count() <= 60
        {
            out.push(SentenceTarget {
                measure: m,
                value,
                unit,
                comparator,
                year,
                strength,
            });
        }
        previous = measure(clause);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_a_verb_and_a_number() {
        let t = targets_in("到2025年，数字经济核心产业增加值占地区生产总值比重达到10%");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].measure, "数字经济核心产业增加值占地区生产总值比重");
        assert_eq!(
            (t[0].value, t[0].unit.as_deref(), t[0].year),
            (10.0, Some("%"), 2025)
        );
        assert_eq!(t[0].strength, None);

        let t =
            targets_in("力争到2025年，全区高新技术企业突破500家，技术合同成交额达到120亿元以上。");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].measure, "高新技术企业");
        assert_eq!(
            (t[0].value, t[0].comparator),
            (500.0, Some(Comparator::Above))
        );
        assert_eq!(t[1].measure, "技术合同成交额");
        assert_eq!(
            (t[1].unit.as_deref(), t[1].comparator),
            (Some("亿元"), Some(Comparator::AtLeast))
        );
        assert_eq!(t[0].strength, Some(Strength::Strive));

        let t = targets_in("确保2025年前城镇调查失业率控制在5.5%以内");
        assert_eq!(t[0].measure, "城镇调查失业率");
        assert_eq!(
            (t[0].value, t[0].comparator),
            (5.5, Some(Comparator::AtMost))
        );
        assert_eq!(t[0].strength, Some(Strength::Ensure));

        // Spaces a conversion left, full-width digits, a figure that ends a clause of doing.
        let t = targets_in("到 2025 年，建成美丽乡村示范村１２个，整治村63个。");
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(
            (t[0].measure.as_str(), t[0].value, t[0].unit.as_deref()),
            ("建成美丽乡村示范村", 12.0, Some("个"))
        );
        let t = targets_in("2025年力争国家级高新技术企业达到70家");
        assert_eq!(
            (t[0].measure.as_str(), t[0].year),
            ("国家级高新技术企业", 2025)
        );
        let t = targets_in("到2025年，汽车工业产值规模力争达到5000亿元");
        assert_eq!(t[0].measure, "汽车工业产值规模");
    }

    #[test]
    fn no_deadline_or_no_figure_is_no_target() {
        // A past year states a result, not a target.
        assert!(targets_in("2020年实现地区生产总值1650亿元，五年年均增长5.6%").is_empty());
        assert!(targets_in("到2025年，基本建成现代化经济体系").is_empty());
        assert!(targets_in("推动数字经济发展，核心产业比重达到10%").is_empty());
    }

    #[test]
    fn the_strongest_verb_decides() {
        assert_eq!(
            strength("推动产业升级，确保完成目标"),
            Some(Strength::Ensure)
        );
        assert_eq!(strength("力争实现突破，推进改革"), Some(Strength::Strive));
        assert_eq!(strength("努力提高收入"), Some(Strength::Endeavour));
        assert_eq!(strength("推进城市更新"), Some(Strength::Promote));
        assert_eq!(strength("鼓励企业探索新模式"), Some(Strength::Explore));
        assert_eq!(strength("地区生产总值达到1万亿元"), None);
        assert!(Strength::Ensure < Strength::Explore);
    }
}
