//! Cursor pagination: `?limit=` (default 50, at most 200) and an opaque `?cursor=`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use clientdesk_persistence::tickets::Position;

use crate::errors::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The validated limit and the position to continue after.
    pub fn resolve(&self) -> Result<(i64, Option<i64>), ApiError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(ApiError::invalid("limit", "must be between 1 and 200"));
        }
        let after = match &self.cursor {
            None => None,
            Some(c) => Some(
                URL_SAFE_NO_PAD
                    .decode(c)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .and_then(|s| s.strip_prefix("id:").and_then(|n| n.parse().ok()))
                    .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor this API gave out"))?,
            ),
        };
        Ok((limit, after))
    }
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
        .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor this API gave out for this sort"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}
