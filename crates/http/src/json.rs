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
use serde::de::{self, DeserializeOwned, MapAccess};
use serde_json::Value;

use crate::errors::ApiError;

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

/// Reads `T` from a parsed body, which must be a JSON object: anything else, and a field of the
/// wrong type or shape, is a 422 naming the field (or `body` when no one field is at fault).
pub fn from_value<T: DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    let Value::Object(fields) = body else {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    };
    let mut at_fault = None;
    let read = T::deserialize(de::value::MapAccessDeserializer::new(Fields {
        fields: fields.into_iter(),
        value: None,
        at_fault: &mut at_fault,
    }));
    read.map_err(|e| {
        let message = e.to_string();
        let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')).map(|(f, _)| f);
        let field = at_fault.as_deref().or(missing).unwrap_or("body");
        ApiError::invalid(field, message.clone())
    })
}

/// The fields of a JSON object, handed to a `Deserialize` one by one, keeping the name of the one
/// that failed.
struct Fields<'a> {
    fields: serde_json::map::IntoIter,
    value: Option<(String, Value)>,
    at_fault: &'a mut Option<String>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        let Some((name, value)) = self.fields.next() else { return Ok(None) };
        let key = seed.deserialize(Value::String(name.clone()));
        if key.is_err() {
            *self.at_fault = Some(name.clone());
        }
        self.value = Some((name, value));
        key.map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        let (name, value) = self.value.take().ok_or_else(|| de::Error::custom("a value without its field"))?;
        seed.deserialize(value).inspect_err(|_| *self.at_fault = Some(name))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// Reads a raw JSON body that must be an object: broken JSON is a 400, anything else that is not
/// `T` a 422 naming the field (see [`from_value`]).
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("The body is not valid JSON: {e}")))?;
    from_value(value)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

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
    fn broken_json_is_400_and_a_wrong_field_422_naming_it() {
        assert_eq!(refusal(br#"{"title": "x", "priority": 5"#).0, 400);
        assert_eq!(refusal(b"{title}").0, 400);
        let (status, errors) = refusal(br#"{"title": "x", "priority": 5}"#);
        assert_eq!(status, 422);
        assert!(errors["priority"][0].as_str().unwrap().contains("invalid type"), "{errors}");
        let (status, errors) = refusal(br#"{"title": 7}"#);
        assert_eq!(status, 422);
        assert!(errors.get("title").is_some(), "{errors}");
        assert_eq!(refusal(br#"{"priority": "low"}"#), (422, serde_json::json!({"title": ["missing field `title`"]})));
        let (status, errors) = refusal(br#"{"title": "x", "colour": "red"}"#);
        assert_eq!(status, 422);
        assert!(errors.get("colour").is_some(), "{errors}");
        assert_eq!(refusal(b"[1]"), (422, serde_json::json!({"body": ["must be a JSON object"]})));
    }
}
