//! `use_print`: the browser's print dialog.

/// The browser's print dialog, for a page laid out to print (the work order with its visit).
pub fn use_print() -> impl Fn() + Copy + 'static {
    || {
        if let Some(w) = web_sys::window() {
            // A browser without printing just does nothing.
            let _ = w.print();
        }
    }
}
