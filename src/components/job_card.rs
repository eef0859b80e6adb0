//! One job in the list: who, where, what kind, its status and its most pressing deadline.

use crate::components::sla_list::{sla_text, state_class};
use crate::i18n::{self, Msg};
use crate::state::{Clock, I18n, Jobs};
use leptos::prelude::*;
use onsite_core::sla;
use onsite_core::sync::LocalJob;

#[component]
pub fn JobCard(job: LocalJob) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let clock = expect_context::<Clock>();
    let status = job.status();
    let href = format!("/jobs/{}", job.job.id);
    // Read from the jobs as they change, so a sync acknowledging this job's events updates the
    // badge without re-making the card (the list's key leaves the pending count out).
    let jobs = expect_context::<Jobs>();
    let id = job.job.id;
    let pending = Memo::new(move |_| {
        jobs.all.with(|all| all.iter().find(|j| j.job.id == id).map_or(0, |j| j.pending().count()))
    });
    let kind = job.job.kind;
    let customer = job.job.customer.clone();
    let address = job.job.address.clone();
    let deadlines = sla::deadlines(&job.job);
    let events: Vec<_> = job.events.iter().map(|l| l.event.clone()).collect();

    // The deadline that matters now (core's rule: a missed one before any still running).
    let pressing = move || {
        let now = clock.now.get();
        sla::most_urgent(&deadlines, &events, now).map(|(d, s)| {
            let lang = i18n.lang.get();
            (
                format!("{} · {}", i18n::sla(lang, d.kind), sla_text(lang, &s, now, clock.offset.get())),
                state_class(&s),
            )
        })
    };

    view! {
        <a class="job-card" href=href data-testid="job-card">
            <div class="job-card-top">
                <span class="kind">{move || i18n::kind(i18n.lang.get(), kind)}</span>
                <span class=format!("status status-{}", status.as_str())>{move || i18n::status(i18n.lang.get(), status)}</span>
            </div>
            <div class="customer">{customer}</div>
            <div class="address">{address}</div>
            {move || pressing().map(|(text, class)| view! { <div class=class>{text}</div> })}
            {move || (pending.get() > 0).then(|| view! {
                <span class="badge pending" title=move || i18n.t(Msg::PendingN).replace("{n}", &pending.get().to_string())>"↑" {move || pending.get()}</span>
            })}
        </a>
    }
}
