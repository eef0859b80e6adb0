//! Starts a sync round when the network comes back or the app returns to the foreground, and
//! keeps the online flag of the status bar current.

use crate::hooks::Update;
use crate::sync::{Sync, is_online};
use leptos::ev;
use leptos::prelude::*;

pub fn use_connectivity(sync: Sync, update: Update) {
    let online = window_event_listener(ev::online, move |_| {
        sync.online.set(true);
        sync.now();
        update.check();
    });
    let offline = window_event_listener(ev::offline, move |_| sync.online.set(false));
    // visibilitychange is fired at the document and reaches the window on its way up.
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        let shown = document().visibility_state() == web_sys::VisibilityState::Visible;
        if shown {
            sync.online.set(is_online());
            sync.now();
            update.check();
        }
    });
    on_cleanup(move || {
        online.remove();
        offline.remove();
        visible.remove();
    });
}
