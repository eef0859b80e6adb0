//! The screens, one file per route.

mod about;
mod history;
mod job;
mod jobs;
mod login;
mod not_found;
mod report;
mod sign_off;

pub use about::AboutPage;
pub use history::HistoryPage;
pub use job::JobPage;
pub use jobs::JobsPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use report::ReportPage;
pub use sign_off::SignOffPage;
