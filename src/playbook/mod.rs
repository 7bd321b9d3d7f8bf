//! Playbooks: the model (what a playbook can say), loading (YAML with
//! file:line:column errors, shared policy includes, the bundled playbooks).

pub mod business_day;
pub mod checklist;
pub mod contacts;
pub mod import;
pub mod lint;
pub mod load;
pub mod report;
pub mod verify;

// The model (what a playbook can say), its placeholders and the risk
// classifier's glue live with the guarded commands that read them, in the
// command crate (`crates/command`).
pub use incident_cockpit_command::{model, placeholders, risk};

pub use load::{LoadError, load_bundled, load_file};
pub use model::{Command, Phase, Playbook, Procedure, Risk, Severity, Step};

/// The JSON Schema of the playbook format, for editors and for lint.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(model::Playbook)
}
