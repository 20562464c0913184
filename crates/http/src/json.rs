//! JSON request bodies, which must be JSON objects.
//!
//! A body is parsed as a `serde_json::Value` first: what is not JSON at all (a syntax error, a
//! body cut short) is a 400. The value is then read into the handler's type by [`from_value`],
//! which accepts a JSON object only (serde's derived `Deserialize` reads a struct from an array
//! too, by position, which would bypass field names and `deny_unknown_fields`:
//! `["demo", "ann@example.com", "pw"]` would sign in); anything else, and a field of the wrong
//! type, is a 422 naming the field, and changes nothing. Handlers take [`Json`] (actix-web's
//! `web::Json` is refused by clippy, see `clippy.toml`); raw bodies (signed callbacks, forms) go
//! through [`from_slice`].

use std::ops::{Deref, DerefMut};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{FutureExt, LocalBoxFuture};
use serde::de::DeserializeOwned;
use serde_json::Value;

use clientdesk_domain::i18n::Message;

use crate::errors::{token, ApiError, Detail, FieldCode, FieldError};

/// A JSON object body, deserialized into `T` (as `web::Json`, with its limit and error handling).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

#[allow(clippy::disallowed_types)]
impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        actix_web::web::Json::<Value>::from_request(req, payload)
            .map(|body| Ok(Json(from_value(body?.into_inner())?)))
            .boxed_local()
    }
}

/// A JSON object body of up to `LIMIT` bytes: for the batch endpoints whose documented batch is
/// larger than the default limit. Errors are those of [`Json`].
#[derive(Debug)]
pub struct LargeJson<T, const LIMIT: usize>(pub T);

impl<T, const LIMIT: usize> LargeJson<T, LIMIT> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static, const LIMIT: usize> FromRequest for LargeJson<T, LIMIT> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        actix_web::web::JsonBody::<Value>::new(&req, payload, None, true)
            .limit(LIMIT)
            .map(move |body| match body {
                Ok(body) => Ok(Self(from_value(body)?)),
                Err(e) => Err(crate::errors::json_error(e, &req)),
            })
            .boxed_local()
    }
}

/// Reads `T` from a parsed body, which must be a JSON object: anything else, and a member of the
/// wrong type or shape, is a 422 whose field error points at the member (`/memberships/0/role`).
pub fn from_value<T: DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    if !body.is_object() {
        let detail = Message::new("field-not-an-object");
        return Err(ApiError::Invalid(vec![FieldError::body("", FieldCode::InvalidType, detail)]));
    }
    serde_path_to_error::deserialize(body).map_err(|e| {
        let (pointer, code, detail) = refusal(e.path(), &e.inner().to_string());
        ApiError::Invalid(vec![FieldError { pointer: Some(pointer), parameter: None, header: None, code, detail }])
    })
}

/// Where a serde refusal points (the path to the value, and the member a missing or unknown field
/// names), what kind it is and what to tell the caller.
pub(crate) fn refusal(path: &serde_path_to_error::Path, message: &str) -> (String, FieldCode, Detail) {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&token(key)),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    let named = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split_once('`')).map(|(f, _)| f);
    if let Some(field) = named("missing field `") {
        pointer.push_str(&token(field));
        return (pointer, FieldCode::Required, Message::new("field-required").into());
    }
    if let Some(field) = named("unknown field `") {
        if !pointer.ends_with(&token(field)) {
            pointer.push_str(&token(field));
        }
        // serde names what it expected by the type's field names, which no language changes.
        let rest = message.split_once("`, ").map_or("", |(_, rest)| rest);
        let detail = match rest.strip_prefix("expected ") {
            Some(expected) => {
                Message::new("field-unknown").arg("field", field.to_owned()).arg("expected", expected.to_owned())
            }
            None => Message::new("field-unknown-none").arg("field", field.to_owned()),
        };
        return (pointer, FieldCode::UnknownField, detail.into());
    }
    if let Some((found, expected)) = message.strip_prefix("invalid type: ").and_then(|m| m.rsplit_once(", expected ")) {
        let detail =
            Message::new("field-invalid-type").arg("found", found.to_owned()).arg("expected", expected.to_owned());
        return (pointer, FieldCode::InvalidType, detail.into());
    }
    let code = if message.starts_with("invalid type") {
        FieldCode::InvalidType
    } else if message.starts_with("invalid length") {
        FieldCode::Length
    } else {
        FieldCode::InvalidValue
    };
    (pointer, code, parser_detail(message))
}

/// A serde refusal's message as a detail of the catalogue, in the same English words: serde's own
/// forms (an unknown variant, field or type, an invalid value or length, a missing or duplicate
/// field) are messages with the names and values serde gives as arguments; any other message (a
/// parser's, such as a date's or a number's) is the `reason` of `field-unreadable`.
pub(crate) fn parser_detail(message: &str) -> Detail {
    let text = |s: &str| s.to_owned();
    let backticked = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.strip_suffix('`'));
    let expecting = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.rsplit_once(", expected "));
    let detail = if message == crate::NULL_REFUSED {
        Message::new("field-null-keeps-value")
    } else if let Some(field) = backticked("missing field `") {
        Message::new("field-missing").arg("field", text(field))
    } else if let Some(field) = backticked("duplicate field `") {
        Message::new("field-duplicate").arg("field", text(field))
    } else if let Some(field) =
        message.strip_prefix("unknown field `").and_then(|rest| rest.strip_suffix("`, there are no fields"))
    {
        Message::new("field-unknown-none").arg("field", text(field))
    } else if let Some((field, expected)) =
        message.strip_prefix("unknown field `").and_then(|rest| rest.rsplit_once("`, expected "))
    {
        Message::new("field-unknown").arg("field", text(field)).arg("expected", text(expected))
    } else if let Some(value) =
        message.strip_prefix("unknown variant `").and_then(|rest| rest.strip_suffix("`, there are no variants"))
    {
        Message::new("field-unknown-variant-none").arg("value", text(value))
    } else if let Some((value, expected)) =
        message.strip_prefix("unknown variant `").and_then(|rest| rest.rsplit_once("`, expected "))
    {
        Message::new("field-unknown-variant").arg("value", text(value)).arg("expected", text(expected))
    } else if let Some((found, expected)) = expecting("invalid type: ") {
        Message::new("field-invalid-type").arg("found", text(found)).arg("expected", text(expected))
    } else if let Some((found, expected)) = expecting("invalid value: ") {
        Message::new("field-invalid-value-expected").arg("found", text(found)).arg("expected", text(expected))
    } else if let Some((found, expected)) = expecting("invalid length ") {
        Message::new("field-invalid-length").arg("found", text(found)).arg("expected", text(expected))
    } else {
        Message::new("field-unreadable").arg("reason", text(message))
    };
    detail.into()
}

/// Reads a raw JSON body that must be an object: broken JSON is a 400, anything else that is not
/// `T` a 422 pointing at the member (see [`from_value`]).
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::BadRequest(Message::new("problem-json-syntax-detail").arg("reason", e.to_string()).into())
    })?;
    from_value(value)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Login {
        tenant: String,
        email: Option<String>,
    }

    #[test]
    fn objects_are_read_and_arrays_refused() {
        let ok: Login = from_slice(br#"{"tenant": "demo", "email": null}"#).unwrap();
        assert_eq!(ok, Login { tenant: "demo".into(), email: None });
        for refused in [&br#"["demo", "ann@example.com"]"#[..], b"[null]", b"\"demo\"", b"42", b"null"] {
            assert!(from_slice::<Login>(refused).is_err(), "{}", String::from_utf8_lossy(refused));
        }
        assert!(from_slice::<Login>(br#"{"tenant": "demo", "other": 1}"#).is_err(), "unknown fields still refused");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "lowercase")]
    enum Priority {
        Low,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct NewTicket {
        title: String,
        priority: Option<Priority>,
    }

    fn refusal(body: &[u8]) -> (u16, serde_json::Value) {
        let err = from_slice::<NewTicket>(body).expect_err("refused");
        let problem = err.problem();
        (problem.status, serde_json::to_value(problem.errors).unwrap())
    }

    #[test]
    fn broken_json_is_400_and_a_wrong_member_422_pointing_at_it() {
        assert_eq!(refusal(br#"{"title": "x", "priority": 5"#).0, 400);
        assert_eq!(refusal(b"{title}").0, 400);
        let (status, errors) = refusal(br#"{"title": "x", "priority": 5}"#);
        assert_eq!(status, 422);
        assert_eq!(
            (&errors[0]["pointer"], &errors[0]["code"]),
            (&json!("/priority"), &json!("invalid_type")),
            "{errors}"
        );
        let (_, errors) = refusal(br#"{"title": 7}"#);
        assert_eq!(errors[0]["pointer"], "/title", "{errors}");
        assert_eq!(
            refusal(br#"{"priority": "low"}"#),
            (422, json!([{"pointer": "/title", "code": "required", "detail": "is required"}]))
        );
        let (_, errors) = refusal(br#"{"title": "x", "colour": "red"}"#);
        assert_eq!(
            (&errors[0]["pointer"], &errors[0]["code"]),
            (&json!("/colour"), &json!("unknown_field")),
            "{errors}"
        );
        let (_, errors) = refusal(br#"{"title": "x", "priority": "urgent"}"#);
        assert_eq!(
            (&errors[0]["pointer"], &errors[0]["code"]),
            (&json!("/priority"), &json!("invalid_value")),
            "{errors}"
        );
        assert_eq!(
            refusal(b"[1]"),
            (422, json!([{"pointer": "", "code": "invalid_type", "detail": "must be a JSON object"}]))
        );
    }

    #[test]
    fn serde_messages_keep_their_english_words_and_are_translated() {
        use clientdesk_domain::user::Language;
        let messages = [
            "missing field `email`",
            "duplicate field `title`",
            "unknown field `colour`, expected `title` or `priority`",
            "unknown field `colour`, there are no fields",
            "unknown variant `urgent`, expected one of `low`, `normal`, `high`",
            "unknown variant `sideways`, there are no variants",
            "invalid type: string \"x, expected y\", expected i64",
            "invalid value: integer `-1`, expected u32",
            "invalid length 3, expected a tuple of size 2",
            crate::NULL_REFUSED,
            "input contains invalid characters",
        ];
        for message in messages {
            let detail = parser_detail(message);
            assert_eq!(detail.render(Language::En), message);
            assert_ne!(detail.render(Language::De), message, "{message} is translated");
        }
        assert_eq!(
            parser_detail("unknown variant `urgent`, expected one of `low`, `high`").render(Language::Fr),
            "variante inconnue `urgent`, attendu : one of `low`, `high`"
        );
        assert_eq!(
            parser_detail("premature end of input").render(Language::It),
            "valore non leggibile: premature end of input"
        );
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Invitation {
        memberships: Vec<Membership>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Membership {
        company_id: i64,
        #[serde(rename = "a/b")]
        odd: Option<i64>,
    }

    #[test]
    fn a_nested_member_is_pointed_at_through_lists_and_objects() {
        let err = from_slice::<Invitation>(br#"{"memberships": [{"company_id": 1}, {}]}"#).expect_err("refused");
        let errors = serde_json::to_value(err.problem().errors).unwrap();
        assert_eq!(
            errors,
            json!([{"pointer": "/memberships/1/company_id", "code": "required", "detail": "is required"}])
        );
        let err =
            from_slice::<Invitation>(br#"{"memberships": [{"company_id": 1, "a/b": "x"}]}"#).expect_err("refused");
        let errors = serde_json::to_value(err.problem().errors).unwrap();
        assert_eq!(errors[0]["pointer"], "/memberships/0/a~1b", "{errors}");
        let err = from_slice::<Invitation>(br#"{"memberships": [{"company_id": 1, "role": 2}]}"#).expect_err("refused");
        let errors = serde_json::to_value(err.problem().errors).unwrap();
        assert_eq!(
            (&errors[0]["pointer"], &errors[0]["code"]),
            (&json!("/memberships/0/role"), &json!("unknown_field"))
        );
    }
}
