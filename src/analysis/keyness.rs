//! Keyness: the words one plan (or a region's plans) uses significantly more, and less, than a
//! reference — the corpus linguist's answer to "what does this plan talk about that the others
//! don't?" (AntConc, WordSmith, CQPweb, quanteda's `textstat_keyness`).
//!
//! Words are jieba's, with the policy dictionary: the index's `words` field, whose postings hold
//! each word's frequency in each passage; summed over the target's and the reference's
//! passages they give the 2 × 2 table each word is tested on. Single characters, punctuation and
//! numbers are not in that field or are left out here.
//!
//! For each word, with `a`, `b` its counts and `c`, `d` the token totals of target and
//! reference: the log-likelihood `G² = 2 Σ O ln(O/E)` over the two observed counts and their
//! expected values `E₁ = c(a+b)/(c+d)`, `E₂ = d(a+b)/(c+d)` (Rayson & Garside 2000); Log Ratio
//! `log₂((a/c)/(b/d))`, a zero count taken as 0.5 (Hardie 2014); and the p-value of G² on one
//! degree of freedom, significant below 0.05 divided by the number of words tested (Bonferroni).
//! Statistics this small are written here rather than taken from a crate.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, TERMINATED};

use crate::error::{Error, Result};
use crate::index::Opened;

/// Which way a word departs from the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Used more in the target.
    More,
    /// Used less in the target.
    Less,
}

/// One word's test.
#[derive(Debug, Clone, Serialize)]
pub struct KeyWord {
    pub word: String,
    pub count: u64,
    pub ref_count: u64,
    /// Per 10,000 words of the target and of the reference.
    pub per_10k: f64,
    pub ref_per_10k: f64,
    pub g2: f64,
    pub log_ratio: f64,
    /// The p-value of G² (one degree of freedom), before correction.
    pub p: f64,
    /// Significant after the Bonferroni correction for the words tested.
    pub significant: bool,
    pub direction: Direction,
}

/// One side of the comparison: its files and the tokens the statistics used.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub files: Vec<String>,
    pub tokens: u64,
}

/// A keyness comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Keyness {
    pub target: Side,
    pub reference: Side,
    /// Words with at least the minimum count, each tested.
    pub tested: usize,
    /// The most significant words, more-used first, then less-used, each list by G².
    pub words: Vec<KeyWord>,
}

/// G² of counts `a`, `b` in corpora of `c`, `d` tokens.
pub fn log_likelihood(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let e1 = c * (a + b) / (c + d);
    let e2 = d * (a + b) / (c + d);
    let term = |o: f64, e: f64| {
        if o > 0.0 && e > 0.0 {
            o * (o / e).ln()
        } else {
            0.0
        }
    };
    2.0 * (term(a, e1) + term(b, e2))
}

/// Log Ratio: the binary log of the ratio of relative frequencies, a zero count as 0.5.
pub fn log_ratio(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let a = if a == 0.0 { 0.5 } else { a };
    let b = if b == 0.0 { 0.5 } else { b };
    ((a / c) / (b / d)).log2()
}

/// The upper tail of the χ² distribution with one degree of freedom: `erfc(√(x/2))`.
pub fn chi2_upper(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    erfc((x / 2.0).sqrt())
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error below
/// 1.2 × 10⁻⁷ everywhere).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Whether a word of the index is a word to test: not a number, not punctuation.
fn testable(word: &str) -> bool {
    word.chars().any(|c| c.is_alphabetic())
        && !word
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | ',' | '-'))
}

/// Compares the words of the `target` documents with those of the `reference` documents (ids;
/// the sets may overlap, as for a reference of the whole corpus). Words occurring fewer than
/// `min_count` times in both together are not tested; `top` words are kept each way.
pub fn keyness(
    idx: &Opened,
    target: &[u64],
    reference: &[u64],
    min_count: u64,
    top: usize,
) -> Result<Keyness> {
    if target.is_empty() || reference.is_empty() {
        return Err(Error::Usage(
            "keyness needs a target and a reference with documents".into(),
        ));
    }
    let tset: HashSet<u64> = target.iter().copied().collect();
    let rset: HashSet<u64> = reference.iter().copied().collect();
    let searcher = idx.searcher();
    // word → (target count, reference count)
    let mut counts: HashMap<String, (u64, u64)> = HashMap::new();
    let (mut c, mut d) = (0u64, 0u64);
    for reader in searcher.segment_readers() {
        let ids = reader.fast_fields().u64("doc")?;
        let alive = reader.alive_bitset();
        // Which side each document of the segment is on, read once.
        let side: Vec<(bool, bool)> = (0..reader.max_doc())
            .map(|d| {
                if alive.is_some_and(|a| !a.is_alive(d)) {
                    return (false, false);
                }
                let id = ids.first(d).unwrap_or_default();
                (tset.contains(&id), rset.contains(&id))
            })
            .collect();
        let inverted = reader.inverted_index(idx.fields.words)?;
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while terms.advance() {
            let Ok(word) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            let mut postings = inverted
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)
                .map_err(tantivy::TantivyError::from)?;
            let (mut a, mut b) = (0u64, 0u64);
            let mut doc = postings.doc();
            while doc != TERMINATED {
                let (in_t, in_r) = side[doc as usize];
                let tf = u64::from(postings.term_freq());
                if in_t {
                    a += tf;
                }
                if in_r {
                    b += tf;
                }
                doc = postings.advance();
            }
            c += a;
            d += b;
            if (a > 0 || b > 0) && testable(word) {
                let e = counts.entry(word.to_string()).or_default();
                e.0 += a;
                e.1 += b;
            }
        }
    }
    let files = |ids: &[u64]| -> Vec<String> {
        idx.manifest
            .docs
            .iter()
            .filter(|doc| ids.contains(&doc.id))
            .map(|doc| doc.file.clone())
            .collect()
    };
    let tested: Vec<(String, u64, u64)> = counts
        .into_iter()
        .filter(|(_, (a, b))| a + b >= min_count)
        .map(|(w, (a, b))| (w, a, b))
        .collect();
    let m = tested.len().max(1) as f64;
    let (cf, df) = (c.max(1) as f64, d.max(1) as f64);
    let mut words: Vec<KeyWord> = tested
        .iter()
        .map(|(w, a, b)| {
            let (af, bf) = (*a as f64, *b as f64);
            let g2 = log_likelihood(af, bf, cf, df);
            let p = chi2_upper(g2);
            KeyWord {
                word: w.clone(),
                count: *a,
                ref_count: *b,
                per_10k: af * 10_000.0 / cf,
                ref_per_10k: bf * 10_000.0 / df,
                g2,
                log_ratio: log_ratio(af, bf, cf, df),
                p,
                significant: p < 0.05 / m,
                direction: if af / cf >= bf / df {
                    Direction::More
                } else {
                    Direction::Less
                },
            }
        })
        .filter(|k| k.significant)
        .collect();
    words.sort_by(|x, y| {
        (x.direction == Direction::Less)
            .cmp(&(y.direction == Direction::Less))
            .then(y.g2.total_cmp(&x.g2))
            .then_with(|| x.word.cmp(&y.word))
    });
    let mut kept = Vec::new();
    for dir in [Direction::More, Direction::Less] {
        kept.extend(
            words
                .iter()
                .filter(|k| k.direction == dir)
                .take(top)
                .cloned(),
        );
    }
    Ok(Keyness {
        target: Side {
            files: files(target),
            tokens: c,
        },
        reference: Side {
            files: files(reference),
            tokens: d,
        },
        tested: tested.len(),
        words: kept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_by_hand() {
        // a = 20 of c = 10,000 tokens; b = 5 of d = 40,000.
        // E1 = 10000·25/50000 = 5; E2 = 40000·25/50000 = 20;
        // G² = 2(20 ln(20/5) + 5 ln(5/20)) = 2(27.7259 − 6.9315) = 41.5888.
        let g2 = log_likelihood(20.0, 5.0, 10_000.0, 40_000.0);
        assert!((g2 - 41.588_830_833_596_72).abs() < 1e-9, "{g2}");
        // Log Ratio = log2((20/10000)/(5/40000)) = log2(16) = 4.
        assert!((log_ratio(20.0, 5.0, 10_000.0, 40_000.0) - 4.0).abs() < 1e-12);
        // A zero count is taken as 0.5: log2((10/1000)/(0.5/1000)) = log2(20).
        assert!((log_ratio(10.0, 0.0, 1000.0, 1000.0) - 20f64.log2()).abs() < 1e-12);
        // Equal rates: G² = 0, Log Ratio 0.
        assert!(log_likelihood(10.0, 40.0, 1000.0, 4000.0).abs() < 1e-12);
        // χ² with one degree of freedom: 3.841 is the 5% point, 10.828 the 0.1% point.
        assert!((chi2_upper(3.841_458_82) - 0.05).abs() < 1e-6);
        assert!((chi2_upper(10.827_566) - 0.001).abs() < 1e-6);
        assert_eq!(chi2_upper(0.0), 1.0);
        assert!(!testable("2025") && !testable("3.5%") && testable("5G") && testable("碳达峰"));
    }
}
