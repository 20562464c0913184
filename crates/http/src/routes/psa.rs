//! The PSA integration: its sync credential (made by provider admins, shown once, stored as a
//! SHA-256 fingerprint, replaced by making a new one, as the RMM's device sync credential is) and
//! the batch endpoints the PSA calls with it. A batch is one transaction: one refused row refuses
//! it whole, named by the PSA's own id, and nothing is stored.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::crypto::secrets::{fingerprint, random_token};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_persistence::{psa, write_tx};
use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::origin;
use crate::preconditions::check_if_match;
use crate::respond::JsonBody;
use crate::routes::devices::SecretView;
use crate::state::AppState;

/// Prefix of the PSA's sync credential, so a leaked one is recognisable.
pub const SYNC_TOKEN_PREFIX: &str = "cdp_";
/// Most rows (upserts and deletes together) in one sync request.
pub const MAX_SYNC: usize = 500;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_integration).service(new_sync_token);
}

/// The PSA integration as provider admins see it; the credential is shown once, when made.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"has_sync_token": true}))]
pub struct PsaIntegrationView {
    pub has_sync_token: bool,
}

/// Read whether the PSA integration has a sync credential (provider admins).
#[utoipa::path(tag = "psa", operation_id = "getPsaIntegration", security(("bearer" = [])),
    responses(
        (status = 200, description = "The integration", body = PsaIntegrationView),
        (status = 403, description = "Not a provider admin", body = Problem)))]
#[get("/api/v1/psa/integration")]
pub async fn get_integration(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin_role()?;
    let view = state
        .run(move |conn| Ok(PsaIntegrationView { has_sync_token: psa::has_sync_token(conn, auth.tenant.id)? }))
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Make the credential the PSA syncs with (provider admins); it replaces the previous one at once
/// and is shown only in this answer.
#[utoipa::path(tag = "psa", operation_id = "newPsaSyncToken", security(("bearer" = [])),
    responses(
        (status = 200, description = "The new sync credential", body = SecretView),
        (status = 403, description = "Not a provider admin, or a read-only token", body = Problem)))]
#[post("/api/v1/psa/integration/sync-token")]
pub async fn new_sync_token(state: web::Data<AppState>, req: HttpRequest, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let token = format!("{SYNC_TOKEN_PREFIX}{}", random_token(32));
                psa::set_sync_token(conn, auth.tenant.id, &fingerprint(&token), Utc::now())?;
                client.record_change(conn, &auth, "psa_integration.sync_token", "psa_integration".into(), None)?;
                Ok(SecretView { secret: token })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// The fingerprint of the PSA sync credential a request carries, or 401.
pub(crate) fn sync_credential(req: &HttpRequest) -> ApiResult<String> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(SYNC_TOKEN_PREFIX) && t.len() < 200)
        .map(fingerprint)
        .ok_or(ApiError::unauthorized("unauthorized-psa-sync-credential"))
}

/// The tenant whose PSA credential this is (call inside the request's database step).
pub(crate) fn sync_tenant(conn: &mut clientdesk_persistence::DbConnection, fingerprint: &str) -> ApiResult<TenantId> {
    match psa::tenant_by_sync_token(conn, fingerprint) {
        Err(clientdesk_persistence::Error::NotFound) => Err(ApiError::unauthorized("unauthorized-psa-sync-credential")),
        other => Ok(other?),
    }
}

/// Checks a batch's size: 1 to 500 rows, upserts and deletes together.
pub(crate) fn batch_size(upserts: usize, deletes: usize) -> ApiResult<()> {
    let rows = upserts + deletes;
    if rows == 0 || rows > MAX_SYNC {
        return Err(ApiError::invalid("upsert", Message::new("rule-sync-batch-size").arg("max", MAX_SYNC)));
    }
    Ok(())
}

/// The item a batch's refusal is about: `row INV-2`.
pub(crate) fn row(psa_id: &str) -> Message {
    Message::new("detail-row").arg("id", psa_id.to_owned())
}

/// Each PSA id once per batch (an upsert and a delete of one row would contradict each other).
pub(crate) fn unique_ids<'a>(ids: impl Iterator<Item = &'a str>) -> ApiResult<()> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(ApiError::invalid("upsert", Message::new("rule-sync-named-twice")).about(row(id)));
        }
    }
    Ok(())
}

/// A batch's rows, read before any database work: each upsert with its PSA id, read by `parse`
/// (whose refusals name the row), and the PSA ids to delete; every id once.
pub(crate) type Rows<T> = Vec<(String, CompanyId, T)>;

pub(crate) fn read_batch<I, T>(
    upsert: Vec<I>,
    delete: &[String],
    id_of: impl Fn(&I) -> Option<&str>,
    parse: impl Fn(&str, I) -> ApiResult<(CompanyId, T)>,
) -> ApiResult<(Rows<T>, Vec<String>)> {
    let mut rows = Vec::with_capacity(upsert.len());
    for (i, input) in upsert.into_iter().enumerate() {
        let id = psa_id(&format!("upsert[{i}].psa_id"), id_of(&input).unwrap_or(""))?;
        let (company, fields) = parse(&format!("upsert[{i}]"), input).map_err(|e| e.about(row(&id)))?;
        rows.push((id, company, fields));
    }
    let deletes =
        delete.iter().enumerate().map(|(i, d)| psa_id(&format!("delete[{i}]"), d)).collect::<ApiResult<Vec<_>>>()?;
    unique_ids(rows.iter().map(|(id, ..)| id.as_str()).chain(deletes.iter().map(String::as_str)))?;
    Ok((rows, deletes))
}

/// Refuses a batch whose row names a company that is not the tenant's, pointing at the row.
pub(crate) fn require_known_companies<T>(
    conn: &mut clientdesk_persistence::DbConnection,
    tenant: TenantId,
    rows: &Rows<T>,
) -> ApiResult<()> {
    let known = psa::companies_of_tenant(conn, tenant, &rows.iter().map(|(_, c, _)| c.0).collect::<Vec<_>>())?;
    match rows.iter().enumerate().find(|(_, (_, c, _))| !known.contains(&c.0)) {
        Some((i, (id, ..))) => {
            Err(ApiError::invalid(&format!("upsert[{i}].company_id"), Message::new("rule-company-unknown"))
                .about(row(id)))
        }
        None => Ok(()),
    }
}

/// A PSA id: 1 to 100 characters without control characters.
pub(crate) fn psa_id(field: &str, value: &str) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, crate::text::rule(100)));
    }
    Ok(value.to_owned())
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"psa_id": "INV-2026-0412", "id": 17, "created": true}))]
pub struct SyncedRow {
    pub psa_id: String,
    pub id: i64,
    pub created: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"upserted": [{"psa_id": "INV-2026-0412", "id": 17, "created": true}], "deleted": 1}))]
pub struct SyncAnswer {
    pub upserted: Vec<SyncedRow>,
    /// How many of the ids to delete were known and removed.
    pub deleted: usize,
}

/// Before a change by hand of a PSA record read at `version` in this transaction: with
/// `If-Match`, refuses (412) unless it names that version, and holds the record at it so that a
/// write committed meanwhile refuses this one rather than being overwritten. Without it, the
/// change applies to the current record.
pub(crate) fn hold_for_change(
    conn: &mut clientdesk_persistence::DbConnection,
    tenant: TenantId,
    record: psa::Versioned,
    id: i64,
    version: i64,
    if_match: Option<&str>,
) -> ApiResult<()> {
    if if_match.is_none() {
        return Ok(());
    }
    check_if_match(if_match, version)?;
    if !psa::hold_at_version(conn, record, tenant, id, version)? {
        return Err(ApiError::PreconditionFailed);
    }
    Ok(())
}
