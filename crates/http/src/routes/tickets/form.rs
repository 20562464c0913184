//! The form a front end draws to open a ticket.

use actix_web::{get, web, HttpResponse};
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::roles::Permission;
use clientdesk_domain::tickets::{
    self as rules, CustomFieldKind, CustomVisibility, Field, Priority, Status, Visibility,
};
use clientdesk_persistence::companies;
use serde::Serialize;
use utoipa::ToSchema;

use super::access;
use super::view::Named;
use crate::errors::{ApiResult, Problem};
use crate::extract::Auth;
use crate::respond::JsonBody;
use crate::state::AppState;

/// A field of the ticket form and what the reader may do with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormField {
    pub field: Field,
    pub visibility: Visibility,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormCustomField {
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    /// The allowed values of a `select` field.
    pub options: Vec<String>,
    pub required: bool,
    /// Staff only: whether customers see the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_visibility: Option<CustomVisibility>,
}

/// What a front end needs to draw the form that opens (or edits) a ticket in a company.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"request_types": [{"id": 1, "name": "Incident"}, {"id": 2, "name": "Service request"}],
    "priorities": ["low", "normal", "high", "urgent"],
    "fields": [{"field": "title", "visibility": "editable"}, {"field": "due_at", "visibility": "hidden"}],
    "custom_fields": [{"key": "site", "label": "Site", "kind": "select", "options": ["Zurich", "Basel"], "required": true}],
    "provider_priority_visible": true, "provider_priority_settable": false,
    "statuses": ["new", "open", "in_progress", "waiting_customer", "resolved", "closed"], "reopen_allowed": true}))]
pub struct TicketForm {
    /// The request types this company may use.
    pub request_types: Vec<Named>,
    pub priorities: Vec<Priority>,
    /// Each default field and its visibility for the reader.
    pub fields: Vec<FormField>,
    /// The custom fields the reader sees.
    pub custom_fields: Vec<FormCustomField>,
    pub provider_priority_visible: bool,
    /// Whether the reader may set the provider's priority when opening a ticket.
    pub provider_priority_settable: bool,
    /// The statuses the reader sees tickets in.
    pub statuses: Vec<Status>,
    pub reopen_allowed: bool,
}

/// The ticket form of a company: request types, fields and custom fields with their types,
/// allowed values and what the reader may do with them.
#[utoipa::path(tag = "tickets", operation_id = "getTicketForm", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The form", body = TicketForm),
        (status = 403, description = "Ticketing is off for the company", body = Problem),
        (status = 404, description = "Not a company of yours", body = Problem)))]
#[get("/api/v1/companies/{company_id}/ticket-form")]
pub async fn ticket_form(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let form = state
        .run(move |conn| {
            let tenant = auth.tenant.id;
            let staff = auth.principal.is_staff();
            let (allowed, roles) = if staff {
                let c = companies::get(conn, tenant, company)?;
                let settings = c.settings_in_force(&auth.tenant);
                (settings.request_types, None)
            } else {
                let member = access::ticketing_member(&auth, company)?;
                (member.settings.request_types.clone(), Some(member.roles.clone()))
            };
            let catalog = auth.catalogs.get(conn, &auth.tenant)?;
            let settings = &catalog.settings;
            let request_types = catalog
                .request_types
                .iter()
                .filter(|e| e.active && allowed.allows(e.id))
                .map(|e| Named { id: e.id, name: e.name.clone() })
                .collect();
            let custom_fields = catalog
                .custom_fields
                .clone()
                .into_iter()
                .filter(|f| f.active && (staff || f.customer_visibility == CustomVisibility::Editable))
                .map(|f| FormCustomField {
                    customer_visibility: staff.then_some(f.customer_visibility),
                    key: f.key,
                    label: f.label,
                    kind: f.kind,
                    options: f.options,
                    required: f.required,
                })
                .collect();
            let grants = |p: Permission| roles.as_ref().is_none_or(|r| r.grants(p));
            Ok(TicketForm {
                request_types,
                priorities: Priority::ALL.to_vec(),
                fields: Field::ALL
                    .iter()
                    .map(|f| FormField {
                        field: *f,
                        visibility: if staff { Visibility::Editable } else { settings.visibility(*f) },
                    })
                    .collect(),
                custom_fields,
                provider_priority_visible: grants(Permission::PriorityView),
                provider_priority_settable: grants(Permission::PrioritySet),
                statuses: if staff { Status::ALL.to_vec() } else { settings.visible_statuses() },
                reopen_allowed: rules::reopen_allowed(staff, settings),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(form))
}
