//! Prometheus (HTTP API v1): polls the playbook's named queries
//! (`watch.prometheus.figures`) with `GET /api/v1/query?query=…`, each
//! answer one number: the service's own figures, which `verify:` figure
//! conditions, thresholds and severity criteria are judged on. Every
//! request has a timeout; a figure whose answer failed is sent as failed
//! (the state keeps its last value marked stale); when Prometheus itself
//! does not answer, the source backs off like Alertmanager's.

use crate::msg::Msg;
use crate::state::figures::{FigureAnswer, FigureUpdate};
use serde::Deserialize;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// One named query.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub name: String,
    pub query: String,
    pub unit: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Prometheus' base URL (`http://prometheus:9090`, or with a path
    /// prefix).
    pub url: String,
    pub queries: Vec<Query>,
    /// Between two polls.
    pub interval: Duration,
    /// For each request, connecting included.
    pub timeout: Duration,
    /// The first retry after Prometheus did not answer; doubles up to
    /// `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

/// The default time between polls.
pub const INTERVAL: Duration = Duration::from_secs(15);

impl Config {
    pub fn new(url: &str, queries: Vec<Query>, interval: Duration) -> Self {
        Self {
            url: url.trim().to_string(),
            queries,
            interval,
            timeout: Duration::from_secs(5),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// Checks a Prometheus URL (http or https, a host).
pub fn check_url(url: &str) -> Result<reqwest::Url, String> {
    let u = reqwest::Url::parse(url.trim())
        .map_err(|e| format!("bad Prometheus URL {url:?}: {e} (expected http://HOST:9090)"))?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(format!(
            "bad Prometheus URL {url:?}: the scheme must be http or https"
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(format!("bad Prometheus URL {url:?}: no host"));
    }
    Ok(u)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: std::collections::BTreeMap<String, String>,
    value: (serde_json::Value, String),
}

fn number(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("the value {s:?} is not a number"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("the value is {s}, not a finite number"))
    }
}

/// One number from a `/api/v1/query` answer: a scalar, or an instant
/// vector of exactly one series. Anything else says what it was.
pub fn parse_answer(body: &str) -> Result<f64, String> {
    let a: Answer = serde_json::from_str(body).map_err(|e| {
        format!("not a Prometheus answer ({e}): is the URL Prometheus' (http://HOST:9090)?")
    })?;
    if a.status != "success" {
        return Err(format!(
            "Prometheus: {}{}",
            a.error_type.map(|t| format!("{t}: ")).unwrap_or_default(),
            a.error.unwrap_or_else(|| a.status.clone())
        ));
    }
    let Some(d) = a.data else {
        return Err("Prometheus answered success without data".into());
    };
    match d.result_type.as_str() {
        "scalar" => {
            let (_, v): (serde_json::Value, String) = serde_json::from_value(d.result)
                .map_err(|e| format!("a scalar that cannot be read: {e}"))?;
            number(&v)
        }
        "vector" => {
            let series: Vec<Series> = serde_json::from_value(d.result)
                .map_err(|e| format!("a vector that cannot be read: {e}"))?;
            match series.as_slice() {
                [] => Err("no series: the query matched nothing".into()),
                [one] => number(&one.value.1),
                many => {
                    let labels: Vec<String> = many
                        .iter()
                        .take(3)
                        .map(|s| {
                            let l: Vec<String> =
                                s.metric.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
                            format!("{{{}}}", l.join(","))
                        })
                        .collect();
                    Err(format!(
                        "{} series, not one ({}{}): aggregate the query (sum, max, avg)",
                        many.len(),
                        labels.join(" "),
                        if many.len() > 3 { " …" } else { "" }
                    ))
                }
            }
        }
        "matrix" => Err(
            "a range vector, not one number: use an instant query (rate(x[5m]), not x[5m])".into(),
        ),
        other => Err(format!("a {other}, not a number")),
    }
}

/// Says what went wrong in a few words.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {}s (timed out)", timeout.as_secs_f32());
    }
    let mut inner: &dyn std::error::Error = e;
    while let Some(src) = inner.source() {
        inner = src;
    }
    if e.is_connect() {
        format!("cannot connect: {inner}")
    } else {
        inner.to_string()
    }
}

/// A client for one Prometheus.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    timeout: Duration,
}

impl Client {
    pub fn new(url: &str, timeout: Duration) -> Result<Self, String> {
        let mut base = check_url(url)?;
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        let endpoint = base
            .join("api/v1/query")
            .map_err(|e| format!("bad Prometheus URL {url:?}: {e}"))?;
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(2)))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("incident-cockpit/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(Self {
            http,
            endpoint,
            timeout,
        })
    }

    /// One query. `Err((why, down))`: `down` when Prometheus itself did
    /// not answer (the poll backs off), not when it answered something
    /// that is not one number.
    pub async fn query(&self, q: &str) -> Result<f64, (String, bool)> {
        let res = self
            .http
            .get(self.endpoint.clone())
            .query(&[("query", q)])
            .send()
            .await
            .map_err(|e| (describe(&e, self.timeout), true))?;
        let status = res.status();
        let body = res
            .text()
            .await
            .map_err(|e| (describe(&e, self.timeout), true))?;
        if !status.is_success() {
            // Prometheus says why in its JSON (bad_data for a query that
            // does not parse); say both.
            let why = parse_answer(&body)
                .err()
                .filter(|w| w.starts_with("Prometheus:"))
                .map(|w| format!(": {}", w.trim_start_matches("Prometheus: ")))
                .unwrap_or_default();
            let down = status.is_server_error() || status.as_u16() == 429;
            return Err((format!("HTTP {}{why}", status.as_u16()), down));
        }
        parse_answer(&body).map_err(|w| (w, false))
    }

    /// Every query once.
    pub async fn poll(&self, queries: &[Query]) -> (Vec<FigureAnswer>, bool) {
        let mut down = false;
        let mut out = Vec::with_capacity(queries.len());
        for q in queries {
            let result = if down {
                // Prometheus did not answer the one before: no more waits.
                Err("Prometheus did not answer".to_string())
            } else {
                self.query(&q.query).await.map_err(|(why, d)| {
                    down |= d;
                    why
                })
            };
            out.push(FigureAnswer {
                name: q.name.clone(),
                unit: q.unit.clone(),
                result,
            });
        }
        (out, down)
    }
}

/// Starts the source.
pub fn spawn(cfg: Config, tx: UnboundedSender<Msg>) -> Result<(), String> {
    let client = Client::new(&cfg.url, cfg.timeout)?;
    tokio::spawn(run(client, cfg, tx));
    Ok(())
}

/// Polls until the cockpit goes away.
pub async fn run(client: Client, cfg: Config, tx: UnboundedSender<Msg>) {
    let mut failures = 0u32;
    loop {
        let t = std::time::Instant::now();
        let (answers, down) = client.poll(&cfg.queries).await;
        let wait = if down {
            failures += 1;
            super::alertmanager::backoff(failures, cfg.backoff_min, cfg.backoff_max)
        } else {
            failures = 0;
            cfg.interval
        };
        let msg = Msg::Figures(FigureUpdate {
            answers,
            took_ms: t.elapsed().as_millis() as u64,
            retry_in: down.then_some(wait),
        });
        if tx.send(msg).is_err() {
            return;
        }
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_of_one_series_is_its_number() {
        let body = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000.123,"58.2"]}]}}"#;
        assert_eq!(parse_answer(body), Ok(58.2));
    }

    #[test]
    fn a_scalar_is_its_number() {
        let body =
            r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"0.25"]}}"#;
        assert_eq!(parse_answer(body), Ok(0.25));
    }

    #[test]
    fn several_series_say_so_with_their_labels() {
        let body = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"pod":"a"},"value":[1,"1"]},{"metric":{"pod":"b"},"value":[1,"2"]}]}}"#;
        let e = parse_answer(body).unwrap_err();
        assert!(e.starts_with("2 series, not one"), "{e}");
        assert!(e.contains(r#"pod="a""#) && e.contains("aggregate"), "{e}");
    }

    #[test]
    fn no_series_nan_and_text_are_not_numbers() {
        let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(parse_answer(empty).unwrap_err().contains("matched nothing"));
        let nan = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#;
        assert!(
            parse_answer(nan)
                .unwrap_err()
                .contains("not a finite number")
        );
        let inf = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}}"#;
        assert!(parse_answer(inf).is_err());
        let text = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"high"]}]}}"#;
        assert!(parse_answer(text).unwrap_err().contains("not a number"));
        let string = r#"{"status":"success","data":{"resultType":"string","result":[1,"x"]}}"#;
        assert!(parse_answer(string).unwrap_err().contains("a string"));
        let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert!(parse_answer(matrix).unwrap_err().contains("range vector"));
    }

    #[test]
    fn an_error_answer_and_a_page_that_is_not_json_say_what() {
        let err = r#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#;
        assert_eq!(
            parse_answer(err).unwrap_err(),
            "Prometheus: bad_data: parse error at char 5"
        );
        assert!(
            parse_answer("<html>login</html>")
                .unwrap_err()
                .contains("not a Prometheus answer")
        );
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("http://127.0.0.1:9090").is_ok());
        assert!(check_url("ftp://x").unwrap_err().contains("http or https"));
        assert!(check_url("prometheus:9090").is_err());
    }
}
