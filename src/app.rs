//! The app root: creates the contexts, starts the hooks and the sync scheduler, and routes.

use crate::components::{NoticeBanner, SyncBar, TopBar, UpdatePrompt};
use crate::hooks;
use crate::pages::{JobPage, JobsPage, LoginPage, NotFound, ReportPage, SignOffPage};
use crate::state::{Auth, Clock, I18n, Jobs, Notice, Stock, set_document_lang, store_error_text};
use crate::sync::Sync;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::time::Duration;

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::load();
    set_document_lang(i18n.lang.get_untracked());
    let notice = Notice::new();
    let (jobs, jobs_err) = Jobs::load();
    let (auth, auth_err) = Auth::load();
    let (stock, stock_err) = Stock::load();
    let clock = Clock::new();
    let sync = Sync::new();
    if let Some(e) = jobs_err.or(auth_err).or(stock_err) {
        notice.error(store_error_text(i18n.lang.get_untracked(), &e));
    }
    provide_context(i18n);
    provide_context(notice);
    provide_context(jobs);
    provide_context(auth);
    provide_context(clock);
    provide_context(sync);
    provide_context(stock);

    let update = hooks::use_service_worker();
    provide_context(update);
    hooks::use_persistent_storage();
    hooks::use_clock(clock, Duration::from_secs(1));
    hooks::use_connectivity(sync, update);
    hooks::use_other_tabs(jobs, notice, i18n);
    // This tab's writer slot (its own device id and counter while other tabs are open).
    let lang = i18n.lang.get_untracked();
    leptos::task::spawn_local(async move {
        if let Err(e) = jobs.claim_writer().await {
            notice.error(store_error_text(lang, &e));
        }
    });
    sync.start(jobs, auth, stock);

    view! {
        <Router>
            <TopBar/>
            // Messages float over the page, under the top bar: one appearing or going never
            // moves the page (a customer signing must not see the pad jump).
            <div class="notice-layer">
                <NoticeBanner/>
                <div class="notices"><UpdatePrompt/></div>
            </div>
            <main>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=JobsPage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/jobs/:id") view=JobPage/>
                    <Route path=path!("/jobs/:id/sign-off") view=SignOffPage/>
                    <Route path=path!("/jobs/:id/report") view=ReportPage/>
                </Routes>
            </main>
            <SyncBar/>
        </Router>
    }
}
