//! The console's hooks over browser timers and the server's long poll: the only places they are
//! set up.

use crate::api;
use crate::state::Desk;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::wire::Changes;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Runs `tick` every `period` while the calling component lives.
pub fn use_interval(period: Duration, tick: impl Fn() + 'static) {
    match set_interval_with_handle(tick, period) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        // Without a timer the page still shows what it loaded; it only stops refreshing.
        Err(_) => leptos::logging::warn!("could not set a timer"),
    }
}

/// The least time between two reloads, however fast changes come.
const MIN_GAP_MS: u32 = 500;

/// Calls `reload` once now and again each time the server has a change (`GET /changes`, the
/// long poll), while the calling component lives. The change counter is read before each
/// reload, so a change made during a reload wakes the next wait at once: none is missed. A
/// failed wait (offline, the server restarting) is tried again after 2, 4 … 30 s, reloading
/// each time in case something changed meanwhile.
pub fn use_changes(reload: impl Fn() + 'static) {
    let desk = expect_context::<Desk>();
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = Arc::clone(&alive);
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    let live = move || alive.load(Ordering::Relaxed);
    spawn_local(async move {
        let mut after: Option<i64> = None;
        let mut failures: u32 = 0;
        while live() {
            let path = match after {
                None => "/changes?after=0&wait=0".to_string(),
                Some(rev) => format!("/changes?after={rev}"),
            };
            match api::get::<Changes>(desk, &path).await {
                Ok(answer) => {
                    failures = 0;
                    let first = after.is_none();
                    after = Some(answer.rev);
                    if (first || answer.changed) && live() {
                        reload();
                        TimeoutFuture::new(MIN_GAP_MS).await;
                    }
                }
                Err(api::ApiError::LogInAgain) => return,
                Err(_) => {
                    failures = failures.saturating_add(1);
                    if live() {
                        reload();
                    }
                    TimeoutFuture::new(1_000 * (1u32 << failures.min(5)).min(30)).await;
                }
            }
        }
    });
}

/// Runs only the last of calls made within `delay_ms` of one another (a lookup as the desk
/// types), and none after the calling component is gone.
#[derive(Clone, Copy)]
pub struct Debounce {
    timer: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    delay_ms: u32,
}

impl Debounce {
    pub fn run(&self, work: impl FnOnce() + 'static) {
        // Replacing the timer drops (so cancels) the one before.
        self.timer.try_set_value(Some(gloo_timers::callback::Timeout::new(self.delay_ms, work)));
    }
}

pub fn use_debounce(delay_ms: u32) -> Debounce {
    let timer = StoredValue::new_local(None);
    on_cleanup(move || {
        timer.try_set_value(None);
    });
    Debounce { timer, delay_ms }
}
