//! Staff lists and search of the knowledge base's articles.

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{ArticleId, CategoryId};
use clientdesk_domain::kb::ArticleStatus;
use clientdesk_domain::user::Language;
use clientdesk_persistence::kb::{self, Filter, Scope, SearchRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::StatsView;
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::routes::kb::{
    parse_language, parse_tag_filter, search_page, SearchInput, SearchPage, SearchQuery, SEARCH_LIMIT,
};
use crate::state::AppState;

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
            Some(kind) => Some(
                *KINDS
                    .iter()
                    .find(|k| **k == kind)
                    .ok_or_else(|| ApiError::invalid_parameter("audience", Message::new("rule-kb-audience-kind")))?,
            ),
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
    filter: crate::query::Query<StaffFilterQuery>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, before) = page.resolve()?;
    let filter = StaffFilter::parse(filter.into_inner()).map_err(ApiError::in_query)?;
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
    q: crate::query::Query<SearchQuery>,
    staff_q: crate::query::Query<StaffSearchQuery>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let input = SearchInput::parse(q.into_inner())?;
    let status =
        staff_q.status.as_deref().map(ArticleStatus::parse).transpose().map_err(|e| ApiError::from(e).in_query())?;
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
                readable: None,
                counted: true,
            };
            Ok(kb::search(conn, tenant, &req)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(search_page(results, offset, true)))
}
