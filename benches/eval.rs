//! The ranking evaluation: precision@10 and nDCG@10 on the judged queries of `tests/eval/`, for
//! the ranking as it is and with parts of it turned off, so that every ranking change is
//! measured before and after.
//!
//! ```text
//! cargo bench --bench eval                 # the table
//! cargo bench --bench eval -- --unjudged   # also the top-10 passages nobody judged yet
//! cargo bench --bench eval -- --top        # every top 10, graded, with each passage's tier
//! ```

use std::path::{Path, PathBuf};

use clap::Parser;

use plansearch::eval::{self, K, Measured};
use plansearch::index::Opened;
use plansearch::index::build::{BuildOptions, Quiet, update};
use plansearch::query::search::SearchOptions;

/// Measures ranking quality on the judged queries.
#[derive(Debug, Parser)]
struct Args {
    /// Folders of judged queries: the set the ranking was developed on, and a held-out set
    /// judged the same way and never used to tune it.
    #[arg(long, default_values = ["tests/eval", "tests/eval/heldout"])]
    judged: Vec<PathBuf>,
    /// List the passages in each top 10 that nobody judged (they count as grade 0).
    #[arg(long)]
    unjudged: bool,
    /// List each query's top 10 under the default ranking: grade (`-` unjudged), tier,
    /// standing, passage.
    #[arg(long)]
    top: bool,
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target").join("eval-index");
    let opts = BuildOptions::new(root.join("corpus"), dir.clone());
    update(&opts, &Quiet).map_err(|e| e.to_string())?;
    let idx = Opened::open(&dir).map_err(|e| e.to_string())?;
    for set in &args.judged {
        let queries = eval::load(&root.join(set)).map_err(|e| e.to_string())?;
        println!("\n{}: {} queries\n", set.display(), queries.len());
        report(&idx, &queries, &args)?;
    }
    Ok(())
}

/// Prints the measures of each ranking for one set of queries.
fn report(idx: &Opened, queries: &[eval::JudgedQuery], args: &Args) -> Result<(), String> {
    let rankings = [
        ("query's wording, no structure", false, false),
        ("+ structure", false, true),
        ("+ expansions (default)", true, true),
    ];
    let mut runs: Vec<(&str, Vec<Measured>)> = Vec::new();
    for (name, expand, structure) in rankings {
        let o = SearchOptions {
            limit: K,
            expand,
            structure,
        };
        runs.push((
            name,
            eval::measure(idx, queries, &o).map_err(|e| e.to_string())?,
        ));
    }
    println!(
        "| query | {} |",
        runs.iter()
            .map(|(n, _)| format!("P@{K} / nDCG@{K}: {n}"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|{}", "---|".repeat(runs.len()));
    for (i, q) in queries.iter().enumerate() {
        let cells: Vec<String> = runs
            .iter()
            .map(|(_, m)| format!("{:.2} / {:.2}", m[i].precision, m[i].ndcg))
            .collect();
        println!("| {} {} | {} |", q.id, q.query, cells.join(" | "));
    }
    let means: Vec<String> = runs
        .iter()
        .map(|(_, m)| {
            let (p, n) = eval::means(m);
            format!("**{p:.2} / {n:.2}**")
        })
        .collect();
    println!("| mean of {} | {} |", queries.len(), means.join(" | "));
    let (_, last) = runs.last().expect("rankings");
    if args.unjudged {
        for m in last {
            for r in m.unjudged() {
                println!(
                    "unjudged\t{}\t{}\t{}\t{}\t{}",
                    m.id, r.file, r.line_start, r.line_end, r.text
                );
            }
        }
    }
    if args.top {
        for m in last {
            println!("\n{} {}", m.id, m.query);
            for (i, r) in m.top.iter().enumerate() {
                let grade = r.grade.map_or("-".to_string(), |g| g.to_string());
                println!(
                    "{:>2} {grade} {:<8} {} {}:{}-{} {}",
                    i + 1,
                    r.tier,
                    r.standing,
                    r.file,
                    r.line_start,
                    r.line_end,
                    r.text
                );
            }
        }
    }
    Ok(())
}
