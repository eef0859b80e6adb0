//! `/desk/`: the board, in three bands (`onsite_core::desk_board`): what needs the desk now
//! (a clock missed or about to be, the 10+5+5 chain, an escalation, a visit not completed, a
//! flag, a refused event), the queue to dispatch (first in, first out), and the jobs out with
//! engineers (by engineer); beside them, the engineers and where each one is.
//!
//! One read of `GET /board` whenever the long poll says something changed (`use_changes`): a
//! phone's push shows here within a second or two. Each row's clock counts down every second
//! from the row alone, and only the rows shown count: a band shows [`PAGE`] rows at a time. A row
//! that changed since the last read is marked for a moment; one that did not keeps its node.

use super::problem;
use crate::api;
use crate::hooks::{Alert, use_alerts, use_changes, use_interval};
use crate::i18n::{self, Msg};
use crate::state::{Desk, I18n, Notice};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use onsite_core::JobId;
use onsite_core::access::Permission;
use onsite_core::desk::{ContactAlarm, DeskAction};
use onsite_core::desk_board::{self, Band};
use onsite_core::sla::SlaState;
use onsite_core::wire::{Board, BoardEngineer, BoardRow, DeskNote};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// Rows a band shows at a time ("show more" adds as many).
pub const PAGE: usize = 50;

/// A row as last read, with a number that changes whenever the row does (its key).
#[derive(Clone)]
struct Shown {
    serial: u64,
    /// Changed since the read before (not on the first read).
    fresh: bool,
    row: Arc<BoardRow>,
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        self.serial == other.serial
    }
}

/// The new rows, each keeping its number when it is unchanged.
fn renumber(old: &[Shown], new: Vec<BoardRow>, next: &mut u64, first: bool) -> Vec<Shown> {
    let before: HashMap<JobId, &Shown> = old.iter().map(|s| (s.row.id, s)).collect();
    new.into_iter()
        .map(|row| match before.get(&row.id) {
            Some(s) if *s.row == row => Shown { fresh: false, ..(*s).clone() },
            _ => {
                *next += 1;
                Shown { serial: *next, fresh: !first, row: Arc::new(row) }
            }
        })
        .collect()
}

/// What an alert says, by its name (`desk_board::alerts`).
fn alert_words(lang: i18n::Lang, what: &str) -> String {
    match what {
        "contact_due_soon" => Msg::AlertContactDueSoon.text(lang).to_string(),
        "tell_manager" => Msg::AlertTellManager.text(lang).to_string(),
        "fined" => Msg::AlarmFinedUntold.text(lang).to_string(),
        other => onsite_core::desk::ConcernKind::ALL
            .into_iter()
            .find(|k| k.as_str() == other)
            .map(|k| i18n::concern(lang, k).to_string())
            .unwrap_or_default(),
    }
}

fn when(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&chrono::Local);
    if local.date_naive() == chrono::Local::now().date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%m-%d %H:%M").to_string()
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let rows = RwSignal::new(Vec::<Shown>::new());
    let engineers = RwSignal::new(Vec::<BoardEngineer>::new());
    let loaded_at = RwSignal::new(None::<DateTime<Utc>>);
    let now = RwSignal::new(Utc::now());
    let search = RwSignal::new(String::new());
    let shown = RwSignal::new(BTreeMap::<Band, usize>::new());
    let serial = StoredValue::new(0u64);

    let load = move || {
        spawn_local(async move {
            match api::get::<Board>(desk, "/board").await {
                Ok(board) => {
                    let first = loaded_at.get_untracked().is_none();
                    let mut next = serial.get_value();
                    let new = rows.with_untracked(|old| renumber(old, board.rows, &mut next, first));
                    serial.set_value(next);
                    rows.try_set(new);
                    if engineers.with_untracked(|e| *e != board.engineers) {
                        engineers.try_set(board.engineers);
                    }
                    loaded_at.try_set(Some(Utc::now()));
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    use_changes(load);
    use_interval(Duration::from_secs(1), move || now.set(Utc::now()));

    // Which band each row is in, and in what order: moves with the clock (a row turns due soon
    // or missed), so it is read again each second; the rows' nodes stay while it is the same.
    let bands = Memo::new(move |_| {
        let (now, words) = (now.get(), search.get());
        rows.with(|all| {
            let matching = all.iter().filter(|s| desk_board::matches(&s.row, &words));
            desk_board::bands(matching, |s| &s.row, now)
                .into_iter()
                .map(|(band, list)| (band, list.into_iter().cloned().collect::<Vec<Shown>>()))
                .collect::<BTreeMap<Band, Vec<Shown>>>()
        })
    });
    let names = Memo::new(move |_| {
        engineers.with(|e| e.iter().map(|e| (e.login.clone(), e.name.clone())).collect::<HashMap<_, _>>())
    });
    let presence = Memo::new(move |_| rows.with(|r| desk_board::presence(r.iter().map(|s| &*s.row))));
    // What calls a person now, sounded and notified once each.
    let calling = Memo::new(move |_| {
        let (now, lang) = (now.get(), i18n.lang());
        rows.with(|all| {
            all.iter()
                .flat_map(|s| {
                    desk_board::alerts(&s.row, now).into_iter().map(move |what| Alert {
                        key: format!("{}:{what}", s.row.id),
                        title: s.row.customer.clone(),
                        body: alert_words(lang, what),
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let alerts = use_alerts(calling, Signal::derive(move || loaded_at.get().is_some()));

    let band_view = move |band: Band| {
        let (title, empty) = match band {
            Band::Now => (Msg::BandNow, Msg::BandNowEmpty),
            Band::Queue => (Msg::Queue, Msg::QueueEmpty),
            Band::Out => (Msg::OpenJobs, Msg::NoOpenJobs),
        };
        let count = move || bands.with(|b| b.get(&band).map_or(0, Vec::len));
        let limit = move || shown.with(|s| s.get(&band).copied().unwrap_or(PAGE));
        let page = move || -> Vec<Shown> {
            bands
                .with(|b| b.get(&band).map(|l| l.iter().take(limit()).cloned().collect()).unwrap_or_default())
        };
        let more = move || count().saturating_sub(limit());
        view! {
            <section class=format!("band band-{}", band.as_str()) data-testid=format!("band-{}", band.as_str())
                aria-labelledby=format!("band-{}-title", band.as_str())>
                <h2 id=format!("band-{}-title", band.as_str())>{move || i18n.t(title)}
                    <span class="count" data-testid=format!("{}-count", band.as_str())>{count}</span>
                </h2>
                <Show when=move || count() != 0 fallback=move || view! { <p class="muted">{move || i18n.t(empty)}</p> }>
                    <table class="board-table">
                        <thead><tr>
                            <th scope="col">{move || i18n.t(Msg::Clock)}</th>
                            <th scope="col">{move || i18n.t(Msg::Customer)}</th>
                            <th scope="col">{move || i18n.t(Msg::Kind)}</th>
                            <th scope="col">{move || i18n.t(Msg::Engineer)}</th>
                            <th scope="col">{move || i18n.t(Msg::PhoneReceived)}</th>
                            <th scope="col">{move || i18n.t(Msg::Status)}</th>
                            {(band == Band::Now).then(|| view! { <th scope="col">{move || i18n.t(Msg::Asks)}</th> })}
                        </tr></thead>
                        <tbody>
                            <For each=page key=|s| (s.row.id, s.serial) children=move |s| {
                                view! { <Row s band now names presence/> }
                            }/>
                        </tbody>
                    </table>
                    <Show when=move || more() != 0>
                        <button type="button" class="secondary" data-testid=format!("{}-more", band.as_str())
                            on:click=move |_| shown.update(|s| { s.insert(band, limit() + PAGE); })>
                            {move || Msg::ShowMore.text(i18n.lang()).replace("{n}", &more().min(PAGE).to_string())
                                .replace("{m}", &more().to_string())}
                        </button>
                    </Show>
                </Show>
            </section>
        }
    };

    view! {
        <section class="page board" data-testid="board">
            <div class="board-bar">
                <h1>{move || i18n.t(Msg::Board)}</h1>
                <label class="search">
                    <span>{move || i18n.t(Msg::Search)}</span>
                    <input type="search" id="board-search" data-shortcut="/" autocomplete="off"
                        placeholder=move || i18n.t(Msg::SearchHint)
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))/>
                </label>
                <span class="alerts" data-testid="alerts" data-permission=move || alerts.permission()
                    data-called=move || alerts.called().to_string()>
                    {move || match alerts.permission().as_str() {
                        "default" => view! {
                            <button type="button" class="secondary" on:click=move |_| alerts.enable()>
                                {move || i18n.t(Msg::AlertsEnable)}
                            </button>
                        }.into_any(),
                        "granted" => view! { <span class="muted">{move || i18n.t(Msg::AlertsOn)}</span> }.into_any(),
                        _ => view! { <span class="muted">{move || i18n.t(Msg::AlertsOff)}</span> }.into_any(),
                    }}
                </span>
                <p class="muted">{move || loaded_at.get().map(|t| Msg::UpdatedAt.text(i18n.lang())
                    .replace("{t}", &t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string()))}</p>
            </div>
            <div class="board-grid">
                <div class="bands">
                    {band_view(Band::Now)}
                    {band_view(Band::Queue)}
                    {band_view(Band::Out)}
                </div>
                <aside class="people" aria-labelledby="people-title" data-testid="people">
                    <h2 id="people-title">{move || i18n.t(Msg::People)}</h2>
                    <ul>
                        <For each=move || engineers.get() key=|e| e.login.clone() children=move |e| {
                            let login = e.login.clone();
                            let at = {
                                let login = login.clone();
                                Memo::new(move |_| presence.with(|p| p.get(&login).copied()).unwrap_or((onsite_core::desk::EngineerState::Free, 0)))
                            };
                            view! {
                                <li data-testid="engineer" data-login=login.clone() data-state=move || at.get().0.as_str()>
                                    <span class="name">{e.name.clone()}</span>
                                    <span class="muted">{e.area.clone()}</span>
                                    <span class=move || format!("presence {}", at.get().0.as_str())>
                                        {move || i18n::engineer_state(i18n.lang(), at.get().0)}
                                        " · "{move || Msg::OpenCount.text(i18n.lang()).replace("{n}", &at.get().1.to_string())}
                                    </span>
                                </li>
                            }
                        }/>
                    </ul>
                </aside>
            </div>
        </section>
    }
}

/// One row of a band.
#[component]
fn Row(
    s: Shown,
    band: Band,
    now: RwSignal<DateTime<Utc>>,
    names: Memo<HashMap<String, String>>,
    presence: Memo<BTreeMap<String, (onsite_core::desk::EngineerState, u32)>>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let row = s.row.clone();
    let (customer, address) = (row.customer.clone(), row.address.clone());
    let id = row.id;
    let (kind, priority, complex, status) = (row.kind, row.priority, row.complex, row.status);
    let clock = {
        let row = row.clone();
        move || {
            let lang = i18n.lang();
            let now = now.get();
            match desk_board::urgent(&row, now) {
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
                            format!(
                                "⏱ {}",
                                Msg::DueIn.text(lang).replace("{t}", &i18n::span(lang, remaining_secs))
                            ),
                        ),
                        SlaState::Met { .. } => ("clock met", Msg::Met.text(lang).to_string()),
                        SlaState::Missed { at: Some(_) } => {
                            ("clock missed", Msg::MissedDone.text(lang).to_string())
                        }
                        SlaState::Missed { at: None } => (
                            "clock missed",
                            format!(
                                "⚠ {}",
                                Msg::Overdue
                                    .text(lang)
                                    .replace("{t}", &i18n::span(lang, (now - d.due).num_seconds()))
                            ),
                        ),
                    };
                    (class, state.name(), format!("{what} · {text}"))
                }
            }
        }
    };
    let alarm = {
        let row = row.clone();
        Memo::new(move |_| desk_board::alarm(&row, now.get()))
    };
    let engineer = row.engineer.clone();
    let who = {
        let engineer = engineer.clone();
        move || match &engineer {
            None => i18n.t(Msg::Unassigned).to_string(),
            Some(login) => {
                let name = names.with(|n| n.get(login).cloned()).unwrap_or_else(|| login.clone());
                let state = presence
                    .with(|p| p.get(login).map(|(s, _)| *s))
                    .unwrap_or(onsite_core::desk::EngineerState::Free);
                format!("{name} · {}", i18n::engineer_state(i18n.lang(), state))
            }
        }
    };
    let alongside = row.alongside.clone();
    let with = (!alongside.is_empty()).then(|| {
        let said = move || {
            let people: Vec<String> = alongside
                .iter()
                .map(|a| names.with(|n| n.get(a).cloned()).unwrap_or_else(|| a.clone()))
                .collect();
            Msg::Alongside.text(i18n.lang()).replace("{w}", &people.join("、"))
        };
        view! { <div class="muted small" data-testid="alongside">{said}</div> }
    });
    let received = row.received_at;
    let reported = row.reported_at;
    let tell_manager = move |_| {
        spawn_local(async move {
            let body = DeskNote { action: DeskAction::ManagerTold, text: String::new() };
            match api::post_empty(desk, &format!("/jobs/{id}/notes"), &body).await {
                Ok(()) => notice.info(Msg::Done),
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    let how = RwSignal::new(String::new());
    let dealt = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = how.get_untracked();
        if text.trim().is_empty() {
            notice.error(Msg::HandledNeeded);
            return;
        }
        spawn_local(async move {
            let body = DeskNote { action: DeskAction::Handled, text };
            match api::post_empty(desk, &format!("/jobs/{id}/notes"), &body).await {
                Ok(()) => notice.info(Msg::Done),
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    let concerns = row.concerns.clone();
    let asks = (band == Band::Now).then(|| {
        let said = move || {
            let lang = i18n.lang();
            match alarm.get() {
                ContactAlarm::TellManager { by, late: false } => {
                    Msg::AlarmTellManager.text(lang).replace("{t}", &when(by))
                }
                ContactAlarm::TellManager { late: true, .. } => Msg::AlarmTellManagerLate.text(lang).to_string(),
                ContactAlarm::ManagerTold { fined_at } => Msg::AlarmManagerTold.text(lang).replace("{t}", &when(fined_at)),
                ContactAlarm::Fined { manager_told } => {
                    if manager_told { Msg::AlarmFined } else { Msg::AlarmFinedUntold }.text(lang).to_string()
                }
                ContactAlarm::Quiet => String::new(),
            }
        };
        let dispatcher = desk.may(Permission::Dispatch);
        let has_concerns = !concerns.is_empty();
        view! {
            <td class="asks">
                <span class="alarm">{said}</span>
                <ul class="concerns">
                    {concerns.iter().map(|c| {
                        let (kind, detail, at) = (c.kind, c.detail.clone(), c.at);
                        view! { <li data-testid="concern" data-kind=kind.as_str()>
                            <strong>{move || i18n::concern(i18n.lang(), kind)}</strong>
                            " · "{when(at)}{(!detail.is_empty()).then(|| format!(" · {detail}"))}
                        </li> }
                    }).collect_view()}
                </ul>
                {move || (dispatcher && matches!(alarm.get(), ContactAlarm::TellManager { .. })).then(|| view! {
                    <button type="button" data-testid="tell-manager" on:click=tell_manager>
                        {move || i18n.t(Msg::ManagerToldButton)}
                    </button>
                })}
                {(dispatcher && has_concerns).then(|| view! {
                    <form class="inline handled" data-testid="handled-form" on:submit=dealt>
                        <label class="visually-hidden" for=format!("how-{id}")>{move || i18n.t(Msg::HowHandled)}</label>
                        <input id=format!("how-{id}") maxlength="2000" placeholder=move || i18n.t(Msg::HowHandled)
                            prop:value=move || how.get() on:input=move |ev| how.set(event_target_value(&ev))/>
                        <button type="submit">{move || i18n.t(Msg::Handled)}</button>
                    </form>
                })}
            </td>
        }
    });
    view! {
        <tr data-testid="board-row" data-job=id.to_string() data-band=band.as_str() data-status=status.as_str()
            data-received=received.is_some().to_string() data-alarm=move || alarm.get().name()
            class=if s.fresh { "changed" } else { "" }>
            {move || { let (class, state, text) = clock(); view! {
                <td class=class data-sla=state data-testid="clock">{text}</td>
            } }}
            <th scope="row">
                <A href=format!("/desk/jobs/{id}")>{customer}</A>
                <div class="muted small">{address}</div>
            </th>
            <td>{move || i18n::kind(i18n.lang(), kind)}
                <div class="muted small">{move || i18n::priority(i18n.lang(), priority)}
                    {move || complex.then(|| format!(" · {}", i18n.t(Msg::Complex)))}</div>
            </td>
            <td>{who}{with}</td>
            <td class=if received.is_some() { "received" } else { "not-received" }>{move || match (engineer.is_some(), received) {
                (_, Some(t)) => Msg::ReceivedAt.text(i18n.lang()).replace("{t}", &when(t)),
                (true, None) => i18n.t(Msg::NotReceived).to_string(),
                (false, None) => Msg::WaitingFor.text(i18n.lang())
                    .replace("{t}", &i18n::span(i18n.lang(), (now.get() - reported).num_seconds().max(0))),
            }}</td>
            <td>{move || i18n::status(i18n.lang(), status)}</td>
            {asks}
        </tr>
    }
}
