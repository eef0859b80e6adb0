//! `/`: the engineer's jobs, grouped as today, upcoming and done (`onsite_core::board`). Done
//! ends with the shelf (`Jobs`): archived jobs are listed by key and read a page at a time.

use crate::components::JobCard;
use crate::i18n::Msg;
use crate::state::{Auth, Clock, I18n, Jobs, Notice, store_error};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use onsite_core::board::{self, Group};
use onsite_core::ids::JobId;
use onsite_core::sync::LocalJob;
use std::collections::{HashMap, HashSet};

/// Done jobs shown at first, and added by each "show more".
const DONE_PAGE: usize = 10;

/// A card is re-made when one of these changes: the header (`rev`) or the events (status and
/// deadlines follow from them). The pending badge follows the jobs by itself, so a sync's
/// acknowledgements re-make no card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct CardKey {
    id: JobId,
    rev: i64,
    events: usize,
}

impl CardKey {
    fn of(j: &LocalJob) -> Self {
        CardKey { id: j.job.id, rev: j.rev, events: j.events.len() }
    }
    /// An archived job not read yet: settled, so its card never changes.
    fn archived(id: JobId) -> Self {
        CardKey { id, rev: -1, events: 0 }
    }
}

#[component]
pub fn JobsPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let auth = expect_context::<Auth>();
    let clock = expect_context::<Clock>();
    let notice = expect_context::<Notice>();

    // Regrouped when jobs change, and when the local day changes (not at every tick of the
    // clock). The groups hold each card's key, not the job: nothing is copied to regroup, and
    // when no key changed the memo stays equal and the list is not touched.
    let today = Memo::new(move |_| board::local_day(clock.now.get(), clock.offset.get()));
    let grouped = Memo::new(move |_| {
        let now = today.get();
        let offset = clock.offset.get_untracked();
        // The shelf's jobs (archived) keep the shelf's order, by finish, the latest first,
        // whether read into view or not: opening one does not move its card.
        let shelf: HashSet<JobId> = jobs.with_archive(|a| a.iter().map(|a| a.id).collect());
        let (mut groups, in_view) = jobs.all.with(|all| {
            let mut groups: [Vec<CardKey>; 3] = Default::default();
            let mut in_view = HashMap::new();
            let mut sorted: Vec<&LocalJob> = all.iter().collect();
            sorted.sort_by_key(|j| board::sort_key(&j.job));
            for j in sorted {
                if shelf.contains(&j.job.id) {
                    in_view.insert(j.job.id, CardKey::of(j));
                    continue;
                }
                let slot = match board::group(&j.job, j.status(), now, offset) {
                    Group::Today => 0,
                    Group::Upcoming => 1,
                    Group::Done => 2,
                };
                groups[slot].push(CardKey::of(j));
            }
            // Done: the most recent first; the list shows a page of them at a time.
            groups[2].reverse();
            (groups, in_view)
        });
        jobs.with_archive(|archive| {
            groups[2].extend(
                archive.iter().map(|a| in_view.get(&a.id).copied().unwrap_or(CardKey::archived(a.id))),
            );
        });
        groups
    });
    // How many done jobs show: the list's cost follows the cards in view, not the history.
    let done_shown = RwSignal::new(DONE_PAGE);

    let section = move |slot: usize, title: Msg, id: &'static str| {
        view! {
            <section class="job-group" aria-labelledby=id data-group=id>
                <h2 id=id>
                    {move || i18n.t(title)}
                    <span class="count">{move || grouped.with(|g| g[slot].len())}</span>
                </h2>
                <Show
                    when=move || grouped.with(|g| !g[slot].is_empty())
                    fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoJobs)}</p> }
                >
                    <For
                        each=move || grouped.with(|g| {
                            let shown = if slot == 2 { done_shown.get() } else { usize::MAX };
                            g[slot].iter().take(shown).copied().collect::<Vec<_>>()
                        })
                        key=|k| *k
                        children=move |k| match jobs.peek(k.id) {
                            Ok(job) => job.map(|j| view! { <JobCard job=j/> }),
                            Err(e) => {
                                notice.error(store_error(&e));
                                None
                            }
                        }
                    />
                    {move || (slot == 2 && grouped.with(|g| g[2].len()) > done_shown.get()).then(|| view! {
                        <button class="secondary wide" data-testid="more-done"
                            on:click=move |_| done_shown.update(|n| *n += DONE_PAGE)>
                            {move || i18n.t(Msg::ShowMore)}
                        </button>
                    })}
                </Show>
            </section>
        }
    };

    view! {
        <Show when=move || auth.session.with(Option::is_some) fallback=|| view! { <Redirect path="/login"/> }>
            <div class="page jobs">
                <h1 class="visually-hidden">{move || i18n.t(Msg::MyJobs)}</h1>
                <Show when=move || jobs.held() == 0>
                    <p class="muted">{move || i18n.t(Msg::NoJobsYet)}</p>
                </Show>
                {section(0, Msg::Today, "today")}
                {section(1, Msg::Upcoming, "upcoming")}
                {section(2, Msg::Done, "done")}
                <a class="button secondary wide" href="/history">{move || i18n.t(Msg::OlderJobs)}</a>
            </div>
        </Show>
    }
}
