//! A job's events in canonical order, each with the phone's time, the server's receive time
//! once synced, and its sync state (pending, synced, or refused with the reason).

use crate::i18n::{self, Msg};
use crate::state::{Clock, I18n, Stock};
use leptos::prelude::*;
use onsite_core::EventKind;
use onsite_core::event::canonical_order;
use onsite_core::sync::{LocalJob, SyncState};

#[component]
pub fn EventHistory(job: Signal<Option<LocalJob>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let clock = expect_context::<Clock>();
    let stock = expect_context::<Stock>();
    let rows = move || {
        let lang = i18n.lang.get();
        let now = clock.now.get();
        let offset = clock.offset.get();
        job.with(|j| {
            let Some(j) = j else { return Vec::new() };
            let step_name = |job: &onsite_core::Job, id: &str| {
                job.checklist()
                    .iter()
                    .find(|s| s.id == id)
                    .map_or_else(|| id.to_string(), |s| i18n::step_title(lang, s).to_string())
            };
            canonical_order(j.events.iter().map(|l| &l.event))
                .into_iter()
                .filter_map(|e| j.events.iter().find(|l| l.event.id == e.id))
                .map(|l| {
                    let detail = match &l.event.kind {
                        EventKind::NoteAdded { text } => Some(text.clone()),
                        EventKind::Completed { result } if !result.is_empty() => Some(result.clone()),
                        EventKind::CouldNotComplete { reason } => Some(reason.clone()),
                        EventKind::StepDone { step } => Some(step_name(&j.job, step)),
                        EventKind::StepSkipped { step, reason } => {
                            Some(format!("{} · {reason}", step_name(&j.job, step)))
                        }
                        EventKind::PartUsed { part, qty, serial }
                        | EventKind::PartReturned { part, qty, serial } => {
                            let name = stock.catalogue.with(|c| i18n::part_name(lang, c, part).to_string());
                            Some(format!(
                                "{name} × {qty}{}",
                                serial.as_ref().map(|s| format!(" · {s}")).unwrap_or_default()
                            ))
                        }
                        EventKind::Escalated { to, reason } => {
                            Some(format!("{} · {reason}", i18n::escalation(lang, *to)))
                        }
                        EventKind::FeeCollected { amount_fen, receipt_no } => {
                            Some(format!("{} · {receipt_no}", i18n::money(*amount_fen)))
                        }
                        EventKind::SignedOff(s) => Some(format!("{} · {}", s.signer, s.short_hash())),
                        _ => None,
                    };
                    let (state_class, state_text, received) = match &l.sync {
                        SyncState::Pending => {
                            ("badge pending", Msg::StatePending.text(lang).to_string(), None)
                        }
                        SyncState::Acked { received_at, .. } => (
                            "badge synced",
                            Msg::StateAcked.text(lang).to_string(),
                            Some(format!(
                                "{} {}",
                                Msg::ServerTime.text(lang),
                                i18n::time(lang, *received_at, now, offset)
                            )),
                        ),
                        SyncState::Rejected { code, .. } => (
                            "badge rejected",
                            format!("{}: {}", Msg::StateRejected.text(lang), i18n::reject(lang, *code)),
                            None,
                        ),
                    };
                    (
                        l.event.id.to_string(),
                        l.event.kind.tag(),
                        i18n::event(lang, &l.event.kind),
                        i18n::time(lang, l.event.device_time, now, offset),
                        detail,
                        state_class,
                        state_text,
                        received,
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show
            when=move || job.with(|j| j.as_ref().is_some_and(|j| !j.events.is_empty()))
            fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoHistory)}</p> }
        >
            <ol class="history" data-testid="history">
                {move || rows().into_iter().map(|(id, tag, name, at, detail, class, state, received)| view! {
                    <li data-event-id=id data-kind=tag>
                        <div class="history-top">
                            <strong>{name}</strong>
                            <time>{at}</time>
                            <span class=class>{state}</span>
                        </div>
                        {detail.map(|d| view! { <p class="history-detail">{d}</p> })}
                        {received.map(|r| view! { <small class="muted">{r}</small> })}
                    </li>
                }).collect_view()}
            </ol>
        </Show>
    }
}
