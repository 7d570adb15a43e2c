//! The JSON API and the CSV downloads: the objects and rows the commands' `--json` and `--csv`
//! write, through the same serializers. The pages call the same runners.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::params::{CompareReq, KwicReq, Params, SearchReq};
use super::{AppState, WebError, blocking};
use crate::index::{DocRecord, Opened};
use crate::passage::Passage;
use crate::present;
use crate::query::compare::{self, Comparison};
use crate::query::kwic::{self, Collocate, KwicLine};
use crate::query::search::{SearchOptions, SearchResults, search_with};

/// A search's results, as the page and the API see them.
pub struct Searched {
    pub index: Arc<Opened>,
    pub req: SearchReq,
    pub results: SearchResults,
    pub took_ms: f64,
}

impl Searched {
    /// The hits of the requested page.
    pub fn page(&self) -> &[crate::query::Hit] {
        let hits = &self.results.hits;
        &hits[self.req.offset.min(hits.len())..]
    }
}

pub fn run_search(state: &AppState, req: SearchReq) -> Result<Option<Searched>, WebError> {
    let Some(q) = req.q.clone() else {
        return Ok(None);
    };
    let index = state.index()?;
    let started = Instant::now();
    let query = crate::query::parse(&q)?;
    let opts = SearchOptions {
        limit: req.offset + req.limit,
        expand: req.expand,
        ..SearchOptions::new(req.offset + req.limit)
    };
    let results = search_with(&index, &query, &req.filters, &opts)?;
    Ok(Some(Searched {
        index,
        req,
        results,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    }))
}

pub fn run_compare(state: &AppState, req: &CompareReq) -> Result<Option<Comparison>, WebError> {
    if req.terms.is_empty() {
        return Ok(None);
    }
    let index = state.index()?;
    let concepts = compare::concepts(&req.terms, None)?;
    Ok(Some(compare::compare(
        &index,
        &concepts,
        &req.filters,
        req.per,
        req.sort,
    )?))
}

/// A concordance, sorted as asked: the lines asked for and the number in all; or the words
/// around the term.
pub enum Concordance {
    Lines { total: usize, lines: Vec<KwicLine> },
    Contexts(Vec<Collocate>),
}

/// The concordance a request asks for: its page of lines, or with `whole` every line (CSV).
pub fn run_kwic(
    state: &AppState,
    req: &KwicReq,
    whole: bool,
) -> Result<Option<(String, Concordance)>, WebError> {
    let Some(q) = &req.q else { return Ok(None) };
    let index = state.index()?;
    let term = crate::query::concept::concept(q, None)?;
    if req.contexts || whole {
        let mut lines = kwic::concordance(&index, &term, &req.filters, req.width)?;
        kwic::sort(&mut lines, req.sort, req.group);
        if req.contexts {
            let found = kwic::contexts(&index, &lines, req.top)?;
            return Ok(Some((term.name, Concordance::Contexts(found))));
        }
        let total = lines.len();
        return Ok(Some((term.name, Concordance::Lines { total, lines })));
    }
    let (total, lines) = kwic::concordance_page(
        &index,
        &term,
        &req.filters,
        req.width,
        req.sort,
        req.group,
        req.offset..req.offset.saturating_add(req.limit),
    )?;
    Ok(Some((term.name, Concordance::Lines { total, lines })))
}

/// A document by its id as the URL writes it (16 hex digits), with its passages in order.
pub fn run_doc(state: &AppState, id: &str) -> Result<(Arc<DocRecord>, Vec<Passage>), WebError> {
    let parsed = (id.len() == 16)
        .then(|| u64::from_str_radix(id, 16).ok())
        .flatten()
        .ok_or_else(|| WebError::not_found(format!("no document {id}")))?;
    let index = state.index()?;
    let doc = index
        .doc(parsed)
        .cloned()
        .ok_or_else(|| WebError::not_found(format!("no document {id}")))?;
    let passages = crate::query::document::passages(&index, parsed)?;
    Ok((doc, passages))
}

/// A document's id as URLs write it.
pub fn doc_id(d: &DocRecord) -> String {
    format!("{:016x}", d.id)
}

fn json_response(v: Value) -> Response {
    (StatusCode::OK, axum::Json(v)).into_response()
}

/// A CSV download: UTF-8 with a BOM, so that Excel reads Chinese as Chinese; otherwise the
/// bytes the command writes.
fn csv_response(
    name: &str,
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> Result<Response, WebError> {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    write(&mut body)
        .map_err(|e| WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

fn need(what: &str) -> WebError {
    WebError::bad("missing_parameter", format!("{what} is required"))
}

pub async fn search(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let explain = p.flag("explain", false)?;
        let searched = run_search(&s, SearchReq::from(&p)?)?.ok_or_else(|| need("q"))?;
        let hits: Vec<Value> = searched
            .page()
            .iter()
            .map(|h| {
                serde_json::to_value(present::search::JsonHit::new(h, explain))
                    .unwrap_or(Value::Null)
            })
            .collect();
        Ok(json_response(json!({
            "query": searched.req.q,
            "total": searched.results.exact,
            "offset": searched.req.offset,
            "limit": searched.req.limit,
            "took_ms": (searched.took_ms * 10.0).round() / 10.0,
            "hits": hits,
        })))
    })
    .await
}

pub async fn search_csv(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let searched = run_search(&s, SearchReq::from(&p)?)?.ok_or_else(|| need("q"))?;
        csv_response("search.csv", |w| present::search::csv(w, searched.page()))
    })
    .await
}

pub async fn compare(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let c = run_compare(&s, &CompareReq::from(&p)?)?.ok_or_else(|| need("q"))?;
        Ok(json_response(present::compare::value(&c)))
    })
    .await
}

pub async fn compare_csv(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let table = match p.choice(
            "table",
            "distribution",
            &["distribution", "chapters", "passages", "variants"],
        )? {
            "chapters" => present::compare::CsvTable::Chapters,
            "passages" => present::compare::CsvTable::Passages,
            "variants" => present::compare::CsvTable::Variants,
            _ => present::compare::CsvTable::Distribution,
        };
        let c = run_compare(&s, &CompareReq::from(&p)?)?.ok_or_else(|| need("q"))?;
        csv_response("compare.csv", |w| present::compare::csv(w, &c, table))
    })
    .await
}

pub async fn kwic(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let req = KwicReq::from(&p)?;
        let (term, found) = run_kwic(&s, &req, false)?.ok_or_else(|| need("q"))?;
        Ok(json_response(match found {
            Concordance::Lines { total, lines } => {
                let page: Vec<Value> = lines
                    .iter()
                    .map(|l| serde_json::to_value(present::kwic::JsonLine::new(l)).unwrap_or(Value::Null))
                    .collect();
                json!({"query": term, "total": total, "offset": req.offset, "limit": req.limit, "lines": page})
            }
            Concordance::Contexts(found) => json!({"query": term, "contexts": found}),
        }))
    })
    .await
}

pub async fn kwic_csv(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let req = KwicReq::from(&p)?;
        let (_, found) = run_kwic(&s, &req, true)?.ok_or_else(|| need("q"))?;
        match found {
            Concordance::Lines { lines, .. } => {
                csv_response("kwic.csv", |w| present::kwic::csv(w, &lines))
            }
            Concordance::Contexts(found) => csv_response("kwic-contexts.csv", |w| {
                present::kwic::contexts_csv(w, &found)
            }),
        }
    })
    .await
}

pub async fn docs(State(s): State<Arc<AppState>>) -> Result<Response, WebError> {
    blocking(move || {
        let index = s.index()?;
        let docs: Vec<Value> = index
            .manifest
            .docs
            .iter()
            .map(|d| {
                let mut v = serde_json::to_value(present::docs::DocRow::from_record(d))
                    .unwrap_or(Value::Null);
                v["id"] = json!(doc_id(d));
                v
            })
            .collect();
        Ok(json_response(json!({ "documents": docs })))
    })
    .await
}

pub async fn doc(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    blocking(move || {
        let (d, passages) = run_doc(&s, &id)?;
        let mut v =
            serde_json::to_value(present::docs::DocRow::from_record(&d)).unwrap_or(Value::Null);
        v["id"] = json!(doc_id(&d));
        v["passages"] = json!(
            passages
                .iter()
                .map(present::search::JsonPassage::new)
                .collect::<Vec<_>>()
        );
        Ok(json_response(v))
    })
    .await
}

/// A keyness comparison from a URL: `file` or `region`, `reference`, `top`, `min_count`.
pub fn run_keyness(
    state: &AppState,
    p: &Params,
) -> Result<Option<crate::analysis::keyness::Keyness>, WebError> {
    let file = p.text("file")?;
    let regions: Vec<String> = p.all("region").iter().map(|s| s.to_string()).collect();
    if file.is_none() && regions.is_empty() {
        return Ok(None);
    }
    let reference = p.text("reference")?.unwrap_or_else(|| "rest".into());
    let top = p.number("top", 30, 1, 200)?;
    let min_count = p.number("min_count", 5, 1, 10_000)? as u64;
    let index = state.index()?;
    let (target, reference) =
        crate::cmd::keyness::sides(&index, file.as_deref(), &regions, &reference)?;
    Ok(Some(crate::analysis::keyness::keyness(
        &index, &target, &reference, min_count, top,
    )?))
}

/// Targets from a URL: `file` and `region` (repeatable), `indicator`.
pub fn run_targets(
    state: &AppState,
    p: &Params,
) -> Result<crate::analysis::targets::Targets, WebError> {
    let index = state.index()?;
    let names = |k: &str| -> Vec<String> { p.all(k).iter().map(|s| s.to_string()).collect() };
    let options = crate::analysis::targets::TargetOptions {
        indicator: p.text("indicator")?,
    };
    Ok(crate::cmd::targets::chosen(
        &index,
        &names("file"),
        &names("region"),
        &state.read_options(),
        &options,
    )?)
}

pub async fn targets(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        Ok(json_response(present::targets::value(&run_targets(
            &s, &p,
        )?)))
    })
    .await
}

pub async fn targets_csv(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let table = match p.choice(
            "table",
            "rows",
            &["rows", "matrix", "unreadable", "text", "strength"],
        )? {
            "matrix" => present::targets::CsvTable::Matrix,
            "unreadable" => present::targets::CsvTable::Unreadable,
            "text" => present::targets::CsvTable::Text,
            "strength" => present::targets::CsvTable::Strength,
            _ => present::targets::CsvTable::Rows,
        };
        let t = run_targets(&s, &p)?;
        csv_response("targets.csv", |w| present::targets::csv(w, &t, table))
    })
    .await
}

/// Text reuse from a URL: `target` and `source` files (repeatable), `min_chars`, `skip_common`.
pub fn run_reuse(state: &AppState, p: &Params) -> Result<crate::analysis::reuse::Reuse, WebError> {
    let index = state.index()?;
    let names = |k: &str| -> Vec<String> { p.all(k).iter().map(|s| s.to_string()).collect() };
    let targets = crate::cmd::reuse::ids(&index, &names("target"))?;
    let sources = crate::cmd::reuse::ids(&index, &names("source"))?;
    if targets.len() > 50 {
        return Err(WebError::bad(
            "bad_parameter",
            format!(
                "{} target plans; name at most 50 with target=",
                targets.len()
            ),
        ));
    }
    let opts = crate::analysis::reuse::ReuseOptions {
        min_chars: p.number("min_chars", crate::analysis::reuse::MIN_CHARS, 6, 10_000)?,
        skip_common: p.flag("skip_common", false)?,
    };
    Ok(crate::analysis::reuse::reuse(
        &index, &targets, &sources, opts,
    )?)
}

pub async fn keyness(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let k = run_keyness(&s, &p)?.ok_or_else(|| need("file or region"))?;
        Ok(json_response(present::keyness::value(&k)))
    })
    .await
}

pub async fn keyness_csv(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let k = run_keyness(&s, &p)?.ok_or_else(|| need("file or region"))?;
        csv_response("keyness.csv", |w| present::keyness::csv(w, &k))
    })
    .await
}

pub async fn reuse(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        Ok(json_response(present::reuse::value(&run_reuse(&s, &p)?)))
    })
    .await
}

pub async fn reuse_csv(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let table = match p.choice(
            "table",
            "documents",
            &["documents", "sources", "alignments"],
        )? {
            "sources" => present::reuse::CsvTable::Sources,
            "alignments" => present::reuse::CsvTable::Alignments,
            _ => present::reuse::CsvTable::Documents,
        };
        let r = run_reuse(&s, &p)?;
        csv_response("reuse.csv", |w| present::reuse::csv(w, &r, table))
    })
    .await
}
