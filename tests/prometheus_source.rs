//! The Prometheus source against a fake Prometheus on loopback (axum,
//! answering `GET /api/v1/query` as Prometheus does): down at first (the
//! port refuses, the source backs off), then up with one number, several
//! series and a value that is not a number, then an error status, then
//! back. Each answer is checked as the source sends it and as the state
//! keeps it (a failed figure keeps its value, marked stale).

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use incident_cockpit::msg::Msg;
use incident_cockpit::sources::prometheus::{self, Config, Query as Figure};
use incident_cockpit::state::figures::{FigureUpdate, PromFeed};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// What the fake answers: the error rate's value, and whether it answers
/// 503 to everything (Prometheus overloaded).
#[derive(Default)]
struct Fake {
    error_rate: String,
    unavailable: bool,
    queries: Vec<String>,
}

type Shared = Arc<Mutex<Fake>>;

fn vector(series: &[(&str, &str)]) -> String {
    let result: Vec<String> = series
        .iter()
        .map(|(pod, v)| format!(r#"{{"metric":{{"pod":"{pod}"}},"value":[1765000000.5,"{v}"]}}"#))
        .collect();
    format!(
        r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#,
        result.join(",")
    )
}

async fn query(
    State(fake): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let mut f = fake.lock().unwrap();
    let expr = q.get("query").cloned().unwrap_or_default();
    f.queries.push(expr.clone());
    if f.unavailable {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"status":"error","errorType":"unavailable","error":"too many queries"}"#
                .to_string(),
        );
    }
    let body = match expr.as_str() {
        "sum(rate(errors_total[5m]))" => vector(&[("", &f.error_rate)]),
        "rate(errors_total[5m])" => vector(&[("api-1", "1"), ("api-2", "2")]),
        "errors_status" => vector(&[("", "high")]),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                r#"{"status":"error","errorType":"bad_data","error":"unknown query"}"#.into(),
            );
        }
    };
    (StatusCode::OK, body)
}

fn figure(name: &str, query: &str) -> Figure {
    Figure {
        name: name.into(),
        query: query.into(),
        unit: "%".into(),
    }
}

/// The next poll the source sends (a correctness bound, not a budget: a
/// poll is due every 100 ms, a retry within 400 ms).
async fn next(rx: &mut UnboundedReceiver<Msg>) -> FigureUpdate {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
            Ok(Some(Msg::Figures(u))) => return u,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the source stopped"),
            Err(_) => panic!("no poll within 20 s"),
        }
    }
}

fn result(u: &FigureUpdate, name: &str) -> Result<f64, String> {
    u.answers
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no {name} in {u:?}"))
        .result
        .clone()
}

#[tokio::test]
async fn figures_from_a_prometheus_that_is_down_then_answers_then_fails_then_is_back() {
    // A free port nothing listens on yet: Prometheus is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let mut cfg = Config::new(
        &url,
        vec![
            figure("Error rate", "sum(rate(errors_total[5m]))"),
            figure("Errors per pod", "rate(errors_total[5m])"),
            figure("Error status", "errors_status"),
        ],
        Duration::from_millis(100),
    );
    cfg.timeout = Duration::from_secs(2);
    cfg.backoff_min = Duration::from_millis(100);
    cfg.backoff_max = Duration::from_millis(400);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    prometheus::spawn(cfg, tx).unwrap();
    let mut feed = PromFeed::default();
    let mut figures = Vec::new();
    let now = chrono::Utc::now();

    // Down: every figure failed, and the source backs off.
    let u = next(&mut rx).await;
    let e = result(&u, "Error rate").unwrap_err();
    assert!(e.contains("cannot connect"), "{e}");
    assert_eq!(
        result(&u, "Error status").unwrap_err(),
        "Prometheus did not answer",
        "no more waits once Prometheus is down"
    );
    assert!(u.retry_in.is_some(), "{u:?}");
    feed.apply(&mut figures, u, now);
    assert!(figures.is_empty(), "no value was ever seen: none is shown");
    assert!(feed.health.stale_since.is_some());

    // Up.
    let fake: Shared = Arc::new(Mutex::new(Fake {
        error_rate: "58.2".into(),
        ..Default::default()
    }));
    let app = Router::new()
        .route("/api/v1/query", get(query))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let u = loop {
        let u = next(&mut rx).await;
        if result(&u, "Error rate").is_ok() {
            break u;
        }
    };
    assert_eq!(result(&u, "Error rate"), Ok(58.2));
    let several = result(&u, "Errors per pod").unwrap_err();
    assert!(
        several.starts_with("2 series, not one") && several.contains(r#"pod="api-1""#),
        "{several}"
    );
    assert!(
        result(&u, "Error status")
            .unwrap_err()
            .contains("is not a number"),
        "{u:?}"
    );
    assert_eq!(
        u.retry_in, None,
        "answers that are not one number do not back off"
    );
    feed.apply(&mut figures, u, now);
    assert_eq!(figures.len(), 1);
    assert_eq!((figures[0].value, figures[0].stale.clone()), (58.2, None));
    assert!(
        fake.lock()
            .unwrap()
            .queries
            .contains(&"sum(rate(errors_total[5m]))".to_string()),
        "the query reached Prometheus as written"
    );

    // Prometheus answers 503: the value stays, stale, and says why.
    fake.lock().unwrap().unavailable = true;
    let u = loop {
        let u = next(&mut rx).await;
        if result(&u, "Error rate").is_err() {
            break u;
        }
    };
    assert_eq!(
        result(&u, "Error rate").unwrap_err(),
        "HTTP 503: unavailable: too many queries"
    );
    assert!(u.retry_in.is_some());
    feed.apply(&mut figures, u, now);
    assert_eq!(figures[0].value, 58.2);
    assert_eq!(
        figures[0].stale.as_deref(),
        Some("HTTP 503: unavailable: too many queries")
    );

    // Back, with a new value.
    {
        let mut f = fake.lock().unwrap();
        f.unavailable = false;
        f.error_rate = "3.5".into();
    }
    let u = loop {
        let u = next(&mut rx).await;
        if result(&u, "Error rate").is_ok() {
            break u;
        }
    };
    feed.apply(&mut figures, u, now);
    assert_eq!((figures[0].value, figures[0].stale.clone()), (3.5, None));
    assert!(feed.problems.contains_key("Errors per pod"));
}
