//! The generated corpus of the scale benchmark: reproducible, shaped like the bundled plans, and
//! counted exactly once indexed.

use std::collections::BTreeMap;

use plansearch::index::Opened;
use plansearch::index::build::{BuildOptions, Quiet, update};
use plansearch::query::Filters;
use plansearch::query::compare::{SortKey, compare};
use plansearch::read::{self, ReadOptions};
use plansearch::scale::Generator;

use crate::util::{bundled, corpus, plan, plan_files};

fn generator() -> Generator {
    Generator::from_corpus(&corpus()).expect("the bundled corpus generates")
}

#[test]
fn the_generator_is_reproducible_and_keeps_each_templates_structure() {
    let g = generator();
    assert_eq!(g.plan(42, 7), g.plan(42, 7), "same seed, same plan");
    assert_ne!(
        g.plan(42, 7).1,
        g.plan(43, 7).1,
        "another seed, another plan"
    );

    let templates: Vec<String> = plan_files()
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut regions = std::collections::BTreeSet::new();
    for n in 0..2 * templates.len() {
        let (name, text) = g.plan(42, n);
        let generated = plan(&name, &text);
        let template = bundled(&templates[n % templates.len()]);
        // The headings the text states are kept; headings a converter lost are inferred from
        // evidence that includes the body's wording, which generation replaces.
        let names = [&template.meta.region, &generated.meta.region];
        let unnamed = |t: &str| {
            names.iter().fold(t.to_string(), |t, r| {
                let short = r.trim_end_matches(['省', '市', '区', '县']);
                t.replace(r.as_str(), "").replace(short, "")
            })
        };
        let labels = |p: &plansearch::plan::Plan| -> Vec<String> {
            p.outline
                .chapters
                .iter()
                .filter(|c| !c.inferred)
                .map(|c| format!("{:?} {:?}", c.no, c.title.as_deref().map(unnamed)))
                .collect()
        };
        assert!(labels(&template).len() >= 10, "{name}");
        assert_eq!(labels(&generated), labels(&template), "{name}: chapters");
        assert!(
            generated.passages.len() * 10 >= template.passages.len() * 9,
            "{name}: {} passages against the template's {}",
            generated.passages.len(),
            template.passages.len()
        );
        // A made-up region, different for every plan, read back from the title.
        assert_ne!(generated.meta.region, template.meta.region, "{name}");
        assert!(regions.insert(generated.meta.region.clone()), "{name}");
    }
}

/// Per file: (occurrences, passages) of `term`, by substring counting over the passages the
/// reader makes of each generated file.
fn oracle(passages: &BTreeMap<String, Vec<String>>, term: &str) -> BTreeMap<String, (u64, u64)> {
    // Folded as matching folds them: ５Ｇ = 5G = 5g.
    let term = plansearch::index::tokenize::fold_str(term);
    passages
        .iter()
        .map(|(file, texts)| {
            let counts: Vec<u64> = texts
                .iter()
                .map(|t| {
                    plansearch::index::tokenize::fold_str(t)
                        .matches(&term)
                        .count() as u64
                })
                .collect();
            (
                file.clone(),
                (
                    counts.iter().sum(),
                    counts.iter().filter(|&&n| n > 0).count() as u64,
                ),
            )
        })
        .collect()
}

/// An empty corpus folder and where its index goes, in a temporary directory.
fn empty_corpus() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("corpus");
    std::fs::create_dir(&plans).unwrap();
    let index = dir.path().join("index");
    (dir, plans, index)
}

/// Writes generated plan `n` into `plans`; its size in bytes.
fn write_plan(g: &Generator, plans: &std::path::Path, n: usize) -> usize {
    let (name, text) = g.plan(2024, n);
    std::fs::write(plans.join(name), &text).unwrap();
    text.len()
}

#[test]
fn a_build_leaves_one_segment_and_a_small_update_waits_beside_it() {
    let (_dir, plans, index) = empty_corpus();
    let g = generator();
    let bytes: usize = (0..12).map(|n| write_plan(&g, &plans, n)).sum();
    // Two indexing threads and a commit every third of the text: the build writes several
    // segments of a size, which are merged into one.
    let mut opts = BuildOptions::new(plans.clone(), index.clone());
    opts.threads = 2;
    opts.memory_mb = 64;
    opts.commit_every = bytes as u64 / 3;
    update(&opts, &Quiet).unwrap();
    assert_eq!(crate::util::segments(&index), 1);
    crate::util::no_files_of_merged_segments(&index);
    let before = Opened::open(&index).unwrap().searcher().num_docs();

    // One plan more is too little to rewrite the others for: it waits in a segment of its own.
    write_plan(&g, &plans, 12);
    update(&opts, &Quiet).unwrap();
    assert_eq!(crate::util::segments(&index), 2);
    let idx = Opened::open(&index).unwrap();
    assert_eq!(idx.manifest.docs.len(), 13);
    assert_eq!(idx.searcher().num_docs(), idx.manifest.passages());
    assert!(idx.searcher().num_docs() > before);
}

#[test]
fn a_generated_corpus_merges_into_few_segments_and_counts_exactly() {
    let (_dir, plans, index) = empty_corpus();
    // The corpus arrives in ten parts, each indexed as it comes: each update adds segments,
    // which the merges gather.
    let g = generator();
    let mut bytes = 0;
    for part in 0..10 {
        for n in 3 * part..3 * part + 3 {
            bytes += write_plan(&g, &plans, n);
        }
        update(&BuildOptions::new(plans.clone(), index.clone()), &Quiet).unwrap();
        crate::util::no_files_of_merged_segments(&index);
    }
    assert!(bytes > 3_000_000, "{bytes} bytes");
    let idx = Opened::open(&index).unwrap();
    assert_eq!(idx.manifest.docs.len(), 30);
    assert!(crate::util::segments(&index) < 8, "segments left unmerged");
    let (files, _) = read::walk(&plans).unwrap();
    let passages: BTreeMap<String, Vec<String>> = files
        .iter()
        .map(|f| {
            let src = read::read_file(f, &ReadOptions::default()).unwrap();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let texts = plansearch::plan::Plan::from_source(&src)
                .passages
                .into_iter()
                .map(|p| p.text)
                .collect();
            (name, texts)
        })
        .collect();

    // Common words, policy phrases, made-up region names, and strings cut from the passages.
    let mut terms: Vec<String> = ["发展", "营商环境", "高质量发展", "“十四五”", "5G", "的"]
        .map(String::from)
        .to_vec();
    terms.extend(
        idx.manifest
            .docs
            .iter()
            .step_by(7)
            .map(|d| d.region.clone()),
    );
    for (k, text) in passages.values().flatten().enumerate().step_by(211) {
        let chars: Vec<char> = text.chars().collect();
        for len in [2, 4, 7] {
            let at = (k * 13) % chars.len().max(1);
            let s: String = chars.iter().skip(at).take(len).collect();
            if s.chars().count() == len && !s.chars().any(|c| c.is_whitespace() || c == '"') {
                terms.push(s);
            }
        }
    }
    assert!(terms.len() > 60, "{} terms", terms.len());

    for term in &terms {
        let expected = oracle(&passages, term);
        let c = compare(
            &idx,
            &[term.as_str().into()],
            &Filters::default(),
            Some(0),
            SortKey::File,
        )
        .unwrap();
        let got: BTreeMap<String, (u64, u64)> = c
            .rows
            .iter()
            .map(|r| {
                (
                    r.doc.file.clone(),
                    (r.counts[0].occurrences, r.counts[0].passages),
                )
            })
            .collect();
        assert_eq!(got, expected, "{term}");

        // Search counts the same passages.
        let q = plansearch::query::parse(&format!("\"{term}\"")).unwrap();
        let r = plansearch::query::search(&idx, &q, &Filters::default(), 1).unwrap();
        let passages_with: u64 = expected.values().map(|&(_, p)| p).sum();
        assert_eq!(r.exact as u64, passages_with, "{term}");
    }
}
