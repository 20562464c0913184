//! The knowledge base.
//!
//! Customers read it per company, under `/api/v1/companies/{company_id}/kb/...`: the published
//! articles whose audience takes the company in (anything else is 404, as if it did not exist),
//! and a 403 problem when the company has the knowledge base switched off. They can search it,
//! get suggestions while writing a ticket, and say whether an article helped.
//!
//! Staff (technicians and provider admins alike, see `Principal::require_kb_author`) write it
//! under `/api/v1/kb/...`: articles with their audience, publishing, revisions, categories.
//! Every staff write is audited.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::ids::{ArticleId, CategoryId, CompanyId};
use clientdesk_domain::kb::{
    self as rules, Article, ArticleStatus, Audience, Category, Reader, TextQuery, MARK_END, MARK_START,
};
use clientdesk_domain::user::Language;
use clientdesk_persistence::kb::{
    self, ArticleFields, ArticleListItem, ArticleStats, Filter, Scope, SearchHit, SearchRequest, SearchResults,
};
use clientdesk_persistence::{audit, companies, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::paging::{cursor, offset_cursor, PageQuery, Paged};
use crate::routes::auth::Client;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_articles)
        .service(read_article)
        .service(put_feedback)
        .service(list_categories)
        .service(search)
        .service(suggestions)
        .service(staff_list_articles)
        .service(staff_search)
        .service(create_article)
        .service(staff_get_article)
        .service(update_article)
        .service(publish_article)
        .service(unpublish_article)
        .service(delete_article)
        .service(list_revisions)
        .service(get_revision)
        .service(staff_list_categories)
        .service(create_category)
        .service(update_category)
        .service(delete_category);
}

// Shared types

/// Who an article is for. `internal` articles reach staff only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "AudienceFields")]
#[schema(example = json!({"kind": "territory", "territory": "EMEA"}))]
pub enum AudienceInput {
    /// Every company of the tenant.
    AllCompanies,
    /// Only these companies (1 to 100).
    Companies { company_ids: Vec<i64> },
    /// Companies with this territory (compared ignoring case).
    Territory { territory: String },
    /// Companies with this classification (compared ignoring case).
    Classification { classification: String },
    /// The provider's staff only.
    Internal,
}

/// The audience as sent, read strictly: each kind takes exactly its own field. (serde's tagged
/// enums let unknown fields through on unit variants.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceFields {
    kind: String,
    company_ids: Option<Vec<i64>>,
    territory: Option<String>,
    classification: Option<String>,
}

impl TryFrom<AudienceFields> for AudienceInput {
    type Error = String;
    fn try_from(f: AudienceFields) -> Result<Self, String> {
        let only = |field: Option<&str>| {
            let sent = [
                ("company_ids", f.company_ids.is_some()),
                ("territory", f.territory.is_some()),
                ("classification", f.classification.is_some()),
            ];
            match sent.iter().find(|(name, present)| *present && Some(*name) != field) {
                Some((name, _)) => Err(format!("an audience of kind {} takes no {name}", f.kind)),
                None => Ok(()),
            }
        };
        let missing = |field: &str| format!("an audience of kind {} needs {field}", f.kind);
        match f.kind.as_str() {
            "all_companies" => only(None).map(|_| Self::AllCompanies),
            "internal" => only(None).map(|_| Self::Internal),
            "companies" => {
                only(Some("company_ids"))?;
                let company_ids = f.company_ids.clone().ok_or_else(|| missing("company_ids"))?;
                Ok(Self::Companies { company_ids })
            }
            "territory" => {
                only(Some("territory"))?;
                Ok(Self::Territory { territory: f.territory.clone().ok_or_else(|| missing("territory"))? })
            }
            "classification" => {
                only(Some("classification"))?;
                let classification = f.classification.clone().ok_or_else(|| missing("classification"))?;
                Ok(Self::Classification { classification })
            }
            other => Err(format!(
                "unknown audience kind {other:?}: all_companies, companies, territory, classification or internal"
            )),
        }
    }
}

impl AudienceInput {
    fn parse(&self) -> ApiResult<Audience> {
        let (kind, label, ids): (&str, Option<&str>, Vec<CompanyId>) = match self {
            Self::AllCompanies => ("all_companies", None, Vec::new()),
            Self::Companies { company_ids } => {
                ("companies", None, company_ids.iter().copied().map(CompanyId).collect())
            }
            Self::Territory { territory } => ("territory", Some(territory), Vec::new()),
            Self::Classification { classification } => ("classification", Some(classification), Vec::new()),
            Self::Internal => ("internal", None, Vec::new()),
        };
        if ids.len() > Audience::MAX_COMPANIES {
            return Err(ApiError::invalid("audience.company_ids", "must name 1 to 100 companies"));
        }
        Ok(Audience::parse(kind, label, &ids)?)
    }
}

impl From<&Audience> for AudienceInput {
    fn from(a: &Audience) -> Self {
        match a {
            Audience::AllCompanies => Self::AllCompanies,
            Audience::Companies(ids) => Self::Companies { company_ids: ids.iter().map(|c| c.0).collect() },
            Audience::Territory(t) => Self::Territory { territory: t.clone() },
            Audience::Classification(c) => Self::Classification { classification: c.clone() },
            Audience::Internal => Self::Internal,
        }
    }
}

/// Marked text from the search as HTML: escaped, with each match in `<mark>`.
fn marked_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for c in text.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn parse_language(field: &'static str, value: Option<&str>) -> ApiResult<Option<Language>> {
    value.map(|l| Language::parse(l).map_err(|e| ApiError::invalid(field, e.message))).transpose()
}

fn parse_tag_filter(value: Option<&str>) -> ApiResult<Option<String>> {
    Ok(value.filter(|t| !t.trim().is_empty()).map(rules::parse_tag).transpose()?)
}

// Customers

/// The company the caller reads for, if it may read the knowledge base there: 404 when the
/// company is not one of the caller's, 403 when its knowledge base is off.
fn reader(auth: &Auth, company: i64) -> ApiResult<Reader> {
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
    filter: web::Query<ArticleFilterQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let reader = reader(&auth, path.into_inner())?;
    let (limit, before) = page.resolve()?;
    let filter = filter.into_inner();
    let language = parse_language("language", filter.language.as_deref())?;
    let tag = parse_tag_filter(filter.tag.as_deref())?;
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
    Ok(HttpResponse::Ok().json(Paged {
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
    Ok(HttpResponse::Ok().json(ArticleView {
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
    body: web::Json<FeedbackInput>,
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
    Ok(HttpResponse::Ok().json(FeedbackInput { helpful }))
}

/// A category, with how many articles it holds (its subcategories' included).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "parent_id": null, "name": "Remote work", "description": "VPN, video calls, home office",
    "article_count": 7}))]
pub struct CategoryView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub description: String,
    /// For customers, the articles they may see; for staff, every article.
    pub article_count: i64,
}

fn category_views(categories: Vec<Category>, direct: &HashMap<CategoryId, i64>, keep_empty: bool) -> Vec<CategoryView> {
    let total = rules::roll_up(&categories, direct);
    categories
        .into_iter()
        .map(|c| {
            let n = total.get(&c.id).copied().unwrap_or(0);
            CategoryView {
                id: c.id.0,
                parent_id: c.parent_id.map(|p| p.0),
                name: c.name,
                description: c.description,
                article_count: n,
            }
        })
        .filter(|v| keep_empty || v.article_count > 0)
        .collect()
}

/// The categories that hold articles the company may see, as a flat list (build the tree from
/// `parent_id`), by name.
#[utoipa::path(tag = "knowledge base", operation_id = "listKbCategories", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The categories", body = [CategoryView]),
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
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for, as in a search engine: words (all must match), "a phrase",
    /// -excluded, this or that. At most 200 characters.
    pub q: Option<String>,
    /// Only articles filed directly in this category.
    pub category_id: Option<i64>,
    /// Only articles with this tag.
    pub tag: Option<String>,
    /// Only articles in this language (en, fr, de, es, it).
    pub language: Option<String>,
}

/// A search result.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "title": "Restart the VPN client", "highlighted_title": "<mark>Restart</mark> the VPN client",
    "summary": "When the VPN stops connecting.", "snippet": "… quit the client, then <mark>restarting</mark> it …",
    "tags": ["vpn"], "language": "en", "category_id": 3, "published_at": "2026-11-23T10:00:00Z",
    "updated_at": "2026-11-23T10:00:00Z", "score": 0.61}))]
pub struct SearchHitView {
    pub id: i64,
    pub title: String,
    /// The title as HTML: escaped, each match in `<mark>`.
    pub highlighted_title: String,
    pub summary: String,
    /// A passage of the body around the matches, as HTML: escaped, each match in `<mark>`
    /// (Markdown syntax is left as written).
    pub snippet: String,
    pub tags: Vec<String>,
    pub language: String,
    pub category_id: Option<i64>,
    pub published_at: Option<chrono::DateTime<Utc>>,
    pub updated_at: chrono::DateTime<Utc>,
    /// Relevance, higher is better; compare scores within one answer only.
    pub score: f64,
    /// Staff only: draft or published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Staff only: the audience kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl SearchHitView {
    fn of(hit: SearchHit, staff: bool) -> Self {
        let a = hit.article;
        Self {
            id: a.id.0,
            highlighted_title: marked_html(&hit.title_marked),
            snippet: marked_html(&hit.snippet),
            title: a.title,
            summary: a.summary,
            tags: a.tags,
            language: a.language.as_str().to_owned(),
            category_id: a.category_id.map(|c| c.0),
            published_at: a.published_at,
            updated_at: a.updated_at,
            score: hit.score,
            status: staff.then(|| a.status.as_str().to_owned()),
            audience: staff.then_some(a.audience),
        }
    }
}

/// One page of search results, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    pub items: Vec<SearchHitView>,
    /// Pass as `cursor` for the next page; null on the last page (ranked results stop after
    /// 1,000).
    pub next_cursor: Option<String>,
    /// How many articles match in all, among those the caller may see.
    #[schema(example = 42)]
    pub total: i64,
}

fn search_page(results: SearchResults, offset: i64, staff: bool) -> SearchPage {
    let shown = results.hits.len() as i64;
    SearchPage {
        next_cursor: offset_cursor(offset, shown, results.total),
        total: results.total,
        items: results.hits.into_iter().map(|h| SearchHitView::of(h, staff)).collect(),
    }
}

/// What search checks before it asks the database: the text and the filters.
struct SearchInput {
    query: TextQuery,
    category: Option<CategoryId>,
    tag: Option<String>,
    language: Option<Language>,
}

impl SearchInput {
    fn parse(q: SearchQuery) -> ApiResult<Self> {
        Ok(Self {
            query: TextQuery::parse(q.q.as_deref().unwrap_or(""))?,
            category: q.category_id.map(CategoryId),
            tag: parse_tag_filter(q.tag.as_deref())?,
            language: parse_language("language", q.language.as_deref())?,
        })
    }
}

const SEARCH_LIMIT: (i64, i64) = (10, 50);

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
    q: web::Query<SearchQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let reader = reader(&auth, path.into_inner())?;
    let input = SearchInput::parse(q.into_inner())?;
    let (limit, offset) = page.resolve_offset(SEARCH_LIMIT.0, SEARCH_LIMIT.1)?;
    let tenant = auth.tenant.id;
    let results = state
        .run(move |conn| {
            let req = SearchRequest {
                scope: Scope::Reader(&reader),
                query: &input.query,
                filter: Filter {
                    category: input.category,
                    tag: input.tag.as_deref(),
                    language: input.language,
                    ..Default::default()
                },
                limit,
                offset,
            };
            Ok(kb::search(conn, tenant, &req)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(search_page(results, offset, false)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Outlook keeps restarting", "description": "Since this morning Outlook closes and restarts when I open a calendar invite."}))]
pub struct SuggestionInput {
    /// The ticket's title as typed so far.
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    /// The ticket's description as typed so far.
    #[validate(length(max = 10000))]
    #[serde(default)]
    pub description: String,
    /// How many articles to suggest, 1 to 10 (default 5).
    #[validate(range(min = 1, max = 10))]
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
/// five rarest in the knowledge base of its first sixteen words, leaving out common words and the
/// words most articles hold. No significant word, no suggestion.
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
    body: web::Json<SuggestionInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let reader = reader(&auth, path.into_inner())?;
    let limit = body.limit.unwrap_or(5);
    let candidates = rules::draft_words(&[&body.title, &body.description], SUGGESTION_CANDIDATES);
    if candidates.is_empty() {
        return Ok(HttpResponse::Ok().json(Suggestions { items: Vec::new() }));
    }
    let tenant = auth.tenant.id;
    let results = state
        .run(move |conn| {
            let (articles, shares) = kb::word_shares(conn, &candidates)?;
            let words = rules::significant_words(&candidates, articles, &shares, SUGGESTION_WORDS);
            let Some(query) = TextQuery::any_of(words) else { return Ok(None) };
            let req = SearchRequest {
                scope: Scope::Reader(&reader),
                query: &query,
                filter: Filter::default(),
                limit,
                offset: 0,
            };
            Ok(Some(kb::search(conn, tenant, &req)?))
        })
        .await?;
    let Some(results) = results else {
        return Ok(HttpResponse::Ok().json(Suggestions { items: Vec::new() }));
    };
    Ok(HttpResponse::Ok()
        .json(Suggestions { items: results.hits.into_iter().map(|h| SearchHitView::of(h, false)).collect() }))
}

// Staff

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

fn etag(revision: i64) -> String {
    format!("\"{revision}\"")
}

/// The answer for one article to staff: its view, with its revision as the ETag.
fn staff_answer(status: actix_web::http::StatusCode, view: StaffArticleView) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(view.revision))).json(view)
}

/// The `If-Match` of the request, if any.
fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers().get(header::IF_MATCH).map(|v| v.to_str().unwrap_or("").to_owned())
}

/// Refuses with 412 when `If-Match` was sent and does not name the current revision.
fn check_if_match(if_match: Option<&str>, article: &Article) -> ApiResult<()> {
    let Some(value) = if_match else { return Ok(()) };
    let current = etag(article.revision);
    let matches = value.split(',').map(str::trim).any(|tag| tag == "*" || tag == current);
    if matches {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

fn audit_kb(
    conn: &mut DbConnection,
    client: &Client,
    auth: &Auth,
    action: &'static str,
    target: String,
    detail: Option<String>,
) -> ApiResult<()> {
    let mut event = client.event(Some(auth.tenant.id), Some(auth.user.id), action);
    event.target = Some(target);
    event.detail = detail;
    audit::record(conn, &event, Utc::now())?;
    Ok(())
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
    Ok(HttpResponse::Ok().json(Paged { items, next_cursor: cursor(page.next_after) }))
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
    Ok(HttpResponse::Ok().json(search_page(results, offset, true)))
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
    body: web::Json<ArticleInput>,
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
    let client = Client::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                check_references(conn, &auth, &fields)?;
                let article = kb::create_article(conn, auth.tenant.id, &fields, auth.user.id, Utc::now())?;
                audit_kb(conn, &client, &auth, "kb_article_created", format!("kb_article:{}", article.id), None)?;
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
    body: web::Json<ArticlePatch>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_kb_author()?;
    let body = body.into_inner();
    let (id, client, if_match) = (ArticleId(path.into_inner()), Client::of(&req), if_match(&req));
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
                check_if_match(if_match.as_deref(), &current)?;
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
                audit_kb(
                    conn,
                    &client,
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
    let (id, client, if_match) = (ArticleId(id), Client::of(&req), if_match(&req));
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = kb::get_article(conn, auth.tenant.id, id)?;
                check_if_match(if_match.as_deref(), &current)?;
                if current.status == status {
                    // Already so: nothing changes, no revision, no audit event.
                    return staff_view(conn, current);
                }
                let article = kb::set_status(conn, auth.tenant.id, id, status, auth.user.id, Utc::now())?;
                let action = match status {
                    ArticleStatus::Published => "kb_article_published",
                    ArticleStatus::Draft => "kb_article_unpublished",
                };
                audit_kb(conn, &client, &auth, action, format!("kb_article:{id}"), None)?;
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
    let (id, client, if_match) = (ArticleId(path.into_inner()), Client::of(&req), if_match(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = kb::get_article(conn, auth.tenant.id, id)?;
                check_if_match(if_match.as_deref(), &current)?;
                kb::delete_article(conn, auth.tenant.id, id)?;
                audit_kb(conn, &client, &auth, "kb_article_deleted", format!("kb_article:{id}"), Some(current.title))
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
    Ok(HttpResponse::Ok().json(Paged { items, next_cursor: cursor(page.next_after) }))
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
    Ok(HttpResponse::Ok().json(RevisionView {
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
    Ok(HttpResponse::Ok().json(views))
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
    body: web::Json<CategoryInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_kb_author()?;
    let name = rules::parse_category_name(&body.name)?;
    let description = rules::parse_category_description(&body.description)?;
    let parent = body.parent_id.map(CategoryId);
    let client = Client::of(&req);
    let category = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                check_placement(conn, &auth, None, parent, &name)?;
                let category = kb::create_category(conn, auth.tenant.id, parent, &name, &description, Utc::now())?;
                audit_kb(conn, &client, &auth, "kb_category_created", format!("kb_category:{}", category.id), None)?;
                Ok(category)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(category_view(category)))
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
    body: web::Json<CategoryPatch>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_kb_author()?;
    let body = body.into_inner();
    let name = body.name.as_deref().map(rules::parse_category_name).transpose()?;
    let description = body.description.as_deref().map(rules::parse_category_description).transpose()?;
    let (id, client) = (CategoryId(path.into_inner()), Client::of(&req));
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
                audit_kb(conn, &client, &auth, "kb_category_updated", format!("kb_category:{id}"), None)?;
                Ok(category)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(category_view(category)))
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
    let (id, client) = (CategoryId(path.into_inner()), Client::of(&req));
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
                audit_kb(conn, &client, &auth, "kb_category_deleted", format!("kb_category:{id}"), None)
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
