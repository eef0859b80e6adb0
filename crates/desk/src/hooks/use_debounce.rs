//! `use_debounce`: the last of quick calls only (a lookup as the desk types).

use leptos::prelude::*;

/// Runs only the last of calls made within `delay_ms` of one another (a lookup as the desk
/// types), and none after the calling component is gone.
#[derive(Clone, Copy)]
pub struct Debounce {
    timer: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    delay_ms: u32,
}

impl Debounce {
    pub fn run(&self, work: impl FnOnce() + 'static) {
        // Replacing the timer drops (so cancels) the one before.
        self.timer.try_set_value(Some(gloo_timers::callback::Timeout::new(self.delay_ms, work)));
    }
}

pub fn use_debounce(delay_ms: u32) -> Debounce {
    let timer = StoredValue::new_local(None);
    on_cleanup(move || {
        timer.try_set_value(None);
    });
    Debounce { timer, delay_ms }
}
