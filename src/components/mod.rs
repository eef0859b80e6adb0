//! Reusable pieces of the screens, one component per file. Views only: what they show comes
//! from `onsite_core` (status, actions, deadlines) through the contexts in `crate::state`.

mod action_panel;
mod event_history;
mod fee_form;
mod job_card;
mod notice_banner;
mod parts_panel;
mod rating_input;
mod signature_pad;
mod sla_list;
mod step_list;
mod sync_bar;
mod top_bar;
mod update_prompt;
mod work_summary;

pub use action_panel::{ActionPanel, blocked_words};
pub use event_history::EventHistory;
pub use fee_form::FeeForm;
pub use job_card::JobCard;
pub use notice_banner::NoticeBanner;
pub use parts_panel::PartsPanel;
pub use rating_input::RatingInput;
pub use signature_pad::{SignaturePad, Strokes};
pub use sla_list::{SlaList, sla_text, state_class};
pub use step_list::StepList;
pub use sync_bar::SyncBar;
pub use top_bar::TopBar;
pub use update_prompt::UpdatePrompt;
pub use work_summary::work_sections;
