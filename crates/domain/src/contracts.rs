//! Block-hour and retainer contracts of a company and the time entries that used them. A block
//! of hours counts minutes; a retainer counts minor units of its currency. What remains is what
//! was purchased less what was used, and goes below zero when the contract is overdrawn. Customers
//! read them with the invoice permission (`invoices::may_read`): they are billing reports.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::settings::{PortalSettings, NEUTRAL_STAFF_NAME};
use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    /// A block of hours.
    Hours,
    /// An amount of money.
    Retainer,
}

impl ContractKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hours => "hours",
            Self::Retainer => "retainer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Hours, Self::Retainer].into_iter().find(|k| k.as_str() == s)
    }
}

/// A contract of a company.
#[derive(Debug, Clone)]
pub struct Contract {
    pub id: i64,
    pub company_id: crate::ids::CompanyId,
    pub psa_id: Option<String>,
    pub fields: ContractFields,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Rises with every write; sent as the ETag and checked against If-Match.
    pub version: i64,
}

/// What the PSA or staff set on a contract. `purchased` and `used` are minutes for a block of
/// hours and minor units of `currency` for a retainer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFields {
    pub name: String,
    pub kind: ContractKind,
    pub currency: Option<String>,
    pub period_start: NaiveDate,
    pub period_end: Option<NaiveDate>,
    pub purchased: i64,
    pub used: i64,
}

/// Work done for a company, against one of its contracts or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeEntry {
    pub id: i64,
    pub company_id: crate::ids::CompanyId,
    pub psa_id: Option<String>,
    pub contract_id: Option<i64>,
    pub worked_on: NaiveDate,
    pub minutes: i64,
    pub description: String,
    pub technician_name: Option<String>,
    /// The ticket or project it was recorded on, as the PSA names them.
    pub ticket_ref: Option<String>,
    pub project_ref: Option<String>,
    pub billable: bool,
}

/// Minutes in a number of hours given with at most two decimals (1.25 -> 75), 0 to 100,000 hours.
pub fn minutes(field: &'static str, hours: f64) -> Result<i64, DomainError> {
    let hundredths = hours * 100.0;
    if !hours.is_finite()
        || !(0.0..=10_000_000.0).contains(&hundredths)
        || (hundredths - hundredths.round()).abs() > 1e-6
    {
        return Err(DomainError::new(field, "rule-hours"));
    }
    Ok((hundredths.round() as i64 * 60 + 50) / 100)
}

/// Hours of a number of minutes, for display.
pub fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// What is left of a contract: negative when it is overdrawn.
pub fn remaining(purchased: i64, used: i64) -> i64 {
    purchased - used
}

/// A contract's period: it ends on or after it starts.
pub fn period(start: NaiveDate, end: Option<NaiveDate>) -> Result<(), DomainError> {
    match end {
        Some(end) if end < start => Err(DomainError::new("period_end", "rule-not-before").arg("other", "period_start")),
        _ => Ok(()),
    }
}

/// A month written YYYY-MM: its first day and the first day of the next.
pub fn month(value: &str) -> Result<(NaiveDate, NaiveDate), DomainError> {
    let refuse = || DomainError::new("month", "rule-month");
    let first = NaiveDate::parse_from_str(&format!("{}-01", value.trim()), "%Y-%m-%d").map_err(|_| refuse())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(refuse)?;
    Ok((first, next))
}

/// The technician's name customers see on a time entry: the name where the company shows
/// technician names, else the neutral name (staff always see the name).
pub fn technician_shown(name: Option<&str>, settings: &PortalSettings, staff: bool) -> Option<String> {
    let name = name?;
    Some(if staff || settings.shows_name_of(true) { name.to_owned() } else { NEUTRAL_STAFF_NAME.to_owned() })
}

/// A month's time entries of a contract, summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthTotals {
    pub entries: i64,
    pub minutes: i64,
    pub billable_minutes: i64,
}

/// Sums `(minutes, billable)` entries.
pub fn totals(entries: impl IntoIterator<Item = (i64, bool)>) -> MonthTotals {
    entries.into_iter().fold(MonthTotals::default(), |mut t, (minutes, billable)| {
        t.entries += 1;
        t.minutes += minutes;
        if billable {
            t.billable_minutes += minutes;
        }
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn hours_are_counted_in_minutes() {
        assert_eq!(minutes("h", 1.25).unwrap(), 75);
        assert_eq!(minutes("h", 0.1).unwrap(), 6);
        assert_eq!(minutes("h", 40.0).unwrap(), 2400);
        assert!(minutes("h", 1.255).is_err());
        assert!(minutes("h", -1.0).is_err());
        assert!(minutes("h", f64::INFINITY).is_err());
        assert_eq!(hours(75), 1.25);
    }

    #[test]
    fn what_remains_goes_below_zero_when_overdrawn() {
        assert_eq!(remaining(2400, 600), 1800);
        assert_eq!(remaining(600, 660), -60);
    }

    #[test]
    fn a_period_ends_on_or_after_its_start() {
        assert!(period(day("2026-01-01"), Some(day("2026-12-31"))).is_ok());
        assert!(period(day("2026-01-01"), Some(day("2026-01-01"))).is_ok());
        assert!(period(day("2026-01-01"), None).is_ok());
        assert_eq!(period(day("2026-02-01"), Some(day("2026-01-31"))).unwrap_err().field, "period_end");
    }

    #[test]
    fn a_month_runs_to_the_first_of_the_next() {
        assert_eq!(month("2026-11").unwrap(), (day("2026-11-01"), day("2026-12-01")));
        assert_eq!(month("2026-12").unwrap(), (day("2026-12-01"), day("2027-01-01")));
        for bad in ["2026-13", "2026", "11-2026", "2026-11-01"] {
            assert!(month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn technician_names_follow_the_company_setting_for_customers_only() {
        let mut settings = PortalSettings { technician_names_shown: true, ..Default::default() };
        assert_eq!(technician_shown(Some("Tom Tech"), &settings, false).as_deref(), Some("Tom Tech"));
        settings.technician_names_shown = false;
        assert_eq!(technician_shown(Some("Tom Tech"), &settings, false).as_deref(), Some(NEUTRAL_STAFF_NAME));
        assert_eq!(technician_shown(Some("Tom Tech"), &settings, true).as_deref(), Some("Tom Tech"));
        assert_eq!(technician_shown(None, &settings, false), None);
    }

    #[test]
    fn totals_sum_all_and_billable_minutes() {
        assert_eq!(
            totals([(60, true), (30, false), (15, true)]),
            MonthTotals { entries: 3, minutes: 105, billable_minutes: 75 }
        );
        assert_eq!(totals([]), MonthTotals::default());
    }
}
