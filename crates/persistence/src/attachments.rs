//! Attachment metadata; the contents live in the attachment storage under `storage_key`.

use chrono::NaiveDateTime;
use clientdesk_domain::attachments::Attachment;
use clientdesk_domain::ids::{TenantId, UserId};
use diesel::prelude::*;

use crate::schema::attachments;
use crate::{utc, DbConnection, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = attachments)]
struct AttachmentRow {
    id: i64,
    tenant_id: i64,
    ticket_id: i64,
    note_id: Option<i64>,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    storage_key: String,
    uploaded_by: i64,
    created_at: NaiveDateTime,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Self {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            ticket_id: r.ticket_id,
            note_id: r.note_id,
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
pub fn insert(conn: &mut DbConnection, a: &Attachment) -> Result<Attachment> {
    let id: i64 = diesel::insert_into(attachments::table)
        .values((
            attachments::tenant_id.eq(a.tenant_id.0),
            attachments::ticket_id.eq(a.ticket_id),
            attachments::note_id.eq(a.note_id),
            attachments::file_name.eq(&a.file_name),
            attachments::content_type.eq(&a.content_type),
            attachments::size_bytes.eq(a.size_bytes),
            attachments::sha256.eq(&a.sha256),
            attachments::storage_key.eq(&a.storage_key),
            attachments::uploaded_by.eq(a.uploaded_by.0),
            attachments::created_at.eq(a.created_at.naive_utc()),
        ))
        .returning(attachments::id)
        .get_result(conn)?;
    Ok(Attachment { id, ..a.clone() })
}

/// An attachment of `tenant`; another tenant's is `NotFound`.
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Attachment> {
    Ok(attachments::table
        .filter(attachments::id.eq(id))
        .filter(attachments::tenant_id.eq(tenant.0))
        .select(AttachmentRow::as_select())
        .first::<AttachmentRow>(conn)?
        .into())
}

/// The attachments of a ticket, oldest first.
pub fn of_ticket(conn: &mut DbConnection, ticket: i64) -> Result<Vec<Attachment>> {
    let rows: Vec<AttachmentRow> = attachments::table
        .filter(attachments::ticket_id.eq(ticket))
        .order(attachments::id)
        .select(AttachmentRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

/// The bytes already attached to a ticket.
pub fn total_bytes(conn: &mut DbConnection, ticket: i64) -> Result<i64> {
    let sizes: Vec<i64> =
        attachments::table.filter(attachments::ticket_id.eq(ticket)).select(attachments::size_bytes).load(conn)?;
    Ok(sizes.iter().sum())
}
