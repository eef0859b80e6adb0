//! The debounce behind `Sync::soon` and the confirmations' timers, on real browser timers: only
//! the last of a run of calls runs, once, after the pause; a cancel runs nothing.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use onsite::debounce::Debounce;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const WAIT: Duration = Duration::from_millis(40);

#[wasm_bindgen_test]
async fn only_the_last_of_a_run_of_calls_runs_once_after_the_pause() {
    let owner = Owner::new();
    let ran = Rc::new(RefCell::new(Vec::new()));
    let d = owner.with(Debounce::new);
    for call in 1..=3 {
        let ran = ran.clone();
        d.after(WAIT, move || ran.borrow_mut().push(call));
        TimeoutFuture::new(10).await;
    }
    assert!(ran.borrow().is_empty(), "nothing runs before the pause");
    TimeoutFuture::new(120).await;
    assert_eq!(*ran.borrow(), vec![3]);
}

#[wasm_bindgen_test]
async fn a_cancel_runs_nothing_and_a_later_call_still_runs() {
    let owner = Owner::new();
    let ran = Rc::new(RefCell::new(Vec::new()));
    let d = owner.with(Debounce::new);
    let r = ran.clone();
    d.after(WAIT, move || r.borrow_mut().push("cancelled"));
    d.cancel();
    TimeoutFuture::new(120).await;
    assert!(ran.borrow().is_empty());
    let r = ran.clone();
    d.after(WAIT, move || r.borrow_mut().push("later"));
    TimeoutFuture::new(120).await;
    assert_eq!(*ran.borrow(), vec!["later"]);
}
