//! The buttons that record events, offered by `onsite_core::status::available_actions`.
//! Actions that need words (a note, a result, a reason) open a short form first.

use crate::i18n::{self, Msg};
use crate::state::{I18n, Jobs, Notice, store_error_text};
use crate::sync::Sync;
use chrono::Utc;
use leptos::prelude::*;
use onsite_core::EventKind;
use onsite_core::ids::JobId;
use onsite_core::status::{Action, JobStatus, available_actions};

/// The event an action records, given the words typed for it.
fn event_for(action: Action, text: String) -> EventKind {
    match action {
        Action::Contact => EventKind::CustomerContacted,
        Action::Depart => EventKind::Departed,
        Action::Arrive => EventKind::Arrived,
        Action::Complete => EventKind::Completed { result: text },
        Action::CouldNotComplete => EventKind::CouldNotComplete { reason: text },
        Action::AddNote => EventKind::NoteAdded { text },
    }
}

fn needs_words(action: Action) -> Option<(Msg, Msg)> {
    match action {
        Action::Complete => Some((Msg::Result, Msg::ResultPlaceholder)),
        Action::CouldNotComplete => Some((Msg::Reason, Msg::ReasonPlaceholder)),
        Action::AddNote => Some((Msg::Note, Msg::NotePlaceholder)),
        Action::Contact | Action::Depart | Action::Arrive => None,
    }
}

fn action_id(action: Action) -> &'static str {
    match action {
        Action::Contact => "contact",
        Action::Depart => "depart",
        Action::Arrive => "arrive",
        Action::Complete => "complete",
        Action::CouldNotComplete => "could-not-complete",
        Action::AddNote => "note",
    }
}

#[component]
pub fn ActionPanel(job_id: JobId, status: Signal<JobStatus>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let notice = expect_context::<Notice>();
    let sync = expect_context::<Sync>();
    let open = RwSignal::new(None::<Action>);
    let text = RwSignal::new(String::new());

    let record = move |action: Action, words: String| {
        let lang = i18n.lang.get_untracked();
        match jobs.record(job_id, event_for(action, words), Utc::now()) {
            Ok(()) => {
                open.set(None);
                text.set(String::new());
                notice.info(Msg::Saved.text(lang));
                sync.now();
            }
            Err(e) => notice.error(store_error_text(lang, &e)),
        }
    };

    let press = move |action: Action| {
        if needs_words(action).is_some() {
            open.set(Some(action));
            text.set(String::new());
        } else {
            record(action, String::new());
        }
    };

    view! {
        {move || open.get().and_then(|action| needs_words(action).map(|(label, placeholder)| view! {
            <form class="words" on:submit=move |ev| { ev.prevent_default(); record(action, text.get_untracked()); }>
                <label for="words">{move || i18n.t(label)}</label>
                <textarea id="words" rows="3" placeholder=move || i18n.t(placeholder)
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <div class="row">
                    <button type="button" class="secondary" on:click=move |_| open.set(None)>{move || i18n.t(Msg::Cancel)}</button>
                    <button type="submit" class="primary" data-testid="save-words">{move || i18n.t(Msg::Save)}</button>
                </div>
            </form>
        }))}
        <nav class="action-bar" aria-label=move || i18n.t(Msg::Status)>
            {move || available_actions(status.get()).iter().map(|&action| {
                let class = if action == Action::AddNote || action == Action::CouldNotComplete { "secondary" } else { "primary" };
                view! {
                    <button class=class data-action=action_id(action) on:click=move |_| press(action)>
                        {move || i18n::action(i18n.lang.get(), action)}
                    </button>
                }
            }).collect_view()}
        </nav>
    }
}
