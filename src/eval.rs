//! Ranking quality, measured on judged queries: precision@10 and nDCG@10.
//!
//! Judgments live in the repository (`tests/eval/`): `queries.tsv` gives each query and the
//! information need it stands for, `judged/qNN.tsv` the passages a reader graded 0–3 for it,
//! named by file and line range. The evaluation bench prints the measures for several rankings,
//! and a test holds the default ranking to its floor. Tab-separated text is read by hand: two
//! small formats do not need a crate.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::index::Opened;
use crate::query::search::{SearchOptions, search_with};
use crate::query::{Filters, parse};

/// Cut-off of the measures.
pub const K: usize = 10;
/// Grades from this up count as relevant for precision.
pub const RELEVANT: u8 = 2;

/// A query with its graded passages.
#[derive(Debug, Clone)]
pub struct JudgedQuery {
    pub id: String,
    pub query: String,
    pub need: String,
    /// (file, line_start, line_end) → grade.
    pub grades: HashMap<(String, u32, u32), u8>,
}

impl JudgedQuery {
    /// The grade of a passage; `None` if nobody judged it.
    pub fn grade(&self, file: &str, start: u32, end: u32) -> Option<u8> {
        self.grades.get(&(file.to_string(), start, end)).copied()
    }

    /// The grades sorted best first: the ideal ranking.
    fn ideal(&self) -> Vec<u8> {
        let mut g: Vec<u8> = self.grades.values().copied().collect();
        g.sort_unstable_by(|a, b| b.cmp(a));
        g
    }
}

fn bad(path: &Path, line: usize, reason: &str) -> Error {
    Error::BadFile {
        path: path.to_path_buf(),
        reason: format!("line {line}: {reason}"),
    }
}

/// Reads `queries.tsv` and the `judged/` files of an evaluation folder.
pub fn load(dir: &Path) -> Result<Vec<JudgedQuery>> {
    let path = dir.join("queries.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, query, need] = cols[..] else {
            return Err(bad(&path, n + 1, "expected id, query, need"));
        };
        let judged = dir.join("judged").join(format!("{id}.tsv"));
        let jtext = std::fs::read_to_string(&judged).map_err(|e| Error::io(&judged, e))?;
        let mut grades = HashMap::new();
        for (m, jl) in jtext.lines().enumerate() {
            if jl.trim().is_empty() {
                continue;
            }
            let c: Vec<&str> = jl.split('\t').collect();
            let parsed = match c[..] {
                [file, s, e, g, ..] => s
                    .parse::<u32>()
                    .ok()
                    .zip(e.parse::<u32>().ok())
                    .zip(g.parse::<u8>().ok().filter(|g| *g <= 3))
                    .map(|((s, e), g)| (file.to_string(), s, e, g)),
                _ => None,
            };
            let Some((file, s, e, g)) = parsed else {
                return Err(bad(
                    &judged,
                    m + 1,
                    "expected file, line_start, line_end, grade 0-3",
                ));
            };
            grades.insert((file, s, e), g);
        }
        out.push(JudgedQuery {
            id: id.to_string(),
            query: query.to_string(),
            need: need.to_string(),
            grades,
        });
    }
    Ok(out)
}

/// Discounted cumulative gain of grades in rank order, to `k`: gain `2^g − 1`, discount
/// `log2(rank + 1)`.
fn dcg(grades: &[u8], k: usize) -> f64 {
    grades
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| (f64::from(1u32 << g) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@k: the ranking's DCG over the ideal ranking's.
pub fn ndcg(ranked: &[u8], ideal: &[u8], k: usize) -> f64 {
    let best = dcg(ideal, k);
    if best == 0.0 {
        0.0
    } else {
        dcg(ranked, k) / best
    }
}

/// Precision@k: the share of the first `k` ranks holding a relevant passage (an empty rank
/// counts as not relevant).
pub fn precision(ranked: &[u8], k: usize) -> f64 {
    ranked.iter().take(k).filter(|&&g| g >= RELEVANT).count() as f64 / k as f64
}

/// One query's measures under one ranking.
#[derive(Debug, Clone)]
pub struct Measured {
    pub id: String,
    pub query: String,
    pub precision: f64,
    pub ndcg: f64,
    /// The top `K` passages, in rank order.
    pub top: Vec<Ranked>,
}

impl Measured {
    /// Passages in the top `K` nobody judged.
    pub fn unjudged(&self) -> impl Iterator<Item = &Ranked> {
        self.top.iter().filter(|r| r.grade.is_none())
    }
}

/// One passage of a top `K`, as the evaluation lists it.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub file: String,
    pub line_start: u32,
    pub line_end: u32,
    /// Its grade, `None` when nobody judged it.
    pub grade: Option<u8>,
    /// Why it stands where it does: the tier and the standing within it.
    pub tier: &'static str,
    pub standing: u8,
    /// Its first characters.
    pub text: String,
}

/// Runs every judged query with `opts` (limit `K`) and measures it.
pub fn measure(
    idx: &Opened,
    queries: &[JudgedQuery],
    opts: &SearchOptions,
) -> Result<Vec<Measured>> {
    let opts = SearchOptions { limit: K, ..*opts };
    let mut out = Vec::new();
    for q in queries {
        let parsed = parse(&q.query)?;
        let results = search_with(idx, &parsed, &Filters::default(), &opts)?;
        let top: Vec<Ranked> = results
            .hits
            .iter()
            .map(|h| {
                let p = &h.passage;
                Ranked {
                    file: h.doc.file.clone(),
                    line_start: p.line_start,
                    line_end: p.line_end,
                    grade: q.grade(&h.doc.file, p.line_start, p.line_end),
                    tier: h.kind.as_str(),
                    standing: h.explain.standing,
                    text: p.text.chars().take(60).collect(),
                }
            })
            .collect();
        let grades: Vec<u8> = top.iter().map(|r| r.grade.unwrap_or(0)).collect();
        out.push(Measured {
            id: q.id.clone(),
            query: q.query.clone(),
            precision: precision(&grades, K),
            ndcg: ndcg(&grades, &q.ideal(), K),
            top,
        });
    }
    Ok(out)
}

/// The mean precision@K and nDCG@K over measured queries.
pub fn means(measured: &[Measured]) -> (f64, f64) {
    let n = measured.len().max(1) as f64;
    (
        measured.iter().map(|m| m.precision).sum::<f64>() / n,
        measured.iter().map(|m| m.ndcg).sum::<f64>() / n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_and_precision_by_hand() {
        // Ideal 3,2,1: DCG = 7 + 3/log2(3) + 1/2.
        let ideal = [3, 2, 1];
        let best = 7.0 + 3.0 / 3f64.log2() + 0.5;
        assert!((dcg(&ideal, 10) - best).abs() < 1e-9);
        assert!((ndcg(&ideal, &ideal, 10) - 1.0).abs() < 1e-9);
        let got = ndcg(&[1, 3], &ideal, 10);
        assert!((got - (1.0 + 7.0 / 3f64.log2()) / best).abs() < 1e-9);
        assert_eq!(ndcg(&[], &[], 10), 0.0);
        assert!((precision(&[3, 2, 1, 0], 10) - 0.2).abs() < 1e-9);
        // Only the first k ranks count.
        assert!((precision(&[3; 12], 10) - 1.0).abs() < 1e-9);
    }
}
