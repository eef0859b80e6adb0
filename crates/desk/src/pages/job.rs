//! `/desk/jobs/:id`: the whole visit as recorded: the work order, its service levels, every event
//! in order with the phone's time and the server's, the customer's sign-off with the signature
//! drawn and its seal verified (the server re-verifies it for every read), and the desk's flags.

use super::actions::DeskActions;
use super::problem;
use crate::api;
use crate::hooks::use_changes;
use crate::i18n::{self, Msg};
use crate::state::{Desk, I18n, Notice};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use onsite_core::EventKind;
use onsite_core::access::Permission;
use onsite_core::desk::Suggestion;
use onsite_core::signoff::Verification;
use onsite_core::sla::SlaState;
use onsite_core::steps::StepState;
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
    let engineers = RwSignal::new(Vec::<Suggestion>::new());
    let load = move || {
        let Some(id) = params.with_untracked(|p| p.get("id")) else { return };
        spawn_local(async move {
            match api::get::<JobDetail>(desk, &format!("/jobs/{id}")).await {
                // An unchanged job keeps its view (and what is typed into its forms).
                Ok(d) => {
                    if detail_of.with_untracked(|old| !matches!(old, Some(Ok(old)) if *old == d)) {
                        detail_of.try_set(Some(Ok(d)));
                    }
                }
                Err(e) => {
                    notice.error(problem(&e));
                    detail_of.try_set(Some(Err(())));
                }
            }
        });
    };
    // The engineers to send, best first, read with the job (their workload moves with it).
    let suggest = move || {
        let Some(id) = params.with_untracked(|p| p.get("id")) else { return };
        if !desk.may(Permission::Dispatch) {
            return;
        }
        spawn_local(async move {
            match api::get::<Vec<Suggestion>>(desk, &format!("/jobs/{id}/suggestions")).await {
                Ok(list) => {
                    engineers.try_set(list);
                }
                // A job that is not there is said once, by the job's own read.
                Err(api::ApiError::Status { status: 404, .. }) => {}
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    // Read again whenever the server has a change: the phone's events show as they arrive.
    use_changes(move || {
        load();
        suggest();
    });
    let reload = Callback::new(move |()| load());

    view! {
        <section class="page job">
            <A href="/desk/">{move || i18n.t(Msg::Back)}</A>
            {move || match detail_of.get() {
                None => ().into_any(),
                Some(Err(())) => view! { <p>{move || i18n.t(Msg::JobNotFound)}</p> }.into_any(),
                Some(Ok(d)) => {
                    let actions = desk
                        .may(Permission::Dispatch)
                        .then(|| view! { <DeskActions d=d.clone() engineers reload/> });
                    view! {
                        <JobView d=d.clone()/>
                        {actions}
                        <DeskLog d/>
                    }.into_any()
                }
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
    let (steps, parts, fees, escalations) =
        (report.steps.clone(), report.parts.clone(), report.fees.clone(), report.escalations.clone());
    let (result, not_completed) = (report.result.clone(), report.not_completed.clone());
    let print = crate::hooks::use_print();
    let (channel, received, closed) = (d.desk.channel, d.desk.received_at, d.desk.closed.clone());
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
            <dt>{move || i18n.t(Msg::Channel)}</dt>
            <dd>{move || channel.map(|c| i18n::channel(i18n.lang(), c)).unwrap_or_default()}</dd>
            {field(Msg::Appointment, job.appointment.map(|w| format!("{} – {}", when(w.start), when(w.end))).unwrap_or_default())}
            {field(Msg::PhoneReceived, received.map(when).unwrap_or_default())}
        </dl>
        {closed.map(|c| {
            let (how, reason, at) = (c.how, c.reason.clone(), when(c.at));
            view! { <p class="notice closed" data-testid="job-closed" data-how=how.as_str()>
                {move || i18n::closure(i18n.lang(), how)}" · "{at.clone()}" · "{reason.clone()}
            </p> }
        })}

        <h2>{move || i18n.t(Msg::ServiceLevels)}</h2>
        <ul class="sla" data-testid="job-sla">
            {sla_lines.into_iter().map(|l| {
                let class = match l.state { SlaState::DueSoon { .. } => "due-soon", SlaState::Missed { .. } => "missed", SlaState::Met { .. } => "met", SlaState::OnTrack { .. } => "on-track" };
                view! { <li class=format!("clock {class}") data-sla=l.state.name()>{move || i18n::sla(i18n.lang(), l.deadline.kind)}" · "{when(l.deadline.due)}</li> }
            }).collect_view()}
        </ul>

        <p class="no-print">
            <button type="button" class="secondary" data-testid="print" on:click=move |_| print()>{move || i18n.t(Msg::Print)}</button>
        </p>

        {result.map(|r| view! { <p data-testid="job-result"><strong>{move || i18n.t(Msg::Result)}": "</strong>{r.clone()}</p> })}
        {not_completed.map(|r| view! { <p class="notice closed" data-testid="job-not-completed">
            <strong>{move || i18n::status(i18n.lang(), onsite_core::JobStatus::CouldNotComplete)}": "</strong>{r.clone()}
        </p> })}

        <h2>{move || i18n.t(Msg::StepsTitle)}</h2>
        <table data-testid="job-steps">
            <thead><tr>
                <th scope="col">{move || i18n.t(Msg::Step)}</th>
                <th scope="col">{move || i18n.t(Msg::State)}</th>
            </tr></thead>
            <tbody>
                {steps.into_iter().map(|l| {
                    let step = l.step.clone();
                    let (state, class) = match &l.state {
                        StepState::Open => ("open", "step-open"),
                        StepState::Done { .. } => ("done", "step-done"),
                        StepState::Skipped { .. } => ("skipped", "step-skipped"),
                    };
                    let said = l.state.clone();
                    view! { <tr data-testid="job-step" data-state=state class=class>
                        <th scope="row">{move || i18n::step_title(i18n.lang(), &step).to_string()}</th>
                        <td>{move || match &said {
                            StepState::Open => i18n.t(Msg::StepOpen).to_string(),
                            StepState::Done { at } => Msg::StepDoneAt.text(i18n.lang()).replace("{t}", &when(*at)),
                            StepState::Skipped { at, reason } => Msg::StepSkippedAt.text(i18n.lang())
                                .replace("{t}", &when(*at)).replace("{r}", reason),
                        }}</td>
                    </tr> }
                }).collect_view()}
            </tbody>
        </table>

        <Show when={let none = parts.is_empty() && fees.is_empty(); move || !none}>
            <h2>{move || i18n.t(Msg::PartsAndFees)}</h2>
        </Show>
        <ul data-testid="job-parts">
            {parts.iter().map(|p| {
                let returned = if p.returned > 0 { format!(" · −{}", p.returned) } else { String::new() };
                let serials = if p.serials.is_empty() { String::new() } else { format!(" · {}", p.serials.join(", ")) };
                let line = format!("{} × {}{returned}{serials}", p.part, p.used);
                view! { <li data-testid="job-part">{line}</li> }
            }).collect_view()}
            {fees.iter().map(|f| {
                let line = format!("{} · {} · {}", i18n::money(f.amount_fen), f.receipt_no, when(f.at));
                view! { <li data-testid="job-fee"><strong>{move || i18n.t(Msg::Fee)}": "</strong>{line}</li> }
            }).collect_view()}
        </ul>

        <Show when={let none = escalations.is_empty(); move || !none}>
            <h2>{move || i18n.t(Msg::EscalationsTitle)}</h2>
        </Show>
        <ul data-testid="job-escalations">
            {escalations.iter().map(|e| {
                let line = format!("{} · {}", when(e.at), e.reason);
                view! { <li>{line}</li> }
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
                        <p data-testid="ratings">{move || i18n.t(Msg::RatingsTitle)}": "{format!("{} / {} / {}", r.speed, r.attitude, r.result)}</p>
                        {(!s.comment.is_empty()).then(|| view! { <p data-testid="comment">{move || i18n.t(Msg::Comment)}": "{s.comment.clone()}</p> })}
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

/// The desk's own log on the job: who did what, when and why.
#[component]
fn DeskLog(d: JobDetail) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let log = d.desk.log;
    view! {
        <h2>{move || i18n.t(Msg::DeskLog)}</h2>
        <table data-testid="desk-log">
            <thead><tr>
                <th scope="col">{move || i18n.t(Msg::ServerTime)}</th>
                <th scope="col">{move || i18n.t(Msg::Who)}</th>
                <th scope="col">{move || i18n.t(Msg::What)}</th>
                <th scope="col">{move || i18n.t(Msg::Detail)}</th>
            </tr></thead>
            <tbody>
                {log.into_iter().map(|e| {
                    let action = e.action;
                    let detail = match (&e.engineer, e.note.is_empty()) {
                        (Some(login), true) => login.clone(),
                        (Some(login), false) => format!("{login} · {}", e.note),
                        (None, _) => e.note.clone(),
                    };
                    view! { <tr data-testid="desk-entry" data-action=action.as_str()>
                        <td>{when(e.at)}</td>
                        <td>{e.by.clone().unwrap_or_default()}</td>
                        <th scope="row">{move || i18n::desk_action(i18n.lang(), action)}</th>
                        <td>{detail}</td>
                    </tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}
