//! A page of one job (`/jobs/:id` and its sign-off and report) makes sure the job is in view:
//! an archived job is read from the shelf when opened (`Jobs::open`), not at start.

use crate::state::{Jobs, Notice, store_error};
use leptos::prelude::*;
use onsite_core::ids::JobId;

pub fn use_open_job(id: Memo<Option<JobId>>) {
    let jobs = expect_context::<Jobs>();
    let notice = expect_context::<Notice>();
    let open = move |id: Option<JobId>| {
        if let Some(Err(e)) = id.map(|id| jobs.open(id)) {
            notice.error(store_error(&e));
        }
    };
    // Now, so the page's first render finds it; and again when the route's id changes.
    open(id.get_untracked());
    Effect::new(move |_| open(id.get()));
}
