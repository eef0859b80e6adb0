//! The job list's grouping: today, upcoming and done.
//!
//! "Today" is the engineer's local day, so the caller passes the UTC offset of the phone.

use crate::job::Job;
use crate::status::JobStatus;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// To do today: open jobs with no appointment, an appointment today, or one already past.
    Today,
    /// Open jobs whose agreed visit starts on a later day.
    Upcoming,
    /// Completed, or could not be completed.
    Done,
}

/// The engineer's local date at `now`: what [`group`] depends on, so the list is regrouped when
/// the day changes, not at every tick of the clock.
pub fn local_day(now: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    now.with_timezone(&offset).date_naive()
}

/// Which group a job belongs in on the local day `today` (see [`local_day`]).
pub fn group(job: &Job, status: JobStatus, today: NaiveDate, offset: FixedOffset) -> Group {
    if status.is_closed() {
        return Group::Done;
    }
    match job.appointment {
        Some(w) if w.start.with_timezone(&offset).date_naive() > today => Group::Upcoming,
        _ => Group::Today,
    }
}

/// The order within a group: the appointment or dispatch time, earliest first; then the id,
/// so the order is stable.
pub fn sort_key(job: &Job) -> (DateTime<Utc>, crate::ids::JobId) {
    let when = job.appointment.map(|w| w.start).or(job.dispatched_at).unwrap_or(job.reported_at);
    (when, job.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::tests::sample;
    use crate::job::{JobKind, TimeWindow};
    use chrono::TimeZone;

    #[test]
    fn grouping_table() {
        let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
        // 2026-11-23 23:30 in Shanghai.
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 15, 30, 0).unwrap();
        let window = |y, mo, d, h| {
            let start = Utc.with_ymd_and_hms(y, mo, d, h, 0, 0).unwrap();
            Some(TimeWindow { start, end: start + chrono::Duration::hours(2) })
        };
        let cases = [
            ("no appointment", None, JobStatus::Assigned, Group::Today),
            // 2026-11-24 01:00 UTC is 09:00 tomorrow in Shanghai.
            ("tomorrow local", window(2026, 11, 24, 1), JobStatus::Contacted, Group::Upcoming),
            // 2026-11-23 14:00 UTC is 22:00 today in Shanghai.
            ("today local", window(2026, 11, 23, 14), JobStatus::Assigned, Group::Today),
            ("overdue", window(2026, 11, 20, 1), JobStatus::EnRoute, Group::Today),
            ("completed", window(2026, 11, 24, 1), JobStatus::Completed, Group::Done),
            ("not completed", None, JobStatus::CouldNotComplete, Group::Done),
        ];
        for (name, appointment, status, want) in cases {
            let mut job = sample(JobKind::Repair);
            job.appointment = appointment;
            assert_eq!(group(&job, status, local_day(now, shanghai), shanghai), want, "{name}");
        }
    }
}
