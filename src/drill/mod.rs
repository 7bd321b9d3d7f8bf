//! Tabletop drills: a scenario file scripts the cluster, alerts and
//! figures; nothing real is ever executed.

pub mod clock;
pub mod scenario;

pub use scenario::{Inject, Scenario, load_bundled_scenario, load_scenario_file};
