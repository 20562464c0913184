//! Staff: writing the knowledge base (articles, publishing, revisions, categories) and
//! searching all of it.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::ids::{ArticleId, CategoryId};
use clientdesk_domain::kb::{self as rules, Article, ArticleStatus, Category};
use clientdesk_domain::user::Language;
use clientdesk_persistence::kb::{self, ArticleFields, ArticleStats, Filter, Scope, SearchRequest};
use clientdesk_persistence::{companies, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    category_views, parse_language, parse_tag_filter, search_page, AudienceInput, CategoryView, SearchInput,
    SearchPage, SearchQuery, SEARCH_LIMIT,
};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged};
use crate::preconditions::{check_if_match, etag, if_match};
use crate::respond::JsonBody;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"views": 120, "helpful": 14, "not_helpful": 2}))]
pub struct StatsView {
    /// Reads by customers.
    pub views: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

impl From<ArticleStats> for StatsView {
    fn from(s: ArticleStats) -> Self {
        Self { views: s.views, helpful: s.helpful, not_helpful: s.not_helpful }
    }
}

/// An article as staff see it in a list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "title": "Connect to the office VPN", "summary": "", "tags": ["vpn"], "language": "en",
    "category_id": 3, "status": "published", "audience": "territory", "audience_label": "EMEA",
    "published_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
    "stats": {"views": 120, "helpful": 14, "not_helpful": 2}}))]
pub struct StaffArticleSummaryView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub language: String,
    pub category_id: Option<i64>,
    pub status: String,
    /// all_companies, companies, territory, classification or internal.
    pub audience: String,
    /// The territory or classification.
    pub audience_label: Option<String>,
    pub published_at: Option<chrono::DateTime<Utc>>,
    pub updated_at: chrono::DateTime<Utc>,
    pub stats: StatsView,
}

/// An article as staff see it, with its audience and reception.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "title": "Connect to the office VPN", "summary": "", "body": "## Windows\n\n...",
    "tags": ["vpn"], "language": "en", "category_id": 3, "status": "published",
    "audience": {"kind": "companies", "company_ids": [1, 2]}, "revision": 4, "created_by": 2, "updated_by": 1,
    "published_at": "2026-11-23T10:00:00Z", "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
    "stats": {"views": 120, "helpful": 14, "not_helpful": 2}}))]
pub struct StaffArticleView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub tags: Vec<String>,
    pub language: String,
    pub category_id: Option<i64>,
    /// draft or published.
    pub status: String,
    pub audience: AudienceInput,
    /// The latest revision; also the ETag.
    pub revision: i64,
    /// The staff user who created the article.
    pub created_by: Option<i64>,
    /// The staff user who made the latest revision.
    pub updated_by: Option<i64>,
    pub published_at: Option<chrono::DateTime<Utc>>,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
    pub stats: StatsView,
}

fn staff_view(conn: &mut DbConnection, article: Article) -> ApiResult<StaffArticleView> {
    let (created_by, updated_by) = kb::authors(conn, &article)?;
    let stats = kb::stats(conn, &[article.id])?.remove(&article.id).unwrap_or_default();
    Ok(StaffArticleView {
        id: article.id.0,
        audience: AudienceInput::from(&article.audience),
        title: article.title,
        summary: article.summary,
        body: article.body,
        tags: article.tags,
        language: article.language.as_str().to_owned(),
        category_id: article.category_id.map(|c| c.0),
        status: article.status.as_str().to_owned(),
        revision: article.revision,
        created_by: created_by.map(|u| u.0),
        updated_by: updated_by.map(|u| u.0),
        published_at: article.published_at,
        created_at: article.created_at,
        updated_at: article.updated_at,
        stats: stats.into(),
    })
}

/// The answer for one article to staff: its view, with its revision as the ETag.
fn staff_answer(status: actix_web::http::StatusCode, view: StaffArticleView) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(view.revision))).json_body(view)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffFilterQuery {
    /// Only drafts or only published articles.
    pub status: Option<String>,
    /// Only articles of this audience kind: all_companies, companies, territory,
    /// classification, internal.
    pub audience: Option<String>,
    /// Only articles filed directly in this category.
    pub category_id: Option<i64>,
    /// Only articles with this tag.
    pub tag: Option<String>,
    /// Only articles in this language.
    pub language: Option<String>,
}

struct StaffFilter {
    status: Option<ArticleStatus>,
    audience: Option<&'static str>,
    category: Option<CategoryId>,
    tag: Option<String>,
    language: Option<Language>,
}

impl StaffFilter {
    fn parse(q: StaffFilterQuery) -> ApiResult<Self> {
        const KINDS: [&str; 5] = ["all_companies", "companies", "territory", "classification", "internal"];
        let audience = match q.audience.as_deref() {
            None => None,
            Some(kind) => Some(*KINDS.iter().find(|k| **k == kind).ok_or_else(|| {
                ApiError::invalid("audience", "must be all_companies, companies, territory, classification or internal")
            })?),
        };
        Ok(Self {
            status: q.status.as_deref().map(ArticleStatus::parse).transpose()?,
            audience,
            category: q.category_id.map(CategoryId),
            tag: parse_tag_filter(q.tag.as_deref())?,
            language: parse_language("language", q.language.as_deref())?,
        })
    }

    fn filter(&self) -> Filter<'_> {
        Filter {
            category: self.category,
            tag: self.tag.as_deref(),
            language: self.language,
            status: self.status,
            audience: self.audience,
        }
    }
}

/// Every article of the tenant, newest first, with its reception (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "staffListKbArticles", security(("bearer" = [])),
    params(StaffFilterQuery, PageQuery),
    responses(
        (status = 200, description = "A page of articles", body = Paged<StaffArticleSummaryView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid filter or paging", body = Problem)))]
#[get("/api/v1/kb/articles")]
pub async fn staff_list_articles(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<StaffFilterQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, before) = page.resolve()?;
    let filter = StaffFilter::parse(filter.into_inner())?;
    let tenant = auth.tenant.id;
    let (page, mut stats) = state
        .run(move |conn| {
            let page = kb::list(conn, tenant, Scope::Staff, &filter.filter(), before, limit)?;
            let ids: Vec<ArticleId> = page.items.iter().map(|a| a.id).collect();
            let stats = kb::stats(conn, &ids)?;
            Ok((page, stats))
        })
        .await?;
    let items = page
        .items
        .into_iter()
        .map(|a| StaffArticleSummaryView {
            id: a.id.0,
            stats: stats.remove(&a.id).unwrap_or_default().into(),
            title: a.title,
            summary: a.summary,
            tags: a.tags,
            language: a.language.as_str().to_owned(),
            category_id: a.category_id.map(|c| c.0),
            status: a.status.as_str().to_owned(),
            audience: a.audience,
            audience_label: a.audience_label,
            published_at: a.published_at,
            updated_at: a.updated_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json_body(Paged { items, next_cursor: cursor(page.next_after) }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffSearchQuery {
    /// Only drafts or only published articles.
    pub status: Option<String>,
}

/// Search every article of the tenant, drafts and internal ones included (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "staffSearchKb", security(("bearer" = [])),
    params(SearchQuery, StaffSearchQuery,
        ("limit" = Option<i64>, Query, description = "Results per page, 1 to 50 (default 10)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page")),
    responses(
        (status = 200, description = "A page of results", body = SearchPage),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Empty or too long query, invalid filter or paging", body = Problem)))]
#[get("/api/v1/kb/search")]
pub async fn staff_search(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<SearchQuery>,
    staff_q: web::Query<StaffSearchQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let input = SearchInput::parse(q.into_inner())?;
    let status = staff_q.status.as_deref().map(ArticleStatus::parse).transpose()?;
    let (limit, offset) = page.resolve_offset(SEARCH_LIMIT.0, SEARCH_LIMIT.1)?;
    let tenant = auth.tenant.id;
    let results = state
        .run(move |conn| {
            let req = SearchRequest {
                scope: Scope::Staff,
                query: &input.query,
                filter: Filter {
                    category: input.category,
                    tag: input.tag.as_deref(),
                    language: input.language,
                    status,
                    audience: None,
                },
                limit,
                offset,
            };
            Ok(kb::search(conn, tenant, &req)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(search_page(results, offset, true)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Connect to the office VPN", "summary": "Set up the VPN client on Windows or macOS.",
    "body": "## Windows\n\n1. Open the VPN client...", "tags": ["vpn", "remote-work"], "category_id": 3, "language": "en",
    "audience": {"kind": "all_companies"}}))]
pub struct ArticleInput {
    /// 1 to 200 characters, one line.
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    /// Up to 500 characters, one line.
    #[serde(default)]
    #[validate(length(max = 500))]
    pub summary: String,
    /// Markdown, up to 50,000 characters (and within the 64 KiB JSON body limit).
    #[validate(length(min = 1, max = 50000))]
    pub body: String,
    /// Up to 20 tags of letters, digits or `- _ . + #`; stored lower-case.
    #[serde(default)]
    #[validate(length(max = 20))]
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
    pub title: Option<String>,
    #[validate(length(max = 500))]
    pub summary: Option<String>,
    #[validate(length(min = 1, max = 50000))]
    pub body: Option<String>,
    #[validate(length(max = 20))]
    pub tags: Option<Vec<String>>,
    /// A category, or null for none.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub category_id: Option<Option<i64>>,
    pub language: Option<String>,
    pub audience: Option<AudienceInput>,
}

/// Checks that the category and the audience's companies are the tenant's.
fn check_references(conn: &mut DbConnection, auth: &Auth, fields: &ArticleFields) -> ApiResult<()> {
    if let Some(category) = fields.category_id {
        kb::category(conn, auth.tenant.id, category)
            .map_err(|_| ApiError::invalid("category_id", "is not a category of this tenant"))?;
    }
    let ids = fields.audience.companies();
    if !ids.is_empty() {
        let found = companies::get_many(conn, auth.tenant.id, ids)?;
        if let Some(missing) = ids.iter().find(|id| !found.iter().any(|c| c.id == **id)) {
            return Err(ApiError::invalid(
                "audience.company_ids",
                format!("company {missing} is not a company of this tenant"),
            ));
        }
    }
    Ok(())
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
    page: web::Query<PageQuery>,
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

// Categories (staff)

/// Every category of the tenant, by name, with every article counted (staff).
#[utoipa::path(tag = "knowledge base", operation_id = "staffListKbCategories", security(("bearer" = [])),
    responses(
        (status = 200, description = "The categories", body = [CategoryView]),
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
    Ok(HttpResponse::Ok().json_body(views))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Remote work", "description": "VPN, video calls, home office", "parent_id": null}))]
pub struct CategoryInput {
    #[validate(length(min = 1, max = 100))]
    pub name: String,
    #[serde(default)]
    #[validate(length(max = 500))]
    pub description: String,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"parent_id": 2}))]
pub struct CategoryPatch {
    #[validate(length(min = 1, max = 100))]
    pub name: Option<String>,
    #[validate(length(max = 500))]
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
        return Err(ApiError::Conflict("A category of that name exists at that place.".into()));
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
                    return Err(ApiError::Conflict(format!(
                        "The category holds {children} subcategories and {articles} articles; move or delete them first."
                    )));
                }
                kb::delete_category(conn, auth.tenant.id, id)?;
                client.record_change(conn, &auth, "kb_category_deleted", format!("kb_category:{id}"), None)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
