//! Provider side: the tenant's companies and their portal settings (staff only).

use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::entities::Company;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::settings::{self, PortalSettings, PortalSettingsOverride};
use clientdesk_domain::user::parse_name;
use clientdesk_persistence::companies::{self, CompanyFields};
use clientdesk_persistence::{audit, tenants, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_companies)
        .service(create_company)
        .service(get_company)
        .service(update_company)
        .service(get_settings)
        .service(put_settings)
        .service(get_tenant_settings)
        .service(put_tenant_settings);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "name": "Contoso Ltd", "parent_company_id": null, "territory": "EMEA",
    "classification": "gold", "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z"}))]
pub struct CompanyView {
    pub id: i64,
    pub name: String,
    pub parent_company_id: Option<i64>,
    pub territory: Option<String>,
    pub classification: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<Company> for CompanyView {
    fn from(c: Company) -> Self {
        Self {
            id: c.id.0,
            name: c.name,
            parent_company_id: c.parent_company_id.map(|p| p.0),
            territory: c.territory,
            classification: c.classification,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Contoso Ltd", "parent_company_id": null, "territory": "EMEA", "classification": "gold"}))]
pub struct CompanyInput {
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    pub parent_company_id: Option<i64>,
    #[validate(length(max = 100))]
    pub territory: Option<String>,
    #[validate(length(max = 100))]
    pub classification: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"territory": "DACH"}))]
pub struct CompanyPatch {
    #[validate(length(min = 1, max = 200))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_company_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub territory: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub classification: Option<Option<String>>,
}

/// Checks that the parent exists in the tenant, is not the company itself, and that the chain
/// of parents has no cycle.
fn check_parent(
    conn: &mut DbConnection,
    auth: &Auth,
    company: Option<CompanyId>,
    parent: Option<i64>,
) -> ApiResult<Option<CompanyId>> {
    let Some(parent) = parent.map(CompanyId) else { return Ok(None) };
    let unknown = || ApiError::invalid("parent_company_id", "is not a company of this tenant");
    let mut cursor = Some(parent);
    for _ in 0..32 {
        let Some(id) = cursor else { return Ok(Some(parent)) };
        if Some(id) == company {
            return Err(ApiError::invalid("parent_company_id", "would make the company its own ancestor"));
        }
        cursor = companies::get(conn, auth.tenant.id, id).map_err(|_| unknown())?.parent_company_id;
    }
    Err(ApiError::invalid("parent_company_id", "the chain of parent companies is too deep"))
}

/// A unique-name conflict is the only conflict creating or renaming a company can meet.
fn name_taken(err: clientdesk_persistence::Error) -> ApiError {
    match err {
        clientdesk_persistence::Error::Conflict(_) => ApiError::Conflict("A company of that name exists.".into()),
        other => other.into(),
    }
}

fn clean(field: &'static str, v: Option<String>) -> ApiResult<Option<String>> {
    v.map(|s| parse_name(field, &s)).transpose().map_err(Into::into)
}

/// List the tenant's companies (staff).
#[utoipa::path(tag = "provider", operation_id = "listCompanies", security(("bearer" = [])),
    params(PageQuery, ("q" = Option<String>, Query, description = "Only companies whose name contains this text")),
    responses(
        (status = 200, description = "A page of companies", body = Paged<CompanyView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/companies")]
pub async fn list_companies(
    state: web::Data<AppState>,
    auth: Auth,
    page: web::Query<PageQuery>,
    q: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, after) = page.resolve()?;
    let tenant = auth.tenant.id;
    let text = q.into_inner().q.filter(|s| !s.trim().is_empty());
    if text.as_ref().is_some_and(|t| t.len() > 200) {
        return Err(ApiError::invalid("q", "must be at most 200 characters"));
    }
    let page = state.run(move |conn| Ok(companies::list(conn, tenant, text.as_deref(), after, limit)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged {
        items: page.items.into_iter().map(CompanyView::from).collect(),
        next_cursor: cursor(page.next_after),
    }))
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
}

/// Create a company (provider admin).
#[utoipa::path(tag = "provider", operation_id = "createCompany", security(("bearer" = [])), request_body = CompanyInput,
    responses(
        (status = 201, description = "Created", body = CompanyView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 409, description = "A company of that name exists", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/companies")]
pub async fn create_company(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CompanyInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_provider_admin()?;
    let body = body.into_inner();
    let client = origin::of(&req);
    let company = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let parent = check_parent(conn, &auth, None, body.parent_company_id)?;
                let fields = CompanyFields {
                    name: parse_name("name", &body.name)?,
                    parent_company_id: parent,
                    territory: clean("territory", body.territory)?,
                    classification: clean("classification", body.classification)?,
                    portal_overrides: PortalSettingsOverride::default(),
                };
                let company = companies::create(conn, auth.tenant.id, &fields, Utc::now()).map_err(name_taken)?;
                client.record_change(conn, &auth, "company_created", format!("company:{}", company.id), None)?;
                Ok(company)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(CompanyView::from(company)))
}

/// Read a company (staff).
#[utoipa::path(tag = "provider", operation_id = "getCompany", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The company", body = CompanyView),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such company in this tenant", body = Problem)))]
#[get("/api/v1/companies/{company_id}")]
pub async fn get_company(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.id, CompanyId(path.into_inner()));
    let company = state.run(move |conn| Ok(companies::get(conn, tenant, id)?)).await?;
    Ok(HttpResponse::Ok().json_body(CompanyView::from(company)))
}

/// Change a company's name, parent, territory or classification (provider admin).
#[utoipa::path(tag = "provider", operation_id = "updateCompany", security(("bearer" = [])),
    params(("company_id" = i64, Path)), request_body = CompanyPatch,
    responses(
        (status = 200, description = "Updated", body = CompanyView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such company in this tenant", body = Problem),
        (status = 409, description = "A company of that name exists", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/companies/{company_id}")]
pub async fn update_company(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<CompanyPatch>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_provider_admin()?;
    let (id, body, client) = (CompanyId(path.into_inner()), body.into_inner(), origin::of(&req));
    let company = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = companies::get(conn, auth.tenant.id, id)?;
                let parent = match body.parent_company_id {
                    Some(p) => check_parent(conn, &auth, Some(id), p)?,
                    None => current.parent_company_id,
                };
                let fields = CompanyFields {
                    name: body.name.map(|n| parse_name("name", &n)).transpose()?.unwrap_or(current.name),
                    parent_company_id: parent,
                    territory: match body.territory {
                        Some(t) => clean("territory", t)?,
                        None => current.territory,
                    },
                    classification: match body.classification {
                        Some(c) => clean("classification", c)?,
                        None => current.classification,
                    },
                    portal_overrides: current.portal_overrides,
                };
                let company = companies::update(conn, auth.tenant.id, id, &fields, Utc::now()).map_err(name_taken)?;
                client.record_change(conn, &auth, "company_updated", format!("company:{}", id), None)?;
                Ok(company)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(CompanyView::from(company)))
}

/// A company's portal settings: its own overrides and the settings in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanySettingsView {
    /// The company's own choices; a field left out follows the tenant's default.
    pub overrides: PortalSettingsOverride,
    /// The settings in force: the overrides over the tenant's defaults.
    pub effective: PortalSettings,
}

/// Read a company's portal settings (staff).
#[utoipa::path(tag = "provider", operation_id = "getCompanySettings", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "Overrides and effective settings", body = CompanySettingsView),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such company in this tenant", body = Problem)))]
#[get("/api/v1/companies/{company_id}/settings")]
pub async fn get_settings(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.clone(), CompanyId(path.into_inner()));
    let company = state.run(move |conn| Ok(companies::get(conn, tenant.id, id)?)).await?;
    let effective = company.settings_in_force(&auth.tenant);
    Ok(HttpResponse::Ok().json_body(CompanySettingsView { overrides: company.portal_overrides, effective }))
}

/// Replace a company's overrides (provider admin). Fields left out follow the tenant's defaults.
#[utoipa::path(tag = "provider", operation_id = "putCompanySettings", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    request_body = PortalSettingsOverride,
    responses(
        (status = 200, description = "Overrides and effective settings", body = CompanySettingsView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such company in this tenant", body = Problem),
        (status = 422, description = "Unknown field or invalid value", body = Problem)))]
#[put("/api/v1/companies/{company_id}/settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<PortalSettingsOverride>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let overrides = body.into_inner();
    overrides.validate()?;
    let (id, client) = (CompanyId(path.into_inner()), origin::of(&req));
    let tenant = auth.tenant.clone();
    let company = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = companies::get(conn, auth.tenant.id, id)?;
                let fields = CompanyFields {
                    name: current.name,
                    parent_company_id: current.parent_company_id,
                    territory: current.territory,
                    classification: current.classification,
                    portal_overrides: overrides,
                };
                let company = companies::update(conn, auth.tenant.id, id, &fields, Utc::now())?;
                client.record_change(conn, &auth, "company_settings_changed", format!("company:{}", id), None)?;
                Ok(company)
            })
        })
        .await?;
    let effective = company.settings_in_force(&tenant);
    Ok(HttpResponse::Ok().json_body(CompanySettingsView { overrides: company.portal_overrides, effective }))
}

/// The tenant-wide default portal settings (staff).
#[utoipa::path(tag = "provider", operation_id = "getTenantSettings", security(("bearer" = [])),
    responses(
        (status = 200, description = "The defaults", body = PortalSettings),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/tenant/settings")]
pub async fn get_tenant_settings(auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    Ok(HttpResponse::Ok().json_body(&auth.tenant.portal_defaults))
}

/// Replace the tenant-wide default portal settings (provider admin); every field is required.
#[utoipa::path(tag = "provider", operation_id = "putTenantSettings", security(("bearer" = [])),
    request_body = PortalSettings,
    responses(
        (status = 200, description = "The new defaults", body = PortalSettings),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 422, description = "Missing or invalid field", body = Problem)))]
#[put("/api/v1/tenant/settings")]
pub async fn put_tenant_settings(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<PortalSettings>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let defaults = body.into_inner();
    settings::validate_time_zone(&defaults.time_zone)?;
    let client = origin::of(&req);
    let saved = defaults.clone();
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                tenants::set_defaults(conn, auth.tenant.id, &saved)?;
                let event = client.event(Some(auth.tenant.id), Some(auth.user.id), "tenant_settings_changed");
                audit::record(conn, &event, Utc::now())?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(defaults))
}
