//! `/desk/`: the board. The queue first (jobs dispatched to no one, oldest report first: first
//! in, first out), then every job out with an engineer, with its most pressing deadline from
//! `onsite_core::sla` (amber when due soon, red when missed, counted down every second) and
//! whether the engineer's phone has received it. Re-read whenever the server has a change
//! (`use_changes`, the long poll): a phone's push shows here within a second or two.

use super::problem;
use crate::api;
use crate::hooks::{use_changes, use_interval};
use crate::i18n::{self, Msg};
use crate::state::{Desk, I18n, Notice};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use onsite_core::desk::{ContactAlarm, DeskAction, contact_alarm};
use onsite_core::sla::{self, Deadline, SlaState};
use onsite_core::wire::DeskNote;
use onsite_core::wire::{JobDetail, User};
use onsite_core::{JobId, JobStatus, UserId, VisitEvent};
use std::collections::HashMap;
use std::time::Duration;

/// One open job as the board needs it: read once per refresh, not once per tick.
#[derive(Clone)]
struct Row {
    id: JobId,
    customer: String,
    kind: onsite_core::JobKind,
    priority: onsite_core::Priority,
    assignee: Option<UserId>,
    status: JobStatus,
    reported_at: DateTime<Utc>,
    /// When the engineer's phone first pulled it.
    received_at: Option<DateTime<Utc>>,
    /// The contact clock's start and when contact was made, for the 10+5+5 chain.
    contact: Option<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// When the desk recorded telling the manager.
    manager_told: Option<DateTime<Utc>>,
    /// What else asks for the desk: the server's flags and the engineer's escalations.
    concerns: Vec<String>,
    deadlines: Vec<Deadline>,
    events: Vec<VisitEvent>,
    /// What was read, so an unchanged job keeps its row.
    rev: i64,
    seen: usize,
}

impl Row {
    fn of(d: JobDetail) -> Row {
        Row {
            id: d.job.id,
            customer: d.job.customer.clone(),
            kind: d.job.kind,
            priority: d.job.priority,
            assignee: d.job.assignee,
            status: d.status,
            reported_at: d.job.reported_at,
            received_at: d.desk.received_at,
            contact: d.report.sla.iter().find(|l| l.deadline.kind == sla::SlaKind::Contact).map(|l| {
                let made = match l.state {
                    SlaState::Met { at } => Some(at),
                    SlaState::Missed { at } => at,
                    _ => None,
                };
                (l.deadline.from, made)
            }),
            manager_told: d.desk.log.iter().find(|e| e.action == DeskAction::ManagerTold).map(|e| e.at),
            concerns: d
                .flags
                .iter()
                .map(|f| f.detail.clone())
                .chain(d.report.escalations.iter().map(|e| e.reason.clone()))
                .collect(),
            deadlines: d.report.sla.iter().map(|l| l.deadline).collect(),
            events: d.events.iter().map(|e| e.to_event()).collect(),
            rev: d.job.rev,
            seen: d.events.len(),
        }
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let rows = RwSignal::new(None::<Vec<Row>>);
    let names = RwSignal::new(HashMap::<UserId, String>::new());
    let now = RwSignal::new(Utc::now());
    let loaded_at = RwSignal::new(None::<DateTime<Utc>>);

    let load = move || {
        spawn_local(async move {
            match api::get::<Vec<JobDetail>>(desk, "/jobs").await {
                Ok(list) => {
                    let open: Vec<Row> = list
                        .into_iter()
                        .filter(|d| !d.status.is_closed() && d.desk.closed.is_none())
                        .map(Row::of)
                        .collect();
                    rows.try_set(Some(open));
                    loaded_at.try_set(Some(Utc::now()));
                }
                Err(e) => notice.error(problem(&e)),
            }
            match api::get::<Vec<User>>(desk, "/engineers").await {
                Ok(people) => {
                    names.try_set(people.into_iter().map(|u| (u.id, u.name)).collect());
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    use_changes(load);
    let queue = move || {
        let mut queued: Vec<Row> =
            rows.with(|r| r.iter().flatten().filter(|r| r.assignee.is_none()).cloned().collect());
        queued.sort_by_key(|r| (r.reported_at, r.id));
        queued
    };
    let out = move || -> Vec<Row> {
        rows.with(|r| r.iter().flatten().filter(|r| r.assignee.is_some()).cloned().collect())
    };
    use_interval(Duration::from_secs(1), move || now.set(Utc::now()));

    let clock = move |row: &Row| {
        let (deadlines, events) = (row.deadlines.clone(), row.events.clone());
        move || {
            let lang = i18n.lang();
            match sla::most_urgent(&deadlines, &events, now.get()) {
                None => ("clock none", "none", String::from("—")),
                Some((d, state)) => {
                    let what = i18n::sla(lang, d.kind);
                    let (class, text) = match state {
                        SlaState::OnTrack { remaining_secs } => (
                            "clock on-track",
                            Msg::DueIn.text(lang).replace("{t}", &i18n::span(lang, remaining_secs)),
                        ),
                        SlaState::DueSoon { remaining_secs } => (
                            "clock due-soon",
                            Msg::DueIn.text(lang).replace("{t}", &i18n::span(lang, remaining_secs)),
                        ),
                        SlaState::Met { .. } => ("clock met", Msg::Met.text(lang).to_string()),
                        SlaState::Missed { at: Some(_) } => {
                            ("clock missed", Msg::MissedDone.text(lang).to_string())
                        }
                        SlaState::Missed { at: None } => {
                            let late = (now.get() - d.due).num_seconds();
                            ("clock missed", Msg::Overdue.text(lang).replace("{t}", &i18n::span(lang, late)))
                        }
                    };
                    (class, state.name(), format!("{what} · {text}"))
                }
            }
        }
    };

    let time = |t: DateTime<Utc>| t.with_timezone(&chrono::Local).format("%m-%d %H:%M").to_string();
    let clock_time = |t: DateTime<Utc>| t.with_timezone(&chrono::Local).format("%H:%M").to_string();
    // The jobs that ask for the desk now: the contact chain running, a flag, an escalation.
    // Recomputed each second (the chain moves with the clock); a row keeps its node while its
    // alarm stays the same.
    let attention = move || -> Vec<(Row, ContactAlarm)> {
        let now = now.get();
        rows.with(|r| {
            r.iter()
                .flatten()
                .filter(|r| r.assignee.is_some())
                .filter_map(|r| {
                    let alarm = r.contact.map_or(ContactAlarm::Quiet, |(from, made)| {
                        contact_alarm(from, made, r.manager_told, now)
                    });
                    (alarm != ContactAlarm::Quiet || !r.concerns.is_empty()).then(|| (r.clone(), alarm))
                })
                .collect()
        })
    };
    let tell_manager = move |id: JobId| {
        spawn_local(async move {
            let body = DeskNote { action: DeskAction::ManagerTold, text: String::new() };
            match api::post_empty(desk, &format!("/jobs/{id}/notes"), &body).await {
                Ok(()) => notice.info(Msg::Done),
                Err(e) => notice.error(problem(&e)),
            }
        });
    };

    view! {
        <section class="page board">
            <p class="muted">{move || loaded_at.get().map(|t| Msg::UpdatedAt.text(i18n.lang())
                .replace("{t}", &t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string()))}</p>
            <Show when=move || !attention().is_empty()>
                <h1>{move || i18n.t(Msg::Attention)}
                    <span class="count" data-testid="attention-count">{move || attention().len()}</span>
                </h1>
                <ul class="attention" data-testid="attention">
                    <For each=attention key=|(r, alarm)| (r.id, r.rev, r.seen, alarm.name(), r.manager_told) children=move |(row, alarm)| {
                        let id = row.id;
                        let said = move || {
                            let lang = i18n.lang();
                            match alarm {
                                ContactAlarm::TellManager { by, late: false } => Msg::AlarmTellManager.text(lang).replace("{t}", &clock_time(by)),
                                ContactAlarm::TellManager { late: true, .. } => Msg::AlarmTellManagerLate.text(lang).to_string(),
                                ContactAlarm::ManagerTold { fined_at } => Msg::AlarmManagerTold.text(lang).replace("{t}", &clock_time(fined_at)),
                                ContactAlarm::Fined { manager_told } => if manager_told { Msg::AlarmFined } else { Msg::AlarmFinedUntold }.text(lang).to_string(),
                                ContactAlarm::Quiet => String::new(),
                            }
                        };
                        let concerns = row.concerns.join(" · ");
                        view! {
                            <li class=format!("alarm alarm-{}", alarm.name()) data-testid="attention-row" data-job=id.to_string() data-alarm=alarm.name()>
                                <A href=format!("/desk/jobs/{id}")>{row.customer.clone()}</A>
                                " · "<span>{said}</span>
                                {(!concerns.is_empty()).then(|| view! { <span class="concerns">" · "{concerns.clone()}</span> })}
                                {matches!(alarm, ContactAlarm::TellManager { .. }).then(|| view! {
                                    <button type="button" data-testid="tell-manager" on:click=move |_| tell_manager(id)>
                                        {move || i18n.t(Msg::ManagerToldButton)}
                                    </button>
                                })}
                            </li>
                        }
                    }/>
                </ul>
            </Show>
            <h1>{move || i18n.t(Msg::Queue)}
                <span class="count" data-testid="queue-count">{move || queue().len()}</span>
            </h1>
            <Show when=move || !queue().is_empty()
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::QueueEmpty)}</p> }>
                <table class="board-table" data-testid="queue">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Msg::Reported)}</th>
                        <th scope="col">{move || i18n.t(Msg::Customer)}</th>
                        <th scope="col">{move || i18n.t(Msg::Kind)}</th>
                        <th scope="col">{move || i18n.t(Msg::Priority)}</th>
                        <th scope="col">{move || i18n.t(Msg::Waiting)}</th>
                    </tr></thead>
                    <tbody>
                        <For each=queue key=|r| (r.id, r.rev) children=move |row| {
                            let (kind, priority, reported) = (row.kind, row.priority, row.reported_at);
                            view! {
                                <tr data-testid="queue-row" data-job=row.id.to_string()>
                                    <td>{time(reported)}</td>
                                    <th scope="row"><A href=format!("/desk/jobs/{}", row.id)>{row.customer.clone()}</A></th>
                                    <td>{move || i18n::kind(i18n.lang(), kind)}</td>
                                    <td>{move || i18n::priority(i18n.lang(), priority)}</td>
                                    <td>{move || i18n::span(i18n.lang(), (now.get() - reported).num_seconds().max(0))}</td>
                                </tr>
                            }
                        }/>
                    </tbody>
                </table>
            </Show>
            <h1>{move || i18n.t(Msg::OpenJobs)}
                <span class="count" data-testid="open-count">{move || out().len()}</span>
            </h1>
            <Show when=move || !out().is_empty()
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoOpenJobs)}</p> }>
                <table class="board-table" data-testid="board">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Msg::Customer)}</th>
                        <th scope="col">{move || i18n.t(Msg::Kind)}</th>
                        <th scope="col">{move || i18n.t(Msg::Priority)}</th>
                        <th scope="col">{move || i18n.t(Msg::Engineer)}</th>
                        <th scope="col">{move || i18n.t(Msg::PhoneReceived)}</th>
                        <th scope="col">{move || i18n.t(Msg::Status)}</th>
                        <th scope="col">{move || i18n.t(Msg::Clock)}</th>
                    </tr></thead>
                    <tbody>
                        <For each=out key=|r| (r.id, r.rev, r.seen, r.received_at) children=move |row| {
                            let clock = clock(&row);
                            let (kind, priority, status, assignee) = (row.kind, row.priority, row.status, row.assignee);
                            let received = row.received_at;
                            view! {
                                <tr data-testid="board-row" data-job=row.id.to_string() data-status=status.as_str()
                                    data-received=received.is_some().to_string()>
                                    <th scope="row"><A href=format!("/desk/jobs/{}", row.id)>{row.customer.clone()}</A></th>
                                    <td>{move || i18n::kind(i18n.lang(), kind)}</td>
                                    <td>{move || i18n::priority(i18n.lang(), priority)}</td>
                                    <td>{move || match assignee {
                                        Some(id) => names.with(|n| n.get(&id).cloned()).unwrap_or_default(),
                                        None => i18n.t(Msg::Unassigned).to_string(),
                                    }}</td>
                                    <td class=if received.is_some() { "received" } else { "not-received" }>{move || match received {
                                        Some(t) => Msg::ReceivedAt.text(i18n.lang()).replace("{t}", &time(t)),
                                        None => i18n.t(Msg::NotReceived).to_string(),
                                    }}</td>
                                    <td>{move || i18n::status(i18n.lang(), status)}</td>
                                    {move || { let (class, state, text) = clock(); view! {
                                        <td class=class data-sla=state data-testid="clock">{text}</td>
                                    } }}
                                </tr>
                            }
                        }/>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
