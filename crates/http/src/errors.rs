//! The error policy of the API, in one place.
//!
//! Every error is answered as RFC 9457 `application/problem+json` with `type`, `title`, `status`
//! and `detail`; invalid input (422) adds `errors`, a map from field to messages. Another
//! tenant's or an unreachable resource is 404 as if it did not exist; a visible resource the
//! caller may not change is 403. A 5xx is logged with its cause and answered with a generic
//! message: internals never reach the client.

use std::collections::BTreeMap;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use clientdesk_domain::principal::Denied;
use clientdesk_domain::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::respond::JsonBody;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://clientdesk.dev/problems/validation",
    "title": "Invalid input",
    "status": 422,
    "detail": "One or more fields are invalid.",
    "errors": {"email": ["must be an e-mail address such as name@example.com"]}
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Field -> messages, for invalid input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge(String),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("invalid input")]
    Invalid(BTreeMap<String, Vec<String>>),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64, policy: clientdesk_domain::throttle::ThrottlePolicy },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The request's head was larger than this many bytes.
    #[error("request header fields too large")]
    HeaderFieldsTooLarge(usize),
    /// The request did not fully arrive within this many seconds.
    #[error("request timeout")]
    RequestTimeout(u64),
    /// The client address holds more than this many open connections.
    #[error("too many connections")]
    TooManyConnections(usize),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(BTreeMap::from([(field.to_owned(), vec![message.into()])]))
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(_) => ("bad-request", "Bad request"),
            Self::Unauthorized(_) => ("unauthorized", "Authentication required"),
            Self::Forbidden(_) => ("forbidden", "Not allowed"),
            Self::NotFound => ("not-found", "Not found"),
            Self::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            Self::Conflict(_) => ("conflict", "Conflict"),
            Self::PreconditionFailed => ("precondition-failed", "Precondition failed"),
            Self::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            Self::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            Self::Invalid(_) => ("validation", "Invalid input"),
            Self::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            Self::Unavailable(_) => ("unavailable", "Service unavailable"),
            Self::HeaderFieldsTooLarge(_) => ("header-fields-too-large", "Request header fields too large"),
            Self::RequestTimeout(_) => ("request-timeout", "Request timeout"),
            Self::TooManyConnections(_) => ("too-many-connections", "Too many connections"),
            Self::Internal(_) => ("internal", "Internal error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(d) | Self::Conflict(d) | Self::PayloadTooLarge(d) | Self::UnsupportedMediaType(d) => {
                d.clone()
            }
            Self::Unauthorized(d) | Self::Forbidden(d) => (*d).to_owned(),
            Self::NotFound => "The resource does not exist or is not visible to you.".into(),
            Self::MethodNotAllowed => "This resource does not answer that method; see the Allow header.".into(),
            Self::PreconditionFailed => "The resource changed since you read it (If-Match does not match).".into(),
            Self::Invalid(_) => "One or more fields are invalid.".into(),
            Self::TooManyRequests { retry_after_secs, .. } => {
                format!("Too many failed attempts. Try again in {}.", seconds(*retry_after_secs))
            }
            Self::Unavailable(_) => "The service is temporarily unavailable. Try again shortly.".into(),
            Self::HeaderFieldsTooLarge(limit) => {
                format!("The request line and headers may take {limit} bytes at most.")
            }
            Self::RequestTimeout(secs) => {
                format!("The whole request must arrive within {}.", seconds(i64::try_from(*secs).unwrap_or(i64::MAX)))
            }
            Self::TooManyConnections(limit) => {
                format!("One client address may hold {limit} connections at once; reuse or close the others.")
            }
            Self::Internal(_) => "Something went wrong on our side. It has been logged.".into(),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        Problem {
            kind: format!("https://clientdesk.dev/problems/{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            errors: match self {
                Self::Invalid(errors) => Some(errors.clone()),
                _ => None,
            },
        }
    }
}

/// "1 second", "30 seconds".
fn seconds(count: i64) -> String {
    if count == 1 {
        "1 second".to_owned()
    } else {
        format!("{count} seconds")
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::HeaderFieldsTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::TooManyConnections(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) | Self::Unavailable(cause) = self {
            tracing::error!(%cause, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")));
        if let Self::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let Self::Unavailable(_) | Self::TooManyConnections(_) = self {
            // What a database restart or a failover takes to be noticed and recovered from.
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("1")));
        }
        if let Self::TooManyRequests { retry_after_secs, policy } = self {
            // IETF draft-ietf-httpapi-ratelimit-headers: the policy, and what is left of it now.
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            let (name, quota, window) = (policy.name, policy.free_failures, policy.window.num_seconds());
            response.insert_header(("RateLimit-Policy", format!("\"{name}\";q={quota};w={window}")));
            response.insert_header(("RateLimit", format!("\"{name}\";r=0;t={retry_after_secs}")));
        }
        response.json_body(self.problem())
    }
}

impl From<crate::respond::Unserializable> for ApiError {
    fn from(err: crate::respond::Unserializable) -> Self {
        Self::Internal(err.to_string())
    }
}

impl From<clientdesk_app::storage::StorageError> for ApiError {
    fn from(err: clientdesk_app::storage::StorageError) -> Self {
        Self::Unavailable(err.to_string())
    }
}

impl From<clientdesk_persistence::Error> for ApiError {
    fn from(err: clientdesk_persistence::Error) -> Self {
        use clientdesk_persistence::Error as E;
        match err {
            E::NotFound => Self::NotFound,
            E::Conflict(_) => Self::Conflict("The change conflicts with the current state of the resource.".into()),
            E::Unavailable(cause) => Self::Unavailable(cause),
            E::Other(cause) => Self::Internal(cause),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        Self::invalid(err.field, err.message)
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        Self::Forbidden(denied.0)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(err.to_string())
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let map = errors
            .field_errors()
            .into_iter()
            .map(|(field, errs)| {
                let messages = errs
                    .iter()
                    .map(|e| {
                        e.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| format!("is invalid ({})", e.code))
                    })
                    .collect();
                (field.to_string(), messages)
            })
            .collect();
        Self::Invalid(map)
    }
}

/// Turns actix's JSON and query extraction errors into problems: a body over the limit is 413,
/// a wrong content type 415, anything else unreadable 422 (or 400 for broken syntax).
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let api = match &err {
        J::OverflowKnownLength { limit, .. } | J::Overflow { limit } => {
            ApiError::PayloadTooLarge(format!("The JSON body is larger than the limit of {limit} bytes."))
        }
        J::ContentType => ApiError::UnsupportedMediaType("Send the body as application/json.".into()),
        J::Deserialize(e) if e.is_data() => ApiError::invalid("body", e.to_string()),
        J::Deserialize(e) => ApiError::BadRequest(format!("The body is not valid JSON: {e}")),
        other => ApiError::BadRequest(other.to_string()),
    };
    api.into()
}

pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::invalid("query", err.to_string()).into()
}

/// A path parameter that does not parse names no resource (404), unless the path is one of the
/// document's own for another method (`PATCH /api/v1/users/invitations`: 405).
pub fn path_error(err: actix_web::error::PathError, req: &actix_web::HttpRequest) -> actix_web::Error {
    let _ = err;
    match crate::method_not_allowed(req.path(), true) {
        Some(res) => actix_web::error::InternalError::from_response("method not allowed", res).into(),
        None => ApiError::NotFound.into(),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<clientdesk_app::Error> for ApiError {
    fn from(err: clientdesk_app::Error) -> Self {
        use clientdesk_app::Error as E;
        match err {
            E::NotFound => Self::NotFound,
            E::Denied(denied) => denied.into(),
            E::Invalid(invalid) => invalid.into(),
            E::Conflict(message) => Self::Conflict(message.into()),
            E::PreconditionFailed => Self::PreconditionFailed,
            E::TooMany { retry_after_secs, policy } => Self::TooManyRequests { retry_after_secs, policy },
            E::Store(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_second_is_singular() {
        let policy = clientdesk_domain::throttle::ThrottlePolicy::ACCOUNT;
        let detail = |secs| ApiError::TooManyRequests { retry_after_secs: secs, policy }.problem().detail;
        assert_eq!(detail(1), "Too many failed attempts. Try again in 1 second.");
        assert_eq!(detail(30), "Too many failed attempts. Try again in 30 seconds.");
        assert_eq!(ApiError::RequestTimeout(1).problem().detail, "The whole request must arrive within 1 second.");
    }
}
