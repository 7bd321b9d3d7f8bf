//! Guarded commands as pure code: a step's command resolved with its
//! parameters (argv words, or `sh -c` with single-quoted values), the guard
//! its risk asks for, the redactor for its secrets, and what a run is as
//! data. Nothing here spawns a process or touches the terminal: `runner`
//! spawns and streams, `update` decides, `ui` shows.

pub mod approval;
pub mod guard;
pub mod redact;
pub mod resolve;
pub mod run;

pub use guard::Guard;
pub use redact::Redactor;
pub use resolve::{Program, Resolved};
