//! Another tab of Onsite wrote to storage: show what it wrote. The `storage` event fires only
//! in the *other* tabs of the origin, with the key that changed.
//!
//! What this tab shows is merged with what was written (`Jobs::put`). When the other tab wrote
//! from an older copy and so left out an event this tab holds, this tab writes the union back
//! (under the write lock): a tab's copy is a replica, and the events are only ever added.

use crate::locks;
use crate::state::{Jobs, Notice, store_error};
use crate::storage::Store;
use crate::storage::StoreError;
use crate::sync::load_merged;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::ids::JobId;

pub fn use_other_tabs(jobs: Jobs, notice: Notice) {
    // In the engineer's language, as every storage failure is shown.
    let show = move |err: StoreError| notice.error(store_error(&err));
    let handle = window_event_listener(ev::storage, move |e: web_sys::StorageEvent| {
        let Some(key) = e.key() else {
            // storage.clear() in another tab: re-read everything.
            if let Err(err) = jobs.reload() {
                show(err);
            }
            return;
        };
        if key.starts_with(crate::storage::ARCHIVE_PREFIX) {
            // A job archived or let go by another tab: only the shelf's keys change.
            if let Err(err) = jobs.reload_archive() {
                show(err);
            }
            return;
        }
        let Some(Ok(id)) = key.strip_prefix("onsite.v1.job.").map(str::parse::<JobId>) else {
            return;
        };
        match jobs.refresh(id) {
            Ok(None) => {}
            Ok(Some(_)) => spawn_local(async move {
                let written = locks::exclusive(locks::WRITE, move || match load_merged(jobs, id)? {
                    Some((job, true)) => Store::save_job(&job),
                    _ => Ok(()),
                })
                .await
                .unwrap_or_else(|e| Err(StoreError::Unavailable(e.to_string())));
                if let Err(err) = written {
                    show(err);
                }
            }),
            Err(err) => show(err),
        }
    });
    on_cleanup(move || handle.remove());
}
