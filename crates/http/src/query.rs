//! Query strings, read into a handler's type. A parameter that does not parse (a `limit` of
//! `ten`, a `status` that is no status) is a 422 whose field error names the `parameter`.
//! Handlers take [`Query`] (actix-web's `web::Query` is refused by clippy, see `clippy.toml`).

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};
use serde::de::DeserializeOwned;

use crate::errors::{ApiError, FieldError};

/// The request's query string, deserialized into `T`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_query(req.query_string()).map(Query))
    }
}

/// Reads `T` from a query string (`a=1&b=x`).
pub fn from_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let parameters = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(parameters).map_err(|e| {
        let (pointer, code, detail) = crate::json::refusal(e.path(), &e.inner().to_string());
        // A query string is flat: the pointer's one token is the parameter's name.
        let name = pointer.trim_start_matches('/').replace("~1", "/").replace("~0", "~");
        ApiError::Invalid(vec![FieldError::parameter(&name, code, detail)])
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        limit: Option<u32>,
        sort: Option<Sort>,
        q: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Sort {
        Created,
    }

    fn refusal(query: &str) -> serde_json::Value {
        let err = from_query::<Page>(query).expect_err("refused");
        serde_json::to_value(err.problem().errors).unwrap()
    }

    #[test]
    fn a_parameter_that_does_not_parse_is_named() {
        assert!(from_query::<Page>("q=printer&limit=5&sort=created&other=1").is_ok());
        assert_eq!(refusal("q=x&limit=ten")[0]["parameter"], "limit");
        assert_eq!(refusal("q=x&limit=-1")[0]["parameter"], "limit");
        assert_eq!(
            refusal("q=x&sort=newest")[0],
            json!({"parameter": "sort", "code": "invalid_value",
            "detail": "unknown variant `newest`, expected `created`"})
        );
        assert_eq!(refusal("limit=5")[0], json!({"parameter": "q", "code": "required", "detail": "is required"}));
    }
}
