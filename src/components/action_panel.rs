//! The buttons that record the visit, offered by `onsite_core::status::available_actions`.
//! Actions that need words (a note, a reason, an escalation) open a short form first, brought
//! into view and focused; finishing checks `onsite_core::report::can_finish` and then either
//! records the completion or opens the customer sign-off, or, when something still blocks it,
//! says how many things and takes the engineer to the first of them.

use crate::hooks::use_reveal;
use crate::i18n::{self, Msg};
use crate::state::{I18n, Jobs, Notice, Words, not_saved, store_error};
use crate::sync::Sync;
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use onsite_core::EventKind;
use onsite_core::event::EscalationTarget;
use onsite_core::ids::JobId;
use onsite_core::report::{Blocker, can_finish};
use onsite_core::status::{Action, JobStatus, available_actions};
use onsite_core::sync::LocalJob;

/// The event an action records, given the words typed for it; `None` for the sign-off, which
/// has its own page.
fn event_for(action: Action, text: String, target: EscalationTarget) -> Option<EventKind> {
    Some(match action {
        Action::Contact => EventKind::CustomerContacted,
        Action::Depart => EventKind::Departed,
        Action::Arrive => EventKind::Arrived,
        Action::Complete => EventKind::Completed { result: text },
        Action::CouldNotComplete => EventKind::CouldNotComplete { reason: text },
        Action::AddNote => EventKind::NoteAdded { text },
        Action::Escalate => EventKind::Escalated { to: target, reason: text },
        Action::SignOff => return None,
    })
}

fn needs_words(action: Action) -> Option<(Msg, Msg)> {
    match action {
        Action::Complete => Some((Msg::Result, Msg::ResultPlaceholder)),
        Action::CouldNotComplete => Some((Msg::Reason, Msg::ReasonPlaceholder)),
        Action::AddNote => Some((Msg::Note, Msg::NotePlaceholder)),
        Action::Escalate => Some((Msg::Reason, Msg::ReasonPlaceholder)),
        Action::Contact | Action::Depart | Action::Arrive | Action::SignOff => None,
    }
}

fn action_id(action: Action) -> &'static str {
    match action {
        Action::Contact => "contact",
        Action::Depart => "depart",
        Action::Arrive => "arrive",
        Action::Complete => "complete",
        Action::SignOff => "sign-off",
        Action::Escalate => "escalate",
        Action::CouldNotComplete => "could-not-complete",
        Action::AddNote => "note",
    }
}

/// The action bar's rows: the actions that move the visit on, in full; the asides (a note,
/// escalating, giving up) behind "More" while there is a next step to give the room to.
fn split(actions: &[Action]) -> (Vec<Action>, Vec<Action>) {
    let (next, asides): (Vec<Action>, Vec<Action>) = actions.iter().partition(|a| a.moves_visit_on());
    if next.is_empty() { (asides, Vec::new()) } else { (next, asides) }
}

/// "3 left before finishing. First: Shoe covers": how many things block finishing, and the first
/// of them by name (no list: it would run over the page, joined in one language's way).
pub fn blocked_words(job: &LocalJob, blockers: &[Blocker]) -> Words {
    let first = blockers.first().map(|b| match b {
        Blocker::Step { id } => {
            job.job.checklist().iter().find(|s| s.id == *id).cloned().ok_or_else(|| id.clone())
        }
        Blocker::Fee => Err(String::new()),
    });
    let n = blockers.len();
    Words::new(move |lang| {
        let first = match &first {
            Some(Ok(step)) => i18n::step_title(lang, step).to_string(),
            Some(Err(id)) if !id.is_empty() => id.clone(),
            _ => Msg::FeeMissing.text(lang).to_string(),
        };
        Msg::Blocked.text(lang).replace("{n}", &n.to_string()).replace("{first}", &first)
    })
}

/// Where the engineer settles a blocker: the step's "done" button, or the fee's amount.
fn blocker_selector(blocker: &Blocker) -> String {
    match blocker {
        Blocker::Step { id } => format!("[data-step-done=\"{}\"]", id.replace('"', "")),
        Blocker::Fee => "#fee-amount".to_string(),
    }
}

#[component]
pub fn ActionPanel(job_id: JobId, job: Signal<Option<LocalJob>>, status: Signal<JobStatus>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let notice = expect_context::<Notice>();
    let sync = expect_context::<Sync>();
    let navigate = use_navigate();
    let reveal = use_reveal();
    let open = RwSignal::new(None::<Action>);
    let more = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let target = RwSignal::new(EscalationTarget::Senior);

    let record = move |action: Action, words: String| {
        let Some(kind) = event_for(action, words, target.get_untracked()) else { return };
        // Checked here to word the rule in the engineer's language (storage checks it again).
        if let Err(e) = kind.validate() {
            notice.error(not_saved(&e));
            return;
        }
        spawn_local(async move {
            match jobs.record(job_id, kind, Utc::now()).await {
                Ok(true) => {
                    open.set(None);
                    text.set(String::new());
                    notice.info(Msg::Saved);
                    sync.soon();
                }
                // A double tap: the first tap stores it and says so.
                Ok(false) => {}
                Err(e) => notice.error(store_error(&e)),
            }
        });
    };

    // Finishing needs the required steps settled (and a renewal's fee) first.
    let finish_allowed = move || {
        job.with_untracked(|j| {
            let j = j.as_ref()?;
            let events: Vec<_> = j.events.iter().map(|l| l.event.clone()).collect();
            match can_finish(&j.job, &events) {
                Ok(_) => Some(()),
                Err(blockers) => {
                    notice.error(blocked_words(j, &blockers));
                    if let Some(first) = blockers.first() {
                        reveal.selector(blocker_selector(first));
                    }
                    None
                }
            }
        })
    };

    let press = move |action: Action| {
        more.set(false);
        if matches!(action, Action::SignOff | Action::Complete) && finish_allowed().is_none() {
            return;
        }
        if action == Action::SignOff {
            navigate(&format!("/jobs/{job_id}/sign-off"), Default::default());
        } else if needs_words(action).is_some() {
            open.set(Some(action));
            text.set(String::new());
            // The form opens at the foot of the page: bring it to the engineer, ready to type.
            reveal.selector("form.words #words".to_string());
        } else {
            record(action, String::new());
        }
    };

    // The buttons offered, as a memo: a button stays the same element while it is offered, so
    // a sync acknowledgement (or another tab's write) landing mid-tap never swallows the tap.
    let actions = Memo::new(move |_| {
        let kind = job.with(|j| j.as_ref().map(|j| j.job.kind));
        kind.map(|kind| available_actions(kind, status.get()).to_vec()).unwrap_or_default()
    });

    let rows = Memo::new(move |_| split(&actions.get()));
    let button = move |action: Action| {
        let class = if action.moves_visit_on() { "primary" } else { "secondary" };
        let press = press.clone();
        view! {
            <button class=class data-action=action_id(action) on:click=move |_| press(action)>
                {move || i18n::action(i18n.lang.get(), action)}
            </button>
        }
    };

    view! {
        {move || open.get().and_then(|action| needs_words(action).map(|(label, placeholder)| view! {
            <form class="words" on:submit=move |ev| { ev.prevent_default(); record(action, text.get_untracked()); }>
                {(action == Action::Escalate).then(|| view! {
                    <fieldset class="choice">
                        <legend>{move || i18n.t(Msg::EscalateTo)}</legend>
                        {[EscalationTarget::Senior, EscalationTarget::Vendor].into_iter().map(|t| view! {
                            <label class="radio">
                                <input type="radio" name="escalate-to" checked=move || target.get() == t on:change=move |_| target.set(t)/>
                                {move || i18n::escalation(i18n.lang.get(), t)}
                            </label>
                        }).collect_view()}
                    </fieldset>
                })}
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
            {let button = button.clone(); move || (more.get() && !rows.with(|(_, asides)| asides.is_empty())).then(|| view! {
                <div class="more-actions" id="more-actions">
                    <For each=move || rows.get().1 key=|action| *action children=button.clone()/>
                </div>
            })}
            <div class="next-actions">
                <For each=move || rows.get().0 key=|action| *action children=button.clone()/>
                <Show when=move || !rows.with(|(_, asides)| asides.is_empty())>
                    <button type="button" class="secondary more" data-action="more"
                        aria-expanded=move || more.get().to_string() aria-controls="more-actions"
                        on:click=move |_| more.update(|m| *m = !*m)>
                        {move || i18n.t(Msg::More)}
                    </button>
                </Show>
            </div>
        </nav>
    }
}
