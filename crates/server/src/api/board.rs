//! `GET /api/v1/board`: the service desk's board in one read.
//!
//! Every open job and every other job with a concern the desk has not dealt with, one compact
//! row each ([`onsite_core::desk_board::row`]: its clocks with when each was met, its concerns),
//! and the engineers. The console counts the clocks down from the rows alone and reads the
//! board again when the long poll says something changed. A fixed number of queries on a
//! reader, whatever the number of jobs ([`crate::store::board`]).

use crate::AppState;
use crate::auth::DeskReader;
use crate::error::{ApiJson, Result};
use crate::store;
use axum::extract::State;
use onsite_core::wire::{Board, ErrorBody};

/// The board: open jobs, jobs with open concerns, and the engineers.
#[utoipa::path(
    get,
    path = "/api/v1/board",
    tag = "jobs",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every row on the board, oldest report first, and every engineer", body = Board),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not the service desk or a manager", body = ErrorBody),
    )
)]
pub async fn board(State(state): State<AppState>, _me: DeskReader) -> Result<ApiJson<Board>> {
    let board = state.db.read(|conn| store::board(conn)).await?;
    Ok(ApiJson(board))
}
