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

pub mod attachments;
pub mod portal;
pub mod staff;

use std::collections::HashMap;

use chrono::Utc;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CategoryId, CompanyId, TenantId};
use clientdesk_domain::kb::{self as rules, Audience, Category, TextQuery, Tier, MARK_END, MARK_START};
use clientdesk_domain::user::Language;
use clientdesk_persistence::kb::{SearchHit, SearchResults};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult};
use crate::paging::offset_cursor;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(portal::list_articles)
        .service(portal::read_article)
        .service(portal::put_feedback)
        .service(portal::list_categories)
        .service(portal::search)
        .service(portal::suggestions)
        .service(staff::staff_list_articles)
        .service(staff::staff_search)
        .service(staff::create_article)
        .service(staff::staff_get_article)
        .service(staff::update_article)
        .service(staff::publish_article)
        .service(staff::unpublish_article)
        .service(staff::delete_article)
        .service(staff::list_revisions)
        .service(staff::get_revision)
        .service(staff::staff_list_categories)
        .service(staff::create_category)
        .service(staff::update_category)
        .service(staff::delete_category)
        .service(attachments::upload_kb_attachments)
        .service(attachments::list_kb_attachments)
        .service(attachments::download_kb_attachment)
        .service(attachments::delete_kb_attachment)
        .service(attachments::portal_list_kb_attachments)
        .service(attachments::portal_download_kb_attachment);
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

/// Checks that the companies an audience names are the tenant's (422 naming the first that is
/// not).
pub(crate) fn check_audience_companies(
    conn: &mut clientdesk_persistence::DbConnection,
    tenant: TenantId,
    audience: &Audience,
) -> ApiResult<()> {
    let ids = audience.companies();
    if !ids.is_empty() {
        let found = clientdesk_persistence::companies::get_many(conn, tenant, ids)?;
        if let Some(missing) = ids.iter().find(|id| !found.iter().any(|c| c.id == **id)) {
            return Err(ApiError::invalid(
                "audience.company_ids",
                Message::new("rule-company-named-unknown").arg("id", missing.to_string()),
            ));
        }
    }
    Ok(())
}

impl AudienceInput {
    pub(crate) fn parse(&self) -> ApiResult<Audience> {
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
            return Err(ApiError::invalid("audience.company_ids", Message::new("rule-kb-audience-companies")));
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
    "updated_at": "2026-11-23T10:00:00Z", "score": 1.61, "matched_in": "head"}))]
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
    /// Relevance, higher is better; compare scores within one answer only. Head matches score
    /// above 1, body-only matches below 1.
    pub score: f64,
    /// `head` when the title, summary or tags match (these come first), `body` when only the
    /// body does.
    #[schema(example = "head")]
    pub matched_in: MatchedIn,
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
            matched_in: match hit.tier {
                Tier::Head => MatchedIn::Head,
                Tier::Body => MatchedIn::Body,
            },
            status: staff.then(|| a.status.as_str().to_owned()),
            audience: staff.then_some(a.audience),
        }
    }
}

/// Which part of an article a search matched.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchedIn {
    /// The title, summary or tags (and maybe the body too).
    Head,
    /// Only the body.
    Body,
}

/// One page of search results, best first: every article whose title, summary or tags match,
/// ranked among themselves (the title weighs most), then the articles that match only by their
/// body, ranked among themselves. The body-only matches ranked are at most the newest 2,000
/// the caller may see; when there are more, `total` counts only those and
/// `total_is_lower_bound` is true.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    pub items: Vec<SearchHitView>,
    /// Pass as `cursor` for the next page; null on the last page (ranked results stop after
    /// 1,000).
    pub next_cursor: Option<String>,
    /// How many articles match in all, among those the caller may see: exact unless
    /// `total_is_lower_bound`.
    #[schema(example = 42)]
    pub total: i64,
    /// True when more than 2,000 articles the caller may see match only by their body: `total`
    /// then counts the head matches and 2,000 of those (the newest), and the pages end there.
    /// False means `total` is exact.
    #[schema(example = false)]
    pub total_is_lower_bound: bool,
}

fn search_page(results: SearchResults, offset: i64, staff: bool) -> SearchPage {
    let shown = results.hits.len() as i64;
    SearchPage {
        next_cursor: offset_cursor(offset, shown, results.total),
        total: results.total,
        total_is_lower_bound: results.total_is_lower_bound,
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
        let read = || -> ApiResult<Self> {
            Ok(Self {
                query: TextQuery::parse(q.q.as_deref().unwrap_or(""))?,
                category: q.category_id.map(CategoryId),
                tag: parse_tag_filter(q.tag.as_deref())?,
                language: parse_language("language", q.language.as_deref())?,
            })
        };
        read().map_err(ApiError::in_query)
    }
}

const SEARCH_LIMIT: (i64, i64) = (10, 50);
