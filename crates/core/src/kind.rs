//! What kind of job, and how urgent: the words every other rule is keyed by (service levels,
//! checklists, duties), apart from the work order that carries them.

use serde::{Deserialize, Serialize};

/// The kind of job (工单类型). Decides the service levels and, later, the visit steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// 报装 / 新装: a new broadband line.
    Install,
    /// 报修: a fault at a customer's home or office.
    Repair,
    /// 续费: collect a renewal fee and hand over a receipt.
    Renewal,
    /// 巡检: scheduled check of equipment in the engineer's area.
    Inspection,
    /// IT现场维修: a company user's PC, printer, network point.
    ItRepair,
}

impl JobKind {
    pub const ALL: [JobKind; 5] =
        [JobKind::Install, JobKind::Repair, JobKind::Renewal, JobKind::Inspection, JobKind::ItRepair];

    /// The stable name used on the wire, in storage and in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            JobKind::Install => "install",
            JobKind::Repair => "repair",
            JobKind::Renewal => "renewal",
            JobKind::Inspection => "inspection",
            JobKind::ItRepair => "it_repair",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the visit collects a fee (and cannot be finished without one): a renewal's.
    pub const fn collects_fee(self) -> bool {
        matches!(self, JobKind::Renewal)
    }
}

/// How urgent the service desk judged the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}
