//! `use_download`: hands the person a file made in the page (the payroll CSV).

use wasm_bindgen::{JsCast, JsValue};

/// Saves `text` as the file `name` of type `mime`, as the browser downloads. `Err` says the
/// browser refused (shown to the person).
pub fn use_download() -> impl Fn(&str, &str, &str) -> Result<(), JsValue> + Copy + 'static {
    |name, mime, text| {
        let document =
            web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))?;
        let parts = js_sys::Array::of1(&text.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
        web_sys::Url::revoke_object_url(&url)
    }
}
