//! Terminal input as a source: keys, paste and resizes become messages.

use crate::msg::Msg;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

pub fn spawn(tx: UnboundedSender<Msg>) {
    // Made here, not in the task: from now on every resize is an event, so
    // the size the loop asks for next is never missed.
    let mut events = EventStream::new();
    tokio::spawn(async move {
        while let Some(ev) = events.next().await {
            let msg = match ev {
                Ok(Event::Key(k)) => Msg::Key(k),
                Ok(Event::Paste(p)) => Msg::Paste(p),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(_) => continue,
                Err(_) => Msg::Terminate("terminal input closed"),
            };
            let stop = matches!(msg, Msg::Terminate(_));
            if tx.send(msg).is_err() || stop {
                return;
            }
        }
        let _ = tx.send(Msg::Terminate("terminal input closed"));
    });
}
