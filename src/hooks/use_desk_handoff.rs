//! A service desk account logged in on the phone app is sent to the desk console (`/desk/`),
//! already logged in there: its session is handed over under the console's own key, never kept
//! as the phone's (nothing of the phone app works for it).

use crate::storage::Store;
use onsite_core::wire::Session;

/// Returns what hands a session to the desk console and opens it.
pub fn use_desk_handoff() -> impl Fn(Session) -> Result<(), crate::storage::StoreError> + Clone {
    move |session: Session| {
        Store::hand_to_desk(&session)?;
        if let Some(window) = web_sys::window() {
            window
                .location()
                .assign("/desk/")
                .map_err(|e| crate::storage::StoreError::Unavailable(format!("{e:?}")))?;
        }
        Ok(())
    }
}
