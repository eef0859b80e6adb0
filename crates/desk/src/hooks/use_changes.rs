//! `use_changes`: the server's long poll (`GET /changes`), calling a reload on each change.

use crate::api;
use crate::state::Desk;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::wire::Changes;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
