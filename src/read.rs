//! Stage 1: plan files from disk, decoded to text lines.
//!
//! Users' folders hold texts saved by Word, Notepad and PDF converters: UTF-8 with or without a
//! BOM, UTF-16 with a BOM, GB18030/GBK without one, and junk (binaries, empty files, files too
//! large to be a plan). [`walk`] lists the `.txt` and `.md` files of a corpus and reports what it
//! could not enter; [`read_file`] decodes one file or says, in one line, why it was skipped.
//! The structure stage receives [`SourceText`]: the file name and its lines.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use crate::error::{Error, Result, io_reason};

/// One decoded plan file.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: PathBuf,
    /// The file name, as shown to users (lossy if the name is not UTF-8).
    pub name: String,
    pub lines: Vec<String>,
    /// The encoding the file was read in (`UTF-8`, `GB18030`, `UTF-16LE` …).
    pub encoding: &'static str,
    /// Bytes that were not valid in that encoding, replaced by U+FFFD.
    pub replaced: usize,
}

/// A file the reader did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// How files are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Decode every file in this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
    /// Files larger than this are skipped: no plan is that long, and reading one would hold it
    /// all in memory.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: None,
            max_bytes: 64_000_000,
        }
    }
}

/// Looks up an encoding by any of its WHATWG labels (`gbk`, `gb18030`, `utf-16le`, `big5` …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

fn is_plan_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// That `corpus` is a folder that can be read: the error names it otherwise.
pub fn check_corpus(corpus: &Path) -> Result<()> {
    let meta = fs::metadata(corpus).map_err(|e| Error::io(corpus, e))?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory(corpus.to_path_buf()));
    }
    Ok(())
}

/// The `.txt` and `.md` files under `corpus`, sorted by path, and the entries that could not be
/// visited (unreadable directories, symlink loops). Hidden files and directories are skipped.
pub fn walk(corpus: &Path) -> Result<(Vec<PathBuf>, Vec<Skipped>)> {
    check_corpus(corpus)?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let walker = walkdir::WalkDir::new(corpus)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() && is_plan_file(e.path()) => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| corpus.to_path_buf());
                let reason = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.io_error().map_or_else(|| e.to_string(), io_reason)
                };
                skipped.push(Skipped { path, reason });
            }
        }
    }
    Ok((files, skipped))
}

/// Reads a file's bytes, refusing one larger than `opts.max_bytes`.
pub fn read_bytes(path: &Path, opts: &ReadOptions) -> std::result::Result<Vec<u8>, Skipped> {
    let skip = |reason: String| Skipped {
        path: path.to_path_buf(),
        reason,
    };
    let file = fs::File::open(path).map_err(|e| skip(io_reason(&e)))?;
    let len = file.metadata().map_err(|e| skip(io_reason(&e)))?.len();
    let mb = |b: u64| b as f64 / 1e6;
    if len > opts.max_bytes {
        return Err(skip(format!(
            "too large to be a plan ({:.1} MB, limit {:.1} MB)",
            mb(len),
            mb(opts.max_bytes)
        )));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The limit holds even for a file that grows while it is read.
    file.take(opts.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| skip(io_reason(&e)))?;
    Ok(bytes)
}

/// Decodes file bytes into a source, or says why they are skipped.
pub fn source_from_bytes(
    path: &Path,
    bytes: &[u8],
    opts: &ReadOptions,
) -> std::result::Result<SourceText, Skipped> {
    let decoded = decode(bytes, opts.encoding).map_err(|reason| Skipped {
        path: path.to_path_buf(),
        reason,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(SourceText {
        path: path.to_path_buf(),
        name,
        lines: split_lines(&decoded.text),
        encoding: decoded.encoding,
        replaced: decoded.replaced,
    })
}

/// Reads and decodes one plan file, or says why it is skipped.
pub fn read_file(path: &Path, opts: &ReadOptions) -> std::result::Result<SourceText, Skipped> {
    source_from_bytes(path, &read_bytes(path, opts)?, opts)
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
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
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
