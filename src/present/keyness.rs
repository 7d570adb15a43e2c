//! `plansearch keyness`: the words a plan uses more, and less, than the reference, as tables,
//! one JSON object or CSV.
//!
//! JSON: `{"target": {"files", "tokens"}, "reference": {"files", "tokens"}, "tested", "words":
//! [{"word", "count", "ref_count", "per_10k", "ref_per_10k", "g2", "log_ratio", "p",
//! "significant", "direction"}]}`: `tokens` are the totals the statistics used, so every
//! figure can be recomputed.

use std::io::{self, Write};

use serde_json::Value;

use crate::analysis::keyness::{Direction, Keyness};

/// The comparison as the one JSON object `keyness --json` writes and the web API returns.
pub fn value(k: &Keyness) -> Value {
    let mut v = serde_json::to_value(k).unwrap_or(Value::Null);
    if let Some(words) = v["words"].as_array_mut() {
        for w in words {
            for key in ["per_10k", "ref_per_10k", "g2", "log_ratio"] {
                if let Some(x) = w[key].as_f64() {
                    w[key] = Value::from((x * 1000.0).round() / 1000.0);
                }
            }
        }
    }
    v
}

pub fn json(w: &mut dyn Write, k: &Keyness) -> io::Result<()> {
    super::json_line(w, &value(k))
}

pub const CSV_HEADER: [&str; 10] = [
    "direction",
    "word",
    "count",
    "ref_count",
    "per_10k",
    "ref_per_10k",
    "g2",
    "log_ratio",
    "p",
    "significant",
];

pub fn csv(w: &mut dyn Write, k: &Keyness) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER)?;
    for x in &k.words {
        out.write_record([
            match x.direction {
                Direction::More => "more",
                Direction::Less => "less",
            }
            .to_string(),
            x.word.clone(),
            x.count.to_string(),
            x.ref_count.to_string(),
            format!("{:.3}", x.per_10k),
            format!("{:.3}", x.ref_per_10k),
            format!("{:.3}", x.g2),
            format!("{:.3}", x.log_ratio),
            format!("{:.3e}", x.p),
            x.significant.to_string(),
        ])?;
    }
    out.flush()
}

fn side(files: &[String]) -> String {
    match files.len() {
        1 => files[0].clone(),
        n => format!("{n} plans"),
    }
}

pub fn human(w: &mut dyn Write, k: &Keyness) -> io::Result<()> {
    writeln!(
        w,
        "{} ({} words) against {} ({} words): {} words tested, significant at p < 0.05/{}",
        side(&k.target.files),
        k.target.tokens,
        side(&k.reference.files),
        k.reference.tokens,
        k.tested,
        k.tested
    )?;
    for (dir, title) in [
        (Direction::More, "used more than in the reference"),
        (Direction::Less, "used less than in the reference"),
    ] {
        writeln!(w)?;
        writeln!(w, "{title}")?;
        let mut t = super::table::new(
            &[
                "word",
                "count",
                "per 10k",
                "ref count",
                "ref per 10k",
                "G²",
                "log ratio",
            ],
            &[false, true, true, true, true, true, true],
        );
        let mut any = false;
        for x in k.words.iter().filter(|x| x.direction == dir) {
            any = true;
            t.add_row(vec![
                x.word.clone(),
                x.count.to_string(),
                format!("{:.2}", x.per_10k),
                x.ref_count.to_string(),
                format!("{:.2}", x.ref_per_10k),
                format!("{:.1}", x.g2),
                format!("{:+.2}", x.log_ratio),
            ]);
        }
        if any {
            super::table::write(w, &t)?;
        } else {
            writeln!(w, "  (none significant)")?;
        }
    }
    if let (Some(word), Some(file)) = (k.words.first(), k.target.files.first()) {
        writeln!(w)?;
        writeln!(
            w,
            "each word in context: plansearch kwic {} --file {file}",
            word.word
        )?;
    }
    Ok(())
}
