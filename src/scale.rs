//! A reproducible corpus of many plans, for benchmarks and for tests at scale.
//!
//! Each generated plan takes the layout of one bundled plan — its title block, table of
//! contents, headings, tables and wraps — fills its body lines with body lines drawn from all the
//! bundled plans, and names a made-up region. The same seed always gives the same corpus: the
//! random numbers come from SplitMix64, written out here so that no dependency update can change
//! them.

use std::path::Path;

use crate::error::{Error, Result};
use crate::read::{self, ReadOptions};
use crate::structure::{self, Role};

/// A region's name without its 省, 市, 区 or 县 (蔡甸 for 蔡甸区), as plans also use it; `None` when
/// too little would be left.
fn short_name(region: &str) -> Option<&str> {
    let short = region.strip_suffix(['省', '市', '区', '县'])?;
    (short.chars().count() >= 2).then_some(short)
}

/// SplitMix64: small, fast, and fixed forever.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// One bundled plan, taken apart for generation.
#[derive(Debug, Clone)]
struct Template {
    lines: Vec<String>,
    /// Indices of body text lines that may be replaced.
    body: Vec<usize>,
    region: String,
}

/// Body lines of every template, the pools generated plans draw from: lines that end a sentence
/// and lines that a hard wrap cut, so that a replaced line ends its paragraph, or not, as the
/// template's line did.
pub struct Generator {
    templates: Vec<Template>,
    pools: [Vec<String>; 2],
}

/// Whether a line ends a sentence (and so, where the text is hard-wrapped, may end a paragraph).
fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['。', '！', '？', '；', '：', '”', '）', ')'])
}

const SYLLABLES: [&str; 40] = [
    "江", "河", "山", "阳", "安", "平", "宁", "华", "新", "东", "西", "南", "北", "城", "川", "林",
    "丰", "泰", "昌", "兴", "永", "庆", "和", "顺", "清", "明", "德", "仁", "云", "岳", "湘", "桂",
    "梅", "松", "石", "桥", "溪", "湖", "源", "台",
];
const SUFFIXES: [&str; 4] = ["区", "县", "市", "新区"];

impl Generator {
    /// Reads the templates from a folder of plans (the bundled corpus).
    pub fn from_corpus(corpus: &Path) -> Result<Generator> {
        let (files, _) = read::walk(corpus)?;
        let mut templates = Vec::new();
        let mut pools: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        for f in files {
            let src = read::read_file(&f, &ReadOptions::default()).map_err(|s| Error::BadFile {
                path: s.path,
                reason: s.reason,
            })?;
            let s = structure::analyse(&src.lines, &src.name);
            let body: Vec<usize> = s
                .pieces
                .iter()
                .filter(|p| matches!(p.role, Role::Text { .. }) && p.text.chars().count() >= 20)
                .map(|p| p.line)
                // Some lines are evidence of structure where a converter lost headings: bookmark
                // ids, and an indented paragraph start and how its first sentence reads. They
                // stay as they are.
                .filter(|&i| {
                    let line = &src.lines[i];
                    !line.contains("[bookmark:") && line.trim_start().len() == line.len()
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            for &i in &body {
                let line = &src.lines[i];
                pools[usize::from(ends_sentence(line))].push(line.clone());
            }
            templates.push(Template {
                lines: src.lines,
                body,
                region: s.meta.region.clone(),
            });
        }
        if templates.is_empty() || pools.iter().any(Vec::is_empty) {
            return Err(Error::Usage(format!(
                "{}: no plans to generate from",
                corpus.display()
            )));
        }
        Ok(Generator { templates, pools })
    }

    /// A made-up region name, unique for each `n`.
    pub fn region(rng: &mut Rng, n: usize) -> String {
        let a = SYLLABLES[rng.below(SYLLABLES.len())];
        let b = SYLLABLES[rng.below(SYLLABLES.len())];
        let suffix = SUFFIXES[rng.below(SUFFIXES.len())];
        format!(
            "{a}{b}{}{suffix}",
            crate::structure::numeral::to_chinese(n as u32 + 1)
        )
    }

    /// Plan number `n` of a corpus generated with `seed`: its file name and text.
    pub fn plan(&self, seed: u64, n: usize) -> (String, String) {
        let mut rng = Rng::new(seed ^ (n as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let t = &self.templates[n % self.templates.len()];
        let region = Generator::region(&mut rng, n);
        let body: std::collections::HashSet<usize> = t.body.iter().copied().collect();
        let mut out = String::with_capacity(t.lines.iter().map(|l| l.len() + 1).sum());
        let rename = |text: &str| {
            let text = text.replace(&t.region, &region);
            match (short_name(&t.region), short_name(&region)) {
                (Some(old), Some(new)) => text.replace(old, new),
                _ => text,
            }
        };
        for (i, line) in t.lines.iter().enumerate() {
            if body.contains(&i) {
                let pool = &self.pools[usize::from(ends_sentence(line))];
                out.push_str(&rename(&pool[rng.below(pool.len())]));
            } else {
                out.push_str(&rename(line));
            }
            out.push('\n');
        }
        (format!("plan-{n:05}.txt"), out)
    }

    /// Writes `count` plans into `dir`, returning their total size in bytes.
    pub fn write(&self, dir: &Path, seed: u64, count: usize) -> Result<u64> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut bytes = 0;
        for n in 0..count {
            let (name, text) = self.plan(seed, n);
            let path = dir.join(name);
            std::fs::write(&path, &text).map_err(|e| Error::io(&path, e))?;
            bytes += text.len() as u64;
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let a: Vec<u64> = (0..4)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(
            a,
            (0..4)
                .scan(Rng::new(8), |r, _| Some(r.next_u64()))
                .collect::<Vec<_>>()
        );
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
    }
}
