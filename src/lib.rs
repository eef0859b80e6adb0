//! # onsite: the phone app
//!
//! A Leptos 0.8 client-side app, built by Trunk to WebAssembly, that holds an engineer's jobs
//! in the browser's storage and works with no network after the first load.
//!
//! Layers, each depending only on those above it:
//! - [`storage`]: the only code that touches localStorage; typed, versioned keys; every write
//!   checked (a full quota is an error the engineer sees, never a panic or a silent loss).
//! - [`api`]: the only code that talks HTTP to `/api/v1`.
//! - [`locks`]: Web Locks, so that tabs take turns writing jobs and syncing.
//! - [`debounce`]: runs the last of a run of calls once the calls pause (a timer).
//! - [`state`]: the typed contexts the pages read: the jobs, the session, the language, the
//!   messages. Actions go through here: stored first, shown after.
//! - [`sync`]: drives a sync round (push the outbox, pull changes) around the pure decisions in
//!   `onsite_core::sync`, schedules rounds (start, `online`, foreground, timer, button), and
//!   holds the sync status.
//! - [`hooks`]: small wrappers over browser APIs (`use_*`).
//! - [`pages`] (one file per route) and [`components`] (one per file): views only; every rule
//!   they show comes from `onsite_core`.

pub mod api;
pub mod components;
pub mod debounce;
pub mod hooks;
pub mod i18n;
pub mod locks;
pub mod pages;
pub mod state;
pub mod storage;
pub mod sync;

mod app;

/// Mounts the app on the page, in place of the static shell `index.html` shows while the code
/// loads.
///
/// A first visit has already painted the shell by now: the loader (`pattern_script` in
/// `Trunk.toml`) asks for the code only after the first paint. It then starts in stages, one
/// task each, the first after the task that compiled the wasm (`app::Stage`): a first visit is
/// where every function is compiled on its first call. A start from the service worker mounts
/// at once, in one task: there the page should show as soon as it can.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_stopped();
    }));
    let mount = |staged: bool| {
        open_login_if_logged_out();
        leptos::mount::mount_to_body(move || leptos::view! { <app::App staged/> });
    };
    if hooks::served_by_service_worker() {
        mount(false);
    } else {
        leptos::prelude::set_timeout(move || mount(true), std::time::Duration::ZERO);
    }
}

/// What the page says once the app has stopped on an error (a panic: the wasm runs no more),
/// so that a dead screen never looks alive. In both languages, like the shell: the language
/// setting is part of what may have failed. Everything recorded was stored before it was shown,
/// so nothing is lost; reopening starts afresh.
pub const STOPPED: &str = "出错了，应用已停止。已保存的工作不会丢失，请重新打开。 · Onsite stopped on an error. \
                           Saved work is kept: reopen the app.";

/// Says [`STOPPED`] on the page: on the shell's line if the app had not started, else in a
/// message over the page with a link that reopens it. Only plain DOM calls: no reactive code
/// runs after a panic.
pub fn show_stopped() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(Some(shell)) = document.query_selector("#shell main")
        && let Ok(Some(line)) = shell.query_selector("p")
    {
        let _ = shell.set_attribute("aria-busy", "false");
        line.set_text_content(Some(STOPPED));
        return;
    }
    if document.get_element_by_id("stopped").is_some() {
        return;
    }
    let (Ok(notice), Ok(text), Ok(reopen), Some(body)) = (
        document.create_element("div"),
        document.create_element("span"),
        document.create_element("a"),
        document.body(),
    ) else {
        return;
    };
    notice.set_id("stopped");
    notice.set_class_name("notice error stopped");
    // Failing to set the role leaves the message shown, only not announced.
    let _ = notice.set_attribute("role", "alert");
    text.set_text_content(Some(STOPPED));
    let _ = reopen.set_attribute("href", "/");
    reopen.set_text_content(Some("重新打开 · Reopen"));
    // Any failure here leaves the console's report of the panic, which is all there is left.
    let _ = notice.append_child(&text);
    let _ = notice.append_child(&reopen);
    let _ = body.append_child(&notice);
}

/// With no session, the start page is the login page: the job list would only redirect there,
/// building and dropping a whole page in the task that mounts the app (a first visit's longest).
fn open_login_if_logged_out() {
    let window = leptos::prelude::window();
    let at_start = window.location().pathname().is_ok_and(|p| p == "/");
    if at_start
        && matches!(storage::Store::session(), Ok(None))
        && let Ok(history) = window.history()
    {
        // Refused (it never is for a same-origin path), the job list redirects as before.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/login"));
    }
}

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
