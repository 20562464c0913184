//! Cursor pagination: `?limit=` (default 50, at most 200) and an opaque `?cursor=`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use clientdesk_persistence::tickets::Position;

use clientdesk_domain::i18n::Message;

use crate::errors::ApiError;

/// An incremental sync's filter: only items changed at or after a time. Paged by id with the
/// cursor as usual, a walk that starts with `updated_from` = the time the previous walk started
/// misses nothing (an item changed during a walk has a later change time), without a sort by
/// change time whose keyset would move under the walk.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpdatedFrom {
    /// Only items created or changed at or after this time (RFC 3339).
    #[param(example = "2026-12-01T00:00:00Z")]
    pub updated_from: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The validated limit and the position to continue after.
    pub fn resolve(&self) -> Result<(i64, Option<i64>), ApiError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(ApiError::invalid_parameter(
                "limit",
                Message::new("field-range-between").arg("min", 1).arg("max", 200),
            ));
        }
        let after = match &self.cursor {
            None => None,
            Some(c) => Some(
                URL_SAFE_NO_PAD
                    .decode(c)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .and_then(|s| s.strip_prefix("id:").and_then(|n| n.parse().ok()))
                    .ok_or_else(|| ApiError::invalid_parameter("cursor", Message::new("rule-cursor")))?,
            ),
        };
        Ok((limit, after))
    }
}

impl PageQuery {
    /// For ranked results (search), where a position is an offset: the limit (`default` when
    /// absent, at most `max`) and the offset the cursor carries. Ranked lists stop at
    /// [`MAX_OFFSET`]: past the first pages a better query beats paging.
    pub fn resolve_offset(&self, default: i64, max: i64) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(default);
        if !(1..=max).contains(&limit) {
            return Err(ApiError::invalid_parameter(
                "limit",
                Message::new("field-range-between").arg("min", 1).arg("max", max),
            ));
        }
        let offset = match &self.cursor {
            None => 0,
            Some(c) => URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.strip_prefix("off:").and_then(|n| n.parse::<i64>().ok()))
                .filter(|n| (0..=MAX_OFFSET).contains(n))
                .ok_or_else(|| ApiError::invalid_parameter("cursor", Message::new("rule-cursor")))?,
        };
        Ok((limit, offset))
    }
}

/// How deep ranked results can be paged.
pub const MAX_OFFSET: i64 = 1000;

/// The cursor of the page after one that started at `offset` and showed `shown` of `total`.
pub fn offset_cursor(offset: i64, shown: i64, total: i64) -> Option<String> {
    let next = offset + shown;
    (shown > 0 && next < total && next <= MAX_OFFSET).then(|| URL_SAFE_NO_PAD.encode(format!("off:{next}")))
}

pub fn cursor(after: Option<i64>) -> Option<String> {
    after.map(|id| URL_SAFE_NO_PAD.encode(format!("id:{id}")))
}

/// A cursor into a list sorted by `sort`: the sort key's value and the id where the page ended.
/// A cursor is only valid with the sort it was made for.
pub fn encode_position(at: Position, sort: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{sort}:{}:{}", at.key, at.id))
}

pub fn decode_position(cursor: &str, sort: &str) -> Result<Position, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            let rest = s.strip_prefix(sort)?.strip_prefix(':')?;
            let (key, id) = rest.split_once(':')?;
            Some(Position { key: key.parse().ok()?, id: id.parse().ok()? })
        })
        .ok_or_else(|| ApiError::invalid_parameter("cursor", Message::new("rule-cursor-sort")))
}

/// A page of a list: every list of the API has this shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Paged<T> {
    /// A list bounded small enough to come whole, in one page.
    pub fn whole(items: Vec<T>) -> Self {
        Self { items, next_cursor: None }
    }
}
