//! Reusable pieces of the screens, one component per file. Views only: what they show comes
//! from `onsite_core` (status, actions, deadlines) through the contexts in `crate::state`.

mod action_panel;
mod event_history;
mod job_card;
mod notice_banner;
mod sla_list;
mod sync_bar;
mod top_bar;

pub use action_panel::ActionPanel;
pub use event_history::EventHistory;
pub use job_card::JobCard;
pub use notice_banner::NoticeBanner;
pub use sla_list::{SlaList, sla_text};
pub use sync_bar::SyncBar;
pub use top_bar::TopBar;
