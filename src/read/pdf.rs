//! PDF: the text layer in content order, through poppler's `pdftotext`.
//!
//! `pdftotext -raw -enc UTF-8` is the engine the best tools trust with Chinese PDFs: `-raw`
//! keeps the order the producer wrote the text in (right for WPS's and Word's PDFs, and for
//! columns), where the default mode regroups by geometry and can split `第一章　发展…` at the
//! ideographic space; pages end in form feeds. It runs as a subprocess, as ripgrep-all runs it,
//! which keeps GPL code out of this binary; each run is bounded in time and in output. Its text
//! then goes through the page-aware normaliser ([`super::pages`]).
//!
//! A PDF it cannot read is skipped with the reason: encrypted, damaged, no text layer (a scan,
//! which needs OCR), or text that is no text — fonts without a Unicode map give control,
//! private-use or symbol characters, which would only pollute the index.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Extracted, ReadOptions, Unread};

/// The program used, unless `PLANSEARCH_PDFTOTEXT` names another.
pub const ENGINE: &str = "pdftotext";
/// The longest a PDF may take to extract, unless `--pdf-timeout` says otherwise.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

fn engine() -> String {
    std::env::var("PLANSEARCH_PDFTOTEXT")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ENGINE.to_string())
}

/// Reads a PDF's text layer as normalised lines with the pages they came from.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Extracted, Unread> {
    let raw = extract(path, opts.max_bytes, opts.pdf_timeout)?;
    let pages: Vec<Vec<String>> = raw
        .split('\u{c}')
        .map(|p| p.lines().map(str::to_string).collect())
        .collect();
    check_text(&raw)?;
    let lines = super::pages::normalise(&pages);
    Ok(Extracted {
        pages: Some(lines.iter().map(|l| (l.first_page, l.last_page)).collect()),
        lines: lines.into_iter().map(|l| l.text).collect(),
        encoding: "UTF-8",
        ..Extracted::default()
    })
}

/// Runs the engine on `path`: its text, or why there is none.
pub fn extract(path: &Path, max_bytes: u64, limit: Duration) -> Result<String, Unread> {
    let program = engine();
    let mut child = Command::new(&program)
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Unread {
                reason: format!(
                    "a PDF, and {program} is not installed to read it: install poppler-utils (Debian: apt-get install poppler-utils poppler-data; poppler-data has the Chinese fonts PDFs may not embed)"
                ),
                retry: true,
            },
            _ => Unread {
                reason: format!("a PDF, and {program} could not be started ({e})"),
                retry: true,
            },
        })?;
    // Output is read on its own thread, at most `max_bytes` of it, so a pipe that fills can
    // never stall the engine while the clock runs.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = (&mut stdout).take(max_bytes + 1).read_to_end(&mut out);
        // Drain the rest so the engine can finish; it is refused below.
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        read.map(|_| out)
    });
    let mut stderr = child.stderr.take().expect("piped stderr");
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Unread {
                    reason: format!(
                        "{program} took more than {} s on this PDF (--pdf-timeout); skipped",
                        limit.as_secs()
                    ),
                    retry: true,
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("{program} failed ({e})").into()),
        }
    };
    let out = reader
        .join()
        .map_err(|_| format!("{program}'s output could not be read"))?
        .map_err(|e| format!("{program}'s output could not be read ({e})"))?;
    let err = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(failure(&program, status.code(), &err).into());
    }
    if out.len() as u64 > max_bytes {
        return Err(Unread {
            reason: format!(
                "its text is larger than {:.0} MB (--max-file-mb); skipped",
                max_bytes as f64 / 1e6
            ),
            retry: true,
        });
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The reason for a failed extraction, from poppler's exit code and message.
fn failure(program: &str, code: Option<i32>, stderr: &str) -> String {
    let msg = stderr.to_ascii_lowercase();
    if msg.contains("password") || msg.contains("encrypt") || code == Some(3) {
        return "an encrypted PDF (it needs a password or forbids copying text); save an unprotected copy".into();
    }
    let first = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no message");
    format!(
        "a damaged or truncated PDF: {program} could not read it ({})",
        crate::error::one_line(first)
    )
}

/// Refuses text that is no text: empty (a scan) or made of what fonts without a Unicode map
/// give — control characters, private-use characters, stray symbols — instead of words.
pub fn check_text(raw: &str) -> Result<(), Unread> {
    let chars: Vec<char> = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.is_empty() {
        return Err(
            "a PDF with no text layer (a scan?): it needs OCR before plansearch can read it"
                .to_string()
                .into(),
        );
    }
    let n = chars.len() as f64;
    let han = chars.iter().filter(|&&c| is_han(c)).count() as f64;
    let letters = chars.iter().filter(|c| c.is_ascii_alphabetic()).count() as f64;
    let garbage = chars.iter().filter(|&&c| is_garbage(c)).count() as f64;
    // Chinese text, or at least words of some script, with few characters no text has.
    let wordy = han / n >= 0.2 || (letters / n >= 0.4 && garbage / n < 0.05);
    if garbage / n > 0.15 || !wordy {
        return Err(format!(
            "a PDF whose text is unusable: its fonts have no Unicode map, so it extracts as symbols ({:.0}% of characters are not text); it needs OCR, or a PDF made with embedded fonts",
            100.0 * (1.0 - (han + letters) / n)
        )
        .into());
    }
    Ok(())
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Characters that are not text in a plan: controls, private use, the replacement character,
/// and the Latin-1 and general-punctuation symbols CID fonts decode to (€ † ‡ ‰ Š Œ …).
fn is_garbage(c: char) -> bool {
    (c.is_control() && c != '\u{c}')
        || ('\u{e000}'..='\u{f8ff}').contains(&c)
        || c == '\u{fffd}'
        || ('\u{80}'..='\u{bf}').contains(&c)
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
                | '•'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_no_text_is_refused() {
        assert!(check_text("第一章 总则\n推进营商环境建设。\n").is_ok());
        assert!(check_text("Chapter 1. General provisions of the plan.").is_ok());
        let scan = check_text("\u{c}\n\u{c}").unwrap_err();
        assert!(scan.reason.contains("OCR"), "{}", scan.reason);
        let garbage = check_text("€• ‚ ƒ„ 2021 3… †‡ˆ ‰Š‹Œ 1 X ¡ 1 X").unwrap_err();
        assert!(garbage.reason.contains("unusable"), "{}", garbage.reason);
        assert!(check_text("\u{e001}\u{e002}\u{e003}\u{e004}第").is_err());
    }

    #[test]
    fn failures_are_named() {
        assert!(
            failure(
                "pdftotext",
                Some(1),
                "Command Line Error: Incorrect password"
            )
            .contains("encrypted")
        );
        let f = failure(
            "pdftotext",
            Some(1),
            "Syntax Error: Couldn't find trailer dictionary\nmore",
        );
        assert!(
            f.contains("damaged or truncated") && f.contains("trailer"),
            "{f}"
        );
    }
}
