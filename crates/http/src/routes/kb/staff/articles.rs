//! Writing articles (staff): create, read, change, publish, unpublish and delete.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{ArticleId, CategoryId};
use clientdesk_domain::kb::{self as rules, ArticleStatus};
use clientdesk_persistence::kb::{self, ArticleFields};
use clientdesk_persistence::{write_tx, DbConnection};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{staff_answer, staff_view, StaffArticleView};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::preconditions::{check_if_match, if_match};
use crate::routes::kb::{check_audience_companies, parse_language, AudienceInput};
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Connect to the office VPN", "summary": "Set up the VPN client on Windows or macOS.",
    "body": "## Windows\n\n1. Open the VPN client...", "tags": ["vpn", "remote-work"], "category_id": 3, "language": "en",
    "audience": {"kind": "all_companies"}}))]
pub struct ArticleInput {
    /// 1 to 200 characters, one line.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Up to 500 characters, one line.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub summary: String,
    /// Markdown, up to 50,000 characters (and within the 64 KiB JSON body limit).
    #[validate(length(min = 1, max = 50000))]
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    /// Up to 20 tags of letters, digits or `- _ . + #`; stored lower-case.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    pub category_id: Option<i64>,
    /// en (default), fr, de, es or it: search stems the article in this language.
    pub language: Option<String>,
    pub audience: AudienceInput,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Connect to the office VPN (2026 client)", "audience": {"kind": "companies", "company_ids": [1]}}))]
pub struct ArticlePatch {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub summary: Option<String>,
    #[validate(length(min = 1, max = 50000))]
    #[schema(min_length = 1, max_length = 50000)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub body: Option<String>,
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub tags: Option<Vec<String>>,
    /// A category, or null for none.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub category_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub audience: Option<AudienceInput>,
}

/// Checks that the category and the audience's companies are the tenant's.
fn check_references(conn: &mut DbConnection, auth: &Auth, fields: &ArticleFields) -> ApiResult<()> {
    if let Some(category) = fields.category_id {
        kb::category(conn, auth.tenant.id, category)
            .map_err(|_| ApiError::invalid("category_id", Message::new("rule-kb-category-unknown")))?;
    }
    check_audience_companies(conn, auth.tenant.id, &fields.audience)
}

/// Create a draft article (staff). Publish it to make it visible to its audience.
#[utoipa::path(tag = "knowledge base", operation_id = "createKbArticle", security(("bearer" = [])),
    request_body = ArticleInput,
    responses(
        (status = 201, description = "Created, as a draft", body = StaffArticleView,
            headers(("ETag" = String, description = "The revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 422, description = "Invalid input, unknown category or company", body = Problem)))]
#[post("/api/v1/kb/articles")]
pub async fn create_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<ArticleInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_kb_author()?;
    let body = body.into_inner();
    let fields = ArticleFields {
        category_id: body.category_id.map(CategoryId),
        title: rules::parse_title(&body.title)?,
        summary: rules::parse_summary(&body.summary)?,
        body: rules::parse_body(&body.body)?,
        tags: rules::parse_tags(&body.tags)?,
        language: parse_language("language", body.language.as_deref())?.unwrap_or_default(),
        audience: body.audience.parse()?,
    };
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                check_references(conn, &auth, &fields)?;
                let article = kb::create_article(conn, auth.tenant.id, &fields, auth.user.id, Utc::now())?;
                client.record_change(conn, &auth, "kb_article_created", format!("kb_article:{}", article.id), None)?;
                staff_view(conn, article)
            })
        })
        .await?;
    Ok(staff_answer(actix_web::http::StatusCode::CREATED, view))
}

/// Read any article of the tenant (staff), with its ETag.
#[utoipa::path(tag = "knowledge base", operation_id = "staffGetKbArticle", security(("bearer" = [])),
    params(("article_id" = i64, Path)),
    responses(
        (status = 200, description = "The article", body = StaffArticleView,
            headers(("ETag" = String, description = "The revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem)))]
#[get("/api/v1/kb/articles/{article_id}")]
pub async fn staff_get_article(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.id, ArticleId(path.into_inner()));
    let view = state
        .run(move |conn| {
            let article = kb::get_article(conn, tenant, id)?;
            staff_view(conn, article)
        })
        .await?;
    Ok(staff_answer(actix_web::http::StatusCode::OK, view))
}

/// Change an article (staff): the fields sent replace the current ones, as a new revision.
/// Send `If-Match` with the ETag you read to refuse a change made meanwhile (412).
#[utoipa::path(tag = "knowledge base", operation_id = "updateKbArticle", security(("bearer" = [])),
    params(("article_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on")),
    request_body = ArticlePatch,
    responses(
        (status = 200, description = "Updated", body = StaffArticleView,
            headers(("ETag" = String, description = "The new revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem),
        (status = 412, description = "The article changed since the ETag sent", body = Problem),
        (status = 422, description = "Invalid input, unknown category or company", body = Problem)))]
#[patch("/api/v1/kb/articles/{article_id}")]
pub async fn update_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<ArticlePatch>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_kb_author()?;
    let body = body.into_inner();
    let (id, client, if_match) = (ArticleId(path.into_inner()), origin::of(&req), if_match(&req));
    // Parse what was sent before touching the database; the rest comes from the article.
    let title = body.title.as_deref().map(rules::parse_title).transpose()?;
    let summary = body.summary.as_deref().map(rules::parse_summary).transpose()?;
    let text = body.body.as_deref().map(rules::parse_body).transpose()?;
    let tags = body.tags.as_deref().map(rules::parse_tags).transpose()?;
    let language = parse_language("language", body.language.as_deref())?;
    let audience = body.audience.as_ref().map(AudienceInput::parse).transpose()?;
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = kb::get_article(conn, auth.tenant.id, id)?;
                check_if_match(if_match.as_deref(), current.revision)?;
                let mut fields = ArticleFields::from(&current);
                if let Some(category) = body.category_id {
                    fields.category_id = category.map(CategoryId);
                }
                fields.title = title.unwrap_or(fields.title);
                fields.summary = summary.unwrap_or(fields.summary);
                fields.body = text.unwrap_or(fields.body);
                fields.tags = tags.unwrap_or(fields.tags);
                fields.language = language.unwrap_or(fields.language);
                fields.audience = audience.unwrap_or(fields.audience);
                check_references(conn, &auth, &fields)?;
                let article = kb::update_article(conn, auth.tenant.id, id, &fields, auth.user.id, Utc::now())?;
                client.record_change(
                    conn,
                    &auth,
                    "kb_article_updated",
                    format!("kb_article:{id}"),
                    Some(format!("revision:{}", article.revision)),
                )?;
                staff_view(conn, article)
            })
        })
        .await?;
    Ok(staff_answer(actix_web::http::StatusCode::OK, view))
}

async fn set_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: i64,
    status: ArticleStatus,
) -> ApiResult<HttpResponse> {
    auth.principal.require_kb_author()?;
    let (id, client, if_match) = (ArticleId(id), origin::of(&req), if_match(&req));
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = kb::get_article(conn, auth.tenant.id, id)?;
                check_if_match(if_match.as_deref(), current.revision)?;
                if current.status == status {
                    // Already so: nothing changes, no revision, no audit event.
                    return staff_view(conn, current);
                }
                let article = kb::set_status(conn, auth.tenant.id, id, status, auth.user.id, Utc::now())?;
                let action = match status {
                    ArticleStatus::Published => "kb_article_published",
                    ArticleStatus::Draft => "kb_article_unpublished",
                };
                client.record_change(conn, &auth, action, format!("kb_article:{id}"), None)?;
                staff_view(conn, article)
            })
        })
        .await?;
    Ok(staff_answer(actix_web::http::StatusCode::OK, view))
}

/// Publish an article (staff): its audience sees it from now on. Publishing a published
/// article changes nothing.
#[utoipa::path(tag = "knowledge base", operation_id = "publishKbArticle", security(("bearer" = [])),
    params(("article_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on")),
    responses(
        (status = 200, description = "Published", body = StaffArticleView,
            headers(("ETag" = String, description = "The new revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem),
        (status = 412, description = "The article changed since the ETag sent", body = Problem)))]
#[post("/api/v1/kb/articles/{article_id}/publish")]
pub async fn publish_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_status(state, req, auth, path.into_inner(), ArticleStatus::Published).await
}

/// Withdraw an article to a draft (staff): customers no longer see it.
#[utoipa::path(tag = "knowledge base", operation_id = "unpublishKbArticle", security(("bearer" = [])),
    params(("article_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on")),
    responses(
        (status = 200, description = "Back to draft", body = StaffArticleView,
            headers(("ETag" = String, description = "The new revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem),
        (status = 412, description = "The article changed since the ETag sent", body = Problem)))]
#[post("/api/v1/kb/articles/{article_id}/unpublish")]
pub async fn unpublish_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_status(state, req, auth, path.into_inner(), ArticleStatus::Draft).await
}

/// Delete an article with its revisions, feedback and counts (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "deleteKbArticle", security(("bearer" = [])),
    params(("article_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the deletion is based on")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem),
        (status = 412, description = "The article changed since the ETag sent", body = Problem)))]
#[delete("/api/v1/kb/articles/{article_id}")]
pub async fn delete_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_kb_author()?;
    let (id, client, if_match) = (ArticleId(path.into_inner()), origin::of(&req), if_match(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = kb::get_article(conn, auth.tenant.id, id)?;
                check_if_match(if_match.as_deref(), current.revision)?;
                kb::delete_article(conn, auth.tenant.id, id)?;
                client.record_change(
                    conn,
                    &auth,
                    "kb_article_deleted",
                    format!("kb_article:{id}"),
                    Some(current.title),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
