//! Fingerprints of passages for finding shared wording: winnowed character n-grams.
//!
//! Text reuse is found as passim finds it — n-grams shared by two texts — made for Chinese: the
//! n-grams float over characters (no word boundaries needed), over the characters that carry
//! the text (Han, letters, digits; punctuation and spaces are not compared, so a changed comma
//! does not hide a copied sentence). Of each window of [`WINDOW`] consecutive n-grams, the one
//! with the smallest hash is kept (winnowing, Schleimer, Wilkerson & Aiken 2003): about two in
//! five, and any shared run of `WINDOW + N − 1` characters (9) shares a fingerprint — so each
//! half of a short sentence edited in its middle still leads to its source. Measured on planted
//! sentences of 16–23 characters: 8-grams in windows of 5 found 15 of 22, 6-grams in windows
//! of 4 found 18 (the README's reuse section). The index keeps
//! each passage's fingerprints as terms of its `shingles` field, so the passages that share one
//! with a text are a postings list away, however large the corpus.

use crate::index::tokenize::fold;

/// Characters per n-gram.
pub const N: usize = 6;
/// N-grams per winnowing window.
pub const WINDOW: usize = 4;

/// Whether a character carries text for comparison.
pub fn is_content(c: char) -> bool {
    c.is_alphanumeric()
}

/// The content characters of a text, folded, with the character offset of each in the text.
pub fn content(text: &str) -> Vec<(char, u32)> {
    text.chars()
        .enumerate()
        .filter(|(_, c)| is_content(*c))
        .map(|(i, c)| (fold(c), i as u32))
        .collect()
}

/// The hash of the n-gram starting at content position `i`.
fn gram_hash(chars: &[(char, u32)], i: usize) -> u64 {
    let mut buf = [0u8; N * 4];
    let mut len = 0;
    for &(c, _) in &chars[i..i + N] {
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    xxhash_rust::xxh3::xxh3_64(&buf[..len])
}

/// The winnowed fingerprints of a text: (hash, content position of its n-gram), in order, each
/// position once.
pub fn fingerprints(text: &str) -> Vec<(u64, u32)> {
    fingerprints_of(&content(text))
}

/// [`fingerprints`] of content characters already extracted.
pub fn fingerprints_of(chars: &[(char, u32)]) -> Vec<(u64, u32)> {
    if chars.len() < N {
        return Vec::new();
    }
    let hashes: Vec<u64> = (0..=chars.len() - N).map(|i| gram_hash(chars, i)).collect();
    let mut out: Vec<(u64, u32)> = Vec::new();
    if hashes.len() <= WINDOW {
        let (k, h) = hashes
            .iter()
            .enumerate()
            .rev()
            .min_by_key(|(_, h)| **h)
            .map(|(k, h)| (k, *h))
            .unwrap_or((0, 0));
        return vec![(h, k as u32)];
    }
    for start in 0..=hashes.len() - WINDOW {
        // The rightmost minimum of the window.
        let mut best = start;
        for k in start..start + WINDOW {
            if hashes[k] <= hashes[best] {
                best = k;
            }
        }
        if out.last().is_none_or(|&(_, p)| p as usize != best) {
            out.push((hashes[best], best as u32));
        }
    }
    out
}

/// All n-gram hashes of content characters with their positions: for aligning two texts.
pub fn grams(chars: &[(char, u32)], n: usize) -> Vec<(u64, u32)> {
    if chars.len() < n {
        return Vec::new();
    }
    (0..=chars.len() - n)
        .map(|i| {
            let s: String = chars[i..i + n].iter().map(|(c, _)| *c).collect();
            (xxhash_rust::xxh3::xxh3_64(s.as_bytes()), i as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_wording_shares_fingerprints_whatever_the_punctuation() {
        let a = "坚持把发展经济的着力点放在实体经济上，推进产业基础高级化、产业链现代化。";
        let b = "我们要坚持把发展经济的着力点放在实体经济上；推进产业基础高级化和产业链现代化！";
        let fa: std::collections::HashSet<u64> = fingerprints(a).iter().map(|f| f.0).collect();
        let fb: std::collections::HashSet<u64> = fingerprints(b).iter().map(|f| f.0).collect();
        assert!(fa.intersection(&fb).count() >= 4, "{fa:?} {fb:?}");
        let c = "加强生态环境保护，推进长江大保护，建设美丽乡村示范带。";
        let fc: std::collections::HashSet<u64> = fingerprints(c).iter().map(|f| f.0).collect();
        assert_eq!(fa.intersection(&fc).count(), 0);
    }

    #[test]
    fn about_two_in_five_and_every_long_run_is_caught() {
        // Winnowing keeps about 2 / (WINDOW + 1) of the n-grams of text that does not repeat.
        let text = "坚持把发展经济的着力点放在实体经济上，推进产业基础高级化、产业链现代化，\
            加快构建以先进制造业为主导、现代服务业为支撑的现代产业体系。深入实施乡村振兴战略，\
            加快农业农村现代化，促进农业高质高效、乡村宜居宜业、农民富裕富足。全面深化改革，\
            持续优化营商环境，激发各类市场主体活力，建设更高水平开放型经济新体制。";
        let chars = content(text);
        let f = fingerprints_of(&chars);
        let density = f.len() as f64 / (chars.len() - N + 1) as f64;
        assert!(density > 0.25 && density < 0.55, "{density}");
        // Any window of WINDOW n-grams holds a fingerprint.
        let positions: Vec<u32> = f.iter().map(|x| x.1).collect();
        for w in positions.windows(2) {
            assert!(w[1] - w[0] <= WINDOW as u32);
        }
        assert!(fingerprints("短").is_empty());
        assert_eq!(content("营商，环境 5G").len(), 6);
    }
}
