//! Live changes: a desk's board and an engineer's phone learn of a change within a second,
//! without polling.
//!
//! `GET /api/v1/changes?after=<rev>` is a long poll: it answers as soon as there is a change
//! after `after` that concerns the caller, or after [`MAX_WAIT`] with `changed: false`. The
//! service desk is concerned by every change; an engineer only by what their next pull would
//! carry (a job dispatched to them, taken from them or cancelled, an event on one of their
//! jobs), so one engineer's visit does not wake every other phone's sync. A long poll and not
//! server-sent events: it is a plain request carrying the bearer token like every other one
//! (`EventSource` cannot send a header), and a phone whose connection dropped simply asks again.
//!
//! What is waited on is [`crate::db::Db::changes`], the change counter after every write. A
//! server shutting down ends every wait at once ([`Live::stop`]), so it never waits 25 seconds
//! for its long polls to finish.

use std::time::Duration;
use tokio::sync::watch;

/// The longest a long poll waits: under the request timeout and the 30 to 60 seconds after which
/// proxies and carriers' gateways drop a quiet request.
pub const MAX_WAIT: Duration = Duration::from_secs(25);

/// The server's "shutting down" signal, for the waits in flight.
#[derive(Debug)]
pub struct Live {
    stop: watch::Sender<bool>,
}

impl Default for Live {
    fn default() -> Self {
        Live { stop: watch::channel(false).0 }
    }
}

impl Live {
    /// Ends every wait in flight, and every wait started after: each answers `changed: false`.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Resolves once [`Live::stop`] has been called.
    pub async fn stopped(&self) {
        let mut rx = self.stop.subscribe();
        // The sender lives as long as `self`: `wait_for` cannot fail while we borrow it.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}
