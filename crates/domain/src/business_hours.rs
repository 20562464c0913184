//! Business hours: weekly opening hours in a time zone, less holidays. SLA clocks run only while
//! a calendar is open.
//!
//! Opening hours are local wall-clock times, so a day of a 24-hour calendar lasts 23 or 25 hours
//! across a daylight-saving change. A local time that does not exist (the hour skipped in spring)
//! is read as the first instant after the gap; one that exists twice (autumn) as the earlier.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::DomainError;

/// Minutes in a day; an opening interval ends at most at the next midnight.
pub const DAY_MINUTES: u16 = 24 * 60;

/// How far a calculation looks ahead for opening hours before it gives up: a calendar closed for
/// longer than this (a year of holidays) has no due date.
const HORIZON_DAYS: i64 = 400;

/// One opening interval of a weekday, in minutes after local midnight: `start < end <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Opening {
    pub start: u16,
    pub end: u16,
}

/// A calendar: its zone, the opening intervals of each weekday (Monday first) and its holidays.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    zone: Tz,
    week: [Vec<Opening>; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar whose intervals are sorted, non-overlapping and within the day, with at least
    /// one opening hour in the week.
    pub fn new(zone: Tz, mut week: [Vec<Opening>; 7], holidays: BTreeSet<NaiveDate>) -> Result<Self, DomainError> {
        for day in &mut week {
            day.sort();
            if day.iter().any(|o| o.start >= o.end || o.end > DAY_MINUTES) {
                return Err(DomainError::new("hours", "rule-hours-interval"));
            }
            if day.windows(2).any(|pair| pair[0].end > pair[1].start) {
                return Err(DomainError::new("hours", "rule-hours-overlap"));
            }
        }
        if week.iter().all(Vec::is_empty) {
            return Err(DomainError::new("hours", "rule-hours-empty-week"));
        }
        Ok(Self { zone, week, holidays })
    }

    /// Open around the clock, every day, in UTC.
    pub fn always_open() -> Self {
        let day = || vec![Opening { start: 0, end: DAY_MINUTES }];
        Self { zone: Tz::UTC, week: std::array::from_fn(|_| day()), holidays: BTreeSet::new() }
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The opening intervals of each weekday, Monday first, sorted.
    pub fn week(&self) -> &[Vec<Opening>; 7] {
        &self.week
    }

    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// The open spans of one local date, as instants.
    fn spans(&self, date: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let openings: &[Opening] = if self.holidays.contains(&date) {
            &[]
        } else {
            &self.week[date.weekday().num_days_from_monday() as usize]
        };
        openings.iter().map(move |o| (self.instant(date, o.start), self.instant(date, o.end)))
    }

    /// The instant of a local date and minute of the day (1440 is the next midnight).
    fn instant(&self, date: NaiveDate, minute: u16) -> DateTime<Utc> {
        let local: NaiveDateTime = date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(minute));
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
            // In a spring-forward gap: the wall clock jumps past it, so does the opening.
            LocalResult::None => {
                let mut probe = local;
                loop {
                    probe += Duration::minutes(1);
                    if let Some(at) = self.zone.from_local_datetime(&probe).earliest() {
                        break at.with_timezone(&Utc);
                    }
                }
            }
        }
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }
}

/// Business time over a calendar: how much passed between two instants, and when an amount of it
/// has passed after one.
pub trait BusinessTime {
    /// The open time between two instants (zero when `to` is not after `from`).
    fn open_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration;

    /// The instant at which `open` time has passed after `from`; `None` when the calendar stays
    /// closed past the horizon.
    fn after_open(&self, from: DateTime<Utc>, open: Duration) -> Option<DateTime<Utc>>;
}

impl BusinessTime for Calendar {
    fn open_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            for (start, end) in self.spans(date) {
                let (start, end) = (start.max(from), end.min(to));
                if end > start {
                    total += end - start;
                }
            }
            date += Duration::days(1);
        }
        total
    }

    fn after_open(&self, from: DateTime<Utc>, open: Duration) -> Option<DateTime<Utc>> {
        let mut left = open;
        let first = self.local_date(from);
        for offset in 0..HORIZON_DAYS {
            for (start, end) in self.spans(first + Duration::days(offset)) {
                let start = start.max(from);
                if end <= start {
                    continue;
                }
                if end - start >= left {
                    return Some(start + left);
                }
                left -= end - start;
            }
        }
        None
    }
}

/// An open span of a timeline and the open time of the timeline before it, in microseconds
/// (since 1970 for the instants): a search compares plain integers.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: i64,
    end: i64,
    before: i64,
}

/// A calendar's open spans over a stretch of dates, worked out once: business time within the
/// stretch is then a binary search instead of time-zone arithmetic per day, which is what a
/// month's SLA report over thousands of tickets costs. Outside the stretch it asks the calendar,
/// so both always answer the same.
#[derive(Debug, Clone)]
pub struct Timeline {
    calendar: Calendar,
    /// The instants the spans cover: local midnight of the first date to that after the last.
    covers: (i64, i64),
    spans: Vec<Span>,
    /// For each 24 hours from the start of `covers`, the first span that ends after it begins:
    /// a lookup starts there and steps over a day's few spans.
    daily: Vec<usize>,
}

const DAY_MICROS: i64 = 24 * 3600 * 1_000_000;

impl Timeline {
    pub fn new(calendar: Calendar, first: NaiveDate, last: NaiveDate) -> Self {
        let mut spans = Vec::new();
        let mut before = 0;
        let mut date = first;
        while date <= last {
            for (start, end) in calendar.spans(date) {
                let (start, end) = (start.timestamp_micros(), end.timestamp_micros());
                spans.push(Span { start, end, before });
                before += end - start;
            }
            date += Duration::days(1);
        }
        let covers =
            (calendar.instant(first, 0).timestamp_micros(), calendar.instant(last, DAY_MINUTES).timestamp_micros());
        let days = (covers.1 - covers.0) / DAY_MICROS + 1;
        let daily = (0..=days).map(|d| spans.partition_point(|s: &Span| s.end <= covers.0 + d * DAY_MICROS)).collect();
        Self { calendar, covers, spans, daily }
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The instant in microseconds, if the spans cover it.
    fn covered(&self, at: DateTime<Utc>) -> Option<i64> {
        let at = at.timestamp_micros();
        (self.covers.0 <= at && at <= self.covers.1).then_some(at)
    }

    /// The open time from the start of the timeline to `at` (within it).
    fn open_until(&self, at: i64) -> i64 {
        let mut i = self.daily[((at - self.covers.0) / DAY_MICROS) as usize];
        while self.spans.get(i).is_some_and(|s| s.end <= at) {
            i += 1;
        }
        match self.spans.get(i) {
            Some(s) => s.before + (at - s.start).max(0),
            None => self.spans.last().map_or(0, |s| s.before + (s.end - s.start)),
        }
    }
}

impl BusinessTime for Timeline {
    fn open_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        match (self.covered(from), self.covered(to)) {
            (Some(from), Some(to)) => Duration::microseconds(self.open_until(to) - self.open_until(from)),
            _ => self.calendar.open_between(from, to),
        }
    }

    fn after_open(&self, from: DateTime<Utc>, open: Duration) -> Option<DateTime<Utc>> {
        let (Some(at), Some(open_us)) = (self.covered(from), open.num_microseconds()) else {
            return self.calendar.after_open(from, open);
        };
        let target = self.open_until(at) + open_us;
        // The first span that ends after `from` and by whose end the target is reached.
        let i = self.spans.partition_point(|s| s.end <= at || s.before + (s.end - s.start) < target);
        let horizon = Duration::days(HORIZON_DAYS - 2).num_microseconds().unwrap_or(i64::MAX);
        match self.spans.get(i) {
            Some(s) if s.start - at <= horizon => DateTime::from_timestamp_micros(s.start + (target - s.before)),
            // Past the stretch, or far enough to meet the calendar's horizon: as the calendar says.
            _ => self.calendar.after_open(from, open),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn hours(start: u16, end: u16) -> Opening {
        Opening { start: start * 60, end: end * 60 }
    }

    /// Monday to Friday 09:00-12:00 and 13:00-17:00 in Paris, with the given holidays.
    fn paris(holidays: &[&str]) -> Calendar {
        let workday = || vec![hours(9, 12), hours(13, 17)];
        let week = [workday(), workday(), workday(), workday(), workday(), vec![], vec![]];
        let holidays = holidays.iter().map(|d| d.parse().unwrap()).collect();
        Calendar::new(chrono_tz::Europe::Paris, week, holidays).unwrap()
    }

    #[test]
    fn open_time_counts_only_opening_hours() {
        let cal = paris(&[]);
        // Monday 2026-03-02, 10:00 to 14:00 Paris (UTC+1): 2 h before lunch, 1 h after.
        assert_eq!(cal.open_between(at("2026-03-02T09:00:00Z"), at("2026-03-02T13:00:00Z")), Duration::hours(3));
        // Outside hours on both ends: the whole Monday.
        assert_eq!(cal.open_between(at("2026-03-02T05:00:00Z"), at("2026-03-02T20:00:00Z")), Duration::hours(7));
        assert_eq!(cal.open_between(at("2026-03-02T20:00:00Z"), at("2026-03-02T05:00:00Z")), Duration::zero());
    }

    #[test]
    fn a_ticket_opened_outside_hours_starts_at_the_next_opening() {
        let cal = paris(&[]);
        // Monday 20:00 Paris: one open hour later is Tuesday 10:00 Paris (09:00 UTC).
        assert_eq!(cal.after_open(at("2026-03-02T19:00:00Z"), Duration::hours(1)), Some(at("2026-03-03T09:00:00Z")));
        // Exactly at an opening boundary.
        assert_eq!(cal.after_open(at("2026-03-02T08:00:00Z"), Duration::hours(3)), Some(at("2026-03-02T11:00:00Z")));
        assert_eq!(cal.after_open(at("2026-03-02T08:00:00Z"), Duration::zero()), Some(at("2026-03-02T08:00:00Z")));
    }

    #[test]
    fn a_weekend_does_not_count() {
        let cal = paris(&[]);
        // Friday 2026-03-06 16:00 Paris + 2 open hours: 1 on Friday, 1 on Monday from 09:00.
        let due = cal.after_open(at("2026-03-06T15:00:00Z"), Duration::hours(2)).unwrap();
        assert_eq!(due, at("2026-03-09T09:00:00Z"));
        assert_eq!(cal.open_between(at("2026-03-06T15:00:00Z"), due), Duration::hours(2));
    }

    #[test]
    fn a_holiday_does_not_count() {
        // Monday 2026-04-06 is Easter Monday.
        let cal = paris(&["2026-04-06"]);
        let due = cal.after_open(at("2026-04-03T14:00:00Z"), Duration::hours(2)).unwrap();
        // Friday 16:00-17:00 Paris (UTC+2) is one hour; the other is Tuesday 09:00-10:00.
        assert_eq!(due, at("2026-04-07T08:00:00Z"));
        assert_eq!(cal.open_between(at("2026-04-06T00:00:00Z"), at("2026-04-07T00:00:00Z")), Duration::zero());
    }

    #[test]
    fn opening_hours_follow_the_wall_clock_across_daylight_saving() {
        let cal = paris(&[]);
        // Paris moves to UTC+2 on Sunday 2026-03-29: Friday 16:00 (15:00 UTC) plus 2 h is Monday
        // 10:00 local, now 08:00 UTC.
        assert_eq!(cal.after_open(at("2026-03-27T15:00:00Z"), Duration::hours(2)), Some(at("2026-03-30T08:00:00Z")));
        // The open hours of that week are 35 in all.
        assert_eq!(cal.open_between(at("2026-03-23T00:00:00Z"), at("2026-03-30T00:00:00Z")), Duration::hours(35));
    }

    #[test]
    fn a_day_around_the_clock_lasts_23_or_25_hours_at_a_change() {
        let day = || vec![Opening { start: 0, end: DAY_MINUTES }];
        let cal = Calendar::new(chrono_tz::Europe::Paris, std::array::from_fn(|_| day()), BTreeSet::new()).unwrap();
        let spring = cal.open_between(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z"));
        assert_eq!(spring, Duration::hours(23));
        let autumn = cal.open_between(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z"));
        assert_eq!(autumn, Duration::hours(25));
        // An opening in the skipped hour starts when the clock resumes.
        let week = std::array::from_fn(|_| vec![Opening { start: 150, end: 240 }]);
        let night = Calendar::new(chrono_tz::Europe::Paris, week, BTreeSet::new()).unwrap();
        // 02:30-04:00 local on 2026-03-29: 02:30 does not exist, so 03:00 local (01:00 UTC).
        let (start, end) = night.spans("2026-03-29".parse().unwrap()).next().unwrap();
        assert_eq!((start, end), (at("2026-03-29T01:00:00Z"), at("2026-03-29T02:00:00Z")));
    }

    #[test]
    fn a_calendar_is_open_some_time_and_its_intervals_are_sound() {
        let empty: [Vec<Opening>; 7] = Default::default();
        assert!(Calendar::new(Tz::UTC, empty, BTreeSet::new()).is_err());
        let mut week: [Vec<Opening>; 7] = Default::default();
        week[0] = vec![hours(9, 12), hours(11, 14)];
        assert!(Calendar::new(Tz::UTC, week.clone(), BTreeSet::new()).is_err());
        week[0] = vec![hours(12, 9)];
        assert!(Calendar::new(Tz::UTC, week.clone(), BTreeSet::new()).is_err());
        week[0] = vec![Opening { start: 0, end: DAY_MINUTES + 1 }];
        assert!(Calendar::new(Tz::UTC, week, BTreeSet::new()).is_err());
    }

    #[test]
    fn a_calendar_closed_past_the_horizon_has_no_due_date() {
        let mut week: [Vec<Opening>; 7] = Default::default();
        week[0] = vec![hours(9, 10)];
        let every_monday: BTreeSet<NaiveDate> =
            (0..60).map(|w| NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::weeks(w)).collect();
        let cal = Calendar::new(Tz::UTC, week, every_monday).unwrap();
        assert_eq!(cal.after_open(at("2026-01-01T00:00:00Z"), Duration::minutes(1)), None);
    }

    #[test]
    fn a_timeline_answers_as_its_calendar_inside_its_stretch_and_beyond() {
        // Paris office hours over the spring and autumn changes with a holiday, a calendar
        // open around the clock in New York, and one open on Sundays only.
        let sundays = Calendar::new(
            chrono_tz::Europe::Paris,
            [vec![], vec![], vec![], vec![], vec![], vec![], vec![hours(10, 12)]],
            BTreeSet::new(),
        )
        .unwrap();
        let around_the_clock = Calendar::new(
            chrono_tz::America::New_York,
            std::array::from_fn(|_| vec![Opening { start: 0, end: DAY_MINUTES }]),
            BTreeSet::new(),
        )
        .unwrap();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        for calendar in [paris(&["2026-04-06", "2026-10-26"]), around_the_clock, sundays] {
            let timeline = Timeline::new(calendar.clone(), day("2026-03-20"), day("2026-11-05"));
            let opens = [0, 1, 59, 60, 61, 600, 4 * 24 * 60, 40 * 24 * 60].map(Duration::minutes);
            // Instants every 7 h 13 min from before the stretch to after it.
            let mut from = at("2026-03-10T00:00:00Z");
            while from < at("2026-11-20T00:00:00Z") {
                for open in opens {
                    assert_eq!(timeline.after_open(from, open), calendar.after_open(from, open), "{from} + {open}");
                }
                for hours_later in [0, 1, 5, 30, 200, 2000] {
                    let to = from + Duration::hours(hours_later) + Duration::minutes(17);
                    assert_eq!(timeline.open_between(from, to), calendar.open_between(from, to), "{from} to {to}");
                }
                from += Duration::minutes(7 * 60 + 13);
            }
        }
    }
}
