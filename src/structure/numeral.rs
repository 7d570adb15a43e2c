//! Chinese and Arabic numerals as they appear in heading labels (第十二章, （三）, 二十一、, 12.).
//!
//! Plans number their chapters with Chinese numerals of any size, sometimes with Arabic or
//! full-width digits; OCR turns some of those glyphs into look-alikes (ハ for 八, — for 一).
//! [`parse`] reads a clean numeral; [`parse_ocr`] also accepts the look-alikes, and callers use
//! it only where the heading sequence confirms the reading.

/// Parses a Chinese numeral (一 … 九千九百九十九万…, 〇/零, 两, 壹贰叁) or a run of Arabic /
/// full-width digits into its value. Returns `None` for anything else, including an empty string.
pub fn parse(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.chars()
        .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return s.chars().try_fold(0u32, |acc, c| {
            let d = if c.is_ascii_digit() {
                c as u32 - '0' as u32
            } else {
                c as u32 - '０' as u32
            };
            acc.checked_mul(10)?.checked_add(d)
        });
    }
    parse_chinese(s)
}

fn digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

fn parse_chinese(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    // Digit-by-digit form without units (二〇三五, 二〇二一) reads positionally; two bare digits
    // (三四) are a range or a typo, not a number.
    let positional = chars.len() > 2 || chars.iter().any(|&c| digit(c) == Some(0));
    if positional && chars.len() > 1 && chars.iter().all(|&c| digit(c).is_some()) {
        return chars
            .iter()
            .try_fold(0u32, |acc, &c| acc.checked_mul(10)?.checked_add(digit(c)?));
    }
    let mut total: u32 = 0; // completed 万 groups
    let mut section: u32 = 0; // value below 万
    let mut pending: Option<u32> = None; // a digit waiting for its unit
    for &c in &chars {
        if let Some(d) = digit(c) {
            if pending.is_some_and(|p| p != 0) {
                return None; // two digits in a row, e.g. 三四
            }
            pending = Some(d); // 零 only holds a place: 一百零五
        } else if let Some(u) = unit(c) {
            // 十 alone means 10; "零" before a unit is meaningless.
            let d = match pending.take() {
                Some(0) => return None,
                Some(d) => d,
                None => 1,
            };
            section = section.checked_add(d.checked_mul(u)?)?;
        } else if c == '万' {
            let v = section.checked_add(pending.take().unwrap_or(0))?;
            total = total.checked_add(v.max(1).checked_mul(10_000)?)?;
            section = 0;
        } else {
            return None;
        }
    }
    let v = total
        .checked_add(section)?
        .checked_add(pending.unwrap_or(0))?;
    Some(v)
}

/// Glyphs that OCR produces in place of Chinese numerals, with the numeral they stand for.
/// Kept apart from [`parse`]: a look-alike is only trusted where the heading sequence agrees.
fn ocr_lookalike(c: char) -> Option<char> {
    Some(match c {
        'ハ' => '八', // katakana ha
        '—' | '-' | '_' | '─' | '‐' | '－' | 'ー' | '–' => '一',
        '=' | '＝' | 'ニ' => '二', // ニ: katakana ni
        'Ξ' | '上' => '三',
        'ロ' | '口' => '四', // ロ: katakana ro
        _ => return None,
    })
}

/// Like [`parse`], but also reads OCR look-alikes (ハ → 八, — → 一, = → 二, Ξ → 三).
/// Returns the value and whether a look-alike was needed.
pub fn parse_ocr(s: &str) -> Option<(u32, bool)> {
    if let Some(v) = parse(s) {
        return Some((v, false));
    }
    let fixed: String = s
        .chars()
        .map(|c| {
            if digit(c).is_some() || unit(c).is_some() {
                Some(c)
            } else {
                ocr_lookalike(c)
            }
        })
        .collect::<Option<String>>()?;
    parse(&fixed).map(|v| (v, true))
}

/// Writes `n` as a Chinese numeral the way plans write heading numbers (十二, 二十, 一百零五).
pub fn to_chinese(n: u32) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n == 0 {
        return "〇".to_string();
    }
    if n < 10 {
        return DIGITS[n as usize].to_string();
    }
    if n < 20 {
        let mut s = "十".to_string();
        if n % 10 != 0 {
            s.push(DIGITS[(n % 10) as usize]);
        }
        return s;
    }
    let mut out = String::new();
    let units = [(1000, '千'), (100, '百'), (10, '十')];
    let mut rest = n % 10_000;
    if n >= 10_000 {
        out.push_str(&to_chinese(n / 10_000));
        out.push('万');
        if rest > 0 && rest < 1000 {
            out.push('〇');
        }
    }
    let mut zero_pending = false;
    for (value, name) in units {
        let d = rest / value;
        rest %= value;
        if d > 0 {
            if zero_pending {
                out.push('〇');
                zero_pending = false;
            }
            out.push(DIGITS[d as usize]);
            out.push(name);
        } else if !out.is_empty() {
            zero_pending = true;
        }
    }
    if rest > 0 {
        if zero_pending {
            out.push('〇');
        }
        out.push(DIGITS[rest as usize]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_teen_numerals() {
        assert_eq!(parse("一"), Some(1));
        assert_eq!(parse("十"), Some(10));
        assert_eq!(parse("十一"), Some(11));
        assert_eq!(parse("十九"), Some(19));
        assert_eq!(parse("二十"), Some(20));
        assert_eq!(parse("二十一"), Some(21));
        assert_eq!(parse("两"), Some(2));
    }

    #[test]
    fn large_numerals_of_any_size() {
        assert_eq!(parse("一百"), Some(100));
        assert_eq!(parse("一百零五"), Some(105));
        assert_eq!(parse("一百一十二"), Some(112));
        assert_eq!(parse("三千零二十"), Some(3020));
        assert_eq!(parse("一万二千"), Some(12000));
        assert_eq!(parse("壹佰贰拾叁"), Some(123));
    }

    #[test]
    fn positional_and_arabic_numerals() {
        assert_eq!(parse("二〇三五"), Some(2035));
        assert_eq!(parse("12"), Some(12));
        assert_eq!(parse("１２"), Some(12));
        assert_eq!(parse("0"), Some(0));
    }

    #[test]
    fn rejects_non_numerals() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("章"), None);
        assert_eq!(parse("三四"), None);
        assert_eq!(parse("ハ"), None);
        assert_eq!(parse("99999999999"), None);
    }

    #[test]
    fn ocr_lookalikes_are_read_only_by_parse_ocr() {
        assert_eq!(parse_ocr("ハ"), Some((8, true)));
        assert_eq!(parse_ocr("—"), Some((1, true)));
        assert_eq!(parse_ocr("="), Some((2, true)));
        assert_eq!(parse_ocr("Ξ"), Some((3, true)));
        assert_eq!(parse_ocr("十ハ"), Some((18, true)));
        assert_eq!(parse_ocr("八"), Some((8, false)));
        assert_eq!(parse_ocr("x"), None);
    }

    #[test]
    fn chinese_round_trip() {
        for n in [
            1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 105, 110, 999, 1000, 1001, 3020, 12000,
        ] {
            assert_eq!(parse(&to_chinese(n)), Some(n), "{n} -> {}", to_chinese(n));
        }
        assert_eq!(to_chinese(12), "十二");
        assert_eq!(to_chinese(105), "一百〇五");
    }
}
