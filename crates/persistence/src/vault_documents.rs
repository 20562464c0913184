//! The vault's documents: title, Markdown body, audience and status, each change kept whole as
//! a revision, and their attached files. Audiences are stored as the knowledge base's are
//! (`crate::audience`); `owner_company_id` keeps the one company an audience names alone
//! (`Audience::sole_company`). See docs/decisions/0052-vault-documents.md.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{CompanyId, DocumentId, TenantId, UserId};
use clientdesk_domain::kb::{ArticleStatus, Audience, Reader};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::audience::{
    companies_of_text, companies_text, includes_sql, load_audience, stored_audience, stored_status, write_chosen,
    AudienceTables,
};
use crate::raw_query::{backend_of, load_raw, RawQuery};
use crate::schema::{vault_document_attachments, vault_document_companies, vault_document_revisions, vault_documents};
use crate::{utc, DbConnection, Error, Page, Result};

/// Files attached to documents (`crate::owned_files`).
pub mod attachments {
    crate::owned_files::owned_files!(vault_document_attachments, document_id, clientdesk_domain::ids::DocumentId);
}

const DOCUMENTS: AudienceTables =
    AudienceTables { alias: "d", companies: "vault_document_companies", owner: "document_id" };

/// What a writer gives: everything but the status, which publishing changes.
#[derive(Debug, Clone)]
pub struct DocumentFields {
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    pub audience: Audience,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub id: DocumentId,
    pub tenant_id: TenantId,
    pub title: String,
    pub body: String,
    pub status: ArticleStatus,
    pub audience: Audience,
    /// Raised by every change; the number of the latest revision.
    pub revision: i64,
    pub created_by: UserId,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = vault_documents)]
struct DocumentRow {
    id: i64,
    tenant_id: i64,
    title: String,
    body: String,
    status: String,
    audience: String,
    audience_label: Option<String>,
    revision: i64,
    created_by: i64,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A document of `tenant`, whatever its status; another tenant's is `NotFound`.
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: DocumentId) -> Result<Document> {
    let row: DocumentRow = vault_documents::table
        .filter(vault_documents::id.eq(id.0))
        .filter(vault_documents::tenant_id.eq(tenant.0))
        .select(DocumentRow::as_select())
        .first(conn)?;
    let audience = load_audience(conn, &DOCUMENTS, row.id, &row.audience, row.audience_label.as_deref())?;
    Ok(Document {
        id: DocumentId(row.id),
        tenant_id: TenantId(row.tenant_id),
        audience,
        status: stored_status(row.id, &row.status)?,
        title: row.title,
        body: row.body,
        revision: row.revision,
        created_by: UserId(row.created_by),
        published_at: row.published_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// Keeps the document as it is now as its latest revision.
fn snapshot(conn: &mut DbConnection, d: &Document, editor: UserId, now: DateTime<Utc>) -> Result<()> {
    diesel::insert_into(vault_document_revisions::table)
        .values((
            vault_document_revisions::tenant_id.eq(d.tenant_id.0),
            vault_document_revisions::document_id.eq(d.id.0),
            vault_document_revisions::revision.eq(d.revision),
            vault_document_revisions::title.eq(&d.title),
            vault_document_revisions::body.eq(&d.body),
            vault_document_revisions::status.eq(d.status.as_str()),
            vault_document_revisions::audience.eq(d.audience.kind()),
            vault_document_revisions::audience_label.eq(d.audience.label()),
            vault_document_revisions::audience_companies.eq(companies_text(&d.audience)),
            vault_document_revisions::edited_by.eq(Some(editor.0)),
            vault_document_revisions::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Creates a draft with its first revision. Call inside a write transaction.
pub fn create(
    conn: &mut DbConnection,
    tenant: TenantId,
    fields: &DocumentFields,
    author: UserId,
    now: DateTime<Utc>,
) -> Result<Document> {
    let id: i64 = diesel::insert_into(vault_documents::table)
        .values((
            vault_documents::tenant_id.eq(tenant.0),
            vault_documents::title.eq(&fields.title),
            vault_documents::body.eq(&fields.body),
            vault_documents::status.eq(ArticleStatus::Draft.as_str()),
            vault_documents::audience.eq(fields.audience.kind()),
            vault_documents::audience_label.eq(fields.audience.label()),
            vault_documents::audience_key.eq(fields.audience.label_key()),
            vault_documents::owner_company_id.eq(fields.audience.sole_company().map(|c| c.0)),
            vault_documents::revision.eq(1),
            vault_documents::created_by.eq(author.0),
            vault_documents::created_at.eq(now.naive_utc()),
            vault_documents::updated_at.eq(now.naive_utc()),
        ))
        .returning(vault_documents::id)
        .get_result(conn)?;
    write_chosen(conn, &DOCUMENTS, tenant, id, &fields.audience)?;
    let document = get(conn, tenant, DocumentId(id))?;
    snapshot(conn, &document, author, now)?;
    Ok(document)
}

/// Replaces the document's content and audience as a new revision. Call inside a write
/// transaction.
pub fn update(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: DocumentId,
    fields: &DocumentFields,
    editor: UserId,
    now: DateTime<Utc>,
) -> Result<Document> {
    let updated = diesel::update(
        vault_documents::table.filter(vault_documents::id.eq(id.0)).filter(vault_documents::tenant_id.eq(tenant.0)),
    )
    .set((
        vault_documents::title.eq(&fields.title),
        vault_documents::body.eq(&fields.body),
        vault_documents::audience.eq(fields.audience.kind()),
        vault_documents::audience_label.eq(fields.audience.label()),
        vault_documents::audience_key.eq(fields.audience.label_key()),
        vault_documents::owner_company_id.eq(fields.audience.sole_company().map(|c| c.0)),
        vault_documents::revision.eq(vault_documents::revision + 1),
        vault_documents::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    write_chosen(conn, &DOCUMENTS, tenant, id.0, &fields.audience)?;
    let document = get(conn, tenant, id)?;
    snapshot(conn, &document, editor, now)?;
    Ok(document)
}

/// Publishes or withdraws a document, as a new revision; `published_at` is the time of the
/// latest publication. Call inside a write transaction.
pub fn set_status(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: DocumentId,
    status: ArticleStatus,
    editor: UserId,
    now: DateTime<Utc>,
) -> Result<Document> {
    let published_at = (status == ArticleStatus::Published).then(|| now.naive_utc());
    let updated = diesel::update(
        vault_documents::table.filter(vault_documents::id.eq(id.0)).filter(vault_documents::tenant_id.eq(tenant.0)),
    )
    .set((
        vault_documents::status.eq(status.as_str()),
        vault_documents::published_at.eq(published_at),
        vault_documents::revision.eq(vault_documents::revision + 1),
        vault_documents::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    let document = get(conn, tenant, id)?;
    snapshot(conn, &document, editor, now)?;
    Ok(document)
}

/// Deletes a document with its revisions and its files' records; returns the files, whose
/// contents the caller removes once this commits. Call inside a write transaction.
pub fn delete(conn: &mut DbConnection, tenant: TenantId, id: DocumentId) -> Result<Vec<String>> {
    get(conn, tenant, id)?;
    let keys: Vec<String> = vault_document_attachments::table
        .filter(vault_document_attachments::document_id.eq(id.0))
        .select(vault_document_attachments::storage_key)
        .load(conn)?;
    diesel::delete(vault_document_attachments::table.filter(vault_document_attachments::document_id.eq(id.0)))
        .execute(conn)?;
    diesel::delete(vault_document_revisions::table.filter(vault_document_revisions::document_id.eq(id.0)))
        .execute(conn)?;
    diesel::delete(vault_document_companies::table.filter(vault_document_companies::document_id.eq(id.0)))
        .execute(conn)?;
    diesel::delete(vault_documents::table.find(id.0)).execute(conn)?;
    Ok(keys)
}

/// Whose view a list takes.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// The provider's staff: every document of the tenant.
    Staff,
    /// A caller reading the vault for one company (`vault_documents::sees`): the published
    /// documents whose audience takes it in, and with `drafts` the company's own in any status.
    Company { reader: &'a Reader, drafts: bool },
}

/// Optional narrowing of a list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Only documents whose title contains this text, ignoring case.
    pub title: Option<&'a str>,
    pub status: Option<ArticleStatus>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// A document as lists show it: no body, the audience as its kind and label.
#[derive(Debug, Clone)]
pub struct DocumentListItem {
    pub id: DocumentId,
    pub title: String,
    pub status: ArticleStatus,
    pub audience: String,
    pub audience_label: Option<String>,
    pub owner_company_id: Option<CompanyId>,
    pub revision: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct ListRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    audience: String,
    #[diesel(sql_type = Nullable<Text>)]
    audience_label: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    owner_company_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    revision: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    published_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Timestamp)]
    updated_at: NaiveDateTime,
}

/// Documents in the scope, by id, after the document `after`.
pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
    filter: &Filter<'_>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<DocumentListItem>> {
    let mut q = RawQuery::new(backend_of(conn));
    q.sql(
        "SELECT d.id, d.title, d.status, d.audience, d.audience_label, d.owner_company_id, d.revision, \
         d.published_at, d.updated_at FROM vault_documents d WHERE d.tenant_id = ",
    )
    .int(tenant.0);
    if let Scope::Company { reader, drafts } = scope {
        q.sql(" AND ((d.status = 'published'");
        includes_sql(&mut q, &DOCUMENTS, reader, true);
        q.sql(")");
        if drafts {
            q.sql(" OR d.owner_company_id = ").int(reader.company.0);
        }
        q.sql(")");
    }
    if let Some(status) = filter.status {
        q.sql(" AND d.status = ").text(status.as_str());
    }
    if let Some(title) = filter.title {
        q.sql(" AND lower(d.title) LIKE ").text(crate::text::contains_pattern(title)).sql(" ESCAPE '\\'");
    }
    if let Some(since) = filter.updated_since {
        q.sql(" AND d.updated_at >= ").time(since.naive_utc());
    }
    if let Some(after) = after {
        q.sql(" AND d.id > ").int(after);
    }
    q.sql(" ORDER BY d.id LIMIT ").int(limit + 1);
    let rows: Vec<ListRow> = load_raw!(conn, q, ListRow)?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(DocumentListItem {
                id: DocumentId(r.id),
                status: stored_status(r.id, &r.status)?,
                title: r.title,
                audience: r.audience,
                audience_label: r.audience_label,
                owner_company_id: r.owner_company_id.map(CompanyId),
                revision: r.revision,
                published_at: r.published_at.map(utc),
                updated_at: utc(r.updated_at),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |d| d.id.0))
}

/// One revision of a document, whole.
#[derive(Debug, Clone)]
pub struct Revision {
    pub revision: i64,
    pub title: String,
    pub body: String,
    pub status: ArticleStatus,
    pub audience: Audience,
    pub edited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = vault_document_revisions)]
struct RevisionRow {
    revision: i64,
    title: String,
    body: String,
    status: String,
    audience: String,
    audience_label: Option<String>,
    audience_companies: String,
    edited_by: Option<i64>,
    created_at: NaiveDateTime,
}

/// The revisions of a document, newest first, before revision `before`.
pub fn revisions(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: DocumentId,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Revision>> {
    let mut q = vault_document_revisions::table
        .filter(vault_document_revisions::document_id.eq(id.0))
        .filter(vault_document_revisions::tenant_id.eq(tenant.0))
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(vault_document_revisions::revision.lt(before));
    }
    let rows: Vec<RevisionRow> = q
        .order(vault_document_revisions::revision.desc())
        .limit(limit + 1)
        .select(RevisionRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let companies = companies_of_text(&r.audience_companies);
            Ok(Revision {
                revision: r.revision,
                status: stored_status(id.0, &r.status)?,
                audience: stored_audience(id.0, &r.audience, r.audience_label.as_deref(), &companies)?,
                title: r.title,
                body: r.body,
                edited_by: r.edited_by.map(UserId),
                created_at: utc(r.created_at),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |r| r.revision))
}
