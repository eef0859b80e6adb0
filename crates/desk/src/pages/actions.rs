//! The desk's actions on one job (派单 / 改派, 增派协助, 改约, 取消, 备注, 已通知经理, 已处理), each offered only
//! when `onsite_core::desk::check` allows it on the job as read, each saying why where the rule
//! asks it. The server checks again on the job as stored; a refusal is shown in words and the
//! job read again.

use super::problem;
use crate::api::{self, ApiError};
use crate::i18n::{Lang, Msg};
use crate::state::{Desk, I18n, Notice, Words};
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::JobId;
use onsite_core::desk::{self, DeskAction, DeskField, Refusal, Standing, Suggestion};
use onsite_core::wire::{
    AlongsideRequest, AppointmentRequest, AssignRequest, CancelRequest, DeskNote, JobDetail, JobWire, Window,
};

/// A refused action in words: the field at fault, a job that changed meanwhile, or the rest.
fn refused(err: &ApiError) -> Words {
    match (super::refused_field(err), err) {
        (Some(DeskField::Reason), _) => Msg::ReasonNeeded.into(),
        (Some(DeskField::Vendor), _) => Msg::AlongsideWho.into(),
        (_, ApiError::Status { status: 409, .. }) => Msg::JobMoved.into(),
        (_, other) => problem(other),
    }
}

fn refusal(lang: Lang, r: Refusal) -> String {
    match r {
        Refusal::NoReason | Refusal::ReasonTooLong => Msg::ReasonNeeded.text(lang).into(),
        Refusal::SameEngineer => Msg::SameEngineer.text(lang).into(),
        _ => Msg::JobMoved.text(lang).into(),
    }
}

/// `datetime-local`'s value (the desk's own clock) as a time.
pub(super) fn local_input(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").ok()?;
    Local.from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc))
}

fn input_value(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%dT%H:%M").to_string()
}

#[component]
pub fn DeskActions(
    d: JobDetail,
    engineers: RwSignal<Vec<Suggestion>>,
    reload: Callback<()>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let id: JobId = d.job.id;
    let standing = Standing {
        status: d.status,
        closed: d.desk.closed.as_ref().map(|c| c.how),
        dispatched: d.job.assignee.is_some(),
    };
    let allowed = move |a: DeskAction| desk::check(a, standing).is_ok();
    // The engineer it is with now, by the desk's last dispatch of it.
    let current: Option<String> = d
        .desk
        .log
        .iter()
        .rev()
        .find(|e| matches!(e.action, DeskAction::Dispatch | DeskAction::Reassign))
        .and_then(|e| e.engineer.clone())
        .filter(|_| standing.dispatched);
    let current = StoredValue::new(current);
    let dispatch_action = if standing.dispatched { DeskAction::Reassign } else { DeskAction::Dispatch };
    let busy = RwSignal::new(false);

    let to = RwSignal::new(String::new());
    let why_moved = RwSignal::new(String::new());
    let start = RwSignal::new(d.job.appointment.map(|w| input_value(w.start)).unwrap_or_default());
    let end = RwSignal::new(d.job.appointment.map(|w| input_value(w.end)).unwrap_or_default());
    let why_rescheduled = RwSignal::new(String::new());
    let why_cancelled = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let vendor = RwSignal::new(String::new());
    let why_alongside = RwSignal::new(String::new());
    // Who is on the job already: not offered again.
    let on_job = StoredValue::new(desk::alongside(&d.desk.log));

    // Runs one call; on success says so and reads the job again, on refusal says why (and reads
    // the job again when it changed meanwhile).
    let send = move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>| {
        busy.set(true);
        notice.clear();
        spawn_local(async move {
            let result = call.await;
            busy.set(false);
            match result {
                Ok(()) => {
                    notice.info(Msg::Done);
                    reload.run(());
                }
                Err(e) => {
                    if matches!(e, ApiError::Status { status: 409, .. }) {
                        reload.run(());
                    }
                    notice.error(refused(&e));
                }
            }
        });
    };
    let checked = move |action: DeskAction, text: &str| -> Option<String> {
        match desk::reason(action, text) {
            Ok(t) => Some(t),
            Err(r) => {
                notice.error(Words::new(move |lang| refusal(lang, r)));
                None
            }
        }
    };

    let on_assign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let login = to.get_untracked();
        if login.is_empty() {
            notice.error(Msg::ChooseEngineer);
            return;
        }
        let Some(reason) = checked(dispatch_action, &why_moved.get_untracked()) else { return };
        let body = AssignRequest { assignee: login, reason };
        send(Box::pin(async move {
            api::put::<_, JobWire>(desk, &format!("/jobs/{id}/assignee"), &body).await.map(|_| ())
        }));
    };
    let on_appointment = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (s, e) = (start.get_untracked(), end.get_untracked());
        let appointment = match (local_input(&s), local_input(&e)) {
            (Some(start), Some(end)) if end > start => Some(Window { start, end }),
            (Some(_), Some(_)) => {
                notice.error(Msg::WindowReversed);
                return;
            }
            _ if s.is_empty() && e.is_empty() => None,
            _ => {
                notice.error(Msg::WindowIncomplete);
                return;
            }
        };
        let Some(reason) = checked(DeskAction::Appointment, &why_rescheduled.get_untracked()) else { return };
        let body = AppointmentRequest { appointment, reason };
        send(Box::pin(async move {
            api::put::<_, JobWire>(desk, &format!("/jobs/{id}/appointment"), &body).await.map(|_| ())
        }));
    };
    let on_cancel = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(reason) = checked(DeskAction::Cancel, &why_cancelled.get_untracked()) else { return };
        let body = CancelRequest { reason };
        send(Box::pin(async move {
            api::post::<_, JobWire>(desk, &format!("/jobs/{id}/cancel"), &body).await.map(|_| ())
        }));
    };
    let on_alongside = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = AlongsideRequest {
            engineer: Some(second.get_untracked()),
            vendor: Some(vendor.get_untracked()),
            reason: why_alongside.get_untracked(),
        };
        // The core's rules first: one person, an engineer or a vendor, and why.
        if body.who().is_err() {
            notice.error(Msg::AlongsideWho);
            return;
        }
        let Some(reason) = checked(DeskAction::Alongside, &body.reason) else { return };
        let body = AlongsideRequest { reason, ..body };
        send(Box::pin(async move {
            api::post::<_, JobWire>(desk, &format!("/jobs/{id}/alongside"), &body).await.map(|_| ())
        }));
    };
    let write = move |action: DeskAction, text: String| {
        let Some(text) = checked(action, &text) else { return };
        let body = DeskNote { action, text };
        send(Box::pin(async move { api::post_empty(desk, &format!("/jobs/{id}/notes"), &body).await }));
    };
    let on_note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        write(DeskAction::Note, note.get_untracked());
    };

    let text_input = move |id: &'static str, label: Msg, value: RwSignal<String>| {
        view! {
            <label for=id>{move || i18n.t(label)}</label>
            <input id=id prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        }
    };
    let helpers = move || -> Vec<Suggestion> {
        current.with_value(|current| {
            on_job.with_value(|on_job| {
                engineers.with(|all| {
                    all.iter()
                        .filter(|s| {
                            current.as_deref() != Some(s.login.as_str()) && !on_job.contains(&s.login)
                        })
                        .cloned()
                        .collect()
                })
            })
        })
    };
    let others = move || -> Vec<Suggestion> {
        current.with_value(|current| {
            engineers.with(|all| {
                all.iter().filter(|s| current.as_deref() != Some(s.login.as_str())).cloned().collect()
            })
        })
    };

    view! {
        <section class="desk-actions" aria-labelledby="actions-h" data-testid="desk-actions">
            <h2 id="actions-h">{move || i18n.t(Msg::Actions)}</h2>
            <Show when=move || allowed(dispatch_action)>
                <form class="grid" on:submit=on_assign data-testid="assign-form">
                    <label for="assign-to">{move || i18n.t(if standing.dispatched { Msg::ReassignTo } else { Msg::DispatchTo })}</label>
                    <select id="assign-to" on:change=move |ev| to.set(event_target_value(&ev))>
                        <option value="" selected=move || to.with(String::is_empty)>{move || i18n.t(Msg::ChooseEngineer)}</option>
                        {move || others().into_iter().map(|s| {
                            let login = s.login.clone();
                            let label = move || {
                                let lang = i18n.lang();
                                let fit = format!(
                                    "{}{}",
                                    if s.fits_duties { Msg::FitsDuties.text(lang) } else { "" },
                                    if s.in_area { Msg::InArea.text(lang) } else { "" },
                                );
                                Msg::Suggested
                                    .text(lang)
                                    .replace("{name}", &s.name)
                                    .replace("{login}", &s.login)
                                    .replace("{area}", &s.area)
                                    .replace("{state}", crate::i18n::engineer_state(lang, s.state))
                                    .replace("{n}", &s.open_jobs.to_string())
                                    .replace("{fit}", &fit)
                            };
                            view! { <option value=login data-state=s.state.as_str()>{label}</option> }
                        }).collect_view()}
                    </select>
                    <Show when=move || standing.dispatched>
                        {text_input("assign-why", Msg::Reason, why_moved)}
                    </Show>
                    <span></span>
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        {move || i18n.t(if standing.dispatched { Msg::Reassign } else { Msg::Dispatch })}
                    </button>
                </form>
            </Show>
            <Show when=move || allowed(DeskAction::Alongside)>
                <form class="grid" on:submit=on_alongside data-testid="alongside-form">
                    <label for="alongside-engineer">{move || i18n.t(Msg::AlongsideEngineer)}</label>
                    <select id="alongside-engineer" disabled=move || vendor.with(|v| !v.trim().is_empty())
                        on:change=move |ev| second.set(event_target_value(&ev))>
                        <option value="" selected=move || second.with(String::is_empty)>{move || i18n.t(Msg::ChooseEngineer)}</option>
                        {move || helpers().into_iter().map(|s| {
                            let login = s.login.clone();
                            let label = format!("{} ({}) · {}", s.name, s.login, s.area);
                            view! { <option value=login>{label}</option> }
                        }).collect_view()}
                    </select>
                    {text_input("alongside-vendor", Msg::AlongsideVendor, vendor)}
                    {text_input("alongside-why", Msg::Reason, why_alongside)}
                    <span></span>
                    <button type="submit" disabled=move || busy.get()>{move || i18n.t(Msg::SendAlongside)}</button>
                </form>
            </Show>
            <Show when=move || allowed(DeskAction::Appointment)>
                <form class="grid" on:submit=on_appointment data-testid="appointment-form">
                    <label for="appt-start">{move || i18n.t(Msg::AppointmentStart)}</label>
                    <input id="appt-start" type="datetime-local" prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                    <label for="appt-end">{move || i18n.t(Msg::AppointmentEnd)}</label>
                    <input id="appt-end" type="datetime-local" prop:value=move || end.get() on:input=move |ev| end.set(event_target_value(&ev))/>
                    {text_input("appt-why", Msg::Reason, why_rescheduled)}
                    <span></span>
                    <button type="submit" disabled=move || busy.get()>{move || i18n.t(Msg::Reschedule)}</button>
                </form>
            </Show>
            <Show when=move || allowed(DeskAction::Cancel)>
                <form class="grid" on:submit=on_cancel data-testid="cancel-form">
                    {text_input("cancel-why", Msg::CancelReason, why_cancelled)}
                    <span></span>
                    <button type="submit" class="danger" disabled=move || busy.get()>{move || i18n.t(Msg::CancelJob)}</button>
                </form>
            </Show>
            <form class="grid" on:submit=on_note data-testid="note-form">
                {text_input("desk-note", Msg::DeskNote, note)}
                <span></span>
                <span class="buttons">
                    <button type="submit" disabled=move || busy.get()>{move || i18n.t(Msg::AddNote)}</button>
                    <button type="button" disabled=move || busy.get() data-testid="handled"
                        on:click=move |_| write(DeskAction::Handled, note.get_untracked())>
                        {move || i18n.t(Msg::HandledWithNote)}
                    </button>
                    <Show when=move || allowed(DeskAction::ManagerTold)>
                        <button type="button" disabled=move || busy.get() data-testid="manager-told"
                            on:click=move |_| write(DeskAction::ManagerTold, note.get_untracked())>
                            {move || i18n.t(Msg::ManagerTold)}
                        </button>
                    </Show>
                </span>
            </form>
        </section>
    }
}
