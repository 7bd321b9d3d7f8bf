//! `verify:` rollout conditions fed by the rollout source against the
//! fake API server: a Deployment whose rollout completes ticks its step
//! with the evidence; one that stalls past its progress deadline, and a
//! StatefulSet that never gets its updated replicas, stay unticked.

use super::fake::{Fake, deployment, stalled_deployment, statefulset};
use super::options;
use incident_cockpit::app::effects::{Direct, apply};
use incident_cockpit::msg::Msg;
use incident_cockpit::playbook::verify::RolloutKind;
use incident_cockpit::session;
use incident_cockpit::sources::kube::rollouts::{self, Wanted};
use incident_cockpit::state::State;
use incident_cockpit::state::verify::{CheckUpdate, Live};
use incident_cockpit::timeline::store::{FileStore, Store};
use incident_cockpit::timeline::{Event, Status};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const PLAYBOOK: &str = r#"name: rollouts-test
title: Rollouts test
watch:
  namespace: shop
  selector: app=api
severities:
  - {id: P1, name: High, response: 1h}
procedures:
  - id: test
    name: Test
    severity: P1
    phases:
      - id: p
        name: P
        steps:
          - id: rollback
            title: Watch the rollback complete
            verify:
              - {rollout: deployment/api}
          - id: web
            title: Watch the web rollout
            verify:
              - {rollout: deployment/web}
          - id: db
            title: Watch the database rollout
            verify:
              - {rollout: statefulset/db}
"#;

/// A live incident on the test playbook, its store, and the time.
struct Incident {
    state: State,
    store: FileStore,
    _dir: tempfile::TempDir,
}

impl Incident {
    fn open() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rollouts.yaml");
        std::fs::write(&file, PLAYBOOK).unwrap();
        let pb = incident_cockpit::playbook::load::load_file(&file).unwrap();
        let spec = session::LiveSpec {
            procedure: None,
            severity: None,
            title: None,
            ic: None,
            context: None,
            namespace: None,
            selector: None,
            alertmanager: None,
            prometheus: None,
            read_only: false,
        };
        let now = chrono::Utc::now();
        let mut store = FileStore::create(dir.path(), "rollouts-test").unwrap();
        let declared = store
            .append(
                now,
                "ana@bastion-1",
                Event::Declared {
                    id: "rollouts-test".into(),
                    title: "Rollouts".into(),
                    severity: "P1".into(),
                    status: Status::Investigating,
                    ic: "ana@bastion-1".into(),
                    playbook: "rollouts-test".into(),
                    procedure: "test".into(),
                    drill: false,
                    source: None,
                    scenario: None,
                    watch: Default::default(),
                },
            )
            .unwrap()
            .record
            .unwrap();
        let state = session::live_state(
            Arc::new(pb),
            "test",
            &spec,
            "ana@bastion-1",
            &[declared],
            now,
        );
        Incident {
            state,
            store,
            _dir: dir,
        }
    }

    fn send(&mut self, msg: Msg) {
        let seat = self.state.ctx.seat.clone();
        let now = chrono::Utc::now();
        let mut fx = Direct::new(&mut self.store, &seat, now);
        apply(&mut self.state, msg, now, &mut fx);
    }

    fn live(&self, step: &str) -> Live {
        self.state.verify.step(step).unwrap().conds[0].live.clone()
    }

    fn ticked(&self, step: &str) -> Option<Vec<String>> {
        self.store
            .read_from(1)
            .unwrap()
            .records
            .into_iter()
            .find_map(|r| match r.event {
                Event::StepChecked {
                    step: s, evidence, ..
                } if s == step => Some(evidence),
                _ => None,
            })
    }

    /// Applies the source's messages until `pred` holds (at most 10 s).
    async fn until(
        &mut self,
        rx: &mut UnboundedReceiver<Msg>,
        what: &str,
        pred: impl Fn(&Incident) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !pred(self) {
            let msg = tokio::time::timeout_at(deadline, rx.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "timed out waiting for {what}; conditions: {:#?}",
                        self.state.verify
                    )
                })
                .expect("the source stopped");
            assert!(matches!(msg, Msg::Checks(_)), "{msg:?}");
            self.send(msg);
        }
    }
}

#[tokio::test]
async fn a_rollout_that_completes_ticks_its_step_and_stalled_ones_do_not() {
    let fake = Fake::start("shop").await;
    // The rollback was just applied: generation 2, not yet observed.
    fake.apply_app("deployments", deployment("api", 2, 3, (1, 0, 3, 3)));
    fake.apply_app("deployments", deployment("web", 5, 2, (5, 1, 2, 2)));
    fake.apply_app("deployments", deployment("other", 1, 1, (1, 1, 1, 1)));
    fake.apply_app("statefulsets", statefulset("db", 3, 3, (3, 1, 3, 3)));
    let dir = tempfile::tempdir().unwrap();
    let kc = fake.kubeconfig(dir.path());
    let mut inc = Incident::open();
    let names = incident_cockpit::view::verify::rollouts_named(&inc.state);
    assert_eq!(
        names,
        vec![
            (RolloutKind::Deployment, "api".to_string()),
            (RolloutKind::Deployment, "web".to_string()),
            (RolloutKind::StatefulSet, "db".to_string()),
        ]
    );
    let wanted = Wanted {
        context: None,
        namespace: "shop".into(),
        names,
    };
    let (tx, mut rx) = unbounded_channel();
    for (kind, names) in [
        (RolloutKind::Deployment, vec!["api".into(), "web".into()]),
        (RolloutKind::StatefulSet, vec!["db".into()]),
    ] {
        tokio::spawn(rollouts::run(
            kind,
            names,
            wanted.clone(),
            tx.clone(),
            options(Some(kc.clone())),
        ));
    }
    drop(tx);
    inc.until(&mut rx, "both lists", |i| {
        let r = &i.state.observed.checks.rollouts;
        r.contains_key("deployment/api") && r.contains_key("statefulset/db")
    })
    .await;
    // Only what a condition names is kept.
    assert!(
        !inc.state
            .observed
            .checks
            .rollouts
            .contains_key("deployment/other")
    );
    assert_eq!(
        inc.live("rollback"),
        Live::Waiting("0/3 updated, 3 available (spec not yet observed)".into())
    );
    assert_eq!(
        inc.live("db"),
        Live::Waiting("1/3 updated, 3 available".into())
    );

    // The controller observes the spec, then the new pods come up.
    fake.apply_app("deployments", deployment("api", 2, 3, (2, 1, 3, 3)));
    inc.until(&mut rx, "observed", |i| {
        i.live("rollback") == Live::Waiting("1/3 updated, 3 available".into())
    })
    .await;
    assert!(inc.ticked("rollback").is_none());
    fake.apply_app("deployments", deployment("api", 2, 3, (2, 3, 3, 3)));
    // web runs past its progress deadline.
    fake.apply_app("deployments", stalled_deployment("web", 5, 2, 1));
    inc.until(&mut rx, "the rollback ticked and web stalled", |i| {
        i.ticked("rollback").is_some() && matches!(i.live("web"), Live::Failed(_))
    })
    .await;
    let evidence = inc.ticked("rollback").unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    assert!(
        evidence[0].starts_with("rollout deployment/api") && evidence[0].contains("3/3 updated"),
        "{evidence:?}"
    );
    let Live::Failed(why) = inc.live("web") else {
        unreachable!()
    };
    assert!(why.contains("ProgressDeadlineExceeded"), "{why}");
    assert!(inc.ticked("web").is_none(), "a stalled rollout never ticks");
    assert!(
        inc.ticked("db").is_none(),
        "a partial StatefulSet never ticks"
    );
    assert!(!inc.live("db").is_met());

    // The StatefulSet was asked for by name; two Deployments by listing
    // the kind; each listed once, then watched.
    let log = fake.log();
    let sts: Vec<_> = log
        .iter()
        .filter(|l| l.starts_with("GET statefulsets"))
        .collect();
    assert!(
        sts[0].contains("fieldSelector=metadata.name=db"),
        "{log:#?}"
    );
    let deps: Vec<_> = log
        .iter()
        .filter(|l| l.starts_with("GET deployments"))
        .collect();
    assert!(!deps[0].contains("fieldSelector"), "{log:#?}");
    assert_eq!(
        deps.iter().filter(|l| !l.contains("watch=true")).count(),
        1,
        "{log:#?}"
    );
    assert!(deps.iter().any(|l| l.contains("watch=true")), "{log:#?}");
    assert!(
        !log.iter().any(|l| l.starts_with("GET pods")),
        "the rollout source reads no pods: {log:#?}"
    );

    // A failing server is said on the condition, and the source recovers.
    fake.fail_next_watches(&[500]);
    fake.drop_watches();
    let mut failed = false;
    let mut seen = Vec::new();
    while !failed {
        let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no failure said: {seen:#?} {:#?}", fake.log()))
            .unwrap();
        seen.push(format!("{msg:?}"));
        failed = matches!(&msg, Msg::Checks(CheckUpdate::RolloutsFailed(e)) if e.contains("500"));
        inc.send(msg);
    }
}
