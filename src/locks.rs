//! Web Locks (`navigator.locks`): the app's tabs take turns where they share state.
//!
//! Every tab of the app shares one localStorage, one device id and one sequence counter. Two
//! tabs recording at once could each read the same job and the same counter and then write
//! over each other; two tabs syncing at once would send the same outbox twice. The browser's
//! lock manager orders both across tabs, and releases a tab's locks when the tab dies, so a
//! closed or crashed tab never leaves the others waiting.
//!
//! Three kinds of lock:
//! - [`WRITE`]: held for every read-modify-write of a stored job (recording an event, applying
//!   acknowledgements and pulled changes). Held for microseconds, synchronously.
//! - [`SYNC`]: held for a whole sync round, so one tab at a time pushes and renews the token.
//! - `onsite.writer.<n>`: held by a tab for its whole life ([`writer_slot`]). Each slot has its
//!   own device id and sequence counter, which only the slot's holder ever writes, so two tabs
//!   can never hand out the same sequence number, whatever either has yet seen of the other's
//!   writes. One tab is slot 0, the phone's original device id.
//!
//! Where the API is missing (old WebViews), the work runs unlocked: one tab is the common case.
//! The binding is written here (three lines) because web-sys gates `LockManager` behind
//! `--cfg=web_sys_unstable_apis`.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The lock for read-modify-write of stored jobs.
pub const WRITE: &str = "onsite.write";
/// The lock for a sync round.
pub const SYNC: &str = "onsite.sync";

/// How many writer slots there are; a tab that finds every one taken writes as slot 0.
const SLOTS: u32 = 16;

#[wasm_bindgen]
extern "C" {
    type LockManager;
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        callback: &js_sys::Function,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn query(this: &LockManager) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = request)]
    fn request_with(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &js_sys::Function,
    ) -> Result<js_sys::Promise, JsValue>;
}

enum Slot {
    Unclaimed,
    Claiming(Vec<futures::channel::oneshot::Sender<u32>>),
    Held(u32),
}

thread_local! {
    static SLOT: RefCell<Slot> = const { RefCell::new(Slot::Unclaimed) };
}

/// This tab's writer slot: the first `onsite.writer.<n>` lock free, taken at the first call
/// and held until the tab closes (the browser then frees it for the next tab).
pub async fn writer_slot() -> u32 {
    let waiter = SLOT.with(|s| {
        let mut s = s.borrow_mut();
        match &mut *s {
            Slot::Held(n) => Err(*n),
            Slot::Claiming(waiters) => {
                let (tx, rx) = futures::channel::oneshot::channel();
                waiters.push(tx);
                Ok(Some(rx))
            }
            Slot::Unclaimed => {
                *s = Slot::Claiming(Vec::new());
                Ok(None)
            }
        }
    });
    match waiter {
        Err(n) => n,
        Ok(Some(rx)) => rx.await.unwrap_or(0),
        Ok(None) => {
            let n = claim().await;
            let waiters = SLOT.with(|s| match std::mem::replace(&mut *s.borrow_mut(), Slot::Held(n)) {
                Slot::Claiming(w) => w,
                _ => Vec::new(),
            });
            for w in waiters {
                // A waiter that went away needs no answer.
                let _ = w.send(n);
            }
            n
        }
    }
}

/// Whether another tab of the app is open: a writer slot other than this tab's is held. When
/// unsure (no lock API, a query that fails) the answer is yes, the careful one.
pub async fn other_tabs() -> bool {
    let mine = format!("onsite.writer.{}", writer_slot().await);
    let Some(Ok(promise)) = manager().map(|m| m.query()) else { return true };
    let Ok(snapshot) = JsFuture::from(promise).await else { return true };
    let Ok(held) = js_sys::Reflect::get(&snapshot, &JsValue::from_str("held")) else { return true };
    let Ok(held) = held.dyn_into::<js_sys::Array>() else { return true };
    held.iter().any(|lock| {
        js_sys::Reflect::get(&lock, &JsValue::from_str("name"))
            .ok()
            .and_then(|n| n.as_string())
            .is_some_and(|n| n.starts_with("onsite.writer.") && n != mine)
    })
}

/// Tries the slots in order with `ifAvailable`; the granted one is held by a promise that
/// never settles.
async fn claim() -> u32 {
    let Some(locks) = manager() else {
        return 0;
    };
    let options = js_sys::Object::new();
    // Setting a plain property on a new object cannot fail.
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    for n in 0..SLOTS {
        let (tx, rx) = futures::channel::oneshot::channel::<bool>();
        let callback = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
            let granted = !lock.is_null();
            // The receiver is awaited just below.
            let _ = tx.send(granted);
            if granted {
                // Held for the life of the tab.
                js_sys::Promise::new(&mut |_, _| {})
            } else {
                js_sys::Promise::resolve(&JsValue::UNDEFINED)
            }
        });
        if locks.request_with(&format!("onsite.writer.{n}"), &options, callback.unchecked_ref()).is_err() {
            return 0;
        }
        if rx.await.unwrap_or(false) {
            return n;
        }
    }
    0
}

/// The lock manager could not give the lock.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the browser refused a lock: {0}")]
pub struct LockError(String);

fn manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

fn describe(e: &JsValue) -> String {
    e.as_string().or_else(|| js_sys::JSON::stringify(e).ok().map(String::from)).unwrap_or_default()
}

/// Runs `work` while holding the exclusive lock `name`, waiting for it first. `work` is
/// synchronous: the lock is released the moment it returns.
pub async fn exclusive<T: 'static>(name: &str, work: impl FnOnce() -> T + 'static) -> Result<T, LockError> {
    let Some(locks) = manager() else {
        return Ok(work());
    };
    let out: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let slot = out.clone();
    let callback = Closure::once_into_js(move |_lock: JsValue| {
        *slot.borrow_mut() = Some(work());
    });
    let promise = locks.request(name, callback.unchecked_ref()).map_err(|e| LockError(describe(&e)))?;
    JsFuture::from(promise).await.map_err(|e| LockError(describe(&e)))?;
    out.take().ok_or_else(|| LockError("the lock was granted but the work did not run".into()))
}

/// Runs the future made by `work` while holding the exclusive lock `name`, waiting for it
/// first; the lock is held until the future ends.
pub async fn exclusive_async<F>(
    name: &str,
    work: impl FnOnce() -> F + 'static,
) -> Result<F::Output, LockError>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let Some(locks) = manager() else {
        return Ok(work().await);
    };
    let out: Rc<RefCell<Option<F::Output>>> = Rc::new(RefCell::new(None));
    let slot = out.clone();
    let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            let result = work().await;
            *slot.borrow_mut() = Some(result);
            Ok(JsValue::UNDEFINED)
        })
    });
    let promise = locks.request(name, callback.unchecked_ref()).map_err(|e| LockError(describe(&e)))?;
    JsFuture::from(promise).await.map_err(|e| LockError(describe(&e)))?;
    out.take().ok_or_else(|| LockError("the lock was granted but the work did not run".into()))
}
