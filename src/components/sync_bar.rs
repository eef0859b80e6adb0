//! The sync status: pending count, last successful sync, last error, and "Sync now".
//! "All synced" shows only when nothing is pending, which only a server acknowledgement makes so.
//! A confirmation ("saved on this phone") shows here for a few seconds, in place of the last
//! sync time: at the foot of the screen, it covers nothing. There is no sync bar before anyone
//! has logged in.

use crate::i18n::{self, Msg};
use crate::state::{Auth, Clock, I18n, Jobs, Notice};
use crate::sync::Sync;
use leptos::prelude::*;

#[component]
pub fn SyncBar() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let sync = expect_context::<Sync>();
    let clock = expect_context::<Clock>();
    let notice = expect_context::<Notice>();
    let auth = expect_context::<Auth>();
    let location = leptos_router::hooks::use_location();
    let shown = move || auth.session.with(Option::is_some) && location.pathname.with(|p| p != "/login");

    let pending = Memo::new(move |_| jobs.pending());
    let rejected = Memo::new(move |_| jobs.rejected());
    let summary = move || {
        let lang = i18n.lang.get();
        if sync.running.get() {
            let (sent, received) = sync.progress.get();
            return format!("{} ↑{sent} ↓{received}", Msg::Syncing.text(lang));
        }
        match pending.get() {
            0 => Msg::AllSynced.text(lang).to_string(),
            n => Msg::PendingN.text(lang).replace("{n}", &n.to_string()),
        }
    };
    let last = move || {
        let lang = i18n.lang.get();
        match sync.record.with(|r| r.last_success) {
            Some(at) => Msg::LastSynced
                .text(lang)
                .replace("{t}", &i18n::time(lang, at, clock.now.get(), clock.offset.get())),
            None => Msg::NeverSynced.text(lang).to_string(),
        }
    };
    let error = move || {
        let lang = i18n.lang.get();
        sync.record.with(|r| {
            r.last_problem
                .as_ref()
                .map(|p| Msg::SyncFailed.text(lang).replace("{e}", &i18n::sync_problem(lang, p)))
        })
    };

    view! {
        <Show when=shown>
        <footer class="sync-bar" data-testid="sync-bar">
            <div class="sync-text">
                <strong data-testid="sync-summary" data-pending=move || pending.get().to_string()>{summary}</strong>
                <Show when=move || !sync.online.get()>
                    <span class="badge offline">{move || i18n.t(Msg::Offline)}</span>
                </Show>
                <Show when=move || { rejected.get() > 0 }>
                    <span class="badge rejected">
                        {move || i18n.t(Msg::RejectedN).replace("{n}", &rejected.get().to_string())}
                    </span>
                </Show>
                {move || match notice.confirmation(i18n.lang.get()) {
                    Some(text) => view! { <small class="confirmation" role="status">{text}</small> }.into_any(),
                    None => view! { <small>{last}</small> }.into_any(),
                }}
                {move || error().map(|e| {
                    let title = e.clone();
                    view! { <small class="error-text" role="alert" title=title>{e}</small> }
                })}
            </div>
            <button class="secondary" on:click=move |_| sync.now() disabled=move || sync.running.get()>
                {move || i18n.t(Msg::SyncNow)}
            </button>
        </footer>
        </Show>
    }
}
