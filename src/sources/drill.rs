//! The drill's script: sends each inject when it falls due. Drill time is
//! wall time from the start of the drill.

use crate::drill::Scenario;
use crate::msg::Msg;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

pub fn spawn(scenario: &Scenario, tx: UnboundedSender<Msg>) {
    spawn_from(scenario, std::time::Duration::ZERO, tx);
}

/// Continues a drill `elapsed` into its script: only later injects fire.
pub fn spawn_from(scenario: &Scenario, elapsed: std::time::Duration, tx: UnboundedSender<Msg>) {
    let injects: Vec<_> = scenario
        .timed_injects()
        .into_iter()
        .filter(|i| i.offset() > elapsed)
        .collect();
    let start = Instant::now() - elapsed.min(std::time::Duration::from_secs(365 * 86_400));
    tokio::spawn(async move {
        for inj in injects {
            tokio::time::sleep_until(start + inj.offset()).await;
            if tx.send(Msg::Drill(Box::new(inj))).is_err() {
                return;
            }
        }
    });
}
