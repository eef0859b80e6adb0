//! The console's hooks over browser timers, keys and the server's long poll: the only places
//! they are set up.

use crate::api;
use crate::state::Desk;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::wire::Changes;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasm_bindgen::JsCast;

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

/// The console's keys, while the calling component lives (never while typing in a field): `/`
/// to the search, `n` for a new work order, `j` and `k` to the next and previous row of the
/// board (its customer's link, so Enter opens it).
pub fn use_shortcuts() {
    let navigate = leptos_router::hooks::use_navigate();
    let desk = expect_context::<Desk>();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        match ev.key().as_str() {
            "/" => {
                if let Some(field) = doc.query_selector("[data-shortcut='/']").ok().flatten() {
                    ev.prevent_default();
                    focus(&field);
                }
            }
            "n" if desk.may(onsite_core::access::Permission::Dispatch) => {
                ev.prevent_default();
                navigate("/new", Default::default());
            }
            key @ ("j" | "k") => {
                let Ok(links) = doc.query_selector_all("[data-testid=board-row] th a") else { return };
                let all: Vec<web_sys::Element> = (0..links.length())
                    .filter_map(|i| links.item(i))
                    .filter_map(|n| n.dyn_into().ok())
                    .collect();
                if all.is_empty() {
                    return;
                }
                let active = doc.active_element();
                let at = all.iter().position(|e| Some(e) == active.as_ref());
                let next = match (key, at) {
                    ("j", None) => 0,
                    ("j", Some(i)) => (i + 1).min(all.len() - 1),
                    (_, None) => all.len() - 1,
                    (_, Some(i)) => i.saturating_sub(1),
                };
                ev.prevent_default();
                focus(&all[next]);
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| {
        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || e.has_attribute("contenteditable")
    })
}

fn focus(element: &web_sys::Element) {
    if let Some(el) = element.dyn_ref::<web_sys::HtmlElement>() {
        // Nothing to tell: a key that moves nothing.
        let _ = el.focus();
    }
}

/// The browser's print dialog, for a page laid out to print (the work order with its visit).
pub fn use_print() -> impl Fn() + Copy + 'static {
    || {
        if let Some(w) = web_sys::window() {
            // A browser without printing just does nothing.
            let _ = w.print();
        }
    }
}
