//! Files attached to articles: their records; the contents live in the attachment storage under
//! `storage_key`, as the tickets' attachments do. Who may read them is the article's business
//! (see the routes): these functions only keep an attachment to its tenant and article.

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::{ArticleId, TenantId, UserId};
use diesel::prelude::*;

use crate::schema::kb_article_attachments as files;
use crate::{utc, DbConnection, Error, Result};

#[derive(Debug, Clone)]
pub struct ArticleAttachment {
    pub id: i64,
    pub tenant_id: TenantId,
    pub article_id: ArticleId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = files)]
struct Row {
    id: i64,
    tenant_id: i64,
    article_id: i64,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    storage_key: String,
    uploaded_by: i64,
    created_at: chrono::NaiveDateTime,
}

impl From<Row> for ArticleAttachment {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            article_id: ArticleId(r.article_id),
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            storage_key: r.storage_key,
            uploaded_by: UserId(r.uploaded_by),
            created_at: utc(r.created_at),
        }
    }
}

/// Records an attachment (its `id` is ignored); returns it with its id.
pub fn insert_attachment(conn: &mut DbConnection, a: &ArticleAttachment) -> Result<ArticleAttachment> {
    let id: i64 = diesel::insert_into(files::table)
        .values((
            files::tenant_id.eq(a.tenant_id.0),
            files::article_id.eq(a.article_id.0),
            files::file_name.eq(&a.file_name),
            files::content_type.eq(&a.content_type),
            files::size_bytes.eq(a.size_bytes),
            files::sha256.eq(&a.sha256),
            files::storage_key.eq(&a.storage_key),
            files::uploaded_by.eq(a.uploaded_by.0),
            files::created_at.eq(a.created_at.naive_utc()),
        ))
        .returning(files::id)
        .get_result(conn)?;
    Ok(ArticleAttachment { id, ..a.clone() })
}

/// The attachments of an article, oldest first.
pub fn attachments_of(conn: &mut DbConnection, tenant: TenantId, article: ArticleId) -> Result<Vec<ArticleAttachment>> {
    let rows: Vec<Row> = files::table
        .filter(files::article_id.eq(article.0))
        .filter(files::tenant_id.eq(tenant.0))
        .order(files::id)
        .select(Row::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(ArticleAttachment::from).collect())
}

/// One attachment of the article; any other is `NotFound`.
pub fn attachment(conn: &mut DbConnection, tenant: TenantId, article: ArticleId, id: i64) -> Result<ArticleAttachment> {
    Ok(files::table
        .filter(files::id.eq(id))
        .filter(files::article_id.eq(article.0))
        .filter(files::tenant_id.eq(tenant.0))
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into())
}

/// Removes an attachment's record; returns it, for its contents to be removed after the commit.
pub fn delete_attachment(
    conn: &mut DbConnection,
    tenant: TenantId,
    article: ArticleId,
    id: i64,
) -> Result<ArticleAttachment> {
    let found = attachment(conn, tenant, article, id)?;
    let n = diesel::delete(files::table.filter(files::id.eq(found.id))).execute(conn)?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    Ok(found)
}

/// The bytes already attached to an article.
pub fn attached_bytes(conn: &mut DbConnection, article: ArticleId) -> Result<i64> {
    let sizes: Vec<i64> = files::table.filter(files::article_id.eq(article.0)).select(files::size_bytes).load(conn)?;
    Ok(sizes.iter().sum())
}
