//! The caller's language, for what the API writes to a person (problem documents, the decision
//! page): the signed-in user's chosen language, otherwise the request's `Accept-Language`,
//! otherwise English.
//!
//! A problem is first written in English by `ApiError::error_response`, which sees no request;
//! [`localise`] writes it again in the caller's language on its way out. Only failed requests pay
//! for it: a successful one pays for one slot per authenticated request and no query.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest};
use clientdesk_domain::i18n;
use clientdesk_domain::user::Language;

use crate::errors::ApiError;

/// The signed-in user's language, filled in where the caller is authenticated (on the blocking
/// pool, hence atomic) and read when a problem is written.
#[derive(Clone, Default)]
pub struct UserLanguage(Arc<AtomicU8>);

impl UserLanguage {
    /// A slot for `req`'s caller, read by [`of`].
    pub fn attach(req: &HttpRequest) -> Self {
        let slot = Self::default();
        req.extensions_mut().insert(slot.clone());
        slot
    }

    pub fn set(&self, lang: Language) {
        let index = Language::ALL.iter().position(|l| *l == lang).unwrap_or(0);
        self.0.store(index as u8 + 1, Ordering::Relaxed);
    }

    fn get(&self) -> Option<Language> {
        let stored = self.0.load(Ordering::Relaxed);
        stored.checked_sub(1).and_then(|index| Language::ALL.get(usize::from(index)).copied())
    }
}

/// The language to write to `req`'s caller in.
pub fn of(req: &HttpRequest) -> Language {
    let user = req.extensions().get::<UserLanguage>().and_then(UserLanguage::get);
    user.or_else(|| requested(req)).unwrap_or_default()
}

/// The language the request's `Accept-Language` prefers among those available.
pub fn requested(req: &HttpRequest) -> Option<Language> {
    let accept = req.headers().get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    i18n::negotiate(accept)
}

/// Middleware: a problem answer is written in the caller's language, with `Content-Language`.
pub fn localise<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let fut = srv.call(req);
    async move {
        let res = fut.await?;
        let Some(error) = res.response().error().and_then(|e| e.as_error::<ApiError>()) else {
            return Ok(res.map_into_left_body());
        };
        let lang = of(res.request());
        if lang == Language::En {
            return Ok(res.map_into_left_body());
        }
        let body = serde_json::to_vec(&error.problem_in(lang)).unwrap_or_default();
        let mut res = res.map_body(|_, _| BoxBody::new(body)).map_into_right_body();
        res.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.as_str()));
        Ok(res)
    }
}
