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
//! - [`sync`]: drives a sync round (push the outbox, pull changes) around the pure decisions in
//!   `onsite_core::sync`, and schedules rounds (start, `online`, foreground, timer, button).
//! - [`state`]: the typed contexts the pages read: the jobs, the session, the sync status, the
//!   language. Actions go through here: stored first, shown after.
//! - [`hooks`]: small wrappers over browser APIs (`use_*`).
//! - [`pages`] (one file per route) and [`components`] (one per file): views only; every rule
//!   they show comes from `onsite_core`.

pub mod api;
pub mod components;
pub mod hooks;
pub mod i18n;
pub mod locks;
pub mod pages;
pub mod state;
pub mod storage;
pub mod sync;

mod app;

/// Mounts the app on the page, in place of the static shell `index.html` paints while the wasm
/// loads; the shell is removed and the app mounted in one task, so no frame shows neither.
///
/// A first visit (no service worker serves the page yet: the wasm comes over the network)
/// shows the shell for at least one frame, mounting in the task after the next paint, so that
/// it is painted however fast the wasm came. A start from the service worker mounts at once:
/// there every frame counts, and the shell has nothing to add.
pub fn start() {
    use leptos::prelude::{document, request_animation_frame, set_timeout};
    console_error_panic_hook::set_once();
    let mount = || {
        if let Some(shell) = document().get_element_by_id("shell") {
            shell.remove();
        }
        leptos::mount::mount_to_body(app::App);
    };
    if hooks::served_by_service_worker() {
        mount();
    } else {
        request_animation_frame(move || set_timeout(mount, std::time::Duration::ZERO));
    }
}

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
