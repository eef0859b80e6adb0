//! The app root: creates the contexts, starts the hooks and the sync scheduler, and routes.

use crate::components::{NoticeBanner, SyncBar, TopBar, UpdatePrompt};
use crate::hooks::{self, Update};
use crate::i18n::Msg;
use crate::pages::{AboutPage, HistoryPage, JobPage, JobsPage, LoginPage, NotFound, ReportPage, SignOffPage};
use crate::state::{
    Auth, Clock, Deployment, I18n, Jobs, Notice, Stock, Words, set_document_lang, store_error,
};
use crate::sync::Sync;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::time::Duration;

/// `staged`: start in stages, a task each (a first visit, see [`Stage`]), or all in this task
/// (a start from the service worker, where the page should show as soon as it can).
#[component]
pub fn App(staged: bool) -> impl IntoView {
    let i18n = I18n::load();
    set_document_lang(i18n.lang.get_untracked());
    let notice = Notice::new();
    let (jobs, jobs_err) = Jobs::load();
    let (auth, auth_err) = Auth::load();
    let (stock, stock_err) = Stock::load();
    let clock = Clock::new();
    let sync = Sync::new();
    let deployment = Deployment::load();
    if let Some(e) = jobs_err.or(auth_err).or(stock_err) {
        notice.error(store_error(&e));
    }
    provide_context(i18n);
    provide_context(notice);
    provide_context(jobs);
    provide_context(auth);
    provide_context(clock);
    provide_context(sync);
    provide_context(stock);
    provide_context(deployment);
    let update = Update::default();
    provide_context(update);

    // Listening in the task that loaded the stores, so no other tab's write and no change of
    // network can fall between the two and be missed.
    hooks::use_other_tabs(jobs, notice);
    hooks::use_connectivity(sync, update);

    let stage = RwSignal::new(if staged { Stage::Contexts } else { Stage::Page });

    // The service worker, persistent storage, the clock, this tab's writer slot and the sync
    // scheduler: the app's live parts.
    let start_live = move || {
        hooks::use_service_worker(update);
        hooks::use_persistent_storage();
        hooks::use_clock(clock, Duration::from_secs(1));
        // This tab's writer slot (its own device id and counter while other tabs are open).
        leptos::task::spawn_local(async move {
            if let Err(e) = jobs.claim_writer().await {
                notice.error(store_error(&e));
            }
            // Finished jobs past their period leave, and more if storage is short: say so
            // then, so the engineer knows why the done list is shorter. Once the page is on
            // screen: letting a year of jobs go is housekeeping, not what the engineer waits for.
            while stage.get_untracked() < Stage::Page {
                after_paint().await;
            }
            after_paint().await;
            let policy = deployment.policy();
            let van_rev = stock.van_rev();
            match crate::locks::exclusive(crate::locks::WRITE, move || jobs.prune(policy, van_rev)).await {
                Ok(Ok(pruned)) if pruned.short && pruned.jobs > 0 => notice.info(Words::new(move |lang| {
                    Msg::StorageFreed
                        .text(lang)
                        .replace("{n}", &pruned.jobs.to_string())
                        .replace("{kb}", &(pruned.bytes / 1024).to_string())
                })),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => notice.error(store_error(&e)),
                Err(e) => notice.error(store_error(&crate::storage::StoreError::Unavailable(e.to_string()))),
            }
        });
        sync.start(jobs, auth, stock, deployment);
    };

    if staged {
        // In a task of their own, under this component's owner (so their clean-ups are its),
        // before the next stage: timers of equal delay run in the order they were set.
        let owner = Owner::current();
        set_timeout(
            move || match owner {
                Some(owner) => owner.with(start_live),
                None => start_live(),
            },
            Duration::ZERO,
        );
        advance(stage);
    } else {
        start_live();
        // The page is built in this same task: nothing shows in between.
        remove_shell();
    }

    view! {
        <Show when=move || { stage.get() >= Stage::Router }>
            <Router>
                <div hidden=move || { stage.get() < Stage::Page }>
                    <Show when=move || { stage.get() >= Stage::Bars }>
                        <TopBar/>
                        // Messages float over the page, under the top bar: one appearing or going
                        // never moves the page (a customer signing must not see the pad jump).
                        <div class="notice-layer">
                            <NoticeBanner/>
                            <div class="notices"><UpdatePrompt/></div>
                        </div>
                    </Show>
                    <main>
                        <Show when=move || { stage.get() >= Stage::Page }>
                            <Routes fallback=|| view! { <NotFound/> }>
                                <Route path=path!("/") view=JobsPage/>
                                <Route path=path!("/login") view=LoginPage/>
                                <Route path=path!("/about") view=AboutPage/>
                                <Route path=path!("/history") view=HistoryPage/>
                                <Route path=path!("/jobs/:id") view=JobPage/>
                                <Route path=path!("/jobs/:id/sign-off") view=SignOffPage/>
                                <Route path=path!("/jobs/:id/report") view=ReportPage/>
                            </Routes>
                        </Show>
                    </main>
                    <Show when=move || { stage.get() >= Stage::Bars }>
                        <SyncBar/>
                    </Show>
                </div>
            </Router>
        </Show>
    }
}

/// How far the app has got in starting. Starting is a first visit's longest stretch of work
/// (every function runs for the first time, so the browser compiles it then); done in one task
/// it kept the main thread for about 0.2 s on a 4× slowed CPU. So a first visit starts in five
/// tasks, with the browser free in between: the stores, contexts and event listeners, then the
/// live parts (service worker, clock, writer slot, sync scheduler), then the router, then the bars around the page (top bar,
/// messages, sync bar), then the page. The app stays hidden, and the static shell of
/// `index.html` on screen, until the page is built; then the shell goes and the app shows in the
/// same task, so the screen is never blank.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Contexts,
    Router,
    Bars,
    Page,
}

impl Stage {
    fn next(self) -> Option<Stage> {
        match self {
            Stage::Contexts => Some(Stage::Router),
            Stage::Router => Some(Stage::Bars),
            Stage::Bars => Some(Stage::Page),
            Stage::Page => None,
        }
    }
}

/// Moves `stage` on by one in the next task, and again until the page is built.
fn advance(stage: RwSignal<Stage>) {
    set_timeout(
        move || {
            let Some(next) = stage.get_untracked().next() else { return };
            stage.set(next);
            if next == Stage::Page {
                remove_shell();
            } else {
                advance(stage);
            }
        },
        Duration::ZERO,
    );
}

/// Resolves once the browser has painted a frame after this call (a frame, then a task).
async fn after_paint() {
    let (done, painted) = futures::channel::oneshot::channel::<()>();
    request_animation_frame(move || {
        set_timeout(
            move || {
                // The receiver is gone only if the app is; nothing to tell then.
                let _ = done.send(());
            },
            Duration::ZERO,
        );
    });
    // A dropped sender (the app torn down) ends the wait as well.
    let _ = painted.await;
}

/// Removes the static shell `index.html` shows while the app loads.
fn remove_shell() {
    if let Some(shell) = document().get_element_by_id("shell") {
        shell.remove();
    }
}
