//! `use_shortcuts`: the console's keys.

use crate::state::Desk;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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
