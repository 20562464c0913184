//! What a tenant's SMS may cost it: how many messages per user, company and tenant an hour and a
//! day (counted before sending, in fixed windows), and which calling codes they may go to.

use chrono::{DateTime, Duration, DurationRound, Utc};

use crate::DomainError;

/// How many SMS may go out in each window. Fixed windows (the clock hour, the UTC day) let a
/// burst straddling a boundary send up to twice a limit; the daily limits bound that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsLimits {
    pub user_hour: i32,
    pub user_day: i32,
    pub company_hour: i32,
    pub company_day: i32,
    pub tenant_hour: i32,
    pub tenant_day: i32,
}

impl Default for SmsLimits {
    fn default() -> Self {
        Self { user_hour: 5, user_day: 10, company_hour: 30, company_day: 100, tenant_hour: 200, tenant_day: 1000 }
    }
}

/// Who an SMS is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsScope {
    User(i64),
    Company(i64),
    Tenant(i64),
}

/// One counter an SMS takes a unit of: its key, its limit and when its window ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsWindow {
    pub key: String,
    pub limit: i32,
    pub ends_at: DateTime<Utc>,
}

impl SmsLimits {
    /// The counters an SMS at `now` counts against: an hour and a day for each scope.
    pub fn windows(&self, scopes: &[SmsScope], now: DateTime<Utc>) -> Vec<SmsWindow> {
        let mut out = Vec::with_capacity(scopes.len() * 2);
        for scope in scopes {
            let (name, id, hour, day) = match *scope {
                SmsScope::User(id) => ("user", id, self.user_hour, self.user_day),
                SmsScope::Company(id) => ("company", id, self.company_hour, self.company_day),
                SmsScope::Tenant(id) => ("tenant", id, self.tenant_hour, self.tenant_day),
            };
            for (span, len, limit) in [("h", Duration::hours(1), hour), ("d", Duration::days(1), day)] {
                // Truncating to a whole hour or day cannot fail for a time of this era.
                let start = now.duration_trunc(len).unwrap_or(now);
                out.push(SmsWindow {
                    key: format!("{name}:{id}:{span}:{}", start.timestamp()),
                    limit,
                    ends_at: start + len,
                });
            }
        }
        out
    }
}

/// A phone number reduced to `+` and digits (`00` read as `+`), as calling-code prefixes match
/// it; a national number (no `+` or `00`) has no calling code.
pub fn international(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let trimmed = phone.trim_start();
    if trimmed.starts_with('+') {
        Some(format!("+{digits}"))
    } else {
        digits.strip_prefix("00").map(|rest| format!("+{rest}"))
    }
}

/// A list of allowed calling-code prefixes, each `+` and 1 to 6 digits (`+41`, `+1`, `+4420`);
/// at most 100, duplicates dropped.
pub fn parse_prefixes(input: &[String]) -> Result<Vec<String>, DomainError> {
    if input.len() > 100 {
        return Err(DomainError::new("allowed_calling_codes", "rule-calling-codes-at-most").arg("max", 100));
    }
    let mut out: Vec<String> = Vec::with_capacity(input.len());
    for raw in input {
        let value = raw.trim();
        let valid = value
            .strip_prefix('+')
            .is_some_and(|d| (1..=6).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()));
        if !valid {
            return Err(
                DomainError::new("allowed_calling_codes", "rule-calling-code").arg("value", format!("{value:?}"))
            );
        }
        if !out.iter().any(|p| p == value) {
            out.push(value.to_owned());
        }
    }
    Ok(out)
}

/// Whether an SMS may go to `phone`: anywhere when the tenant set no list, otherwise only to an
/// international number that starts with one of the prefixes.
pub fn destination_allowed(phone: &str, prefixes: Option<&[String]>) -> bool {
    match prefixes {
        None => true,
        Some(list) => international(phone).is_some_and(|number| list.iter().any(|p| number.starts_with(p.as_str()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_the_clock_hour_and_the_day_per_scope() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 10, 42, 5).unwrap();
        let limits = SmsLimits::default();
        let w = limits.windows(&[SmsScope::User(3), SmsScope::Tenant(1)], now);
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].limit, 5);
        assert_eq!(w[0].ends_at, Utc.with_ymd_and_hms(2026, 12, 7, 11, 0, 0).unwrap());
        assert_eq!(w[1].limit, 10);
        assert_eq!(w[1].ends_at, Utc.with_ymd_and_hms(2026, 12, 8, 0, 0, 0).unwrap());
        assert!(w[0].key.starts_with("user:3:h:"));
        assert!(w[3].key.starts_with("tenant:1:d:"));
        // The same window a minute later is the same counter; the next hour is another.
        let later = limits.windows(&[SmsScope::User(3)], now + Duration::minutes(1));
        assert_eq!(later[0].key, w[0].key);
        let next = limits.windows(&[SmsScope::User(3)], now + Duration::hours(1));
        assert_ne!(next[0].key, w[0].key);
        assert_eq!(next[1].key, w[1].key);
    }

    #[test]
    fn prefixes_parse_strictly() {
        let ok = parse_prefixes(&["+41".into(), " +33 ".into(), "+41".into()]).unwrap();
        assert_eq!(ok, ["+41", "+33"]);
        for bad in ["41", "+", "+1234567", "+4a", "0041"] {
            assert!(parse_prefixes(&[bad.into()]).is_err(), "{bad}");
        }
        assert!(parse_prefixes(&vec!["+1".to_owned(); 101]).is_err());
    }

    #[test]
    fn destinations_follow_the_list() {
        let list = vec!["+41".to_owned(), "+33".to_owned()];
        assert!(destination_allowed("+41 79 555 12 34", Some(&list)));
        assert!(destination_allowed("0041 79 555 12 34", Some(&list)));
        assert!(destination_allowed("+33 6 12 34 56 78", Some(&list)));
        assert!(!destination_allowed("+44 7700 900123", Some(&list)));
        assert!(!destination_allowed("079 555 12 34", Some(&list)), "a national number has no calling code");
        assert!(destination_allowed("079 555 12 34", None));
        assert!(!destination_allowed("+41 1", Some(&[])), "an empty list allows nothing");
    }
}
