//! Word documents (`.docx`): the paragraphs of `word/document.xml`, in order, as lines.
//!
//! A `.docx` is a zip of XML parts (the `zip` crate opens it, `quick-xml` reads the parts). The
//! body's paragraphs (`w:p`) become lines: their runs' text (`w:t`), tabs and breaks; inserted
//! text (`w:ins`) in, deleted text (`w:del`) out; of a field, its result, not its instruction;
//! a text box's paragraphs after the paragraph holding it (and only once: Word stores a modern
//! copy and a fallback copy of each box); hidden text out; a table row (`w:tr`) one line with
//! its cells separated by tabs. Headers, footers and footnotes live in other parts and are
//! never read into the passages.
//!
//! Heading styles are structure evidence: a paragraph's outline level — its own, its style's, or
//! the level in its style's name (`heading 1`, `标题 1`) — goes to the structure stage with the
//! line, so a document whose chapters are styled `Heading 1` has its outline even where the text
//! lacks `第X章`.
//!
//! Every part is read within a size bound, so a zip bomb is refused, not unpacked.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::{BytesStart, Event};

use super::{Extracted, ReadOptions, Unread};

/// Reads a `.docx`'s body as lines with the outline levels its styles give them.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<Extracted, Unread> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("a damaged or truncated Word document (.docx): {e}"))?;
    let document = part(&mut zip, "word/document.xml", opts.max_bytes)?
        .ok_or("a zip without word/document.xml, so no Word document")?;
    let styles = match part(&mut zip, "word/styles.xml", opts.max_bytes)? {
        Some(xml) => Styles::parse(&xml),
        None => Styles::default(),
    };
    let body = Body::parse(&document, &styles).map_err(|e| {
        format!("a damaged Word document (.docx): word/document.xml is not well-formed XML ({e})")
    })?;
    let (lines, levels) = body.into_iter().unzip();
    Ok(Extracted {
        lines,
        levels,
        encoding: "UTF-8",
        ..Extracted::default()
    })
}

/// One part of the zip as text, read within `limit` bytes; `None` if it is not there.
fn part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<Option<String>, Unread> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(
                format!("a damaged Word document (.docx): {name} cannot be read ({e})").into(),
            );
        }
    };
    let too_large = || Unread {
        reason: format!(
            "a Word document whose {name} unpacks to more than {:.0} MB (a zip bomb?); skipped",
            limit as f64 / 1e6
        ),
        retry: true,
    };
    if file.size() > limit {
        return Err(too_large());
    }
    let mut out = Vec::new();
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("a damaged Word document (.docx): {name} cannot be unpacked ({e})"))?;
    if out.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(Some(String::from_utf8_lossy(&out).into_owned()))
}

/// The local name of an element: `w:p` → `p`.
fn local(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The value of an attribute by its local name (`w:val` → `val`).
fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Paragraph styles: their names, the styles they are based on, their outline levels.
#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
}

#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
}

impl Styles {
    fn parse(xml: &str) -> Styles {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut by_id = HashMap::new();
        let mut current: Option<(String, Style)> = None;
        loop {
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                    b"style" => {
                        if let Some((id, s)) = current.take() {
                            by_id.insert(id, s);
                        }
                        if attr(&e, b"type").as_deref() == Some("paragraph") {
                            current = attr(&e, b"styleId").map(|id| (id, Style::default()));
                        }
                    }
                    b"name" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.name = attr(&e, b"val").unwrap_or_default();
                        }
                    }
                    b"basedOn" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.based_on = attr(&e, b"val");
                        }
                    }
                    b"outlineLvl" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.outline = attr(&e, b"val").and_then(|v| v.parse().ok());
                        }
                    }
                    _ => {}
                },
                Event::End(e) if local(e.name().as_ref()) == b"style" => {
                    if let Some((id, s)) = current.take() {
                        by_id.insert(id, s);
                    }
                }
                _ => {}
            }
        }
        Styles { by_id }
    }

    /// The outline level of a style: its own or an ancestor's, else the level its name gives
    /// (`heading 2`, `标题 2`, `Heading2` → 1). Levels 9 and above are body text.
    fn level(&self, id: &str) -> Option<u8> {
        let mut at = self.by_id.get(id);
        for _ in 0..10 {
            let s = at?;
            if let Some(l) = s.outline {
                return (l < 9).then_some(l);
            }
            if let Some(l) = level_in_name(&s.name) {
                return Some(l);
            }
            at = s.based_on.as_deref().and_then(|b| self.by_id.get(b));
        }
        None
    }
}

/// `heading 1` / `Heading1` / `标题 1` → 0.
fn level_in_name(name: &str) -> Option<u8> {
    let n = name.trim().to_lowercase();
    let rest = n
        .strip_prefix("heading")
        .or_else(|| n.strip_prefix("标题"))?
        .trim();
    let level: u8 = rest.parse().ok()?;
    (1..=9).contains(&level).then(|| level - 1)
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    /// Lines of text boxes anchored in it, to follow it.
    boxed: Vec<(String, Option<u8>)>,
}

/// The lines of the body, each with its outline level.
struct Body;

impl Body {
    fn parse(xml: &str, styles: &Styles) -> Result<Vec<(String, Option<u8>)>, String> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut out: Vec<(String, Option<u8>)> = Vec::new();
        let mut stack: Vec<Vec<u8>> = Vec::new();
        let mut paras: Vec<Para> = Vec::new();
        // Table rows being read (cells so far) and the cell being read, innermost last.
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut cells: Vec<String> = Vec::new();
        // Elements whose content is skipped, by depth: deleted text, a box's fallback copy.
        let mut skip_from: Option<usize> = None;
        // Complex fields: whether each open one is still in its instruction part.
        let mut fields: Vec<bool> = Vec::new();
        let mut hidden_run = false;
        loop {
            let event = reader.read_event().map_err(|e| e.to_string())?;
            let (start, empty) = match &event {
                Event::Start(e) => (Some(e.clone()), false),
                Event::Empty(e) => (Some(e.clone()), true),
                _ => (None, false),
            };
            if let Some(e) = start {
                let name = local(e.name().as_ref()).to_vec();
                let parent = stack.last().map(|p| p.as_slice());
                if skip_from.is_none() {
                    match name.as_slice() {
                        b"del" | b"Fallback" | b"instrText" | b"delText" | b"footnoteReference"
                        | b"endnoteReference" => {
                            if !empty {
                                skip_from = Some(stack.len());
                            }
                        }
                        b"p" if !empty => paras.push(Para::default()),
                        b"pStyle" if parent == Some(b"pPr") => {
                            if let Some(p) = paras.last_mut() {
                                p.style = attr(&e, b"val");
                            }
                        }
                        b"outlineLvl" if parent == Some(b"pPr") => {
                            if let Some(p) = paras.last_mut() {
                                p.outline = attr(&e, b"val").and_then(|v| v.parse().ok());
                            }
                        }
                        b"r" => hidden_run = false,
                        b"vanish" if parent == Some(b"rPr") => {
                            hidden_run =
                                !matches!(attr(&e, b"val").as_deref(), Some("0" | "false"));
                        }
                        b"fldChar" => match attr(&e, b"fldCharType").as_deref() {
                            Some("begin") => fields.push(true),
                            Some("separate") => {
                                if let Some(f) = fields.last_mut() {
                                    *f = false;
                                }
                            }
                            Some("end") => {
                                fields.pop();
                            }
                            _ => {}
                        },
                        b"tab" if parent == Some(b"r") => {
                            push_text(&mut paras, "\t", hidden_run, &fields)
                        }
                        b"br" | b"cr" if parent == Some(b"r") => {
                            push_text(&mut paras, "\n", hidden_run, &fields)
                        }
                        b"noBreakHyphen" => push_text(&mut paras, "-", hidden_run, &fields),
                        b"tr" if !empty => rows.push(Vec::new()),
                        b"tc" if !empty => cells.push(String::new()),
                        _ => {}
                    }
                }
                if !empty {
                    stack.push(name);
                }
                continue;
            }
            match event {
                Event::Text(t) => {
                    if skip_from.is_none() && stack.last().map(|n| n.as_slice()) == Some(b"t") {
                        let text = t.decode().map_err(|e| e.to_string())?;
                        push_text(&mut paras, &text, hidden_run, &fields);
                    }
                }
                Event::GeneralRef(r) => {
                    if skip_from.is_none() && stack.last().map(|n| n.as_slice()) == Some(b"t") {
                        let text = match r.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string(),
                            _ => match r.decode().map_err(|e| e.to_string())?.as_ref() {
                                "amp" => "&".into(),
                                "lt" => "<".into(),
                                "gt" => ">".into(),
                                "quot" => "\"".into(),
                                "apos" => "'".into(),
                                _ => String::new(),
                            },
                        };
                        push_text(&mut paras, &text, hidden_run, &fields);
                    }
                }
                Event::End(e) => {
                    let name = local(e.name().as_ref()).to_vec();
                    stack.pop();
                    if skip_from == Some(stack.len()) {
                        skip_from = None;
                        continue;
                    }
                    if skip_from.is_some() {
                        continue;
                    }
                    match name.as_slice() {
                        b"p" => {
                            let Some(p) = paras.pop() else { continue };
                            let level = p
                                .outline
                                .filter(|&l| l < 9)
                                .or_else(|| p.style.as_deref().and_then(|s| styles.level(s)));
                            let mut lines: Vec<(String, Option<u8>)> = p
                                .text
                                .split('\n')
                                .enumerate()
                                .map(|(k, l)| (l.to_string(), if k == 0 { level } else { None }))
                                .collect();
                            lines.extend(p.boxed);
                            if let Some(outer) = paras.last_mut() {
                                // A text box's paragraph: after the paragraph it is anchored in.
                                outer.boxed.extend(lines);
                            } else if let Some(cell) = cells.last_mut() {
                                for (l, _) in lines {
                                    if !cell.is_empty() && !l.is_empty() {
                                        cell.push(' ');
                                    }
                                    cell.push_str(&l);
                                }
                            } else {
                                out.extend(lines);
                            }
                        }
                        b"tc" => {
                            let cell = cells.pop().unwrap_or_default();
                            if let Some(row) = rows.last_mut() {
                                row.push(cell.replace('\t', " "));
                            }
                        }
                        b"tr" => {
                            let row = rows.pop().unwrap_or_default();
                            let line = row.join("\t");
                            match cells.last_mut() {
                                // A table inside a cell: its rows join the cell's text.
                                Some(cell) => {
                                    if !cell.is_empty() {
                                        cell.push(' ');
                                    }
                                    cell.push_str(&line.replace('\t', " "));
                                }
                                None => out.push((line, None)),
                            }
                        }
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Adds run text to the paragraph being read, unless it is hidden or a field's instruction.
fn push_text(paras: &mut [Para], text: &str, hidden: bool, fields: &[bool]) {
    if hidden || fields.iter().any(|&instr| instr) {
        return;
    }
    if let Some(p) = paras.last_mut() {
        p.text.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn body(inner: &str, styles: &str) -> Vec<(String, Option<u8>)> {
        let doc = format!(
            r#"<?xml version="1.0"?><w:document {W}><w:body>{inner}</w:body></w:document>"#
        );
        let styles = Styles::parse(&format!(r#"<w:styles {W}>{styles}</w:styles>"#));
        Body::parse(&doc, &styles).unwrap()
    }

    const STYLES: &str = r#"<w:style w:type="paragraph" w:styleId="1"><w:name w:val="标题 1"/></w:style>
        <w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
        <w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="My chapter"/><w:basedOn w:val="1"/></w:style>"#;

    #[test]
    fn runs_tabs_breaks_and_levels() {
        let lines = body(
            r#"<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>发展基础</w:t></w:r></w:p>
               <w:p><w:pPr><w:pStyle w:val="H2"/></w:pPr><w:r><w:t>第一节 </w:t></w:r><w:r><w:t>营商</w:t></w:r><w:r><w:t>环境</w:t></w:r></w:p>
               <w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t xml:space="preserve">丙 &amp; 丁</w:t></w:r></w:p>
               <w:p><w:pPr><w:pStyle w:val="Mine"/></w:pPr><w:r><w:t>继承</w:t></w:r></w:p>
               <w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>直接</w:t></w:r></w:p>"#,
            STYLES,
        );
        assert_eq!(
            lines,
            vec![
                ("发展基础".into(), Some(0)),
                ("第一节 营商环境".into(), Some(1)),
                ("甲\t乙".into(), None),
                ("丙 & 丁".into(), None),
                ("继承".into(), Some(0)),
                ("直接".into(), Some(2)),
            ]
        );
    }

    #[test]
    fn revisions_fields_boxes_and_hidden_text() {
        let lines = body(
            r#"<w:p><w:r><w:t>保留</w:t></w:r><w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:del><w:r><w:delText>已删除的旧表述</w:delText></w:r></w:del>
                 <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
                 <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>
                 <w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框中的句子。</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
                 <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框中的句子。</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>
                 <w:r><w:t>结尾。</w:t></w:r></w:p>"#,
            "",
        );
        assert_eq!(
            lines,
            vec![
                ("保留插入1结尾。".into(), None),
                ("文本框中的句子。".into(), None)
            ]
        );
    }

    #[test]
    fn tables_are_rows_of_tab_separated_cells() {
        let lines = body(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>类别</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc></w:tr>
               <w:tr><w:tc><w:p><w:r><w:t>经济</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>地区生产</w:t></w:r></w:p><w:p><w:r><w:t>总值</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
            "",
        );
        assert_eq!(
            lines,
            vec![
                ("类别\t指标".into(), None),
                ("经济\t地区生产 总值".into(), None)
            ]
        );
    }

    #[test]
    fn style_names_give_levels() {
        assert_eq!(level_in_name("heading 1"), Some(0));
        assert_eq!(level_in_name("Heading3"), Some(2));
        assert_eq!(level_in_name("标题 2"), Some(1));
        assert_eq!(level_in_name("toc 1"), None);
        assert_eq!(level_in_name("Normal"), None);
    }
}
