//! The service-level timers of a job, each with its state from `onsite_core::sla`.

use crate::i18n::{self, Lang, Msg};
use crate::state::{Clock, I18n};
use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;
use onsite_core::sla::{self, Deadline, SlaState};
use onsite_core::sync::LocalJob;

/// The words for one deadline's state.
pub fn sla_text(lang: Lang, state: &SlaState, now: DateTime<Utc>, offset: FixedOffset) -> String {
    match state {
        SlaState::OnTrack { remaining_secs } => {
            Msg::OnTrack.text(lang).replace("{t}", &i18n::span(lang, *remaining_secs))
        }
        SlaState::DueSoon { remaining_secs } => {
            Msg::DueSoon.text(lang).replace("{t}", &i18n::span(lang, *remaining_secs))
        }
        SlaState::Met { at } => Msg::Met.text(lang).replace("{t}", &i18n::time(lang, *at, now, offset)),
        SlaState::Missed { at: Some(at) } => {
            Msg::MissedAt.text(lang).replace("{t}", &i18n::time(lang, *at, now, offset))
        }
        SlaState::Missed { at: None } => Msg::Missed.text(lang).to_string(),
    }
}

pub fn state_class(state: &SlaState) -> &'static str {
    match state {
        SlaState::OnTrack { .. } => "sla on-track",
        SlaState::DueSoon { .. } => "sla due-soon",
        SlaState::Met { .. } => "sla met",
        SlaState::Missed { .. } => "sla missed",
    }
}

#[component]
pub fn SlaList(job: Signal<Option<LocalJob>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let clock = expect_context::<Clock>();
    let rows = move || {
        let lang = i18n.lang.get();
        let now = clock.now.get();
        let offset = clock.offset.get();
        job.with(|j| {
            j.as_ref()
                .map(|j| {
                    sla::deadlines(&j.job)
                        .into_iter()
                        .map(|d: Deadline| {
                            let state = sla::state(&d, j.events.iter().map(|l| &l.event), now);
                            let due = i18n::time(lang, d.due, now, offset);
                            (
                                i18n::sla(lang, d.kind),
                                due,
                                sla_text(lang, &state, now, offset),
                                state_class(&state),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <ul class="sla-list">
            {move || rows().into_iter().map(|(name, due, text, class)| view! {
                <li class=class>
                    <span class="sla-name">{name}</span>
                    <span class="sla-due">{due}</span>
                    <strong>{text}</strong>
                </li>
            }).collect_view()}
        </ul>
    }
}
