//! Provider side: the tenant's companies and their portal settings (staff only).

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::accounts::parse_domain;
use clientdesk_domain::entities::Company;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::settings::{self, PortalSettings, PortalSettingsOverride};
use clientdesk_domain::user::parse_name;
use clientdesk_persistence::companies::{self, CompanyFields};
use clientdesk_persistence::{accounts, audit, tenants, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged, UpdatedFrom};
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
        .service(put_tenant_settings)
        .service(list_domains)
        .service(add_domain)
        .service(remove_domain);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "name": "Contoso Ltd", "parent_company_id": null, "territory": "EMEA",
    "classification": "gold", "primary_contact_id": 7, "billing_contact_id": null,
    "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z"}))]
pub struct CompanyView {
    pub id: i64,
    pub name: String,
    pub parent_company_id: Option<i64>,
    pub territory: Option<String>,
    pub classification: Option<String>,
    /// The member marked as the company's primary contact.
    pub primary_contact_id: Option<i64>,
    /// The member marked as the company's billing contact.
    pub billing_contact_id: Option<i64>,
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
            primary_contact_id: c.primary_contact_id.map(|u| u.0),
            billing_contact_id: c.billing_contact_id.map(|u| u.0),
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
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub parent_company_id: Option<i64>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub territory: Option<String>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub classification: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"territory": "DACH", "primary_contact_id": 7, "billing_contact_id": null}))]
pub struct CompanyPatch {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
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
    /// A member of the company, or null for none.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub primary_contact_id: Option<Option<i64>>,
    /// A member of the company, or null for none.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub billing_contact_id: Option<Option<i64>>,
}

/// The contact `given` (absent: `current` stays), which must be a member of `company`.
fn contact(
    conn: &mut DbConnection,
    company: CompanyId,
    field: &'static str,
    given: Option<Option<i64>>,
    current: Option<UserId>,
) -> ApiResult<Option<UserId>> {
    match given {
        None => Ok(current),
        Some(None) => Ok(None),
        Some(Some(id)) if users::is_member(conn, UserId(id), company)? => Ok(Some(UserId(id))),
        Some(Some(_)) => Err(ApiError::invalid(field, Message::new("rule-company-member"))),
    }
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
    let unknown = || ApiError::invalid("parent_company_id", Message::new("rule-company-unknown"));
    let mut cursor = Some(parent);
    for _ in 0..32 {
        let Some(id) = cursor else { return Ok(Some(parent)) };
        if Some(id) == company {
            return Err(ApiError::invalid("parent_company_id", Message::new("rule-company-cycle")));
        }
        cursor = companies::get(conn, auth.tenant.id, id).map_err(|_| unknown())?.parent_company_id;
    }
    Err(ApiError::invalid("parent_company_id", Message::new("rule-company-depth")))
}

/// A unique-name conflict is the only conflict creating or renaming a company can meet.
fn name_taken(err: clientdesk_persistence::Error) -> ApiError {
    match err {
        clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-company-name"),
        other => other.into(),
    }
}

fn clean(field: &'static str, v: Option<String>) -> ApiResult<Option<String>> {
    v.map(|s| parse_name(field, &s)).transpose().map_err(Into::into)
}

/// List the tenant's companies (staff).
#[utoipa::path(tag = "provider", operation_id = "listCompanies", security(("bearer" = [])),
    params(PageQuery, UpdatedFrom, ("q" = Option<String>, Query, description = "Only companies whose name contains this text")),
    responses(
        (status = 200, description = "A page of companies", body = Paged<CompanyView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/companies")]
pub async fn list_companies(
    state: web::Data<AppState>,
    auth: Auth,
    page: crate::query::Query<PageQuery>,
    q: crate::query::Query<SearchQuery>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let since = since.into_inner().updated_from;
    let (limit, after) = page.resolve()?;
    let tenant = auth.tenant.id;
    let text = q.into_inner().q.filter(|s| !s.trim().is_empty());
    if text.as_ref().is_some_and(|t| t.len() > 200) {
        return Err(ApiError::invalid_parameter("q", Message::new("rule-max-chars").arg("max", 200)));
    }
    let page = state.run(move |conn| Ok(companies::list(conn, tenant, text.as_deref(), since, after, limit)?)).await?;
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

/// Change a company's name, parent, territory, classification, or its primary and billing
/// contacts (provider admin; a contact must be a member of the company, null clears it).
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
                let primary =
                    contact(conn, id, "primary_contact_id", body.primary_contact_id, current.primary_contact_id)?;
                let billing =
                    contact(conn, id, "billing_contact_id", body.billing_contact_id, current.billing_contact_id)?;
                let contacts_changed = (primary, billing) != (current.primary_contact_id, current.billing_contact_id);
                let mut company =
                    companies::update(conn, auth.tenant.id, id, &fields, Utc::now()).map_err(name_taken)?;
                client.record_change(conn, &auth, "company_updated", format!("company:{}", id), None)?;
                if contacts_changed {
                    accounts::set_company_contacts(conn, id, primary, billing, Utc::now())?;
                    let named = |u: Option<UserId>| u.map_or("none".to_owned(), |u| u.0.to_string());
                    let detail = format!("primary:{} billing:{}", named(primary), named(billing));
                    client.record_change(
                        conn,
                        &auth,
                        "company_contacts_changed",
                        format!("company:{}", id),
                        Some(detail),
                    )?;
                    company = companies::get(conn, auth.tenant.id, id)?;
                }
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

// E-mail domains

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "domain": "contoso.example", "created_at": "2026-12-07T10:00:00Z"}))]
pub struct DomainView {
    pub id: i64,
    /// Lower-case, without `@`.
    pub domain: String,
    pub created_at: chrono::DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"domain": "contoso.example"}))]
pub struct DomainInput {
    /// A domain name such as `contoso.example` (a leading `@` is dropped, case does not matter).
    pub domain: String,
}

/// List the e-mail domains registered on a company (staff). New logins with an address of one of
/// them join the company.
#[utoipa::path(tag = "accounts", operation_id = "listCompanyEmailDomains", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The company's domains, by name", body = Paged<DomainView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such company in this tenant", body = Problem)))]
#[get("/api/v1/companies/{company_id}/email-domains")]
pub async fn list_domains(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.id, CompanyId(path.into_inner()));
    let domains = state
        .run(move |conn| {
            companies::get(conn, tenant, id)?;
            Ok(accounts::domains_of(conn, id)?)
        })
        .await?;
    let views: Vec<DomainView> =
        domains.into_iter().map(|(id, domain, created_at)| DomainView { id, domain, created_at }).collect();
    Ok(HttpResponse::Ok().json_body(Paged::whole(views)))
}

/// Register an e-mail domain on a company (provider admin). A domain belongs to one company of
/// the tenant at most.
#[utoipa::path(tag = "accounts", operation_id = "addCompanyEmailDomain", security(("bearer" = [])),
    params(("company_id" = i64, Path)), request_body = DomainInput,
    responses(
        (status = 201, description = "Registered", body = DomainView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such company in this tenant", body = Problem),
        (status = 409, description = "A company of the tenant has this domain (named in the detail)", body = Problem),
        (status = 422, description = "Not a domain name", body = Problem)))]
#[post("/api/v1/companies/{company_id}/email-domains")]
pub async fn add_domain(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<DomainInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let domain = parse_domain(&body.domain)?;
    let (id, client) = (CompanyId(path.into_inner()), origin::of(&req));
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let tenant = auth.tenant.id;
                companies::get(conn, tenant, id)?;
                // Checked before inserting: a refused insert would end a PostgreSQL transaction.
                if let Some(owner) = accounts::company_of_domain(conn, tenant, &domain)? {
                    let owner = companies::get(conn, tenant, owner)?;
                    return Err(ApiError::Conflict(
                        Message::new("conflict-domain-registered")
                            .arg("domain", domain.to_string())
                            .arg("company", owner.name)
                            .arg("company_id", owner.id.0)
                            .into(),
                    ));
                }
                let now = Utc::now();
                let domain_id = accounts::add_domain(conn, tenant, id, &domain, now).map_err(|e| match e {
                    clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-company-domain"),
                    other => other.into(),
                })?;
                client.record_change(
                    conn,
                    &auth,
                    "company_domain_added",
                    format!("company:{}", id.0),
                    Some(domain.clone()),
                )?;
                Ok(DomainView { id: domain_id, domain, created_at: now })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// Remove an e-mail domain from a company (provider admin). Existing logins stay.
#[utoipa::path(tag = "accounts", operation_id = "removeCompanyEmailDomain", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("domain_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such company, or no such domain on it", body = Problem)))]
#[delete("/api/v1/companies/{company_id}/email-domains/{domain_id}")]
pub async fn remove_domain(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let ((company, domain_id), client) = (path.into_inner(), origin::of(&req));
    let id = CompanyId(company);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                companies::get(conn, auth.tenant.id, id)?;
                let domain = accounts::domains_of(conn, id)?.into_iter().find(|(d, _, _)| *d == domain_id);
                let Some((_, name, _)) = domain else { return Err(ApiError::NotFound) };
                accounts::remove_domain(conn, id, domain_id)?;
                client.record_change(conn, &auth, "company_domain_removed", format!("company:{}", id.0), Some(name))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
