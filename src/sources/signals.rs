//! SIGTERM, SIGHUP and SIGINT as a source: the first of them ends the loop
//! cleanly, as a `Terminate` message on its channel, so the loop waits on
//! its channel and its clock alone.

use crate::msg::Msg;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::UnboundedSender;

/// Listens from now on (a signal that comes while the cockpit starts is
/// not lost); an error when a handler cannot be installed.
pub fn spawn(tx: UnboundedSender<Msg>) -> std::io::Result<()> {
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hup.recv() => "SIGHUP",
            _ = int.recv() => "SIGINT",
        };
        let _ = tx.send(Msg::Terminate(name));
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SIGHUP to this process becomes `Terminate("SIGHUP")`.
    #[test]
    fn a_signal_becomes_a_terminate_message() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let _in = rt.enter();
        spawn(tx).expect("handlers installed");
        nix::sys::signal::raise(nix::sys::signal::Signal::SIGHUP).expect("raised");
        let got = rt.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await
        });
        assert!(matches!(got, Ok(Some(Msg::Terminate("SIGHUP")))), "{got:?}");
    }
}
