//! A ticket's SLA trail: the lines of its history that move its SLA clocks (status and priority
//! changes, public notes by staff), kept on the ticket itself as they are recorded, so that an SLA
//! state or a month's report reads one row a ticket instead of every line of its history.
//!
//! The trail is text, one entry a line, each `micros:tag:old:new;`: the instant in microseconds
//! since 1970, a tag (`s` status, `p` priority, `v` provider priority, `n` a public staff note)
//! and the values as the history records them (empty for none). Entries are only ever appended.

use chrono::{DateTime, Utc};

use crate::sla::Recorded;
use crate::tickets::{Change, Priority, Status};

/// The trail entry of a history line, if the SLA reads it. `by_staff` says whether the line's
/// author is staff (only their public notes answer the customer).
pub fn entry(change: &Change, by_staff: bool, at: DateTime<Utc>) -> Option<String> {
    let tag = match (change.kind, change.field.as_deref()) {
        ("note", _) if by_staff && !change.internal => 'n',
        ("note", _) => return None,
        (_, Some("status")) => 's',
        (_, Some("priority")) => 'p',
        (_, Some("provider_priority")) => 'v',
        _ => return None,
    };
    let value = |v: &Option<String>| v.clone().filter(|_| tag != 'n').unwrap_or_default();
    Some(format!("{}:{tag}:{}:{};", at.timestamp_micros(), value(&change.old_value), value(&change.new_value)))
}

/// Whether a line needs to know if its author is staff to be read (see [`entry`]).
pub fn needs_author(change: &Change) -> bool {
    change.kind == "note" && !change.internal
}

/// The lines of a trail, oldest first. An entry that cannot be read (a status renamed since) is
/// skipped, as the SLA skips such a history line.
pub fn read(trail: &str) -> Vec<(DateTime<Utc>, Recorded)> {
    trail.split_terminator(';').filter_map(line).collect()
}

fn line(entry: &str) -> Option<(DateTime<Utc>, Recorded)> {
    let mut parts = entry.splitn(4, ':');
    let at = DateTime::from_timestamp_micros(parts.next()?.parse().ok()?)?;
    let tag = parts.next()?;
    let (old, new) = (parts.next()?, parts.next()?);
    let priority = |v: &str| Priority::parse(v);
    let recorded = match tag {
        "n" => Recorded::PublicNote { by_staff: true },
        "s" => Recorded::Status { old: Status::parse(old)?, new: Status::parse(new)? },
        "p" => Recorded::Priority { old: priority(old)?, new: priority(new)? },
        "v" => Recorded::ProviderPriority { old: priority(old), new: priority(new) },
        _ => return None,
    };
    Some((at, recorded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn field(name: &str, old: Option<&str>, new: Option<&str>) -> Change {
        Change::field(name, old.map(str::to_owned), new.map(str::to_owned))
    }

    fn note(internal: bool) -> Change {
        Change { kind: "note", field: None, old_value: None, new_value: Some("7".into()), internal }
    }

    #[test]
    fn the_lines_the_sla_reads_come_back_in_order_to_the_microsecond() {
        let t = at("2026-11-02T08:15:30.123456Z");
        let trail: String = [
            entry(&field("status", Some("new"), Some("in_progress")), false, t),
            entry(&field("priority", Some("normal"), Some("urgent")), false, t),
            entry(&field("provider_priority", None, Some("high")), false, t),
            entry(&note(false), true, t),
        ]
        .into_iter()
        .map(Option::unwrap)
        .collect();
        assert_eq!(
            read(&trail),
            vec![
                (t, Recorded::Status { old: Status::New, new: Status::InProgress }),
                (t, Recorded::Priority { old: Priority::Normal, new: Priority::Urgent }),
                (t, Recorded::ProviderPriority { old: None, new: Some(Priority::High) }),
                (t, Recorded::PublicNote { by_staff: true }),
            ]
        );
    }

    #[test]
    fn lines_the_sla_does_not_read_leave_no_entry() {
        let t = at("2026-11-02T08:00:00Z");
        assert_eq!(entry(&note(false), false, t), None, "a customer's note answers nobody");
        assert_eq!(entry(&note(true), true, t), None, "an internal note does not answer the customer");
        assert_eq!(entry(&field("title", Some("a"), Some("b")), true, t), None);
        assert!(needs_author(&note(false)) && !needs_author(&note(true)));
    }

    #[test]
    fn an_unreadable_entry_is_skipped_and_the_rest_kept() {
        let trail = "1:s:new:renamed;x:s:new:open;1000000:s:new:open;";
        assert_eq!(
            read(trail),
            vec![(at("1970-01-01T00:00:01Z"), Recorded::Status { old: Status::New, new: Status::Open })]
        );
        assert!(read("").is_empty());
    }
}
