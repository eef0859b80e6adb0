//! Another tab of Onsite wrote to storage: show what it wrote. The `storage` event fires only
//! in the *other* tabs of the origin, with the key that changed.

use crate::state::{Jobs, Notice};
use leptos::ev;
use leptos::prelude::*;
use onsite_core::ids::JobId;

pub fn use_other_tabs(jobs: Jobs, notice: Notice) {
    let handle = window_event_listener(ev::storage, move |e: web_sys::StorageEvent| {
        let Some(key) = e.key() else {
            // storage.clear() in another tab: re-read everything.
            if let Err(err) = jobs.reload() {
                notice.error(err.to_string());
            }
            return;
        };
        let result = match key.strip_prefix("onsite.v1.job.").map(str::parse::<JobId>) {
            Some(Ok(id)) => jobs.refresh(id),
            Some(Err(_)) | None => Ok(()),
        };
        if let Err(err) = result {
            notice.error(err.to_string());
        }
    });
    on_cleanup(move || handle.remove());
}
