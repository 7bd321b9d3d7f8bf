//! Guarded commands: a step's command resolved with its parameters, shown
//! exactly as it will run, confirmed according to its risk, run without a
//! shell unless the step needs one, streamed, cancellable, recorded, with
//! secrets redacted.

pub mod guard;
pub mod process;
pub mod redact;
pub mod resolve;

pub use guard::Guard;
pub use redact::Redactor;
pub use resolve::{Program, Resolved};
