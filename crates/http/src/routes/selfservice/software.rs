//! The software catalogue (staff) and the software a device's user may install.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::Utc;
use clientdesk_app::selfservice as use_case;
use clientdesk_domain::actions::Software;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::CompanyId;

use clientdesk_persistence::actions as store;
use clientdesk_persistence::{write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::own_device;
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::state::AppState;

/// An application of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 2, "name": "7-Zip", "chocolatey_id": "7zip", "homebrew_cask": "keka",
    "all_companies": true, "company_ids": [], "active": true}))]
pub struct SoftwareView {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chocolatey_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homebrew_formula: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homebrew_cask: Option<String>,
    pub all_companies: bool,
    pub company_ids: Vec<i64>,
    pub active: bool,
}

impl From<Software> for SoftwareView {
    fn from(s: Software) -> Self {
        Self {
            id: s.id,
            name: s.name,
            chocolatey_id: s.chocolatey_id,
            homebrew_formula: s.homebrew_formula,
            homebrew_cask: s.homebrew_cask,
            all_companies: s.all_companies,
            company_ids: s.companies.iter().map(|c| c.0).collect(),
            active: s.active,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "7-Zip", "chocolatey_id": "7zip", "all_companies": true}))]
pub struct SoftwareInput {
    pub name: Option<String>,
    /// The Chocolatey package id (Windows).
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub chocolatey_id: Option<Option<String>>,
    /// A Homebrew formula (macOS)...
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub homebrew_formula: Option<Option<String>>,
    /// ... or a Homebrew cask.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub homebrew_cask: Option<Option<String>>,
    /// Offered to every company (default), or only to `company_ids`.
    pub all_companies: Option<bool>,
    pub company_ids: Option<Vec<i64>>,
    pub active: Option<bool>,
}

/// A package id: letters, digits and `.-_@/+`, 1 to 100 characters.
fn package(field: &str, value: Option<Option<String>>, current: Option<String>) -> ApiResult<Option<String>> {
    let Some(value) = value else { return Ok(current) };
    let Some(value) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else { return Ok(None) };
    let valid = value.len() <= 100 && value.chars().all(|c| c.is_ascii_alphanumeric() || ".-_@/+".contains(c));
    if !valid {
        return Err(ApiError::invalid(field, Message::new("rule-package-id")));
    }
    Ok(Some(value))
}

impl SoftwareInput {
    fn apply(self, conn: &mut DbConnection, auth: &Auth, mut s: Software) -> ApiResult<Software> {
        if let Some(name) = &self.name {
            s.name = clientdesk_domain::approvals::required_text("name", name, 200)?;
        }
        if s.name.is_empty() {
            return Err(ApiError::invalid("name", Message::new("field-required")));
        }
        s.chocolatey_id = package("chocolatey_id", self.chocolatey_id, s.chocolatey_id)?;
        s.homebrew_formula = package("homebrew_formula", self.homebrew_formula, s.homebrew_formula)?;
        s.homebrew_cask = package("homebrew_cask", self.homebrew_cask, s.homebrew_cask)?;
        if s.homebrew_formula.is_some() && s.homebrew_cask.is_some() {
            return Err(ApiError::invalid("homebrew_cask", Message::new("rule-homebrew-formula-or-cask")));
        }
        if s.chocolatey_id.is_none() && s.homebrew_formula.is_none() && s.homebrew_cask.is_none() {
            return Err(ApiError::invalid("chocolatey_id", Message::new("rule-package-required")));
        }
        s.all_companies = self.all_companies.unwrap_or(s.all_companies);
        if let Some(ids) = self.company_ids {
            for id in &ids {
                clientdesk_persistence::companies::get(conn, auth.tenant.id, CompanyId(*id)).map_err(|_| {
                    ApiError::invalid("company_ids", Message::new("rule-company-id-unknown").arg("id", id.to_string()))
                })?;
            }
            s.companies = ids.into_iter().map(CompanyId).collect();
        }
        s.active = self.active.unwrap_or(s.active);
        Ok(s)
    }
}

/// The tenant's software catalogue (staff).
#[utoipa::path(tag = "self-service", operation_id = "listSoftware", security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalogue", body = Paged<SoftwareView>),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/software")]
pub async fn list_software(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let list = state.run(move |conn| Ok(store::list_software(conn, auth.tenant.id)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list.into_iter().map(SoftwareView::from).collect())))
}

/// Add software to the catalogue (staff).
#[utoipa::path(tag = "self-service", operation_id = "createSoftware", security(("bearer" = [])),
    request_body = SoftwareInput,
    responses(
        (status = 201, description = "Added", body = SoftwareView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/software")]
pub async fn create_software(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<SoftwareInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let body = body.into_inner();
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let blank = Software {
                    id: 0,
                    tenant_id: auth.tenant.id,
                    name: String::new(),
                    chocolatey_id: None,
                    homebrew_formula: None,
                    homebrew_cask: None,
                    all_companies: true,
                    companies: Vec::new(),
                    active: true,
                };
                let s = body.apply(conn, &auth, blank)?;
                let id = store::save_software(conn, &s, Utc::now())?;
                Ok(SoftwareView::from(store::get_software(conn, auth.tenant.id, id)?))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// Change software of the catalogue (staff); send only what changes.
#[utoipa::path(tag = "self-service", operation_id = "updateSoftware", security(("bearer" = [])),
    params(("software_id" = i64, Path)), request_body = SoftwareInput,
    responses(
        (status = 200, description = "Changed", body = SoftwareView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such software", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/software/{software_id}")]
pub async fn update_software(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<SoftwareInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let (id, body) = (path.into_inner(), body.into_inner());
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = store::get_software(conn, auth.tenant.id, id)?;
                let s = body.apply(conn, &auth, current)?;
                store::save_software(conn, &s, Utc::now())?;
                Ok(SoftwareView::from(store::get_software(conn, auth.tenant.id, id)?))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// The software the device's user may install on it.
#[utoipa::path(tag = "self-service", operation_id = "listDeviceSoftware", security(("bearer" = [])),
    params(("device_id" = i64, Path)),
    responses(
        (status = 200, description = "Installable software (none on Linux)", body = Paged<SoftwareView>),
        (status = 404, description = "Not a device of yours", body = Problem)))]
#[get("/api/v1/devices/{device_id}/software")]
pub async fn device_software(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let list = state
        .run(move |conn| {
            let device = own_device(conn, &auth, id)?;
            let all = store::list_software(conn, auth.tenant.id)?;
            Ok(all.into_iter().filter(|s| use_case::offered(s, &device)).map(SoftwareView::from).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list)))
}
