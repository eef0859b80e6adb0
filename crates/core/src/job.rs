//! The work order (工单) as the service desk fills it in and dispatches it.
//!
//! The fields follow the IT on-site repair form and the broadband install/repair orders in
//! `shared/domain.md`. Job headers belong to the service desk: the phone never edits them, it
//! only receives them by pull. What happens on site is recorded as [`crate::event`]s instead.

use crate::ids::{JobId, UserId};
pub use crate::kind::{JobKind, Priority};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A window of time agreed with the customer (上门时间).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A work order. The form's fields, plus what dispatch adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub priority: Priority,
    /// Customer name, or department / company name (部门名称) for IT jobs.
    pub customer: String,
    /// Contact person (联系人).
    pub contact: String,
    /// Phone (电话), as the customer gave it.
    pub phone: String,
    /// WeChat id (微信号), when given.
    pub wechat: Option<String>,
    /// Address or office location (地址 / 办公地点).
    pub address: String,
    /// Device name (设备名称), for repairs.
    pub device_name: Option<String>,
    /// Device description (设备描述).
    pub device_description: Option<String>,
    /// The customer's description of the fault (用户故障现象描述), or the work asked for.
    pub fault: String,
    /// When the customer reported it (报修时间).
    pub reported_at: DateTime<Utc>,
    /// When the job was dispatched to the engineer (接到派单): every SLA clock starts here.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// The visit time agreed with the customer, when there is one.
    pub appointment: Option<TimeWindow>,
    /// The engineer the job is assigned to.
    pub assignee: Option<UserId>,
    /// The service desk's checklist for this job, if it sent its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist: Option<Vec<crate::steps::Step>>,
}

/// Limits on a job's text fields, checked by the server on dispatch.
pub const MAX_SHORT_FIELD: usize = 200;
pub const MAX_LONG_FIELD: usize = 2000;
pub const MAX_PHONE: usize = 40;
pub const MAX_WECHAT: usize = 100;

/// Why a job cannot be accepted as dispatched.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("{0} is longer than {1} characters")]
    TooLong(&'static str, usize),
    #[error("the appointment ends before it starts")]
    AppointmentReversed,
    #[error("the job was dispatched before it was reported")]
    DispatchedBeforeReported,
    #[error("checklist: {0}")]
    Checklist(String),
}

impl Job {
    /// The form's rules: required fields present, lengths bounded, times in order.
    pub fn validate(&self) -> Result<(), JobError> {
        let required: [(&'static str, &str, usize); 5] = [
            ("customer", &self.customer, MAX_SHORT_FIELD),
            ("contact", &self.contact, MAX_SHORT_FIELD),
            ("phone", &self.phone, MAX_PHONE),
            ("address", &self.address, MAX_SHORT_FIELD),
            ("fault", &self.fault, MAX_LONG_FIELD),
        ];
        for (name, value, max) in required {
            if value.trim().is_empty() {
                return Err(JobError::Empty(name));
            }
            if value.chars().count() > max {
                return Err(JobError::TooLong(name, max));
            }
        }
        let optional: [(&'static str, &Option<String>, usize); 3] = [
            ("wechat", &self.wechat, MAX_WECHAT),
            ("device_name", &self.device_name, MAX_SHORT_FIELD),
            ("device_description", &self.device_description, MAX_LONG_FIELD),
        ];
        for (name, value, max) in optional {
            if value.as_deref().is_some_and(|v| v.chars().count() > max) {
                return Err(JobError::TooLong(name, max));
            }
        }
        if self.appointment.is_some_and(|w| w.end < w.start) {
            return Err(JobError::AppointmentReversed);
        }
        if self.dispatched_at.is_some_and(|d| d < self.reported_at) {
            return Err(JobError::DispatchedBeforeReported);
        }
        if let Some(list) = &self.checklist {
            crate::steps::validate_checklist(list).map_err(JobError::Checklist)?;
        }
        Ok(())
    }

    /// The visit steps: the desk's checklist, or the built-in one of the job's kind.
    pub fn checklist(&self) -> std::borrow::Cow<'_, [crate::steps::Step]> {
        match &self.checklist {
            Some(list) => std::borrow::Cow::Borrowed(list),
            None => std::borrow::Cow::Owned(crate::steps::default_checklist(self.kind)),
        }
    }

    /// A `tel:` link for the phone number, keeping only the characters a dialler accepts.
    pub fn tel_href(&self) -> String {
        let digits: String =
            self.phone.chars().filter(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#')).collect();
        format!("tel:{digits}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    pub(crate) fn sample(kind: JobKind) -> Job {
        Job {
            id: JobId(Uuid::from_u128(1)),
            kind,
            priority: Priority::Normal,
            customer: "张伟".into(),
            contact: "张伟".into(),
            phone: "+86 138-0013-8000".into(),
            wechat: Some("zhangwei_88".into()),
            address: "上海市浦东新区世纪大道100号 12F".into(),
            device_name: None,
            device_description: None,
            fault: "光猫LOS灯红，无法上网".into(),
            reported_at: Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap(),
            dispatched_at: Some(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()),
            appointment: None,
            assignee: Some(UserId(Uuid::from_u128(7))),
            checklist: None,
        }
    }

    #[test]
    fn only_a_renewal_collects_a_fee() {
        for (kind, fee) in [
            (JobKind::Install, false),
            (JobKind::Repair, false),
            (JobKind::Renewal, true),
            (JobKind::Inspection, false),
            (JobKind::ItRepair, false),
        ] {
            assert_eq!(kind.collects_fee(), fee, "{kind:?}");
        }
    }

    #[test]
    fn validate_table() {
        type Edit = fn(&mut Job);
        let cases: &[(&str, Edit, Result<(), JobError>)] = &[
            ("sample is valid", |_| {}, Ok(())),
            ("blank customer", |j| j.customer = "  ".into(), Err(JobError::Empty("customer"))),
            ("blank phone", |j| j.phone.clear(), Err(JobError::Empty("phone"))),
            (
                "long fault",
                |j| j.fault = "故".repeat(MAX_LONG_FIELD + 1),
                Err(JobError::TooLong("fault", MAX_LONG_FIELD)),
            ),
            ("fault at the limit", |j| j.fault = "故".repeat(MAX_LONG_FIELD), Ok(())),
            ("long wechat", |j| j.wechat = Some("w".repeat(101)), Err(JobError::TooLong("wechat", 100))),
            (
                "reversed appointment",
                |j| {
                    let t = j.reported_at;
                    j.appointment = Some(TimeWindow { start: t, end: t - chrono::Duration::minutes(1) });
                },
                Err(JobError::AppointmentReversed),
            ),
            (
                "dispatched before reported",
                |j| j.dispatched_at = Some(j.reported_at - chrono::Duration::seconds(1)),
                Err(JobError::DispatchedBeforeReported),
            ),
        ];
        for (name, edit, want) in cases {
            let mut job = sample(JobKind::Repair);
            edit(&mut job);
            assert_eq!(&job.validate(), want, "{name}");
        }
    }

    #[test]
    fn tel_href_keeps_dialable_characters() {
        let job = sample(JobKind::Repair);
        assert_eq!(job.tel_href(), "tel:+8613800138000");
    }

    #[test]
    fn kind_and_priority_names_round_trip() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
        assert_eq!(JobKind::parse("nonsense"), None);
    }
}
