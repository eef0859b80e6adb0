//! Registers the service worker (`/sw.js`) that keeps the app shell for offline starts.

use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

pub fn use_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    // Browsers without service workers (or insecure origins) simply run online-only.
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let promise = navigator.service_worker().register("/sw.js");
    spawn_local(async move {
        if let Err(e) = JsFuture::from(promise).await {
            leptos::logging::error!("service worker registration failed: {e:?}");
        }
    });
}
