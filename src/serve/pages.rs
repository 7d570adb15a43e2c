//! The pages: search, compare, concordance, the list of plans and a plan's reader. Each handler
//! runs the same runner as its API twin and hands a view — plain strings and numbers, matches
//! as marked segments — to a template, which escapes everything it writes.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::api::{self, Concordance, doc_id};
use super::params::{CompareReq, KwicReq, Params, SearchReq};
use super::svg::{self, BarChart};
use super::{AppState, WebError, blocking};
use crate::index::DocRecord;
use crate::passage::{HeadingRef, Kind, Passage};
use crate::present::search::{pages_label, tier_label};
use crate::query::Hit;
use crate::query::highlight::merged_ranges;

/// A piece of text, marked where it matched.
pub struct Segment {
    pub text: String,
    pub mark: bool,
}

/// A text cut into segments at `ranges` (character offsets), trimmed to about `max` characters
/// around the first match.
fn segments(text: &str, ranges: &[(usize, usize)], max: usize) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = if chars.len() <= max {
        (0, chars.len())
    } else {
        let first = ranges.first().map_or(0, |r| r.0);
        let start = first.saturating_sub(max / 4).min(chars.len() - max);
        (start, start + max)
    };
    let mut out = Vec::new();
    let piece = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    if start > 0 {
        out.push(Segment {
            text: "…".into(),
            mark: false,
        });
    }
    let mut at = start;
    for &(s, e) in ranges {
        let (s, e) = (s.max(at), e.min(end));
        if s >= e {
            continue;
        }
        out.push(Segment {
            text: piece(at, s),
            mark: false,
        });
        out.push(Segment {
            text: piece(s, e),
            mark: true,
        });
        at = e;
    }
    out.push(Segment {
        text: piece(at, end),
        mark: false,
    });
    if end < chars.len() {
        out.push(Segment {
            text: "…".into(),
            mark: false,
        });
    }
    out
}

fn place(chapter: Option<&HeadingRef>, section: Option<&HeadingRef>, path: &[String]) -> String {
    chapter
        .into_iter()
        .chain(section)
        .map(HeadingRef::display)
        .chain(path.iter().cloned())
        .collect::<Vec<_>>()
        .join(" › ")
}

fn lines_label(a: u32, b: u32) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}–{b}")
    }
}

/// A link to a passage in the reader, its words marked.
fn reader_href(doc: &DocRecord, line: u32, hl: &[String]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for h in hl {
        q.append_pair("hl", h);
    }
    let q = q.finish();
    let q = if q.is_empty() {
        String::new()
    } else {
        format!("?{q}")
    };
    format!("/doc/{}{q}#p{line}", doc_id(doc))
}

fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            .as_page()
            .into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    status: u16,
    message: &'a str,
}

pub fn error_page(e: &WebError) -> Response {
    let page = ErrorPage {
        title: "出错了".into(),
        active: "",
        json_href: None,
        csv_href: None,
        status: e.status.as_u16(),
        message: &e.message,
    };
    let body = page.render().unwrap_or_else(|_| e.message.clone());
    (e.status, Html(body)).into_response()
}

/// A hit as the search and compare pages show it.
pub struct HitView {
    pub rank: usize,
    pub region: String,
    pub file: String,
    pub href: String,
    pub place: String,
    pub lines: String,
    pub pages: String,
    pub tier: &'static str,
    pub tier_label: String,
    pub segments: Vec<Segment>,
}

fn hit_view(h: &Hit, hl: &[String]) -> HitView {
    let p = &h.passage;
    HitView {
        rank: h.rank,
        region: h.doc.region.clone(),
        file: h.doc.file.clone(),
        href: reader_href(&h.doc, p.line_start, hl),
        place: place(p.chapter.as_ref(), p.section.as_ref(), &p.path),
        lines: lines_label(p.line_start, p.line_end),
        pages: pages_label(p.pages).trim().to_string(),
        tier: h.kind.as_str(),
        tier_label: tier_label(h),
        segments: segments(&p.text, &h.highlights, 260),
    }
}

pub struct Facet {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    q: String,
    expand: bool,
    searched: bool,
    summary: String,
    notes: Vec<String>,
    hits: Vec<HitView>,
    regions: Vec<Facet>,
    files: Vec<Facet>,
    chapters: Vec<Facet>,
    clear_href: Option<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub async fn search(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let req = SearchReq::from(&p).map_err(WebError::as_page)?;
        let q = req.q.clone().unwrap_or_default();
        let expand = req.expand;
        let mut page = SearchPage {
            title: if q.is_empty() {
                "检索".into()
            } else {
                format!("{q} · 检索")
            },
            active: "search",
            json_href: None,
            csv_href: None,
            q: q.clone(),
            expand,
            searched: false,
            summary: String::new(),
            notes: Vec::new(),
            hits: Vec::new(),
            regions: Vec::new(),
            files: Vec::new(),
            chapters: Vec::new(),
            clear_href: None,
            prev_href: None,
            next_href: None,
        };
        let Some(found) = api::run_search(&s, req).map_err(WebError::as_page)? else {
            return Ok(render(page));
        };
        let query = crate::query::parse(&q).map_err(|e| WebError::from(e).as_page())?;
        let hl: Vec<String> = query
            .conjunctions()
            .iter()
            .flat_map(|c| c.whole().into_iter().chain(c.phrases.iter().cloned()))
            .collect();
        let shown = found.page();
        page.searched = true;
        page.hits = shown.iter().map(|h| hit_view(h, &hl)).collect();
        page.summary = format!(
            "{} 条含“{}”原文的段落；显示第 {}–{} 条（{:.0} ms）",
            found.results.exact,
            q,
            found.req.offset + usize::from(!shown.is_empty()),
            found.req.offset + shown.len(),
            found.took_ms
        );
        if found.results.hits.iter().any(|h| h.kind.is_expansion()) {
            for e in &found.results.expansions {
                page.notes.push(format!(
                    "其他说法 {} → {}（{}）",
                    e.from,
                    e.text,
                    e.source.as_str()
                ));
            }
            if !found.results.related.is_empty() {
                let words: Vec<&str> = found
                    .results
                    .related
                    .iter()
                    .map(|(w, _)| w.as_str())
                    .collect();
                page.notes.push(format!("相关用语：{}", words.join("、")));
            }
        }
        // What each filter would give: passages holding the query as written.
        let facets =
            crate::query::search::facets(&found.index, &query, &crate::query::Filters::default())
                .map_err(|e| WebError::from(e).as_page())?;
        let filters = &found.req.filters;
        let mut by_region: Vec<(String, u64)> = Vec::new();
        for &(id, n) in &facets.by_doc {
            let Some(d) = found.index.doc(id) else {
                continue;
            };
            match by_region.iter_mut().find(|(r, _)| r == &d.region) {
                Some(e) => e.1 += n,
                None => by_region.push((d.region.clone(), n)),
            }
            page.files.push(Facet {
                label: format!("{} · {}", d.region, d.file),
                count: n,
                href: format!(
                    "/search?{}",
                    p.with(&[("file", Some(&d.file)), ("offset", None)])
                ),
                active: filters.files.iter().any(|f| f == &d.file),
            });
        }
        page.regions = by_region
            .into_iter()
            .map(|(r, n)| Facet {
                href: format!(
                    "/search?{}",
                    p.with(&[("region", Some(&r)), ("offset", None)])
                ),
                active: filters.regions.iter().any(|x| x == &r),
                label: r,
                count: n,
            })
            .collect();
        page.chapters = facets
            .by_chapter
            .iter()
            .map(|&(no, n)| Facet {
                label: format!("第{}章", crate::structure::numeral::to_chinese(no)),
                count: n,
                href: format!(
                    "/search?{}",
                    p.with(&[("chapter", Some(&no.to_string())), ("offset", None)])
                ),
                active: filters.chapter == Some(no),
            })
            .collect();
        if !filters.regions.is_empty() || !filters.files.is_empty() || filters.chapter.is_some() {
            page.clear_href = Some(format!(
                "/search?{}",
                p.with(&[
                    ("region", None),
                    ("file", None),
                    ("chapter", None),
                    ("offset", None)
                ])
            ));
        }
        let (offset, limit) = (found.req.offset, found.req.limit);
        if offset > 0 {
            let prev = offset.saturating_sub(limit).to_string();
            page.prev_href = Some(format!("/search?{}", p.with(&[("offset", Some(&prev))])));
        }
        if found.results.hits.len() >= offset + limit && offset + limit <= super::params::MAX_OFFSET
        {
            let next = (offset + limit).to_string();
            page.next_href = Some(format!("/search?{}", p.with(&[("offset", Some(&next))])));
        }
        page.json_href = Some(format!("/api/search?{}", p.with(&[])));
        page.csv_href = Some(format!("/search.csv?{}", p.with(&[])));
        Ok(render(page))
    })
    .await
}

/// One plan's row of a comparison, for one term.
pub struct CompareRow {
    pub region: String,
    pub file: String,
    pub href: String,
    pub occurrences: u64,
    pub passages: u64,
    pub chars: u64,
    pub per_10k: String,
    pub share: String,
    pub chapters: String,
    pub best: Vec<HitView>,
}

pub struct TermView {
    pub term: String,
    pub total: u64,
    pub using: usize,
    pub chart: BarChart,
    pub rows: Vec<CompareRow>,
    pub variants: Vec<String>,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    inputs: Vec<String>,
    documents: usize,
    terms: Vec<TermView>,
    /// With several terms: the plan × term table of rates.
    matrix_head: Vec<String>,
    matrix: Vec<(String, Vec<String>)>,
    /// Whether each plan's best passages are shown side by side; if not (too many plans, and
    /// no `per` asked for), the page that shows them.
    side_by_side: bool,
    side_by_side_href: String,
    side_by_side_max: usize,
}

pub async fn compare(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let req = CompareReq::from(&p).map_err(WebError::as_page)?;
        let mut inputs = req.terms.clone();
        while inputs.len() < 3 {
            inputs.push(String::new());
        }
        let mut page = ComparePage {
            title: if req.terms.is_empty() {
                "比较".into()
            } else {
                format!("{} · 比较", req.terms.join(" / "))
            },
            active: "compare",
            json_href: None,
            csv_href: None,
            inputs,
            documents: 0,
            terms: Vec::new(),
            matrix_head: Vec::new(),
            matrix: Vec::new(),
            side_by_side: false,
            side_by_side_href: format!("/compare?{}", p.with(&[("per", Some("1"))])),
            side_by_side_max: crate::query::compare::SIDE_BY_SIDE_DOCUMENTS,
        };
        let Some(c) = api::run_compare(&s, &req).map_err(WebError::as_page)? else {
            return Ok(render(page));
        };
        page.documents = c.rows.len();
        page.side_by_side = c.per > 0;
        for (q, concept) in c.concepts.iter().enumerate() {
            let rows: Vec<CompareRow> = c
                .rows
                .iter()
                .map(|r| {
                    let k = &r.counts[q];
                    CompareRow {
                        region: r.doc.region.clone(),
                        file: r.doc.file.clone(),
                        href: format!("/doc/{}", doc_id(&r.doc)),
                        occurrences: k.occurrences,
                        passages: k.passages,
                        chars: r.doc.chars,
                        per_10k: format!("{:.2}", k.per_10k),
                        share: format!("{:.1}%", k.share * 100.0),
                        chapters: k
                            .chapters
                            .iter()
                            .map(|ch| {
                                let name = ch
                                    .chapter
                                    .as_ref()
                                    .map_or("（首章之前）".to_string(), |c| {
                                        crate::structure::join_label(&c.label, c.title.as_deref())
                                    });
                                format!("{name} ×{}", ch.occurrences)
                            })
                            .collect::<Vec<_>>()
                            .join(" · "),
                        best: r.best[q]
                            .iter()
                            .map(|h| hit_view(h, &concept.variants))
                            .collect(),
                    }
                })
                .collect();
            let chart = svg::bars(
                &c.rows
                    .iter()
                    .map(|r| (r.doc.region.clone(), r.counts[q].per_10k))
                    .collect::<Vec<_>>(),
                2,
            );
            page.terms.push(TermView {
                term: concept.name.clone(),
                total: c.totals[q],
                using: c
                    .rows
                    .iter()
                    .filter(|r| r.counts[q].occurrences > 0)
                    .count(),
                chart,
                rows,
                variants: if concept.is_group() {
                    concept.variants.clone()
                } else {
                    Vec::new()
                },
            });
        }
        if c.concepts.len() > 1 {
            page.matrix_head = c.queries.clone();
            page.matrix = c
                .rows
                .iter()
                .map(|r| {
                    (
                        format!("{} · {}", r.doc.region, r.doc.file),
                        r.counts
                            .iter()
                            .map(|k| format!("{} ({:.2})", k.occurrences, k.per_10k))
                            .collect(),
                    )
                })
                .collect();
        }
        page.json_href = Some(format!("/api/compare?{}", p.with(&[])));
        page.csv_href = Some(format!("/compare.csv?{}", p.with(&[])));
        Ok(render(page))
    })
    .await
}

pub struct KwicView {
    pub region: String,
    pub file: String,
    pub href: String,
    pub line: u32,
    pub pages: String,
    pub left: String,
    pub matched: String,
    pub right: String,
    pub place: String,
    /// The first line of a plan's group, when grouped: its heading.
    pub group: Option<String>,
}

pub struct ContextView {
    pub side: &'static str,
    pub word: String,
    pub phrase: String,
    pub count: u64,
    pub documents: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "kwic.html")]
struct KwicPage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    q: String,
    total: usize,
    contexts: bool,
    grouped: bool,
    sorts: Vec<(String, String, bool)>,
    group_href: String,
    view_href: String,
    lines: Vec<KwicView>,
    words: Vec<ContextView>,
    more: Option<String>,
}

pub async fn kwic(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let req = KwicReq::from(&p).map_err(WebError::as_page)?;
        let q = req.q.clone().unwrap_or_default();
        let sorts = [
            ("position", "按位置"),
            ("doc", "按规划"),
            ("left", "按左侧"),
            ("right", "按右侧"),
        ]
        .iter()
        .map(|(k, label)| {
            (
                label.to_string(),
                format!("/kwic?{}", p.with(&[("sort", Some(k)), ("offset", None)])),
                *k == req.sort_name,
            )
        })
        .collect();
        let mut page = KwicPage {
            title: if q.is_empty() {
                "语境".into()
            } else {
                format!("{q} · 语境")
            },
            active: "kwic",
            json_href: None,
            csv_href: None,
            q: q.clone(),
            total: 0,
            contexts: req.contexts,
            grouped: req.group,
            sorts,
            group_href: format!(
                "/kwic?{}",
                p.with(&[("group", Some(if req.group { "none" } else { "doc" }))])
            ),
            view_href: format!(
                "/kwic?{}",
                p.with(&[(
                    "view",
                    Some(if req.contexts { "lines" } else { "contexts" })
                )])
            ),
            lines: Vec::new(),
            words: Vec::new(),
            more: None,
        };
        let Some((term, found)) = api::run_kwic(&s, &req, false).map_err(WebError::as_page)? else {
            return Ok(render(page));
        };
        match found {
            Concordance::Lines { total, lines } => {
                page.total = total;
                let mut last_doc: Option<String> = None;
                for l in &lines {
                    let group = (req.group && last_doc.as_deref() != Some(l.doc.path.as_str()))
                        .then(|| format!("{} · {}", l.doc.region, l.doc.file));
                    last_doc = Some(l.doc.path.clone());
                    page.lines.push(KwicView {
                        region: l.doc.region.clone(),
                        file: l.doc.file.clone(),
                        href: reader_href(&l.doc, l.line, std::slice::from_ref(&l.variant)),
                        line: l.line,
                        pages: pages_label(l.pages).trim().to_string(),
                        left: l.left.clone(),
                        matched: l.matched.clone(),
                        right: l.right.clone(),
                        place: place(l.chapter.as_ref(), l.section.as_ref(), &[]),
                        group,
                    });
                }
                if total > req.offset + req.limit {
                    let next = (req.offset + req.limit).to_string();
                    page.more = Some(format!("/kwic?{}", p.with(&[("offset", Some(&next))])));
                }
            }
            Concordance::Contexts(found) => {
                page.words = found
                    .iter()
                    .map(|c| {
                        let (side, phrase) = match c.side {
                            crate::query::kwic::Side::Before => ("前", format!("{}{term}", c.word)),
                            crate::query::kwic::Side::After => ("后", format!("{term}{}", c.word)),
                        };
                        let href = format!(
                            "/search?{}",
                            form_urlencoded::Serializer::new(String::new())
                                .append_pair("q", &format!("\"{phrase}\""))
                                .finish()
                        );
                        ContextView {
                            side,
                            word: c.word.clone(),
                            phrase,
                            count: c.count,
                            documents: c.documents.join("、"),
                            href,
                        }
                    })
                    .collect();
            }
        }
        page.json_href = Some(format!("/api/kwic?{}", p.with(&[])));
        page.csv_href = Some(format!("/kwic.csv?{}", p.with(&[])));
        Ok(render(page))
    })
    .await
}

pub struct DocView {
    pub href: String,
    pub region: String,
    pub file: String,
    pub title: String,
    pub period: String,
    pub format: String,
    pub chapters: usize,
    pub passages: u64,
    pub chars: u64,
}

#[derive(Template)]
#[template(path = "docs.html")]
struct DocsPage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    docs: Vec<DocView>,
}

pub async fn docs(State(s): State<Arc<AppState>>) -> Result<Response, WebError> {
    blocking(move || {
        let index = s.index().map_err(|e| WebError::from(e).as_page())?;
        let docs = index
            .manifest
            .docs
            .iter()
            .map(|d| DocView {
                href: format!("/doc/{}", doc_id(d)),
                region: d.region.clone(),
                file: d.file.clone(),
                title: d.title.clone().unwrap_or_default(),
                period: d.period.clone().unwrap_or_default(),
                format: d.format.clone(),
                chapters: d.chapters.len(),
                passages: d.passages,
                chars: d.chars,
            })
            .collect();
        Ok(render(DocsPage {
            title: "规划".into(),
            active: "docs",
            json_href: Some("/api/docs".into()),
            csv_href: None,
            docs,
        }))
    })
    .await
}

pub struct OutlineItem {
    pub label: String,
    pub href: String,
    pub depth: usize,
}

pub struct PassageView {
    pub anchor: String,
    pub lines: String,
    pub pages: String,
    pub heading: bool,
    pub kind: &'static str,
    pub segments: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "doc.html")]
struct DocPage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    region: String,
    file: String,
    plan_title: String,
    hl: Vec<String>,
    outline: Vec<OutlineItem>,
    passages: Vec<PassageView>,
}

pub async fn doc(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let hl: Vec<String> = p
            .all("hl")
            .iter()
            .take(super::params::MAX_VALUES)
            .map(|s| s.to_string())
            .collect();
        let (d, passages) = api::run_doc(&s, &id).map_err(WebError::as_page)?;
        let outline = passages
            .iter()
            .filter(|x| x.kind == Kind::Heading && x.heads.len() <= 3)
            .map(|x| OutlineItem {
                label: x.text.clone(),
                href: format!("#p{}", x.line_start),
                depth: x.heads.len(),
            })
            .collect();
        let views = passages
            .iter()
            .map(|x: &Passage| PassageView {
                anchor: format!("p{}", x.line_start),
                lines: lines_label(x.line_start, x.line_end),
                pages: pages_label(x.pages).trim().to_string(),
                heading: x.kind == Kind::Heading,
                kind: x.kind.as_str(),
                segments: segments(
                    &x.text,
                    &merged_ranges(&x.text, hl.iter().map(String::as_str)),
                    usize::MAX,
                ),
            })
            .collect();
        Ok(render(DocPage {
            title: format!("{} · {}", d.region, d.file),
            active: "docs",
            json_href: Some(format!("/api/doc/{}", doc_id(&d))),
            csv_href: None,
            region: d.region.clone(),
            file: d.file.clone(),
            plan_title: d.title.clone().unwrap_or_else(|| d.file.clone()),
            hl,
            outline,
            passages: views,
        }))
    })
    .await
}

const STYLE: &str = include_str!("../../assets/style.css");
const SCRIPT: &str = include_str!("../../assets/app.js");

pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        _ => {
            return WebError::not_found("no such asset")
                .as_page()
                .into_response();
        }
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_mark_matches_and_trim_long_text() {
        let s = segments("优化营商环境", &[(2, 6)], 100);
        let parts: Vec<(&str, bool)> = s.iter().map(|x| (x.text.as_str(), x.mark)).collect();
        assert_eq!(parts, [("优化", false), ("营商环境", true), ("", false)]);
        let long = "甲".repeat(300) + "营商环境" + &"乙".repeat(300);
        let s = segments(&long, &[(300, 304)], 100);
        assert_eq!(s.first().unwrap().text, "…");
        assert_eq!(s.last().unwrap().text, "…");
        assert!(s.iter().any(|x| x.mark && x.text == "营商环境"));
    }
}

pub struct KeyWordView {
    pub word: String,
    pub count: u64,
    pub ref_count: u64,
    pub per_10k: String,
    pub ref_per_10k: String,
    pub g2: String,
    pub log_ratio: String,
    pub kwic_href: String,
    pub search_href: String,
}

#[derive(Template)]
#[template(path = "keyness.html")]
struct KeynessPage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    files: Vec<(String, String, bool)>,
    reference: String,
    summary: String,
    /// (title, words): more used, then less used.
    lists: Vec<(&'static str, Vec<KeyWordView>)>,
    shown: bool,
}

pub async fn keyness(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let index = s.index().map_err(|e| WebError::from(e).as_page())?;
        let chosen = p.get("file").unwrap_or_default().to_string();
        let files = index
            .manifest
            .docs
            .iter()
            .map(|d| {
                (
                    d.file.clone(),
                    format!("{} · {}", d.region, d.file),
                    d.file == chosen,
                )
            })
            .collect();
        let mut page = KeynessPage {
            title: "特色用词".into(),
            active: "keyness",
            json_href: None,
            csv_href: None,
            files,
            reference: p.get("reference").unwrap_or("rest").to_string(),
            summary: String::new(),
            lists: vec![("多用", Vec::new()), ("少用", Vec::new())],
            shown: false,
        };
        let Some(k) = api::run_keyness(&s, &p).map_err(WebError::as_page)? else {
            return Ok(render(page));
        };
        let target_file = k.target.files.first().cloned().unwrap_or_default();
        page.shown = true;
        page.summary = format!(
            "{}（{} 词）对比 {}（{} 词）：检验 {} 个词，显著性 p < 0.05/{}",
            k.target.files.join("、"),
            k.target.tokens,
            if k.reference.files.len() == 1 {
                k.reference.files[0].clone()
            } else {
                format!("{} 份规划", k.reference.files.len())
            },
            k.reference.tokens,
            k.tested,
            k.tested
        );
        for x in &k.words {
            let enc = |pairs: &[(&str, &str)]| {
                let mut q = form_urlencoded::Serializer::new(String::new());
                for (a, b) in pairs {
                    q.append_pair(a, b);
                }
                q.finish()
            };
            let v = KeyWordView {
                word: x.word.clone(),
                count: x.count,
                ref_count: x.ref_count,
                per_10k: format!("{:.2}", x.per_10k),
                ref_per_10k: format!("{:.2}", x.ref_per_10k),
                g2: format!("{:.1}", x.g2),
                log_ratio: format!("{:+.2}", x.log_ratio),
                kwic_href: format!("/kwic?{}", enc(&[("q", &x.word), ("file", &target_file)])),
                search_href: format!("/search?{}", enc(&[("q", &x.word)])),
            };
            let list = match x.direction {
                crate::analysis::keyness::Direction::More => 0,
                crate::analysis::keyness::Direction::Less => 1,
            };
            page.lists[list].1.push(v);
        }
        page.json_href = Some(format!("/api/keyness?{}", p.with(&[])));
        page.csv_href = Some(format!("/keyness.csv?{}", p.with(&[])));
        Ok(render(page))
    })
    .await
}

pub struct ShareView {
    pub region: String,
    pub file: String,
    pub href: String,
    pub chars: u64,
    pub borrowed: u64,
    pub share: String,
    pub own: String,
    pub sources: String,
}

pub struct SpanView {
    pub file: String,
    pub href: String,
    pub lines: String,
    pub place: String,
    pub source_region: String,
    pub source_file: String,
    pub source_href: String,
    pub source_lines: String,
    pub similarity: String,
    pub chars: usize,
    pub shared_by: usize,
    pub common: bool,
    /// The diff: (class, text): `same`, `del` (the source's only), `ins` (the target's only).
    pub diff: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "reuse.html")]
struct ReusePage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    chart: BarChart,
    shares: Vec<ShareView>,
    spans: Vec<SpanView>,
    more: usize,
    skip_common_href: String,
    skip_common: bool,
}

pub async fn reuse(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        let p = Params::parse(raw.as_deref());
        let r = api::run_reuse(&s, &p).map_err(WebError::as_page)?;
        let shares: Vec<ShareView> = r
            .documents
            .iter()
            .map(|d| ShareView {
                region: d.doc.region.clone(),
                file: d.doc.file.clone(),
                href: format!("/reuse?{}", p.with(&[("target", Some(&d.doc.file))])),
                chars: d.chars,
                borrowed: d.borrowed_chars,
                share: format!("{:.1}%", d.share * 100.0),
                own: format!("{}/{}", d.own_passages, d.passages),
                sources: d
                    .by_source
                    .iter()
                    .take(4)
                    .map(|(x, n)| format!("{} {n}", x.region))
                    .collect::<Vec<_>>()
                    .join(" · "),
            })
            .collect();
        let chart = svg::bars(
            &r.documents
                .iter()
                .map(|d| (d.doc.region.clone(), d.share * 100.0))
                .collect::<Vec<_>>(),
            1,
        );
        let mut spans: Vec<&crate::analysis::reuse::Alignment> = r.alignments.iter().collect();
        spans.sort_by(|a, b| b.chars.cmp(&a.chars).then(a.line_start.cmp(&b.line_start)));
        const SHOWN: usize = 100;
        let more = spans.len().saturating_sub(SHOWN);
        let spans = spans
            .into_iter()
            .take(SHOWN)
            .map(|a| SpanView {
                file: a.target.file.clone(),
                href: reader_href(&a.target, a.line_start, &[]),
                lines: lines_label(a.line_start, a.line_end),
                place: place(a.chapter.as_ref(), a.section.as_ref(), &[]),
                source_region: a.source.region.clone(),
                source_file: a.source.file.clone(),
                source_href: reader_href(&a.source, a.source_line_start, &[]),
                source_lines: lines_label(a.source_line_start, a.source_line_end),
                similarity: format!("{:.0}%", a.similarity * 100.0),
                chars: a.chars,
                shared_by: a.shared_by,
                common: a.common,
                diff: a
                    .diff
                    .iter()
                    .map(|(op, t)| {
                        let class = match op {
                            crate::analysis::reuse::Op::Equal => "same",
                            crate::analysis::reuse::Op::Delete => "del",
                            crate::analysis::reuse::Op::Insert => "ins",
                        };
                        (class, t.clone())
                    })
                    .collect(),
            })
            .collect();
        let skip_common = r.options.skip_common;
        Ok(render(ReusePage {
            title: "文本复用".into(),
            active: "reuse",
            json_href: Some(format!("/api/reuse?{}", p.with(&[]))),
            csv_href: Some(format!("/reuse.csv?{}", p.with(&[]))),
            chart,
            shares,
            spans,
            more,
            skip_common_href: format!(
                "/reuse?{}",
                p.with(&[("skip_common", Some(if skip_common { "0" } else { "1" }))])
            ),
            skip_common,
        }))
    })
    .await
}

pub struct TargetCell {
    pub text: String,
    pub href: String,
    pub title: String,
}

pub struct TargetLine {
    pub name: String,
    pub key: String,
    pub cells: Vec<Option<TargetCell>>,
}

pub struct TextTargetView {
    pub region: String,
    pub href: String,
    pub lines: String,
    pub measure: String,
    pub figure: String,
    pub year: u32,
    pub strength: String,
}

#[derive(Template)]
#[template(path = "targets.html")]
struct TargetsPage {
    title: String,
    active: &'static str,
    json_href: Option<String>,
    csv_href: Option<String>,
    indicator: String,
    regions: Vec<String>,
    lines: Vec<TargetLine>,
    unreadable: Vec<(String, String, String)>,
    strength_header: Vec<&'static str>,
    strength: Vec<(String, Vec<usize>)>,
    texts: Vec<TextTargetView>,
}

/// `/targets`: the indicator × plan matrix with each cell linked to its row in the reader; the
/// unreadable tables; the numeric targets of the text and their strength per plan.
pub async fn targets(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    blocking(move || {
        use crate::analysis::targets::Strength;
        let p = Params::parse(raw.as_deref());
        let t = api::run_targets(&s, &p).map_err(WebError::as_page)?;
        let lines = t
            .matrix
            .iter()
            .map(|m| TargetLine {
                name: m.canonical.clone(),
                key: m.key.clone(),
                cells: m
                    .cells
                    .iter()
                    .map(|c| {
                        c.map(|k| {
                            let r = &t.rows[k];
                            TargetCell {
                                text: crate::present::targets::shown(r),
                                href: reader_href(&r.doc, r.place.passage_line, &[]),
                                title: format!(
                                    "{} · {}:{} · {}{}",
                                    r.row.name,
                                    r.doc.file,
                                    r.row.line,
                                    r.row
                                        .base
                                        .as_deref()
                                        .map(|b| format!(
                                            "{} 年 {b} → ",
                                            r.base_year.unwrap_or_default()
                                        ))
                                        .unwrap_or_default(),
                                    r.row.target.clone().unwrap_or_default()
                                ),
                            }
                        })
                    })
                    .collect(),
            })
            .collect();
        let strength = t
            .docs
            .iter()
            .zip(t.strengths())
            .map(|(d, c)| {
                let mut n: Vec<usize> = Strength::ALL
                    .iter()
                    .map(|s| c.get(&Some(*s)).copied().unwrap_or(0))
                    .collect();
                n.push(c.get(&None).copied().unwrap_or(0));
                (d.region.clone(), n)
            })
            .collect();
        let mut strength_header: Vec<&'static str> =
            Strength::ALL.iter().map(|s| s.label()).collect();
        strength_header.push("无");
        let texts = t
            .text_targets
            .iter()
            .map(|x| TextTargetView {
                region: x.doc.region.clone(),
                href: reader_href(
                    &x.doc,
                    x.place.passage_line,
                    std::slice::from_ref(&x.target.measure),
                ),
                lines: format!("{}:{}", x.doc.file, x.line),
                measure: x.target.measure.clone(),
                figure: format!(
                    "{}{}{}",
                    x.target.value,
                    x.target.unit.clone().unwrap_or_default(),
                    x.target
                        .comparator
                        .and_then(|c| serde_json::to_value(c).ok())
                        .and_then(|v| v.as_str().map(|s| format!(" ({s})")))
                        .unwrap_or_default()
                ),
                year: x.target.year,
                strength: x.target.strength.map_or("—", Strength::label).to_string(),
            })
            .collect();
        let page = TargetsPage {
            title: "指标与目标".into(),
            active: "targets",
            json_href: Some(format!("/api/targets?{}", p.with(&[]))),
            csv_href: Some(format!(
                "/targets.csv?{}",
                p.with(&[("table", Some("matrix"))])
            )),
            indicator: p.get("indicator").unwrap_or_default().to_string(),
            regions: t.docs.iter().map(|d| d.region.clone()).collect(),
            lines,
            unreadable: t
                .unreadable
                .iter()
                .map(|u| {
                    (
                        format!(
                            "{} {}:{}–{}",
                            u.doc.region, u.doc.file, u.line_start, u.line_end
                        ),
                        reader_href(&u.doc, u.place.passage_line, &[]),
                        u.reason.to_string(),
                    )
                })
                .collect(),
            strength_header,
            strength,
            texts,
        };
        Ok(render(page))
    })
    .await
}
