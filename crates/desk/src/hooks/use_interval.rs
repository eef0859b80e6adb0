//! `use_interval`: a timer that lives as long as its component.

use leptos::prelude::*;
use std::time::Duration;

/// Runs `tick` every `period` while the calling component lives.
pub fn use_interval(period: Duration, tick: impl Fn() + 'static) {
    match set_interval_with_handle(tick, period) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        // Without a timer the page still shows what it loaded; it only stops refreshing.
        Err(_) => leptos::logging::warn!("could not set a timer"),
    }
}
