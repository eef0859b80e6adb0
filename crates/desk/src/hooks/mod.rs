//! The console's hooks over browser timers, keys, printing, alerts and the server's long poll:
//! the only places they are set up. One hook a file.

mod use_alerts;
mod use_changes;
mod use_debounce;
mod use_download;
mod use_interval;
mod use_print;
mod use_shortcuts;

pub use use_alerts::{Alert, Alerts, use_alerts};
pub use use_changes::use_changes;
pub use use_debounce::{Debounce, use_debounce};
pub use use_download::use_download;
pub use use_interval::use_interval;
pub use use_print::use_print;
pub use use_shortcuts::use_shortcuts;
