//! incident-cockpit: a full-screen terminal cockpit for running an
//! incident. Sources send messages on one channel; `update` is the only
//! place state changes; `ui::draw` renders the state; the timeline is an
//! append-only, fsynced log.

pub mod alerts;
pub mod app;
pub mod cli;
pub mod clocks;
pub mod commands;
pub mod comms;
pub mod config;
pub mod drill;
pub mod edit;
pub mod export;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod incidents;
pub mod keys;
pub mod layout;
pub mod msg;
pub mod playbook;
pub mod recorder;
pub mod runner;
pub mod schema;
pub mod session;
pub mod sources;
pub mod state;
pub mod store;
pub mod term;
pub mod ui;
pub mod update;
pub mod view;

// Leaves of their own crates (crates/): pure code that knows nothing of
// the cockpit, so the compiler keeps it so and mutation testing rebuilds
// only them. Re-exported under the names the cockpit's modules use.
// Guarded commands as data (resolve, guard, redact, approval, what a run
// is) with the playbook's model they read; `playbook` re-exports the
// model, its placeholders and the risk glue.
pub use incident_cockpit_command as command;
pub use incident_cockpit_sanitize as sanitize;
pub use incident_cockpit_time as time;
pub use incident_cockpit_timeline as timeline;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
