//! `/about`: this phone: the jobs held, the storage used against what the browser allows, how
//! long finished jobs stay (the deployment's setting), the company, the app's version and the
//! last sync. What the engineer checks when the phone says storage is filling up.

use crate::i18n::{self, Msg};
use crate::state::{Clock, Deployment, I18n, Jobs};
use crate::storage::QUOTA_BYTES;
use crate::sync::Sync;
use leptos::prelude::*;

#[component]
pub fn AboutPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let deployment = expect_context::<Deployment>();
    let sync = expect_context::<Sync>();
    let clock = expect_context::<Clock>();
    let held = Memo::new(move |_| jobs.held());
    let used = move || {
        let used = jobs.bytes_used();
        let percent = used * 100 / QUOTA_BYTES.max(1);
        format!("{} KB / {} KB ({percent}%)", used / 1024, QUOTA_BYTES / 1024)
    };
    let last = move || {
        let lang = i18n.lang.get();
        match sync.record.with(|r| r.last_success) {
            // A date with the time: read on a day other than the sync's.
            Some(at) => i18n::date_time(at, clock.offset.get()),
            None => Msg::NeverSynced.text(lang).to_string(),
        }
    };
    view! {
        <section class="page about">
            <a class="back" href="/">"‹ " {move || i18n.t(Msg::Back)}</a>
            <h1>{move || i18n.t(Msg::About)}</h1>
            <dl class="report-fields" data-testid="about">
                <dt>{move || i18n.t(Msg::JobsHeld)}</dt><dd data-testid="jobs-held">{move || held.get()}</dd>
                <dt>{move || i18n.t(Msg::StorageUsed)}</dt><dd data-testid="storage-used">{used}</dd>
                <dt>{move || i18n.t(Msg::KeptFor)}</dt>
                <dd>{move || i18n.t(Msg::DaysN).replace("{n}", &deployment.retention_days().to_string())}</dd>
                {move || deployment.company().map(|c| view! { <dt>{move || i18n.t(Msg::Company)}</dt><dd>{c}</dd> })}
                <dt>{move || i18n.t(Msg::LastSynced).replace("{t}", "").trim().to_string()}</dt><dd>{last}</dd>
                <dt>{move || i18n.t(Msg::AppVersion)}</dt><dd>{env!("CARGO_PKG_VERSION")}</dd>
            </dl>
        </section>
    }
}
