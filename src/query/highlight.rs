//! Where strings occur in a passage's text, as character ranges: the one place where byte
//! offsets (what Rust's string search gives) become the character offsets users and JSON see.
//! Strings are compared [`fold`]ed, as the index compares them (５Ｇ finds 5G); since folding keeps
//! one character for one, the ranges are those of the text as written.

use crate::index::tokenize::{fold, fold_str};

/// Non-overlapping occurrences of `needle` in `text`, left to right, as `[start, end)` character
/// offsets; both are folded before they are compared.
pub fn char_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    folded_ranges(&fold_str(text), &fold_str(needle))
}

/// Whether `text` contains `needle`, compared folded.
pub fn contains(text: &str, needle: &str) -> bool {
    Folded::new(text).contains(needle)
}

/// A text folded once, to test several needles against it.
pub struct Folded(String);

impl Folded {
    pub fn new(text: &str) -> Self {
        Folded(fold_str(text))
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the text contains `needle` (folded here).
    pub fn contains(&self, needle: &str) -> bool {
        if needle.chars().all(|c| fold(c) == c) {
            self.0.contains(needle)
        } else {
            self.0.contains(&fold_str(needle))
        }
    }

    /// Non-overlapping occurrences of `needle`.
    pub fn count(&self, needle: &str) -> usize {
        let needle = fold_str(needle);
        if needle.is_empty() {
            0
        } else {
            self.0.matches(&needle).count()
        }
    }

    /// See [`char_ranges`].
    pub fn ranges(&self, needle: &str) -> Vec<(usize, usize)> {
        folded_ranges(&self.0, &fold_str(needle))
    }
}

fn folded_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let needle_chars = needle.chars().count();
    let mut out = Vec::new();
    let mut chars_before = 0;
    let mut last_byte = 0;
    for (byte, _) in text.match_indices(needle) {
        chars_before += text[last_byte..byte].chars().count();
        last_byte = byte;
        out.push((chars_before, chars_before + needle_chars));
    }
    out
}

/// Ranges of several needles, sorted, with overlapping or touching ranges merged.
pub fn merged_ranges<'a>(
    text: &str,
    needles: impl IntoIterator<Item = &'a str>,
) -> Vec<(usize, usize)> {
    let folded = Folded::new(text);
    let mut all: Vec<(usize, usize)> = needles.into_iter().flat_map(|n| folded.ranges(n)).collect();
    all.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(all.len());
    for (s, e) in all {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// How close together the words stand: their total length over the shortest window holding one
/// occurrence of each, in (0, 1]; 0 if some word is missing.
pub fn proximity(text: &str, words: &[String]) -> f32 {
    if words.is_empty() {
        return 0.0;
    }
    let folded = Folded::new(text);
    let mut marks: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, word)
    for (k, w) in words.iter().enumerate() {
        let r = folded.ranges(w);
        if r.is_empty() {
            return 0.0;
        }
        marks.extend(r.into_iter().map(|(s, e)| (s, e, k)));
    }
    marks.sort_unstable();
    let total: usize = words.iter().map(|w| w.chars().count()).sum();
    let mut seen = vec![0usize; words.len()];
    let mut distinct = 0;
    let mut best = usize::MAX;
    let mut left = 0;
    for right in 0..marks.len() {
        let (_, e, k) = marks[right];
        if seen[k] == 0 {
            distinct += 1;
        }
        seen[k] += 1;
        while distinct == words.len() {
            let window_end = marks[left..=right].iter().map(|m| m.1).max().unwrap_or(e);
            best = best.min(window_end - marks[left].0);
            let (_, _, lk) = marks[left];
            seen[lk] -= 1;
            if seen[lk] == 0 {
                distinct -= 1;
            }
            left += 1;
        }
    }
    if best == usize::MAX {
        0.0
    } else {
        (total as f32 / best as f32).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_characters_not_bytes() {
        // Each Han character is three bytes; offsets count characters.
        assert_eq!(
            char_ranges("优化营商环境，营商环境", "营商环境"),
            vec![(2, 6), (7, 11)]
        );
        assert_eq!(char_ranges("5G网络和5G", "5G"), vec![(0, 2), (5, 7)]);
        assert_eq!(char_ranges("哈哈哈", "哈哈"), vec![(0, 2)]);
        assert!(char_ranges("abc", "").is_empty());
        // Folded: full width and case do not matter; offsets are those of the text as written.
        assert_eq!(
            char_ranges("建设５Ｇ基站和5g网络", "5G"),
            vec![(2, 4), (7, 9)]
        );
        assert!(contains("ＡＩ赋能", "ai"));
    }

    #[test]
    fn ranges_of_several_needles_merge() {
        assert_eq!(
            merged_ranges("碳达峰碳中和", ["碳达峰", "碳中和", "峰碳"]),
            vec![(0, 6)]
        );
        assert_eq!(
            merged_ranges("甲乙丙丁", ["甲", "丁"]),
            vec![(0, 1), (3, 4)]
        );
    }

    #[test]
    fn proximity_prefers_words_close_together() {
        let w = vec!["营商".to_string(), "环境".to_string()];
        assert_eq!(proximity("优化营商环境", &w), 1.0);
        let far = proximity("营商主体活力，生态环境", &w);
        assert!(far > 0.0 && far < 0.5, "{far}");
        assert_eq!(proximity("营商主体", &w), 0.0);
    }
}
