//! Registers the service worker (`/sw.js`) that keeps the app shell for offline starts, and
//! tells the app when a new version is waiting.
//!
//! A new build gets a new worker (its precache version changes). It installs in the background
//! and waits: the running app keeps its version until the engineer taps "reload", so nothing
//! changes under their hands mid-visit. Then the app asks the waiting worker to take over
//! (`skip-waiting`) and reloads when it has. Unsynced work is in localStorage, untouched by any
//! of this.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
}

/// Whether a new version is installed and waiting.
#[derive(Clone, Copy)]
pub struct Update {
    pub ready: RwSignal<bool>,
}

impl Default for Update {
    fn default() -> Self {
        Update { ready: RwSignal::new(false) }
    }
}

impl Update {
    /// Switches to the waiting version; the page reloads once it has taken over.
    pub fn apply(&self) {
        REGISTRATION.with(|r| {
            if let Some(waiting) = r.borrow().as_ref().and_then(ServiceWorkerRegistration::waiting) {
                // A worker that is gone by now simply means the reload below picks up the new one.
                let _ = waiting.post_message(&"skip-waiting".into());
            } else {
                let _ = window().location().reload();
            }
        });
    }

    /// Looks for a new version (on start, on return to the foreground, when back online).
    pub fn check(&self) {
        REGISTRATION.with(|r| {
            if let Some(reg) = r.borrow().as_ref()
                && let Ok(p) = reg.update()
            {
                spawn_local(async move {
                    // Offline, the check fails; the next one will do.
                    let _ = JsFuture::from(p).await;
                });
            }
        });
    }
}

fn has_service_worker() -> bool {
    js_sys::Reflect::has(&window().navigator(), &"serviceWorker".into()).unwrap_or(false)
}

/// Whether a service worker serves this page (a start from the installed app, not a first
/// visit). False where the browser has no service workers (an insecure origin, an old WebView).
pub fn served_by_service_worker() -> bool {
    has_service_worker() && window().navigator().service_worker().controller().is_some()
}

/// Marks the update ready once `worker` is installed, if a version is already running.
fn watch(worker: web_sys::ServiceWorker, ready: RwSignal<bool>) {
    let w = worker.clone();
    let on_change = Closure::<dyn FnMut()>::new(move || {
        let controlled = window().navigator().service_worker().controller().is_some();
        if w.state() == ServiceWorkerState::Installed && controlled {
            ready.set(true);
        }
    });
    worker.set_onstatechange(Some(on_change.as_ref().unchecked_ref()));
    // Lives as long as the worker object; there is one per new version.
    on_change.forget();
}

/// Registers the worker and sets `update` ready when a new version waits.
pub fn use_service_worker(update: Update) {
    if !has_service_worker() {
        // Browsers without service workers (or insecure origins) run online-only.
        return;
    }
    let container = window().navigator().service_worker();
    let ready = update.ready;

    // The new version took over (after "reload" was tapped): load it.
    let reloading = std::rc::Rc::new(std::cell::Cell::new(false));
    let on_controller = Closure::<dyn FnMut()>::new(move || {
        if ready.get_untracked() && !reloading.replace(true) {
            let _ = window().location().reload();
        }
    });
    container.set_oncontrollerchange(Some(on_controller.as_ref().unchecked_ref()));
    // The app's lifetime.
    on_controller.forget();

    let promise = container.register("/sw.js");
    spawn_local(async move {
        match JsFuture::from(promise).await {
            Ok(value) => {
                let reg: ServiceWorkerRegistration = value.unchecked_into();
                let controlled = window().navigator().service_worker().controller().is_some();
                if reg.waiting().is_some() && controlled {
                    ready.set(true);
                }
                if let Some(installing) = reg.installing() {
                    watch(installing, ready);
                }
                let r = reg.clone();
                let on_found = Closure::<dyn FnMut()>::new(move || {
                    if let Some(installing) = r.installing() {
                        watch(installing, ready);
                    }
                });
                reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
                on_found.forget();
                REGISTRATION.with(|slot| *slot.borrow_mut() = Some(reg));
            }
            Err(e) => leptos::logging::error!("service worker registration failed: {e:?}"),
        }
    });
}
