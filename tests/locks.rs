//! The Web Locks wrapper in a real Chromium page: a tab tells whether another tab of the app is
//! open from the writer slots held (the sync round skips re-reading storage when alone).

use onsite::locks;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Holds `name` from "another tab" (an independent request on this page) until the returned
/// function is called.
fn hold(name: &str) -> js_sys::Function {
    let held = js_sys::Function::new_with_args(
        "name",
        "let release; const p = new Promise((r) => (release = r)); \
         navigator.locks.request(name, () => p); return release;",
    );
    held.call1(&JsValue::NULL, &JsValue::from_str(name)).unwrap().unchecked_into()
}

async fn settle() {
    // Lets the lock manager grant the request made by `hold`.
    JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await.unwrap();
    gloo_timers::future::TimeoutFuture::new(50).await;
}

#[wasm_bindgen_test]
async fn a_tab_alone_sees_no_other_and_sees_one_that_opens_and_closes() {
    let mine = locks::writer_slot().await;
    assert!(!locks::other_tabs().await, "only this tab's slot {mine} is held");
    let other = format!("onsite.writer.{}", mine + 1);
    let release = hold(&other);
    settle().await;
    assert!(locks::other_tabs().await, "{other} is held by another tab");
    release.call0(&JsValue::NULL).unwrap();
    settle().await;
    assert!(!locks::other_tabs().await, "the other tab closed");
}
