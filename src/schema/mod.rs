//! Validating our YAML files (playbooks, policies, scenarios) against their
//! JSON Schema, reporting every problem with its file:line:column.

pub mod tree;
pub mod validate;

pub use tree::{Node, parse};
pub use validate::validate;
