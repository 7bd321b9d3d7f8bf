//! Sources: tasks that observe something and send owned messages on the
//! one channel (what can wait for the next tick, the host's samples, on
//! its paced side, which does not wake the loop). None of them can block
//! the screen.

pub mod alertmanager;
pub mod cgroup;
pub mod drill;
pub mod host;
pub mod http;
pub mod input;
pub mod kube;
pub mod procfs;
pub mod prometheus;
pub mod signals;
