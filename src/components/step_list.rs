//! The visit checklist: each step done, or skipped with a reason. The steps and their states
//! come from `onsite_core::steps`; the checklist is the service desk's or the built-in one.

use crate::i18n::{self, Msg};
use crate::state::{Clock, I18n, Jobs, Notice, not_saved, store_error};
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::EventKind;
use onsite_core::ids::JobId;
use onsite_core::steps::{StepGroup, StepState, step_states};
use onsite_core::sync::LocalJob;

#[component]
pub fn StepList(job_id: JobId, job: Signal<Option<LocalJob>>, editable: Signal<bool>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let notice = expect_context::<Notice>();
    let sync = expect_context::<crate::sync::Sync>();
    let clock = expect_context::<Clock>();
    let skipping = RwSignal::new(None::<String>);
    let reason = RwSignal::new(String::new());

    let record = move |kind: EventKind| {
        if let Err(e) = kind.validate() {
            notice.error(not_saved(&e));
            return;
        }
        spawn_local(async move {
            match jobs.record(job_id, kind, Utc::now()).await {
                Ok(true) => {
                    skipping.set(None);
                    reason.set(String::new());
                    sync.soon();
                }
                // A double tap: the first tap stores it and says so.
                Ok(false) => {}
                Err(e) => notice.error(store_error(&e)),
            }
        });
    };

    // Each group's steps and states, as a memo: it changes only when a step does, not at every
    // sync acknowledgement or clock tick, and each row stays the same element until its own
    // step changes, so a tap (or the skip reason being typed) is never cut off by a re-render.
    let rows = move |group: StepGroup| {
        Memo::new(move |_| {
            job.with(|j| {
                let Some(j) = j else { return Vec::new() };
                let checklist = j.job.checklist();
                step_states(&checklist, j.events.iter().map(|l| &l.event))
                    .into_iter()
                    .filter(|(s, _)| s.group == group)
                    .map(|(s, state)| (s.clone(), state))
                    .collect::<Vec<_>>()
            })
        })
    };

    let section = move |group: StepGroup, title: Msg| {
        let rows = rows(group);
        view! {
            <h3>{move || i18n.t(title)}</h3>
            <ul class="steps">
                <For
                    each=move || rows.get()
                    key=|(step, state)| format!("{}|{state:?}", step.id)
                    children=move |(step, state)| {
                    let id = step.id.clone();
                    let class = match &state {
                        StepState::Open => "step open",
                        StepState::Done { .. } => "step done",
                        StepState::Skipped { .. } => "step skipped",
                    };
                    let shown = state.clone();
                    let state_text = move || {
                        let lang = i18n.lang.get();
                        let (now, offset) = (clock.now.get(), clock.offset.get());
                        match &shown {
                            StepState::Open => Msg::StepOpen.text(lang).to_string(),
                            StepState::Done { at } => format!("✓ {}", i18n::time(lang, *at, now, offset)),
                            StepState::Skipped { at, reason } => {
                                format!("{} {} · {reason}", Msg::StepSkipped.text(lang), i18n::time(lang, *at, now, offset))
                            }
                        }
                    };
                    let title = step.clone();
                    let required = step.required;
                    let open = !state.is_settled();
                    let skip_id = id.clone();
                    let done_id = id.clone();
                    let form_id = id.clone();
                    view! {
                        <li class=class data-step=id.clone() data-state=if open { "open" } else { "settled" }>
                            <div class="step-text">
                                <span>{move || i18n::step_title(i18n.lang.get(), &title).to_string()}</span>
                                {required.then(|| view! { <small class="badge required">{move || i18n.t(Msg::Required)}</small> })}
                                <small class="muted">{state_text}</small>
                            </div>
                            <Show when=move || editable.get() && open>
                                <div class="step-buttons">
                                    <button class="secondary small" data-step-skip=skip_id.clone()
                                        on:click={let id = skip_id.clone(); move |_| skipping.set(Some(id.clone()))}>
                                        {move || i18n.t(Msg::StepSkip)}
                                    </button>
                                    <button class="primary small" data-step-done=done_id.clone()
                                        on:click={let id = done_id.clone(); move |_| record(EventKind::StepDone { step: id.clone() })}>
                                        {move || i18n.t(Msg::StepDone)}
                                    </button>
                                </div>
                            </Show>
                            <Show when={let id = form_id.clone(); move || skipping.get().as_deref() == Some(id.as_str())}>
                                <form class="words" on:submit={let id = form_id.clone(); move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    record(EventKind::StepSkipped { step: id.clone(), reason: reason.get_untracked() });
                                }}>
                                    <label for="skip-reason">{move || i18n.t(Msg::SkipReason)}</label>
                                    <input id="skip-reason" required prop:value=move || reason.get()
                                        on:input=move |ev| reason.set(event_target_value(&ev))/>
                                    <div class="row">
                                        <button type="button" class="secondary" on:click=move |_| skipping.set(None)>{move || i18n.t(Msg::Cancel)}</button>
                                        <button type="submit" class="primary">{move || i18n.t(Msg::Save)}</button>
                                    </div>
                                </form>
                            </Show>
                        </li>
                    }
                }
                />
            </ul>
        }
    };

    view! {
        <section class="step-list" aria-labelledby="steps-h">
            <h2 id="steps-h">{move || i18n.t(Msg::Steps)}</h2>
            {section(StepGroup::Conduct, Msg::Conduct)}
            {section(StepGroup::Technical, Msg::Technical)}
        </section>
    }
}
