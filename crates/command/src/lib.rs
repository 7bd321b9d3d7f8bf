//! Guarded commands as pure code: a step's command resolved with its
//! parameters (argv words, or `sh -c` with single-quoted values), the guard
//! its risk asks for, the redactor for its secrets, and what a run is as
//! data. Nothing here spawns a process or touches the terminal: `runner`
//! spawns and streams, `update` decides, `ui` shows.
//!
//! With them, the playbook's model they read (`model`: what a playbook
//! can say, each value with its place), the placeholders of a step's
//! command (`placeholders`) and the risk classifier's glue (`risk`, which
//! hands the placeholders' places to `incident_cockpit_risk`). The cockpit
//! re-exports this crate as `command` and those three as
//! `playbook::{model, placeholders, risk}`. A crate of its own so that
//! mutation testing (`scripts/mutants`) rebuilds only it for each mutant.

pub mod approval;
pub mod guard;
pub mod model;
pub mod placeholders;
pub mod redact;
pub mod resolve;
pub mod risk;
pub mod run;

pub use guard::Guard;
pub use redact::Redactor;
pub use resolve::{Program, Resolved};
