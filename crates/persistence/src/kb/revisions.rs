//! Revisions: every version of an article kept whole, with who made it and when.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{ArticleId, CategoryId, TenantId, UserId};
use clientdesk_domain::kb::{Article, ArticleStatus, Audience};
use clientdesk_domain::user::Language;
use diesel::prelude::*;

use super::stored::split_tags;
use crate::audience::stored_status;
use crate::audience::{companies_of_text, companies_text, stored_audience};
use crate::schema::kb_article_revisions;
use crate::{utc, DbConnection, Page, Result};

/// Keeps the article as it is now as its latest revision.
pub(super) fn snapshot(
    conn: &mut DbConnection,
    article: &Article,
    editor: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(kb_article_revisions::table)
        .values((
            kb_article_revisions::tenant_id.eq(article.tenant_id.0),
            kb_article_revisions::article_id.eq(article.id.0),
            kb_article_revisions::revision.eq(article.revision),
            kb_article_revisions::category_id.eq(article.category_id.map(|c| c.0)),
            kb_article_revisions::title.eq(&article.title),
            kb_article_revisions::summary.eq(&article.summary),
            kb_article_revisions::body.eq(&article.body),
            kb_article_revisions::tags.eq(article.tags.join(" ")),
            kb_article_revisions::language.eq(article.language.as_str()),
            kb_article_revisions::status.eq(article.status.as_str()),
            kb_article_revisions::audience.eq(article.audience.kind()),
            kb_article_revisions::audience_label.eq(article.audience.label()),
            kb_article_revisions::audience_companies.eq(companies_text(&article.audience)),
            kb_article_revisions::edited_by.eq(editor.map(|u| u.0)),
            kb_article_revisions::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who wrote an article (its first revision) and who changed it last (its latest).
pub fn authors(conn: &mut DbConnection, article: &Article) -> Result<(Option<UserId>, Option<UserId>)> {
    let rows: Vec<(i64, Option<i64>)> = kb_article_revisions::table
        .filter(kb_article_revisions::article_id.eq(article.id.0))
        .filter(kb_article_revisions::revision.eq_any([1, article.revision]))
        .select((kb_article_revisions::revision, kb_article_revisions::edited_by))
        .load(conn)?;
    let by = |n: i64| rows.iter().find(|(r, _)| *r == n).and_then(|(_, u)| u.map(UserId));
    Ok((by(1), by(article.revision)))
}

/// One revision, whole.
#[derive(Debug, Clone)]
pub struct Revision {
    pub revision: i64,
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    pub language: Language,
    pub status: ArticleStatus,
    pub audience: Audience,
    pub edited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// What the list of revisions shows of each.
#[derive(Debug, Clone)]
pub struct RevisionInfo {
    pub revision: i64,
    pub title: String,
    pub status: ArticleStatus,
    pub edited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = kb_article_revisions)]
struct RevisionRow {
    revision: i64,
    category_id: Option<i64>,
    title: String,
    summary: String,
    body: String,
    tags: String,
    language: String,
    status: String,
    audience: String,
    audience_label: Option<String>,
    audience_companies: String,
    edited_by: Option<i64>,
    created_at: NaiveDateTime,
}

/// The revisions of an article of `tenant`, newest first, before revision `before`.
pub fn revisions(
    conn: &mut DbConnection,
    tenant: TenantId,
    article: ArticleId,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<RevisionInfo>> {
    let mut q = kb_article_revisions::table
        .filter(kb_article_revisions::article_id.eq(article.0))
        .filter(kb_article_revisions::tenant_id.eq(tenant.0))
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(kb_article_revisions::revision.lt(before));
    }
    let rows: Vec<(i64, String, String, Option<i64>, NaiveDateTime)> = q
        .order(kb_article_revisions::revision.desc())
        .limit(limit + 1)
        .select((
            kb_article_revisions::revision,
            kb_article_revisions::title,
            kb_article_revisions::status,
            kb_article_revisions::edited_by,
            kb_article_revisions::created_at,
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(revision, title, status, edited_by, created_at)| {
            Ok(RevisionInfo {
                revision,
                title,
                status: stored_status(article.0, &status)?,
                edited_by: edited_by.map(UserId),
                created_at: utc(created_at),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |r| r.revision))
}

pub fn revision(conn: &mut DbConnection, tenant: TenantId, article: ArticleId, revision: i64) -> Result<Revision> {
    let row: RevisionRow = kb_article_revisions::table
        .filter(kb_article_revisions::article_id.eq(article.0))
        .filter(kb_article_revisions::tenant_id.eq(tenant.0))
        .filter(kb_article_revisions::revision.eq(revision))
        .select(RevisionRow::as_select())
        .first(conn)?;
    let companies = companies_of_text(&row.audience_companies);
    Ok(Revision {
        revision: row.revision,
        category_id: row.category_id.map(CategoryId),
        audience: stored_audience(article.0, &row.audience, row.audience_label.as_deref(), &companies)?,
        status: stored_status(article.0, &row.status)?,
        title: row.title,
        summary: row.summary,
        body: row.body,
        tags: split_tags(&row.tags),
        language: Language::parse(&row.language).unwrap_or_default(),
        edited_by: row.edited_by.map(UserId),
        created_at: utc(row.created_at),
    })
}
