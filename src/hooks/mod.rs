//! Small hooks over browser APIs, so pages and components never touch `web_sys` directly.

mod use_clock;
mod use_connectivity;
mod use_desk_handoff;
mod use_open_job;
mod use_other_tabs;
mod use_persistent_storage;
mod use_reveal;
mod use_service_worker;

pub use use_clock::use_clock;
pub use use_connectivity::use_connectivity;
pub use use_desk_handoff::use_desk_handoff;
pub use use_open_job::use_open_job;
pub use use_other_tabs::use_other_tabs;
pub use use_persistent_storage::{ios_browser_tab, use_persistent_storage};
pub use use_reveal::{Reveal, use_reveal};
pub use use_service_worker::{Update, served_by_service_worker, use_service_worker};
