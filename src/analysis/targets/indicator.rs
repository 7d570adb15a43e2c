//! One indicator, many wordings: `单位GDP能耗降低(%)`, `单位地区生产总值能源消耗降低`,
//! `单位地区生产总值能耗降低` are the same line of the national indicator system.
//!
//! A name is first normalised — width and case folded, spaces, footnote marks, numbering and
//! a trailing unit in parentheses removed, and the few abbreviations plans use written out
//! (GDP → 地区生产总值, 能耗 → 能源消耗, 研发 → 研究与试验发展) — and then matched against the
//! indicators of the national system the 14th five-year plans share: each is known by the words
//! its name must hold and the words it must not (能源消耗 and 二氧化碳 tell the two intensity
//! targets apart). A name that matches none keys on its normalised wording, so two plans that
//! word a local indicator alike still meet in one row. The catalogue is domain knowledge, like the
//! policy dictionary; it names no plan.

/// A known indicator: its key, its name in the national system, the words a name must hold
/// (every group: one of its words) and the words it must not hold.
struct Known {
    key: &'static str,
    name: &'static str,
    all: &'static [&'static [&'static str]],
    none: &'static [&'static str],
}

const CATALOGUE: &[Known] = &[
    Known {
        key: "gdp_growth",
        name: "地区生产总值增长",
        all: &[&["地区生产总值"], &["增长", "增速"]],
        none: &["单位地区生产总值", "占地区生产总值", "比重", "人均"],
    },
    Known {
        key: "gdp",
        name: "地区生产总值",
        all: &[&["地区生产总值"]],
        none: &[
            "单位地区生产总值",
            "占地区生产总值",
            "比重",
            "增长",
            "增速",
            "人均",
        ],
    },
    Known {
        key: "labour_productivity",
        name: "全员劳动生产率增长",
        all: &[&["全员劳动生产率"]],
        none: &[],
    },
    Known {
        key: "urbanisation",
        name: "常住人口城镇化率",
        all: &[&["城镇化率"]],
        none: &["户籍"],
    },
    Known {
        key: "rd_growth",
        name: "全社会研发经费投入增长",
        all: &[&["研究与试验发展经费"], &["增长", "增速"]],
        none: &["强度"],
    },
    Known {
        key: "rd_intensity",
        name: "研发经费投入强度",
        all: &[&["研究与试验发展经费"], &["强度", "占地区生产总值"]],
        none: &[],
    },
    Known {
        key: "patents",
        name: "每万人口高价值发明专利拥有量",
        all: &[&["高价值发明专利"]],
        none: &[],
    },
    Known {
        key: "digital_economy",
        name: "数字经济核心产业增加值占地区生产总值比重",
        all: &[&["数字经济核心产业"]],
        none: &[],
    },
    Known {
        key: "income_growth",
        name: "居民人均可支配收入增长",
        all: &[&["人均可支配收入"]],
        none: &[],
    },
    Known {
        key: "unemployment_surveyed",
        name: "城镇调查失业率",
        all: &[&["调查失业率"]],
        none: &[],
    },
    Known {
        key: "unemployment_registered",
        name: "城镇登记失业率",
        all: &[&["登记失业率"]],
        none: &[],
    },
    Known {
        key: "schooling",
        name: "劳动年龄人口平均受教育年限",
        all: &[&["受教育年限"]],
        none: &[],
    },
    Known {
        key: "doctors",
        name: "每千人口拥有执业（助理）医师数",
        all: &[&["执业"], &["医师"]],
        none: &[],
    },
    Known {
        key: "pension",
        name: "基本养老保险参保率",
        all: &[&["养老保险参保率"]],
        none: &[],
    },
    Known {
        key: "childcare",
        name: "每千人口拥有3岁以下婴幼儿托位数",
        all: &[&["托位"]],
        none: &[],
    },
    Known {
        key: "life_expectancy",
        name: "人均预期寿命",
        all: &[&["预期寿命"]],
        none: &[],
    },
    Known {
        key: "energy_intensity",
        name: "单位地区生产总值能源消耗降低",
        all: &[&["单位地区生产总值"], &["能源消耗"]],
        none: &["二氧化碳", "碳排放"],
    },
    Known {
        key: "carbon_intensity",
        name: "单位地区生产总值二氧化碳排放降低",
        all: &[&["单位地区生产总值"], &["二氧化碳", "碳排放"]],
        none: &["能源消耗"],
    },
    Known {
        key: "air_quality",
        name: "空气质量优良天数比率",
        all: &[&["优良天数"]],
        none: &[],
    },
    Known {
        key: "water_quality",
        name: "地表水达到或好于Ⅲ类水体比例",
        all: &[&["iii类", "ⅲ类", "三类"]],
        none: &["劣"],
    },
    Known {
        key: "forest_cover",
        name: "森林覆盖率",
        all: &[&["森林覆盖率"]],
        none: &[],
    },
    Known {
        key: "grain_capacity",
        name: "粮食综合生产能力",
        all: &[&["粮食"], &["生产能力"]],
        none: &[],
    },
    Known {
        key: "energy_capacity",
        name: "能源综合生产能力",
        all: &[&["能源综合生产能力"]],
        none: &[],
    },
];

/// Abbreviations written out before matching: (as plans abbreviate, written out).
const WRITTEN_OUT: &[(&str, &str)] = &[
    ("单位gdp", "单位地区生产总值"),
    ("占gdp", "占地区生产总值"),
    ("gdp", "地区生产总值"),
    ("万元地区生产总值", "单位地区生产总值"),
    ("能耗", "能源消耗"),
    ("全社会研发经费", "研究与试验发展经费"),
    ("研发经费", "研究与试验发展经费"),
    ("r&d经费", "研究与试验发展经费"),
];

/// A name without what does not tell indicators apart: folded, no spaces, no footnote marks or
/// leading number, no trailing unit in parentheses; abbreviations written out.
pub fn normalise(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(crate::index::tokenize::fold)
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect();
    // A leading number: `1.`, `12、`.
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && s[digits..].starts_with(['.', '、']) {
        s = s[digits + 1..].to_string();
    }
    if let Some((head, _)) = split_unit(&s) {
        s = head.to_string();
    }
    for (short, long) in WRITTEN_OUT {
        if s.contains(short) && !s.contains(long) {
            s = s.replace(short, long);
        }
    }
    s.replace("或者", "或")
}

/// A name whose last parentheses hold a unit: (the name before them, the unit).
pub fn split_unit(name: &str) -> Option<(&str, &str)> {
    let trimmed = name.trim_end();
    let close = trimmed
        .strip_suffix(')')
        .or_else(|| trimmed.strip_suffix('）'))?;
    let open = close.rfind(['(', '（'])?;
    let inner = &close[open + close[open..].chars().next()?.len_utf8()..];
    // The unit is what comes before a comma: `万吨标煤,不含三峡`.
    let unit = inner.split([',', '，', ';', '；']).next()?.trim();
    is_unit(unit).then_some((name[..open].trim_end(), unit))
}

/// Whether a cell reads as a unit of measure: short, and made of the characters units are
/// written with (`%`, `万元/人`, `亿斤`, `万吨标煤`, `微克/立方米`).
pub fn is_unit(cell: &str) -> bool {
    const UNIT: &str = "%‰元人件年岁个张套斤吨米顷亩天户所家座公里千瓦时标煤次床册项辆台只平方立微克升度小分钟万亿百十/·每家km2³²";
    let cell: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    let n = cell.chars().count();
    (1..=8).contains(&n)
        && cell
            .chars()
            .all(|c| UNIT.contains(c) || c.is_ascii_alphanumeric())
        && !cell.chars().all(|c| c.is_ascii_digit())
}

/// The key and canonical name of an indicator's name.
pub fn identify(name: &str) -> (String, String) {
    let n = normalise(name);
    for k in CATALOGUE {
        let holds = |w: &&str| n.contains(*w);
        if k.all.iter().all(|group| group.iter().any(holds)) && !k.none.iter().any(holds) {
            return (k.key.to_string(), k.name.to_string());
        }
    }
    (format!("other:{n}"), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> String {
        identify(name).0
    }

    #[test]
    fn one_indicator_in_the_wordings_plans_use() {
        for (a, b) in [
            ("单位GDP能耗降低(%)", "单位地区生产总值能源消耗降低"),
            (
                "单位地区生产总值能耗降低",
                "14.单位地区生产总值能源消耗降低(%)",
            ),
            (
                "单位GDP二氧化碳排放降低(%)",
                "单位地区生产总值二氧化碳排放降低",
            ),
            ("地区生产总值GDP增长(%)", "1.地区生产总值增长(%)"),
            ("研发经费投入增长(%)", "全社会研发经费投入增长"),
            (
                "数字经济核心产业增加值占GDP比重(%)",
                "数字经济核心产业增加值占地区生产总值比重",
            ),
            (
                "每千人拥有执业(助理)医师数(人)",
                "每千人口拥有执业（助理）医师数",
            ),
            (
                "地表水达到或者好于III类水体比例(%)",
                "地表水达到或好于Ⅲ类水体比例",
            ),
            ("空气优良天数比例(%)", "空气质量优良天数比率"),
            ("* 人均预期寿命", "人均预期寿命(岁)"),
        ] {
            assert_eq!(key(a), key(b), "{a} / {b}");
            assert!(!key(a).starts_with("other:"), "{a}");
        }
    }

    #[test]
    fn different_indicators_stay_apart() {
        for (a, b) in [
            ("单位GDP能耗降低(%)", "单位GDP二氧化碳排放降低(%)"),
            ("地区生产总值", "地区生产总值增长"),
            ("研发经费投入增长", "研发经费投入强度"),
            ("城镇调查失业率", "城镇登记失业率"),
            ("能源综合生产能力", "粮食综合生产能力"),
        ] {
            assert_ne!(key(a), key(b), "{a} / {b}");
        }
        // A local indicator keys on its wording, the same in two plans.
        assert_eq!(key("建成区绿化覆盖率(%)"), key("建成区 绿化覆盖率"));
        assert_eq!(key("建成区绿化覆盖率"), "other:建成区绿化覆盖率");
    }

    #[test]
    fn units_in_names() {
        assert_eq!(
            split_unit("地区生产总值增长(%)"),
            Some(("地区生产总值增长", "%"))
        );
        assert_eq!(
            split_unit("能源综合生产能力(万吨标煤,不含三峡)"),
            Some(("能源综合生产能力", "万吨标煤"))
        );
        assert_eq!(split_unit("每千人拥有执业(助理)医师数"), None);
        assert!(is_unit("万元/人") && is_unit("亿斤") && is_unit("%"));
        assert!(!is_unit("上产总值用水") && !is_unit("2020") && !is_unit(""));
    }
}
