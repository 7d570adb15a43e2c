//! Indicator tables recovered as rows from the text lines a reader made of a plan, whatever
//! the conversion did to them: cells split by tabs, by markdown pipes or by runs of spaces
//! (aligned by display column); blank cells; a cell wrapped onto the next line; a category
//! cell written once for its rows (or once in the middle of them, or split by a page break);
//! a header repeated after a page break; junk a page break left; notes under the table.
//!
//! A table whose columns the conversion interleaved — names on their own lines and the numbers
//! in a run of lines elsewhere, or a row whose cells hold what another column should — is
//! reported as unreadable with its lines, never read into rows: a wrong number in a row is worse
//! than no row. No crate reads tables out of plain text; this is written here.

use unicode_width::UnicodeWidthStr;

use super::indicator::{is_unit, split_unit};
use super::value::clean_cell;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Category,
    No,
    Name,
    Unit,
    Base,
    Target,
    Growth,
    Attribute,
    Other,
}

/// How a table's cells are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Tabs,
    Pipes,
    Spaces,
}

/// A table's header: each column's role, where it starts (display column), the years.
#[derive(Debug, Clone)]
struct Header {
    roles: Vec<Role>,
    starts: Vec<usize>,
    style: Style,
    base_year: Option<u32>,
    target_year: Option<u32>,
}

/// One indicator row as the table gives it: cells as written (markup and extra spaces out).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableRow {
    /// The 1-based line the row starts on, and the last line its cells reach.
    pub line: u32,
    pub last_line: u32,
    pub category: Option<String>,
    /// Whether the category was written on another row (carried down, or the nearest label of
    /// a merged cell).
    pub category_inferred: bool,
    pub no: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub base: Option<String>,
    pub target: Option<String>,
    pub growth: Option<String>,
    pub attribute: Option<String>,
}

/// A table read into rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub line_start: u32,
    pub line_end: u32,
    pub base_year: Option<u32>,
    pub target_year: Option<u32>,
    pub rows: Vec<TableRow>,
}

/// What was found in a plan's lines.
#[derive(Debug, Clone)]
pub enum Found {
    Table(Table),
    /// An indicator table that cannot be read into rows, with why.
    Unreadable {
        line_start: u32,
        line_end: u32,
        reason: &'static str,
    },
}

/// The cells of a line in a style, each with the display column it starts at.
fn cells(line: &str, style: Style) -> Vec<(usize, String)> {
    match style {
        Style::Tabs => {
            let mut col = 0;
            let mut out = Vec::new();
            for c in line.split('\t') {
                out.push((col, clean_cell(c)));
                col += c.width() + 1;
            }
            while out.last().is_some_and(|c| c.1.is_empty()) {
                out.pop();
            }
            out
        }
        Style::Pipes => {
            let t = line.trim();
            let t = t.strip_prefix('|').unwrap_or(t);
            let t = t.strip_suffix('|').unwrap_or(t);
            let mut col = 0;
            t.split('|')
                .map(|c| {
                    let at = col;
                    col += c.width() + 1;
                    (at, clean_cell(c))
                })
                .collect()
        }
        Style::Spaces => {
            // Runs of two or more spaces (or an ideographic space) separate cells.
            let mut out = Vec::new();
            let mut col = 0;
            let mut cell = String::new();
            let mut cell_start = 0;
            let mut spaces = 0;
            for ch in line.chars() {
                let w = if ch == '\u{3000}' {
                    2
                } else {
                    ch.to_string().width()
                };
                if ch == ' ' || ch == '\u{3000}' {
                    spaces += if ch == ' ' { 1 } else { 2 };
                } else {
                    if spaces >= 2 && !cell.is_empty() {
                        out.push((cell_start, clean_cell(&cell)));
                        cell.clear();
                    } else if spaces == 1 && !cell.is_empty() {
                        cell.push(' ');
                    }
                    if cell.is_empty() {
                        cell_start = col;
                    }
                    spaces = 0;
                    cell.push(ch);
                }
                col += w;
            }
            if !cell.is_empty() {
                out.push((cell_start, clean_cell(&cell)));
            }
            out
        }
    }
}

fn style_of(line: &str) -> Style {
    if line.contains('\t') {
        Style::Tabs
    } else if line.trim_start().starts_with('|') {
        Style::Pipes
    } else {
        Style::Spaces
    }
}

/// A four-digit year in a header cell.
fn year_in(cell: &str) -> Option<u32> {
    let b = cell.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let s = &b[i..i + 4];
        (s[0] == b'2' && s[1] == b'0' && s.iter().all(u8::is_ascii_digit))
            .then(|| cell[i..i + 4].parse().ok())
            .flatten()
    })
}

/// The role a header cell names, if it names one.
fn role_of(cell: &str) -> Option<(Role, Option<(u32, bool)>)> {
    let c: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    if c.is_empty() || c.chars().count() > 16 {
        return None;
    }
    if let Some(y) = year_in(&c) {
        // A year column: a base or target, or a result (完成) of a past plan.
        let done = c.contains("完成");
        return Some((Role::Other, Some((y, done))));
    }
    let role = match c.as_str() {
        "类别" | "类型" | "领域" | "分类" | "指标类别" | "类别领域" => {
            Role::Category
        }
        "序号" | "编号" => Role::No,
        "单位" | "计量单位" => Role::Unit,
        "属性" | "指标属性" | "性质" => Role::Attribute,
        "备注" | "责任单位" | "牵头单位" | "责任部门" => Role::Other,
        _ if c.contains("指标") && c.chars().count() <= 6 && !c.contains("属性") => Role::Name,
        _ if c.contains("增长") || c.contains("增速") || c.contains("累计") => Role::Growth,
        _ => return None,
    };
    Some((role, None))
}

/// Reads a header line: the roles of its cells, if it is an indicator table's header.
fn header(line: &str) -> Option<Header> {
    let style = style_of(line);
    let cs = cells(line, style);
    if cs.len() < 2 {
        return None;
    }
    let mut roles = Vec::new();
    let mut years: Vec<(usize, u32, bool)> = Vec::new();
    let mut named = 0;
    for (k, (_, c)) in cs.iter().enumerate() {
        match role_of(c) {
            Some((r, y)) => {
                named += 1;
                if let Some((y, done)) = y {
                    years.push((k, y, done));
                }
                roles.push(r);
            }
            None if c.is_empty() => roles.push(Role::Other),
            None => return None,
        }
    }
    if !roles.contains(&Role::Name) || named < 2 {
        return None;
    }
    let target = years.iter().filter(|y| !y.2).max_by_key(|y| y.1).copied();
    let base = target.and_then(|t| {
        years
            .iter()
            .filter(|y| y.1 < t.1)
            .min_by_key(|y| y.1)
            .copied()
    });
    if let Some(t) = target {
        roles[t.0] = Role::Target;
    }
    if let Some(b) = base {
        roles[b.0] = Role::Base;
    }
    Some(Header {
        starts: cs.iter().map(|c| c.0).collect(),
        roles,
        style,
        base_year: base.map(|b| b.1),
        target_year: target.map(|t| t.1),
    })
}

/// Whether a line ends a table: a heading, a caption, a note, or a paragraph.
fn ends_table(line: &str, n_cells: usize) -> bool {
    let t = line.trim().trim_start_matches('#').trim();
    let heading = t.starts_with('第')
        && t.chars().take(6).any(|c| matches!(c, '章' | '节' | '篇'))
        && t.chars().nth(1).is_some_and(|c| !c.is_ascii_digit());
    let caption = (t.starts_with('表') || t.starts_with("专栏"))
        && t.chars()
            .nth(if t.starts_with('表') { 1 } else { 2 })
            .is_some_and(|c| c.is_ascii_digit() || c == ' ');
    let note = ["注", "指标注释", "说明", "资料来源", "备注："]
        .iter()
        .any(|w| t.starts_with(w))
        && t.chars().count() < 200;
    let prose = n_cells <= 1 && (t.chars().count() >= 30 || t.ends_with('。'));
    heading || caption || note || prose
}

/// A line a page break leaves inside a table: a page number (`— 12 —`, `-12-`, `第 3 页 共 80
/// 页`) or marks without words or figures (`·-·  T`).
fn furniture(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let words: String = t
        .chars()
        .filter(|c| !matches!(c, '-' | '—' | '–' | '－' | '第' | '页' | '共' | '/' | '·'))
        .collect();
    // A bare number may be a figure torn from its row; a page number is decorated.
    let page_number = !words.is_empty()
        && words != t
        && words.chars().all(|c| c.is_ascii_digit())
        && words.len() <= 4;
    let marks = !line
        .chars()
        .any(|c| has_cjk(&c.to_string()) || c.is_ascii_digit());
    page_number || marks
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A serial number cell: `1`, `12`, `3.`, `（4）`.
fn serial(s: &str) -> bool {
    let t = s.trim_matches(|c: char| matches!(c, '(' | ')' | '（' | '）' | '.' | '、' | ' '));
    !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit())
}

/// A cell that holds only a figure: a number, a dash, a bracketed number.
fn figure_only(s: &str) -> bool {
    let v = super::value::parse(s);
    !s.trim().is_empty() && !has_cjk(s) && (v.value.is_some() || v.none)
}

/// Finds the indicator tables of a plan's lines (1-based line numbers in the results).
pub fn find(lines: &[String]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(h) = header(&lines[i]) else {
            i += 1;
            continue;
        };
        let (f, next) = read_table(lines, i, &h);
        if let Some(f) = f {
            found.push(f);
        }
        i = next.max(i + 1);
    }
    found
}

/// Reads the table whose header is line `at`; returns what it is and the line after it.
fn read_table(lines: &[String], at: usize, h: &Header) -> (Option<Found>, usize) {
    let col = |r: Role| h.roles.iter().position(|&x| x == r);
    let mut rows: Vec<TableRow> = Vec::new();
    // Per row: whether a page break (a repeated header, junk) came just before it.
    let mut after_break: Vec<bool> = Vec::new();
    let mut broke = false;
    let mut figure_lines = 0;
    let mut damaged = false;
    let mut blank = 0;
    let mut end = at;
    let mut i = at + 1;
    while i < lines.len() {
        let line = &lines[i];
        if line.trim().is_empty() {
            blank += 1;
            if blank >= 4 {
                break;
            }
            i += 1;
            continue;
        }
        blank = 0;
        if header(line).is_some() {
            broke = true;
            end = i;
            i += 1;
            continue;
        }
        let style = if h.style == Style::Spaces {
            style_of(line)
        } else {
            h.style
        };
        let style = if style == Style::Tabs && !line.contains('\t') {
            Style::Spaces
        } else {
            style
        };
        let cs = cells(line, style);
        let filled: Vec<&(usize, String)> = cs.iter().filter(|c| !c.1.is_empty()).collect();
        if ends_table(line, filled.len()) {
            break;
        }
        end = i;
        i += 1;
        if furniture(line) {
            broke = true; // what a page break leaves: `— 12 —`, `·-·  T`
            continue;
        }
        if line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t' | '+' | '='))
        {
            continue; // a markdown or ASCII rule under a header
        }
        if filled.iter().all(|c| figure_only(&c.1)) {
            figure_lines += 1;
            continue;
        }
        let mut row = map_cells(&cs, h, style);
        // A row's number may lead its name when there is no number column: `1.地区生产总值`.
        if col(Role::No).is_none()
            && let Some(name) = row[col(Role::Name).unwrap_or(0)].clone()
        {
            let digits = name.chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && name[digits..].starts_with(['.', '、', '．']) {
                let rest = name[digits..].chars().skip(1).collect::<String>();
                row[col(Role::Name).unwrap_or(0)] = Some(rest.trim().to_string());
                row.push(Some(name[..digits].to_string()));
            }
        }
        let get = |r: Role| col(r).and_then(|k| row.get(k).cloned().flatten());
        let no = if col(Role::No).is_some() {
            get(Role::No)
        } else {
            row.get(h.roles.len()).cloned().flatten()
        };
        let name = get(Role::Name);
        let values = [Role::Base, Role::Target, Role::Growth, Role::Attribute]
            .iter()
            .any(|&r| get(r).is_some());
        let new_row = no.as_deref().is_some_and(serial) || (name.is_some() && values);
        if new_row {
            let mut r = TableRow {
                line: i as u32,
                last_line: i as u32,
                category: get(Role::Category),
                no,
                name: name.clone().unwrap_or_default(),
                unit: get(Role::Unit),
                base: get(Role::Base),
                target: get(Role::Target),
                growth: get(Role::Growth),
                attribute: get(Role::Attribute),
                ..TableRow::default()
            };
            if r.unit.is_none()
                && col(Role::Unit).is_none()
                && let Some((_, unit)) = split_unit(&r.name)
            {
                r.unit = Some(unit.to_string());
            }
            // Words in the base column with the later figure columns empty: a cell merged
            // across them (与经济增长基本同步), which states the target.
            if r.target.is_none()
                && r.growth.is_none()
                && r.base
                    .as_deref()
                    .is_some_and(|b| super::value::parse(b).text.is_some())
            {
                r.target = r.base.take();
            }
            damaged |= row_damaged(&r, h);
            rows.push(r);
            after_break.push(broke);
            broke = false;
        } else if let Some(prev) = rows.last_mut() {
            // A cell wrapped onto this line: each piece joins the cell above it.
            for (k, piece) in row.iter().enumerate().take(h.roles.len()) {
                let Some(piece) = piece else { continue };
                let cell = match h.roles[k] {
                    Role::Category => &mut prev.category,
                    Role::Name => {
                        prev.name.push_str(piece);
                        continue;
                    }
                    Role::Unit => &mut prev.unit,
                    Role::Base => &mut prev.base,
                    Role::Target => &mut prev.target,
                    Role::Growth => &mut prev.growth,
                    Role::Attribute => &mut prev.attribute,
                    Role::No | Role::Other => continue,
                };
                cell.get_or_insert_with(String::new).push_str(piece);
            }
            prev.last_line = i as u32;
        }
    }
    let line_start = (at + 1) as u32;
    let line_end = (end + 1) as u32;
    let unreadable = |reason| {
        (
            Some(Found::Unreadable {
                line_start,
                line_end,
                reason,
            }),
            end + 1,
        )
    };
    if h.target_year.is_none() {
        // Not a table of targets (a past plan's results), unless its figures were torn away
        // from its names: then it is a table of targets no one can read.
        if figure_lines >= 3 {
            return unreadable("names and figures on separate lines");
        }
        return (None, end + 1);
    }
    if figure_lines >= 2 {
        return unreadable("names and figures on separate lines");
    }
    if rows.is_empty() {
        return unreadable("no row holds an indicator with its figures");
    }
    let without = rows
        .iter()
        .filter(|r| r.base.is_none() && r.target.is_none() && r.growth.is_none())
        .count();
    if damaged || without * 2 > rows.len() {
        return unreadable("cells stand in the wrong columns");
    }
    assign_categories(&mut rows, &after_break);
    (
        Some(Found::Table(Table {
            line_start,
            line_end,
            base_year: h.base_year,
            target_year: h.target_year,
            rows,
        })),
        end + 1,
    )
}

/// A row's cells by the header's columns (and, past them, a number split from the name).
fn map_cells(cs: &[(usize, String)], h: &Header, style: Style) -> Vec<Option<String>> {
    let n = h.roles.len();
    let mut row: Vec<Option<String>> = vec![None; n];
    let put = |row: &mut Vec<Option<String>>, k: usize, v: &str| {
        if !v.is_empty() && k < n {
            row[k] = Some(v.to_string());
        }
    };
    match style {
        Style::Spaces => {
            // Each cell to the column whose start is nearest, keeping order.
            let mut next = 0;
            for (at, v) in cs {
                if next >= n {
                    break;
                }
                let k = (next..n)
                    .min_by_key(|&k| h.starts[k].abs_diff(*at))
                    .unwrap_or(next);
                put(&mut row, k, v);
                next = k + 1;
            }
        }
        _ => {
            // A row that left out a blank leading category cell.
            let shift = usize::from(
                cs.len() < n
                    && h.roles.first() == Some(&Role::Category)
                    && h.roles.get(1) == Some(&Role::No)
                    && cs.first().is_some_and(|c| serial(&c.1)),
            );
            for (k, (_, v)) in cs.iter().enumerate() {
                put(&mut row, k + shift, v);
            }
        }
    }
    row
}

/// Whether a row's cells stand where they belong: a unit in the unit column, an attribute in
/// the attribute column, a name with words in it, no attribute among the figures.
fn row_damaged(r: &TableRow, h: &Header) -> bool {
    let attribute_word = |s: &str| s.contains("预期性") || s.contains("约束性");
    let unit_ok = !h.roles.contains(&Role::Unit) || r.unit.as_deref().is_none_or(is_unit);
    let attribute_ok = r.attribute.as_deref().is_none_or(attribute_word);
    let figures_ok = [&r.base, &r.target, &r.growth]
        .iter()
        .all(|c| c.as_deref().is_none_or(|c| !attribute_word(c)));
    let name_ok =
        has_cjk(&r.name) && r.name.chars().filter(|c| has_cjk(&c.to_string())).count() >= 2;
    !(unit_ok && attribute_ok && figures_ok && name_ok)
}

/// Categories: each written label, without the spaces a wrapped cell left in it; a label split
/// by a page break joined; blank cells take their label — the one above, or, where labels sit
/// in the middle of merged cells (the first row has none), the nearest one.
fn assign_categories(rows: &mut [TableRow], after_break: &[bool]) {
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let mut labels: Vec<(usize, usize, String)> = Vec::new(); // (first row, last row, label)
    for (k, r) in rows.iter().enumerate() {
        let Some(c) = r.category.as_deref().map(squeeze).filter(|c| !c.is_empty()) else {
            continue;
        };
        match labels.last_mut() {
            // A label split by a page break: its second half starts the next page.
            Some(last)
                if last.1 + 1 == k
                    && after_break[k]
                    && last.2.chars().count() <= 3
                    && c.chars().count() <= 3 =>
            {
                last.1 = k;
                last.2.push_str(&c);
            }
            _ => labels.push((k, k, c)),
        }
    }
    if labels.is_empty() {
        return;
    }
    let centred = labels[0].0 > 0;
    for (k, r) in rows.iter_mut().enumerate() {
        let own = labels.iter().find(|l| l.0 <= k && k <= l.1);
        let label = match own {
            Some(l) => {
                r.category_inferred = false;
                l.2.clone()
            }
            None if centred => {
                r.category_inferred = true;
                let dist = |l: &&(usize, usize, String)| {
                    if k < l.0 { l.0 - k } else { k - l.1 }
                };
                labels
                    .iter()
                    .min_by_key(|l| dist(l))
                    .map(|l| l.2.clone())
                    .unwrap_or_default()
            }
            None => {
                r.category_inferred = true;
                labels
                    .iter()
                    .rev()
                    .find(|l| l.1 < k)
                    .map(|l| l.2.clone())
                    .unwrap_or_default()
            }
        };
        r.category = (!label.is_empty()).then_some(label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    fn table(text: &str) -> Table {
        match find(&lines(text)).into_iter().next() {
            Some(Found::Table(t)) => t,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_roles_and_years() {
        let h = header("类别\t序号\t指标名称\t单位\t2020年\t2025年\t年均增长[累计]\t属性").unwrap();
        assert_eq!(
            h.roles,
            [
                Role::Category,
                Role::No,
                Role::Name,
                Role::Unit,
                Role::Base,
                Role::Target,
                Role::Growth,
                Role::Attribute
            ]
        );
        assert_eq!((h.base_year, h.target_year), (Some(2020), Some(2025)));
        // A past plan's results table has no target column.
        let h = header("类别\t指标名称\t单位\t2015年完成值\t2020年预计完成值").unwrap();
        assert_eq!(h.target_year, None);
        assert!(header("这是一段\t普通的文字").is_none());
    }

    #[test]
    fn blank_cells_and_leading_tabs() {
        let t = table(
            "类别\t序号\t指标名称\t单位\t2020年\t2025年\t属性\n\
             经济发展\t1\t地区生产总值增长\t%\t-1.0\t/\t预期性\n\
             \t2\t全员劳动生产率\t万元/人\t\t完成市定目标\t预期性\n",
        );
        assert_eq!(t.rows.len(), 2);
        let r = &t.rows[1];
        assert_eq!(r.category.as_deref(), Some("经济发展"));
        assert!(r.category_inferred);
        assert_eq!(
            (r.base.as_deref(), r.target.as_deref()),
            (None, Some("完成市定目标"))
        );
        assert_eq!(r.unit.as_deref(), Some("万元/人"));
    }
}
