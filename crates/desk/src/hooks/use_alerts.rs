//! `use_alerts`: what calls a person (a contact about to be missed, the 10+5+5 chain's next
//! step, a concern) sounds a short tone and shows a browser notification, once for each: the
//! row stays on the board until someone acts, the alert is not repeated.
//!
//! What is on the board when it first loads is taken as seen (opening the console is not an
//! alarm storm); what appears after calls. A notification needs the person's leave, asked for
//! by a button ([`Alerts::enable`]); the tone needs only that the page was clicked once (the
//! browser's rule for sound), which any log-in is.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashSet;

/// One thing that calls a person: `key` is stable while it lasts (the job and what).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub key: String,
    pub title: String,
    pub body: String,
}

/// Whether notifications may be shown, as the browser says: "granted", "denied", "default"
/// (not asked yet), or "unsupported".
#[derive(Clone, Copy)]
pub struct Alerts {
    permission: RwSignal<String>,
    sounded: RwSignal<u32>,
}

impl Alerts {
    /// The browser's answer so far (tracked).
    pub fn permission(&self) -> String {
        self.permission.get()
    }
    /// How many alerts called so far (tracked): for the page to say so.
    pub fn called(&self) -> u32 {
        self.sounded.get()
    }
    /// Asks the person's leave to show notifications.
    pub fn enable(&self) {
        let permission = self.permission;
        let Ok(asked) = web_sys::Notification::request_permission() else {
            permission.set("unsupported".into());
            return;
        };
        spawn_local(async move {
            let answer = wasm_bindgen_futures::JsFuture::from(asked).await;
            let said = answer.ok().and_then(|v| v.as_string()).unwrap_or_else(|| "denied".into());
            permission.try_set(said);
        });
    }
}

fn permission_now() -> String {
    let supported = web_sys::window()
        .and_then(|w| js_sys::Reflect::has(&w, &"Notification".into()).ok())
        .unwrap_or(false);
    if !supported {
        return "unsupported".into();
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => "granted",
        web_sys::NotificationPermission::Denied => "denied",
        _ => "default",
    }
    .into()
}

/// A short tone: 0.25 s at 880 Hz, quietly. A browser that will not play it stays silent.
fn tone(context: &StoredValue<Option<web_sys::AudioContext>, LocalStorage>) {
    let made = context.with_value(|c| c.is_some());
    if !made {
        context.set_value(web_sys::AudioContext::new().ok());
    }
    context.with_value(|c| {
        let Some(ctx) = c else { return };
        // Sound is a courtesy on top of the board and the notification: failures stay silent.
        let _ = ctx.resume();
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        osc.frequency().set_value(880.0);
        gain.gain().set_value(0.15);
        let now = ctx.current_time();
        if osc.connect_with_audio_node(&gain).is_ok()
            && gain.connect_with_audio_node(&ctx.destination()).is_ok()
        {
            let _ = osc.start();
            let _ = osc.stop_with_when(now + 0.25);
        }
    });
}

/// Calls each alert of `current` not seen before, once `ready` (the board's first read is in).
pub fn use_alerts(current: Memo<Vec<Alert>>, ready: Signal<bool>) -> Alerts {
    let alerts = Alerts { permission: RwSignal::new(permission_now()), sounded: RwSignal::new(0) };
    let seen = StoredValue::new(HashSet::<String>::new());
    let primed = StoredValue::new(false);
    let context = StoredValue::new_local(None::<web_sys::AudioContext>);
    Effect::new(move |_| {
        let now = current.get();
        if !ready.get() {
            return;
        }
        let fresh: Vec<Alert> =
            seen.with_value(|s| now.iter().filter(|a| !s.contains(&a.key)).cloned().collect());
        seen.update_value(|s| s.extend(fresh.iter().map(|a| a.key.clone())));
        if !primed.get_value() {
            // The first board read: what is there already is not news.
            primed.set_value(true);
            return;
        }
        if fresh.is_empty() {
            return;
        }
        tone(&context);
        if alerts.permission.get_untracked() == "granted" {
            for a in &fresh {
                let options = web_sys::NotificationOptions::new();
                options.set_body(&a.body);
                options.set_tag(&a.key);
                // A notification refused now is no loss: the board shows the same.
                let _ = web_sys::Notification::new_with_options(&a.title, &options);
            }
        }
        alerts.sounded.update(|n| *n += fresh.len() as u32);
    });
    alerts
}
