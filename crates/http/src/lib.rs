//! The clientdesk HTTP API: actix-web routes, the authenticated-principal extractor,
//! problem+json errors, the OpenAPI document and Swagger UI.

pub mod errors;
pub mod extract;
pub mod idempotency;
pub mod json;
pub mod language;
pub mod metrics;
pub mod openapi;
pub mod origin;
pub mod paging;
pub mod preconditions;
pub mod query;
pub mod rate_limit;
pub mod respond;
pub mod routes;
pub mod state;
pub mod text;
pub mod transport;

use actix_cors::Cors;
use actix_web::dev::Service;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web;
use actix_web::HttpMessage;
use serde::{Deserialize, Deserializer};
use utoipa_swagger_ui::SwaggerUi;

pub use state::{AppState, HttpSettings};

/// Reads a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// serde's message for a `null` where [`not_null`] refuses one (read back by `json::parser_detail`).
pub(crate) const NULL_REFUSED: &str = "invalid type: null; leave the field out to keep its value";

/// Reads a PATCH field that may be absent (`None`, left as it is) but never `null`: a field that
/// cannot be cleared refuses `null` (422) rather than ignoring it.
pub(crate) fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom(NULL_REFUSED)),
    }
}

/// Registers every route, the extractor configuration and Swagger UI.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        let json_limit = state.settings.json_limit;
        cfg.app_data(web::Data::new(state))
            .app_data(web::JsonConfig::default().limit(json_limit).error_handler(errors::json_error))
            .app_data(web::PathConfig::default().error_handler(errors::path_error));
        // The operations collected here are dropped: `openapi::document` builds the document once.
        utoipa_actix_web::service_config::ServiceConfig::new(cfg).configure(api_routes);
        // Swagger UI lives under `/docs/`; `/docs` alone leads there.
        cfg.service(web::redirect("/docs", "/docs/").permanent());
        cfg.service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi::document().clone()));
    }
}

/// Every route of the API, registered together with its OpenAPI operation: the server serves this
/// list and `openapi::document` is built from it, so no route is served undocumented or
/// documented unserved (a service without `#[utoipa::path]` does not compile here).
pub fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(routes::auth::routes)
        .configure(routes::me::routes)
        .configure(routes::notice_preferences::routes)
        .configure(routes::companies::routes)
        .configure(routes::users::routes)
        .configure(routes::directory::routes)
        .configure(routes::contacts::routes)
        .configure(routes::role_requests::routes)
        .configure(routes::tickets::routes)
        .configure(routes::catalog::routes)
        .configure(routes::attachments::routes)
        .configure(routes::kb::routes)
        .configure(routes::validations::routes)
        .configure(routes::changes::routes)
        .configure(routes::devices::routes)
        .configure(routes::assets::routes)
        .configure(routes::agent::routes)
        .configure(routes::selfservice::routes)
        .configure(routes::outbox::routes)
        .configure(routes::psa::routes)
        .configure(routes::invoices::routes)
        .configure(routes::contracts::routes)
        .configure(routes::projects::routes)
        .configure(routes::project_attachments::routes)
        .configure(routes::vault_entries::routes)
        .configure(routes::vault_documents::routes)
        .configure(routes::webhooks::routes)
        .configure(routes::sla::routes)
        .configure(routes::health::routes);
}

/// CORS for the configured origins only; none means same-origin only.
pub fn cors(settings: &HttpSettings) -> Cors {
    settings
        .cors_origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(["authorization", "content-type", "if-match", "idempotency-key"])
        .expose_headers(["etag", "retry-after", "ratelimit", "ratelimit-policy", "x-request-id"])
        .max_age(3600)
}

/// Answers what no route took with a problem: 405 with `Allow` when the path exists under other
/// methods (known from the OpenAPI document, so the two cannot disagree), 404 otherwise.
pub async fn not_found(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    method_not_allowed(req.path(), false)
        .unwrap_or_else(|| actix_web::HttpResponse::from_error(errors::ApiError::NotFound))
}

/// 405 with `Allow` when `path` is a path of the document (`literal`: one without parameters,
/// such as `/api/v1/users/invitations`, which a parameter route like `/api/v1/users/{user_id}`
/// also matches).
pub(crate) fn method_not_allowed(path: &str, literal: bool) -> Option<actix_web::HttpResponse> {
    static ROUTES: std::sync::OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        openapi::document()
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let allowed = methods.into_iter().filter(|(_, present)| *present).map(|(m, _)| m).collect();
                (path.split('/').map(str::to_owned).collect(), allowed)
            })
            .collect()
    });
    let segments: Vec<&str> = path.split('/').collect();
    let (_, methods) = routes.iter().find(|(template, _)| {
        template.len() == segments.len()
            && template.iter().zip(&segments).all(|(t, s)| t == s || (!literal && t.starts_with('{') && !s.is_empty()))
    })?;
    // The error rides along, so that `language::localise` writes it in the caller's language.
    let mut res = actix_web::HttpResponse::from_error(errors::ApiError::MethodNotAllowed);
    if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
        res.headers_mut().insert(actix_web::http::header::ALLOW, value);
    }
    Some(res)
}

/// Paths whose segment after the prefix is a secret (a single-use decision-link token): logged
/// with the secret replaced, so the request log never holds a usable link.
const SECRET_PATHS: &[&str] = &["/api/v1/decision-links/"];

/// `path` as it may be logged: the secret segment of a `SECRET_PATHS` path replaced.
pub fn loggable_path(path: &str) -> String {
    for prefix in SECRET_PATHS {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |at| &rest[at..]);
            return format!("{prefix}[redacted]{tail}");
        }
    }
    path.to_owned()
}

/// Gives every request an id (taken from `X-Request-Id` when sent), logs it with the outcome,
/// returns it in the response, and counts the response for `/metrics`.
pub fn request_id<S, B>(
    req: actix_web::dev::ServiceRequest,
    srv: &S,
) -> impl std::future::Future<Output = Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: Service<actix_web::dev::ServiceRequest, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error>,
{
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
    let (method, path) = (req.method().clone(), loggable_path(req.path()));
    let started = std::time::Instant::now();
    let fut = srv.call(req);
    async move {
        let mut res = fut.await?;
        let status = res.status().as_u16();
        if let Some(metrics) = metrics {
            metrics.record_response(status);
        }
        // Successes are logged at debug: at info, one line per request costs about 10% of the
        // throughput of a cheap endpoint (measured on GET /api/v1/me). Refusals stay at info.
        let elapsed_ms = started.elapsed().as_millis() as u64;
        if status < 400 {
            tracing::debug!(request_id = %id, %method, %path, status, elapsed_ms, "request");
        } else {
            tracing::info!(request_id = %id, %method, %path, status, elapsed_ms, "request");
        }
        if let Ok(value) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
        }
        let quota = res.request().extensions().get::<rate_limit::Quota>().copied();
        if let Some(quota) = quota.filter(|_| !res.headers().contains_key("ratelimit")) {
            for (name, value) in quota.headers() {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    res.headers_mut().insert(HeaderName::from_static(name), value);
                }
            }
        }
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::test as service;
    use actix_web::{web, App, HttpResponse};

    use super::*;

    #[test]
    fn secret_path_segments_are_redacted() {
        assert_eq!(loggable_path("/api/v1/decision-links/abcDEF123"), "/api/v1/decision-links/[redacted]");
        assert_eq!(loggable_path("/api/v1/decision-links/abc/x"), "/api/v1/decision-links/[redacted]/x");
        assert_eq!(loggable_path("/api/v1/tickets/42"), "/api/v1/tickets/42");
    }

    /// Everything the subscriber writes, in one buffer.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("the buffer is never poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn the_request_log_never_holds_a_decision_link_token() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = service::init_service(
            App::new()
                .wrap_fn(request_id)
                .route("/api/v1/decision-links/{token}", web::get().to(HttpResponse::NotFound)),
        )
        .await;
        let token = "Zq3vTOKEN-that-must-not-be-logged";
        let req = service::TestRequest::get().uri(&format!("/api/v1/decision-links/{token}")).to_request();
        assert_eq!(service::call_service(&app, req).await.status(), 404);
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("/api/v1/decision-links/[redacted]"), "{log}");
        assert!(!log.contains(token), "{log}");
    }
}
