//! Liveness, readiness and metrics.

use std::time::Duration;

use actix_web::{get, web, HttpResponse};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(live).service(ready).service(metrics);
}

/// The process is up.
#[utoipa::path(tag = "health", operation_id = "live", responses((status = 200, description = "Alive", body = Object, example = json!({"status": "ok"}))))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json_body(serde_json::json!({"status": "ok"}))
}

/// How long readiness waits for the database's answer: a load balancer must learn at once that
/// this process cannot serve.
pub const READY_TIMEOUT: Duration = Duration::from_millis(800);

/// The database answers a connection opened for this check, within a second; 503 otherwise, and
/// while the server drains before it stops.
#[utoipa::path(tag = "health", operation_id = "ready", responses(
    (status = 200, description = "Ready", body = Object, example = json!({"status": "ok"})),
    (status = 503, description = "Database unreachable, or the server is stopping", body = Problem)))]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if state.draining() {
        return Err(ApiError::Unavailable("the server is stopping".into()));
    }
    let db = state.db.clone();
    web::block(move || db.probe(READY_TIMEOUT)).await?.map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(HttpResponse::Ok().json_body(serde_json::json!({"status": "ok"})))
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(tag = "health", operation_id = "metrics", responses((status = 200, description = "Metrics", content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render())
}
