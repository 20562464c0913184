//! The error policy of the API, in one place.
//!
//! Every error is answered as RFC 9457 `application/problem+json` with `type`, `code` (the same
//! kind in a word a program can match on), `title`, `status` and `detail`; invalid input (422)
//! adds `errors`, one entry per input at fault: where it is (a JSON `pointer` into the body, a
//! query `parameter` or a `header`), a stable `code` and a readable `detail`. Another tenant's or
//! an unreachable resource is 404 as if it did not exist; a visible resource the caller may not
//! change is 403. A 5xx is logged with its cause and answered with a generic message: internals
//! never reach the client.
//!
//! `title` and `detail` (and each field error's `detail`) are written in the caller's language
//! (see `crate::language`); `type`, `code`, `status` and where an input is never change with it.
//! Every detail is a catalogue message ([`Detail`], `locales/{lang}/problems.ftl`): the API's own,
//! the handlers' refusals of an input, and the domain's refusals, which carry one (`DomainError`,
//! `Denied`, the use cases' conflicts). A detail cannot be made from a `&str` or a `String`, so no
//! English text reaches a reader of another language; a parser's message (serde's, a multipart
//! reader's) is an argument of a message. Answers given outside the localising middleware are
//! written with [`ApiError::response_in`].

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;

use actix_web::{HttpResponse, ResponseError};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::principal::Denied;
use clientdesk_domain::user::Language;
use clientdesk_domain::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::respond::JsonBody;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://clientdesk.dev/problems/validation",
    "code": "validation",
    "title": "Invalid input",
    "status": 422,
    "detail": "One or more fields are invalid.",
    "errors": [
        {"pointer": "/email", "code": "format", "detail": "must be an e-mail address such as name@example.com"},
        {"pointer": "/memberships/0/company_id", "code": "required", "detail": "is required"}
    ]
}))]
pub struct Problem {
    /// A URI naming the kind of problem; its last segment is `code` with dashes.
    #[serde(rename = "type")]
    pub kind: String,
    pub code: ProblemCode,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The inputs at fault, for invalid input (422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// The kind of a problem: stable across versions and languages, for programs to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation,
    TooManyRequests,
    Unavailable,
    HeaderFieldsTooLarge,
    RequestTimeout,
    TooManyConnections,
    Internal,
    /// The documentation vault on a server started without a master key.
    VaultUnavailable,
}

/// One input at fault in a 422: exactly one of `pointer`, `parameter` and `header` says where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"pointer": "/memberships/0/company_id", "code": "required", "detail": "is required"}))]
pub struct FieldError {
    /// An RFC 6901 JSON pointer to the body member at fault (`""` for the body as a whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The query parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The request header at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub code: FieldCode,
    /// What is wrong, readable by a person, in the caller's language.
    #[schema(value_type = String)]
    pub detail: Detail,
}

/// A person-readable text of a problem: a message of the catalogue, written in the reader's
/// language. There is no way to make one from a `&str` or a `String`: an English text cannot be
/// written where a reader of another language would read it. A parser's message (serde's, a
/// multipart reader's) is an argument of a message (`upload-unreadable` with `reason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail(Text);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    /// A message of the catalogue, written in the reader's language.
    Message(Message),
    /// A detail about one item of a batch (`row INV-2: ...`): the item is a message too.
    About(Message, Box<Detail>),
    /// Written already, in the language of the problem document that holds it.
    Written(String),
}

impl Detail {
    pub fn render(&self, lang: Language) -> String {
        match &self.0 {
            Text::Message(message) => message.render(lang),
            Text::About(subject, detail) => Message::new("detail-about")
                .arg("subject", subject.render(lang))
                .arg("detail", detail.render(lang))
                .render(lang),
            Text::Written(text) => text.clone(),
        }
    }

    /// The detail about one item of a batch, named by `subject` (`detail-row` with `id`).
    pub fn about(subject: Message, detail: Detail) -> Self {
        Self(Text::About(subject, Box::new(detail)))
    }
}

impl From<Message> for Detail {
    fn from(message: Message) -> Self {
        Self(Text::Message(message))
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// A detail is serialised as written for the answer's language (see [`ApiError::problem_in`]).
impl Serialize for Detail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render(Language::En))
    }
}

/// What is wrong with an input, stable across versions and languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// A required input is missing (or `null` where a value is required).
    Required,
    /// The body has a member the operation does not take.
    UnknownField,
    /// The value has the wrong JSON type (a number for a string, an array for an object).
    InvalidType,
    /// A length (characters, items) outside the bounds.
    Length,
    /// A number or date outside the bounds.
    Range,
    /// A string that does not have the required form (an e-mail address, a URL, a pattern).
    Format,
    /// A value the operation does not accept: not one of the allowed values, or against a rule
    /// (an unknown company, an end before its start).
    InvalidValue,
}

impl FieldError {
    /// A body member, named as the API's field names are written: `title`,
    /// `audience.company_ids`, `memberships[0].company_id`; `""` is the body as a whole.
    pub fn body(field: &str, code: FieldCode, detail: impl Into<Detail>) -> Self {
        Self { pointer: Some(pointer_of(field)), parameter: None, header: None, code, detail: detail.into() }
    }

    pub fn parameter(name: &str, code: FieldCode, detail: impl Into<Detail>) -> Self {
        Self { pointer: None, parameter: Some(name.to_owned()), header: None, code, detail: detail.into() }
    }

    pub fn header(name: &str, code: FieldCode, detail: impl Into<Detail>) -> Self {
        Self { pointer: None, parameter: None, header: Some(name.to_owned()), code, detail: detail.into() }
    }
}

/// `memberships[0].company_id` -> `/memberships/0/company_id`.
pub fn pointer_of(field: &str) -> String {
    let mut pointer = String::with_capacity(field.len() + 1);
    for part in field.split(['.', '[']) {
        let part = part.strip_suffix(']').unwrap_or(part);
        if part.is_empty() {
            continue;
        }
        pointer.push_str(&token(part));
    }
    pointer
}

/// One reference token of a JSON pointer: `/` and `~` escaped (RFC 6901).
pub fn token(name: &str) -> String {
    format!("/{}", name.replace('~', "~0").replace('/', "~1"))
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(Detail),
    #[error("unauthorized: {0}")]
    Unauthorized(Detail),
    #[error("forbidden: {0}")]
    Forbidden(Detail),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0}")]
    Conflict(Detail),
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge(Detail),
    #[error("unsupported media type")]
    UnsupportedMediaType(Detail),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64, policy: clientdesk_domain::throttle::ThrottlePolicy },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Every slot of a bounded resource (uploads in flight) is taken for a moment: 503 with
    /// `Retry-After: 1` and the detail given, nothing logged.
    #[error("busy: {0}")]
    Busy(Detail),
    /// The documentation vault is off: the server was started without a master key.
    #[error("vault unavailable")]
    VaultOff,
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
    /// A body member that breaks a rule of the operation (see [`FieldError::body`]).
    pub fn invalid(field: &str, detail: impl Into<Detail>) -> Self {
        Self::Invalid(vec![FieldError::body(field, FieldCode::InvalidValue, detail)])
    }

    /// A refused credential, with a detail of the catalogue (`unauthorized-*`).
    pub fn unauthorized(id: &'static str) -> Self {
        Self::Unauthorized(Message::new(id).into())
    }

    /// A refused action, with a detail of the catalogue (`forbidden-*`).
    pub fn forbidden(id: &'static str) -> Self {
        Self::Forbidden(Message::new(id).into())
    }

    /// A conflict with the state of the resource, with a detail of the catalogue (`conflict-*`).
    pub fn conflict(id: &'static str) -> Self {
        Self::Conflict(Message::new(id).into())
    }

    /// A query parameter the operation does not accept.
    pub fn invalid_parameter(name: &str, detail: impl Into<Detail>) -> Self {
        Self::Invalid(vec![FieldError::parameter(name, FieldCode::InvalidValue, detail)])
    }

    /// A request header the operation does not accept.
    pub fn invalid_header(name: &str, detail: impl Into<Detail>) -> Self {
        Self::Invalid(vec![FieldError::header(name, FieldCode::InvalidValue, detail)])
    }

    /// The same refusal, of inputs that came as query parameters: a domain rule names its input
    /// by field, and only the handler knows it was read from the query string.
    pub fn in_query(self) -> Self {
        match self {
            Self::Invalid(errors) => Self::Invalid(
                errors
                    .into_iter()
                    .map(|e| match e.pointer {
                        Some(pointer) => FieldError::parameter(pointer.trim_start_matches('/'), e.code, e.detail),
                        None => e,
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// The same refusal with its field errors' details saying which item they are about
    /// (`row INV-2: ...`, `subject` being `detail-row` with the row's `id`): for batches, whose
    /// pointers name an item by its position.
    pub fn about(self, subject: Message) -> Self {
        match self {
            Self::Invalid(errors) => Self::Invalid(
                errors
                    .into_iter()
                    .map(|e| FieldError { detail: Detail::about(subject.clone(), e.detail), ..e })
                    .collect(),
            ),
            other => other,
        }
    }

    pub fn code(&self) -> ProblemCode {
        use ProblemCode as C;
        match self {
            Self::BadRequest(_) => C::BadRequest,
            Self::Unauthorized(_) => C::Unauthorized,
            Self::Forbidden(_) => C::Forbidden,
            Self::NotFound => C::NotFound,
            Self::MethodNotAllowed => C::MethodNotAllowed,
            Self::Conflict(_) => C::Conflict,
            Self::PreconditionFailed => C::PreconditionFailed,
            Self::PayloadTooLarge(_) => C::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => C::UnsupportedMediaType,
            Self::Invalid(_) => C::Validation,
            Self::TooManyRequests { .. } => C::TooManyRequests,
            Self::Unavailable(_) | Self::Busy(_) => C::Unavailable,
            Self::VaultOff => C::VaultUnavailable,
            Self::HeaderFieldsTooLarge(_) => C::HeaderFieldsTooLarge,
            Self::RequestTimeout(_) => C::RequestTimeout,
            Self::TooManyConnections(_) => C::TooManyConnections,
            Self::Internal(_) => C::Internal,
        }
    }

    fn detail(&self) -> Detail {
        let message = |id| Detail::from(Message::new(id));
        match self {
            Self::BadRequest(d)
            | Self::Conflict(d)
            | Self::PayloadTooLarge(d)
            | Self::UnsupportedMediaType(d)
            | Self::Unauthorized(d)
            | Self::Busy(d)
            | Self::Forbidden(d) => d.clone(),
            Self::VaultOff => message("problem-vault-unavailable-detail"),
            Self::NotFound => message("problem-not-found-detail"),
            Self::MethodNotAllowed => message("problem-method-not-allowed-detail"),
            Self::PreconditionFailed => message("problem-precondition-failed-detail"),
            Self::Invalid(_) => message("problem-validation-detail"),
            Self::TooManyRequests { retry_after_secs, .. } => {
                Message::new("problem-too-many-requests-detail").arg("seconds", *retry_after_secs).into()
            }
            Self::Unavailable(_) => message("problem-unavailable-detail"),
            Self::HeaderFieldsTooLarge(limit) => {
                Message::new("problem-header-fields-too-large-detail").arg("limit", count(*limit)).into()
            }
            Self::RequestTimeout(secs) => {
                Message::new("problem-request-timeout-detail").arg("seconds", count(*secs)).into()
            }
            Self::TooManyConnections(limit) => {
                Message::new("problem-too-many-connections-detail").arg("limit", count(*limit)).into()
            }
            Self::Internal(_) => message("problem-internal-detail"),
        }
    }

    /// The answer written in `lang`: for the answers given before the localising middleware
    /// (`crate::language::localise`) runs or outside it, such as the transport limits.
    pub fn response_in(&self, lang: Language) -> HttpResponse {
        let response = self.error_response();
        if lang == Language::En {
            return response;
        }
        let body = serde_json::to_vec(&self.problem_in(lang)).unwrap_or_default();
        let mut response = response.set_body(actix_web::body::BoxBody::new(body));
        response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.as_str()));
        response
    }

    /// The problem document in English, the language of the contract's examples.
    pub fn problem(&self) -> Problem {
        self.problem_in(Language::En)
    }

    /// The problem document written in `lang`: only `title` and the details change with it.
    pub fn problem_in(&self, lang: Language) -> Problem {
        let code = self.code();
        Problem {
            kind: format!("https://clientdesk.dev/problems/{}", code.slug()),
            code,
            title: code.title(lang),
            status: self.status_code().as_u16(),
            detail: self.detail().render(lang),
            errors: match self {
                Self::Invalid(errors) => Some(
                    errors
                        .iter()
                        .map(|e| FieldError { detail: Detail(Text::Written(e.detail.render(lang))), ..e.clone() })
                        .collect(),
                ),
                _ => None,
            },
        }
    }
}

/// A count as a message argument (the limits are far below `i64::MAX`).
fn count(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

impl ProblemCode {
    /// The last segment of the problem's `type` URI.
    pub fn slug(self) -> &'static str {
        match self {
            Self::BadRequest => "bad-request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::Conflict => "conflict",
            Self::PreconditionFailed => "precondition-failed",
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::Validation => "validation",
            Self::TooManyRequests => "too-many-requests",
            Self::Unavailable => "unavailable",
            Self::HeaderFieldsTooLarge => "header-fields-too-large",
            Self::RequestTimeout => "request-timeout",
            Self::TooManyConnections => "too-many-connections",
            Self::Internal => "internal",
            Self::VaultUnavailable => "vault-unavailable",
        }
    }

    /// The problem's title in `lang` (`problem-{slug}-title` in the catalogue).
    pub fn title(self, lang: Language) -> String {
        clientdesk_domain::i18n::text(lang, &format!("problem-{}-title", self.slug()), &[])
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
            Self::Unavailable(_) | Self::Busy(_) | Self::VaultOff => StatusCode::SERVICE_UNAVAILABLE,
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
        // English until `crate::language::localise` writes the answer in the caller's language.
        response.insert_header((header::CONTENT_LANGUAGE, HeaderValue::from_static("en")));
        if let Self::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let Self::Unavailable(_) | Self::Busy(_) | Self::TooManyConnections(_) = self {
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
            E::Conflict(_) => Self::Conflict(Message::new("problem-conflict-detail").into()),
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
        Self::Forbidden(denied.0.into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(err.to_string())
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect(&errors, "", &mut fields);
        Self::Invalid(fields)
    }
}

/// Flattens validator's tree of errors (nested structs and lists) into pointer-named field errors.
fn collect(errors: &validator::ValidationErrors, prefix: &str, into: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind as K;
    let mut named: Vec<_> = errors.errors().iter().collect();
    named.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in named {
        let pointer = format!("{prefix}/{field}");
        match kind {
            K::Field(errs) => into.extend(errs.iter().map(|e| {
                let code = match e.code.as_ref() {
                    "length" => FieldCode::Length,
                    "range" => FieldCode::Range,
                    "required" => FieldCode::Required,
                    "email" | "url" | "regex" | "contains" | "does_not_contain" | "non_control_character" | "ip" => {
                        FieldCode::Format
                    }
                    _ => FieldCode::InvalidValue,
                };
                FieldError {
                    pointer: Some(pointer.clone()),
                    parameter: None,
                    header: None,
                    code,
                    detail: detail_of(code, e),
                }
            })),
            K::Struct(inner) => collect(inner, &pointer, into),
            K::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{pointer}/{index}"), into);
                }
            }
        }
    }
}

/// The catalogue's detail of a field code, with the rule's bounds as arguments. (A `message`
/// written on a validator rule is not used: it would be one language's text.)
fn detail_of(code: FieldCode, error: &validator::ValidationError) -> Detail {
    let bound = |name| error.params.get(name).and_then(serde_json::Value::as_i64);
    let bounded = |between, min_only, max_only| match (bound("min"), bound("max")) {
        (Some(min), Some(max)) => Message::new(between).arg("min", min).arg("max", max),
        (Some(min), None) => Message::new(min_only).arg("min", min),
        (None, Some(max)) => Message::new(max_only).arg("max", max),
        (None, None) => Message::new("field-invalid-value"),
    };
    match code {
        FieldCode::Length => bounded("field-length-between", "field-length-min", "field-length-max"),
        FieldCode::Range => bounded("field-range-between", "field-range-min", "field-range-max"),
        FieldCode::Required => Message::new("field-required"),
        FieldCode::Format => Message::new("field-format"),
        FieldCode::UnknownField | FieldCode::InvalidType | FieldCode::InvalidValue => {
            Message::new("field-invalid-value")
        }
    }
    .into()
}

/// Turns actix's JSON extraction errors into problems: a body over the limit is 413, a wrong
/// content type 415, broken syntax 400. (Shape and type errors are read by `crate::json`.)
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let api = match &err {
        J::OverflowKnownLength { limit, .. } | J::Overflow { limit } => {
            ApiError::PayloadTooLarge(Message::new("problem-json-too-large-detail").arg("limit", count(*limit)).into())
        }
        J::ContentType => ApiError::UnsupportedMediaType(Message::new("problem-json-media-type-detail").into()),
        J::Deserialize(e) => {
            ApiError::BadRequest(Message::new("problem-json-syntax-detail").arg("reason", e.to_string()).into())
        }
        other => {
            ApiError::BadRequest(Message::new("problem-body-unreadable-detail").arg("reason", other.to_string()).into())
        }
    };
    api.into()
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

    #[test]
    fn only_the_texts_change_with_the_language() {
        let error = ApiError::Invalid(vec![
            FieldError::body("title", FieldCode::Required, Message::new("field-required")),
            FieldError::body("name", FieldCode::InvalidValue, Message::new("rule-company-unknown")),
            FieldError::body("rows[0]", FieldCode::Required, Message::new("field-unreadable").arg("reason", "EOF")),
        ])
        .about(Message::new("detail-row").arg("id", "INV-7"));
        let (en, fr) = (error.problem(), error.problem_in(Language::Fr));
        assert_eq!((&fr.kind, fr.code, fr.status), (&en.kind, en.code, en.status));
        assert_eq!(
            (fr.title.as_str(), fr.detail.as_str()),
            ("Saisie invalide", "Un ou plusieurs champs sont invalides.")
        );
        let details = |p: &Problem| p.errors.iter().flatten().map(|e| e.detail.to_string()).collect::<Vec<_>>();
        assert_eq!(
            details(&en),
            ["row INV-7: is required", "row INV-7: is not a company of this tenant", "row INV-7: EOF"]
        );
        // A parser's message is an argument: it stays as written inside the translated message.
        assert_eq!(
            details(&fr),
            [
                "ligne INV-7 : est obligatoire",
                "ligne INV-7 : n'est pas une entreprise de ce locataire",
                "ligne INV-7 : valeur illisible : EOF"
            ]
        );
        let pointers = |p: &Problem| p.errors.iter().flatten().map(|e| e.pointer.clone()).collect::<Vec<_>>();
        assert_eq!(pointers(&en), pointers(&fr));
    }

    #[test]
    fn answers_outside_the_middleware_are_written_in_the_language_given() {
        let res = ApiError::TooManyConnections(4).response_in(Language::De);
        assert_eq!(res.headers().get(header::CONTENT_LANGUAGE).unwrap(), "de");
        let body = actix_web::body::MessageBody::try_into_bytes(res.into_body()).unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((problem["code"].as_str(), problem["status"].as_u64()), (Some("too_many_connections"), Some(429)));
        assert_eq!(problem["title"], "Zu viele Verbindungen");
        // English is the answer as written.
        let res = ApiError::VaultOff.response_in(Language::En);
        assert_eq!(res.headers().get(header::CONTENT_LANGUAGE).unwrap(), "en");
        let vault = ApiError::VaultOff.problem_in(Language::Fr);
        assert!(vault.detail.contains("CLIENTDESK_MASTER_KEY") && vault.detail.starts_with("Le coffre-fort"));
        let busy = ApiError::Busy(Message::new("problem-uploads-busy-detail").into()).problem_in(Language::It);
        assert_eq!(
            (busy.status, busy.detail.as_str()),
            (503, "Sono in corso troppi caricamenti. Riprovi tra un momento.")
        );
    }

    #[test]
    fn validator_bounds_are_arguments_of_the_field_details() {
        #[derive(validator::Validate)]
        struct Input {
            #[validate(length(min = 1, max = 20))]
            name: String,
            #[validate(range(min = 1, max = 365))]
            days: i64,
        }
        let errors = validator::Validate::validate(&Input { name: String::new(), days: 0 }).unwrap_err();
        let problem = ApiError::from(errors).problem_in(Language::De);
        let details = problem.errors.unwrap().into_iter().map(|e| (e.code, e.detail.to_string())).collect::<Vec<_>>();
        assert_eq!(
            details,
            [
                (FieldCode::Range, "muss zwischen 1 und 365 liegen".to_owned()),
                (FieldCode::Length, "muss zwischen 1 und 20 Zeichen oder Elemente lang sein".to_owned())
            ]
        );
    }
}
