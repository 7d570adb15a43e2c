//! Headings the body lost in conversion, inferred from the evidence the text still carries.
//!
//! Converters sometimes drop whole heading lines. What they leave behind is evidence, and this
//! module weighs only that evidence, never the wording of a particular plan:
//! - chapter numbers that jump (第四章 … 第六章: a chapter 5 is missing between them);
//! - section numbering that restarts (第一节 after 第五节 pins a new chapter just before it) or
//!   fails to increase (第二节 after 第二节: a chapter boundary lies between them);
//! - box numbers (专栏 7-2 belongs to chapter 7, so chapter 7 began before it);
//! - a paragraph that begins with a stray indent: the remnant of a dropped heading line.
//!   A chapter's start is such an indented paragraph (its introduction, one flowing sentence)
//!   followed directly by another (its first section, opening with a lead phrase) or by 第一节;
//! - section numbering gaps (第一节 … 第五节), and the converter's sequential `_bookmarkN` ids,
//!   which count how many headings vanished between two that survived.
//!
//! The reader works on a skeleton of the body — one [`Node`] per heading or paragraph start —
//! and returns where lost chapters and sections begin, with their numbers. Where the evidence
//! does not settle a boundary, nothing is inferred.

use std::collections::BTreeSet;

/// One heading or paragraph start in the body, reduced to what the inference needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An explicit numbered chapter heading, with the bookmark ids on its line.
    Chapter { no: u32, ids: Vec<u32> },
    /// An explicit numbered section heading.
    Section { no: u32, ids: Vec<u32> },
    /// Any other explicit heading; its bookmark ids still count.
    Heading { ids: Vec<u32> },
    /// A box numbered `N-M`, which belongs to chapter N.
    BoxOf(u32),
    /// A paragraph starting on an indented line, outside boxes: a possible lost heading.
    /// `lead` says the paragraph opens with a short lead phrase closed by 。 (`完善生态网络体系。…`),
    /// the way plans open the items of a section; a chapter's introduction reads as one flowing
    /// sentence instead.
    Candidate { lead: bool },
    /// Any other paragraph, table or caption start.
    Start,
}

/// The level of an inferred heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostLevel {
    Chapter,
    Section,
}

/// An inferred heading: it begins at node `at` and carries number `no`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lost {
    pub at: usize,
    pub level: LostLevel,
    pub no: u32,
}

/// Whether a paragraph opens with a lead phrase: a short clause closed by 。 before any comma
/// (`构建高质量发展产业及空间布局。综合考虑…`).
pub fn opens_with_lead_phrase(text: &str) -> bool {
    let first_stop = text
        .char_indices()
        .find(|(_, c)| matches!(c, '。' | '，' | ',' | '；' | '：'));
    match first_stop {
        Some((pos, '。')) => text[..pos].chars().count() <= 30,
        _ => false,
    }
}

/// Infers lost chapters and sections over the body skeleton.
pub fn infer(nodes: &[Node]) -> Vec<Lost> {
    let mut lost = infer_chapters(nodes);
    let sections = infer_sections(nodes, &lost);
    lost.extend(sections);
    lost.sort_by_key(|l| (l.at, l.level == LostLevel::Section));
    lost
}

fn is_candidate(nodes: &[Node], i: usize) -> bool {
    matches!(nodes.get(i), Some(Node::Candidate { .. }))
}

/// How well a pair at `i` fits a chapter start: an introduction without a lead phrase, followed
/// by a section start with one (or by 第一节).
fn pair_fit(nodes: &[Node], i: usize) -> u8 {
    let intro = matches!(nodes.get(i), Some(Node::Candidate { lead: false }));
    let follower = matches!(
        nodes.get(i + 1),
        Some(Node::Candidate { lead: true } | Node::Section { no: 1, .. })
    );
    intro as u8 + follower as u8
}

/// An indented paragraph followed directly by another, or by 第一节: a chapter introduction
/// whose first section heading was lost too (or survived).
fn is_pair(nodes: &[Node], i: usize) -> bool {
    is_candidate(nodes, i)
        && matches!(
            nodes.get(i + 1),
            Some(Node::Candidate { .. } | Node::Section { no: 1, .. })
        )
}

/// Where a chapter pinned by a 第一节 restart begins: at the indented introduction right
/// before it, or at the section heading itself.
fn intro_before(nodes: &[Node], section: usize) -> usize {
    if section > 0 && is_candidate(nodes, section - 1) {
        section - 1
    } else {
        section
    }
}

struct Span {
    start: usize,
    start_no: u32,
    end: usize,
    end_no: Option<u32>,
}

fn infer_chapters(nodes: &[Node]) -> Vec<Lost> {
    let mut spans = Vec::new();
    let (mut prev_pos, mut prev_no) = (0usize, 0u32);
    let mut any_chapter = false;
    for (i, n) in nodes.iter().enumerate() {
        if let Node::Chapter { no, .. } = n {
            spans.push(Span {
                start: prev_pos,
                start_no: prev_no,
                end: i,
                end_no: Some(*no),
            });
            (prev_pos, prev_no) = (i, *no);
            any_chapter = true;
        }
    }
    spans.push(Span {
        start: prev_pos,
        start_no: prev_no,
        end: nodes.len(),
        end_no: None,
    });

    let mut lost = Vec::new();
    for span in &spans {
        place_chapters(nodes, span, any_chapter, &mut lost);
    }
    lost
}

fn place_chapters(nodes: &[Node], span: &Span, any_chapter: bool, lost: &mut Vec<Lost>) {
    // Section restarts inside the span.
    let mut pinned = Vec::new(); // 第一节 after other sections
    let mut loose = Vec::new(); // 第N节 (N > 1) that does not increase
    let mut first_section = None;
    let mut last_section: Option<u32> = None;
    for (i, node) in nodes.iter().enumerate().take(span.end).skip(span.start) {
        if let Node::Section { no, .. } = *node {
            first_section.get_or_insert(i);
            if let Some(last) = last_section {
                if no == 1 {
                    pinned.push(i);
                } else if no <= last {
                    loose.push(i);
                }
            }
            last_section = Some(no);
        }
    }

    let missing: Vec<u32> = match span.end_no {
        Some(end) if end > span.start_no + 1 => (span.start_no + 1..end).collect(),
        Some(_) => return,
        // After the last chapter only restarts tell how many chapters follow.
        None => (1..=pinned.len() as u32)
            .map(|k| span.start_no + k)
            .collect(),
    };
    if missing.is_empty() {
        return;
    }

    let box_of = |pred: &dyn Fn(u32) -> bool| -> Vec<usize> {
        (span.start..span.end)
            .filter(|&i| matches!(nodes[i], Node::BoxOf(k) if pred(k)))
            .collect()
    };

    let mut cursor = span.start + 1;
    // Sections before any chapter heading belong to a chapter whose heading was lost.
    let mut missing = missing.into_iter().peekable();
    if span.start_no == 0 && !any_chapter_before(nodes, span.start) {
        if let Some(first) = first_section {
            if any_chapter || !pinned.is_empty() {
                if let Some(m) = missing.next() {
                    let at = intro_before(nodes, first);
                    lost.push(Lost {
                        at,
                        level: LostLevel::Chapter,
                        no: m,
                    });
                    cursor = at + 1;
                }
            }
        }
    }
    for m in missing {
        let lo = box_of(&|k| k < m).last().map_or(cursor, |&b| b.max(cursor));
        let anchored = box_of(&|k| k == m).first().copied();
        let mut hi = box_of(&|k| k >= m).first().copied().unwrap_or(span.end);
        if anchored.is_none() {
            if let Some(&r) = loose.iter().find(|&&r| r > lo) {
                hi = hi.min(r + 1);
            }
        }
        let at = pinned
            .iter()
            .find(|&&p| p > lo && p < hi)
            .map(|&p| intro_before(nodes, p))
            .or_else(|| {
                (lo..hi)
                    .rev()
                    .filter(|&i| is_pair(nodes, i))
                    .max_by_key(|&i| (pair_fit(nodes, i), i))
            });
        let Some(at) = at else { continue };
        lost.push(Lost {
            at,
            level: LostLevel::Chapter,
            no: m,
        });
        cursor = at + 1;
    }
}

fn any_chapter_before(nodes: &[Node], pos: usize) -> bool {
    nodes[..pos]
        .iter()
        .any(|n| matches!(n, Node::Chapter { .. }))
}

/// A chapter, explicit or inferred, as seen by the section pass.
struct ChapterSpan {
    /// The heading node (explicit) or the introduction node (inferred).
    at: usize,
    end: usize,
    inferred: bool,
}

fn infer_sections(nodes: &[Node], chapters: &[Lost]) -> Vec<Lost> {
    let mut starts: Vec<(usize, bool)> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n, Node::Chapter { .. }))
        .map(|(i, _)| (i, false))
        .chain(chapters.iter().map(|c| (c.at, true)))
        .collect();
    starts.sort();
    let spans: Vec<ChapterSpan> = starts
        .iter()
        .enumerate()
        .map(|(k, &(at, inferred))| ChapterSpan {
            at,
            end: starts.get(k + 1).map_or(nodes.len(), |s| s.0),
            inferred,
        })
        .collect();
    let boundaries: BTreeSet<usize> = chapters.iter().map(|c| c.at).collect();

    // Sections settled by numbering alone, and candidate groups left for the bookmark count:
    // `preferred` in chapters that evidently lost their sections, `unresolved` in numbering
    // gaps whose indents do not match the gap, `others` elsewhere.
    let mut assigned: Vec<usize> = Vec::new();
    let mut preferred: BTreeSet<usize> = BTreeSet::new();
    let mut unresolved: BTreeSet<usize> = BTreeSet::new();
    let mut others: BTreeSet<usize> = BTreeSet::new();
    for ch in &spans {
        let candidates = |lo: usize, hi: usize| -> Vec<usize> {
            (lo..hi)
                .filter(|&i| is_candidate(nodes, i) && !boundaries.contains(&i))
                .collect()
        };
        let intro = if ch.inferred { ch.at } else { ch.at + 1 };
        let pair = is_candidate(nodes, intro + 1)
            && !matches!(nodes.get(intro), Some(Node::Section { .. }));
        let explicit: Vec<(usize, u32)> = (ch.at..ch.end)
            .filter_map(|i| match nodes[i] {
                Node::Section { no, .. } => Some((i, no)),
                _ => None,
            })
            .collect();

        // The gap before the first explicit section, then the gaps between sections.
        let mut gaps: Vec<(usize, usize, u32, bool)> = Vec::new(); // (lo, hi, count, is_first)
        if let Some(&(pos, no)) = explicit.first() {
            if no > 1 {
                gaps.push((intro + 1, pos, no - 1, true));
            }
        }
        for w in explicit.windows(2) {
            let ((a, na), (b, nb)) = (w[0], w[1]);
            if nb > na + 1 {
                gaps.push((a + 1, b, nb - na - 1, false));
            }
        }
        for (lo, hi, mut count, first) in gaps {
            let mut c = candidates(lo, hi);
            // A lost first section starts right after the introduction.
            if first && pair && c.first() == Some(&(intro + 1)) {
                assigned.push(c.remove(0));
                count -= 1;
            }
            if count == 0 {
                continue;
            }
            if c.len() == count as usize {
                assigned.extend(c);
            } else {
                unresolved.extend(c);
            }
        }
        let tail_from = explicit.last().map_or(intro + 1, |&(pos, _)| pos + 1);
        let tail = candidates(tail_from, ch.end);
        if explicit.is_empty() && pair {
            preferred.extend(tail);
        } else {
            others.extend(tail);
        }
    }

    // The converter numbered its bookmarks in heading order: a jump from id a to id b means
    // b - a - 1 headings vanished between the two that survived.
    let id_nodes: Vec<(usize, u32)> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Chapter { ids, .. } | Node::Section { ids, .. } | Node::Heading { ids } => {
                ids.iter().min().map(|&id| (i, id))
            }
            _ => None,
        })
        .collect();
    let mut budgeted: BTreeSet<usize> = BTreeSet::new();
    for w in id_nodes.windows(2) {
        let ((p1, id1), (p2, id2)) = (w[0], w[1]);
        if id2 <= id1 {
            continue;
        }
        let lost_count = (id2 - id1 - 1) as usize;
        let in_span = |i: &usize| *i > p1 && *i < p2;
        let placed = boundaries.iter().filter(|i| in_span(i)).count()
            + assigned.iter().filter(|i| in_span(i)).count();
        let pick =
            |set: &BTreeSet<usize>| -> Vec<usize> { set.iter().copied().filter(in_span).collect() };
        let (pref, open, other) = (pick(&preferred), pick(&unresolved), pick(&others));
        budgeted.extend(pref.iter().chain(&open).chain(&other));
        let Some(remaining) = lost_count.checked_sub(placed) else {
            continue;
        };
        if remaining == 0 {
            continue;
        }
        let with_open: Vec<usize> = pref.iter().chain(&open).copied().collect();
        let all: Vec<usize> = with_open.iter().chain(&other).copied().collect();
        for choice in [all, with_open, pref] {
            if choice.len() == remaining {
                assigned.extend(choice);
                break;
            }
        }
    }
    // Without bookmark ids, a chapter that lost its first section lost the others the same way.
    assigned.extend(preferred.iter().filter(|i| !budgeted.contains(i)));

    number_sections(nodes, &spans, &assigned)
}

/// Numbers the inferred sections of each chapter between the explicit ones around them.
fn number_sections(nodes: &[Node], spans: &[ChapterSpan], assigned: &[usize]) -> Vec<Lost> {
    let assigned: BTreeSet<usize> = assigned.iter().copied().collect();
    let mut out = Vec::new();
    for ch in spans {
        let mut last = 0u32;
        for (i, node) in nodes.iter().enumerate().take(ch.end).skip(ch.at) {
            match *node {
                Node::Section { no, .. } => last = no,
                _ if assigned.contains(&i) => {
                    last += 1;
                    out.push(Lost {
                        at: i,
                        level: LostLevel::Section,
                        no: last,
                    });
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Node::*;

    #[allow(non_upper_case_globals)]
    const Candidate: Node = Node::Candidate { lead: false };
    #[allow(non_upper_case_globals)]
    const Lead: Node = Node::Candidate { lead: true };

    fn ch(no: u32) -> Node {
        Chapter { no, ids: vec![] }
    }
    fn sec(no: u32) -> Node {
        Section { no, ids: vec![] }
    }
    fn sec_id(no: u32, id: u32) -> Node {
        Section { no, ids: vec![id] }
    }
    fn chapters(lost: &[Lost]) -> Vec<(usize, u32)> {
        lost.iter()
            .filter(|l| l.level == LostLevel::Chapter)
            .map(|l| (l.at, l.no))
            .collect()
    }
    fn sections(lost: &[Lost]) -> Vec<(usize, u32)> {
        lost.iter()
            .filter(|l| l.level == LostLevel::Section)
            .map(|l| (l.at, l.no))
            .collect()
    }

    #[test]
    fn lead_phrases() {
        assert!(opens_with_lead_phrase(
            "构建高质量发展产业及空间布局。综合考虑地形地貌"
        ));
        assert!(!opens_with_lead_phrase("坚持生态为核，突出生态特色。"));
        assert!(!opens_with_lead_phrase(
            "把全生命周期管理理念贯穿城市规划、建设、管理全过程各方面，推进。"
        ));
        assert!(!opens_with_lead_phrase("没有句号"));
    }

    #[test]
    fn lead_phrases_tell_a_chapter_introduction_from_a_section_start() {
        // 第九章 §1 §2, then indents: a section item, [lost 第十章] intro, §1 item, §2 item,
        // 专栏 10-1.
        let nodes = vec![
            ch(9),
            sec(1),
            Start,
            sec(2),
            Start,
            Lead,
            Start,
            Candidate,
            Lead,
            Start,
            Lead,
            Lead,
            BoxOf(10),
            Start,
            ch(11),
        ];
        assert_eq!(chapters(&infer(&nodes)), vec![(7, 10)]);
    }

    #[test]
    fn nothing_is_inferred_from_a_complete_outline() {
        let nodes = vec![
            ch(1),
            Start,
            sec(1),
            Start,
            Candidate,
            sec(2),
            Start,
            ch(2),
            sec(1),
            Start,
        ];
        assert!(infer(&nodes).is_empty());
    }

    #[test]
    fn restart_pins_a_lost_chapter_at_its_indented_introduction() {
        // 第四章 §1 §2, [lost 第五章] intro, §1 §2, 第六章
        let nodes = vec![
            ch(4),
            sec(1),
            Start,
            sec(2),
            Start,
            Candidate,
            sec(1),
            Start,
            sec(2),
            Start,
            ch(6),
        ];
        assert_eq!(chapters(&infer(&nodes)), vec![(5, 5)]);
    }

    #[test]
    fn restart_without_indent_puts_the_chapter_at_the_section() {
        let nodes = vec![
            ch(4),
            sec(1),
            Start,
            sec(2),
            Start,
            Start,
            sec(1),
            Start,
            ch(6),
        ];
        assert_eq!(chapters(&infer(&nodes)), vec![(6, 5)]);
    }

    #[test]
    fn box_numbers_place_a_chapter_that_has_no_restart() {
        // 第六章 §1, [lost 第七章] intro + lost §1 …, 专栏 7-1, …, [lost 第八章] intro, 第一节, 第九章
        let nodes = vec![
            ch(6),
            sec(1),
            Start,
            Candidate,
            Start,
            Candidate,
            Candidate,
            Start,
            BoxOf(7),
            Start,
            Candidate,
            Start,
            Candidate,
            sec(1),
            Start,
            ch(9),
        ];
        let lost = infer(&nodes);
        assert_eq!(chapters(&lost), vec![(5, 7), (12, 8)]);
        // Chapter 7 lost its first section (indent right after its introduction), so every
        // indented paragraph in it is a lost section; the lone indent in chapter 6 is not.
        assert_eq!(sections(&lost), vec![(6, 1), (10, 2)]);
    }

    #[test]
    fn section_gap_filled_when_the_indents_match_the_gap() {
        let nodes = vec![
            ch(5),
            sec(1),
            Start,
            Candidate,
            Start,
            Candidate,
            Start,
            sec(4),
            Start,
        ];
        assert_eq!(sections(&infer(&nodes)), vec![(3, 2), (5, 3)]);
    }

    #[test]
    fn section_gap_left_alone_when_indents_do_not_match() {
        let nodes = vec![
            ch(5),
            sec(1),
            Start,
            Candidate,
            Start,
            Candidate,
            Start,
            Candidate,
            sec(3),
        ];
        assert!(sections(&infer(&nodes)).is_empty());
    }

    #[test]
    fn bookmark_ids_settle_which_indents_were_headings() {
        let nodes = |next_id: u32| {
            vec![
                Chapter {
                    no: 6,
                    ids: vec![4],
                },
                sec_id(1, 5),
                Start,
                Candidate, // a stray indent in a complete chapter
                Start,
                Candidate, // lost chapter 7: introduction …
                Candidate, // … and its first section
                BoxOf(7),
                Start,
                Candidate, // chapter 7, second section
                Start,
                Chapter {
                    no: 8,
                    ids: vec![next_id],
                },
            ]
        };
        // Ids jump 5 -> 9: three headings vanished, the chapter and two sections.
        let lost = infer(&nodes(9));
        assert_eq!(chapters(&lost), vec![(5, 7)]);
        assert_eq!(sections(&lost), vec![(6, 1), (9, 2)]);
        // Ids jump 5 -> 7: only the chapter heading vanished; the indents were not headings.
        let lost = infer(&nodes(7));
        assert_eq!(chapters(&lost), vec![(5, 7)]);
        assert_eq!(sections(&lost), vec![]);
    }

    #[test]
    fn lost_first_section_is_the_indent_after_the_introduction() {
        // [lost 第十一章] intro, [lost §1], stray indent, 第二节, 第十二章
        let nodes = vec![
            ch(10),
            sec(1),
            Start,
            Candidate,
            Candidate,
            Start,
            Candidate,
            Start,
            sec(2),
            Start,
            ch(12),
        ];
        let lost = infer(&nodes);
        assert_eq!(chapters(&lost), vec![(3, 11)]);
        assert_eq!(sections(&lost), vec![(4, 1)]);
    }

    #[test]
    fn chapters_lost_at_the_start_are_pinned_by_their_sections() {
        let nodes = vec![
            Start,
            sec(1),
            Start,
            sec(2),
            Start,
            Candidate,
            sec(1),
            Start,
            ch(3),
        ];
        assert_eq!(chapters(&infer(&nodes)), vec![(1, 1), (5, 2)]);
    }
}
