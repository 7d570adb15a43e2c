//! Where the wording comes from (`reuse`) and what a plan says more than the others
//! (`keyness`), checked against truth made by construction.

use std::collections::BTreeMap;

use serde_json::Value;

use plansearch::scale::Rng;

use crate::util::{Server, corpus, plan_text, plansearch, workspace};

/// A sentence planted into a copy of another plan: where it went, where it came from.
#[derive(Debug)]
struct Plant {
    file: String,
    line: u32,
    source_line: u32,
    text: String,
    edit: &'static str,
}

/// Sentences of a plan's body lines: (line, sentence), of 25 to 80 characters.
fn sentences(text: &str) -> Vec<(u32, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (k, l) in lines.iter().enumerate().skip(lines.len() / 8) {
        if l.contains('\t') || l.contains("……") {
            continue;
        }
        for s in l.split('。') {
            let s = s.trim();
            let n = s.chars().count();
            if (25..=80).contains(&n) && !s.contains(['“', '”', '（', '）', '(', ')']) {
                out.push((k as u32 + 1, format!("{s}。")));
            }
        }
    }
    out
}

/// The four edits: verbatim, a name swapped, a few characters dropped, a word inserted.
fn edit(s: &str, kind: usize, rng: &mut Rng) -> (String, &'static str) {
    let chars: Vec<char> = s.chars().collect();
    let mid = chars.len() / 2;
    match kind {
        0 => (s.to_string(), "verbatim"),
        1 => {
            let mut c = chars.clone();
            c[mid] = '甲';
            c[mid + 1] = '乙';
            (c.into_iter().collect(), "name swapped")
        }
        2 => {
            let drop = 2 + rng.below(3);
            let mut c = chars.clone();
            c.drain(mid..mid + drop);
            (c.into_iter().collect(), "characters dropped")
        }
        _ => {
            let mut c = chars.clone();
            for (k, x) in "进一步".chars().enumerate() {
                c.insert(mid + k, x);
            }
            (c.into_iter().collect(), "word inserted")
        }
    }
}

#[test]
fn reuse_finds_planted_sentences_at_their_places_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("corpus");
    std::fs::create_dir(&c).unwrap();
    let source = plan_text("hubei.txt");
    std::fs::write(c.join("hubei.txt"), &source).unwrap();
    let mut pool = sentences(&source);
    assert!(pool.len() > 200);
    let mut rng = Rng::new(7);
    let mut plants: Vec<Plant> = Vec::new();
    for (t, base) in [
        ("target-a.txt", "wuhan-caidian.txt"),
        ("target-b.txt", "wuhan-hanyang.txt"),
    ] {
        let mut lines: Vec<String> = plan_text(base).lines().map(String::from).collect();
        let mut chosen: Vec<(usize, String, u32, &'static str)> = Vec::new();
        for k in 0..24 {
            let (source_line, s) = pool.swap_remove(rng.below(pool.len()));
            let (text, what) = edit(&s, k % 4, &mut rng);
            // After a body line that ends its sentence, away from the front page and TOC.
            let at = loop {
                let i = lines.len() / 5 + rng.below(lines.len() * 4 / 5 - 1);
                if lines[i].trim_end().ends_with('。') && !lines[i].contains('\t') {
                    break i + 1;
                }
            };
            chosen.push((at, text, source_line, what));
        }
        // Insert from the back so earlier places stay put; then number the planted lines.
        chosen.sort_by_key(|x| std::cmp::Reverse(x.0));
        for (at, text, _, _) in &chosen {
            lines.insert(*at, text.clone());
        }
        for (n, l) in lines.iter().enumerate() {
            if let Some((_, text, src, what)) = chosen.iter().find(|x| &x.1 == l) {
                plants.push(Plant {
                    file: t.into(),
                    line: n as u32 + 1,
                    source_line: *src,
                    text: text.clone(),
                    edit: what,
                });
            }
        }
        std::fs::write(c.join(t), lines.join("\n")).unwrap();
    }
    assert_eq!(plants.len(), 48);
    let run = plansearch(
        dir.path(),
        &[
            "reuse",
            "--source",
            "hubei.txt",
            "--target",
            "target-a.txt",
            "--target",
            "target-b.txt",
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let spans = v["alignments"].as_array().unwrap();
    let n = |x: &Value, k: &str| x[k].as_u64().unwrap() as u32;
    let mut missed = Vec::new();
    for p in &plants {
        let found = spans.iter().any(|a| {
            a["file"] == p.file.as_str()
                && n(a, "line_start") <= p.line
                && p.line <= n(a, "line_end")
                && a["source_file"] == "hubei.txt"
                && n(a, "source_line_start") <= p.source_line
                && p.source_line <= n(a, "source_line_end")
        });
        if !found {
            missed.push(format!("{} ({}) {}:{}", p.text, p.edit, p.file, p.line));
        }
    }
    let recall = 1.0 - missed.len() as f64 / plants.len() as f64;
    assert!(recall >= 0.95, "recall {recall:.2}; missed: {missed:#?}");
    // Nothing reported that is not shared text: most of each target span's character 3-grams
    // stand in its source span.
    let grams = |s: &str| -> Vec<String> {
        let c: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        c.windows(3).map(|w| w.iter().collect()).collect()
    };
    for a in spans {
        let (t, s) = (
            a["text"].as_str().unwrap(),
            a["source_text"].as_str().unwrap(),
        );
        let g = grams(t);
        let theirs = grams(s);
        let shared = g.iter().filter(|x| theirs.contains(x)).count();
        assert!(shared * 2 > g.len(), "{t} ← {s}");
        assert!(a["similarity"].as_f64().unwrap() >= 0.7);
        assert!(a["chars"].as_u64().unwrap() >= 16);
    }
    // Every document object has the documented fields.
    for d in v["documents"].as_array().unwrap() {
        for key in [
            "file",
            "region",
            "chars",
            "borrowed_chars",
            "share",
            "by_source",
        ] {
            assert!(!d[key].is_null(), "{key}");
        }
    }
}

#[test]
fn each_borrowed_character_counts_once_for_its_best_source() {
    let x = "坚持把发展经济的着力点放在实体经济上，推进产业基础高级化、产业链现代化。";
    let y = "深入实施乡村振兴战略，加快农业农村现代化，促进农业高质高效、乡村宜居宜业。";
    let z = "本区将建设一座面向未来的滨湖科学城，集聚一批高水平研究机构和创新企业。";
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("corpus");
    std::fs::create_dir(&c).unwrap();
    let plan = |name: &str, body: &[&str]| {
        let text = format!("{name}规划\n\n第一章 总则\n\n{}\n", body.join("\n\n"));
        std::fs::write(c.join(format!("{name}.txt")), text).unwrap();
    };
    plan("甲县", &[x]);
    plan("乙县", &[x, y]);
    plan("丙县", &[x, y, z]);
    let run = plansearch(dir.path(), &["reuse", "--target", "丙县", "--json"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let d = &v["documents"][0];
    let len = |s: &str| s.trim_end_matches('。').chars().count() as u64;
    // X (in both other plans) and Y (in one) are borrowed, each character once; Z is its own.
    assert_eq!(d["borrowed_chars"].as_u64().unwrap(), len(x) + len(y));
    let by: BTreeMap<String, u64> = d["by_source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["chars"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by.values().sum::<u64>(),
        d["borrowed_chars"].as_u64().unwrap()
    );
    assert_eq!(
        by["乙县.txt"],
        len(y)
            + if by.contains_key("甲县.txt") {
                0
            } else {
                len(x)
            }
    );
    let chars = d["chars"].as_u64().unwrap();
    assert!((d["share"].as_f64().unwrap() - (len(x) + len(y)) as f64 / chars as f64).abs() < 1e-3);
    assert_eq!(
        d["own_passages"].as_u64().unwrap(),
        d["passages"].as_u64().unwrap() - 2
    );
    // Both spans of X are reported, and X is shared by both other plans.
    let xs: Vec<&Value> = v["alignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["text"].as_str().unwrap().starts_with("坚持"))
        .collect();
    assert_eq!(xs.len(), 2);
    assert!(xs.iter().all(|a| a["shared_by"] == 2));
    // CSV tables.
    for (table, header) in [
        (
            "documents",
            "file,region,chars,borrowed_chars,share,passages,own_passages",
        ),
        ("sources", "file,source_file,chars"),
        (
            "alignments",
            "file,line_start,line_end,chapter_no,chapter_title,section_no,section_title,text,source_file,source_line_start,source_line_end,source_text,similarity,chars,shared_by,common",
        ),
    ] {
        let run = plansearch(
            dir.path(),
            &["reuse", "--target", "丙县", "--csv", "--table", table],
        );
        assert_eq!(run.stdout.lines().next().unwrap(), header, "{table}");
    }
}

#[test]
fn keyness_puts_a_plans_own_places_on_top() {
    let dir = workspace();
    let d = dir.path();
    let docs: Vec<Value> = plansearch(d, &["docs", "--json"])
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // A name of a place is a word whose characters stand in order in that plan's region and in
    // no other plan's (鄂城 in 鄂城区, 经开区 in 武汉经济技术开发区; not 武汉).
    let regions: Vec<String> = docs
        .iter()
        .map(|d| d["region"].as_str().unwrap().to_string())
        .collect();
    let in_order = |word: &str, region: &str| {
        let mut rest = region.chars();
        word.chars().all(|c| rest.any(|r| r == c))
    };
    let mut checked = 0;
    for (i, doc) in docs.iter().enumerate() {
        if !regions[i].ends_with('区') {
            continue;
        }
        let names_it = |w: &str| {
            w.chars().count() >= 2
                && in_order(w, &regions[i])
                && regions
                    .iter()
                    .enumerate()
                    .all(|(j, r)| j == i || !in_order(w, r))
        };
        let file = doc["file"].as_str().unwrap();
        let run = plansearch(d, &["keyness", file, "--json", "--top", "5"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let k: Value = serde_json::from_str(&run.stdout).unwrap();
        let more: Vec<&str> = k["words"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["direction"] == "more")
            .map(|w| w["word"].as_str().unwrap())
            .collect();
        assert!(more[..3].iter().any(|w| names_it(w)), "{file}: {more:?}");
        // The totals the figures were computed from are there, and the figures follow.
        let (c, dd) = (
            k["target"]["tokens"].as_f64().unwrap(),
            k["reference"]["tokens"].as_f64().unwrap(),
        );
        for w in k["words"].as_array().unwrap() {
            let (a, b) = (
                w["count"].as_f64().unwrap(),
                w["ref_count"].as_f64().unwrap(),
            );
            let g2 = plansearch::analysis::keyness::log_likelihood(a, b, c, dd);
            assert!((w["g2"].as_f64().unwrap() - g2).abs() < 0.01, "{w}");
            assert_eq!(w["significant"], true);
        }
        checked += 1;
    }
    assert!(checked >= 3);
    // A region's plans as one target; a file as the reference.
    let run = plansearch(
        d,
        &[
            "keyness",
            "--region",
            "武汉",
            "--reference",
            "hubei.txt",
            "--csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("direction,word,count,ref_count"));
    let bad = plansearch(d, &["keyness", "nowhere.txt"]);
    assert_eq!(bad.code, 2);
    assert_eq!(bad.stderr.lines().count(), 1);
}

#[test]
fn both_analyses_have_pages_and_api_twins() {
    let dir = workspace();
    let server = Server::start(dir.path(), &[]);
    let k = server
        .get("/api/keyness?file=ezhou-echeng.txt&top=5")
        .json();
    assert_eq!(k["words"][0]["word"], "鄂城");
    let page = server.get("/keyness?file=ezhou-echeng.txt").text();
    assert!(page.contains("鄂城") && page.contains("/kwic?q="));
    let r = server.get("/api/reuse?target=wuhan-jingkai.txt").json();
    assert_eq!(r["documents"].as_array().unwrap().len(), 1);
    assert!(!r["alignments"].as_array().unwrap().is_empty());
    let page = server.get("/reuse?target=wuhan-jingkai.txt").text();
    assert!(page.contains("<svg") && (page.contains("<ins>") || page.contains("<del>")));
    let csv = server.get("/reuse.csv?target=wuhan-jingkai.txt&table=alignments");
    assert_eq!(&csv.body[..3], b"\xEF\xBB\xBF");
    let _ = corpus();
}
