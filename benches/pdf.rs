//! The PDF benchmark: what plansearch adds to the PDF extractor's own time.
//!
//! ```text
//! cargo bench --bench pdf -- --plans 40
//! ```
//!
//! It generates N plans (the scale generator, seeded), typesets them as PDFs with
//! `benches/pdf_writer.py` (reportlab: A4, running header, page-number footer, embedded CJK font
//! subset), then measures, on the same files:
//!
//! - the extractor alone: `pdftotext -raw -enc UTF-8 FILE -` on every PDF, one after the other;
//! - `plansearch index` on the PDF folder: extraction, the page normaliser, structure, passages
//!   and indexing, on all cores;
//!
//! and prints CPU time (user + system, children included) and wall time for both, MB of PDF per
//! second, and the share plansearch adds to the extractor's CPU time (goal: at most 25%).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

use plansearch::scale::Generator;

/// Measures plansearch on a generated corpus of PDFs against pdftotext alone.
#[derive(Debug, Parser)]
struct Args {
    /// Number of plans to generate and typeset.
    #[arg(long, default_value_t = 40)]
    plans: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where the texts, the PDFs and the index are written.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/target/pdf-bench"))]
    work: PathBuf,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("pdf bench: {e}");
        std::process::exit(1);
    }
}

/// CPU time (user + system) of all waited-for children so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage writes into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn run(args: &Args) -> Result<(), String> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_plansearch"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (tool, package) in [("pdftotext", "poppler-utils"), ("python3", "python3")] {
        if Command::new(tool)
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_err()
        {
            return Err(format!("{tool} not found: install {package}"));
        }
    }
    let text = args.work.join(format!("text-{}", args.plans));
    let pdf = args.work.join(format!("pdf-{}", args.plans));
    let index = args.work.join(format!("index-{}", args.plans));
    for d in [&text, &pdf, &index] {
        let _ = std::fs::remove_dir_all(d);
    }
    let generator = Generator::from_corpus(&root.join("corpus")).map_err(|e| e.to_string())?;
    let text_bytes = generator
        .write(&text, args.seed, args.plans)
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let typeset = Command::new("python3")
        .arg(root.join("benches/pdf_writer.py"))
        .arg(&text)
        .arg(&pdf)
        .status()
        .map_err(|e| e.to_string())?;
    if !typeset.success() {
        return Err("benches/pdf_writer.py failed: it needs reportlab (pip install reportlab) and fonts-wqy-microhei".into());
    }
    eprintln!(
        "typeset {} plans in {:.1} s",
        args.plans,
        started.elapsed().as_secs_f64()
    );
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&pdf)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    pdfs.sort();
    let pdf_bytes: u64 = pdfs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();

    // The extractor alone, file after file.
    let cpu0 = children_cpu();
    let t0 = Instant::now();
    let mut pages_text = 0usize;
    for p in &pdfs {
        let out = Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8"])
            .arg(p)
            .arg("-")
            .output()
            .map_err(|e| e.to_string())?;
        pages_text += out.stdout.len();
    }
    let extract_wall = t0.elapsed();
    let extract_cpu = children_cpu() - cpu0;

    // plansearch, from the PDFs to a committed index.
    let cpu1 = children_cpu();
    let t1 = Instant::now();
    let status = Command::new(&bin)
        .args(["index", "--corpus"])
        .arg(&pdf)
        .arg("--index")
        .arg(&index)
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    let index_wall = t1.elapsed();
    let index_cpu = children_cpu() - cpu1;
    if !status.success() {
        return Err(format!("plansearch index exited with {status}"));
    }

    let mb = pdf_bytes as f64 / 1e6;
    let added = (index_cpu.as_secs_f64() - extract_cpu.as_secs_f64()) / extract_cpu.as_secs_f64();
    println!(
        "{} generated plans ({:.1} MB of text) typeset as {} PDFs, {mb:.1} MB ({:.1} MB of text extracted)\n",
        args.plans,
        text_bytes as f64 / 1e6,
        pdfs.len(),
        pages_text as f64 / 1e6
    );
    println!("| figure | CPU time | wall time | MB of PDF per second (wall) |");
    println!("|---|---|---|---|");
    println!(
        "| `pdftotext -raw` alone, one file after another | {:.2} s | {:.2} s | {:.1} |",
        extract_cpu.as_secs_f64(),
        extract_wall.as_secs_f64(),
        mb / extract_wall.as_secs_f64()
    );
    println!(
        "| `plansearch index` (extraction, normaliser, structure, indexing; all cores) | {:.2} s | {:.2} s | {:.1} |",
        index_cpu.as_secs_f64(),
        index_wall.as_secs_f64(),
        mb / index_wall.as_secs_f64()
    );
    println!(
        "\nplansearch adds {:.0}% to the extractor's CPU time (extraction is {:.0}% of the whole)",
        added * 100.0,
        extract_cpu.as_secs_f64() / index_cpu.as_secs_f64() * 100.0
    );
    Ok(())
}
