//! `plansearch keyness FILE|--region R [--reference rest|all|FILE]`: the words a plan uses more,
//! and less, than the others.

use crate::analysis::keyness;
use crate::app::Outcome;
use crate::error::{Error, Result};
use crate::present;
use crate::query::Filters;

use super::compare::Format;
use super::{IndexLocation, open_fresh};

#[derive(Debug)]
pub struct KeynessConfig {
    pub location: IndexLocation,
    /// The target: a file, or the plans of regions.
    pub file: Option<String>,
    pub regions: Vec<String>,
    /// `rest`, `all`, or a file.
    pub reference: String,
    pub top: usize,
    pub min_count: u64,
    pub format: Format,
}

/// The document ids of a target and its reference, as `keyness` and the web page read them.
pub fn sides(
    idx: &crate::index::Opened,
    file: Option<&str>,
    regions: &[String],
    reference: &str,
) -> Result<(Vec<u64>, Vec<u64>)> {
    if file.is_none() && regions.is_empty() {
        return Err(Error::Usage(
            "keyness needs a target: a FILE or --region R".into(),
        ));
    }
    let target = Filters {
        regions: regions.to_vec(),
        files: file.map(|f| vec![f.to_string()]).unwrap_or_default(),
        chapter: None,
    }
    .documents(&idx.manifest)?
    .unwrap_or_default();
    let all: Vec<u64> = idx.manifest.docs.iter().map(|d| d.id).collect();
    let reference: Vec<u64> = match reference {
        "rest" => all
            .iter()
            .copied()
            .filter(|id| !target.contains(id))
            .collect(),
        "all" => all,
        name => Filters {
            files: vec![name.to_string()],
            ..Filters::default()
        }
        .documents(&idx.manifest)
        .map_err(|_| {
            Error::Usage(format!(
                "--reference {name}: no indexed document has that name; use rest, all or a file"
            ))
        })?
        .unwrap_or_default()
        .into_iter()
        .collect(),
    };
    if reference.is_empty() {
        return Err(Error::Usage(
            "the reference holds no plan: the target is the whole corpus; use --reference all"
                .into(),
        ));
    }
    Ok((target.into_iter().collect(), reference))
}

/// Exits 0 if some word is significant, 1 if none is.
pub fn run(c: &KeynessConfig) -> Result<Outcome> {
    let idx = open_fresh(&c.location)?;
    let (target, reference) = sides(&idx, c.file.as_deref(), &c.regions, &c.reference)?;
    let k = keyness::keyness(&idx, &target, &reference, c.min_count, c.top)?;
    present::to_stdout(|w| match c.format {
        Format::Human => present::keyness::human(w, &k),
        Format::Json => present::keyness::json(w, &k),
        Format::Csv(_) => present::keyness::csv(w, &k),
    })?;
    Ok(if k.words.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}
