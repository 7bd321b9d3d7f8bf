//! The drill's script: sends each inject when it falls due. Drill time is
//! wall time from the start of the drill.

use crate::drill::Scenario;
use crate::msg::Msg;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

pub fn spawn(scenario: &Scenario, tx: UnboundedSender<Msg>) {
    let injects = scenario.timed_injects();
    let start = Instant::now();
    tokio::spawn(async move {
        for inj in injects {
            tokio::time::sleep_until(start + inj.offset()).await;
            if tx.send(Msg::Drill(Box::new(inj))).is_err() {
                return;
            }
        }
    });
}
