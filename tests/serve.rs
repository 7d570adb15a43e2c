//! `plansearch serve`: the API gives the CLI's JSON and CSV, the server refuses what it must,
//! and the pages work in a real headless Chromium.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;

use crate::util::{Server, enc, http, plansearch, workspace};

fn cli_json_lines(dir: &std::path::Path, args: &[&str]) -> Vec<Value> {
    let run = plansearch(dir, args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_api_gives_the_commands_json_and_csv() {
    let dir = workspace();
    let d = dir.path();
    let server = Server::start(d, &[]);
    let q = enc("营商环境");
    // search: the same hits, wrapped with the query, the totals and the paging.
    let api = server.get(&format!("/api/search?q={q}&limit=10"));
    assert_eq!(api.status, 200);
    assert!(
        api.header("content-type")
            .unwrap()
            .contains("application/json")
    );
    let v = api.json();
    let cli = cli_json_lines(d, &["search", "营商环境", "--json", "--limit", "10"]);
    let hits: Vec<Value> = v["hits"].as_array().unwrap().clone();
    // Scores aside (the same numbers, timed in another process), hit for hit.
    assert_eq!(
        without_scores(Value::Array(hits)),
        without_scores(Value::Array(cli))
    );
    for key in ["query", "total", "offset", "limit", "took_ms"] {
        assert!(!v[key].is_null(), "{key}");
    }
    assert_eq!(v["query"], "营商环境");
    // Paging: offset 5 gives the CLI's sixth hit first.
    let page = server
        .get(&format!("/api/search?q={q}&limit=5&offset=5"))
        .json();
    assert_eq!(page["hits"][0]["rank"], 6);
    // compare: the one object the CLI writes.
    let api = server
        .get(&format!("/api/compare?q={q}&q={}&per=1", enc("碳达峰")))
        .json();
    let cli = cli_json_lines(
        d,
        &["compare", "营商环境", "碳达峰", "--json", "--per", "1"],
    );
    assert_eq!(without_scores(api), without_scores(cli[0].clone()));
    // kwic: the CLI's lines.
    let api = server.get(&format!("/api/kwic?q={q}&limit=5000")).json();
    let cli = cli_json_lines(d, &["kwic", "营商环境", "--json"]);
    assert_eq!(api["lines"].as_array().unwrap(), &cli);
    assert_eq!(api["total"].as_u64().unwrap() as usize, cli.len());
    // docs: the CLI's rows, with the id the pages link by.
    let api = server.get("/api/docs").json();
    let cli = cli_json_lines(d, &["docs", "--json"]);
    let mut docs = api["documents"].as_array().unwrap().clone();
    for doc in &mut docs {
        assert_eq!(doc["id"].as_str().unwrap().len(), 16);
        doc.as_object_mut().unwrap().remove("id");
    }
    assert_eq!(docs.len(), cli.len());
    for c in &cli {
        assert!(docs.contains(c), "{c}");
    }
    // A document by id: its passages in order.
    let id = api["documents"][0]["id"].as_str().unwrap().to_string();
    let doc = server.get(&format!("/api/doc/{id}")).json();
    let lines: Vec<u64> = doc["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line_start"].as_u64().unwrap())
        .collect();
    assert!(lines.len() > 100 && lines.windows(2).all(|w| w[0] <= w[1]));
    // CSV: the CLI's bytes after a UTF-8 BOM.
    for (path, args) in [
        (
            format!("/search.csv?q={q}&limit=10"),
            vec!["search", "营商环境", "--csv", "--limit", "10"],
        ),
        (
            format!("/compare.csv?q={q}"),
            vec!["compare", "营商环境", "--csv"],
        ),
        (
            format!("/compare.csv?q={q}&table=chapters"),
            vec!["compare", "营商环境", "--csv", "--table", "chapters"],
        ),
        (
            format!("/kwic.csv?q={q}&limit=5000"),
            vec!["kwic", "营商环境", "--csv"],
        ),
    ] {
        let web = server.get(&path);
        assert_eq!(web.status, 200, "{path}");
        assert!(web.header("content-type").unwrap().starts_with("text/csv"));
        assert_eq!(&web.body[..3], b"\xEF\xBB\xBF", "{path}: a BOM");
        let cli = plansearch(d, &args);
        let (web_text, cli_text) = (
            String::from_utf8_lossy(&web.body[3..]).into_owned(),
            cli.stdout,
        );
        let drop_score = |t: &str| -> Vec<String> {
            // search.csv's second column is the score, timed apart.
            t.lines()
                .map(|l| {
                    if path.starts_with("/search") {
                        let mut cols: Vec<&str> = l.splitn(3, ',').collect();
                        cols.remove(1);
                        cols.join(",")
                    } else {
                        l.to_string()
                    }
                })
                .collect()
        };
        assert_eq!(drop_score(&web_text), drop_score(&cli_text), "{path}");
    }
}

/// A JSON value without its `score` fields: the same numbers, computed in another process.
fn without_scores(mut v: Value) -> Value {
    match &mut v {
        Value::Object(m) => {
            m.remove("score");
            for x in m.values_mut() {
                *x = without_scores(x.take());
            }
        }
        Value::Array(a) => {
            for x in a.iter_mut() {
                *x = without_scores(x.take());
            }
        }
        _ => {}
    }
    v
}

#[test]
fn the_server_refuses_what_it_must() {
    let dir = workspace();
    let server = Server::start(dir.path(), &[]);
    // DNS rebinding: a foreign Host is refused; this machine's names are not.
    let r = http("GET", &server.addr, "/api/docs", "evil.example.com");
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "forbidden_host");
    for host in ["localhost", "127.0.0.1", "[::1]:8080"] {
        assert_eq!(
            http("GET", &server.addr, "/api/docs", host).status,
            200,
            "{host}"
        );
    }
    // Documents by id only.
    for path in [
        "/doc/../../etc/passwd",
        "/doc/0000000000000000",
        "/api/doc/zzzz",
        "/api/doc/..%2F..%2Fetc%2Fpasswd",
        "/nowhere",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("root:"), "{path}");
    }
    // GET and HEAD only.
    assert_eq!(
        http("POST", &server.addr, "/search", "localhost").status,
        405
    );
    assert_eq!(
        http("DELETE", &server.addr, "/api/search?q=x", "localhost").status,
        405
    );
    assert_eq!(
        http("HEAD", &server.addr, "/search", "localhost").status,
        200
    );
    // Bounded, checked parameters: a 4xx JSON error naming the parameter.
    let long = enc(&"营".repeat(1001));
    let many: String = (0..9).map(|k| format!("q=t{k}&")).collect();
    for (path, word) in [
        ("/api/search?q=x&limit=abc".to_string(), "limit"),
        ("/api/search?q=x&limit=100000".to_string(), "limit"),
        ("/api/search?q=x&offset=-1".to_string(), "offset"),
        (format!("/api/search?q={long}"), "1000"),
        (format!("/api/compare?{many}"), "terms"),
        ("/api/kwic?q=x&width=9999".to_string(), "width"),
        ("/api/kwic?q=x&sort=sideways".to_string(), "sort"),
        ("/api/search".to_string(), "q"),
    ] {
        let r = server.get(&path);
        assert!((400..500).contains(&r.status), "{path}: {}", r.status);
        let e = r.json();
        assert!(
            e["error"]["message"].as_str().unwrap().contains(word),
            "{path}: {e}"
        );
        assert!(e["error"]["code"].is_string());
    }
    // Every page carries the policy.
    let page = server.get("/search?q=x");
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn what_a_plan_or_a_query_holds_is_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    // Markup a converter leaves is stripped by the reader; what stays is text, and shows as text.
    std::fs::write(
        corpus.join("a.txt"),
        "甲县规划\n\n第一章 总则\n\n推进营商环境建设，指标1<2&3>0，\"onmouseover=\"alert(1)'。\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &[]);
    let body = server.get(&format!("/search?q={}", enc("营商环境"))).text();
    // Named or numeric character references, either is escaped.
    let escaped = |raw: &str| -> [String; 2] {
        let named = raw
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let numeric = raw
            .replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;");
        [named, numeric]
    };
    assert!(
        escaped("1<2&3>0").iter().any(|e| body.contains(e.as_str())),
        "{body}"
    );
    assert!(!body.contains("1<2&3>0"));
    assert!(!body.contains("\"onmouseover=\""), "quotes are escaped");
    let query = "<script>alert(3)</script>";
    for path in [
        format!("/search?q={}", enc(query)),
        format!("/kwic?q={}", enc(query)),
        format!("/compare?q={}", enc(query)),
    ] {
        let body = server.get(&path).text();
        assert!(!body.contains(query), "{path}");
        assert!(
            escaped(query).iter().any(|e| body.contains(e.as_str())),
            "{path}: {body}"
        );
    }
}

#[test]
fn a_comparison_of_many_plans_shows_passages_side_by_side_only_when_asked() {
    // More plans than are shown side by side by default: the API and the page count them all,
    // as the command does, and leave the best passages out unless `per` asks for them.
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let plans = plansearch::query::compare::SIDE_BY_SIDE_DOCUMENTS + 1;
    for k in 0..plans {
        let times = "优化营商环境，".repeat(k % 3);
        std::fs::write(
            corpus.join(format!("p{k:02}.txt")),
            format!("第{k}区规划\n\n第一章 总则\n\n{times}推进改革。\n"),
        )
        .unwrap();
    }
    let server = Server::start(dir.path(), &[]);
    let q = enc("营商环境");
    let api = server.get(&format!("/api/compare?q={q}")).json();
    let cli = cli_json_lines(dir.path(), &["compare", "营商环境", "--json"]);
    assert_eq!(without_scores(api.clone()), without_scores(cli[0].clone()));
    let best = |v: &Value| -> Vec<usize> {
        v["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["best"].as_array().unwrap().len())
            .collect()
    };
    assert_eq!(best(&api), vec![0; plans]);
    let page = server.get(&format!("/compare?q={q}")).text();
    assert!(!page.contains("逐一并列</h3>"), "{page}");
    // The link to them, its `&` escaped either way.
    assert!(
        ["&amp;", "&#38;"]
            .iter()
            .any(|amp| page.contains(&format!("/compare?q={q}{amp}per=1"))),
        "{page}"
    );
    // Asked for, they are shown: one best passage for each plan that uses the term.
    let api = server.get(&format!("/api/compare?q={q}&per=1")).json();
    let using: Vec<usize> = api["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| usize::from(d["occurrences"].as_u64().unwrap() > 0))
        .collect();
    assert_eq!(best(&api), using);
    assert!(using.contains(&1) && using.contains(&0));
    let page = server.get(&format!("/compare?q={q}&per=1")).text();
    assert!(page.contains("逐一并列</h3>"), "{page}");
}

#[test]
fn a_commit_by_another_process_is_searched_without_a_restart() {
    let dir = workspace();
    let d = dir.path();
    let server = Server::start(d, &[]);
    let q = format!("/api/search?q={}", enc("\"星际航行试验区\""));
    assert_eq!(server.get(&q).json()["hits"].as_array().unwrap().len(), 0);
    std::fs::write(
        d.join("corpus").join("new.txt"),
        "新区规划\n\n第一章 总则\n\n建设星际航行试验区，培育未来产业。\n",
    )
    .unwrap();
    assert_eq!(plansearch(d, &["index"]).code, 0);
    let hits = server.get(&q).json()["hits"].as_array().unwrap().len();
    assert_eq!(hits, 1);
}

// ---- in a real browser ----

/// chromium and chromedriver from Debian, or the reason they are missing.
fn browser() -> Option<(String, String)> {
    let find = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("/usr/bin/{n}"))
            .find(|p| std::path::Path::new(p).exists())
    };
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true: chromium and chromium-driver must be installed for the browser tests"
            );
            eprintln!(
                "skipped: no headless Chromium (Debian: apt-get install chromium chromium-driver fonts-wqy-microhei)"
            );
            None
        }
    }
}

/// chromedriver on a free port of this machine, stopped when dropped.
struct Driver(std::process::Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_driver(path: &str) -> Driver {
    let port = free_port();
    let child = std::process::Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "chromedriver did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver(child, port)
}

/// The browser's console, read through chromedriver's log endpoint.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

#[test]
fn the_pages_work_in_a_real_browser() {
    let Some((chromium, driver_path)) = browser() else {
        return;
    };
    let dir = workspace();
    let server = Server::start(dir.path(), &[]);
    let driver = start_driver(&driver_path);
    let base = format!("http://{}", server.addr);
    let csv_expected = plansearch(dir.path(), &["search", "营商环境", "--csv"]).stdout;
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        use fantoccini::{ClientBuilder, Locator};
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", format!("--user-data-dir={}", profile.path().display()),
                         "--window-size=1280,1000"]
            }),
        );
        caps.insert("goog:loggingPrefs".into(), serde_json::json!({"browser": "ALL"}));
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.1))
            .await
            .expect("a browser session");

        // Type a query, submit: ranked passages with their matches highlighted.
        c.goto(&format!("{base}/")).await.unwrap();
        let input = c.find(Locator::Css("form.query input[name=q]")).await.unwrap();
        input.send_keys("营商环境").await.unwrap();
        c.find(Locator::Css("form.query button[type=submit]")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Css("ol.hits li.hit")).await.unwrap();
        let hits = c.find_all(Locator::Css("ol.hits li.hit")).await.unwrap();
        assert_eq!(hits.len(), 20);
        let first_mark = hits[0].find(Locator::Css("mark")).await.unwrap().text().await.unwrap();
        assert_eq!(first_mark, "营商环境");
        let ranks: Vec<String> = {
            let mut v = Vec::new();
            for h in &hits {
                v.push(h.find(Locator::Css(".rank")).await.unwrap().text().await.unwrap());
            }
            v
        };
        assert_eq!(ranks[..3], ["1", "2", "3"]);

        // The CSV link gives the CLI's CSV.
        let csv_href = c.find(Locator::Css("footer a.twin:nth-of-type(2)")).await.unwrap().attr("href").await.unwrap().unwrap();
        assert!(csv_href.starts_with("/search.csv?"), "{csv_href}");
        let web = http("GET", &server.addr, &format!("{csv_href}&limit=10").replace("limit=20&", ""), "localhost");
        let web_rows: Vec<String> = String::from_utf8_lossy(&web.body[3..]).lines().map(|l| l.splitn(3, ',').enumerate().filter(|(k, _)| *k != 1).map(|(_, x)| x).collect::<Vec<_>>().join(",")).collect();
        let cli_rows: Vec<String> = csv_expected.lines().map(|l| l.splitn(3, ',').enumerate().filter(|(k, _)| *k != 1).map(|(_, x)| x).collect::<Vec<_>>().join(",")).collect();
        assert_eq!(web_rows, cli_rows);

        // Open a hit in the reader: at its passage, which is highlighted.
        let link = hits[0].find(Locator::Css("a.file")).await.unwrap();
        let href = link.attr("href").await.unwrap().unwrap();
        let anchor = href.split('#').nth(1).unwrap().to_string();
        link.click().await.unwrap();
        c.wait().for_element(Locator::Css("article.plan")).await.unwrap();
        let target = c.execute("return document.querySelector(':target') ? document.querySelector(':target').id : null", vec![]).await.unwrap();
        assert_eq!(target, serde_json::json!(anchor));
        let marked = c.find(Locator::Css(&format!("section#{anchor} mark"))).await.unwrap().text().await.unwrap();
        assert_eq!(marked, "营商环境");
        let top = c.execute(&format!("return document.getElementById('{anchor}').getBoundingClientRect().top"), vec![]).await.unwrap();
        assert!(top.as_f64().unwrap().abs() < 200.0, "scrolled to the passage: {top}");

        // Compare: one bar per plan, zeros included, for each term.
        c.goto(&format!("{base}/compare?q={}&q={}", enc("营商环境"), enc("碳达峰"))).await.unwrap();
        let bars = c.find_all(Locator::Css("svg.bars g.bar")).await.unwrap();
        assert_eq!(bars.len(), 10, "5 plans × 2 terms");
        let zeros = c.find_all(Locator::Css("svg.bars g.bar.zero")).await.unwrap();
        assert_eq!(zeros.len(), 5, "碳达峰 is written out, never abbreviated, in the five plans");

        // The concordance reorders when sorted by the right context.
        c.goto(&format!("{base}/kwic?q={}", enc("营商环境"))).await.unwrap();
        let read_right = |c: fantoccini::Client| async move {
            let mut v = Vec::new();
            for cell in c.find_all(Locator::Css("table.kwic td.right")).await.unwrap() {
                v.push(cell.text().await.unwrap());
            }
            v
        };
        let before = read_right(c.clone()).await;
        c.find(Locator::Css("button[data-sort=right]")).await.unwrap().click().await.unwrap();
        let after = read_right(c.clone()).await;
        assert_ne!(before, after);
        let mut sorted = before.clone();
        sorted.sort_by(|a, b| a.cmp(b));
        assert_eq!(after.iter().collect::<BTreeSet<_>>(), sorted.iter().collect::<BTreeSet<_>>());
        // Without the script, the sort link does the same on the server.
        c.find(Locator::LinkText("按右侧")).await.unwrap().click().await.unwrap();
        let server_sorted = read_right(c.clone()).await;
        assert_ne!(server_sorted, before);

        // No page broke its Content-Security-Policy.
        c.goto(&format!("{base}/docs")).await.unwrap();
        let log = c.issue_cmd(BrowserLog).await.unwrap();
        let text = log.to_string();
        assert!(!text.contains("Content Security Policy"), "{text}");
        c.close().await.unwrap();
    });
}
