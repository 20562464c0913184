//! Lists of articles as lists show them (no body), and the count of each category's articles.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{ArticleId, CategoryId, TenantId};
use clientdesk_domain::kb::ArticleStatus;
use clientdesk_domain::user::Language;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::stored::split_tags;
use super::visibility::{where_sql, Filter, Scope, TenantIndex};
use crate::audience::stored_status;
use crate::raw_query::{backend_of, load_raw, RawQuery};
use crate::{utc, DbConnection, Error, Page, Result};

/// An article as lists and search results show it: no body.
#[derive(Debug, Clone)]
pub struct ArticleListItem {
    pub id: ArticleId,
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub language: Language,
    pub status: ArticleStatus,
    /// The audience kind and, for a territory or classification, its label (the chosen
    /// companies are on the article itself).
    pub audience: String,
    pub audience_label: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

pub(super) const LIST_COLUMNS: &str =
    "a.id, a.category_id, a.title, a.summary, a.tags, a.language, a.status, a.audience, \
     a.audience_label, a.published_at, a.updated_at";

#[derive(QueryableByName)]
pub(super) struct ListRow {
    #[diesel(sql_type = BigInt)]
    pub(super) id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    category_id: Option<i64>,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    summary: String,
    #[diesel(sql_type = Text)]
    tags: String,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    audience: String,
    #[diesel(sql_type = Nullable<Text>)]
    audience_label: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    published_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Timestamp)]
    updated_at: NaiveDateTime,
}

impl TryFrom<ListRow> for ArticleListItem {
    type Error = Error;
    fn try_from(row: ListRow) -> Result<Self> {
        Ok(Self {
            id: ArticleId(row.id),
            category_id: row.category_id.map(CategoryId),
            status: stored_status(row.id, &row.status)?,
            title: row.title,
            summary: row.summary,
            tags: split_tags(&row.tags),
            language: Language::parse(&row.language).unwrap_or_default(),
            audience: row.audience,
            audience_label: row.audience_label,
            published_at: row.published_at.map(utc),
            updated_at: utc(row.updated_at),
        })
    }
}

/// Articles in the scope, newest first, before the article `before`.
pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
    filter: &Filter<'_>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<ArticleListItem>> {
    let mut q = RawQuery::new(backend_of(conn));
    q.sql("SELECT ").sql(LIST_COLUMNS).sql(" FROM kb_articles a WHERE ");
    let index = match scope {
        Scope::Staff if filter.status.is_none() => TenantIndex::Avoid,
        _ => TenantIndex::Use,
    };
    where_sql(&mut q, tenant, scope, filter, index);
    if let Some(before) = before {
        q.sql(" AND a.id < ").int(before);
    }
    q.sql(" ORDER BY a.id DESC LIMIT ").int(limit + 1);
    let rows: Vec<ListRow> = load_raw!(conn, q, ListRow)?;
    let items = rows.into_iter().map(ArticleListItem::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |a| a.id.0))
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    category_id: i64,
    #[diesel(sql_type = BigInt)]
    articles: i64,
}

/// How many articles in the scope each category holds directly.
pub fn category_counts(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
) -> Result<HashMap<CategoryId, i64>> {
    let mut q = RawQuery::new(backend_of(conn));
    q.sql("SELECT a.category_id AS category_id, count(*) AS articles FROM kb_articles a WHERE ");
    where_sql(&mut q, tenant, scope, &Filter::default(), TenantIndex::Use);
    q.sql(" AND a.category_id IS NOT NULL GROUP BY a.category_id");
    let rows: Vec<CountRow> = load_raw!(conn, q, CountRow)?;
    Ok(rows.into_iter().map(|r| (CategoryId(r.category_id), r.articles)).collect())
}
