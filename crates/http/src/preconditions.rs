//! Entity tags and `If-Match` (RFC 9110), for resources that carry a version: the ETag is the
//! quoted version, and a change sent with `If-Match` applies only while that version is current.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::errors::{ApiError, ApiResult};

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// An answer carrying `version` as its ETag: tickets, articles and PSA records answer so.
pub fn tagged(status: StatusCode, version: i64) -> HttpResponseBuilder {
    let mut answer = HttpResponse::build(status);
    answer.insert_header((header::ETAG, etag(version)));
    answer
}

/// The request's `If-Match`, if it sent one.
pub fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers().get(header::IF_MATCH).map(|v| v.to_str().unwrap_or("").to_owned())
}

/// Refuses with 412 when `If-Match` was sent and names neither `*` nor the current version. The
/// comparison is strong, as RFC 9110 asks for `If-Match`: a weak tag (`W/"3"`) never matches.
pub fn check_if_match(if_match: Option<&str>, version: i64) -> ApiResult<()> {
    let Some(value) = if_match else { return Ok(()) };
    let current = etag(version);
    if value.split(',').map(str::trim).any(|tag| tag == "*" || tag == current) {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_compares_entity_tags_strongly() {
        assert!(check_if_match(None, 3).is_ok());
        assert!(check_if_match(Some("\"3\""), 3).is_ok());
        assert!(check_if_match(Some("\"2\", \"3\""), 3).is_ok());
        assert!(check_if_match(Some("*"), 3).is_ok());
        assert!(check_if_match(Some("W/\"3\""), 3).is_err(), "weak tags do not match");
        assert!(check_if_match(Some("\"2\""), 3).is_err());
        assert!(check_if_match(Some("3"), 3).is_err(), "an entity tag is quoted");
    }
}
