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
    /// The 1-based lines of the headings the passage sits under, outermost first; a heading
    /// passage's own line is the last. A passage is under heading passage `h` when `h.line_start`
    /// is among its heads.
    pub heads: Vec<u32>,
    /// The first and last page (1-based) the passage's text stands on, for a paged format (PDF).
    pub pages: Option<(u32, u32)>,
}

/// What a passage is, for ranking: policy text, or text that only names a topic or lists things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Genre {
    /// Sentences of the plan's own: what it says it will do.
    Policy,
    /// A heading: it names a topic its section treats.
    Heading,
    /// Glossary, appendix, notes and footnotes: explanations, not policy.
    BackMatter,
    /// A table, a caption, or cells a converter left one per line.
    Table,
    /// An enumeration of names (projects, places, institutions) with little else.
    List,
}

impl Genre {
    pub const ALL: [Genre; 5] = [
        Genre::Policy,
        Genre::Heading,
        Genre::BackMatter,
        Genre::Table,
        Genre::List,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Genre::Policy => "policy",
            Genre::Heading => "heading",
            Genre::BackMatter => "back_matter",
            Genre::Table => "table",
            Genre::List => "list",
        }
    }

    /// The value stored in the index.
    pub fn code(self) -> u64 {
        Genre::ALL.iter().position(|&g| g == self).unwrap_or(0) as u64
    }
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

    /// What the passage is for ranking (see [`Genre`]), from its kind, where it sits and the
    /// shape of its text.
    pub fn genre(&self) -> Genre {
        match self.kind {
            Kind::Heading => return Genre::Heading,
            Kind::Footnote | Kind::Note => return Genre::BackMatter,
            Kind::Table | Kind::Caption => return Genre::Table,
            Kind::Paragraph | Kind::Box => {}
        }
        let back = |h: &Option<HeadingRef>| {
            h.as_ref()
                .is_some_and(|h| crate::structure::heading::is_back_matter(&h.label))
        };
        if back(&self.chapter) || back(&self.section) {
            return Genre::BackMatter;
        }
        if is_fragments(&self.text) {
            return Genre::Table;
        }
        if is_name_list(&self.text) {
            return Genre::List;
        }
        Genre::Policy
    }
}

impl Passage {
    /// Whether the passage sits in a plan's framing rather than its measures: the review of the
    /// last plan, the situation, the guiding ideas and principles, the targets, the arrangements
    /// for carrying the plan out. Every five-year plan has these parts and names them in the same
    /// words; what they say of a topic is a slogan or a goal, what the plan will do about it is
    /// in the chapters that follow.
    pub fn framing(&self) -> bool {
        [&self.chapter, &self.section]
            .into_iter()
            .flatten()
            .filter_map(|h| h.title.as_deref())
            .any(is_framing_title)
    }

    /// The share of the passage's clauses that open with a verb of policy action (推进, 加快,
    /// 完善 …): what a plan says it will do, against what it reviews or describes.
    pub fn action_share(&self) -> f32 {
        action_share(&self.text)
    }
}

/// Titles of the framing parts of a plan (see [`Passage::framing`]).
const FRAMING: [&str; 26] = [
    "发展基础",
    "发展成就",
    "主要成绩",
    "决定性成就",
    "发展形势",
    "形势分析",
    "面临的",
    "机遇和挑战",
    "机遇与挑战",
    "时期发展环境",
    // 发展环境面临深刻复杂变化 — not 创造和谐稳定的发展环境, a chapter of measures.
    "发展环境面临",
    // 全面建成小康社会，开启全面建设社会主义现代化新征程: the opening chapter's review.
    "小康社会",
    "新征程",
    "指导思想",
    "总体要求",
    "总体思路",
    "发展思路",
    "发展定位",
    "战略定位",
    "基本原则",
    "主要目标",
    "发展目标",
    "远景目标",
    "规划实施",
    "实施保障",
    "保障措施",
];

fn is_framing_title(title: &str) -> bool {
    FRAMING.iter().any(|f| title.contains(f))
}

/// Verbs with which plans open a clause that says what will be done.
const ACTION: [&str; 37] = [
    "推进", "推动", "加快", "加强", "实施", "建设", "完善", "健全", "建立", "构建", "打造", "培育",
    "发展", "提升", "提高", "深化", "优化", "强化", "促进", "支持", "鼓励", "引导", "开展", "落实",
    "探索", "创新", "坚持", "扩大", "统筹", "力争", "确保", "全面", "大力", "积极", "着力", "持续",
    "深入",
];

/// The share of `text`'s clauses that open with a verb of [`ACTION`] (see
/// [`Passage::action_share`]).
pub fn action_share(text: &str) -> f32 {
    let clauses: Vec<&str> = text
        .split(is_clause_mark)
        .map(|c| c.trim_start_matches(|c: char| !c.is_alphanumeric()))
        .filter(|c| !c.is_empty())
        .collect();
    if clauses.is_empty() {
        return 0.0;
    }
    let acting = clauses
        .iter()
        .filter(|c| ACTION.iter().any(|a| c.starts_with(a)) || c.starts_with("进一步"))
        .count();
    acting as f32 / clauses.len() as f32
}

/// Sentence punctuation: where prose has it, cells and names do not.
fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '：' | ',' | ';' | '！' | '？')
}

/// Cells one per line: several lines, most of them short and without sentence punctuation —
/// what a converter leaves of a table it could not keep as rows.
fn is_fragments(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() < 3 {
        return false;
    }
    let cells = lines
        .iter()
        .filter(|l| l.chars().count() <= 16 && !l.chars().any(is_clause_mark))
        .count();
    cells * 3 >= lines.len() * 2
}

/// An enumeration: most of the text is short items between enumeration commas (`、`), with
/// few clauses around them — a list of projects, parks or institutions.
fn is_name_list(text: &str) -> bool {
    let total = text.chars().count();
    if total < 40 {
        return false;
    }
    let mut in_items = 0;
    let mut items = 0;
    for clause in text.split(is_clause_mark) {
        let parts: Vec<&str> = clause.split('、').collect();
        if parts.len() < 3 {
            continue;
        }
        let short = parts.iter().filter(|p| p.chars().count() <= 12).count();
        if short * 4 >= parts.len() * 3 {
            items += parts.len();
            in_items += clause.chars().count();
        }
    }
    items >= 8 && in_items * 10 >= total * 7
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

    /// The text after the last line break.
    fn last_line(&self) -> &str {
        self.text.rsplit('\n').next().unwrap_or_default()
    }

    /// Replaces the text after the last line break with `text`, which now also holds 0-based
    /// file line `line`; its characters are located on the line the replaced text began on.
    fn replace_last_line(&mut self, line: usize, text: &str) {
        let start = self.text.rfind('\n').map_or(0, |i| i + 1);
        self.text.truncate(start);
        self.chars = self.text.chars().count() as u32;
        let last_line_of_row = self
            .map
            .iter()
            .rev()
            .find(|&&(o, _)| o <= self.chars)
            .copied();
        self.map.retain(|&(o, _)| o <= self.chars);
        if let Some((o, l)) = last_line_of_row {
            if self.map.last() != Some(&(o, l)) {
                self.map.push((o, l));
            }
        }
        self.text.push_str(text);
        self.chars += text.chars().count() as u32;
        self.last = self.last.max(line as u32 + 1);
    }
}

/// The previous table row with a wrapped cell joined, if `row` is only the wrapped rest of one
/// of its cells: `row` fills one column, with a few characters that are not a number, and the
/// row above has text in that column that does not end a sentence.
fn wrapped_cell(previous: &str, row: &str) -> Option<String> {
    let cells: Vec<&str> = row.split('\t').collect();
    let mut filled = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty());
    let (col, rest) = filled.next()?;
    if filled.next().is_some() || cells.len() < 2 {
        return None;
    }
    let rest = rest.trim();
    let short_text = rest.chars().count() <= 8
        && rest
            .chars()
            .any(|c| !c.is_ascii_digit() && !matches!(c, '.' | '%' | '-' | '/' | '[' | ']'));
    let mut above: Vec<String> = previous.split('\t').map(str::to_string).collect();
    let cell = above.get_mut(col)?;
    if !short_text || cell.trim().is_empty() || ends_sentence(cell) {
        return None;
    }
    cell.push_str(rest);
    Some(above.join("\t"))
}

/// The heading context a passage is read under.
#[derive(Debug, Clone, Default)]
struct Context {
    part: Option<HeadingRef>,
    chapter: Option<HeadingRef>,
    section: Option<HeadingRef>,
    /// (level, display) of headings below the section, and the box.
    path: Vec<(Level, String)>,
    /// (level, 1-based line) of every heading the context is under, outermost first.
    heads: Vec<(Level, u32)>,
}

impl Context {
    /// Under a new heading at `level` on 1-based `line`: the deeper ones it closes are left.
    fn head(&mut self, level: Level, line: u32) {
        self.heads.retain(|(l, _)| *l < level);
        self.heads.push((level, line));
    }
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
                self.ctx.head(Level::Box, p.line as u32 + 1);
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
            self.ctx.heads.retain(|(l, _)| *l != Level::Box);
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
                self.ctx.head(Level::Box, h.line as u32 + 1);
            } else {
                self.end_box();
                self.boxed = Some(BoxMode::Headed { cells: false });
                self.ctx.path.push((Level::Box, h.display()));
                self.ctx.head(Level::Box, h.line as u32 + 1);
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
        let line = h.line as u32 + 1;
        match h.level {
            Level::Part => {
                self.ctx = Context {
                    part: r,
                    heads: vec![(Level::Part, line)],
                    ..Context::default()
                };
            }
            Level::Chapter => {
                let part = if h.form == Form::Chapter {
                    self.ctx.part.take()
                } else {
                    None
                };
                let mut heads: Vec<(Level, u32)> = Vec::new();
                if part.is_some() {
                    heads.extend(self.ctx.heads.iter().filter(|(l, _)| *l == Level::Part));
                }
                heads.push((Level::Chapter, line));
                self.ctx = Context {
                    part,
                    chapter: r,
                    heads,
                    ..Context::default()
                };
            }
            Level::Section => {
                self.ctx.section = r;
                self.ctx.path.clear();
                self.ctx.head(Level::Section, line);
            }
            Level::Sub(d) => {
                self.ctx
                    .path
                    .retain(|(l, _)| matches!(l, Level::Sub(x) if *x < d));
                self.ctx.path.push((h.level, h.display()));
                self.ctx.head(h.level, line);
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
                // A cell the converter wrapped onto a row of its own is joined to the cell above,
                // so that its words are found whole.
                if let Some(merged) = wrapped_cell(u.text.last_line(), row) {
                    u.text.replace_last_line(p.line, &merged);
                    return;
                }
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
            heads: ctx.heads.iter().map(|&(_, l)| l).collect(),
            pages: None,
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
    fn a_table_cell_wrapped_onto_its_own_row_is_joined_to_the_cell_above() {
        let ps = passages(
            "第一章 总则\n\n类别\t序号\t指标名称\t属性\n绿色生态\t1\t单位地区生产总值能耗降\t约束性\n\t\t低\t\n\t2\t森林覆盖率\t约束性\n\t\t30\t\n",
        );
        let table = ps.iter().find(|p| p.kind == Kind::Table).unwrap();
        assert_eq!(
            table.text,
            "类别\t序号\t指标名称\t属性\n绿色生态\t1\t单位地区生产总值能耗降低\t约束性\n\t2\t森林覆盖率\t约束性\n\t\t30"
        );
        // The joined cell is located on the row's first line; the table ends on its last.
        let at = table.text.find("能耗降低").unwrap();
        let offset = table.text[..at].chars().count() as u32;
        assert_eq!(table.line_of(offset), 4);
        assert_eq!((table.line_start, table.line_end), (3, 7));
        assert!(wrapped_cell("a\tb", "\t\t").is_none());
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
    fn passages_know_the_lines_of_the_headings_above_them() {
        let ps = passages(
            "第一章 总则\n第一节 创新\n一、平台\n建设平台。\n专栏 1 平台工程\n\n实验室：完善体系。\n第二节 人才\n引进人才。\n第二章 产业\n发展产业。\n",
        );
        let heads = |t: &str| ps.iter().find(|p| p.text == t).unwrap().heads.clone();
        assert_eq!(heads("建设平台。"), [1, 2, 3]);
        assert_eq!(heads("实验室：完善体系。"), [1, 2, 3, 5]);
        // A new section closes the sub-heading and the box above it.
        assert_eq!(heads("引进人才。"), [1, 8]);
        assert_eq!(heads("发展产业。"), [10]);
        // A heading passage's own line comes last.
        assert_eq!(heads("第二节 人才"), [1, 8]);
    }

    #[test]
    fn genre_tells_policy_from_headings_back_matter_cells_and_lists() {
        let ps = passages(
            "第一章 总则\n推进营商环境持续优化，深化“放管服”改革，降低企业制度性交易成本。\n重点建设光谷生物城、光谷南大健康产业园、环同济医学园区、华中科技大学、武汉大学、湖北大学、武汉理工大学、中南民族大学、湖北工业大学和武汉纺织大学。\n名词解释\n1.“四办”改革：即马上办、网上办、就近办、一次办。\n",
        );
        let genre = |t: &str| ps.iter().find(|p| p.text.starts_with(t)).unwrap().genre();
        assert_eq!(genre("推进营商环境"), Genre::Policy);
        assert_eq!(genre("第一章"), Genre::Heading);
        assert_eq!(genre("重点建设光谷"), Genre::List);
        assert_eq!(genre("1.“四办”"), Genre::BackMatter);
        assert!(is_fragments(
            "项目名称\n建设内容\n总投资\n光谷生物城二期\n厂房及配套"
        ));
        assert!(!is_fragments(
            "推进产业发展。\n加强人才引进，完善服务。\n优化营商环境。"
        ));
        assert!(!is_name_list(
            "推进营商环境持续优化，深化“放管服”改革，降低企业制度性交易成本，提升政务服务水平。"
        ));
    }

    #[test]
    fn framing_parts_and_policy_action() {
        let ps = passages(
            "第一章 发展基础和发展环境\n“十三五”时期，全区经济总量跃上新台阶。\n第二章 加快数字经济发展\n第一节 培育数字产业\n加快发展数字产业，推进产业数字化，完善数据要素市场。\n",
        );
        let p = |t: &str| ps.iter().find(|p| p.text.starts_with(t)).unwrap();
        assert!(p("“十三五”").framing());
        assert!(!p("加快发展").framing());
        // The opening chapter's usual titles: its review, its environment.
        let ps = passages(
            "第一章 全面建成小康社会，开启全面建设社会主义现代化新征程\n“十四五”时期是开局五年。\n第二节 发展环境面临深刻复杂变化\n当今世界正经历百年未有之大变局。\n",
        );
        assert!(
            ps.iter()
                .filter(|p| p.kind != Kind::Heading)
                .all(|p| p.framing())
        );
        // A chapter of measures that names the environment it creates is not framing.
        let ps = passages("第十六章 统筹发展和安全 创造和谐稳定的发展环境\n健全应急管理体系。\n");
        assert!(!ps.iter().any(|p| p.framing()));
        assert_eq!(p("加快发展").action_share(), 1.0);
        assert_eq!(p("“十三五”").action_share(), 0.0);
        assert_eq!(
            action_share("市场主体活力明显增强，营商环境持续改善。"),
            0.0
        );
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
