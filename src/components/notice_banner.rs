//! The error banner, plus the standing warnings: records set aside, login expired. Errors are
//! worded when shown, so they follow a switch of language. Confirmations ("saved") show in the
//! sync bar instead, where they cover nothing.

use crate::i18n::{self, Msg};
use crate::state::{Auth, I18n, Jobs, Notice};
use crate::sync::Sync;
use leptos::prelude::*;
use onsite_core::sync::skew_matters;

#[component]
pub fn NoticeBanner() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let jobs = expect_context::<Jobs>();
    let auth = expect_context::<Auth>();
    let sync = expect_context::<Sync>();

    // A phone clock far off the server's: say so, rather than trust it silently.
    let skew = move || {
        let secs = sync.record.with(|r| r.clock_skew_secs).filter(|s| skew_matters(*s))?;
        let lang = i18n.lang.get();
        Some(Msg::ClockSkew.text(lang).replace("{t}", &i18n::span(lang, secs.abs())))
    };

    // Storage filling up: said well before it is full (onsite_core::retention::pressure).
    let filling = move || {
        use onsite_core::retention::{Pressure, pressure};
        let used = jobs.bytes_used();
        match pressure(used, crate::storage::QUOTA_BYTES) {
            Pressure::Fine => None,
            Pressure::Warn | Pressure::Short { .. } => {
                let p = used * 100 / crate::storage::QUOTA_BYTES.max(1);
                Some(i18n.t(Msg::StorageWarn).replace("{p}", &p.to_string()))
            }
        }
    };

    let quarantined = move || {
        let n = jobs.quarantined.with(Vec::len);
        (n > 0).then(|| i18n.t(Msg::StorageCorrupt).replace("{n}", &n.to_string()))
    };

    view! {
        <div class="notices" aria-live="polite">
            {move || notice.error_text(i18n.lang.get()).map(|text| {
                view! {
                    <div class="notice error" role="alert">
                        <span>{text}</span>
                        <button class="ghost small" on:click=move |_| notice.clear() aria-label=move || i18n.t(Msg::Close)>"×"</button>
                    </div>
                }
            })}
            {move || quarantined().map(|text| view! { <div class="notice error" role="alert">{text}</div> })}
            {move || filling().map(|text| view! { <div class="notice error" role="alert" data-testid="storage-warning">{text}</div> })}
            {move || skew().map(|text| view! { <div class="notice error" role="alert" data-testid="clock-skew">{text}</div> })}
            <Show when=move || auth.expired.get()>
                <div class="notice error" role="alert">
                    {move || i18n.t(Msg::LoginAgain)}
                    " "
                    <a href="/login">{move || i18n.t(Msg::LogIn)}</a>
                </div>
            </Show>
        </div>
    }
}
