//! Keeps [`Clock::now`] ticking, so SLA timers count down on screen.

use crate::state::{Clock, local_offset};
use chrono::Utc;
use leptos::prelude::*;
use std::time::Duration;

/// Ticks every `every`; also refreshes the UTC offset (daylight saving, travel).
pub fn use_clock(clock: Clock, every: Duration) {
    let tick = move || {
        clock.now.set(Utc::now());
        let offset = local_offset();
        if clock.offset.get_untracked() != offset {
            clock.offset.set(offset);
        }
    };
    match set_interval_with_handle(tick, every) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => leptos::logging::error!("the clock could not start: {e:?}"),
    }
}
