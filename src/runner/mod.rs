//! Running guarded commands: spawning a resolved `command::run::Spec` in
//! its own process group, streaming its output to the loop, cancel and
//! timeout. What a command is (resolve, guard, redact) is `command`'s.

pub mod process;
