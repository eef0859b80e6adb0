//! Asks the browser to keep Onsite's storage under pressure (`navigator.storage.persist()`;
//! Chromium grants it silently to an installed or engaged site), and tells whether this is
//! Safari on an iPhone or iPad outside the home screen, where script-written storage is wiped
//! after 7 days without use unless the app is added to the home screen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

pub fn use_persistent_storage() {
    let Ok(storage) = js_sys::Reflect::get(&window().navigator(), &"storage".into()) else { return };
    let Ok(persist) = js_sys::Reflect::get(&storage, &"persist".into()) else { return };
    let Some(persist) = persist.dyn_ref::<js_sys::Function>() else { return };
    if let Ok(promise) = persist.call0(&storage) {
        let promise: js_sys::Promise = promise.into();
        spawn_local(async move {
            // Refused or unsupported: storage is then best-effort, as on any site; nothing to do.
            let _ = JsFuture::from(promise).await;
        });
    }
}

use wasm_bindgen::JsCast;

/// Safari on iOS/iPadOS, not launched from the home screen.
pub fn ios_browser_tab() -> bool {
    let nav = window().navigator();
    let ua = nav.user_agent().unwrap_or_default();
    let ios = ua.contains("iPhone")
        || ua.contains("iPad")
        || (ua.contains("Macintosh") && nav.max_touch_points() > 1);
    let standalone_flag =
        js_sys::Reflect::get(&nav, &"standalone".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    let standalone_mode =
        window().match_media("(display-mode: standalone)").ok().flatten().is_some_and(|m| m.matches());
    ios && !standalone_flag && !standalone_mode
}
