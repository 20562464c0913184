//! JSON request bodies, which must be JSON objects.
//!
//! serde's derived `Deserialize` reads a struct from an array too, by position, which would bypass
//! field names and `deny_unknown_fields` (`["demo", "ann@example.com", "pw"]` would sign in). Every
//! body is read through [`Object`], which accepts a JSON object only: anything else is a 422 and
//! changes nothing. Handlers take [`Json`] (actix-web's `web::Json` is refused by clippy, see
//! `clippy.toml`); raw bodies (signed callbacks, forms) go through [`from_slice`].

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{FutureExt, LocalBoxFuture};
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

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
        actix_web::web::Json::<Object<T>>::from_request(req, payload)
            .map(|body| body.map(|body| Json(body.into_inner().0)))
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
        actix_web::web::JsonBody::<Object<T>>::new(&req, payload, None, true)
            .limit(LIMIT)
            .map(move |body| body.map(|body| Self(body.0)).map_err(|e| crate::errors::json_error(e, &req)))
            .boxed_local()
    }
}

/// `T` read from a JSON object only.
#[derive(Debug)]
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }

        deserializer.deserialize_map(ObjectVisitor(PhantomData)).map(Object)
    }
}

/// Reads a raw JSON body that must be an object; anything else is a 422 naming the body.
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice::<Object<T>>(body).map(|o| o.0).map_err(|e| ApiError::invalid("body", e.to_string()))
}

#[cfg(test)]
mod tests {
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
}
