//! The value of an indicator cell, as plans write them: `8左右`, `>99.4`, `＜6`, `[2.2]`,
//! `3.83*`, `1100 (7.5)`, `4以内`, `7-8`, `—`, `/`, `完成市定目标`, and the damage conversions
//! leave in them (`3. 6`, `<5 <b>.</b> 5`). A cell is kept as written; this reads what it says.
//! The forms are few and fixed, so they are read by hand rather than with a grammar crate.

use serde::Serialize;

/// How a target relates to its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    /// `>`, `＞`, `超过`, `高于`.
    #[serde(rename = ">")]
    Above,
    /// `<`, `＜`, `低于`.
    #[serde(rename = "<")]
    Below,
    /// `≥`, `以上`, `不低于`, `不少于`.
    #[serde(rename = "≥")]
    AtLeast,
    /// `≤`, `以内`, `以下`, `不高于`, `不超过`.
    #[serde(rename = "≤")]
    AtMost,
    /// `左右`, `约`.
    #[serde(rename = "≈")]
    About,
}

/// What a cell says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellValue {
    /// The number, where the cell sets one; for a range (`7-8`) its lower end.
    pub value: Option<f64>,
    /// The upper end of a range.
    pub upper: Option<f64>,
    pub comparator: Option<Comparator>,
    /// Written in brackets, `[…]` or `【…】`: a five-year cumulative figure.
    pub cumulative: bool,
    /// Carries a footnote mark `*`.
    pub footnote: bool,
    /// A second number in parentheses after the first (`1100 (7.5)`: the growth rate).
    pub aside: Option<f64>,
    /// The cell says there is no figure: `—`, `-`, `/`, empty.
    pub none: bool,
    /// A target in words (`完成市定目标`, `与经济增长基本同步`, `达标`), as written.
    pub text: Option<String>,
}

impl CellValue {
    fn empty() -> CellValue {
        CellValue {
            value: None,
            upper: None,
            comparator: None,
            cumulative: false,
            footnote: false,
            aside: None,
            none: false,
            text: None,
        }
    }
}

/// A cell as written, cleaned of what a converter added: inline markup (`<b>`, `</sup>`) and
/// runs of spaces. Characters are otherwise the plan's.
pub fn clean_cell(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('<') {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        // A tag is `<`, an optional `/`, letters, anything up to `>`, all on the line.
        let tag = after[1..]
            .trim_start_matches('/')
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && after.contains('>');
        if tag {
            let end = after.find('>').unwrap_or(0);
            rest = &after[end + 1..];
        } else {
            out.push('<');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    let words: Vec<&str> = out.split_whitespace().collect();
    words.join(" ")
}

/// Full-width forms to ASCII, spaces out: the text a cell's number is read from.
fn compact(cell: &str) -> String {
    cell.chars()
        .map(crate::index::tokenize::fold)
        .map(|c| match c {
            '【' | '〔' => '[',
            '】' | '〕' => ']',
            '—' | '–' | '―' => '-',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Reads a cell.
pub fn parse(cell: &str) -> CellValue {
    let mut v = CellValue::empty();
    let s = compact(&clean_cell(cell));
    if s.is_empty() || s.chars().all(|c| matches!(c, '-' | '/' | '\\' | '—' | '…')) {
        v.none = true;
        return v;
    }
    let mut s = s.as_str();
    if s.contains('*') {
        v.footnote = true;
    }
    let owned: String = s.replace('*', "");
    s = &owned;
    if let Some(inner) = s.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        v.cumulative = true;
        s = inner;
    }
    // Words before and after the number.
    const BEFORE: [(&str, Comparator); 12] = [
        (">=", Comparator::AtLeast),
        ("<=", Comparator::AtMost),
        ("≥", Comparator::AtLeast),
        ("≤", Comparator::AtMost),
        (">", Comparator::Above),
        ("<", Comparator::Below),
        ("超过", Comparator::Above),
        ("高于", Comparator::Above),
        ("低于", Comparator::Below),
        ("不低于", Comparator::AtLeast),
        ("不少于", Comparator::AtLeast),
        ("约", Comparator::About),
    ];
    const AFTER: [(&str, Comparator); 5] = [
        ("左右", Comparator::About),
        ("以上", Comparator::AtLeast),
        ("以内", Comparator::AtMost),
        ("以下", Comparator::AtMost),
        ("内", Comparator::AtMost),
    ];
    let mut body = s;
    for (w, c) in BEFORE {
        if let Some(rest) = body.strip_prefix(w) {
            v.comparator = Some(c);
            body = rest;
            break;
        }
    }
    for (w, c) in [
        ("不高于", Comparator::AtMost),
        ("不超过", Comparator::AtMost),
    ] {
        if let Some(rest) = body.strip_prefix(w) {
            v.comparator = Some(c);
            body = rest;
        }
    }
    let (number, rest) = leading_number(body);
    let Some(number) = number else {
        // Words only: a target stated without a figure.
        v.text = Some(clean_cell(cell));
        return v;
    };
    v.value = Some(number);
    let mut rest = rest;
    for (w, c) in AFTER {
        if let Some(r) = rest.strip_prefix(w) {
            if v.comparator.is_none() {
                v.comparator = Some(c);
            }
            rest = r;
            break;
        }
    }
    if let Some(r) = rest.strip_prefix('%') {
        rest = r;
    }
    if let Some(r) = rest.strip_prefix(['-', '~', '～', '至']) {
        let (upper, r) = leading_number(r);
        if let Some(u) = upper {
            v.upper = Some(u);
            rest = r.strip_prefix('%').unwrap_or(r);
        }
    }
    if let Some(inner) = rest.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        let (aside, r) = leading_number(inner);
        if aside.is_some() && r.trim_end_matches('%').is_empty() {
            v.aside = aside;
            rest = "";
        }
    }
    if !rest.is_empty() {
        // A number followed by words it does not end with: not a figure to compare.
        let mut t = CellValue::empty();
        t.text = Some(clean_cell(cell));
        t.footnote = v.footnote;
        return t;
    }
    v
}

/// A decimal number at the start of `s` (`-1.0`, `41.5`, `.5` not), and what follows it.
fn leading_number(s: &str) -> (Option<f64>, &str) {
    let bytes = s.as_bytes();
    let mut end = 0;
    if bytes.first() == Some(&b'-') {
        end = 1;
    }
    let digits_from = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end == digits_from {
        return (None, s);
    }
    if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    (s[..end].parse().ok(), &s[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(cell: &str) -> (Option<f64>, Option<Comparator>) {
        let v = parse(cell);
        (v.value, v.comparator)
    }

    #[test]
    fn numbers_with_their_comparators() {
        assert_eq!(num("6.5"), (Some(6.5), None));
        assert_eq!(num("-1.0"), (Some(-1.0), None));
        assert_eq!(num(">6.5"), (Some(6.5), Some(Comparator::Above)));
        assert_eq!(num("＞99.4"), (Some(99.4), Some(Comparator::Above)));
        assert_eq!(num("<6"), (Some(6.0), Some(Comparator::Below)));
        assert_eq!(num("≥95"), (Some(95.0), Some(Comparator::AtLeast)));
        assert_eq!(num("8左右"), (Some(8.0), Some(Comparator::About)));
        assert_eq!(num("4以内"), (Some(4.0), Some(Comparator::AtMost)));
        assert_eq!(num("95以上"), (Some(95.0), Some(Comparator::AtLeast)));
        assert_eq!(num(">2500"), (Some(2500.0), Some(Comparator::Above)));
        assert_eq!(num("10%"), (Some(10.0), None));
    }

    #[test]
    fn cumulative_footnotes_ranges_and_asides() {
        let v = parse("[2.2]");
        assert!(v.cumulative && v.value == Some(2.2));
        let v = parse("【17.62%】");
        assert!(v.cumulative && v.value == Some(17.62));
        let v = parse("3.83*");
        assert!(v.footnote && v.value == Some(3.83));
        let v = parse("7-8");
        assert_eq!((v.value, v.upper), (Some(7.0), Some(8.0)));
        let v = parse("1100 (7.5)");
        assert_eq!((v.value, v.aside), (Some(1100.0), Some(7.5)));
    }

    #[test]
    fn no_figure_and_targets_in_words() {
        for none in ["—", "-", "/", "", "  ", "－"] {
            assert!(parse(none).none, "{none:?}");
        }
        for words in [
            "完成市定目标",
            "达标",
            "控制在市下达指标内",
            "与经济增长基本同步",
        ] {
            let v = parse(words);
            assert_eq!(v.text.as_deref(), Some(words));
            assert!(v.value.is_none() && !v.none);
        }
        // A number followed by words is not a figure.
        let v = parse("12个区");
        assert!(v.value.is_none() && v.text.is_some());
    }

    #[test]
    fn damage_inside_a_number_is_read_through() {
        assert_eq!(num("3. 6"), (Some(3.6), None));
        assert_eq!(num("<5 <b>.</b> 5"), (Some(5.5), Some(Comparator::Below)));
        assert_eq!(clean_cell("<5 <b>.</b> 5"), "<5 . 5");
        assert_eq!(clean_cell("区市场监 督局"), "区市场监 督局");
    }
}
