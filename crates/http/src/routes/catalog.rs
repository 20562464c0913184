//! Provider side of tickets: the tenant's request types, queues, custom field definitions and
//! ticket settings (staff read them; provider admins change them).

use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::tickets::{CustomField, CustomFieldKind, CustomVisibility, TicketSettings};
use clientdesk_persistence::catalog::{self, Catalogue, Entry};
use clientdesk_persistence::{tickets, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_request_types)
        .service(create_request_type)
        .service(update_request_type)
        .service(list_queues)
        .service(create_queue)
        .service(update_queue)
        .service(list_custom_fields)
        .service(create_custom_field)
        .service(update_custom_field)
        .service(get_ticket_settings)
        .service(put_ticket_settings);
}

/// A request type or a queue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "name": "Incident", "active": true}))]
pub struct EntryView {
    pub id: i64,
    pub name: String,
    /// Inactive entries stay on the tickets that use them but cannot be chosen any more.
    pub active: bool,
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> Self {
        Self { id: e.id, name: e.name, active: e.active }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Incident"}))]
pub struct EntryInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// Default true.
    pub active: Option<bool>,
}

/// Names and labels are plain text: 1 to 100 characters, no control characters (PostgreSQL
/// cannot even store U+0000, which would be a 500).
fn plain(value: &str) -> bool {
    !value.trim().is_empty() && value.chars().count() <= 100 && !value.chars().any(char::is_control)
}

fn entry_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if !plain(name) {
        return Err(ApiError::invalid("name", crate::text::rule(100)));
    }
    Ok(name.to_owned())
}

fn taken(err: clientdesk_persistence::Error) -> ApiError {
    match err {
        clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-name-or-key-taken"),
        other => other.into(),
    }
}

async fn list_entries(state: web::Data<AppState>, auth: Auth, which: Catalogue) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let tenant = auth.tenant.id;
    let entries = state.run(move |conn| Ok(catalog::entries(conn, tenant, which)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(entries.into_iter().map(EntryView::from).collect())))
}

async fn create_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: EntryInput,
    which: Catalogue,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let name = entry_name(&body.name)?;
    let client = origin::of(&req);
    let entry = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut entry = catalog::create_entry(conn, auth.tenant.id, which, &name, Utc::now()).map_err(taken)?;
                if body.active == Some(false) {
                    entry = catalog::update_entry(conn, auth.tenant.id, which, entry.id, &name, false)?;
                }
                client.record_change(conn, &auth, "catalogue_changed", format!("{which:?}:{}", entry.id), None)?;
                Ok(entry)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(EntryView::from(entry)))
}

async fn update_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: i64,
    body: EntryInput,
    which: Catalogue,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let name = entry_name(&body.name)?;
    let client = origin::of(&req);
    let entry = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = catalog::entries(conn, auth.tenant.id, which)?
                    .into_iter()
                    .find(|e| e.id == id)
                    .ok_or(ApiError::NotFound)?;
                let active = body.active.unwrap_or(current.active);
                let entry = catalog::update_entry(conn, auth.tenant.id, which, id, &name, active).map_err(taken)?;
                client.record_change(conn, &auth, "catalogue_changed", format!("{which:?}:{id}"), None)?;
                Ok(entry)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(EntryView::from(entry)))
}

/// List the tenant's request types (staff; customers see theirs in the ticket form).
#[utoipa::path(tag = "ticket settings", operation_id = "listRequestTypes", security(("bearer" = [])),
    responses(
        (status = 200, description = "The request types, by name", body = Paged<EntryView>),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/request-types")]
pub async fn list_request_types(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    list_entries(state, auth, Catalogue::RequestTypes).await
}

/// Create a request type (provider admin).
#[utoipa::path(tag = "ticket settings", operation_id = "createRequestType", security(("bearer" = [])),
    request_body = EntryInput,
    responses(
        (status = 201, description = "Created", body = EntryView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/request-types")]
pub async fn create_request_type(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<EntryInput>,
) -> ApiResult<HttpResponse> {
    create_entry(state, req, auth, body.into_inner(), Catalogue::RequestTypes).await
}

/// Rename or (de)activate a request type (provider admin).
#[utoipa::path(tag = "ticket settings", operation_id = "updateRequestType", security(("bearer" = [])),
    params(("request_type_id" = i64, Path)), request_body = EntryInput,
    responses(
        (status = 200, description = "Updated", body = EntryView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such request type", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/request-types/{request_type_id}")]
pub async fn update_request_type(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<EntryInput>,
) -> ApiResult<HttpResponse> {
    update_entry(state, req, auth, path.into_inner(), body.into_inner(), Catalogue::RequestTypes).await
}

/// List the tenant's queues (staff).
#[utoipa::path(tag = "ticket settings", operation_id = "listQueues", security(("bearer" = [])),
    responses(
        (status = 200, description = "The queues, by name", body = Paged<EntryView>),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/queues")]
pub async fn list_queues(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    list_entries(state, auth, Catalogue::Queues).await
}

/// Create a queue (provider admin).
#[utoipa::path(tag = "ticket settings", operation_id = "createQueue", security(("bearer" = [])),
    request_body = EntryInput,
    responses(
        (status = 201, description = "Created", body = EntryView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/queues")]
pub async fn create_queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<EntryInput>,
) -> ApiResult<HttpResponse> {
    create_entry(state, req, auth, body.into_inner(), Catalogue::Queues).await
}

/// Rename or (de)activate a queue (provider admin).
#[utoipa::path(tag = "ticket settings", operation_id = "updateQueue", security(("bearer" = [])),
    params(("queue_id" = i64, Path)), request_body = EntryInput,
    responses(
        (status = 200, description = "Updated", body = EntryView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such queue", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/queues/{queue_id}")]
pub async fn update_queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<EntryInput>,
) -> ApiResult<HttpResponse> {
    update_entry(state, req, auth, path.into_inner(), body.into_inner(), Catalogue::Queues).await
}

/// A custom ticket field.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "key": "site", "label": "Site", "kind": "select", "options": ["Zurich", "Basel"],
    "required": true, "customer_visibility": "editable", "active": true}))]
pub struct CustomFieldView {
    pub id: i64,
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    pub options: Vec<String>,
    pub required: bool,
    /// Custom fields are editable or hidden for customers (there is no read-only custom field).
    pub customer_visibility: CustomVisibility,
    pub active: bool,
}

impl From<CustomField> for CustomFieldView {
    fn from(f: CustomField) -> Self {
        Self {
            id: f.id,
            key: f.key,
            label: f.label,
            kind: f.kind,
            options: f.options,
            required: f.required,
            customer_visibility: f.customer_visibility,
            active: f.active,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"key": "site", "label": "Site", "kind": "select", "options": ["Zurich", "Basel"],
    "required": true, "customer_visibility": "editable"}))]
pub struct CustomFieldInput {
    /// 1 to 40 lowercase letters, digits and `_`, starting with a letter; never changes.
    pub key: String,
    /// 1 to 100 characters.
    pub label: String,
    /// Never changes.
    pub kind: CustomFieldKind,
    /// The allowed values of a `select` field (1 to 100 of them); empty for other kinds.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
    pub customer_visibility: CustomVisibility,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Office", "customer_visibility": "hidden"}))]
pub struct CustomFieldPatch {
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub options: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub required: Option<bool>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub customer_visibility: Option<CustomVisibility>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

fn check_field(f: &CustomField) -> ApiResult<()> {
    let key_ok = (1..=40).contains(&f.key.len())
        && f.key.starts_with(|c: char| c.is_ascii_lowercase())
        && f.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !key_ok {
        return Err(ApiError::invalid("key", Message::new("rule-field-key")));
    }
    if !plain(&f.label) {
        return Err(ApiError::invalid("label", crate::text::rule(100)));
    }
    let select = f.kind == CustomFieldKind::Select;
    if select && !(1..=100).contains(&f.options.len()) {
        return Err(ApiError::invalid("options", Message::new("rule-select-options")));
    }
    if !select && !f.options.is_empty() {
        return Err(ApiError::invalid("options", Message::new("rule-options-select-only")));
    }
    if f.options.iter().any(|o| !plain(o)) {
        return Err(ApiError::invalid("options", Message::new("rule-options-plain-text").arg("max", 100)));
    }
    Ok(())
}

/// List the custom ticket fields (staff).
#[utoipa::path(tag = "ticket settings", operation_id = "listCustomFields", security(("bearer" = [])),
    responses(
        (status = 200, description = "The definitions, in creation order", body = Paged<CustomFieldView>),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/custom-fields")]
pub async fn list_custom_fields(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let tenant = auth.tenant.id;
    let fields = state.run(move |conn| Ok(catalog::custom_fields(conn, tenant)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(fields.into_iter().map(CustomFieldView::from).collect())))
}

/// Define a custom ticket field (provider admin).
#[utoipa::path(tag = "ticket settings", operation_id = "createCustomField", security(("bearer" = [])),
    request_body = CustomFieldInput,
    responses(
        (status = 201, description = "Created", body = CustomFieldView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 409, description = "The key is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/custom-fields")]
pub async fn create_custom_field(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CustomFieldInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let b = body.into_inner();
    let field = CustomField {
        id: 0,
        key: b.key,
        label: b.label.trim().to_owned(),
        kind: b.kind,
        options: b.options,
        required: b.required,
        customer_visibility: b.customer_visibility,
        active: b.active.unwrap_or(true),
    };
    check_field(&field)?;
    let client = origin::of(&req);
    let field = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let field = catalog::create_custom_field(conn, auth.tenant.id, &field, Utc::now()).map_err(taken)?;
                client.record_change(
                    conn,
                    &auth,
                    "custom_field_changed",
                    format!("custom_field:{}", field.id),
                    None,
                )?;
                Ok(field)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(CustomFieldView::from(field)))
}

/// Change a custom field's label, options, required flag, customer visibility or active flag
/// (provider admin). Its key and kind never change.
#[utoipa::path(tag = "ticket settings", operation_id = "updateCustomField", security(("bearer" = [])),
    params(("custom_field_id" = i64, Path)), request_body = CustomFieldPatch,
    responses(
        (status = 200, description = "Updated", body = CustomFieldView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such field", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/custom-fields/{custom_field_id}")]
pub async fn update_custom_field(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<CustomFieldPatch>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, patch, client) = (path.into_inner(), body.into_inner(), origin::of(&req));
    let field = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut field = catalog::custom_fields(conn, auth.tenant.id)?
                    .into_iter()
                    .find(|f| f.id == id)
                    .ok_or(ApiError::NotFound)?;
                if let Some(label) = patch.label {
                    field.label = label.trim().to_owned();
                }
                field.options = patch.options.unwrap_or(field.options);
                field.required = patch.required.unwrap_or(field.required);
                field.customer_visibility = patch.customer_visibility.unwrap_or(field.customer_visibility);
                field.active = patch.active.unwrap_or(field.active);
                check_field(&field)?;
                catalog::update_custom_field(conn, auth.tenant.id, &field)?;
                client.record_change(conn, &auth, "custom_field_changed", format!("custom_field:{id}"), None)?;
                Ok(field)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(CustomFieldView::from(field)))
}

/// Read the tenant's ticket settings (staff): statuses hidden from customers, reopening, and the
/// customer visibility of every default field.
#[utoipa::path(tag = "ticket settings", operation_id = "getTicketSettings", security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = TicketSettings),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/tenant/ticket-settings")]
pub async fn get_ticket_settings(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let tenant = auth.tenant.id;
    let settings = state.run(move |conn| Ok(tickets::settings(conn, tenant)?)).await?;
    Ok(HttpResponse::Ok().json_body(settings))
}

/// Replace the tenant's ticket settings (provider admin). Fields left out take their defaults.
/// The staff-only fields (status, assignee_id, due_at, worked_minutes) can be read-only or hidden,
/// never editable.
#[utoipa::path(tag = "ticket settings", operation_id = "putTicketSettings", security(("bearer" = [])),
    request_body = TicketSettings,
    responses(
        (status = 200, description = "The new settings", body = TicketSettings),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 422, description = "Invalid settings", body = Problem)))]
#[put("/api/v1/tenant/ticket-settings")]
pub async fn put_ticket_settings(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<TicketSettings>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let settings = body.into_inner();
    settings.validate()?;
    let client = origin::of(&req);
    let saved = settings.clone();
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                tickets::put_settings(conn, auth.tenant.id, &settings, Utc::now())?;
                client.record_change(
                    conn,
                    &auth,
                    "ticket_settings_changed",
                    format!("tenant:{}", auth.tenant.id.0),
                    None,
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(saved))
}
