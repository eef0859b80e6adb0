//! `/jobs/:id`: one job: the work-order form, call and map links, service levels, the event
//! history, and the actions that record the visit.

use crate::components::{
    ActionPanel, EventHistory, FeeForm, PartsPanel, SlaList, StepList, sla_text, state_class,
};
use crate::i18n::{self, Msg};
use crate::state::{Clock, I18n, Jobs};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use onsite_core::JobStatus;
use onsite_core::ids::JobId;
use onsite_core::status::work_open;

#[component]
pub fn JobPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<JobId>().ok())));
    crate::hooks::use_open_job(id);
    // A memo: a change to another job (a sync acknowledgement, another tab's write) leaves this
    // page alone, and the job is copied once per change, not once per reader.
    let job: Signal<Option<onsite_core::sync::LocalJob>> =
        Memo::new(move |_| id.get().and_then(|id| jobs.job(id))).into();
    // The view is built once per job shown, not on every change of the job: a sync
    // acknowledgement or another tab's write must not close a note being typed.
    let shown = Memo::new(move |_| id.get().filter(|_| job.with(Option::is_some)));

    view! {
        <div class="page job">
            <a class="back" href="/">"‹ " {move || i18n.t(Msg::Back)}</a>
            {move || match shown.get() {
                Some(id) => view! { <JobView id job/> }.into_any(),
                None => view! { <p>{move || i18n.t(Msg::JobNotFound)}</p> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn JobView(id: JobId, job: Signal<Option<onsite_core::sync::LocalJob>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let clock = expect_context::<Clock>();
    let status: Signal<JobStatus> =
        Memo::new(move |_| job.with(|j| j.as_ref().map_or(JobStatus::Assigned, |j| j.status()))).into();
    let working: Signal<bool> = Memo::new(move |_| work_open(status.get())).into();
    let field = move |f: fn(&onsite_core::Job) -> Option<String>| {
        move || job.with(|j| j.as_ref().and_then(|j| f(&j.job)))
    };
    let when = move |f: fn(&onsite_core::Job) -> Option<chrono::DateTime<chrono::Utc>>| {
        move || {
            let lang = i18n.lang.get();
            let (now, offset) = (clock.now.get(), clock.offset.get());
            job.with(|j| j.as_ref().and_then(|j| f(&j.job)).map(|t| i18n::time(lang, t, now, offset)))
        }
    };
    // The deadline that matters now (core's rule), in the header with the kind and the customer.
    let pressing = move || {
        let now = clock.now.get();
        job.with(|j| {
            let j = j.as_ref()?;
            let deadlines = onsite_core::sla::deadlines(&j.job);
            let (d, s) = onsite_core::sla::most_urgent(&deadlines, j.events.iter().map(|l| &l.event), now)?;
            let lang = i18n.lang.get();
            Some((
                format!("{} · {}", i18n::sla(lang, d.kind), sla_text(lang, &s, now, clock.offset.get())),
                state_class(&s),
            ))
        })
    };
    let tel = move || job.with(|j| j.as_ref().map(|j| j.job.tel_href()).unwrap_or_default());
    let map = move || {
        job.with(|j| {
            j.as_ref()
                .map(|j| format!("geo:0,0?q={}", js_sys::encode_uri_component(&j.job.address)))
                .unwrap_or_default()
        })
    };
    let row = move |label: Msg, value: Box<dyn Fn() -> Option<String> + Send + Sync>| {
        view! {
            {move || value().map(|v| view! { <dt>{move || i18n.t(label)}</dt><dd>{v}</dd> })}
        }
    };

    view! {
        <header class="job-head">
            <span class="kind">{move || job.with(|j| j.as_ref().map(|j| i18n::kind(i18n.lang.get(), j.job.kind)))}</span>
            <h1>{field(|j| Some(j.customer.clone()))}</h1>
            <span class=move || format!("status status-{}", status.get().as_str()) data-testid="job-status" data-status=move || status.get().as_str()>
                {move || i18n::status(i18n.lang.get(), status.get())}
            </span>
        </header>
        <p class="address-line">{field(|j| Some(j.address.clone()))}</p>
        {move || pressing().map(|(text, class)| view! { <p class=class data-testid="job-pressing">{text}</p> })}
        <Show when=move || job.with(|j| j.as_ref().is_some_and(|j| j.removed))>
            <p class="notice error" role="alert">{move || i18n.t(Msg::Removed)}</p>
        </Show>
        // A finished job's report is what the engineer comes back for: first, at hand.
        <Show when=move || status.get().is_closed()>
            <a class="button primary wide" href=format!("/jobs/{id}/report") data-testid="view-report">{move || i18n.t(Msg::ViewReport)}</a>
        </Show>
        <div class="quick-links">
            <a class="button secondary" href=tel>{move || i18n.t(Msg::Call)}</a>
            <a class="button secondary" href=map>{move || i18n.t(Msg::Map)}</a>
        </div>
        <section aria-labelledby="sla-h">
            <h2 id="sla-h">{move || i18n.t(Msg::Deadlines)}</h2>
            <SlaList job/>
        </section>
        <section class="form-fields" aria-labelledby="order-h">
            <h2 id="order-h" class="visually-hidden">{move || i18n.t(Msg::Customer)}</h2>
            <dl>
                {row(Msg::Contact, Box::new(field(|j| Some(j.contact.clone()))))}
                {row(Msg::Phone, Box::new(field(|j| Some(j.phone.clone()))))}
                {row(Msg::Wechat, Box::new(field(|j| j.wechat.clone())))}
                {row(Msg::Device, Box::new(field(|j| {
                    match (&j.device_name, &j.device_description) {
                        (Some(n), Some(d)) => Some(format!("{n} · {d}")),
                        (Some(n), None) => Some(n.clone()),
                        (None, d) => d.clone(),
                    }
                })))}
                {row(Msg::Fault, Box::new(field(|j| Some(j.fault.clone()))))}
                {row(Msg::Priority, Box::new(move || job.with(|j| j.as_ref().map(|j| i18n::priority(i18n.lang.get(), j.job.priority).to_string()))))}
                {row(Msg::ReportedAt, Box::new(when(|j| Some(j.reported_at))))}
                {row(Msg::DispatchedAt, Box::new(when(|j| j.dispatched_at)))}
                {row(Msg::Appointment, Box::new(when(|j| j.appointment.map(|w| w.start))))}
            </dl>
        </section>
        <StepList job_id=id job editable=working/>
        <PartsPanel job_id=id job editable=working/>
        <Show when=move || job.with(|j| j.as_ref().is_some_and(|j| j.job.kind.collects_fee()))>
            <FeeForm job_id=id job editable=working/>
        </Show>
        <section aria-labelledby="history-h">
            <h2 id="history-h">{move || i18n.t(Msg::History)}</h2>
            <EventHistory job/>
        </section>
        <ActionPanel job_id=id job status/>
    }
}
