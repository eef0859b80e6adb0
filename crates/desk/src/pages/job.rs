//! `/desk/jobs/:id`: the whole visit as recorded: the work order, its service levels, every event
//! in order with the phone's time and the server's, the customer's sign-off with the signature
//! drawn and its seal verified (the server re-verifies it for every read), and the desk's flags.

use super::problem;
use crate::api;
use crate::i18n::{self, Msg};
use crate::state::{Desk, I18n, Notice};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use onsite_core::EventKind;
use onsite_core::signoff::Verification;
use onsite_core::sla::SlaState;
use onsite_core::wire::{EventWire, JobDetail};

fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// What an event carries (its name is `words::event`): the engineer's own words, a step, a
/// part, a fee.
fn detail(e: &EventWire) -> String {
    match e.to_event().kind {
        EventKind::NoteAdded { text } => text,
        EventKind::Completed { result } => result,
        EventKind::CouldNotComplete { reason } => reason,
        EventKind::StepDone { step } => step,
        EventKind::StepSkipped { step, reason } => format!("{step}: {reason}"),
        EventKind::PartUsed { part, qty, serial } | EventKind::PartReturned { part, qty, serial } => {
            format!("{part} × {qty}{}", serial.map(|s| format!(" ({s})")).unwrap_or_default())
        }
        EventKind::Escalated { reason, .. } => reason,
        EventKind::FeeCollected { amount_fen, receipt_no } => {
            format!("{} · {receipt_no}", i18n::money(amount_fen))
        }
        EventKind::SignedOff(s) => s.signer,
        EventKind::CustomerContacted | EventKind::Departed | EventKind::Arrived => String::new(),
    }
}

#[component]
pub fn JobPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let params = use_params_map();
    let detail_of = RwSignal::new(None::<Result<JobDetail, ()>>);
    Effect::new(move |_| {
        let Some(id) = params.with(|p| p.get("id")) else { return };
        spawn_local(async move {
            match api::get::<JobDetail>(desk, &format!("/jobs/{id}")).await {
                Ok(d) => detail_of.set(Some(Ok(d))),
                Err(e) => {
                    notice.error(problem(&e));
                    detail_of.set(Some(Err(())));
                }
            }
        });
    });

    view! {
        <section class="page job">
            <A href="/desk/">{move || i18n.t(Msg::Back)}</A>
            {move || match detail_of.get() {
                None => ().into_any(),
                Some(Err(())) => view! { <p>{move || i18n.t(Msg::JobNotFound)}</p> }.into_any(),
                Some(Ok(d)) => view! { <JobView d/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn JobView(d: JobDetail) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let job = d.job.clone();
    let (kind, status) = (job.kind, d.status);
    let report = d.report.clone();
    let sla_lines = report.sla.clone();
    let events = d.events.clone();
    let sign_off = report.sign_off.clone();
    let flags = d.flags.clone();
    let field = move |msg: Msg, value: String| {
        view! { <dt>{move || i18n.t(msg)}</dt><dd>{value}</dd> }
    };
    view! {
        <h1 data-testid="job-title">{job.customer.clone()}" · "{move || i18n::kind(i18n.lang(), kind)}
            <span class="count" data-testid="job-status" data-status=status.as_str()>{move || i18n::status(i18n.lang(), status)}</span>
        </h1>
        <dl class="fields">
            {field(Msg::Contact, job.contact.clone())}
            {field(Msg::Phone, job.phone.clone())}
            {field(Msg::WeChat, job.wechat.clone().unwrap_or_default())}
            {field(Msg::Address, job.address.clone())}
            {field(Msg::DeviceName, job.device_name.clone().unwrap_or_default())}
            {field(Msg::Fault, job.fault.clone())}
            {field(Msg::Reported, when(job.reported_at))}
            {field(Msg::Dispatched, job.dispatched_at.map(when).unwrap_or_default())}
        </dl>

        <h2>{move || i18n.t(Msg::ServiceLevels)}</h2>
        <ul class="sla" data-testid="job-sla">
            {sla_lines.into_iter().map(|l| {
                let class = match l.state { SlaState::DueSoon { .. } => "due-soon", SlaState::Missed { .. } => "missed", SlaState::Met { .. } => "met", SlaState::OnTrack { .. } => "on-track" };
                view! { <li class=format!("clock {class}") data-sla=l.state.name()>{move || i18n::sla(i18n.lang(), l.deadline.kind)}" · "{when(l.deadline.due)}</li> }
            }).collect_view()}
        </ul>

        <h2>{move || i18n.t(Msg::History)}</h2>
        <table data-testid="job-events">
            <thead><tr>
                <th scope="col">{move || i18n.t(Msg::DeviceTime)}</th>
                <th scope="col">{move || i18n.t(Msg::ServerTime)}</th>
                <th scope="col">{move || i18n.t(Msg::What)}</th>
                <th scope="col">{move || i18n.t(Msg::Detail)}</th>
            </tr></thead>
            <tbody>
                {events.into_iter().map(|e| {
                    let kind = e.to_event().kind;
                    let tag = kind.tag();
                    let received = e.received_at.map(when).unwrap_or_default();
                    let e2 = e.clone();
                    view! { <tr data-testid="job-event" data-type=tag>
                        <td>{when(e.device_time)}</td>
                        <td>{received}</td>
                        <th scope="row">{move || i18n::event(i18n.lang(), &kind)}</th>
                        <td>{detail(&e2)}</td>
                    </tr> }
                }).collect_view()}
            </tbody>
        </table>

        <h2>{move || i18n.t(Msg::SignOffTitle)}</h2>
        {match sign_off {
            None => view! { <p class="muted">{move || i18n.t(Msg::NotSignedYet)}</p> }.into_any(),
            Some(s) => {
                let intact = matches!(s.verification, Verification::Intact);
                let short = s.short_hash.clone();
                let r = s.ratings;
                view! {
                    <div class="sign-off" data-testid="job-sign-off">
                        <p>{move || i18n.t(Msg::Signer)}": "{s.signer.clone()}" · "{when(s.at)}</p>
                        <svg class="signature" viewBox="0 0 1000 400" role="img" aria-label=s.signer.clone()>
                            <path d=s.svg_path.clone() fill="none" stroke="currentColor" stroke-width="4"/>
                        </svg>
                        <p>{move || i18n.t(Msg::RatingsTitle)}": "{format!("{} / {} / {}", r.speed, r.attitude, r.result)}</p>
                        <p class=if intact { "seal intact" } else { "seal altered" } data-testid="seal" data-intact=intact.to_string()>
                            {move || if intact { i18n.t(Msg::SealIntact) } else { i18n.t(Msg::SealAltered) }.replace("{h}", &short)}
                        </p>
                    </div>
                }.into_any()
            }
        }}

        <Show when={let empty = flags.is_empty(); move || !empty}>
            <h2>{move || i18n.t(Msg::FlagsTitle)}</h2>
        </Show>
        <ul data-testid="job-flags">
            {flags.iter().map(|f| view! { <li>{f.detail.clone()}</li> }).collect_view()}
        </ul>
    }
}
