//! The assessment's month as CSV for payroll: one line a deduction (engineer, date, job,
//! reason, points, money, whether it counts, the manager's decision), then one a score. UTF-8
//! with a byte-order mark, so a spreadsheet opens the Chinese right; fields quoted as RFC 4180
//! says.

use crate::assessment::{Month, MonthScore};
use crate::wire::{AssessmentMonth, DeductionLine};
use crate::words::{self, Lang};
use chrono::FixedOffset;

/// A field, quoted when it holds a comma, a quote or a line break (its quotes doubled); a
/// field a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
fn field(text: &str) -> String {
    let text = match text.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{text}"),
        _ => text.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

fn row(fields: &[String]) -> String {
    fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",") + "\r\n"
}

/// Yuan from fen, for a spreadsheet: `250.00`.
fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// Half-points as points: `2.5`.
fn points(halves: u32) -> String {
    if halves % 2 == 0 { format!("{}", halves / 2) } else { format!("{}.5", halves / 2) }
}

fn file_name(month: Month) -> String {
    format!("onsite-assessment-{:04}-{:02}.csv", month.year, month.month)
}

/// The file's name and text.
pub fn csv(month: &AssessmentMonth, lang: Lang, zone: FixedOffset) -> (String, String) {
    let zh = lang == Lang::Zh;
    let h = |zh_text: &str, en: &str| if zh { zh_text.to_string() } else { en.to_string() };
    let mut out = String::from("\u{feff}");
    out += &row(&[
        h("工程师", "Engineer"),
        h("日期", "Date"),
        h("工单", "Job"),
        h("客户", "Customer"),
        h("扣分原因", "Reason"),
        h("扣分", "Points"),
        h("金额（元）", "Amount (yuan)"),
        h("核实", "Evidence"),
        h("计入", "Counted"),
        h("经理决定", "Manager's decision"),
    ]);
    for DeductionLine { deduction: d, customer, counted, decision, .. } in &month.deductions {
        let money = d.fen + i64::from(d.halves) * crate::assessment::POINT_FEN / 2;
        let decided = decision.as_ref().map_or(String::new(), |x| {
            let what = match (x.upheld, zh) {
                (true, true) => "计入",
                (true, false) => "upheld",
                (false, true) => "免除",
                (false, false) => "waived",
            };
            format!("{what}: {} ({})", x.reason, x.by)
        });
        out += &row(&[
            d.engineer.clone(),
            d.at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string(),
            d.job.to_string(),
            customer.clone(),
            words::reason(lang, &d.reason).to_string(),
            points(d.halves),
            yuan(money),
            words::evidence(lang, d.evidence).to_string(),
            h(if *counted { "是" } else { "否" }, if *counted { "yes" } else { "no" }),
            decided,
        ]);
    }
    out += "\r\n";
    out += &row(&[
        h("工程师", "Engineer"),
        h("当月扣分", "Points"),
        h("当月金额（元）", "Amount (yuan)"),
        h("提示", "Thresholds"),
    ]);
    for MonthScore { engineer, halves, fen, thresholds, .. } in &month.scores {
        let flags: Vec<&str> = thresholds.iter().map(|t| words::threshold(lang, *t)).collect();
        out += &row(&[engineer.clone(), points(*halves), yuan(*fen), flags.join("; ")]);
    }
    (file_name(month.month), out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{Deduction, Evidence, Reason, Threshold};
    use crate::ids::JobId;
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    #[test]
    fn the_payroll_file_opens_in_a_spreadsheet() {
        let zone = FixedOffset::east_opt(8 * 3600).unwrap();
        let d = Deduction {
            engineer: "wang.fang".into(),
            job: JobId(Uuid::from_u128(1)),
            reason: Reason::Contact,
            halves: 1,
            fen: 0,
            at: Utc.with_ymd_and_hms(2026, 12, 4, 1, 10, 0).unwrap(),
            event: None,
            evidence: Evidence::Verified,
        };
        let month = AssessmentMonth {
            month: Month { year: 2026, month: 12 },
            scores: vec![MonthScore {
                engineer: "wang.fang".into(),
                month: Month { year: 2026, month: 12 },
                halves: 5,
                fen: 25_000 + 20_000,
                thresholds: vec![Threshold::TwoPointsInAMonth],
            }],
            deductions: vec![DeductionLine {
                key: d.key(),
                deduction: d,
                customer: "=张伟, \"老客户\"".into(),
                counted: true,
                decision: None,
            }],
        };
        let (name, text) = csv(&month, Lang::Zh, zone);
        assert_eq!(name, "onsite-assessment-2026-12.csv");
        assert!(text.starts_with('\u{feff}'), "a byte-order mark for spreadsheets");
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "工程师,日期,工单,客户,扣分原因,扣分,金额（元）,核实,计入,经理决定");
        assert_eq!(
            lines[1],
            "wang.fang,2026-12-04 09:10,00000000-0000-0000-0000-000000000001,\"'=张伟, \"\"老客户\"\"\",10分钟内未联系用户,0.5,50.00,已核实,是,"
        );
        assert_eq!(lines[4], "wang.fang,2.5,450.00,当月扣满2分（自动离职）");
    }
}
