//! The HTTP GET of a `verify:` condition against a tiny local server: a
//! 200 is met, a 500 failed, a redirect is an answer (not followed, not
//! met), a server that does not answer in time is a timeout; the request
//! is a GET without a body.

use incident_cockpit::playbook::verify::{Check, Compile};
use incident_cockpit::sources::http;
use incident_cockpit::state::Observed;
use incident_cockpit::view::verify::{Inputs, Truth, evaluate};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// Serves each connection the next answer of `answers` (None: read the
/// request and never answer); sends each request's head on the channel.
fn serve(answers: Vec<Option<&'static str>>) -> (String, mpsc::Receiver<String>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for answer in answers {
            let Ok((mut conn, _)) = l.accept() else {
                return;
            };
            let mut head = String::new();
            let mut r = BufReader::new(conn.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let _ = tx.send(head);
            match answer {
                Some(a) => {
                    let _ = conn.write_all(a.as_bytes());
                }
                None => held.push(conn),
            }
        }
    });
    (url, rx)
}

fn truth(url: &str, answer: incident_cockpit::state::verify::HttpAnswer) -> Truth {
    let cond = Check {
        http: Some(incident_cockpit::playbook::model::At::new(url.to_string())),
        ..Default::default()
    }
    .compile()
    .unwrap();
    let mut o = Observed::default();
    o.checks.http.insert(url.to_string(), answer);
    evaluate(
        &cond,
        &Inputs {
            observed: &o,
            watched: &[],
            observes_pods: false,
            observes_alerts: false,
            prometheus: None,
        },
    )
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
const REDIRECT: &str =
    "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const ERR: &str =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

#[tokio::test]
async fn a_get_answered_200_then_500_then_a_redirect_not_followed_then_nothing() {
    // A fifth answer (200) would be there for a followed redirect.
    let (base, requests) = serve(vec![Some(OK), Some(ERR), Some(REDIRECT), None, Some(OK)]);
    let url = format!("{base}/health");

    let a = http::get(&url, Duration::from_secs(5)).await;
    assert_eq!((a.status, a.error.as_deref()), (Some(200), None));
    assert!(matches!(truth(&url, a), Truth::Yes(s) if s.starts_with("200 in ")));
    let head = requests.recv().unwrap();
    assert!(head.starts_with("GET /health HTTP/1.1\r\n"), "{head}");
    let lower = head.to_lowercase();
    assert!(
        !lower.contains("content-length") && !lower.contains("transfer-encoding"),
        "no body: {head}"
    );

    let a = http::get(&url, Duration::from_secs(5)).await;
    assert_eq!(a.status, Some(500));
    assert_eq!(truth(&url, a), Truth::Failed("answered 500".into()));
    requests.recv().unwrap();

    let a = http::get(&url, Duration::from_secs(5)).await;
    assert_eq!(a.status, Some(302), "the redirect is the answer");
    assert_eq!(truth(&url, a), Truth::Failed("answered 302".into()));
    requests.recv().unwrap();

    // A server that never answers: the timeout, not a hang.
    let a = http::get(&url, Duration::from_millis(300)).await;
    assert_eq!(a.status, None);
    let err = a.error.clone().unwrap();
    assert!(err.contains("no answer within 300ms"), "{err}");
    assert!(matches!(truth(&url, a), Truth::Failed(_)));
    let head = requests.recv().unwrap();
    assert!(head.starts_with("GET /health "), "{head}");
    // The redirect was never followed: nothing asked for /elsewhere.
    assert!(requests.try_recv().is_err());
}

#[tokio::test]
async fn a_refused_connection_is_a_reason() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let a = http::get(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(5)).await;
    assert_eq!(a.status, None);
    let err = a.error.unwrap();
    assert!(err.to_lowercase().contains("refused"), "{err}");
}
