//! Runs the last of a run of calls once the calls pause: each call cancels the one before it.
//! A sync round starts after the last of a run of recorded events; a confirmation's timer
//! clears only its own message.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy)]
pub struct Debounce {
    /// Bumped at each call and each cancel: a timer acts only if it is still the latest.
    latest: StoredValue<u64>,
}

impl Debounce {
    pub fn new() -> Self {
        Debounce { latest: StoredValue::new(0) }
    }

    /// Runs `f` after `wait`, unless `after` or `cancel` is called again first.
    pub fn after(&self, wait: Duration, f: impl FnOnce() + 'static) {
        self.latest.update_value(|n| *n += 1);
        let mine = self.latest.get_value();
        let latest = self.latest;
        let ms = u32::try_from(wait.as_millis()).unwrap_or(u32::MAX);
        Timeout::new(ms, move || {
            // Gone (the app torn down) or overtaken by a later call: nothing to do.
            if latest.try_get_value() == Some(mine) {
                f();
            }
        })
        // The timer runs out by itself; a later call makes it do nothing, not go away.
        .forget();
    }

    /// Cancels the waiting call, if any.
    pub fn cancel(&self) {
        self.latest.update_value(|n| *n += 1);
    }
}

impl Default for Debounce {
    fn default() -> Self {
        Self::new()
    }
}
