//! What a file is, from its bytes: the magic numbers of PDF, zip (a `.docx` is a zip holding
//! `word/document.xml`), OLE2 (legacy `.doc`, `.wps`), images and archives; markup for HTML.
//! Names decide only among text files: a `.txt` or `.md` is a plan's text, a `.py` is not.

use std::path::Path;

use serde::Serialize;

/// A format plansearch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Pdf,
    Docx,
    Html,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Html => "html",
        }
    }
}

/// What to tell a user about a file plansearch does not read.
const FORMATS: &str = "plansearch reads PDF, Word .docx, web pages and text (.txt, .md)";

/// The format of a file, or why it is not a plan plansearch can read.
pub fn sniff(path: &Path, bytes: &[u8]) -> Result<Format, String> {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(format!(
            "a legacy Office or WPS document (.doc, .wps, .xls …), which plansearch does not read: save it as .docx or PDF"
        ));
    }
    if let Some(kind) = image(bytes) {
        return Err(format!(
            "an image ({kind}): its text needs OCR first; {FORMATS}"
        ));
    }
    if let Some(kind) = archive(bytes) {
        return Err(format!("{kind}: unpack it into the folder; {FORMATS}"));
    }
    if looks_like_html(bytes) {
        return Ok(Format::Html);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let text_name = ext
        .as_deref()
        .is_none_or(|e| matches!(e, "txt" | "md" | "text" | "markdown"));
    if bytes.contains(&0) && super::text::utf16_without_bom(bytes).is_none() && !has_bom(bytes) {
        return Err("binary file (contains NUL bytes)".to_string());
    }
    if text_name {
        Ok(Format::Text)
    } else {
        Err(format!(
            "not a plan format (.{}): {FORMATS}",
            ext.unwrap_or_default()
        ))
    }
}

fn has_bom(bytes: &[u8]) -> bool {
    encoding_rs::Encoding::for_bom(bytes).is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A zip: a Word document, or what else it is.
fn zip_kind(bytes: &[u8]) -> Result<Format, String> {
    match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => {
            let names: Vec<&str> = z.file_names().collect();
            let has = |p: &str| names.iter().any(|n| n.starts_with(p));
            if has("word/document.xml") {
                Ok(Format::Docx)
            } else if has("xl/") {
                Err(format!("an Excel workbook, not a plan; {FORMATS}"))
            } else if has("ppt/") {
                Err(format!("a PowerPoint presentation, not a plan; {FORMATS}"))
            } else if has("mimetype") && find(bytes, b"opendocument.text").is_some() {
                Err("an OpenDocument text (.odt), which plansearch does not read: save it as .docx or PDF".into())
            } else {
                Err(format!(
                    "a zip archive: unpack it into the folder; {FORMATS}"
                ))
            }
        }
        // A zip whose directory is gone: its first entry's name says whether it was a .docx.
        Err(e) => {
            let head = &bytes[..bytes.len().min(4096)];
            if find(head, b"word/").is_some() || find(head, b"[Content_Types].xml").is_some() {
                Err(format!(
                    "a damaged or truncated Word document (.docx): its zip is unreadable ({e})"
                ))
            } else {
                Err(format!("a damaged zip archive ({e})"))
            }
        }
    }
}

fn image(b: &[u8]) -> Option<&'static str> {
    Some(if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        "PNG"
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "JPEG"
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        "GIF"
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        "TIFF"
    } else if b.starts_with(b"BM") && b.len() > 14 && b[6..10] == [0, 0, 0, 0] {
        "BMP"
    } else if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        "WebP"
    } else {
        return None;
    })
}

fn archive(b: &[u8]) -> Option<&'static str> {
    Some(if b.starts_with(b"Rar!\x1a\x07") {
        "a RAR archive"
    } else if b.starts_with(b"7z\xbc\xaf\x27\x1c") {
        "a 7-Zip archive"
    } else if b.starts_with(&[0x1f, 0x8b]) {
        "a gzip archive"
    } else {
        return None;
    })
}

/// Markup at the start of the file: a doctype, `<html>`, `<head>` or `<body>` among the first
/// kilobytes (after a BOM, blank lines, an XML declaration or comments).
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text: String = if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let (enc, _) = encoding_rs::Encoding::for_bom(head).unwrap_or((encoding_rs::UTF_16LE, 2));
        enc.decode_without_bom_handling(&head[2..]).0.into_owned()
    } else {
        String::from_utf8_lossy(head).into_owned()
    };
    let t = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    t.starts_with('<')
        && (t.contains("<!doctype html")
            || t.contains("<html")
            || t.contains("<head")
            || t.contains("<body"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, bytes: &[u8]) -> Result<Format, String> {
        sniff(Path::new(name), bytes)
    }

    #[test]
    fn formats_by_content_not_by_name() {
        assert_eq!(kind("plan.txt", b"%PDF-1.7\n..."), Ok(Format::Pdf));
        assert_eq!(kind("x.bin", b"\n\n%PDF-1.4"), Ok(Format::Pdf));
        assert_eq!(
            kind(
                "page.txt",
                b"<!DOCTYPE html><html><body><p>x</p></body></html>"
            ),
            Ok(Format::Html)
        );
        assert_eq!(kind("saved", "\u{feff}<html>".as_bytes()), Ok(Format::Html));
        assert_eq!(kind("plan.txt", "第一章 总则".as_bytes()), Ok(Format::Text));
        assert_eq!(kind("plan", "第一章 总则".as_bytes()), Ok(Format::Text));
        assert!(
            kind("script.py", b"print(1)")
                .unwrap_err()
                .contains("not a plan format (.py)")
        );
    }

    #[test]
    fn what_is_not_read_says_what_it_is_and_what_to_do() {
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        let e = kind("plan.wps", &ole).unwrap_err();
        assert!(e.contains("legacy") && e.contains(".docx"), "{e}");
        let e = kind("scan.txt", b"\x89PNG\r\n\x1a\n\0\0").unwrap_err();
        assert!(e.contains("image (PNG)") && e.contains("OCR"), "{e}");
        let e = kind("plan.docx", b"PK\x03\x04\x14\0\0\0word/document.xml trunc").unwrap_err();
        assert!(e.contains("damaged or truncated Word document"), "{e}");
        assert!(kind("a.txt", b"ab\0cd").unwrap_err().contains("binary"));
    }
}
