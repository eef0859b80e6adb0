//! Assessment (考核评分制度): what each engineer's month adds up to, from the facts Onsite
//! records. The rules, from `shared/domain.md`:
//! - 0.5 point for each deadline missed that the rules name: contact within 10 minutes of an
//!   install or repair dispatch, on site within 1 hour (repairs), an install finished within 2
//!   days or the agreed time, a renewal at the agreed time; and an unsolved repair not escalated
//!   at once (given up with no escalation before it);
//! - 1 point for a complaint upheld as the engineer's fault (the complaint's flow records it);
//! - ¥100 a point; 2 points within one month, or 3 within three, flagged (the person leaves);
//! - ¥50 for each breach of the code of conduct the customer reports on the desk's callback;
//!   more than three in a month flagged;
//! - the 10+5+5 chain's fined case: ¥200 to each it names.
//!
//! **Whose clock.** Every dispatch starts its engineer's clocks; a re-dispatch ends them. A
//! deadline that fell due before the job was taken from its engineer is theirs; one that would
//! have fallen due after is no one's (the desk moved the job). A job cancelled ends every clock.
//!
//! **Evidence.** A deduction costs a person money, so it rests on times that person could not
//! set ([`evidence`]): a proving event the server received in time settles a deadline met; an
//! event the phone's clock says was in time but the server received late leaves the miss
//! *unverified*, shown for a manager to decide and never counted until they do; no proving
//! event at all, or one late by the phone's own clock too, is a verified miss.
//!
//! **Waivers.** A manager may waive any deduction (or uphold an unverified one), with a reason:
//! the decision is kept beside the deduction, which is never deleted.

use crate::event::{EventKind, VisitEvent, canonical_order};
use crate::ids::{EventId, JobId};
use crate::job::{Job, JobKind};
use crate::sla::{self, SlaKind};
use chrono::{DateTime, Datelike, FixedOffset, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One point in money, in fen (分): ¥100.
pub const POINT_FEN: i64 = 10_000;
/// A conduct breach found on the callback, in fen: ¥50.
pub const BREACH_FEN: i64 = 5_000;
/// The chain's fined case, to each it names, in fen: ¥200.
pub const CHAIN_FINE_FEN: i64 = 20_000;
/// Points within one month that end the engagement (in halves of a point).
pub const MONTH_LIMIT_HALVES: u32 = 4;
/// Points within three months that end it (in halves).
pub const QUARTER_LIMIT_HALVES: u32 = 6;
/// Breaches in a month past which it is flagged.
pub const BREACHES_LIMIT: usize = 3;

/// What a deduction is for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// No contact within 10 minutes of an install or repair dispatch.
    Contact,
    /// Not on site within 1 hour of a repair's dispatch.
    OnSite,
    /// An install not finished within 2 days of dispatch or by the agreed time.
    Install,
    /// A renewal not visited at the agreed time.
    Renewal,
    /// An unsolved repair given up without escalating it first.
    Escalation,
    /// A complaint upheld as the engineer's fault.
    Complaint,
    /// A breach of the code of conduct the customer reported on the callback (the step's id).
    Breach { step: String },
    /// The 10+5+5 chain's fined case: each it names pays.
    ChainFine,
}

impl Reason {
    /// Its stable name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::Contact => "contact",
            Reason::OnSite => "on_site",
            Reason::Install => "install",
            Reason::Renewal => "renewal",
            Reason::Escalation => "escalation",
            Reason::Complaint => "complaint",
            Reason::Breach { .. } => "breach",
            Reason::ChainFine => "chain_fine",
        }
    }
}

/// How far a deduction can be trusted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Decided by times the engineer could not set (the server's), or by the engineer's own
    /// clock against them.
    Verified,
    /// Rests on the phone's clock alone: shown, counted only if a manager upholds it.
    Unverified,
}

/// One deduction: who, for what, how much, when it counts, and what proves it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    /// The engineer's login.
    pub engineer: String,
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub job: JobId,
    pub reason: Reason,
    /// In halves of a point (0.5 is 1).
    pub halves: u32,
    /// Money, in fen, beyond the points' (a breach's ¥50, the chain's ¥200).
    pub fen: i64,
    /// When it counts: the deadline's due time, the complaint's decision, the callback.
    pub at: DateTime<Utc>,
    /// The event that proves it, when one does (a late arrival; none for no contact at all).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub event: Option<EventId>,
    pub evidence: Evidence,
}

impl Deduction {
    /// Its stable name, for a manager's decision on it: the job, what for, and when.
    pub fn key(&self) -> String {
        let what = match &self.reason {
            Reason::Breach { step } => format!("breach:{step}"),
            other => other.as_str().to_string(),
        };
        format!("{}:{what}:{}:{}", self.job, self.engineer, self.at.timestamp())
    }
}

/// Whether a deadline due `due` was missed, and how far that can be trusted, given the first
/// event proving it: its phone time and the server's receive time. `None`: met, by the server's
/// own clock, or not (the phone's in-time claim arriving late is [`Evidence::Unverified`]).
pub fn evidence(due: DateTime<Utc>, proof: Option<(DateTime<Utc>, DateTime<Utc>)>) -> Option<Evidence> {
    match proof {
        None => Some(Evidence::Verified),
        Some((_, server)) if server <= due => None,
        Some((device, _)) if device <= due => Some(Evidence::Unverified),
        Some(_) => Some(Evidence::Verified),
    }
}

/// The deadline kinds the rules deduct for, on a job of this kind, with their reason.
fn counted(kind: JobKind, sla: SlaKind) -> Option<Reason> {
    match (sla, kind) {
        (SlaKind::Contact, JobKind::Install | JobKind::Repair) => Some(Reason::Contact),
        (SlaKind::OnSite, JobKind::Repair) => Some(Reason::OnSite),
        (SlaKind::Finish, JobKind::Install) => Some(Reason::Install),
        (SlaKind::Appointment, JobKind::Renewal) => Some(Reason::Renewal),
        _ => None,
    }
}

/// One dispatch of a job: when, to whom (the engineer's login).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispatch {
    pub at: DateTime<Utc>,
    pub engineer: String,
}

/// What the server holds of a job, for its deductions: the header, every dispatch in order,
/// the events with the server's receive time, and when the desk closed it (cancelled), if it did.
pub struct JobRecord<'a> {
    pub job: &'a Job,
    pub dispatches: &'a [Dispatch],
    pub events: &'a [(VisitEvent, DateTime<Utc>)],
    pub closed_at: Option<DateTime<Utc>>,
}

/// The deductions of one job's deadlines, the escalation rule and the 10+5+5 chain, as of `now`:
/// for each dispatch, the deadlines that fell due while the job was that engineer's.
pub fn job_deductions(record: &JobRecord<'_>, now: DateTime<Utc>) -> Vec<Deduction> {
    let mut out = Vec::new();
    for (i, dispatch) in record.dispatches.iter().enumerate() {
        // Until the next dispatch, the desk's closing, or now: the engineer's stretch.
        let until =
            [record.dispatches.get(i + 1).map(|d| d.at), record.closed_at].into_iter().flatten().min();
        let end = until.map_or(now, |u| u.min(now));
        let mine: Vec<&(VisitEvent, DateTime<Utc>)> = record
            .events
            .iter()
            .filter(|(_, server)| *server >= dispatch.at && until.is_none_or(|u| *server < u))
            .collect();
        let header = Job { dispatched_at: Some(dispatch.at), ..record.job.clone() };
        for deadline in sla::deadlines(&header) {
            let Some(reason) = counted(header.kind, deadline.kind) else { continue };
            // Due after the job left this engineer, or not yet due: not theirs to miss.
            if deadline.due >= end {
                continue;
            }
            let proof = canonical_order(mine.iter().map(|(e, _)| e))
                .into_iter()
                .find(|e| deadline.kind.met_by(&e.kind))
                .and_then(|e| mine.iter().find(|(m, _)| m.id == e.id))
                .map(|(e, server)| (e.id, e.device_time, *server));
            let Some(evidence) = evidence(deadline.due, proof.map(|(_, d, s)| (d, s))) else { continue };
            out.push(Deduction {
                engineer: dispatch.engineer.clone(),
                job: header.id,
                reason,
                halves: 1,
                fen: 0,
                at: deadline.due,
                event: proof.map(|(id, _, _)| id),
                evidence,
            });
        }
        // An unsolved repair given up with no escalation before it.
        if header.kind == JobKind::Repair {
            let ordered = canonical_order(mine.iter().map(|(e, _)| e));
            let gave_up = ordered.iter().position(|e| matches!(e.kind, EventKind::CouldNotComplete { .. }));
            if let Some(at) = gave_up
                && !ordered[..at].iter().any(|e| matches!(e.kind, EventKind::Escalated { .. }))
            {
                let e = ordered[at];
                out.push(Deduction {
                    engineer: dispatch.engineer.clone(),
                    job: header.id,
                    reason: Reason::Escalation,
                    halves: 1,
                    fen: 0,
                    at: e.device_time,
                    event: Some(e.id),
                    evidence: Evidence::Verified,
                });
            }
        }
        // The chain: 20 minutes without contact is a fined case, on the same evidence.
        if let Some(contact) = sla::deadlines(&header).into_iter().find(|d| d.kind == SlaKind::Contact) {
            let fined_at = contact.from + chrono::Duration::minutes(crate::desk::FINED_MINUTES);
            let proof = canonical_order(mine.iter().map(|(e, _)| e))
                .into_iter()
                .find(|e| SlaKind::Contact.met_by(&e.kind))
                .and_then(|e| mine.iter().find(|(m, _)| m.id == e.id))
                .map(|(e, server)| (e.device_time, *server));
            if fined_at < end
                && let Some(evidence) = evidence(fined_at, proof)
            {
                out.push(Deduction {
                    engineer: dispatch.engineer.clone(),
                    job: header.id,
                    reason: Reason::ChainFine,
                    halves: 0,
                    fen: CHAIN_FINE_FEN,
                    at: fined_at,
                    event: None,
                    evidence,
                });
            }
        }
    }
    out
}

/// A manager's decision on a deduction (by [`Deduction::key`]): waived, or (for an
/// unverified one) upheld, with the reason.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub key: String,
    pub upheld: bool,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Whether a deduction counts: verified and not waived, or unverified and upheld. The last
/// decision on it stands.
pub fn counts(d: &Deduction, decisions: &[Decision]) -> bool {
    let key = d.key();
    match decisions.iter().filter(|x| x.key == key).max_by_key(|x| x.at) {
        Some(decision) => decision.upheld,
        None => d.evidence == Evidence::Verified,
    }
}

/// A calendar month in the deployment's time zone.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (y.len() == 4 && m.len() == 2 && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    /// When the month starts and ends (exclusive), in the zone, as UTC.
    pub fn span(self, zone: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |m: Month| {
            zone.with_ymd_and_hms(m.year, m.month, 1, 0, 0, 0).single().map(|t| t.with_timezone(&Utc))
        };
        let next = Month { year: self.year + (self.month / 12) as i32, month: self.month % 12 + 1 };
        (start(self).unwrap_or_default(), start(next).unwrap_or_default())
    }

    pub fn of(at: DateTime<Utc>, zone: FixedOffset) -> Month {
        let local = at.with_timezone(&zone);
        Month { year: local.year(), month: local.month() }
    }
    /// The month `n` months before this one.
    pub fn back(self, n: u32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 - n as i32;
        Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }
}

/// A threshold of the rules crossed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// 2 points within the month.
    TwoPointsInAMonth,
    /// 3 points within three months (this one and the two before).
    ThreePointsInThreeMonths,
    /// More than three conduct breaches in the month.
    Breaches,
}

/// One engineer's month.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthScore {
    pub engineer: String,
    pub month: Month,
    /// Points counted this month, in halves.
    pub halves: u32,
    /// Money: the points' ¥100 each, and the breaches' and fines'.
    pub fen: i64,
    pub thresholds: Vec<Threshold>,
}

/// An engineer's month from every deduction known (several months' worth, for the three-month
/// window) and the managers' decisions.
pub fn month_score(
    engineer: &str,
    month: Month,
    deductions: &[Deduction],
    decisions: &[Decision],
    zone: FixedOffset,
) -> MonthScore {
    let theirs = |m: Month| {
        deductions
            .iter()
            .filter(move |d| d.engineer == engineer && Month::of(d.at, zone) == m && counts(d, decisions))
    };
    let halves = |m: Month| theirs(m).map(|d| d.halves).sum::<u32>();
    let now = halves(month);
    let quarter = now + halves(month.back(1)) + halves(month.back(2));
    let breaches = theirs(month).filter(|d| matches!(d.reason, Reason::Breach { .. })).count();
    let fen = theirs(month).map(|d| d.fen).sum::<i64>() + i64::from(now) * POINT_FEN / 2;
    let mut thresholds = Vec::new();
    if now >= MONTH_LIMIT_HALVES {
        thresholds.push(Threshold::TwoPointsInAMonth);
    }
    if quarter >= QUARTER_LIMIT_HALVES {
        thresholds.push(Threshold::ThreePointsInThreeMonths);
    }
    if breaches > BREACHES_LIMIT {
        thresholds.push(Threshold::Breaches);
    }
    MonthScore { engineer: engineer.to_string(), month, halves: now, fen, thresholds }
}

/// A conduct breach the customer reported on the desk's callback, against a step of the code.
pub fn breach(engineer: &str, job: JobId, step: &str, at: DateTime<Utc>) -> Deduction {
    Deduction {
        engineer: engineer.to_string(),
        job,
        reason: Reason::Breach { step: step.to_string() },
        halves: 0,
        fen: BREACH_FEN,
        at,
        event: None,
        evidence: Evidence::Verified,
    }
}

/// A complaint upheld as the engineer's fault, at the manager's decision.
pub fn upheld_complaint(engineer: &str, job: JobId, at: DateTime<Utc>) -> Deduction {
    Deduction {
        engineer: engineer.to_string(),
        job,
        reason: Reason::Complaint,
        halves: 2,
        fen: 0,
        at,
        event: None,
        evidence: Evidence::Verified,
    }
}

/// Every engineer's month, sorted by login.
pub fn months(
    month: Month,
    deductions: &[Deduction],
    decisions: &[Decision],
    zone: FixedOffset,
) -> Vec<MonthScore> {
    let engineers: BTreeMap<&str, ()> = deductions.iter().map(|d| (d.engineer.as_str(), ())).collect();
    engineers.into_keys().map(|e| month_score(e, month, deductions, decisions, zone)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DeviceId;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(m: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 1, 0, 0).unwrap() + chrono::Duration::minutes(m)
    }

    fn shanghai() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn job(kind: JobKind) -> Job {
        Job { kind, ..crate::job::tests::sample(kind) }
    }

    fn e(n: u128, device_min: i64, kind: EventKind, server_min: i64) -> (VisitEvent, DateTime<Utc>) {
        (
            VisitEvent {
                id: EventId(Uuid::from_u128(n)),
                job_id: JobId(Uuid::from_u128(1)),
                device_id: DeviceId(Uuid::from_u128(9)),
                seq: n as u64,
                device_time: at(device_min),
                kind,
            },
            at(server_min),
        )
    }

    fn d(m: i64, who: &str) -> Dispatch {
        Dispatch { at: at(m), engineer: who.into() }
    }

    fn reasons(ds: &[Deduction]) -> Vec<(&str, &str, Evidence)> {
        ds.iter().map(|d| (d.engineer.as_str(), d.reason.as_str(), d.evidence)).collect()
    }

    #[test]
    fn evidence_rests_on_the_servers_clock() {
        let due = at(10);
        // (proof: phone time, server time) → miss?
        let table = [
            (None, Some(Evidence::Verified)),
            (Some((at(5), at(6))), None),
            (Some((at(12), at(9))), None), // the server had it in time, whatever the phone says
            (Some((at(5), at(40))), Some(Evidence::Unverified)), // offline: the phone says in time
            (Some((at(15), at(16))), Some(Evidence::Verified)), // late by both clocks
            (Some((at(15), at(60))), Some(Evidence::Verified)),
        ];
        for (proof, want) in table {
            assert_eq!(evidence(due, proof), want, "{proof:?}");
        }
    }

    #[test]
    fn each_rule_deducts_half_a_point() {
        use EventKind as K;
        let w = "wang.fang";
        // (kind, events, now, minutes) → deductions
        let cases: Vec<(&str, JobKind, Vec<(VisitEvent, DateTime<Utc>)>, i64, Vec<(&str, &str, Evidence)>)> = vec![
            (
                "repair contacted and on site in time",
                JobKind::Repair,
                vec![e(1, 5, K::CustomerContacted, 5), e(2, 50, K::Arrived, 50)],
                200,
                vec![],
            ),
            (
                "repair: no contact, no arrival",
                JobKind::Repair,
                vec![],
                200,
                vec![
                    (w, "contact", Evidence::Verified),
                    (w, "on_site", Evidence::Verified),
                    (w, "chain_fine", Evidence::Verified),
                ],
            ),
            (
                "repair: late contact by both clocks",
                JobKind::Repair,
                vec![e(1, 12, K::CustomerContacted, 12), e(2, 50, K::Arrived, 50)],
                200,
                vec![(w, "contact", Evidence::Verified)],
            ),
            (
                "repair: contact offline in time, synced late",
                JobKind::Repair,
                vec![e(1, 5, K::CustomerContacted, 70), e(2, 50, K::Arrived, 70)],
                200,
                vec![
                    (w, "contact", Evidence::Unverified),
                    (w, "on_site", Evidence::Unverified),
                    (w, "chain_fine", Evidence::Unverified),
                ],
            ),
            (
                "repair given up without escalating",
                JobKind::Repair,
                vec![
                    e(1, 5, K::CustomerContacted, 5),
                    e(2, 50, K::Arrived, 50),
                    e(3, 55, K::CouldNotComplete { reason: "缺件".into() }, 55),
                ],
                200,
                vec![(w, "escalation", Evidence::Verified)],
            ),
            (
                "repair escalated, then given up",
                JobKind::Repair,
                vec![
                    e(1, 5, K::CustomerContacted, 5),
                    e(2, 50, K::Arrived, 50),
                    e(
                        3,
                        52,
                        K::Escalated { to: crate::event::EscalationTarget::Vendor, reason: "厂家".into() },
                        52,
                    ),
                    e(4, 55, K::CouldNotComplete { reason: "缺件".into() }, 55),
                ],
                200,
                vec![],
            ),
            ("not yet due: nothing", JobKind::Repair, vec![], 5, vec![]),
            (
                "install unfinished after 2 days",
                JobKind::Install,
                vec![e(1, 5, K::CustomerContacted, 5)],
                3 * 24 * 60,
                vec![(w, "install", Evidence::Verified)],
            ),
            ("inspection: nothing to miss", JobKind::Inspection, vec![], 5000, vec![]),
        ];
        for (name, kind, events, now, want) in cases {
            let j = job(kind);
            let record = JobRecord { job: &j, dispatches: &[d(0, w)], events: &events, closed_at: None };
            let deductions = job_deductions(&record, at(now));
            assert_eq!(reasons(&deductions), want, "{name}");
        }
    }

    #[test]
    fn a_reassigned_jobs_misses_belong_to_whose_clock_it_was() {
        use EventKind as K;
        let j = job(JobKind::Repair);
        // Li had it from 0 and never called; at 30 minutes the desk gave it to Wang, who called
        // at once and arrived within his hour.
        let dispatches = [d(0, "li.lei"), d(30, "wang.fang")];
        let events = [e(1, 32, K::CustomerContacted, 32), e(2, 80, K::Arrived, 80)];
        let record = JobRecord { job: &j, dispatches: &dispatches, events: &events, closed_at: None };
        let deductions = job_deductions(&record, at(300));
        let got = reasons(&deductions);
        // Li's contact (due at 10) and the chain (fined at 20) are his; his on-site clock (due at
        // 60) fell after the job left him: no one's. Wang met both of his.
        assert_eq!(
            got,
            vec![("li.lei", "contact", Evidence::Verified), ("li.lei", "chain_fine", Evidence::Verified)]
        );
        // Cancelled at 8 minutes: nothing fell due.
        let record = JobRecord { job: &j, dispatches: &dispatches[..1], events: &[], closed_at: Some(at(8)) };
        assert!(job_deductions(&record, at(300)).is_empty());
    }

    #[test]
    fn a_month_adds_up_with_its_windows_and_waivers() {
        let job = JobId(Uuid::from_u128(1));
        let zone = shanghai();
        let miss = |who: &str, day: u32, month: u32| Deduction {
            engineer: who.into(),
            job,
            reason: Reason::Contact,
            halves: 1,
            fen: 0,
            at: Utc.with_ymd_and_hms(2026, month, day, 4, 0, 0).unwrap(),
            event: None,
            evidence: Evidence::Verified,
        };
        let mut all =
            vec![miss("w", 1, 12), miss("w", 2, 12), miss("w", 3, 12), miss("w", 10, 11), miss("w", 11, 10)];
        all.push(upheld_complaint("w", job, Utc.with_ymd_and_hms(2026, 12, 5, 4, 0, 0).unwrap()));
        let mut unverified = miss("w", 6, 12);
        unverified.evidence = Evidence::Unverified;
        all.push(unverified.clone());
        for day in 1..=4 {
            all.push(breach("w", job, "shoe_covers", Utc.with_ymd_and_hms(2026, 12, day, 6, 0, 0).unwrap()));
        }
        let dec = Month { year: 2026, month: 12 };
        let s = month_score("w", dec, &all, &[], zone);
        // 3 misses (1.5) + a complaint (1) = 2.5 points; the unverified one not counted.
        assert_eq!(s.halves, 5);
        assert_eq!(s.fen, 5 * POINT_FEN / 2 + 4 * BREACH_FEN);
        assert_eq!(
            s.thresholds,
            vec![Threshold::TwoPointsInAMonth, Threshold::ThreePointsInThreeMonths, Threshold::Breaches]
        );
        // A manager waives one miss and upholds the unverified one.
        let decide = |d: &Deduction, upheld: bool| Decision {
            key: d.key(),
            upheld,
            reason: "经核实".into(),
            by: "manager".into(),
            at: Utc.with_ymd_and_hms(2026, 12, 20, 0, 0, 0).unwrap(),
        };
        let decisions = [decide(&all[0], false), decide(&unverified, true)];
        assert_eq!(month_score("w", dec, &all, &decisions, zone).halves, 5);
        assert_eq!(month_score("w", dec, &all, &decisions[..1], zone).halves, 4);
        // November alone: one miss, no threshold.
        let nov = month_score("w", Month { year: 2026, month: 11 }, &all, &[], zone);
        assert_eq!((nov.halves, nov.thresholds.clone()), (1, vec![]));
        // The month is the deployment's: 23:30 UTC on 30 November is 1 December in Shanghai.
        let late = Utc.with_ymd_and_hms(2026, 11, 30, 23, 30, 0).unwrap();
        assert_eq!(Month::of(late, zone), dec);
        assert_eq!(dec.back(2), Month { year: 2026, month: 10 });
        assert_eq!(Month { year: 2027, month: 1 }.back(1), dec);
        assert_eq!(Month::parse("2026-12"), Some(dec));
        for bad in ["2026-13", "2026-1", "26-12", "2026/12", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let (from, until) = dec.span(zone);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap());
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap());
    }
}
