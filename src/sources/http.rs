//! The HTTP GET of a `verify:` condition, sent by the cockpit itself (not
//! a shell): GET only, no body, redirects not followed (a 3xx is an
//! answer, not a 2xx), at most the condition's timeout (itself at most
//! 60 s). `update` asks for it (`Effect::HttpGet`) only while a step with
//! such a condition is open, one at a time per URL; the answer comes back
//! as `Msg::Checks`.

use crate::msg::Msg;
use crate::playbook::verify::HTTP_TIMEOUT_MAX;
use crate::state::verify::{CheckUpdate, HttpAnswer};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

fn client() -> Result<&'static reqwest::Client, String> {
    static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(HTTP_TIMEOUT_MAX)
                .user_agent(concat!("incident-cockpit/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| format!("cannot make an HTTP client: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// GETs `url` and says what came back (the status, or why nothing did).
pub async fn get(url: &str, timeout: Duration) -> HttpAnswer {
    let timeout = timeout.min(HTTP_TIMEOUT_MAX);
    let started = Instant::now();
    let result = match client() {
        Ok(c) => c.get(url).timeout(timeout).send().await.map_err(|e| {
            if e.is_timeout() {
                format!(
                    "no answer within {}",
                    crate::time::human_ms(timeout.as_millis() as u64)
                )
            } else {
                chain(&e)
            }
        }),
        Err(e) => Err(e),
    };
    let took_ms = started.elapsed().as_millis() as u64;
    let (status, error) = match result {
        Ok(r) => (Some(r.status().as_u16()), None),
        Err(e) => (None, Some(crate::sanitize::clean(&e).into_owned())),
    };
    HttpAnswer {
        status,
        error,
        took_ms,
        at: chrono::Utc::now(),
    }
}

/// The error and its causes, one after another (`error sending request:
/// connection refused`).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !t.is_empty() && !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = c.source();
    }
    parts.join(": ")
}

/// Runs one GET on the current runtime and sends its answer.
pub fn spawn(url: String, timeout: Duration, tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let answer = get(&url, timeout).await;
        let _ = tx.send(Msg::Checks(CheckUpdate::Http { url, answer }));
    });
}
