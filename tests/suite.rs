//! Every integration test of the cockpit in one test binary, one module a
//! file (`tests/NAME.rs`), sharing `common/` (tmux, Alertmanager, NATS).
//!
//! One binary instead of thirty: the library and the test helpers are
//! linked and their generic code instantiated once, not once a file, which
//! takes minutes off a fresh build on 2 cores; and the suites' waiting
//! (servers starting, clusters electing a leader, screens settling)
//! overlaps instead of running file after file. Run one file's tests with
//! a filter: `cargo test --profile ci --test suite e2e_hosts::`.
//!
//! `tests/runner_processes.rs` stays a binary of its own: mutation testing
//! of the process runner runs it with the library's unit tests
//! (`scripts/mutants`), and a filter would apply to both.

mod common;

mod alertmanager;
mod alertmanager_extend;
mod alertmanager_verify;
mod architecture;
mod bad_files;
mod config_cli;
mod e2e_alerts;
mod e2e_approvals;
mod e2e_facilitator;
mod e2e_faults;
mod e2e_first_use;
mod e2e_hosts;
mod e2e_runs;
mod e2e_seats;
mod e2e_tmux;
mod e2e_verify_acks;
mod export_cli;
mod hostile_input;
mod http_verify;
mod import;
mod import_fixtures;
mod import_matches_shipped;
mod kube;
mod nats_store;
mod playbook_cli;
mod prometheus_source;
mod replay_cli;
mod scenarios;
mod seed_coverage;
mod shared_incident;
mod verify_cli;
