//! Customers: the knowledge base of one of their companies, as its audience rules allow.

use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::Utc;
use clientdesk_app::cache::kb_answers::{Asked, Key};
use clientdesk_domain::ids::{ArticleId, CategoryId, CompanyId};
use clientdesk_domain::kb::{self as rules, Reader, TextQuery};
use clientdesk_persistence::kb::{self, ArticleListItem, Filter, Scope, SearchRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    category_views, parse_language, parse_tag_filter, search_page, CategoryView, SearchHitView, SearchInput,
    SearchPage, SearchQuery, SEARCH_LIMIT,
};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

/// The company the caller reads for, if it may read the knowledge base there: 404 when the
/// company is not one of the caller's, 403 when its knowledge base is off.
pub(super) fn reader(auth: &Auth, company: i64) -> ApiResult<Reader> {
    let (member, _) = auth.company(CompanyId(company))?;
    rules::can_read(&member.roles, &member.settings)?;
    Ok(Reader::of(&member.company))
}

/// An article as a customer sees it in a list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "title": "Connect to the office VPN", "summary": "Set up the VPN client on Windows or macOS.",
    "tags": ["vpn", "remote-work"], "language": "en", "category_id": 3,
    "published_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z"}))]
pub struct ArticleSummaryView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub language: String,
    pub category_id: Option<i64>,
    pub published_at: Option<chrono::DateTime<Utc>>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<ArticleListItem> for ArticleSummaryView {
    fn from(a: ArticleListItem) -> Self {
        Self {
            id: a.id.0,
            title: a.title,
            summary: a.summary,
            tags: a.tags,
            language: a.language.as_str().to_owned(),
            category_id: a.category_id.map(|c| c.0),
            published_at: a.published_at,
            updated_at: a.updated_at,
        }
    }
}

/// An article as a customer reads it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "title": "Connect to the office VPN", "summary": "Set up the VPN client on Windows or macOS.",
    "body": "## Windows\n\n1. Open the VPN client...", "tags": ["vpn"], "language": "en", "category_id": 3,
    "published_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z", "my_feedback": null}))]
pub struct ArticleView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// Markdown, as written: render it with a sanitising Markdown renderer.
    pub body: String,
    pub tags: Vec<String>,
    pub language: String,
    pub category_id: Option<i64>,
    pub published_at: Option<chrono::DateTime<Utc>>,
    pub updated_at: chrono::DateTime<Utc>,
    /// What the caller said of this article: true (helpful), false (not helpful) or null.
    pub my_feedback: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleFilterQuery {
    /// Only articles filed directly in this category.
    pub category_id: Option<i64>,
    /// Only articles with this tag.
    pub tag: Option<String>,
    /// Only articles in this language (en, fr, de, es, it).
    pub language: Option<String>,
}

/// List the published articles the company may see, newest first.
#[utoipa::path(tag = "knowledge base", operation_id = "listKbArticles", security(("bearer" = [])),
    params(("company_id" = i64, Path), ArticleFilterQuery, PageQuery),
    responses(
        (status = 200, description = "A page of articles", body = Paged<ArticleSummaryView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company", body = Problem),
        (status = 404, description = "Not one of the caller's companies", body = Problem),
        (status = 422, description = "Invalid filter or paging", body = Problem)))]
#[get("/api/v1/companies/{company_id}/kb/articles")]
pub async fn list_articles(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    filter: crate::query::Query<ArticleFilterQuery>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let reader = reader(&auth, path.into_inner())?;
    let (limit, before) = page.resolve()?;
    let filter = filter.into_inner();
    let language = parse_language("language", filter.language.as_deref()).map_err(ApiError::in_query)?;
    let tag = parse_tag_filter(filter.tag.as_deref()).map_err(ApiError::in_query)?;
    let tenant = auth.tenant.id;
    let page = state
        .run(move |conn| {
            let filter = Filter {
                category: filter.category_id.map(CategoryId),
                tag: tag.as_deref(),
                language,
                ..Default::default()
            };
            Ok(kb::list(conn, tenant, Scope::Reader(&reader), &filter, before, limit)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged {
        items: page.items.into_iter().map(ArticleSummaryView::from).collect(),
        next_cursor: cursor(page.next_after),
    }))
}

/// Read a published article the company may see. Counts a view.
#[utoipa::path(tag = "knowledge base", operation_id = "readKbArticle", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("article_id" = i64, Path)),
    responses(
        (status = 200, description = "The article", body = ArticleView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company", body = Problem),
        (status = 404, description = "No such article for this company (drafts, internal articles and other \
            audiences included), or not one of the caller's companies", body = Problem)))]
#[get("/api/v1/companies/{company_id}/kb/articles/{article_id}")]
pub async fn read_article(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (company, id) = path.into_inner();
    let reader = reader(&auth, company)?;
    let (tenant, user, id) = (auth.tenant.id, auth.user.id, ArticleId(id));
    let (article, mine) = state
        .run(move |conn| {
            let article = kb::get_article(conn, tenant, id)?;
            if !article.visible_to(&reader) {
                return Err(ApiError::NotFound);
            }
            kb::count_view(conn, id)?;
            let mine = kb::feedback_of(conn, id, user)?;
            Ok((article, mine))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(ArticleView {
        id: article.id.0,
        title: article.title,
        summary: article.summary,
        body: article.body,
        tags: article.tags,
        language: article.language.as_str().to_owned(),
        category_id: article.category_id.map(|c| c.0),
        published_at: article.published_at,
        updated_at: article.updated_at,
        my_feedback: mine,
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"helpful": true}))]
pub struct FeedbackInput {
    /// Whether the article helped. Sending it again replaces the earlier answer.
    pub helpful: bool,
}

/// Say whether an article helped (once per user; sending again changes the answer).
#[utoipa::path(tag = "knowledge base", operation_id = "putKbFeedback", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("article_id" = i64, Path)), request_body = FeedbackInput,
    responses(
        (status = 200, description = "Recorded", body = FeedbackInput),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company, or a read-only token", body = Problem),
        (status = 404, description = "No such article for this company", body = Problem),
        (status = 422, description = "Invalid body", body = Problem)))]
#[put("/api/v1/companies/{company_id}/kb/articles/{article_id}/feedback")]
pub async fn put_feedback(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<FeedbackInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_writable()?;
    let (company, id) = path.into_inner();
    let reader = reader(&auth, company)?;
    let (tenant, user, id, helpful) = (auth.tenant.id, auth.user.id, ArticleId(id), body.helpful);
    state
        .run(move |conn| {
            let article = kb::get_article(conn, tenant, id)?;
            if !article.visible_to(&reader) {
                return Err(ApiError::NotFound);
            }
            Ok(kb::set_feedback(conn, tenant, id, user, helpful, Utc::now())?)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(FeedbackInput { helpful }))
}

/// The categories that hold articles the company may see, as a flat list (build the tree from
/// `parent_id`), by name.
#[utoipa::path(tag = "knowledge base", operation_id = "listKbCategories", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The categories", body = Paged<CategoryView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company", body = Problem),
        (status = 404, description = "Not one of the caller's companies", body = Problem)))]
#[get("/api/v1/companies/{company_id}/kb/categories")]
pub async fn list_categories(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let reader = reader(&auth, path.into_inner())?;
    let tenant = auth.tenant.id;
    let views = state
        .run(move |conn| {
            let categories = kb::categories(conn, tenant)?;
            let direct = kb::category_counts(conn, tenant, Scope::Reader(&reader))?;
            Ok(category_views(categories, &direct, false))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(views)))
}

/// Search the articles the company may see: ranked (a title match above a body match), with
/// the matches highlighted, stemmed (`restart` finds `restarting`). The total counts only what
/// the caller may see.
#[utoipa::path(tag = "knowledge base", operation_id = "searchKb", security(("bearer" = [])),
    params(("company_id" = i64, Path), SearchQuery,
        ("limit" = Option<i64>, Query, description = "Results per page, 1 to 50 (default 10)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page")),
    responses(
        (status = 200, description = "A page of results", body = SearchPage),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company", body = Problem),
        (status = 404, description = "Not one of the caller's companies", body = Problem),
        (status = 422, description = "Empty or too long query, invalid filter or paging", body = Problem)))]
#[get("/api/v1/companies/{company_id}/kb/search")]
pub async fn search(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    q: crate::query::Query<SearchQuery>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let reader = reader(&auth, path.into_inner())?;
    let input = SearchInput::parse(q.into_inner())?;
    let (limit, offset) = page.resolve_offset(SEARCH_LIMIT.0, SEARCH_LIMIT.1)?;
    let key = Key::new(
        &auth.tenant,
        &reader,
        Asked::Search {
            query: input.query.clone(),
            category: input.category,
            tag: input.tag.clone(),
            language: input.language,
            limit,
            offset,
        },
    );
    if let Some(body) = state.kb_searches.get(&key) {
        return Ok(json_body(body));
    }
    let tenant = auth.tenant.id;
    let readable_key = Key::new(&auth.tenant, &reader, Asked::Readable);
    let cache = state.kb_searches.clone();
    let results = state
        .run(move |conn| {
            let scope = Scope::Reader(&reader);
            let readable = cache.readable(readable_key, || kb::readable(conn, tenant, scope))?;
            let req = SearchRequest {
                scope,
                query: &input.query,
                filter: Filter {
                    category: input.category,
                    tag: input.tag.as_deref(),
                    language: input.language,
                    ..Default::default()
                },
                limit,
                offset,
                readable: Some(&readable),
                counted: true,
            };
            Ok(kb::search(conn, tenant, &req)?)
        })
        .await?;
    cached(&state, key, &search_page(results, offset, false))
}

/// The answer with an already serialised JSON body.
fn json_body(body: Bytes) -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::json()).body(body)
}

/// Serialises an answer, keeps it in the search cache and sends it.
fn cached(state: &AppState, key: Key, answer: &impl Serialize) -> ApiResult<HttpResponse> {
    let body = Bytes::from(serde_json::to_vec(answer).map_err(|e| ApiError::Internal(e.to_string()))?);
    state.kb_searches.put(key, body.clone());
    Ok(json_body(body))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Outlook keeps restarting", "description": "Since this morning Outlook closes and restarts when I open a calendar invite."}))]
pub struct SuggestionInput {
    /// The ticket's title as typed so far.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The ticket's description as typed so far.
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000)]
    #[serde(default)]
    pub description: String,
    /// How many articles to suggest, 1 to 10 (default 5).
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    pub items: Vec<SearchHitView>,
}

/// Words of a draft looked up, and the most significant of them searched for.
const SUGGESTION_CANDIDATES: usize = 16;
const SUGGESTION_WORDS: usize = 5;

/// Articles that may answer a ticket being written: the most relevant of those the company may
/// see for any of the significant words of the draft's title and description. Significant: the
/// five rarest, among the articles the company may read, of its first sixteen words, leaving out
/// common words and the words most of those articles hold. No significant word, no suggestion.
#[utoipa::path(tag = "knowledge base", operation_id = "suggestKbArticles", security(("bearer" = [])),
    params(("company_id" = i64, Path)), request_body = SuggestionInput,
    responses(
        (status = 200, description = "Suggested articles, best first", body = Suggestions),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company, or a read-only token", body = Problem),
        (status = 404, description = "Not one of the caller's companies", body = Problem),
        (status = 422, description = "Invalid body", body = Problem)))]
#[post("/api/v1/companies/{company_id}/kb/suggestions")]
pub async fn suggestions(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<SuggestionInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let reader = reader(&auth, path.into_inner())?;
    let limit = body.limit.unwrap_or(5);
    let candidates = rules::draft_words(&[&body.title, &body.description], SUGGESTION_CANDIDATES);
    if candidates.is_empty() {
        return Ok(HttpResponse::Ok().json_body(Suggestions { items: Vec::new() }));
    }
    let key = Key::new(&auth.tenant, &reader, Asked::Suggestions { words: candidates.clone(), limit });
    if let Some(body) = state.kb_searches.get(&key) {
        return Ok(json_body(body));
    }
    let tenant = auth.tenant.id;
    let readable_key = Key::new(&auth.tenant, &reader, Asked::Readable);
    let cache = state.kb_searches.clone();
    let results = state
        .run(move |conn| {
            let scope = Scope::Reader(&reader);
            let readable = cache.readable(readable_key, || kb::readable(conn, tenant, scope))?;
            let shares = kb::word_shares(conn, tenant, scope, &readable, &candidates, SUGGESTION_WORDS)?;
            let words = rules::significant_words(&candidates, readable.count(), &shares, SUGGESTION_WORDS);
            let Some(query) = TextQuery::any_of(words) else { return Ok(None) };
            let req = SearchRequest {
                scope,
                query: &query,
                filter: Filter::default(),
                limit,
                offset: 0,
                readable: Some(&readable),
                counted: false,
            };
            Ok(Some(kb::search(conn, tenant, &req)?))
        })
        .await?;
    let items = results.map_or_else(Vec::new, |r| r.hits.into_iter().map(|h| SearchHitView::of(h, false)).collect());
    cached(&state, key, &Suggestions { items })
}
