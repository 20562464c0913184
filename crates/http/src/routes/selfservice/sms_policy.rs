//! The tenant's SMS policy: the calling codes its SMS may go to.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::sms::parse_prefixes;

use clientdesk_persistence::{sms, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::errors::{ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"allowed_calling_codes": ["+41", "+33", "+49"]}))]
pub struct SmsPolicy {
    /// The calling-code prefixes the tenant's SMS may go to (`+` and 1 to 6 digits, at most 100);
    /// a phone outside them is refused (422). `null`: anywhere. An empty list: nowhere.
    pub allowed_calling_codes: Option<Vec<String>>,
}

/// Where the tenant's SMS (phone codes, step-up codes, temporary passwords) may go (staff).
#[utoipa::path(tag = "self-service", operation_id = "getSmsPolicy", security(("bearer" = [])),
    responses(
        (status = 200, description = "The policy", body = SmsPolicy),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/tenant/sms-policy")]
pub async fn get_sms_policy(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let prefixes = state.run(move |conn| Ok(sms::allowed_prefixes(conn, auth.tenant.id)?)).await?;
    Ok(HttpResponse::Ok().json_body(SmsPolicy { allowed_calling_codes: prefixes }))
}

/// Restrict the calling codes the tenant's SMS may go to (provider admins): against SMS pumping
/// to premium-rate numbers abroad.
#[utoipa::path(tag = "self-service", operation_id = "putSmsPolicy", security(("bearer" = [])),
    request_body = SmsPolicy,
    responses(
        (status = 200, description = "The policy", body = SmsPolicy),
        (status = 403, description = "Not a provider admin, or a read-only token", body = Problem),
        (status = 422, description = "Not a list of calling-code prefixes", body = Problem)))]
#[put("/api/v1/tenant/sms-policy")]
pub async fn put_sms_policy(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<SmsPolicy>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let prefixes = body.into_inner().allowed_calling_codes.as_deref().map(parse_prefixes).transpose()?;
    let client = origin::of(&req);
    let view = SmsPolicy { allowed_calling_codes: prefixes.clone() };
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                sms::set_allowed_prefixes(conn, auth.tenant.id, prefixes.as_deref(), Utc::now())?;
                let detail = prefixes.as_ref().map_or_else(|| "anywhere".to_owned(), |p| p.join(","));
                client.record_change(conn, &auth, "sms_policy.updated", "tenant".into(), Some(detail))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}
