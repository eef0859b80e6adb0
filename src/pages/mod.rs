//! The screens, one file per route.

mod job;
mod jobs;
mod login;
mod not_found;

pub use job::JobPage;
pub use jobs::JobsPage;
pub use login::LoginPage;
pub use not_found::NotFound;
