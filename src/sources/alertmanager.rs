//! Alertmanager (API v2): polls the alerts the playbook's matchers select
//! and the silences; creates and expires silences when `update` asks.
//! Every request has a timeout; a failed poll is reported (the pane shows
//! stale-since, the error and when it retries) and retried with backoff.

use crate::alerts::silence::{NewSilence, Silence};
use crate::alerts::{Poll, matcher};
use crate::msg::{AmCommand, Msg};
use crate::state::observed::{Alert, AlertState};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

#[derive(Clone, Debug)]
pub struct Config {
    /// Alertmanager's base URL (`http://alertmanager:9093`, or with a path
    /// prefix).
    pub url: String,
    /// The watch's matchers, sent as `filter` parameters.
    pub matchers: Vec<String>,
    /// Between two polls.
    pub interval: Duration,
    /// For each request, connecting included.
    pub timeout: Duration,
    /// After Alertmanager (re)starts, alerts it does not list yet are not
    /// taken as resolved for this long (Prometheus resends firing alerts
    /// every minute by default).
    pub resend_grace: Duration,
    /// The first retry after a failure; doubles up to `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

impl Config {
    pub fn new(url: &str, matchers: &[String]) -> Self {
        Self {
            url: url.to_string(),
            matchers: matchers.to_vec(),
            interval: Duration::from_secs(5),
            timeout: Duration::from_secs(4),
            resend_grace: Duration::from_secs(90),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// The URL without credentials, for the screen and the record.
pub fn display_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string().trim_end_matches('/').to_string()
        }
        Err(_) => url.to_string(),
    }
}

pub use crate::alerts::check_url;

/// A client for one Alertmanager.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: reqwest::Url,
    filters: Vec<String>,
    timeout: Duration,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiAlert {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    fingerprint: String,
    starts_at: DateTime<Utc>,
    #[serde(default, rename = "generatorURL")]
    generator_url: String,
    status: ApiAlertStatus,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiAlertStatus {
    state: String,
    #[serde(default)]
    silenced_by: Vec<String>,
    #[serde(default)]
    inhibited_by: Vec<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiMatcher {
    name: String,
    value: String,
    is_regex: bool,
    #[serde(default = "yes")]
    is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiSilence {
    id: String,
    status: ApiSilenceStatus,
    matchers: Vec<ApiMatcher>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    #[serde(default)]
    created_by: String,
    #[serde(default)]
    comment: String,
}

#[derive(Deserialize)]
struct ApiSilenceStatus {
    state: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostSilence<'a> {
    /// Posting with an existing silence's id replaces it: Alertmanager
    /// (0.25 and later) expires that silence and creates a new one (with a
    /// new id) when the start changes, as an extension's does.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    matchers: Vec<ApiMatcher>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    created_by: &'a str,
    comment: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SilenceCreated {
    #[serde(rename = "silenceID")]
    silence_id: String,
}

#[derive(Deserialize)]
struct Status {
    uptime: DateTime<Utc>,
}

impl ApiMatcher {
    fn text(&self) -> String {
        let op = match (self.is_equal, self.is_regex) {
            (true, false) => matcher::Op::Eq,
            (false, false) => matcher::Op::NotEq,
            (true, true) => matcher::Op::Re,
            (false, true) => matcher::Op::NotRe,
        };
        match matcher::Matcher::new(&self.name, op, &self.value) {
            Ok(m) => m.to_string(),
            Err(_) => format!("{}{}{:?}", self.name, op.as_str(), self.value),
        }
    }
}

/// Says what went wrong in a few words: timeouts and refused connections
/// plainly, otherwise the innermost cause.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {}s (timed out)", timeout.as_secs_f32());
    }
    let mut inner: &dyn std::error::Error = e;
    while let Some(src) = inner.source() {
        inner = src;
    }
    let cause = inner.to_string();
    if e.is_connect() {
        format!("cannot connect: {cause}")
    } else if e.is_decode() {
        format!("unexpected answer: {cause}")
    } else if let Some(st) = e.status() {
        format!("HTTP {st}")
    } else {
        cause
    }
}

impl Client {
    pub fn new(url: &str, matchers: &[String], timeout: Duration) -> Result<Self, String> {
        let mut base = check_url(url)?;
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        let filters = matchers
            .iter()
            .map(|m| matcher::parse_one(m).map(|m| m.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("watch.alerts: {e}"))?;
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(2)))
            .timeout(timeout)
            .user_agent(concat!("incident-cockpit/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(Self {
            http,
            base,
            filters,
            timeout,
        })
    }

    fn url(&self, path: &str) -> reqwest::Url {
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, String> {
        let what = format!("GET {}", self.url(path).path());
        let res = self
            .http
            .get(self.url(path))
            .query(query)
            .send()
            .await
            .map_err(|e| describe(&e, self.timeout))?;
        let res = res
            .error_for_status()
            .map_err(|e| format!("{what}: {}", describe(&e, self.timeout)))?;
        res.json::<T>()
            .await
            .map_err(|e| format!("{what}: {}", describe(&e, self.timeout)))
    }

    /// Every alert the matchers select, suppressed and unprocessed ones
    /// included.
    pub async fn alerts(&self) -> Result<Vec<Alert>, String> {
        let mut q: Vec<(&str, &str)> = vec![
            ("active", "true"),
            ("silenced", "true"),
            ("inhibited", "true"),
            ("unprocessed", "true"),
        ];
        q.extend(self.filters.iter().map(|f| ("filter", f.as_str())));
        let raw: Vec<ApiAlert> = self.get("api/v2/alerts", &q).await?;
        Ok(raw.into_iter().map(to_alert).collect())
    }

    /// Active and pending silences, soonest to end first.
    pub async fn silences(&self) -> Result<Vec<Silence>, String> {
        let raw: Vec<ApiSilence> = self.get("api/v2/silences", &[]).await?;
        let mut out: Vec<Silence> = raw
            .into_iter()
            .filter(|s| s.status.state != "expired")
            .map(|s| Silence {
                matchers: s.matchers.iter().map(ApiMatcher::text).collect(),
                id: s.id,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                created_by: s.created_by,
                comment: s.comment,
                state: s.status.state,
            })
            .collect();
        out.sort_by(|a, b| a.ends_at.cmp(&b.ends_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// When this Alertmanager started.
    pub async fn started(&self) -> Result<DateTime<Utc>, String> {
        let s: Status = self.get("api/v2/status", &[]).await?;
        Ok(s.uptime)
    }

    /// Creates a silence; returns its id.
    pub async fn create_silence(&self, s: &NewSilence) -> Result<String, String> {
        let body = PostSilence {
            id: s.replaces.as_deref(),
            matchers: s
                .matchers
                .iter()
                .map(|m| ApiMatcher {
                    name: m.name.clone(),
                    value: m.value.clone(),
                    is_regex: m.op.is_regex(),
                    is_equal: m.op.is_equal(),
                })
                .collect(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            created_by: &s.created_by,
            comment: &s.comment,
        };
        let res = self
            .http
            .post(self.url("api/v2/silences"))
            .json(&body)
            .send()
            .await
            .map_err(|e| describe(&e, self.timeout))?;
        let status = res.status();
        if !status.is_success() {
            let text = res.text().await.unwrap_or_default();
            return Err(format!(
                "Alertmanager refused the silence: HTTP {status}: {}",
                text.trim()
            ));
        }
        res.json::<SilenceCreated>()
            .await
            .map(|c| c.silence_id)
            .map_err(|e| describe(&e, self.timeout))
    }

    /// Expires a silence now.
    pub async fn expire_silence(&self, id: &str) -> Result<(), String> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!("bad silence id {id:?}"));
        }
        let res = self
            .http
            .delete(self.url(&format!("api/v2/silence/{id}")))
            .send()
            .await
            .map_err(|e| describe(&e, self.timeout))?;
        let status = res.status();
        if !status.is_success() {
            let text = res.text().await.unwrap_or_default();
            return Err(format!(
                "Alertmanager refused: HTTP {status}: {}",
                text.trim()
            ));
        }
        Ok(())
    }
}

fn to_alert(a: ApiAlert) -> Alert {
    let get = |m: &BTreeMap<String, String>, k: &str| m.get(k).cloned().unwrap_or_default();
    let summary = a
        .annotations
        .get("summary")
        .or_else(|| a.annotations.get("description"))
        .or_else(|| a.annotations.get("message"))
        .cloned()
        .unwrap_or_default();
    Alert {
        fingerprint: a.fingerprint,
        alertname: get(&a.labels, "alertname"),
        severity: get(&a.labels, "severity"),
        summary,
        since: a.starts_at,
        labels: a.labels,
        annotations: a.annotations,
        state: AlertState::parse(&a.status.state),
        silenced_by: a.status.silenced_by,
        inhibited_by: a.status.inhibited_by,
        generator_url: a.generator_url,
    }
}

/// The poller's memory between polls.
pub struct Poller {
    pub client: Client,
    pub resend_grace: Duration,
    started: Option<DateTime<Utc>>,
    need_status: bool,
    last: BTreeSet<String>,
}

impl Poller {
    pub fn new(client: Client, resend_grace: Duration) -> Self {
        Self {
            client,
            resend_grace,
            started: None,
            need_status: true,
            last: BTreeSet::new(),
        }
    }

    /// One poll: alerts, silences, and Alertmanager's start time when it
    /// matters (first poll, after a failure, or when alerts went away, as
    /// after a restart).
    pub async fn poll(&mut self) -> Result<Poll, String> {
        let t = std::time::Instant::now();
        let res = self.poll_inner().await;
        if res.is_err() {
            self.need_status = true;
        }
        res.map(|mut p| {
            p.took_ms = t.elapsed().as_millis() as u64;
            p
        })
    }

    async fn poll_inner(&mut self) -> Result<Poll, String> {
        let alerts = self.client.alerts().await?;
        let silences = self.client.silences().await?;
        let now: BTreeSet<String> = alerts.iter().map(|a| a.fingerprint.clone()).collect();
        if self.need_status || !self.last.is_subset(&now) {
            self.started = Some(self.client.started().await?);
            self.need_status = false;
        }
        self.last = now;
        let grace = TimeDelta::from_std(self.resend_grace).unwrap_or_default();
        Ok(Poll {
            alerts,
            silences,
            resolve_after: self.started.map(|s| s + grace),
            took_ms: 0,
        })
    }

    pub async fn run_command(&self, cmd: &AmCommand) -> Result<String, String> {
        match cmd {
            AmCommand::CreateSilence { silence, .. } => self.client.create_silence(silence).await,
            AmCommand::ExpireSilence { id, .. } => {
                self.client.expire_silence(id).await.map(|()| id.clone())
            }
        }
    }
}

/// The delay before retry number `failures` (1-based).
pub fn backoff(failures: u32, min: Duration, max: Duration) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    min.saturating_mul(1 << exp).min(max)
}

/// Starts the source; returns where to send silence commands.
pub fn spawn(cfg: Config, tx: UnboundedSender<Msg>) -> Result<UnboundedSender<AmCommand>, String> {
    let client = Client::new(&cfg.url, &cfg.matchers, cfg.timeout)?;
    let (ctx, crx) = unbounded_channel();
    tokio::spawn(run(Poller::new(client, cfg.resend_grace), cfg, tx, crx));
    Ok(ctx)
}

/// Polls until the cockpit goes away; silence commands are carried out
/// between polls, and followed by a poll so their effect shows at once.
pub async fn run(
    mut poller: Poller,
    cfg: Config,
    tx: UnboundedSender<Msg>,
    mut cmds: UnboundedReceiver<AmCommand>,
) {
    let mut failures = 0u32;
    let mut next = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {
                let msg = match poller.poll().await {
                    Ok(p) => {
                        failures = 0;
                        next = tokio::time::Instant::now() + cfg.interval;
                        Msg::AlertsPolled(Box::new(p))
                    }
                    Err(error) => {
                        failures += 1;
                        let retry_in = backoff(failures, cfg.backoff_min, cfg.backoff_max);
                        next = tokio::time::Instant::now() + retry_in;
                        Msg::AlertsFailed { error, retry_in }
                    }
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
            cmd = cmds.recv() => {
                let Some(cmd) = cmd else { return };
                let result = poller.run_command(&cmd).await;
                let msg = Msg::SilenceDone { request: cmd.request().to_string(), result };
                if tx.send(msg).is_err() {
                    return;
                }
                next = tokio::time::Instant::now();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let s = Duration::from_secs;
        let got: Vec<u64> = (1..=7).map(|f| backoff(f, s(1), s(30)).as_secs()).collect();
        assert_eq!(got, vec![1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(backoff(1000, s(1), s(30)), s(30));
    }

    #[test]
    fn urls_are_checked_and_shown_without_credentials() {
        assert!(check_url("http://127.0.0.1:9093").is_ok());
        assert!(check_url("ftp://x").unwrap_err().contains("http or https"));
        assert!(check_url("localhost:9093").is_err());
        assert_eq!(
            display_url("https://u:secret@am.example:9093/prefix/"),
            "https://am.example:9093/prefix"
        );
    }

    #[test]
    fn a_client_refuses_bad_matchers() {
        let e = Client::new(
            "http://127.0.0.1:1",
            &["service dicps".into()],
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(e.contains("watch.alerts"), "{e}");
    }

    #[test]
    fn api_alerts_become_alerts() {
        let json = r#"[{"annotations":{"summary":"down"},"endsAt":"2026-11-22T14:00:00.000Z",
            "fingerprint":"abc","receivers":[{"name":"null"}],"startsAt":"2026-11-22T13:00:00.000Z",
            "status":{"inhibitedBy":[],"silencedBy":["s1"],"state":"suppressed"},
            "updatedAt":"2026-11-22T13:00:00.000Z","generatorURL":"http://prom/graph",
            "labels":{"alertname":"APIDown","severity":"critical","service":"api"}}]"#;
        let raw: Vec<ApiAlert> = serde_json::from_str(json).unwrap();
        let a = to_alert(raw.into_iter().next().unwrap());
        assert_eq!(a.alertname, "APIDown");
        assert_eq!(a.severity, "critical");
        assert_eq!(a.summary, "down");
        assert_eq!(a.state, AlertState::Suppressed);
        assert_eq!(a.silenced_by, vec!["s1"]);
        assert_eq!(a.generator_url, "http://prom/graph");
    }
}
