//! Brings what the engineer must act on into view and gives it focus: a form that opens below
//! the fold, the first step that still blocks finishing, a field left empty. Centred, so that
//! neither the pinned top bar nor the action bar covers it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{FocusOptions, HtmlElement, ScrollBehavior, ScrollIntoViewOptions, ScrollLogicalPosition};

/// Reveals elements (see the module docs). Cheap to copy.
#[derive(Clone, Copy)]
pub struct Reveal;

pub fn use_reveal() -> Reveal {
    Reveal
}

impl Reveal {
    /// Reveals the first element matching `selector` once the view has drawn (a form opened by
    /// this tap exists only after the render it causes).
    pub fn selector(self, selector: String) {
        request_animation_frame(move || {
            if let Some(el) = document().query_selector(&selector).ok().flatten() {
                reveal(&el);
            }
        });
    }

    /// Reveals an element now.
    pub fn element(self, el: &web_sys::Element) {
        reveal(el);
    }
}

fn reveal(el: &web_sys::Element) {
    let scroll = ScrollIntoViewOptions::new();
    scroll.set_block(ScrollLogicalPosition::Center);
    scroll.set_behavior(ScrollBehavior::Instant);
    el.scroll_into_view_with_scroll_into_view_options(&scroll);
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let focus = FocusOptions::new();
        focus.set_prevent_scroll(true);
        let _ = el.focus_with_options(&focus);
    }
}
