//! Stage 3: passages, the unit of search.
//!
//! Input: a [`Structure`] (its body pieces and headings). Output: [`Passage`]s — one logical
//! paragraph each, every heading a passage of its own, a table one passage keeping one row per
//! line — with the chapter, section and deeper heading path they sit under, their first and
//! last line in the file, their normalised text, and a map from text offsets back to file
//! lines. Hard-wrapped lines are joined; a paragraph that stops without ending its sentence
//! continues on the next text line, across blank lines, page-break footnotes and boxes.
//!
//! Every non-blank piece of the body lands in exactly one passage: nothing lost, nothing doubled.

use serde::{Deserialize, Serialize};

use crate::structure::clean::{ends_sentence, normalize};
use crate::structure::heading::Form;
use crate::structure::{Heading, Level, Piece, Role, Structure};

/// What a passage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Heading,
    Paragraph,
    Table,
    Caption,
    Footnote,
    Note,
    /// Content of a 专栏 box.
    Box,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Heading,
        Kind::Paragraph,
        Kind::Table,
        Kind::Caption,
        Kind::Footnote,
        Kind::Note,
        Kind::Box,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Heading => "heading",
            Kind::Paragraph => "paragraph",
            Kind::Table => "table",
            Kind::Caption => "caption",
            Kind::Footnote => "footnote",
            Kind::Note => "note",
            Kind::Box => "box",
        }
    }
}

/// A chapter, section or part as a passage refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadingRef {
    pub no: Option<u32>,
    pub title: Option<String>,
    /// The label as plansearch writes it: 第三章, 二、, 前言.
    pub label: String,
}

impl HeadingRef {
    /// The heading as one line: `第三章 加快建设空港新城`, `二、基本原则`, `前言`.
    pub fn display(&self) -> String {
        crate::structure::join_label(&self.label, self.title.as_deref())
    }

    fn of(h: &Heading) -> Self {
        HeadingRef {
            no: h.no,
            title: h.title.clone(),
            label: h.label.clone(),
        }
    }
}

/// A passage: the unit plansearch indexes, finds and shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    pub kind: Kind,
    pub part: Option<HeadingRef>,
    pub chapter: Option<HeadingRef>,
    pub section: Option<HeadingRef>,
    /// Headings below the section (`一、…`, `（一）…`, `专栏 3 …`), outermost first.
    pub path: Vec<String>,
    /// First and last line in the original file, 1-based.
    pub line_start: u32,
    pub line_end: u32,
    /// Normalised text: wrap whitespace removed, table rows on their own lines.
    pub text: String,
    /// Where each file line's text begins: (character offset in `text`, 1-based line), ascending.
    pub line_map: Vec<(u32, u32)>,
}

impl Passage {
    /// The 1-based file line on which the character at `offset` (in `text`) stands.
    pub fn line_of(&self, offset: u32) -> u32 {
        let k = self.line_map.partition_point(|&(o, _)| o <= offset);
        self.line_map
            .get(k.saturating_sub(1))
            .map_or(self.line_start, |&(_, l)| l)
    }

    /// Number of characters in the text.
    pub fn char_len(&self) -> usize {
        self.text.chars().count()
    }
}

/// Text of a passage under construction, with its line map.
#[derive(Debug, Default)]
struct TextBuilder {
    text: String,
    chars: u32,
    map: Vec<(u32, u32)>,
    first: u32,
    last: u32,
}

impl TextBuilder {
    /// Appends a normalised piece from 0-based file line `line`. Pieces joined across a wrap
    /// meet without a separator: in Chinese text a wrap is never a word break, and a wrap inside
    /// a number or an abbreviation (`G` / `DP`) must close up.
    fn push(&mut self, line: usize, piece: &str) {
        if piece.is_empty() {
            return;
        }
        let line = line as u32 + 1;
        if self.map.last().is_none_or(|&(_, l)| l != line) {
            self.map.push((self.chars, line));
        }
        self.text.push_str(piece);
        self.chars += piece.chars().count() as u32;
        if self.first == 0 || line < self.first {
            self.first = line;
        }
        self.last = self.last.max(line);
    }

    /// Starts a new line of text (a table row, a box item).
    fn newline(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
            self.chars += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The heading context a passage is read under.
#[derive(Debug, Clone, Default)]
struct Context {
    part: Option<HeadingRef>,
    chapter: Option<HeadingRef>,
    section: Option<HeadingRef>,
    /// (level, display) of headings below the section, and the box.
    path: Vec<(Level, String)>,
}

/// A paragraph, note, table or box unit being collected.
#[derive(Debug)]
struct Unit {
    kind: Kind,
    text: TextBuilder,
    ctx: Context,
}

/// How the box the reader is in was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoxMode {
    /// A `专栏 N title` line; the box ends at the next heading.
    Headed { cells: bool },
    /// `(` … `)` wrapper lines; the box ends at the `)`.
    Wrapped,
}

struct Builder<'a> {
    headings: &'a [Heading],
    ctx: Context,
    open: Option<Unit>,
    /// A paragraph interrupted by a wrapped box, to be resumed after it.
    suspended: Option<Unit>,
    boxed: Option<BoxMode>,
    last_heading: Option<usize>,
    out: Vec<Passage>,
}

/// Splits a plan's body into passages.
pub fn split(structure: &Structure) -> Vec<Passage> {
    let mut b = Builder {
        headings: &structure.headings,
        ctx: Context::default(),
        open: None,
        suspended: None,
        boxed: None,
        last_heading: None,
        out: Vec::new(),
    };
    let pieces = &structure.pieces;
    for (k, piece) in pieces.iter().enumerate() {
        let after_blank = k > 0 && pieces[k - 1].role == Role::Blank;
        b.piece(piece, after_blank);
    }
    b.close();
    b.close_suspended();
    let mut out = b.out;
    out.sort_by_key(|p| (p.line_start, p.line_end));
    out
}

impl Builder<'_> {
    fn piece(&mut self, p: &Piece, after_blank: bool) {
        match &p.role {
            Role::Blank => {}
            Role::Heading(i) => self.heading(*i, p),
            Role::HeadingPart => {
                if let Some(k) = self.last_heading {
                    let h = &mut self.out[k];
                    let text = normalize(&p.text);
                    let sep = if h.text.is_empty() { "" } else { " " };
                    h.line_map.push((
                        h.text.chars().count() as u32 + sep.len() as u32,
                        p.line as u32 + 1,
                    ));
                    h.text = format!("{}{sep}{text}", h.text);
                    h.line_end = h.line_end.max(p.line as u32 + 1);
                    h.line_start = h.line_start.min(p.line as u32 + 1);
                } else {
                    self.text(p, Kind::Paragraph, true);
                }
            }
            Role::Text { new_unit, indent } => {
                if self.box_ends_before(p, after_blank, *indent) {
                    self.end_box();
                }
                let kind = if self.boxed.is_some() {
                    Kind::Box
                } else {
                    Kind::Paragraph
                };
                let cell = *indent == crate::structure::clean::Indent::Tab;
                if let Some(BoxMode::Headed { cells }) = &mut self.boxed {
                    if cell && self.open.is_none() {
                        *cells = true;
                    }
                }
                self.text(p, kind, *new_unit);
            }
            Role::Note => {
                self.close();
                self.text(p, Kind::Note, true);
            }
            Role::Footnote => {
                let mut t = TextBuilder::default();
                t.push(p.line, &normalize(&p.text));
                let ctx = self.ctx.clone();
                self.emit(Kind::Footnote, t, &ctx);
            }
            Role::TableRow => self.table_row(p),
            Role::Caption(_) => {
                self.close();
                let mut t = TextBuilder::default();
                t.push(p.line, &normalize(&p.text));
                let ctx = self.ctx.clone();
                self.emit(Kind::Caption, t, &ctx);
            }
            Role::BoxOpen => {
                match self.open.take() {
                    Some(u) if u.kind == Kind::Paragraph && !ends_sentence(&u.text.text) => {
                        self.close_suspended();
                        self.suspended = Some(u);
                    }
                    other => {
                        self.open = other;
                        self.close();
                    }
                }
                self.end_box();
                self.boxed = Some(BoxMode::Wrapped);
                self.ctx.path.push((Level::Box, "专栏".to_string()));
            }
            Role::BoxClose => {
                self.close();
                if self.boxed == Some(BoxMode::Wrapped) {
                    self.end_box();
                }
            }
        }
    }

    /// Whether a box of cells (one per line, tab-led) ends before this piece: prose after a
    /// blank line, in the first column, long enough to be a paragraph.
    fn box_ends_before(
        &self,
        p: &Piece,
        after_blank: bool,
        indent: crate::structure::clean::Indent,
    ) -> bool {
        matches!(self.boxed, Some(BoxMode::Headed { cells: true }))
            && after_blank
            && indent == crate::structure::clean::Indent::None
            && normalize(&p.text).chars().count() >= 30
    }

    fn end_box(&mut self) {
        if self.boxed.take().is_some() {
            self.close();
            if let Some(pos) = self.ctx.path.iter().position(|(l, _)| *l == Level::Box) {
                self.ctx.path.truncate(pos);
            }
        }
    }

    fn heading(&mut self, i: usize, p: &Piece) {
        let h = &self.headings[i];
        self.close();
        if h.level != Level::Box {
            self.close_suspended();
        }
        if h.level == Level::Box {
            if self.boxed == Some(BoxMode::Wrapped) {
                // The box heading of a wrapped box: name the box, stay in it.
                if let Some(last) = self.ctx.path.last_mut() {
                    *last = (Level::Box, h.display());
                }
            } else {
                self.end_box();
                self.boxed = Some(BoxMode::Headed { cells: false });
                self.ctx.path.push((Level::Box, h.display()));
            }
        } else {
            self.end_box();
            self.enter(h);
        }
        self.last_heading = None;
        if !p.text.is_empty() {
            let mut t = TextBuilder::default();
            t.push(p.line, &heading_text(h, &normalize(&p.text)));
            // A heading passage is located under the heading itself.
            let ctx = self.ctx.clone();
            self.emit(Kind::Heading, t, &ctx);
            self.last_heading = Some(self.out.len() - 1);
        }
    }

    /// Moves the context to a new heading.
    fn enter(&mut self, h: &Heading) {
        let r = Some(HeadingRef::of(h));
        match h.level {
            Level::Part => {
                self.ctx = Context {
                    part: r,
                    ..Context::default()
                };
            }
            Level::Chapter => {
                let part = if h.form == Form::Chapter {
                    self.ctx.part.take()
                } else {
                    None
                };
                self.ctx = Context {
                    part,
                    chapter: r,
                    ..Context::default()
                };
            }
            Level::Section => {
                self.ctx.section = r;
                self.ctx.path.clear();
            }
            Level::Sub(d) => {
                self.ctx
                    .path
                    .retain(|(l, _)| matches!(l, Level::Sub(x) if *x < d));
                self.ctx.path.push((h.level, h.display()));
            }
            Level::Box => {}
        }
    }

    /// Adds a text piece: continuing the open unit where its sentence is unfinished, else
    /// starting a new one.
    fn text(&mut self, p: &Piece, kind: Kind, new_unit: bool) {
        let text = normalize(&p.text);
        let in_single_box = matches!(
            self.boxed,
            Some(BoxMode::Wrapped | BoxMode::Headed { cells: true })
        );
        if self.open.is_none() && !new_unit && self.boxed.is_none() {
            if let Some(s) = self.suspended.take() {
                if !ends_sentence(&s.text.text) {
                    self.open = Some(s);
                } else {
                    self.suspended = Some(s);
                    self.close_suspended();
                }
            }
        }
        let continues = self.open.as_ref().is_some_and(|u| {
            matches!(u.kind, Kind::Paragraph | Kind::Note | Kind::Box)
                && !ends_sentence(&u.text.text)
        });
        if let Some(u) = &mut self.open {
            if continues && !new_unit {
                u.text.push(p.line, &text);
                return;
            }
            // Inside a wrapped or cell box, the whole box is one passage, a unit per line.
            if in_single_box && u.kind == Kind::Box && kind == Kind::Box {
                u.text.newline();
                u.text.push(p.line, &text);
                return;
            }
        }
        self.close();
        let mut t = TextBuilder::default();
        t.push(p.line, &text);
        self.open = Some(Unit {
            kind,
            text: t,
            ctx: self.ctx.clone(),
        });
    }

    fn table_row(&mut self, p: &Piece) {
        let row: Vec<String> = p.text.split('\t').map(normalize).collect();
        let row = row.join("\t");
        let row = row.trim_end_matches('\t');
        if let Some(u) = &mut self.open {
            if u.kind == Kind::Table {
                u.text.newline();
                u.text.push(p.line, row);
                return;
            }
        }
        // A short unfinished line right before a table is the table's caption.
        if let Some(u) = &mut self.open {
            if u.kind == Kind::Paragraph && u.text.chars <= 40 && !ends_sentence(&u.text.text) {
                u.kind = Kind::Caption;
            }
        }
        self.close();
        let mut t = TextBuilder::default();
        t.push(p.line, row);
        self.open = Some(Unit {
            kind: Kind::Table,
            text: t,
            ctx: self.ctx.clone(),
        });
    }

    fn close(&mut self) {
        if let Some(u) = self.open.take() {
            self.emit(u.kind, u.text, &u.ctx);
        }
    }

    fn close_suspended(&mut self) {
        if let Some(u) = self.suspended.take() {
            self.emit(u.kind, u.text, &u.ctx);
        }
    }

    fn emit(&mut self, kind: Kind, text: TextBuilder, ctx: &Context) {
        if text.is_empty() {
            return;
        }
        let TextBuilder {
            text,
            map,
            first,
            last,
            ..
        } = text;
        self.out.push(Passage {
            kind,
            part: ctx.part.clone(),
            chapter: ctx.chapter.clone(),
            section: ctx.section.clone(),
            path: ctx.path.iter().map(|(_, s)| s.clone()).collect(),
            line_start: first,
            line_end: last,
            text: text.trim_end_matches('\n').to_string(),
            line_map: map,
        });
    }
}

/// A heading passage's text: the line as written, with one space between label and title
/// (`第一章 全面建成小康社会…`), so results read naturally.
fn heading_text(h: &Heading, normalized: &str) -> String {
    let Some(title) = h.title.as_deref().filter(|t| !t.is_empty()) else {
        return normalized.to_string();
    };
    let title = normalize(title);
    match normalized.strip_suffix(title.as_str()) {
        Some(prefix)
            if !prefix.is_empty()
                && !prefix.ends_with(crate::structure::LABEL_ENDS_GLUED)
                && !prefix.ends_with(' ') =>
        {
            format!("{prefix} {title}")
        }
        _ => normalized.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::analyse;

    fn passages(text: &str) -> Vec<Passage> {
        let lines: Vec<String> = text.lines().map(String::from).collect();
        split(&analyse(&lines, "test.txt"))
    }

    fn texts(ps: &[Passage]) -> Vec<(&str, Kind)> {
        ps.iter().map(|p| (p.text.as_str(), p.kind)).collect()
    }

    #[test]
    fn hard_wrapped_lines_join_into_one_paragraph() {
        let ps = passages(
            "第一章 总则\n\n推进产业发展互促互补。抢抓武汉“光芯屏端网”、生\n物医药产业链形成机遇。\n下一段。\n",
        );
        assert_eq!(
            texts(&ps),
            vec![
                ("第一章 总则", Kind::Heading),
                (
                    "推进产业发展互促互补。抢抓武汉“光芯屏端网”、生物医药产业链形成机遇。",
                    Kind::Paragraph
                ),
                ("下一段。", Kind::Paragraph),
            ]
        );
        assert_eq!((ps[1].line_start, ps[1].line_end), (3, 4));
        assert_eq!(ps[1].line_of(0), 3);
        assert_eq!(ps[1].line_of(27), 4);
    }

    #[test]
    fn paragraph_split_by_page_break_and_footnote_is_joined() {
        let ps = passages(
            "第一章 总则\n\n综合实力迈上新台阶，研发机构\n\n¹“1234”发展思路：即一个愿景。\n\n331家，引进一批新型研发机构。\n",
        );
        assert_eq!(
            texts(&ps),
            vec![
                ("第一章 总则", Kind::Heading),
                (
                    "综合实力迈上新台阶，研发机构331家，引进一批新型研发机构。",
                    Kind::Paragraph
                ),
                ("“1234”发展思路：即一个愿景。", Kind::Footnote),
            ]
        );
    }

    #[test]
    fn tables_keep_one_row_per_line_and_take_their_caption() {
        let ps = passages(
            "第一章 总则\n\n主要指标如下：\n\n“十四五”主要指标\n\n类型\t序号\t指标名称\n经济发展\t1\t地区生产总值\n\n\t2\t全员劳动生产率\n\n正文继续。\n",
        );
        assert_eq!(
            texts(&ps)[2..],
            [
                ("“十四五”主要指标", Kind::Caption),
                (
                    "类型\t序号\t指标名称\n经济发展\t1\t地区生产总值\n\t2\t全员劳动生产率",
                    Kind::Table
                ),
                ("正文继续。", Kind::Paragraph),
            ]
        );
    }

    #[test]
    fn headed_box_items_are_box_passages_under_the_box() {
        let ps = passages(
            "第一章 总则\n第一节 创新\n专栏 2 创新平台建设工程\n\n重大科技基础设施：提升性能。\n\n湖北实验室：完善实验室体系。\n第二节 人才\n正文。\n",
        );
        let boxed: Vec<_> = ps.iter().filter(|p| p.kind == Kind::Box).collect();
        assert_eq!(boxed.len(), 2);
        assert_eq!(boxed[0].path, vec!["专栏 2 创新平台建设工程".to_string()]);
        let after = ps.iter().find(|p| p.text == "正文。").unwrap();
        assert_eq!(after.kind, Kind::Paragraph);
        assert!(after.path.is_empty());
        assert_eq!(after.section.as_ref().and_then(|s| s.no), Some(2));
    }

    #[test]
    fn paragraph_interrupted_by_a_wrapped_box_resumes_after_it() {
        let ps = passages(
            "第一章 总则\n第一节 产业\n积极培育智能网联汽\n\n (\n专栏\n \n4-4\n无人驾驶实验园建设\n)车项目，发展增值服务业。\n",
        );
        let para = ps.iter().find(|p| p.kind == Kind::Paragraph).unwrap();
        assert_eq!(para.text, "积极培育智能网联汽车项目，发展增值服务业。");
        assert_eq!((para.line_start, para.line_end), (3, 10));
        let head = ps
            .iter()
            .find(|p| p.kind == Kind::Heading && p.text.contains("无人驾驶"))
            .unwrap();
        assert_eq!(head.text, "专栏 4-4 无人驾驶实验园建设");
    }

    #[test]
    fn two_headings_on_one_line_are_two_passages_and_set_the_path() {
        let ps = passages("第一章 产业\n一、做大做强优势产业 (一) 大健康\n发展大健康产业。\n");
        assert_eq!(
            texts(&ps)[1..],
            [
                ("一、做大做强优势产业", Kind::Heading),
                ("(一)大健康", Kind::Heading),
                ("发展大健康产业。", Kind::Paragraph),
            ]
        );
        // Without 节, 一、 is the section level and （一） the level below it.
        let para = &ps[3];
        assert_eq!(
            para.section.as_ref().and_then(|s| s.title.as_deref()),
            Some("做大做强优势产业")
        );
        assert_eq!(para.path, vec!["（一）大健康".to_string()]);
    }
}
