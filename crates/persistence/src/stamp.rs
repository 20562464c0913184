//! A `Timestamp` column read quickly on SQLite. SQLite keeps timestamps as text, and diesel reads
//! each by trying chrono format strings in turn, parsing the format string itself every time:
//! about 7% of the CPU of a page of 50 tickets. The text diesel writes, `YYYY-MM-DD HH:MM:SS`
//! with an optional fraction, is read here by hand; anything else still goes through diesel.
//! PostgreSQL sends timestamps binary, and is read as diesel reads it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

type MultiBackend = <crate::DbConnection as diesel::Connection>::Backend;

#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub(crate) struct Stamp(pub NaiveDateTime);

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        match parse(value.read_text().as_bytes()) {
            Some(stamp) => Ok(Stamp(stamp)),
            None => <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Stamp),
        }
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, MultiBackend> for Stamp {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional `.` and 1 to 9 digits of fraction.
fn parse(text: &[u8]) -> Option<NaiveDateTime> {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        text.get(range)?.iter().try_fold(0u32, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if text.len() < 19 || separators.iter().any(|&(i, c)| text[i] != c) {
        return None;
    }
    let nanos = match &text[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(20..text.len())? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?.and_hms_nano_opt(
        number(11..13)?,
        number(14..16)?,
        number(17..19)?,
        nanos,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_diesel_writes_and_nothing_else() {
        for text in [
            "2026-03-21 19:16:47",
            "2026-03-21 19:16:47.5",
            "2026-12-01 00:00:00.123456",
            "2024-02-29 23:59:59.999999999",
        ] {
            let diesel = NaiveDateTime::parse_from_str(text, "%F %T%.f").unwrap();
            assert_eq!(parse(text.as_bytes()), Some(diesel), "{text}");
        }
        for text in [
            "2026-03-21T19:16:47",
            "2026-02-30 10:00:00",
            "2026-03-21 19:16:47.",
            "2026-03-21 19:16:4",
            "2026-03-21 25:00:00",
            "2026-03-21 19:16:47Z",
            "2026-03-21 19:16:47.1234567890",
            "２０26-03-21 19:16:47",
        ] {
            assert_eq!(parse(text.as_bytes()), None, "{text}");
        }
    }
}
