//! Liveness, readiness and metrics.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use clientdesk_app::crypto::secrets::{constant_time_eq, fingerprint};

use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::metrics::Metrics;
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(live).service(ready).service(metrics);
}

/// A health check's answer.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// Always `ok`: a failed check answers 503 with a problem instead.
    status: &'static str,
}

const HEALTHY: Health = Health { status: "ok" };

/// The process is up.
#[utoipa::path(tag = "health", operation_id = "live", security(()), responses((status = 200, description = "Alive", body = Health)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json_body(HEALTHY)
}

/// How long readiness waits for the database's answer: a load balancer must learn at once that
/// this process cannot serve.
pub const READY_TIMEOUT: Duration = Duration::from_millis(800);

/// The database answers a connection opened for this check, within a second; 503 otherwise, and
/// while the server drains before it stops.
#[utoipa::path(tag = "health", operation_id = "ready", security(()), responses(
    (status = 200, description = "Ready", body = Health),
    (status = 503, description = "Database unreachable, or the server is stopping", body = Problem)))]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if state.draining() {
        return Err(ApiError::Unavailable("the server is stopping".into()));
    }
    let db = state.db.clone();
    web::block(move || db.probe(READY_TIMEOUT)).await?.map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(HttpResponse::Ok().json_body(HEALTHY))
}

/// Prometheus metrics (text exposition format). On the API's address only with the configured
/// metrics token as bearer (`CLIENTDESK_METRICS_TOKEN`); without one it is not served here (see
/// `CLIENTDESK_METRICS_LISTEN` for an address of its own, which asks for no token).
#[utoipa::path(tag = "health", operation_id = "metrics", security(("bearer" = [])), responses(
    (status = 200, description = "Metrics", content_type = "text/plain", body = String),
    (status = 401, description = "Not the metrics token", body = Problem),
    (status = 404, description = "Metrics are not served on this address", body = Problem)))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let Some(expected) = state.settings.metrics_token.as_deref() else { return Err(ApiError::NotFound) };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(&fingerprint(presented), &fingerprint(expected)) {
        return Err(ApiError::unauthorized("unauthorized-metrics-token"));
    }
    Ok(render(&state.metrics))
}

fn render(counters: &Metrics) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(counters.render())
}

/// The app of the metrics' own address (`CLIENTDESK_METRICS_LISTEN`): `/metrics` without a
/// token, nothing else. Keep that address off the public network.
pub fn metrics_only(counters: Arc<Metrics>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::from(counters))
            .route("/metrics", web::get().to(|counters: web::Data<Metrics>| async move { render(&counters) }));
    }
}
