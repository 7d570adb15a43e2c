//! Web pages: a plan as a government portal posts it, saved from the browser.
//!
//! The charset comes from a BOM, else from the page's `<meta charset>` or `http-equiv`
//! declaration (`gb2312` and `gbk` decode as GB18030, which holds them both), else it is
//! detected as for a text file; a page whose declaration does not hold (its bytes are not valid
//! in it) is decoded as what it is, with a note. html5ever (through `scraper`) parses the page
//! as a browser would.
//!
//! Only the content area is read: portals wrap the plan in a site header, navigation,
//! breadcrumbs, share buttons and a footer with the ICP number, none of which is the plan. The
//! content area is the element the portal's editor marks (`TRS_Editor`, `#zoom`,
//! `.article-content` …) when there is one holding text, else the element with the most text
//! in paragraphs of its own. Block elements become lines, `<br>` breaks a line, a table row is
//! a line of tab-separated cells; scripts, styles, forms and navigation inside it are left out.

use std::sync::LazyLock;

use encoding_rs::Encoding;
use regex::bytes::Regex;
use scraper::{ElementRef, Html, Node, Selector};

use super::{Extracted, ReadOptions, Unread};

/// Reads a web page's content area as lines.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<Extracted, Unread> {
    let (text, encoding, replaced, note) = decode(bytes, opts.encoding)?;
    let page = Html::parse_document(&text);
    let area = content_area(&page).ok_or("a web page without text")?;
    let mut lines = Lines::default();
    lines.walk(area);
    let lines = lines.finish();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Err("a web page without text in its content area"
            .to_string()
            .into());
    }
    Ok(Extracted {
        lines,
        encoding,
        replaced,
        notes: note.into_iter().collect(),
        ..Extracted::default()
    })
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)"#).expect("valid regex")
});

/// The charset a page declares in its first kilobytes.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    let label = META_CHARSET.captures(head)?.get(1)?.as_bytes();
    let enc = Encoding::for_label(label)?;
    // GB18030 decodes all that GBK and GB2312 pages hold, and the characters they misuse.
    Some(if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    })
}

type Decoded = (String, &'static str, usize, Option<String>);

/// The page's text: by BOM, by its declaration if that holds, else as detected.
fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, Unread> {
    if forced.is_some() || Encoding::for_bom(bytes).is_some() {
        let d = super::text::decode(bytes, forced)?;
        return Ok((d.text, d.encoding, d.replaced, None));
    }
    if let Some(enc) = declared_charset(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return Ok((text.into_owned(), enc.name(), 0, None));
        }
        let d = super::text::decode(bytes, None)?;
        if d.replaced == 0 {
            let note = format!(
                "declares the charset {} but is not written in it; read as {}",
                enc.name(),
                d.encoding
            );
            return Ok((d.text, d.encoding, 0, Some(note)));
        }
        // Neither reading is clean: the declaration, with its errors counted.
        let replaced = text.chars().filter(|&c| c == '\u{fffd}').count();
        return Ok((text.into_owned(), enc.name(), replaced, None));
    }
    let d = super::text::decode(bytes, None)?;
    Ok((d.text, d.encoding, d.replaced, None))
}

/// Where portals' editors put an article.
const CONTENT_SELECTORS: &str = ".TRS_Editor, .trs_editor, #zoom, .zoom, #UCAP-CONTENT, .pages_content, .article-content, .article_content, .articleContent, .article-body, .news_content, .detail-content, .view_content, #content, .content, article, main";

/// Elements that are never part of the plan.
fn is_chrome(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "object"
            | "embed"
            | "svg"
            | "canvas"
            | "head"
            | "title"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "form"
            | "button"
            | "select"
            | "input"
            | "textarea"
            | "option"
    )
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "section"
            | "article"
            | "main"
            | "blockquote"
            | "pre"
            | "center"
            | "address"
            | "figure"
            | "figcaption"
            | "caption"
            | "hr"
            | "body"
            | "html"
    )
}

/// The characters of text an element holds, chrome left out.
fn text_len(e: ElementRef) -> usize {
    let mut n = 0;
    for node in e.descendants() {
        if let Node::Text(t) = node.value() {
            let inside_chrome = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|el| is_chrome(el.name()))
            });
            if !inside_chrome {
                n += t.chars().filter(|c| !c.is_whitespace()).count();
            }
        }
    }
    n
}

/// Characters in the text and inline children an element holds directly, in paragraphs of its
/// own: what an article's container has most of, and a page's frame little.
fn own_paragraph_text(e: ElementRef) -> usize {
    e.children()
        .map(|c| match c.value() {
            Node::Text(t) => t.chars().filter(|c| !c.is_whitespace()).count(),
            Node::Element(el) if matches!(el.name(), "p" | "span" | "font" | "strong" | "b") => {
                ElementRef::wrap(c).map_or(0, text_len)
            }
            _ => 0,
        })
        .sum()
}

/// The element holding the plan (see the module documentation).
fn content_area(page: &Html) -> Option<ElementRef<'_>> {
    let marked = Selector::parse(CONTENT_SELECTORS).expect("valid selectors");
    let best_marked = page
        .select(&marked)
        .map(|e| (text_len(e), e))
        .max_by_key(|(n, _)| *n);
    if let Some((n, e)) = best_marked {
        if n >= 200 {
            return Some(e);
        }
    }
    let any = Selector::parse("body, div, td, section, article, main").expect("valid selector");
    page.select(&any)
        .filter(|e| {
            !e.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|el| is_chrome(el.name()))
            })
        })
        .map(|e| (own_paragraph_text(e), e))
        .max_by_key(|(n, _)| *n)
        .filter(|(n, _)| *n > 0)
        .map(|(_, e)| e)
        .or_else(|| page.select(&Selector::parse("body").ok()?).next())
}

/// Lines being made from a tree of elements.
#[derive(Default)]
struct Lines {
    done: Vec<String>,
    line: String,
}

impl Lines {
    fn br(&mut self) {
        let l = std::mem::take(&mut self.line);
        let l = l.trim_matches(|c: char| c == ' ').to_string();
        self.done.push(l);
    }

    fn block(&mut self) {
        if !self.line.trim().is_empty() {
            self.br();
        } else {
            self.line.clear();
        }
    }

    fn text(&mut self, t: &str, pre: bool) {
        if pre {
            for (k, part) in t.split('\n').enumerate() {
                if k > 0 {
                    self.br();
                }
                self.line.push_str(part);
            }
            return;
        }
        for c in t.chars() {
            // HTML whitespace, no-break spaces included, folds to one space.
            if c.is_whitespace() {
                if !self.line.ends_with([' ', '\t']) && !self.line.is_empty() {
                    self.line.push(' ');
                }
            } else {
                self.line.push(c);
            }
        }
    }

    fn walk(&mut self, e: ElementRef) {
        self.walk_in(e, false);
    }

    fn walk_in(&mut self, e: ElementRef, pre: bool) {
        let name = e.value().name();
        if is_chrome(name) {
            return;
        }
        let pre = pre || name == "pre";
        let block = is_block(name);
        if block {
            self.block();
        }
        for child in e.children() {
            match child.value() {
                Node::Text(t) => self.text(t, pre),
                Node::Element(el) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match el.name() {
                        "br" => self.br(),
                        "td" | "th" => {
                            if !self.line.is_empty() {
                                self.line = self.line.trim_end_matches(' ').to_string();
                                self.line.push('\t');
                            }
                            let mut cell = Lines::default();
                            cell.walk_in(c, pre);
                            let text = cell.finish().join(" ");
                            self.line.push_str(text.trim());
                        }
                        _ => self.walk_in(c, pre),
                    }
                }
                _ => {}
            }
        }
        if block {
            self.block();
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.block();
        self.done
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<String> {
        read(html.as_bytes(), &ReadOptions::default())
            .unwrap()
            .lines
    }

    const PORTAL: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="keywords" content="营商环境"><title>规划</title>
        <script>var x = "数字经济";</script><style>.a{}</style></head><body>
        <div class="header">某某区人民政府门户网站</div>
        <div class="nav"><a href="/">首页</a> <a href="/zw">政务公开</a> <a>营商环境</a></div>
        <div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 规划计划</div>
        <div class="TRS_Editor"><style>p{}</style>
          <p style="text-align:center"><strong>第一章 总体要求</strong></p>
          <p>&nbsp;&nbsp;推进营商环境持续优化，<br>深化“放管服”改革。</p>
          <table><tr><td>类别</td><td>指标</td></tr><tr><td>经济</td><td>地区生产总值</td></tr></table>
          <p>加快发展数字经济，培育新动能，建设数字政府和智慧城市，推动产业数字化转型和数字产业化发展，提升数字治理能力，让群众办事更便捷。</p>
        </div>
        <div class="share">分享到：微信 微博</div>
        <div class="footer">版权所有 鄂ICP备12345678号</div></body></html>"#;

    #[test]
    fn only_the_content_area_and_its_blocks_as_lines() {
        let got = lines(PORTAL);
        assert_eq!(got[0], "第一章 总体要求");
        assert_eq!(got[1], "推进营商环境持续优化，");
        assert_eq!(got[2], "深化“放管服”改革。");
        assert_eq!(got[3], "类别\t指标");
        assert_eq!(got[4], "经济\t地区生产总值");
        let all = got.join("\n");
        for chrome in ["首页", "ICP", "分享到", "var x", "当前位置", "门户网站"] {
            assert!(!all.contains(chrome), "{chrome} in {all}");
        }
    }

    #[test]
    fn without_a_marked_area_the_paragraphs_container_is_found() {
        let html = PORTAL.replace("TRS_Editor", "plain");
        let got = lines(&html);
        assert!(
            got.iter().any(|l| l.starts_with("加快发展数字经济")),
            "{got:?}"
        );
        assert!(!got.join("\n").contains("ICP"));
    }

    #[test]
    fn charsets_declared_and_lied_about() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>二〇三五年远景目标纲要，推进营商环境建设。</p></body></html>";
        let (gbk, _, _) = encoding_rs::GB18030.encode(page);
        let e = read(&gbk, &ReadOptions::default()).unwrap();
        assert_eq!(e.lines, ["二〇三五年远景目标纲要，推进营商环境建设。"]);
        assert_eq!(e.encoding, "gb18030");
        let lying = page.replace("gb2312", "utf-8");
        let (bytes, _, _) = encoding_rs::GB18030.encode(&lying);
        let e = read(&bytes, &ReadOptions::default()).unwrap();
        assert_eq!(e.lines, ["二〇三五年远景目标纲要，推进营商环境建设。"]);
        assert!(
            e.notes[0].contains("declares the charset UTF-8"),
            "{:?}",
            e.notes
        );
    }
}
