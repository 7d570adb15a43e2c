//! Text files: bytes to text in the encoding a plan was saved in.
//!
//! A BOM decides; then valid UTF-8; then UTF-16 recognised by the pattern of its zero bytes;
//! then the legacy encoding chardetng guesses (GB18030 for Chinese). encoding_rs decodes.

use encoding_rs::Encoding;

use super::{Extracted, ReadOptions, Unread};

/// Reads a text file: its lines in the encoding found (or forced).
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<Extracted, Unread> {
    let d = decode(bytes, opts.encoding)?;
    Ok(Extracted {
        lines: split_lines(&d.text),
        encoding: d.encoding,
        replaced: d.replaced,
        ..Extracted::default()
    })
}

/// Decoded text with the encoding used.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    pub replaced: usize,
}

/// Decodes file bytes: a BOM decides; then valid UTF-8; then UTF-16 recognised by the pattern
/// of its zero bytes; then the legacy encoding chardetng guesses (GB18030 for Chinese). A file
/// with zero bytes that is not UTF-16 is binary and refused.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> std::result::Result<Decoded, String> {
    if let Some(enc) = forced {
        let (text, had_errors) = enc.decode_without_bom_handling(strip_bom(bytes, enc));
        return Ok(finish(text.into_owned(), enc.name(), had_errors));
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(finish(text.into_owned(), enc.name(), had_errors));
    }
    if bytes.contains(&0) {
        if let Some(enc) = utf16_without_bom(bytes) {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors {
                return Ok(finish(text.into_owned(), enc.name(), false));
            }
        }
        return Err("binary file (contains NUL bytes)".to_string());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
            replaced: 0,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    // GB18030 decodes everything GBK does, and more.
    let enc = if guess == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        guess
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Ok(finish(text.into_owned(), enc.name(), had_errors))
}

fn strip_bom<'a>(bytes: &'a [u8], enc: &'static Encoding) -> &'a [u8] {
    match Encoding::for_bom(bytes) {
        Some((bom_enc, len)) if bom_enc == enc => &bytes[len..],
        _ => bytes,
    }
}

fn finish(text: String, encoding: &'static str, had_errors: bool) -> Decoded {
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{fffd}').count()
    } else {
        0
    };
    Decoded {
        text,
        encoding,
        replaced,
    }
}

/// UTF-16 without a BOM: ASCII characters (newlines, digits) put their zero byte on one side
/// of each pair, consistently.
pub(crate) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() % 2 != 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 { even += 1 } else { odd += 1 }
        }
    }
    let zeros = even + odd;
    if odd * 10 >= zeros * 9 {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= zeros * 9 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Splits text into lines on `\n`, `\r\n` or a lone `\r`.
pub fn split_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .split('\n')
        .flat_map(|l| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            l.split('\r').map(String::from).collect::<Vec<_>>()
        })
        .collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "第一章 总则\n推进“厕所革命”。\n";

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(PLAN.as_bytes(), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PLAN, "UTF-8"));
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice(PLAN.as_bytes());
        assert_eq!(decode(&bom, None).unwrap().text, PLAN);
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let units: Vec<u16> = PLAN.encode_utf16().collect();
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        let d = decode(&bytes, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PLAN, "UTF-16LE"));
        let mut be = vec![0xfe, 0xff];
        be.extend(units.iter().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode(&be, None).unwrap().text, PLAN);
        // Without a BOM, the zero bytes of newlines and digits give the byte order away.
        let long = "第二章 发展目标 2025\n推进5G网络建设。\n".repeat(10);
        let bare: Vec<u8> = long.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&bare, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (long.as_str(), "UTF-16LE"));
    }

    #[test]
    fn gb18030_without_bom_is_detected() {
        let text = "武汉市汉阳区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要\n第一章 发展基础和发展环境\n".repeat(4);
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn forced_encoding_and_undecodable_bytes() {
        let (bytes, _, _) = encoding_rs::GBK.encode("营商环境");
        let d = decode(&bytes, Some(encoding_rs::GBK)).unwrap();
        assert_eq!(d.text, "营商环境");
        let d = decode(&[0xe8, 0x90, b'\n', 0xff], Some(encoding_rs::UTF_8)).unwrap();
        assert!(d.replaced >= 1);
    }

    #[test]
    fn binary_is_refused() {
        let err = decode(
            &[0x7f, b'E', b'L', b'F', 0, 0, 1, 0, 0xff, 0xfe, 0x00],
            None,
        )
        .unwrap_err();
        assert!(err.contains("binary"));
        assert!(decode(b"abc\0def", None).is_err());
    }

    #[test]
    fn lines_split_on_any_newline() {
        assert_eq!(split_lines("a\r\nb\nc\rd\n"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_lines(""), Vec::<String>::new());
        assert_eq!(split_lines("\n\n"), vec!["", ""]);
    }
}
