//! `targets`: indicator tables read into rows from the layouts conversions leave, the
//! indicator × plan matrix, numeric targets in sentences and how strongly they are promised.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::util::{Server, plansearch, workspace};

/// The table every variant writes: category (blank below the first of its group), number,
/// name, unit, base, target, growth, attribute.
const TRUTH: [[&str; 8]; 8] = [
    [
        "经济发展",
        "1",
        "地区生产总值增长",
        "%",
        "—",
        "—",
        "6.5左右",
        "预期性",
    ],
    [
        "",
        "2",
        "全员劳动生产率",
        "万元/人",
        "12.5",
        ">16",
        "—",
        "预期性",
    ],
    [
        "",
        "3",
        "常住人口城镇化率",
        "%",
        "61.2",
        "65",
        "[3.8]",
        "预期性",
    ],
    [
        "创新驱动",
        "4",
        "每万人口高价值发明专利拥有量",
        "件",
        "3.83*",
        "8",
        "—",
        "预期性",
    ],
    [
        "",
        "5",
        "数字经济核心产业增加值占地区生产总值比重",
        "%",
        "—",
        "10以上",
        "—",
        "预期性",
    ],
    [
        "绿色生态",
        "6",
        "单位地区生产总值能源消耗降低",
        "%",
        "—",
        "完成上级下达目标",
        "—",
        "约束性",
    ],
    [
        "",
        "7",
        "单位地区生产总值二氧化碳排放降低",
        "%",
        "—",
        "完成上级下达目标",
        "—",
        "约束性",
    ],
    [
        "",
        "8",
        "空气质量优良天数比率",
        "%",
        "86.5",
        "≥88",
        "—",
        "约束性",
    ],
];

const HEADER: [&str; 8] = [
    "类别",
    "序号",
    "指标名称",
    "单位",
    "2020年",
    "2025年",
    "年均增长[累计]",
    "属性",
];

/// A plan around a table: a chapter and a section, a caption, the table, a note, more text.
fn plan(region: &str, table: &str) -> String {
    format!(
        "{region}国民经济和社会发展第十四个五年规划纲要\n\n第一章 发展目标\n\n第一节 主要指标\n\n\
         “十四五”时期经济社会发展主要指标\n\n{table}\n注：[]内为五年累计数。\n\n\
         第二章 产业发展\n\n第一节 先进制造\n\n推动制造业高质量发展，建设现代产业体系。\n"
    )
}

fn tabs(rows: &[[&str; 8]]) -> String {
    let mut out = HEADER.join("\t") + "\n";
    for r in rows {
        out += &(r.join("\t") + "\n");
    }
    out
}

fn spaces() -> String {
    let widths: Vec<usize> = (0..8)
        .map(|k| {
            TRUTH
                .iter()
                .map(|r| r[k].width())
                .chain([HEADER[k].width()])
                .max()
                .unwrap()
                + 3
        })
        .collect();
    let line = |cells: &[&str]| -> String {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate() {
            s += c;
            s += &" ".repeat(widths[k] - c.width());
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&HEADER);
    for r in &TRUTH {
        out += &line(r);
    }
    out
}

fn pipes() -> String {
    let line = |cells: &[&str]| format!("| {} |\n", cells.join(" | "));
    let mut out = line(&HEADER);
    out += &format!("|{}\n", "---|".repeat(8));
    for r in &TRUTH {
        out += &line(r);
    }
    out
}

/// The fifth name wrapped: its tail on the next line, in the name column.
fn wrapped() -> String {
    let mut out = HEADER.join("\t") + "\n";
    for r in &TRUTH {
        if r[1] == "5" {
            let mut head = *r;
            head[2] = "数字经济核心产业增加值占";
            out += &(head.join("\t") + "\n");
            out += "\t\t地区生产总值比重\t\t\t\t\t\n";
        } else {
            out += &(r.join("\t") + "\n");
        }
    }
    out
}

/// A page break after the fourth row: blank lines, a page number, the header again.
fn page_break() -> String {
    let mut out = tabs(&TRUTH[..4]);
    out += "\n\n— 12 —\n\n";
    out += &tabs(&TRUTH[4..]);
    out
}

/// No number column: numbers lead the names, units in the names' parentheses.
fn numbered_names() -> String {
    let header = [
        "类别",
        "指标名称",
        "2020年",
        "2025年",
        "年均增长[累计]",
        "属性",
    ];
    let mut out = header.join("\t") + "\n";
    for r in &TRUTH {
        let name = format!("{}.{}({})", r[1], r[2], r[3]);
        out += &([r[0], &name, r[4], r[5], r[6], r[7]].join("\t") + "\n");
    }
    out
}

/// Names and figures torn apart: each name with its unit, then the figures in a run.
fn interleaved() -> String {
    let mut out = HEADER.join("\t") + "\n";
    for r in &TRUTH {
        out += &([r[0], r[1], r[2], r[3]].join("\t") + "\n");
    }
    for k in 4..8 {
        for r in &TRUTH {
            out += &(r[k].to_string() + "\n");
        }
    }
    out
}

fn rows_of<'a>(v: &'a Value, file: &str) -> Vec<&'a Value> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["file"] == file)
        .collect()
}

#[test]
fn tables_in_every_layout_a_conversion_leaves_give_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("corpus");
    std::fs::create_dir(&c).unwrap();
    let variants = [
        ("tabs.txt", tabs(&TRUTH)),
        ("spaces.txt", spaces()),
        ("pipes.txt", pipes()),
        ("wrapped.txt", wrapped()),
        ("page-break.txt", page_break()),
        ("numbered.txt", numbered_names()),
        ("interleaved.txt", interleaved()),
    ];
    for (k, (name, table)) in variants.iter().enumerate() {
        std::fs::write(c.join(name), plan(&format!("第{k}区"), table)).unwrap();
    }
    let run = plansearch(dir.path(), &["targets", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    for (name, table) in &variants[..6] {
        let text = std::fs::read_to_string(c.join(name)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let rows = rows_of(&v, name);
        assert_eq!(rows.len(), TRUTH.len(), "{name}:\n{table}");
        let mut category = "";
        for (r, t) in rows.iter().zip(TRUTH.iter()) {
            if !t[0].is_empty() {
                category = t[0];
            }
            let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
            assert_eq!(s("category"), category, "{name} {r}");
            assert_eq!(r["category_inferred"], t[0].is_empty(), "{name} {r}");
            assert_eq!(s("no"), t[1], "{name} {r}");
            if *name == "numbered.txt" {
                assert_eq!(s("name"), format!("{}({})", t[2], t[3]), "{name}");
            } else {
                assert_eq!(s("name"), t[2], "{name}");
            }
            assert_eq!(s("unit"), t[3], "{name} {r}");
            let blank = |x: &str| {
                if x.is_empty() {
                    String::new()
                } else {
                    x.to_string()
                }
            };
            assert_eq!(
                (s("base"), s("target"), s("growth")),
                (blank(t[4]), blank(t[5]), blank(t[6])),
                "{name}"
            );
            assert_eq!(s("attribute"), t[7], "{name}");
            assert_eq!(r["base_year"], 2020);
            assert_eq!(r["target_year"], 2025);
            // The row's line is the real line: it holds the start of the name.
            let line = lines[r["line"].as_u64().unwrap() as usize - 1];
            assert!(
                line.contains(&t[2][..6]),
                "{name}: line {} is {line:?}",
                r["line"]
            );
            assert_eq!(r["chapter"]["no"], 1, "{name}");
        }
        // Parsed figures.
        let by_no = |n: &str| rows.iter().find(|r| r["no"] == n).unwrap();
        assert_eq!(by_no("2")["target_value"], 16.0);
        assert_eq!(by_no("2")["comparator"], ">");
        assert_eq!(by_no("2")["base_value"], 12.5);
        assert_eq!(by_no("4")["base_value"], 3.83);
        assert_eq!(by_no("5")["comparator"], "≥");
        assert_eq!(by_no("6")["target_text"], "完成上级下达目标");
        assert!(by_no("6")["target_value"].is_null());
        assert_eq!(by_no("8")["comparator"], "≥");
        assert_eq!(by_no("3")["target_value"], 65.0);
        // The note under the table is no row, and the next chapter's text is no row.
        assert!(
            rows.iter()
                .all(|r| !r["name"].as_str().unwrap().contains("注"))
        );
    }
    // Torn apart: reported with its lines, and no row from it.
    assert!(rows_of(&v, "interleaved.txt").is_empty());
    let unreadable: Vec<&Value> = v["unreadable"].as_array().unwrap().iter().collect();
    assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    assert_eq!(unreadable[0]["file"], "interleaved.txt");
    let text = std::fs::read_to_string(c.join("interleaved.txt")).unwrap();
    let header_line = text.lines().position(|l| l.starts_with("类别")).unwrap() as u64 + 1;
    assert_eq!(unreadable[0]["line_start"], header_line);
    assert!(unreadable[0]["line_end"].as_u64().unwrap() >= header_line + 8 + 32 - 1);
    // One indicator per national line across the six readable plans, intensity targets apart.
    let matrix = v["matrix"].as_array().unwrap();
    let line = |key: &str| matrix.iter().find(|m| m["key"] == key).unwrap();
    for key in [
        "energy_intensity",
        "carbon_intensity",
        "patents",
        "gdp_growth",
    ] {
        let filled = line(key)["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !c.is_null())
            .count();
        assert_eq!(filled, 6, "{key}");
    }
    assert_eq!(matrix.len(), TRUTH.len());
}

#[test]
fn the_bundled_plans_tables_are_read_cell_for_cell() {
    let dir = workspace();
    let run = plansearch(dir.path(), &["targets", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let squeeze = |s: &str| -> String {
        plansearch::analysis::targets::value::clean_cell(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let rows = v["rows"].as_array().unwrap();
    for r in rows {
        let file = r["file"].as_str().unwrap();
        let text = std::fs::read_to_string(dir.path().join("corpus").join(file)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let (a, b) = (
            r["line"].as_u64().unwrap() as usize,
            r["line_end"].as_u64().unwrap() as usize,
        );
        let cells: Vec<String> = lines[a - 1..b]
            .iter()
            .flat_map(|l| l.split('\t'))
            .map(squeeze)
            .collect();
        let joined = cells.concat();
        // Every cell stands in the file's row as written (a wrapped cell joined).
        for key in ["no", "unit", "base", "target", "growth", "attribute"] {
            if let Some(x) = r[key].as_str() {
                let x = squeeze(x);
                assert!(
                    cells.contains(&x) || joined.contains(&x),
                    "{file}:{a} {key} {x:?} not in {cells:?}"
                );
            }
        }
        let name = squeeze(r["name"].as_str().unwrap());
        assert!(joined.contains(&name), "{file}:{a} name {name:?}");
        if r["category_inferred"] == false {
            // Written in this row: the whole label, or the half of one a page break split.
            let category = squeeze(r["category"].as_str().unwrap());
            assert!(
                cells.iter().any(|c| !c.is_empty()
                    && (category.starts_with(c.as_str()) || category.ends_with(c.as_str()))),
                "{file}:{a} category {category:?} not in {cells:?}"
            );
        }
    }
    let count = |f: &str| rows.iter().filter(|r| r["file"] == f).count();
    assert_eq!(count("ezhou-echeng.txt"), 19);
    assert_eq!(count("hubei.txt"), 20);
    assert_eq!(count("wuhan-hanyang.txt"), 18);
    assert_eq!(count("wuhan-jingkai.txt"), 20);
    // 蔡甸区's table came out with its columns torn apart: unreadable, with its place.
    assert_eq!(count("wuhan-caidian.txt"), 0);
    let u = v["unreadable"].as_array().unwrap();
    assert_eq!(u.len(), 1);
    assert_eq!(u[0]["file"], "wuhan-caidian.txt");
    // Across plans: life expectancy in the four readable plans, as each writes it.
    let matrix = v["matrix"].as_array().unwrap();
    let life = matrix
        .iter()
        .find(|m| m["key"] == "life_expectancy")
        .unwrap();
    let targets: Vec<&str> = life["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["target"].as_str())
        .collect();
    assert_eq!(targets, ["78.5", "78.5", "82. 4", "82.4"]);
    let values: Vec<f64> = life["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["target_value"].as_f64())
        .collect();
    assert_eq!(values, [78.5, 78.5, 82.4, 82.4]);
    // The text targets of the plans, each with its year and a strength class or none.
    let texts = v["text_targets"].as_array().unwrap();
    assert!(texts.len() > 30);
    assert!(texts.iter().all(|t| t["year"].as_u64().unwrap() >= 2021));
}

#[test]
fn numeric_sentences_and_commitment_strength_per_plan() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("corpus");
    std::fs::create_dir(&c).unwrap();
    let body = |region: &str, sentences: &[&str]| {
        format!(
            "{region}国民经济和社会发展第十四个五年规划纲要\n\n第一章 数字经济\n\n第一节 产业\n\n{}\n",
            sentences.join("\n\n")
        )
    };
    std::fs::write(
        c.join("a.txt"),
        body(
            "甲区",
            &[
                "到2025年，确保数字经济核心产业增加值占地区生产总值比重达到10%。",
                "力争到2025年，全区高新技术企业突破500家，技术合同成交额达到120亿元以上。",
                "2020年全区地区生产总值达到1650亿元。",
            ],
        ),
    )
    .unwrap();
    std::fs::write(
        c.join("b.txt"),
        body(
            "乙区",
            &[
                "到 2025 年，推动城镇调查失业率控制在 5.5%以内。",
                "鼓励企业探索数字化转型。",
            ],
        ),
    )
    .unwrap();
    let run = plansearch(dir.path(), &["targets", "--text", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let t = v["text_targets"].as_array().unwrap();
    let got: Vec<(&str, &str, f64, &str, &str)> = t
        .iter()
        .map(|x| {
            (
                x["file"].as_str().unwrap(),
                x["measure"].as_str().unwrap(),
                x["value"].as_f64().unwrap(),
                x["unit"].as_str().unwrap_or(""),
                x["strength"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "a.txt",
                "数字经济核心产业增加值占地区生产总值比重",
                10.0,
                "%",
                "确保"
            ),
            ("a.txt", "高新技术企业", 500.0, "家", "力争"),
            ("a.txt", "技术合同成交额", 120.0, "亿元", "力争"),
            ("b.txt", "城镇调查失业率", 5.5, "%", "推动"),
        ]
    );
    assert!(t.iter().all(|x| x["year"] == 2025));
    // Each at its line.
    let a = std::fs::read_to_string(c.join("a.txt")).unwrap();
    let line = t[1]["line"].as_u64().unwrap() as usize;
    assert!(
        a.lines()
            .nth(line - 1)
            .unwrap()
            .contains("高新技术企业突破500家")
    );
    let csv = plansearch(dir.path(), &["targets", "--csv", "--table", "strength"]);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines[0], "file,region,确保,力争,努力,推动,探索,none");
    let counts = |l: &str| l.split(',').skip(2).collect::<Vec<_>>().join(",");
    assert!(lines[1].starts_with("a.txt,") && lines[2].starts_with("b.txt,"));
    assert_eq!(counts(lines[1]), "1,2,0,0,0,0");
    assert_eq!(counts(lines[2]), "0,0,0,1,0,0");
    // compare on a theme: the sentences using it, by their strongest verb, once each.
    let run = plansearch(
        dir.path(),
        &["compare", "数字", "--csv", "--table", "strength"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(rows[0], "query,region,file,确保,力争,努力,推动,探索,none");
    let of = |f: &str| {
        let l = rows.iter().find(|l| l.contains(&format!(",{f},"))).unwrap();
        l.split(',').skip(3).collect::<Vec<_>>().join(",")
    };
    assert_eq!(of("a.txt"), "1,0,0,0,0,0");
    assert_eq!(of("b.txt"), "0,0,0,0,1,0");
    let json = plansearch(dir.path(), &["compare", "数字", "--strength", "--json"]);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let a = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "a.txt")
        .unwrap();
    assert_eq!(a["strength"]["确保"], 1);
    assert_eq!(a["strength"]["none"], 0);
}

#[test]
fn targets_has_a_page_and_api_twins_and_filters_by_indicator() {
    let dir = workspace();
    let cli = plansearch(dir.path(), &["targets", "--indicator", "能耗", "--json"]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let v: Value = serde_json::from_str(&cli.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    // 能耗 is 能源消耗: one line, four plans, and never the carbon intensity line.
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows.iter().all(|r| r["key"] == "energy_intensity"));
    let server = Server::start(dir.path(), &[]);
    let api = server
        .get(&format!(
            "/api/targets?indicator={}",
            crate::util::enc("能耗")
        ))
        .json();
    assert_eq!(api["rows"], v["rows"]);
    assert_eq!(api["matrix"], v["matrix"]);
    let page = server.get("/targets").text();
    assert!(page.contains("人均预期寿命") && page.contains("/doc/") && page.contains("#p"));
    assert!(
        page.contains("wuhan-caidian.txt"),
        "the unreadable table is named"
    );
    let csv = server.get("/targets.csv?table=matrix");
    assert_eq!(&csv.body[..3], b"\xEF\xBB\xBF");
    let csv_cli = plansearch(dir.path(), &["targets", "--csv", "--table", "matrix"]);
    assert_eq!(&csv.body[3..], csv_cli.stdout.as_bytes());
    // Bad input: a plan that is not there is a one-line error, exit 2.
    let bad = plansearch(dir.path(), &["targets", "no-such-plan.txt"]);
    assert_eq!(bad.code, 2);
    assert_eq!(bad.stderr.trim().lines().count(), 1, "{}", bad.stderr);
}
