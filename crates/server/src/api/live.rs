//! `GET /api/v1/changes`: the long poll of [`crate::live`].

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiQuery, Error, Result};
use crate::live::MAX_WAIT;
use crate::store;
use onsite_core::access::Permission;
use onsite_core::wire::{Changes, ErrorBody};
use serde::Deserialize;
use std::time::Duration;

/// The query of a long poll.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The change counter already read: the desk's last `rev`, or the phone's pull cursor.
    #[param(minimum = 0)]
    pub after: i64,
    /// The longest to wait, in seconds: 25 (the most) when absent, 0 to answer at once.
    #[param(minimum = 0, maximum = 25)]
    pub wait: Option<u64>,
    /// The asking phone's device: its own events, which its next round pulls back anyway, do
    /// not count as a change (a push of its own wakes no extra round, and a push whose answer
    /// was lost leaves the retry to the phone's backoff).
    pub device: Option<uuid::Uuid>,
}

/// Waits for a change after `after` that concerns the caller: any change for the service desk,
/// one the next pull would carry for an engineer, leaving out the asking device's own events.
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    tag = "sync",
    security(("bearer" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "`changed` once there is something new, or false after the wait", body = Changes),
        (status = 400, description = "`after` negative or not a number, `wait` over 25, or a `device` that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "A disabled account, or one that must change its password first", body = ErrorBody),
    )
)]
pub async fn changes(
    axum::extract::State(state): axum::extract::State<AppState>,
    me: CurrentUser,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<ApiJson<Changes>> {
    if query.after < 0 {
        return Err(Error::BadRequest("`after` must not be negative".into()));
    }
    let wait = match query.wait {
        None => MAX_WAIT,
        Some(secs) if secs <= MAX_WAIT.as_secs() => Duration::from_secs(secs),
        Some(_) => {
            return Err(Error::BadRequest(format!("`wait` is at most {} seconds", MAX_WAIT.as_secs())));
        }
    };
    let desk = me.user.may(Permission::ReadDesk);
    let user = me.user.id;
    let after = query.after;
    let device = query.device.map(onsite_core::DeviceId);
    let mut counter = state.db.changes();
    let deadline = tokio::time::Instant::now() + wait;
    let stopped = state.live.stopped();
    tokio::pin!(stopped);
    loop {
        let rev = *counter.borrow_and_update();
        // A counter behind `after` is a database restored from a backup: read everything again.
        let concerns = rev < after
            || (rev > after
                && (desk
                    || state.db.read(move |conn| store::changes_for(conn, user, after, device)).await?));
        if concerns {
            return Ok(ApiJson(Changes { changed: true, rev }));
        }
        tokio::select! {
            moved = counter.changed() => if moved.is_err() { break },
            () = tokio::time::sleep_until(deadline) => break,
            () = &mut stopped => break,
        }
    }
    let rev = *counter.borrow();
    Ok(ApiJson(Changes { changed: false, rev }))
}
