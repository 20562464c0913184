//! Staff: writing the knowledge base (articles, publishing, revisions, categories) and
//! searching all of it.

mod articles;
mod categories;
mod list;
mod revisions;

pub use self::articles::{
    create_article, delete_article, publish_article, staff_get_article, unpublish_article, update_article,
    ArticleInput, ArticlePatch,
};
pub use self::categories::{
    create_category, delete_category, staff_list_categories, update_category, CategoryInput, CategoryPatch,
};
pub use self::list::{staff_list_articles, staff_search, StaffArticleSummaryView, StaffFilterQuery, StaffSearchQuery};
pub use self::revisions::{get_revision, list_revisions, RevisionSummaryView, RevisionView};

use actix_web::HttpResponse;
use chrono::Utc;
use clientdesk_domain::kb::Article;
use clientdesk_persistence::kb::{self, ArticleStats};
use clientdesk_persistence::DbConnection;
use serde::Serialize;
use utoipa::ToSchema;

use super::AudienceInput;
use crate::errors::ApiResult;
use crate::preconditions::tagged;
use crate::respond::JsonBody;

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
    tagged(status, view.revision).json_body(view)
}
