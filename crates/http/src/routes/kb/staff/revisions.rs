//! An article's revisions (staff).

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use clientdesk_domain::ids::ArticleId;
use clientdesk_persistence::kb;
use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::{ApiResult, Problem};
use crate::extract::Auth;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::routes::kb::AudienceInput;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"revision": 3, "title": "Connect to the office VPN", "status": "published", "edited_by": 2,
    "created_at": "2026-11-23T10:00:00Z"}))]
pub struct RevisionSummaryView {
    pub revision: i64,
    pub title: String,
    /// The status the article had in this revision.
    pub status: String,
    /// The staff user who made it.
    pub edited_by: Option<i64>,
    pub created_at: chrono::DateTime<Utc>,
}

/// The revisions of an article, newest first (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "listKbRevisions", security(("bearer" = [])),
    params(("article_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "A page of revisions", body = Paged<RevisionSummaryView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem),
        (status = 422, description = "Invalid paging", body = Problem)))]
#[get("/api/v1/kb/articles/{article_id}/revisions")]
pub async fn list_revisions(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, before) = page.resolve()?;
    let (tenant, id) = (auth.tenant.id, ArticleId(path.into_inner()));
    let page = state
        .run(move |conn| {
            kb::get_article(conn, tenant, id)?;
            Ok(kb::revisions(conn, tenant, id, before, limit)?)
        })
        .await?;
    let items = page
        .items
        .into_iter()
        .map(|r| RevisionSummaryView {
            revision: r.revision,
            title: r.title,
            status: r.status.as_str().to_owned(),
            edited_by: r.edited_by.map(|u| u.0),
            created_at: r.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json_body(Paged { items, next_cursor: cursor(page.next_after) }))
}

/// One revision of an article, whole.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"revision": 1, "title": "Connect to the VPN", "summary": "", "body": "...", "tags": ["vpn"],
    "language": "en", "category_id": 3, "status": "draft", "audience": {"kind": "all_companies"}, "edited_by": 2,
    "created_at": "2026-11-20T10:00:00Z"}))]
pub struct RevisionView {
    pub revision: i64,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    pub language: String,
    pub category_id: Option<i64>,
    pub status: String,
    pub audience: AudienceInput,
    pub edited_by: Option<i64>,
    pub created_at: chrono::DateTime<Utc>,
}

/// Read one revision of an article back (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "getKbRevision", security(("bearer" = [])),
    params(("article_id" = i64, Path), ("revision" = i64, Path)),
    responses(
        (status = 200, description = "The revision", body = RevisionView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such article or revision in this tenant", body = Problem)))]
#[get("/api/v1/kb/articles/{article_id}/revisions/{revision}")]
pub async fn get_revision(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (id, number) = path.into_inner();
    let tenant = auth.tenant.id;
    let r = state.run(move |conn| Ok(kb::revision(conn, tenant, ArticleId(id), number)?)).await?;
    Ok(HttpResponse::Ok().json_body(RevisionView {
        revision: r.revision,
        audience: AudienceInput::from(&r.audience),
        title: r.title,
        summary: r.summary,
        body: r.body,
        tags: r.tags,
        language: r.language.as_str().to_owned(),
        category_id: r.category_id.map(|c| c.0),
        status: r.status.as_str().to_owned(),
        edited_by: r.edited_by.map(|u| u.0),
        created_at: r.created_at,
    }))
}
