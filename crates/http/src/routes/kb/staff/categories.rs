//! The knowledge base's categories (staff): list, create, change and delete.

use clientdesk_domain::i18n::Message;
use std::collections::HashMap;

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::ids::CategoryId;
use clientdesk_domain::kb::{self as rules, Category};
use clientdesk_persistence::kb::{self, Scope};
use clientdesk_persistence::{write_tx, DbConnection};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::routes::kb::{category_views, CategoryView};
use crate::state::AppState;

/// Every category of the tenant, by name, with every article counted (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "staffListKbCategories", security(("bearer" = [])),
    responses(
        (status = 200, description = "The categories", body = Paged<CategoryView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/kb/categories")]
pub async fn staff_list_categories(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let tenant = auth.tenant.id;
    let views = state
        .run(move |conn| {
            let categories = kb::categories(conn, tenant)?;
            let direct = kb::category_counts(conn, tenant, Scope::Staff)?;
            Ok(category_views(categories, &direct, true))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(views)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Remote work", "description": "VPN, video calls, home office", "parent_id": null}))]
pub struct CategoryInput {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub description: String,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"parent_id": 2}))]
pub struct CategoryPatch {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// The parent category, or null for a top-level one.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
}

/// Checks where a category may go: under an existing category of the tenant, never under
/// itself or its own descendants, and with no sibling of the same name (ignoring case).
fn check_placement(
    conn: &mut DbConnection,
    auth: &Auth,
    category: Option<CategoryId>,
    parent: Option<CategoryId>,
    name: &str,
) -> ApiResult<()> {
    let all = kb::categories(conn, auth.tenant.id)?;
    let parents: HashMap<CategoryId, Option<CategoryId>> = all.iter().map(|c| (c.id, c.parent_id)).collect();
    rules::check_category_parent(category, parent, |id| parents.get(&id).copied())?;
    let taken = all
        .iter()
        .any(|c| c.parent_id == parent && Some(c.id) != category && c.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(ApiError::conflict("conflict-category-name"));
    }
    Ok(())
}

fn category_view(c: Category) -> CategoryView {
    CategoryView {
        id: c.id.0,
        parent_id: c.parent_id.map(|p| p.0),
        name: c.name,
        description: c.description,
        article_count: 0,
    }
}

/// Create a category (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "createKbCategory", security(("bearer" = [])),
    request_body = CategoryInput,
    responses(
        (status = 201, description = "Created", body = CategoryView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "A sibling has that name", body = Problem),
        (status = 422, description = "Invalid input or unknown parent", body = Problem)))]
#[post("/api/v1/kb/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CategoryInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_kb_author()?;
    let name = rules::parse_category_name(&body.name)?;
    let description = rules::parse_category_description(&body.description)?;
    let parent = body.parent_id.map(CategoryId);
    let client = origin::of(&req);
    let category = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                check_placement(conn, &auth, None, parent, &name)?;
                let category = kb::create_category(conn, auth.tenant.id, parent, &name, &description, Utc::now())?;
                client.record_change(
                    conn,
                    &auth,
                    "kb_category_created",
                    format!("kb_category:{}", category.id),
                    None,
                )?;
                Ok(category)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(category_view(category)))
}

/// Rename, describe or move a category (staff). A move that would put a category under itself
/// or its own descendants is refused.
#[utoipa::path(tag = "knowledge base", operation_id = "updateKbCategory", security(("bearer" = [])),
    params(("category_id" = i64, Path)), request_body = CategoryPatch,
    responses(
        (status = 200, description = "Updated", body = CategoryView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such category in this tenant", body = Problem),
        (status = 409, description = "A sibling has that name", body = Problem),
        (status = 422, description = "Invalid input, unknown parent, or a cycle", body = Problem)))]
#[patch("/api/v1/kb/categories/{category_id}")]
pub async fn update_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<CategoryPatch>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_kb_author()?;
    let body = body.into_inner();
    let name = body.name.as_deref().map(rules::parse_category_name).transpose()?;
    let description = body.description.as_deref().map(rules::parse_category_description).transpose()?;
    let (id, client) = (CategoryId(path.into_inner()), origin::of(&req));
    let category = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = kb::category(conn, auth.tenant.id, id)?;
                let parent = match body.parent_id {
                    Some(p) => p.map(CategoryId),
                    None => current.parent_id,
                };
                let name = name.unwrap_or(current.name);
                let description = description.unwrap_or(current.description);
                check_placement(conn, &auth, Some(id), parent, &name)?;
                let category = kb::update_category(conn, auth.tenant.id, id, parent, &name, &description, Utc::now())?;
                client.record_change(conn, &auth, "kb_category_updated", format!("kb_category:{id}"), None)?;
                Ok(category)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(category_view(category)))
}

/// Delete an empty category (staff): one with subcategories or articles is refused (409).
#[utoipa::path(tag = "knowledge base", operation_id = "deleteKbCategory", security(("bearer" = [])),
    params(("category_id" = i64, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such category in this tenant", body = Problem),
        (status = 409, description = "The category holds subcategories or articles", body = Problem)))]
#[delete("/api/v1/kb/categories/{category_id}")]
pub async fn delete_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_kb_author()?;
    let (id, client) = (CategoryId(path.into_inner()), origin::of(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                kb::category(conn, auth.tenant.id, id)?;
                let (children, articles) = kb::category_contents(conn, id)?;
                if children > 0 || articles > 0 {
                    return Err(ApiError::Conflict(
                        Message::new("conflict-category-not-empty")
                            .arg("children", children)
                            .arg("articles", articles)
                            .into(),
                    ));
                }
                kb::delete_category(conn, auth.tenant.id, id)?;
                client.record_change(conn, &auth, "kb_category_deleted", format!("kb_category:{id}"), None)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
