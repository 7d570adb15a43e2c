//! The web front end: the analysts' pages and a JSON/CSV API, beside the command line.
//!
//! It is one more front end: every view calls the same query and analysis functions the commands
//! call, and writes the same JSON and CSV through the same serializers ([`crate::present`]);
//! search never renders. Pages are rendered on the server (askama templates, checked when the
//! binary is compiled, escaping everything a plan or a query holds) and work without
//! JavaScript; every state is in the URL, and every page links to the same view as JSON and as
//! CSV, in the manner of Datasette. Charts are SVG drawn here. Assets are in the binary.
//!
//! Safe by default: it listens on 127.0.0.1; every request's `Host` must be this machine's or
//! one `--allow-host` names (DNS rebinding); only GET and HEAD; documents are served by id,
//! never by path; every number and the query's length are bounded, every request is
//! time-limited; a Content-Security-Policy allows no inline script or style.
//!
//! axum on tokio serves; tower-http bounds time. The index is reopened when another process
//! commits to it, so the server answers from the new index without a restart.

mod api;
mod pages;
mod params;
mod svg;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::{Error, Result};
use crate::index::Opened;
use crate::open::{IndexLocation, open_fresh};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub location: IndexLocation,
    pub host: IpAddr,
    /// 0 lets the system choose a free port.
    pub port: u16,
    /// Host names requests may name besides this machine's.
    pub allow_hosts: Vec<String>,
    /// Open the page in the default browser.
    pub open: bool,
}

/// The longest a request may take.
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(20);

/// The policy every page is served under: nothing inline, nothing from elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What every request shares: the index (reopened when it changes) and the allowed hosts.
pub struct AppState {
    location: IndexLocation,
    index: RwLock<Arc<Opened>>,
    /// When the index's `meta.json` was last seen to change.
    stamp: Mutex<Option<SystemTime>>,
    allowed_hosts: Vec<String>,
}

fn meta_stamp(dir: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(dir.join("meta.json"))
        .and_then(|m| m.modified())
        .ok()
}

impl AppState {
    /// The index as last committed: reopened if another process committed since.
    pub fn index(&self) -> Result<Arc<Opened>> {
        let now = meta_stamp(&self.location.index);
        let changed = {
            let mut stamp = self.stamp.lock().unwrap_or_else(|e| e.into_inner());
            let changed = *stamp != now;
            *stamp = now;
            changed
        };
        if changed {
            match Opened::open(&self.location.index) {
                Ok(fresh) => {
                    *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
                }
                // Mid-commit or damaged: keep answering from the index we have.
                Err(_) => *self.stamp.lock().unwrap_or_else(|e| e.into_inner()) = None,
            }
        }
        Ok(Arc::clone(
            &self.index.read().unwrap_or_else(|e| e.into_inner()),
        ))
    }

    /// How plan files are read, for analyses that read them again (targets).
    pub fn read_options(&self) -> crate::read::ReadOptions {
        self.location.read
    }
}

/// Names a request may give in its `Host` header.
fn allowed_hosts(opts: &ServeOptions) -> Vec<String> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if !opts.host.is_unspecified() {
        hosts.push(opts.host.to_string());
    }
    hosts.extend(opts.allow_hosts.iter().map(|h| h.to_ascii_lowercase()));
    hosts
}

/// The host part of a `Host` header: `localhost:8080` → `localhost`, `[::1]:80` → `[::1]`.
fn host_name(header: &str) -> String {
    let h = header.trim().to_ascii_lowercase();
    if let Some(end) = h.find(']') {
        return h[..=end].to_string();
    }
    match h.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name.to_string(),
        _ => h,
    }
}

/// Refuses a request whose `Host` is not this machine or an allowed name, and sets the security
/// headers on every response.
async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(host_name);
    let allowed = host
        .as_deref()
        .is_some_and(|h| state.allowed_hosts.iter().any(|a| a == h));
    let mut resp = if allowed {
        next.run(req).await
    } else {
        WebError::new(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            format!(
                "Host {} is not allowed; start the server with --allow-host NAME to serve it",
                host.as_deref().unwrap_or("(none)")
            ),
        )
        .json()
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

/// An error as the web shows it: a status, a code, a one-line message.
#[derive(Debug, Clone)]
pub struct WebError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Shown as a page rather than JSON.
    pub page: bool,
}

impl WebError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        WebError {
            status,
            code,
            message: message.into(),
            page: false,
        }
    }

    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        WebError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        WebError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// The same error, shown as a page.
    pub fn as_page(mut self) -> Self {
        self.page = true;
        self
    }

    fn json(&self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<Error> for WebError {
    fn from(e: Error) -> Self {
        match e {
            Error::Query { .. } => WebError::bad("bad_query", e.to_string()),
            Error::Usage(m) => WebError::bad("bad_parameter", m),
            Error::BadFile { .. } => WebError::bad("bad_parameter", e.to_string()),
            other => WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "index_unavailable",
                other.to_string(),
            ),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if self.page {
            pages::error_page(&self)
        } else {
            self.json()
        }
    }
}

/// Requests searching at once: two per core. Searches are CPU-bound; many at once only share
/// the cores (each takes as long as all of them together) and hold more memory, while those
/// waiting here, in arrival order, cost nothing. Under the load benchmark (8 clients, 2 cores),
/// two per core gave a lower search p99 and more requests per second than no bound, and one per
/// core made short requests wait behind long ones.
static WORKERS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(cores * 2)
});

/// Runs blocking work — searching the index — off the async threads, at most two per core
/// (see [`WORKERS`]).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::result::Result<T, WebError> + Send + 'static,
) -> std::result::Result<T, WebError> {
    let _turn = WORKERS.acquire().await.map_err(|_| {
        WebError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the server is shutting down",
        )
    })?;
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| {
        Err(WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request failed inside plansearch; please report it",
        ))
    })
}

/// The routes: pages, their JSON and CSV twins, and the assets.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::search))
        .route("/search", get(pages::search))
        .route("/search.csv", get(api::search_csv))
        .route("/api/search", get(api::search))
        .route("/compare", get(pages::compare))
        .route("/compare.csv", get(api::compare_csv))
        .route("/api/compare", get(api::compare))
        .route("/kwic", get(pages::kwic))
        .route("/kwic.csv", get(api::kwic_csv))
        .route("/api/kwic", get(api::kwic))
        .route("/reuse", get(pages::reuse))
        .route("/reuse.csv", get(api::reuse_csv))
        .route("/api/reuse", get(api::reuse))
        .route("/targets", get(pages::targets))
        .route("/targets.csv", get(api::targets_csv))
        .route("/api/targets", get(api::targets))
        .route("/keyness", get(pages::keyness))
        .route("/keyness.csv", get(api::keyness_csv))
        .route("/api/keyness", get(api::keyness))
        .route("/docs", get(pages::docs))
        .route("/api/docs", get(api::docs))
        .route("/doc/{id}", get(pages::doc))
        .route("/api/doc/{id}", get(api::doc))
        .route("/assets/{name}", get(pages::asset))
        .fallback(|| async { WebError::not_found("no such page").as_page() })
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIME_LIMIT,
        ))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), guard))
        .with_state(state)
}

/// Opens (building or updating) the index, binds, prints the URL and serves until Ctrl-C.
pub fn run(opts: &ServeOptions) -> Result<()> {
    let opened = open_fresh(&opts.location)?;
    let state = Arc::new(AppState {
        location: opts.location.clone(),
        stamp: Mutex::new(meta_stamp(&opts.location.index)),
        index: RwLock::new(Arc::new(opened)),
        allowed_hosts: allowed_hosts(opts),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io(&PathBuf::from("<runtime>"), e))?;
    runtime.block_on(async {
        let addr = SocketAddr::new(opts.host, opts.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {}", crate::error::io_reason(&e))))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::io(&PathBuf::from("<socket>"), e))?;
        let url = format!("http://{}/", display_addr(bound));
        if !opts.host.is_loopback() {
            eprintln!(
                "plansearch: warning: listening on {} — anyone who can reach this machine can read the plans",
                opts.host
            );
        }
        // The URL on stdout, alone on its line: scripts and tests read it from there.
        println!("{url}");
        eprintln!("plansearch: serving {url} (Ctrl-C stops)");
        if opts.open {
            open_browser(&url);
        }
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::io(&PathBuf::from("<server>"), e))?;
        eprintln!("plansearch: stopped");
        Ok(())
    })
}

fn display_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        ip if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// Asks the desktop to open a URL; says so if it cannot.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_err()
    {
        eprintln!("plansearch: could not open a browser ({program}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_two_requests_per_core_search_at_once_and_all_are_served() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..cores * 6)
            .map(|k| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(blocking(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok(k)
                }))
            })
            .collect();
        let mut served = Vec::new();
        for t in tasks {
            served.push(t.await.unwrap().unwrap());
        }
        assert_eq!(served, (0..cores * 6).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(most <= cores * 2, "{most} at once on {cores} cores");
        assert!(most >= 2, "requests were not run side by side: {most}");
    }

    #[test]
    fn host_names_without_ports() {
        assert_eq!(host_name("localhost:8080"), "localhost");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8080"), "[::1]");
        assert_eq!(host_name("Evil.Example.com:80"), "evil.example.com");
    }
}
