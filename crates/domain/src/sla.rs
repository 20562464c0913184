//! SLA: what the provider promised for a ticket and whether it holds, computed from the ticket's
//! history and the plan's business hours, never taken from input.
//!
//! - Two targets per priority, in business time: first response and resolution.
//! - The first-response clock runs from opening until the first public staff reply, or until the
//!   ticket is resolved or closed (the resolution answers the customer). Pause statuses do not
//!   stop it: a pause waits on the customer, which presumes the provider has answered.
//! - The resolution clock runs while the ticket is neither closed nor in one of the plan's pause
//!   statuses; it stops at `resolved` or `closed` and resumes with its time so far on a reopen.
//! - A target is judged against the target of the priority in force when it is met, or now while
//!   it runs: a priority raised mid-way shortens the target, counted from the opening.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::business_hours::BusinessTime;
use crate::tickets::{Priority, Status};
use crate::DomainError;

/// The longest target a plan may promise: a year of business minutes.
pub const MAX_TARGET_MINUTES: i64 = 366 * 24 * 60;

/// The business time a priority is promised, for each target; `None` promises nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Targets {
    pub first_response: Option<Duration>,
    pub resolution: Option<Duration>,
}

/// An SLA plan: targets per priority and the statuses that pause the resolution clock.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub targets: BTreeMap<Priority, Targets>,
    pub pause_statuses: Vec<Status>,
}

impl Plan {
    /// A plan whose targets are between a minute and a year, and whose pause statuses are open
    /// ones: `resolved` and `closed` stop the clock already.
    pub fn new(targets: BTreeMap<Priority, Targets>, mut pause_statuses: Vec<Status>) -> Result<Self, DomainError> {
        let sound = |t: Option<Duration>| t.is_none_or(|t| (1..=MAX_TARGET_MINUTES).contains(&t.num_minutes()));
        if !targets.values().all(|t| sound(t.first_response) && sound(t.resolution)) {
            return Err(DomainError::new("targets", "rule-sla-targets").arg("max", MAX_TARGET_MINUTES));
        }
        if pause_statuses.iter().any(|s| s.is_closed()) {
            return Err(DomainError::new("pause_statuses", "rule-sla-pause-closed"));
        }
        pause_statuses.sort();
        pause_statuses.dedup();
        Ok(Self { targets, pause_statuses })
    }

    fn targets(&self, priority: Priority) -> Targets {
        self.targets.get(&priority).copied().unwrap_or_default()
    }
}

/// What happened to a ticket that moves its clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Status(Status),
    Priority(Priority),
    /// A public note by staff.
    StaffReply,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub change: Change,
}

/// A ticket's history as the SLA reads it: how it was opened and what changed since, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub opened_at: DateTime<Utc>,
    pub status: Status,
    pub priority: Priority,
    pub events: Vec<Event>,
}

/// A line of a ticket's recorded history that the SLA reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Status {
        old: Status,
        new: Status,
    },
    Priority {
        old: Priority,
        new: Priority,
    },
    ProviderPriority {
        old: Option<Priority>,
        new: Option<Priority>,
    },
    /// A public note; only one written by staff answers the customer.
    PublicNote {
        by_staff: bool,
    },
}

impl History {
    /// The history of a ticket opened at `opened_at` and now as `now_as` says (status, priority,
    /// provider priority), from its recorded lines, oldest first. The SLA follows the provider's
    /// priority where staff set one, the requester's otherwise.
    pub fn from_record(
        opened_at: DateTime<Utc>,
        now_as: (Status, Priority, Option<Priority>),
        lines: &[(DateTime<Utc>, Recorded)],
    ) -> Self {
        let (mut status, mut priority, mut provider) = now_as;
        // What the ticket was opened with: the old value of the first change of each field.
        for (_, line) in lines.iter().rev() {
            match *line {
                Recorded::Status { old, .. } => status = old,
                Recorded::Priority { old, .. } => priority = old,
                Recorded::ProviderPriority { old, .. } => provider = old,
                Recorded::PublicNote { .. } => {}
            }
        }
        let opened = (status, provider.unwrap_or(priority));
        let mut events = Vec::with_capacity(lines.len());
        for &(at, line) in lines {
            let before = provider.unwrap_or(priority);
            let change = match line {
                Recorded::Status { new, .. } => Some(Change::Status(new)),
                Recorded::Priority { new, .. } => {
                    priority = new;
                    None
                }
                Recorded::ProviderPriority { new, .. } => {
                    provider = new;
                    None
                }
                Recorded::PublicNote { by_staff } => by_staff.then_some(Change::StaffReply),
            };
            let after = provider.unwrap_or(priority);
            let change = change.or((after != before).then_some(Change::Priority(after)));
            events.extend(change.map(|change| Event { at, change }));
        }
        Self { opened_at, status: opened.0, priority: opened.1, events }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    Running,
    Paused,
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not reached yet, and still within its target.
    Pending,
    Met,
    Breached,
}

/// One target of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct TargetState {
    /// The promised business time, in minutes.
    pub target_minutes: i64,
    /// When the target is (or was) reached if the clock keeps its course; none while paused.
    pub due_at: Option<DateTime<Utc>>,
    /// When it was met or missed for good: the reply, or the resolution.
    pub completed_at: Option<DateTime<Utc>>,
    /// Business minutes left (negative once breached), at completion or now.
    pub remaining_minutes: i64,
    pub outcome: Outcome,
}

/// The SLA state of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct SlaState {
    /// The resolution clock.
    pub clock: Clock,
    pub first_response: Option<TargetState>,
    pub resolution: Option<TargetState>,
}

/// Which of a ticket's two targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    FirstResponse,
    Resolution,
}

impl SlaState {
    /// The targets missed, first response first.
    pub fn breaches(&self) -> impl Iterator<Item = (Target, TargetState)> {
        [(Target::FirstResponse, self.first_response), (Target::Resolution, self.resolution)]
            .into_iter()
            .filter_map(|(target, state)| state.filter(|s| s.outcome == Outcome::Breached).map(|s| (target, s)))
    }
}

/// A stretch of time in which neither clock changed course.
#[derive(Debug, Clone, Copy)]
struct Segment {
    start: DateTime<Utc>,
    /// `None` for the stretch that is still going on.
    end: Option<DateTime<Utc>>,
    first_running: bool,
    resolution_running: bool,
    /// The business time from start to end, worked out once for a segment that has ended and in
    /// which a clock runs (both clocks' walks read it).
    open: Option<Duration>,
}

/// One clock's walk over the segments.
struct Walk<'a, C> {
    calendar: &'a C,
    segments: &'a [Segment],
    now: DateTime<Utc>,
}

impl<C: BusinessTime> Walk<'_, C> {
    fn running(segment: &Segment, first: bool) -> bool {
        if first {
            segment.first_running
        } else {
            segment.resolution_running
        }
    }

    /// The business time the clock ran, up to `until`.
    fn elapsed(&self, first: bool, until: DateTime<Utc>) -> Duration {
        self.segments
            .iter()
            .filter(|s| Self::running(s, first))
            .map(|s| match (s.end, s.open) {
                (Some(end), Some(open)) if end <= until => open,
                _ => self.calendar.open_between(s.start, s.end.unwrap_or(until).min(until)),
            })
            .sum()
    }

    /// When the clock reaches `target`: in a segment behind us, or ahead if it still runs. For a
    /// target completed in time, when it would have been reached.
    fn due(&self, first: bool, target: Duration, completed: bool) -> Option<DateTime<Utc>> {
        let mut so_far = Duration::zero();
        let mut last_end = None;
        for segment in self.segments.iter().filter(|s| Self::running(s, first)) {
            let left = target - so_far;
            match segment.end {
                Some(end) => {
                    let open = segment.open.unwrap_or_else(|| self.calendar.open_between(segment.start, end));
                    if open >= left {
                        return self.calendar.after_open(segment.start, left);
                    }
                    so_far += open;
                    last_end = Some(end);
                }
                None => return self.calendar.after_open(segment.start, left),
            }
        }
        match (completed, last_end) {
            (true, Some(end)) => self.calendar.after_open(end, target - so_far),
            _ => None,
        }
    }

    fn state(&self, first: bool, target: Duration, completed_at: Option<DateTime<Utc>>) -> TargetState {
        let elapsed = self.elapsed(first, completed_at.unwrap_or(self.now));
        let remaining = target - elapsed;
        let outcome = match (completed_at, remaining < Duration::zero()) {
            (_, true) => Outcome::Breached,
            (Some(_), false) => Outcome::Met,
            (None, false) => Outcome::Pending,
        };
        TargetState {
            target_minutes: target.num_minutes(),
            due_at: self.due(first, target, completed_at.is_some()),
            completed_at,
            remaining_minutes: remaining.num_minutes(),
            outcome,
        }
    }
}

/// The SLA state of a ticket at `now`.
pub fn evaluate(plan: &Plan, calendar: &impl BusinessTime, history: &History, now: DateTime<Utc>) -> SlaState {
    let (mut status, mut priority) = (history.status, history.priority);
    let mut responded: Option<(DateTime<Utc>, Priority)> = None;
    // The resolution's completion: when and under which priority; cleared by a reopen.
    let mut resolved: Option<(DateTime<Utc>, Priority)> = None;
    let mut segments = Vec::with_capacity(history.events.len() + 1);
    let mut start = history.opened_at;
    let first_running = |responded: &Option<_>| responded.is_none();
    let resolution_running = |status: Status| !status.is_closed() && !plan.pause_statuses.contains(&status);

    for event in history.events.iter().filter(|e| e.at <= now) {
        let at = event.at.max(start);
        let (first, resolution) = (first_running(&responded), resolution_running(status));
        segments.push(Segment {
            start,
            end: Some(at),
            first_running: first,
            resolution_running: resolution,
            open: (first || resolution).then(|| calendar.open_between(start, at)),
        });
        start = at;
        match event.change {
            Change::Priority(p) => priority = p,
            Change::StaffReply => {
                responded.get_or_insert((at, priority));
            }
            Change::Status(s) => {
                status = s;
                if s.is_closed() {
                    responded.get_or_insert((at, priority));
                    resolved.get_or_insert((at, priority));
                } else {
                    resolved = None;
                }
            }
        }
    }
    segments.push(Segment {
        start,
        end: None,
        first_running: first_running(&responded),
        resolution_running: resolution_running(status),
        open: None,
    });

    let walk = Walk { calendar, segments: &segments, now };
    let first_priority = responded.map_or(priority, |(_, p)| p);
    let resolution_priority = resolved.map_or(priority, |(_, p)| p);
    SlaState {
        clock: if status.is_closed() {
            Clock::Stopped
        } else if resolution_running(status) {
            Clock::Running
        } else {
            Clock::Paused
        },
        first_response: plan
            .targets(first_priority)
            .first_response
            .map(|target| walk.state(true, target, responded.map(|(at, _)| at))),
        resolution: plan
            .targets(resolution_priority)
            .resolution
            .map(|target| walk.state(false, target, resolved.map(|(at, _)| at))),
    }
}

/// How one target fared over a set of tickets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ToSchema)]
pub struct Compliance {
    pub met: u64,
    pub breached: u64,
    /// Met among those decided (met or breached), in percent; none while nothing is decided.
    pub percent: Option<f64>,
}

impl Compliance {
    fn add(&mut self, state: Option<&TargetState>) {
        match state.map(|s| s.outcome) {
            Some(Outcome::Met) => self.met += 1,
            Some(Outcome::Breached) => self.breached += 1,
            Some(Outcome::Pending) | None => {}
        }
        let decided = self.met + self.breached;
        self.percent = (decided > 0).then(|| (self.met as f64 * 1000.0 / decided as f64).round() / 10.0);
    }
}

/// The compliance of a set of tickets (a company's month, say) with each target.
pub fn compliance<'a>(states: impl IntoIterator<Item = &'a SlaState>) -> (Compliance, Compliance) {
    let (mut first, mut resolution) = (Compliance::default(), Compliance::default());
    for state in states {
        first.add(state.first_response.as_ref());
        resolution.add(state.resolution.as_ref());
    }
    (first, resolution)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::business_hours::{Calendar, Opening};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// Monday to Friday 09:00-17:00 UTC.
    fn office() -> Calendar {
        let day = || vec![Opening { start: 9 * 60, end: 17 * 60 }];
        Calendar::new(chrono_tz::Tz::UTC, [day(), day(), day(), day(), day(), vec![], vec![]], BTreeSet::new()).unwrap()
    }

    /// Normal: answer within 1 business hour, resolve within 8; urgent: 15 minutes and 2 hours.
    fn plan() -> Plan {
        let targets = |first: i64, resolution: i64| Targets {
            first_response: Some(Duration::minutes(first)),
            resolution: Some(Duration::minutes(resolution)),
        };
        Plan {
            targets: BTreeMap::from([(Priority::Normal, targets(60, 480)), (Priority::Urgent, targets(15, 120))]),
            pause_statuses: vec![Status::WaitingCustomer],
        }
    }

    fn history(opened: &str, events: &[(&str, Change)]) -> History {
        History {
            opened_at: at(opened),
            status: Status::New,
            priority: Priority::Normal,
            events: events.iter().map(|(t, change)| Event { at: at(t), change: *change }).collect(),
        }
    }

    #[test]
    fn a_new_ticket_runs_both_clocks_from_the_opening() {
        // Monday 2026-03-02 10:00.
        let h = history("2026-03-02T10:00:00Z", &[]);
        let state = evaluate(&plan(), &office(), &h, at("2026-03-02T10:30:00Z"));
        assert_eq!(state.clock, Clock::Running);
        let first = state.first_response.unwrap();
        assert_eq!((first.outcome, first.remaining_minutes), (Outcome::Pending, 30));
        assert_eq!(first.due_at, Some(at("2026-03-02T11:00:00Z")));
        // 8 business hours from Monday 10:00 is Tuesday 10:00.
        assert_eq!(state.resolution.unwrap().due_at, Some(at("2026-03-03T10:00:00Z")));
    }

    #[test]
    fn a_ticket_opened_outside_hours_is_due_from_the_next_opening() {
        // Saturday 2026-03-07 22:00: nothing counts until Monday 09:00.
        let h = history("2026-03-07T22:00:00Z", &[]);
        let state = evaluate(&plan(), &office(), &h, at("2026-03-09T08:00:00Z"));
        let first = state.first_response.unwrap();
        assert_eq!((first.outcome, first.remaining_minutes), (Outcome::Pending, 60));
        assert_eq!(first.due_at, Some(at("2026-03-09T10:00:00Z")));
    }

    #[test]
    fn a_staff_reply_meets_the_first_response_and_a_late_one_breaches_it() {
        let on_time = history("2026-03-02T10:00:00Z", &[("2026-03-02T10:40:00Z", Change::StaffReply)]);
        let first = evaluate(&plan(), &office(), &on_time, at("2026-03-04T00:00:00Z")).first_response.unwrap();
        assert_eq!(first.outcome, Outcome::Met);
        assert_eq!((first.completed_at, first.remaining_minutes), (Some(at("2026-03-02T10:40:00Z")), 20));
        assert_eq!(first.due_at, Some(at("2026-03-02T11:00:00Z")));

        // Replied after the weekend: Friday 16:30 + 1 business hour was due Monday 09:30.
        let late = history("2026-03-06T16:30:00Z", &[("2026-03-09T10:00:00Z", Change::StaffReply)]);
        let first = evaluate(&plan(), &office(), &late, at("2026-03-10T00:00:00Z")).first_response.unwrap();
        assert_eq!((first.outcome, first.remaining_minutes), (Outcome::Breached, -30));
        assert_eq!(first.due_at, Some(at("2026-03-09T09:30:00Z")));
        // A second reply changes nothing.
        let mut twice = late.clone();
        twice.events.push(Event { at: at("2026-03-09T11:00:00Z"), change: Change::StaffReply });
        assert_eq!(evaluate(&plan(), &office(), &twice, at("2026-03-10T00:00:00Z")).first_response.unwrap(), first);
    }

    #[test]
    fn a_running_clock_past_its_target_is_breached_before_anything_happens() {
        let h = history("2026-03-02T10:00:00Z", &[]);
        let state = evaluate(&plan(), &office(), &h, at("2026-03-03T12:00:00Z"));
        let resolution = state.resolution.unwrap();
        assert_eq!(resolution.outcome, Outcome::Breached);
        assert_eq!(resolution.remaining_minutes, -120);
        assert_eq!(resolution.due_at, Some(at("2026-03-03T10:00:00Z")));
        assert_eq!(resolution.completed_at, None);
    }

    #[test]
    fn pauses_stop_the_resolution_clock_each_time_and_keep_its_time() {
        let h = history(
            "2026-03-02T09:00:00Z",
            &[
                ("2026-03-02T10:00:00Z", Change::StaffReply),
                ("2026-03-02T11:00:00Z", Change::Status(Status::WaitingCustomer)),
                ("2026-03-03T09:00:00Z", Change::Status(Status::Open)),
                ("2026-03-03T10:00:00Z", Change::Status(Status::WaitingCustomer)),
                ("2026-03-04T09:00:00Z", Change::Status(Status::InProgress)),
            ],
        );
        // While paused: no due date, the time left frozen at 8 h - 2 h - 1 h.
        let paused = evaluate(&plan(), &office(), &h, at("2026-03-03T15:00:00Z"));
        assert_eq!(paused.clock, Clock::Paused);
        let resolution = paused.resolution.unwrap();
        assert_eq!((resolution.due_at, resolution.remaining_minutes), (None, 300));
        assert_eq!(resolution.outcome, Outcome::Pending);
        // Resumed Wednesday 09:00 with 5 h left: due 14:00.
        let resumed = evaluate(&plan(), &office(), &h, at("2026-03-04T10:00:00Z"));
        assert_eq!(resumed.clock, Clock::Running);
        let resolution = resumed.resolution.unwrap();
        assert_eq!((resolution.due_at, resolution.remaining_minutes), (Some(at("2026-03-04T14:00:00Z")), 240));
        // The first response was met long before; pauses did not touch it.
        assert_eq!(resumed.first_response.unwrap().outcome, Outcome::Met);
    }

    #[test]
    fn resolving_stops_the_clock_and_a_reopen_resumes_it() {
        let h = history(
            "2026-03-02T09:00:00Z",
            &[
                ("2026-03-02T12:00:00Z", Change::Status(Status::Resolved)),
                ("2026-03-03T09:00:00Z", Change::Status(Status::Open)),
            ],
        );
        let resolved = evaluate(&plan(), &office(), &h, at("2026-03-02T20:00:00Z"));
        assert_eq!(resolved.clock, Clock::Stopped);
        let resolution = resolved.resolution.unwrap();
        assert_eq!((resolution.outcome, resolution.remaining_minutes), (Outcome::Met, 300));
        // Resolving also answered the customer.
        assert_eq!(resolved.first_response.unwrap().completed_at, Some(at("2026-03-02T12:00:00Z")));
        assert_eq!(resolved.first_response.unwrap().outcome, Outcome::Breached);

        // Reopened Tuesday 09:00 with 5 h left; at 15:00 it is breached by an hour.
        let reopened = evaluate(&plan(), &office(), &h, at("2026-03-03T15:00:00Z"));
        assert_eq!(reopened.clock, Clock::Running);
        let resolution = reopened.resolution.unwrap();
        assert_eq!((resolution.outcome, resolution.remaining_minutes), (Outcome::Breached, -60));
        assert_eq!(resolution.completed_at, None);
        assert_eq!(resolution.due_at, Some(at("2026-03-03T14:00:00Z")));
    }

    #[test]
    fn a_priority_raised_mid_way_shortens_the_target_from_the_opening() {
        let h = history("2026-03-02T09:00:00Z", &[("2026-03-02T09:10:00Z", Change::Priority(Priority::Urgent))]);
        let state = evaluate(&plan(), &office(), &h, at("2026-03-02T09:12:00Z"));
        let first = state.first_response.unwrap();
        assert_eq!((first.target_minutes, first.remaining_minutes), (15, 3));
        assert_eq!(first.due_at, Some(at("2026-03-02T09:15:00Z")));
        assert_eq!(state.resolution.unwrap().due_at, Some(at("2026-03-02T11:00:00Z")));

        // Raised after the shorter target had already passed: breached at once, due in the past.
        let late = history("2026-03-02T09:00:00Z", &[("2026-03-02T09:30:00Z", Change::Priority(Priority::Urgent))]);
        let first = evaluate(&plan(), &office(), &late, at("2026-03-02T09:31:00Z")).first_response.unwrap();
        assert_eq!((first.outcome, first.due_at), (Outcome::Breached, Some(at("2026-03-02T09:15:00Z"))));

        // A response met under the old priority stays judged by it.
        let met = history(
            "2026-03-02T09:00:00Z",
            &[
                ("2026-03-02T09:40:00Z", Change::StaffReply),
                ("2026-03-02T10:00:00Z", Change::Priority(Priority::Urgent)),
            ],
        );
        let first = evaluate(&plan(), &office(), &met, at("2026-03-02T11:00:00Z")).first_response.unwrap();
        assert_eq!((first.outcome, first.target_minutes), (Outcome::Met, 60));
    }

    #[test]
    fn a_priority_without_targets_has_no_state() {
        let mut h = history("2026-03-02T09:00:00Z", &[]);
        h.priority = Priority::Low;
        let state = evaluate(&plan(), &office(), &h, at("2026-03-02T10:00:00Z"));
        assert_eq!((state.first_response, state.resolution), (None, None));
        assert_eq!(state.clock, Clock::Running);
    }

    #[test]
    fn compliance_counts_decided_targets_only() {
        let h = |events: &[(&str, Change)]| history("2026-03-02T09:00:00Z", events);
        let now = at("2026-03-02T12:00:00Z");
        let states: Vec<SlaState> = [
            h(&[("2026-03-02T09:30:00Z", Change::StaffReply)]),
            h(&[("2026-03-02T11:00:00Z", Change::StaffReply)]),
            h(&[("2026-03-02T09:05:00Z", Change::StaffReply)]),
            h(&[]),
        ]
        .iter()
        .map(|h| evaluate(&plan(), &office(), h, now))
        .collect();
        let (first, resolution) = compliance(&states);
        // Two met, one replied late, one never replied and now past its hour.
        assert_eq!((first.met, first.breached, first.percent), (2, 2, Some(50.0)));
        assert_eq!((resolution.met, resolution.breached, resolution.percent), (0, 0, None));
    }

    #[test]
    fn a_holiday_and_a_weekend_do_not_count() {
        // Friday 2026-04-03 16:00; Monday 2026-04-06 is a holiday: 8 business hours are 1 on
        // Friday and 7 on Tuesday.
        let holidays = BTreeSet::from(["2026-04-06".parse().unwrap()]);
        let day = || vec![Opening { start: 9 * 60, end: 17 * 60 }];
        let week = [day(), day(), day(), day(), day(), vec![], vec![]];
        let cal = Calendar::new(chrono_tz::Tz::UTC, week, holidays).unwrap();
        let h = history("2026-04-03T16:00:00Z", &[]);
        let state = evaluate(&plan(), &cal, &h, at("2026-04-06T12:00:00Z"));
        let resolution = state.resolution.unwrap();
        assert_eq!(resolution.due_at, Some(at("2026-04-07T16:00:00Z")));
        assert_eq!((resolution.remaining_minutes, resolution.outcome), (420, Outcome::Pending));
    }

    #[test]
    fn due_dates_follow_the_calendars_wall_clock_across_daylight_saving() {
        // New York office hours 09:00-17:00; clocks go forward on Sunday 2026-03-08. Opened
        // Friday 16:00 EST (21:00 UTC): 8 business hours end Monday 16:00 EDT, 20:00 UTC.
        let day = || vec![Opening { start: 9 * 60, end: 17 * 60 }];
        let week = [day(), day(), day(), day(), day(), vec![], vec![]];
        let cal = Calendar::new(chrono_tz::America::New_York, week, BTreeSet::new()).unwrap();
        let h = history("2026-03-06T21:00:00Z", &[]);
        let state = evaluate(&plan(), &cal, &h, at("2026-03-09T13:00:00Z"));
        assert_eq!(state.resolution.unwrap().due_at, Some(at("2026-03-09T20:00:00Z")));
        // Opened Monday 08:30 EDT (12:30 UTC): the first hour ends at 10:00 EDT, 14:00 UTC.
        let monday = history("2026-03-09T12:30:00Z", &[]);
        let first = evaluate(&plan(), &cal, &monday, at("2026-03-09T13:00:00Z")).first_response.unwrap();
        assert_eq!((first.due_at, first.remaining_minutes), (Some(at("2026-03-09T14:00:00Z")), 60));
    }

    #[test]
    fn a_history_is_read_from_the_recorded_lines() {
        let lines = [
            (at("2026-03-02T09:10:00Z"), Recorded::PublicNote { by_staff: false }),
            (at("2026-03-02T09:20:00Z"), Recorded::Status { old: Status::New, new: Status::Open }),
            (at("2026-03-02T09:30:00Z"), Recorded::Priority { old: Priority::Normal, new: Priority::High }),
            // Staff's own priority wins over the requester's.
            (at("2026-03-02T09:40:00Z"), Recorded::ProviderPriority { old: None, new: Some(Priority::Urgent) }),
            // The requester's priority moves, but the provider's still rules: no change.
            (at("2026-03-02T09:45:00Z"), Recorded::Priority { old: Priority::High, new: Priority::Low }),
            (at("2026-03-02T09:50:00Z"), Recorded::PublicNote { by_staff: true }),
        ];
        let h = History::from_record(
            at("2026-03-02T09:00:00Z"),
            (Status::Open, Priority::Low, Some(Priority::Urgent)),
            &lines,
        );
        assert_eq!((h.status, h.priority), (Status::New, Priority::Normal));
        let changes: Vec<Change> = h.events.iter().map(|e| e.change).collect();
        assert_eq!(
            changes,
            [
                Change::Status(Status::Open),
                Change::Priority(Priority::High),
                Change::Priority(Priority::Urgent),
                Change::StaffReply
            ]
        );
        // Without lines, the ticket was opened as it is.
        let quiet =
            History::from_record(at("2026-03-02T09:00:00Z"), (Status::New, Priority::Low, Some(Priority::High)), &[]);
        assert_eq!((quiet.status, quiet.priority, quiet.events.len()), (Status::New, Priority::High, 0));
    }

    #[test]
    fn a_plan_promises_sound_targets_and_pauses_only_on_open_statuses() {
        let targets = |minutes: i64| {
            BTreeMap::from([(
                Priority::Normal,
                Targets { first_response: Some(Duration::minutes(minutes)), resolution: None },
            )])
        };
        assert!(Plan::new(targets(60), vec![Status::WaitingCustomer]).is_ok());
        assert_eq!(Plan::new(targets(0), vec![]).unwrap_err().field, "targets");
        assert_eq!(Plan::new(targets(MAX_TARGET_MINUTES + 1), vec![]).unwrap_err().field, "targets");
        assert_eq!(Plan::new(targets(60), vec![Status::Resolved]).unwrap_err().field, "pause_statuses");
        let twice =
            Plan::new(targets(60), vec![Status::WaitingThirdParty, Status::WaitingCustomer, Status::WaitingCustomer]);
        assert_eq!(twice.unwrap().pause_statuses, [Status::WaitingCustomer, Status::WaitingThirdParty]);
    }
}
