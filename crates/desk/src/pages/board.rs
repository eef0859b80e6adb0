//! `/desk/`: the board: every open job with its most pressing deadline from `onsite_core::sla`,
//! amber when it is due soon and red when missed, counted down every second and re-read from
//! the server every few seconds.

use super::problem;
use crate::api;
use crate::hooks::use_interval;
use crate::i18n::{self, Msg};
use crate::state::{Desk, I18n, Notice};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use onsite_core::sla::{self, Deadline, SlaState};
use onsite_core::wire::{JobDetail, User};
use onsite_core::{JobId, JobStatus, UserId, VisitEvent};
use std::collections::HashMap;
use std::time::Duration;

/// How often the board asks the server again.
const REFRESH: Duration = Duration::from_secs(5);

/// One open job as the board needs it: read once per refresh, not once per tick.
#[derive(Clone)]
struct Row {
    id: JobId,
    customer: String,
    kind: onsite_core::JobKind,
    priority: onsite_core::Priority,
    assignee: Option<UserId>,
    status: JobStatus,
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
                    let open: Vec<Row> =
                        list.into_iter().filter(|d| !d.status.is_closed()).map(Row::of).collect();
                    rows.try_set(Some(open));
                    loaded_at.try_set(Some(Utc::now()));
                }
                Err(e) => notice.error(problem(&e)),
            }
            if let Ok(people) = api::get::<Vec<User>>(desk, "/engineers").await {
                names.try_set(people.into_iter().map(|u| (u.id, u.name)).collect());
            }
        });
    };
    load();
    use_interval(REFRESH, load);
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

    view! {
        <section class="page board">
            <h1>{move || i18n.t(Msg::OpenJobs)}
                <span class="count" data-testid="open-count">{move || rows.with(|r| r.as_ref().map_or(0, Vec::len))}</span>
            </h1>
            <p class="muted">{move || loaded_at.get().map(|t| Msg::UpdatedAt.text(i18n.lang())
                .replace("{t}", &t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string()))}</p>
            <Show when=move || rows.with(|r| r.as_ref().is_some_and(|r| !r.is_empty()))
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoOpenJobs)}</p> }>
                <table class="board-table" data-testid="board">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Msg::Customer)}</th>
                        <th scope="col">{move || i18n.t(Msg::Kind)}</th>
                        <th scope="col">{move || i18n.t(Msg::Priority)}</th>
                        <th scope="col">{move || i18n.t(Msg::Engineer)}</th>
                        <th scope="col">{move || i18n.t(Msg::Status)}</th>
                        <th scope="col">{move || i18n.t(Msg::Clock)}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || rows.get().unwrap_or_default() key=|r| (r.id, r.rev, r.seen) children=move |row| {
                            let clock = clock(&row);
                            let (kind, priority, status, assignee) = (row.kind, row.priority, row.status, row.assignee);
                            view! {
                                <tr data-testid="board-row" data-job=row.id.to_string() data-status=status.as_str()>
                                    <th scope="row"><A href=format!("/desk/jobs/{}", row.id)>{row.customer.clone()}</A></th>
                                    <td>{move || i18n::kind(i18n.lang(), kind)}</td>
                                    <td>{move || i18n::priority(i18n.lang(), priority)}</td>
                                    <td>{move || match assignee {
                                        Some(id) => names.with(|n| n.get(&id).cloned()).unwrap_or_default(),
                                        None => i18n.t(Msg::Unassigned).to_string(),
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
