//! Stage 2: the plan's structure, recovered from its lines.
//!
//! Input: the decoded lines of one file ([`crate::read::SourceText`]). Output: a [`Structure`]
//! — the front-page metadata, the table of contents, the outline (chapters 章 and sections 节,
//! including headings inferred where the converter lost them), and the body as a sequence of
//! [`Piece`]s, each a line or part of a line with the role it plays (heading, text, table row,
//! caption, footnote, box marker …). The passage stage turns pieces into searchable passages.
//!
//! Nothing here names a particular plan: every rule is about forms, sequences and evidence, so
//! a plan never seen before is read the same way.

pub mod clean;
pub mod heading;
pub mod infer;
pub mod meta;
pub mod numeral;
pub mod toc;

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use clean::{CleanLine, Indent, normalize};
use heading::{CaptionKind, Form, HeadingLine};
pub use meta::DocMeta;
use toc::Toc;

/// A level of the plan's hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 第X篇.
    Part,
    /// 第X章, and unnumbered chapter-level headings (前言, 名词解释).
    Chapter,
    /// 第X节, or `一、` in a plan without 节.
    Section,
    /// Deeper numbered levels, shallow (0) to deep.
    Sub(u8),
    /// 专栏: a box inside a section.
    Box,
}

/// A heading of the plan, explicit or inferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: Level,
    pub form: Form,
    pub no: Option<u32>,
    /// 第八章, 二、, 专栏 4-1, 前言; for an inferred heading, the label its number implies.
    pub label: String,
    /// `None` where unknown: an inferred heading whose title no TOC records.
    pub title: Option<String>,
    /// 0-based line index: the heading line, or for an inferred heading the first line of its
    /// content.
    pub line: usize,
    pub inferred: bool,
}

impl Heading {
    /// The heading as one line of text: `第八章 加快建设文化强区`.
    pub fn display(&self) -> String {
        join_label(&self.label, self.title.as_deref())
    }
}

/// Labels that end in these are written against their title: `二、基本原则`, `（一）总体要求`.
pub const LABEL_ENDS_GLUED: [char; 5] = ['、', '）', ')', '.', '．'];

/// A heading's label and title as one line: `第八章 加快建设文化强区`, `二、基本原则`, `前言`.
pub fn join_label(label: &str, title: Option<&str>) -> String {
    match title {
        Some(t) if !t.is_empty() && t != label => {
            let sep = if label.ends_with(LABEL_ENDS_GLUED) {
                ""
            } else {
                " "
            };
            format!("{label}{sep}{t}")
        }
        _ => label.to_string(),
    }
}

/// The role a piece of the body plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Blank,
    /// A heading; the index is into [`Structure::headings`]. An inferred heading's piece has
    /// empty text: it marks a boundary and carries no words.
    Heading(usize),
    /// The number or title line of a box heading that a converter split over several lines.
    HeadingPart,
    /// Ordinary text. `new_unit` is set where the line must begin a new paragraph: a numbered
    /// item, a list item, a table cell on its own line.
    Text {
        indent: Indent,
        new_unit: bool,
    },
    Footnote,
    Note,
    TableRow,
    Caption(CaptionKind),
    /// The `(` line that opens a box in some converters' output.
    BoxOpen,
    /// The `)` that closes such a box.
    BoxClose,
}

/// A line of the body, or the part of a line that plays one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// 0-based line index in the file.
    pub line: usize,
    /// Cleaned text (converter noise removed, whitespace as in the file).
    pub text: String,
    pub role: Role,
}

/// A plan's structure: metadata, TOC, headings and the body as pieces.
#[derive(Debug, Clone)]
pub struct Structure {
    pub meta: DocMeta,
    /// 0-based line range of the front page.
    pub front: Range<usize>,
    pub toc: Option<Toc>,
    pub headings: Vec<Heading>,
    pub pieces: Vec<Piece>,
}

/// The outline of a plan as `plansearch outline` prints it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Outline {
    pub file: String,
    pub region: String,
    pub title: Option<String>,
    pub chapters: Vec<OutlineChapter>,
}

/// A chapter in the outline. `line` is 1-based.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutlineChapter {
    /// The label as plansearch writes it: 第三章, 前言.
    pub label: String,
    pub no: Option<u32>,
    pub title: Option<String>,
    pub line: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<OutlinePart>,
    pub sections: Vec<OutlineSection>,
}

/// The part (篇) a chapter belongs to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutlinePart {
    pub no: Option<u32>,
    pub title: Option<String>,
}

/// A section in the outline. `line` is 1-based.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutlineSection {
    /// 第二节, or 二、 in a plan without 节.
    pub label: String,
    pub no: Option<u32>,
    pub title: Option<String>,
    pub line: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
}

/// A piece before its heading is resolved to a level.
enum Draft {
    Heading {
        line: usize,
        text: String,
        h: HeadingLine,
    },
    Other(Piece),
}

/// Reads the structure of one plan from its decoded lines. `file` is the file name.
pub fn analyse(lines: &[String], file: &str) -> Structure {
    analyse_with_levels(lines, file, &[])
}

/// Reads the structure of one plan whose format marked some lines as headings: `levels[i]` is
/// the outline level (0 = chapter, 1 = section, deeper below) a line's style gave it. Such a
/// line is a heading even without a label (第X章) in its text, numbered in turn with its level.
pub fn analyse_with_levels(lines: &[String], file: &str, levels: &[Option<u8>]) -> Structure {
    let markdown = lines
        .iter()
        .filter(|l| clean::looks_like_markdown_heading(l))
        .count()
        >= 3;
    let cleaned: Vec<CleanLine> = lines
        .iter()
        .map(|l| clean::clean_line(l, markdown))
        .collect();
    let toc = toc::find(&cleaned);
    let front = meta::front_matter(&cleaned, toc.as_ref().map(|t| t.lines.start));
    let meta = meta::read(&cleaned, front.clone(), file);

    let in_toc = |i: usize| toc.as_ref().is_some_and(|t| t.lines.contains(&i));
    let body: Vec<usize> = (0..cleaned.len())
        .filter(|&i| !front.contains(&i) && !in_toc(i))
        .collect();
    let mut drafts = classify(&cleaned, &body);
    if levels.iter().any(Option::is_some) {
        headings_from_levels(&mut drafts, &cleaned, levels);
    }
    assemble_box_titles(&mut drafts);

    let has_sections = drafts
        .iter()
        .any(|d| matches!(d, Draft::Heading { h, .. } if h.form == Form::Section));
    let level_of = |form: Form| level_for(form, has_sections);
    confirm_ocr_numbers(&mut drafts, &level_of);

    let toc_titles = TocTitles::new(toc.as_ref(), &level_of);
    let (mut headings, mut pieces) = resolve(drafts, &level_of, &toc_titles);
    insert_lost_headings(&mut headings, &mut pieces, &cleaned);
    title_inferred_headings(&mut headings, &pieces, &toc_titles);

    Structure {
        meta,
        front,
        toc,
        headings,
        pieces,
    }
}

fn level_for(form: Form, has_sections: bool) -> Level {
    match form {
        Form::Part => Level::Part,
        Form::Chapter | Form::Special(_) => Level::Chapter,
        Form::Section => Level::Section,
        Form::Box => Level::Box,
        sub => {
            let depth = sub.sub_depth().unwrap_or(0);
            if has_sections {
                Level::Sub(depth)
            } else if depth == 0 {
                Level::Section
            } else {
                Level::Sub(depth - 1)
            }
        }
    }
}

fn is_table_row(text: &str) -> bool {
    text.contains('\t') && text.split('\t').filter(|c| !c.trim().is_empty()).count() >= 2
}

/// First pass: each body line becomes one or more drafts by its form alone.
fn classify(lines: &[CleanLine], body: &[usize]) -> Vec<Draft> {
    let mut drafts = Vec::new();
    let mut wrapper_depth = 0usize;
    for &i in body {
        let l = &lines[i];
        let t = l.text.as_str();
        let piece = |text: &str, role: Role| {
            Draft::Other(Piece {
                line: i,
                text: text.to_string(),
                role,
            })
        };
        if t.is_empty() {
            drafts.push(piece("", Role::Blank));
            continue;
        }
        // Box wrappers are ASCII parentheses on their own; full-width ones are text.
        if t.trim() == "(" {
            wrapper_depth += 1;
            drafts.push(piece(t, Role::BoxOpen));
            continue;
        }
        if let Some(rest) = t.strip_prefix(')') {
            if wrapper_depth > 0 || rest.trim().is_empty() {
                wrapper_depth = wrapper_depth.saturating_sub(1);
                drafts.push(piece(&t[..t.len() - rest.len()], Role::BoxClose));
                let rest = rest.trim();
                if rest == "(" {
                    wrapper_depth += 1;
                    drafts.push(piece(rest, Role::BoxOpen));
                } else if !rest.is_empty() {
                    classify_text(i, rest, Indent::None, l, &mut drafts);
                }
                continue;
            }
        }
        classify_text(i, t, l.indent, l, &mut drafts);
    }
    drafts
}

fn classify_text(i: usize, t: &str, indent: Indent, l: &CleanLine, drafts: &mut Vec<Draft>) {
    let other = |text: &str, role: Role| {
        Draft::Other(Piece {
            line: i,
            text: text.to_string(),
            role,
        })
    };
    if l.footnote_mark {
        drafts.push(other(t, Role::Footnote));
        return;
    }
    if let Some(h) = heading::detect(t).filter(|h| !continues_a_sentence(h, l, drafts)) {
        let collapsed = heading::collapse_spaces(t);
        let rest = h.rest.clone();
        let own = match &rest {
            Some(r) => collapsed[..collapsed.len() - r.len()].trim().to_string(),
            None => collapsed,
        };
        drafts.push(Draft::Heading {
            line: i,
            text: own,
            h,
        });
        if let Some(r) = rest {
            classify_text(i, &r, Indent::None, &CleanLine::default(), drafts);
        }
        return;
    }
    if let Some((kind, caption, rest)) = heading::caption(t) {
        drafts.push(other(&caption, Role::Caption(kind)));
        if let Some(r) = rest {
            classify_text(i, &r, Indent::None, &CleanLine::default(), drafts);
        }
        return;
    }
    if heading::is_note(t) {
        drafts.push(other(t, Role::Note));
    } else if continues_a_cell(t, l, drafts) {
        // Back in its column, for the passage stage to join to the cell above.
        let cell = format!(
            "{}{}",
            "\t".repeat(l.leading_tabs),
            t.trim_start_matches('\t')
        );
        drafts.push(other(&cell, Role::TableRow));
    } else if is_table_row(t) {
        drafts.push(other(t, Role::TableRow));
    } else {
        // A list marker alone does not end an unfinished sentence: converters put one on the
        // continuation of a wrapped list item too.
        let new_unit = indent == Indent::Tab || heading::starts_item(t);
        drafts.push(other(t, Role::Text { indent, new_unit }));
    }
}

/// Lines a format marked as headings (by style) that carry no label of their own become headings
/// of their level, numbered after the last heading of that level in the same parent.
fn headings_from_levels(drafts: &mut [Draft], lines: &[CleanLine], levels: &[Option<u8>]) {
    let form_of = |level: u8| match level {
        0 => Form::Chapter,
        1 => Form::Section,
        2 => Form::Yi,
        3 => Form::ParenYi,
        _ => Form::Arabic,
    };
    // The last number seen at each level, reset below a new heading.
    let mut last: [u32; 5] = [0; 5];
    let depth = |form: Form| match form {
        Form::Chapter => Some(0),
        Form::Section => Some(1),
        Form::Yi => Some(2),
        Form::ParenYi => Some(3),
        Form::Arabic => Some(4),
        _ => None,
    };
    for d in drafts.iter_mut() {
        let (line, text) = match d {
            Draft::Heading { h, .. } => {
                if let (Some(k), Some(no)) = (depth(h.form), h.no) {
                    last[k] = no;
                    last[k + 1..].fill(0);
                }
                continue;
            }
            Draft::Other(p) if matches!(p.role, Role::Text { .. }) => (p.line, p.text.clone()),
            Draft::Other(_) => continue,
        };
        let Some(level) = levels.get(line).copied().flatten() else {
            continue;
        };
        let title = heading::collapse_spaces(&lines[line].text);
        // A styled line that is a sentence is body text whatever its style says.
        if title.is_empty() || title.chars().count() > 60 || title.ends_with('。') {
            continue;
        }
        let form = form_of(level);
        let k = depth(form).unwrap_or(4);
        last[k] += 1;
        last[k + 1..].fill(0);
        *d = Draft::Heading {
            line,
            text: text.clone(),
            h: HeadingLine {
                form,
                no: Some(last[k]),
                ocr: false,
                label: heading::label_for(form, last[k]),
                title,
                rest: None,
            },
        };
    }
}

/// A line of one short cell, placed in its column by leading tabs, right after a table row: the
/// wrapped rest of a cell above (the passage stage joins it).
fn continues_a_cell(t: &str, l: &CleanLine, drafts: &[Draft]) -> bool {
    let cells: Vec<&str> = t.split('\t').filter(|c| !c.trim().is_empty()).collect();
    let after_row = drafts.iter().rev().find_map(|d| match d {
        Draft::Other(p) if p.role == Role::Blank => None,
        Draft::Other(p) => Some(p.role == Role::TableRow),
        Draft::Heading { .. } => Some(false),
    });
    l.leading_tabs > 0
        && cells.len() == 1
        && cells[0].chars().count() <= 8
        && after_row == Some(true)
}

/// A numbered sub-level label right after a sentence that has not ended is the wrapped rest of
/// that sentence (`…“生命至` / `上、举国同心…`), not a heading; a markdown `#` says otherwise.
fn continues_a_sentence(h: &HeadingLine, l: &CleanLine, drafts: &[Draft]) -> bool {
    if h.form.sub_depth().is_none() || l.markdown_heading {
        return false;
    }
    let previous = drafts.iter().rev().find_map(|d| match d {
        Draft::Other(p) if matches!(p.role, Role::Blank | Role::Footnote) => None,
        Draft::Other(p) => Some(Some(p)),
        Draft::Heading { .. } => Some(None),
    });
    matches!(previous, Some(Some(p)) if matches!(p.role, Role::Text { .. }) && !clean::ends_sentence(&p.text))
}

/// Converters that wrap boxes in `(` … `)` split the box heading over lines: `专栏`, ` `, `4-4`,
/// then the title. The pieces become one box heading; the parts that follow its first line are
/// marked [`Role::HeadingPart`].
fn assemble_box_titles(drafts: &mut [Draft]) {
    let next_content = |drafts: &[Draft], from: usize| -> Option<usize> {
        (from..drafts.len())
            .find(|&k| !matches!(&drafts[k], Draft::Other(p) if p.role == Role::Blank))
    };
    let is_title_text = |p: &Piece| {
        matches!(p.role, Role::Text { .. })
            && !p.text.contains('。')
            && !clean::ends_sentence(&p.text)
            && normalize(&p.text).chars().count() <= 40
    };
    // Without 专栏 or a number, only a line named like a box (…工程, …项目) is its title.
    let is_bare_title = |p: &Piece| {
        let t = normalize(&p.text);
        is_title_text(p)
            && t.chars().count() >= 4
            && [
                "工程", "项目", "行动", "计划", "目录", "方向", "指标", "清单", "布局", "专项",
            ]
            .iter()
            .any(|w| t.ends_with(w))
    };
    let mut k = 0;
    while k < drafts.len() {
        let opens = matches!(&drafts[k], Draft::Other(p) if p.role == Role::BoxOpen);
        k += 1;
        if !opens {
            continue;
        }
        let Some(first) = next_content(drafts, k) else {
            break;
        };
        // The box heading's own line: "专栏", a number alone, or a bare title.
        let (mut label, number_line) = match &drafts[first] {
            Draft::Heading { h, .. } if h.form == Form::Box && h.title.is_empty() => {
                (h.label.clone(), None)
            }
            Draft::Other(p) if heading::box_number_only(&p.text).is_some() => (
                format!(
                    "专栏 {}",
                    heading::box_number_only(&p.text).unwrap_or_default()
                ),
                Some(first),
            ),
            Draft::Other(p) if is_bare_title(p) => {
                let title = heading::collapse_spaces(&p.text);
                let line = p.line;
                let text = p.text.clone();
                drafts[first] = Draft::Heading {
                    line,
                    text,
                    h: HeadingLine {
                        form: Form::Box,
                        no: None,
                        ocr: false,
                        label: "专栏".into(),
                        title,
                        rest: None,
                    },
                };
                continue;
            }
            _ => continue,
        };
        let mut head = first;
        let mut cursor = first + 1;
        if number_line.is_none() {
            if let Some(n) = next_content(drafts, cursor) {
                if let Draft::Other(p) = &drafts[n] {
                    if let Some(number) = heading::box_number_only(&p.text) {
                        label = format!("专栏 {number}");
                        if let Draft::Other(p) = &mut drafts[n] {
                            p.role = Role::HeadingPart;
                        }
                        cursor = n + 1;
                    }
                }
            }
        }
        let mut title = String::new();
        if let Some(n) = next_content(drafts, cursor) {
            if let Draft::Other(p) = &mut drafts[n] {
                if is_title_text(p) {
                    title = heading::collapse_spaces(&p.text);
                    p.role = Role::HeadingPart;
                }
            }
        }
        // The first line becomes the heading itself.
        if let Draft::Other(p) = &drafts[head] {
            let (line, text) = (p.line, p.text.clone());
            drafts[head] = Draft::Heading {
                line,
                text,
                h: HeadingLine {
                    form: Form::Box,
                    no: None,
                    ocr: false,
                    label: label.clone(),
                    title: title.clone(),
                    rest: None,
                },
            };
        } else if let Draft::Heading { h, .. } = &mut drafts[head] {
            h.label = label;
            h.title = title;
        }
        head += 1;
        k = head;
    }
}

/// Keeps an OCR-read heading number (`第ハ章`, `—,`) only where the sequence at its level
/// expects exactly that number; otherwise the line is ordinary text.
fn confirm_ocr_numbers(drafts: &mut [Draft], level_of: &dyn Fn(Form) -> Level) {
    let mut last: HashMap<Level, u32> = HashMap::new();
    for d in drafts.iter_mut() {
        let Draft::Heading { line, text, h, .. } = d else {
            continue;
        };
        let level = level_of(h.form);
        let expected = last.get(&level).map_or(1, |n| n + 1);
        if h.ocr && h.no != Some(expected) {
            let text = std::mem::take(text);
            let new_unit = heading::starts_item(&text);
            *d = Draft::Other(Piece {
                line: *line,
                text,
                role: Role::Text {
                    indent: Indent::None,
                    new_unit,
                },
            });
            continue;
        }
        if h.ocr {
            if let Some(no) = h.no {
                h.label = heading::label_for(h.form, no);
            }
        }
        last.retain(|l, _| *l <= level);
        if let Some(no) = h.no {
            last.insert(level, no);
        }
    }
}

fn resolve(
    drafts: Vec<Draft>,
    level_of: &dyn Fn(Form) -> Level,
    toc: &TocTitles,
) -> (Vec<Heading>, Vec<Piece>) {
    let mut headings = Vec::new();
    let mut pieces = Vec::with_capacity(drafts.len());
    let mut chapter = 0u32;
    for d in drafts {
        match d {
            Draft::Other(p) => pieces.push(p),
            Draft::Heading { line, text, h, .. } => {
                let level = level_of(h.form);
                let toc_title = toc_key(level, h.form, h.no, &mut chapter).and_then(|k| toc.get(k));
                let title = match h.form {
                    Form::Special(_) => Some(h.label.clone()),
                    _ => Some(choose_title(&h.title, toc_title)).filter(|t| !t.is_empty()),
                };
                headings.push(Heading {
                    level,
                    form: h.form,
                    no: h.no,
                    label: h.label,
                    title,
                    line,
                    inferred: false,
                });
                pieces.push(Piece {
                    line,
                    text,
                    role: Role::Heading(headings.len() - 1),
                });
            }
        }
    }
    (headings, pieces)
}

/// A heading title: wrap spaces removed, unless the TOC writes the same title with the same
/// spaces, in which case they are the authors' (`全面建成小康社会 开启全面建设…`).
fn choose_title(raw: &str, toc_title: Option<&str>) -> String {
    let normalized = normalize(raw);
    match toc_title {
        Some(t) if raw.contains(' ') && heading::collapse_spaces(t) == raw => raw.to_string(),
        _ => normalized,
    }
}

/// Builds the skeleton the inference reads, runs it, and inserts the inferred headings as
/// empty heading pieces before the paragraphs where they begin.
fn insert_lost_headings(headings: &mut Vec<Heading>, pieces: &mut Vec<Piece>, lines: &[CleanLine]) {
    use infer::Node;
    let starts = unit_starts(pieces);
    let box_starts = boxes_without_open(pieces, &starts);
    let mut nodes = Vec::new();
    let mut node_piece = Vec::new();
    let mut depth = 0usize;
    for (k, p) in pieces.iter().enumerate() {
        match &p.role {
            Role::BoxOpen => depth += 1,
            Role::BoxClose => depth = depth.saturating_sub(1),
            _ => {}
        }
        let node = match &p.role {
            Role::Heading(h) => {
                let h = &headings[*h];
                let ids = lines[h.line].bookmark_ids.clone();
                Some(match (h.level, h.no) {
                    (Level::Chapter, Some(no)) if h.form == Form::Chapter => {
                        Node::Chapter { no, ids }
                    }
                    (Level::Section, Some(no)) => Node::Section { no, ids },
                    (Level::Box, _) => match heading::box_chapter(&h.label) {
                        Some(c) => Node::BoxOf(c),
                        None => Node::Heading { ids },
                    },
                    _ => Node::Heading { ids },
                })
            }
            _ if starts.contains(&k) => {
                let indented = matches!(
                    p.role,
                    Role::Text {
                        indent: Indent::Space,
                        ..
                    }
                );
                let inside_box = depth > 0 || box_starts.contains(&k);
                Some(if indented && !inside_box {
                    Node::Candidate {
                        lead: infer::opens_with_lead_phrase(&normalize(&p.text)),
                    }
                } else {
                    Node::Start
                })
            }
            _ => None,
        };
        if let Some(n) = node {
            nodes.push(n);
            node_piece.push(k);
        }
    }
    let lost = infer::infer(&nodes);
    if lost.is_empty() {
        return;
    }
    let section_form = if headings.iter().any(|h| h.form == Form::Section) {
        Form::Section
    } else {
        Form::Yi
    };
    // Insert from the back so piece indices stay valid.
    for l in lost.iter().rev() {
        let at = node_piece[l.at];
        let (level, form) = match l.level {
            infer::LostLevel::Chapter => (Level::Chapter, Form::Chapter),
            infer::LostLevel::Section => (Level::Section, section_form),
        };
        headings.push(Heading {
            level,
            form,
            no: Some(l.no),
            label: heading::label_for(form, l.no),
            title: None,
            line: pieces[at].line,
            inferred: true,
        });
        let idx = headings.len() - 1;
        pieces.insert(
            at,
            Piece {
                line: pieces[at].line,
                text: String::new(),
                role: Role::Heading(idx),
            },
        );
    }
}

/// Indices of pieces that begin a paragraph unit: text after a sentence end or after anything
/// that is not text, and every non-text piece that carries words.
pub(crate) fn unit_starts(pieces: &[Piece]) -> std::collections::HashSet<usize> {
    let mut starts = std::collections::HashSet::new();
    let mut open = false; // an unterminated paragraph is open
    let mut before_box = false; // whether one was open when a `(` box interrupted it
    for (k, p) in pieces.iter().enumerate() {
        match &p.role {
            Role::Blank | Role::Footnote | Role::HeadingPart => {}
            Role::Text { new_unit, .. } => {
                if !open || *new_unit {
                    starts.insert(k);
                }
                open = !clean::ends_sentence(&p.text);
            }
            Role::BoxOpen => before_box = std::mem::take(&mut open),
            Role::BoxClose => open = std::mem::take(&mut before_box),
            _ => {
                starts.insert(k);
                open = false;
            }
        }
    }
    starts
}

/// A `)` with no `(` before it closes a box whose opening line the converter lost; the box began
/// at the last indented paragraph before it. Those paragraphs are box content, not lost headings.
fn boxes_without_open(
    pieces: &[Piece],
    starts: &std::collections::HashSet<usize>,
) -> std::collections::HashSet<usize> {
    let mut out = std::collections::HashSet::new();
    let mut depth = 0usize;
    for (k, p) in pieces.iter().enumerate() {
        match p.role {
            Role::BoxOpen => depth += 1,
            Role::BoxClose if depth > 0 => depth -= 1,
            Role::BoxClose => {
                if let Some(s) = (0..k)
                    .rev()
                    .take_while(|&j| !matches!(pieces[j].role, Role::Heading(_) | Role::BoxClose))
                    .find(|&j| {
                        starts.contains(&j)
                            && matches!(
                                pieces[j].role,
                                Role::Text {
                                    indent: Indent::Space,
                                    ..
                                }
                            )
                    })
                {
                    out.insert(s);
                }
            }
            _ => {}
        }
    }
    out
}

/// The TOC's chapter and section titles, keyed by (level, chapter number, own number).
struct TocTitles<'a> {
    by_key: HashMap<TocKey, &'a str>,
}

impl<'a> TocTitles<'a> {
    fn new(toc: Option<&'a Toc>, level_of: &dyn Fn(Form) -> Level) -> Self {
        let mut by_key = HashMap::new();
        let mut chapter = 0u32;
        for e in toc.map(|t| t.entries.as_slice()).unwrap_or_default() {
            if let Some(key) = toc_key(level_of(e.form), e.form, e.no, &mut chapter) {
                by_key.insert(key, e.title.as_str());
            }
        }
        TocTitles { by_key }
    }

    fn get(&self, key: TocKey) -> Option<&'a str> {
        self.by_key.get(&key).copied()
    }
}

/// Where a heading's title stands in the TOC: (level, chapter number, own number).
type TocKey = (Level, u32, u32);

/// The key of a numbered chapter (第X章) or section, read in document order: `chapter` carries
/// the number of the chapter a section belongs to.
fn toc_key(level: Level, form: Form, no: Option<u32>, chapter: &mut u32) -> Option<TocKey> {
    match (level, no) {
        (Level::Chapter, Some(no)) if form == Form::Chapter => {
            *chapter = no;
            Some((Level::Chapter, 0, no))
        }
        (Level::Section, Some(no)) => Some((Level::Section, *chapter, no)),
        _ => None,
    }
}

/// An inferred heading takes the title the TOC records for its number, if the plan has a TOC;
/// otherwise its title stays unknown rather than invented.
fn title_inferred_headings(headings: &mut [Heading], pieces: &[Piece], toc: &TocTitles) {
    let mut chapter = 0u32;
    for p in pieces {
        let Role::Heading(i) = p.role else { continue };
        let h = &mut headings[i];
        let Some(key) = toc_key(h.level, h.form, h.no, &mut chapter) else {
            continue;
        };
        if h.inferred {
            h.title = toc.get(key).map(normalize).filter(|t| !t.is_empty());
        }
    }
}

impl Structure {
    /// The outline: numbered and unnumbered chapters with their sections, parts attached.
    pub fn outline(&self) -> Outline {
        let mut chapters: Vec<OutlineChapter> = Vec::new();
        let mut part: Option<OutlinePart> = None;
        for p in &self.pieces {
            let Role::Heading(i) = p.role else { continue };
            let h = &self.headings[i];
            match h.level {
                Level::Part => {
                    part = Some(OutlinePart {
                        no: h.no,
                        title: h.title.clone(),
                    })
                }
                Level::Chapter => chapters.push(OutlineChapter {
                    label: h.label.clone(),
                    no: h.no,
                    title: h.title.clone(),
                    line: h.line + 1,
                    inferred: h.inferred,
                    part: part.clone(),
                    sections: Vec::new(),
                }),
                Level::Section => {
                    if let Some(c) = chapters.last_mut() {
                        c.sections.push(OutlineSection {
                            label: h.label.clone(),
                            no: h.no,
                            title: h.title.clone(),
                            line: h.line + 1,
                            inferred: h.inferred,
                        });
                    }
                }
                _ => {}
            }
        }
        Outline {
            file: self.meta.file.clone(),
            region: self.meta.region.clone(),
            title: self.meta.title.clone(),
            chapters,
        }
    }
}
