//! Articles: their content, audience, tags and status, each change kept as a revision.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{ArticleId, CategoryId, TenantId, UserId};
use clientdesk_domain::kb::{Article, ArticleStatus, Audience};
use clientdesk_domain::user::Language;
use diesel::prelude::*;

use super::revisions::snapshot;
use super::stored::split_tags;
use super::visibility::ARTICLES;
use crate::audience::stored_status;
use crate::audience::{load_audience, write_chosen};
use crate::schema::{
    kb_article_attachments, kb_article_companies, kb_article_revisions, kb_article_tags, kb_article_views, kb_articles,
    kb_feedback,
};
use crate::{utc, DbConnection, Error, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = kb_articles)]
struct ArticleRow {
    id: i64,
    tenant_id: i64,
    category_id: Option<i64>,
    title: String,
    summary: String,
    body: String,
    tags: String,
    language: String,
    status: String,
    audience: String,
    audience_label: Option<String>,
    revision: i64,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// What a staff member writes: everything but the status, which publishing changes.
#[derive(Debug, Clone)]
pub struct ArticleFields {
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    pub language: Language,
    pub audience: Audience,
}

impl From<&Article> for ArticleFields {
    fn from(a: &Article) -> Self {
        Self {
            category_id: a.category_id,
            title: a.title.clone(),
            summary: a.summary.clone(),
            body: a.body.clone(),
            tags: a.tags.clone(),
            language: a.language,
            audience: a.audience.clone(),
        }
    }
}

/// An article of `tenant`, whatever its status; another tenant's is `NotFound`.
pub fn get_article(conn: &mut DbConnection, tenant: TenantId, id: ArticleId) -> Result<Article> {
    let row: ArticleRow = kb_articles::table
        .filter(kb_articles::id.eq(id.0))
        .filter(kb_articles::tenant_id.eq(tenant.0))
        .select(ArticleRow::as_select())
        .first(conn)?;
    let audience = load_audience(conn, &ARTICLES, row.id, &row.audience, row.audience_label.as_deref())?;
    Ok(Article {
        id: ArticleId(row.id),
        tenant_id: TenantId(row.tenant_id),
        category_id: row.category_id.map(CategoryId),
        audience,
        status: stored_status(row.id, &row.status)?,
        title: row.title,
        summary: row.summary,
        body: row.body,
        tags: split_tags(&row.tags),
        language: Language::parse(&row.language).unwrap_or_default(),
        revision: row.revision,
        published_at: row.published_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// The chosen companies and the tags of an article, replaced as a whole. One statement per row:
/// MultiBackend has no batch insert.
fn write_children(conn: &mut DbConnection, tenant: TenantId, id: i64, fields: &ArticleFields) -> Result<()> {
    write_chosen(conn, &ARTICLES, tenant, id, &fields.audience)?;
    diesel::delete(kb_article_tags::table.filter(kb_article_tags::article_id.eq(id))).execute(conn)?;
    for tag in &fields.tags {
        diesel::insert_into(kb_article_tags::table)
            .values((
                kb_article_tags::article_id.eq(id),
                kb_article_tags::tag.eq(tag),
                kb_article_tags::tenant_id.eq(tenant.0),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a draft with its first revision. Call inside a write transaction.
pub fn create_article(
    conn: &mut DbConnection,
    tenant: TenantId,
    fields: &ArticleFields,
    author: UserId,
    now: DateTime<Utc>,
) -> Result<Article> {
    // MultiBackend cannot return a whole row, so take the id and read the row back.
    let id: i64 = diesel::insert_into(kb_articles::table)
        .values((
            kb_articles::tenant_id.eq(tenant.0),
            kb_articles::category_id.eq(fields.category_id.map(|c| c.0)),
            kb_articles::title.eq(&fields.title),
            kb_articles::summary.eq(&fields.summary),
            kb_articles::body.eq(&fields.body),
            kb_articles::tags.eq(fields.tags.join(" ")),
            kb_articles::language.eq(fields.language.as_str()),
            kb_articles::status.eq(ArticleStatus::Draft.as_str()),
            kb_articles::audience.eq(fields.audience.kind()),
            kb_articles::audience_label.eq(fields.audience.label()),
            kb_articles::audience_key.eq(fields.audience.label_key()),
            kb_articles::revision.eq(1),
            kb_articles::created_at.eq(now.naive_utc()),
            kb_articles::updated_at.eq(now.naive_utc()),
        ))
        .returning(kb_articles::id)
        .get_result(conn)?;
    write_children(conn, tenant, id, fields)?;
    diesel::insert_into(kb_article_views::table)
        .values((kb_article_views::article_id.eq(id), kb_article_views::tenant_id.eq(tenant.0)))
        .execute(conn)?;
    let article = get_article(conn, tenant, ArticleId(id))?;
    snapshot(conn, &article, Some(author), now)?;
    crate::tenants::bump_kb_version(conn, tenant)?;
    Ok(article)
}

/// Replaces the article's content and audience as a new revision. Call inside a write
/// transaction.
pub fn update_article(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: ArticleId,
    fields: &ArticleFields,
    editor: UserId,
    now: DateTime<Utc>,
) -> Result<Article> {
    let updated =
        diesel::update(kb_articles::table.filter(kb_articles::id.eq(id.0)).filter(kb_articles::tenant_id.eq(tenant.0)))
            .set((
                kb_articles::category_id.eq(fields.category_id.map(|c| c.0)),
                kb_articles::title.eq(&fields.title),
                kb_articles::summary.eq(&fields.summary),
                kb_articles::body.eq(&fields.body),
                kb_articles::tags.eq(fields.tags.join(" ")),
                kb_articles::language.eq(fields.language.as_str()),
                kb_articles::audience.eq(fields.audience.kind()),
                kb_articles::audience_label.eq(fields.audience.label()),
                kb_articles::audience_key.eq(fields.audience.label_key()),
                kb_articles::revision.eq(kb_articles::revision + 1),
                kb_articles::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    write_children(conn, tenant, id.0, fields)?;
    let article = get_article(conn, tenant, id)?;
    snapshot(conn, &article, Some(editor), now)?;
    crate::tenants::bump_kb_version(conn, tenant)?;
    Ok(article)
}

/// Publishes or withdraws an article, as a new revision. `published_at` is the time of the
/// latest publication. Call inside a write transaction.
pub fn set_status(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: ArticleId,
    status: ArticleStatus,
    editor: UserId,
    now: DateTime<Utc>,
) -> Result<Article> {
    let published_at = (status == ArticleStatus::Published).then(|| now.naive_utc());
    let updated =
        diesel::update(kb_articles::table.filter(kb_articles::id.eq(id.0)).filter(kb_articles::tenant_id.eq(tenant.0)))
            .set((
                kb_articles::status.eq(status.as_str()),
                kb_articles::published_at.eq(published_at),
                kb_articles::revision.eq(kb_articles::revision + 1),
                kb_articles::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    let article = get_article(conn, tenant, id)?;
    snapshot(conn, &article, Some(editor), now)?;
    crate::tenants::bump_kb_version(conn, tenant)?;
    Ok(article)
}

/// Deletes an article with its revisions, feedback and counts. Call inside a write transaction.
pub fn delete_article(conn: &mut DbConnection, tenant: TenantId, id: ArticleId) -> Result<()> {
    let exists = kb_articles::table
        .filter(kb_articles::id.eq(id.0))
        .filter(kb_articles::tenant_id.eq(tenant.0))
        .select(kb_articles::id)
        .first::<i64>(conn)
        .optional()?;
    if exists.is_none() {
        return Err(Error::NotFound);
    }
    diesel::delete(kb_feedback::table.filter(kb_feedback::article_id.eq(id.0))).execute(conn)?;
    // The attachments' contents are the caller's to remove once this commits.
    diesel::delete(kb_article_attachments::table.filter(kb_article_attachments::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_views::table.filter(kb_article_views::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_revisions::table.filter(kb_article_revisions::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_tags::table.filter(kb_article_tags::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_companies::table.filter(kb_article_companies::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_articles::table.find(id.0)).execute(conn)?;
    crate::tenants::bump_kb_version(conn, tenant)
}
