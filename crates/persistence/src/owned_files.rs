//! Files attached to a row of another table — a knowledge-base article, a vault document — each
//! kind in a table of its own with the same columns, the row named by an owner column. The
//! records only: the contents live in the attachment storage under `storage_key`, as the
//! tickets' attachments do. Who may read them is the owner's business; these functions only keep
//! a file to its tenant and owner.

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::{TenantId, UserId};

#[derive(Debug, Clone)]
pub struct OwnedFile {
    pub id: i64,
    pub tenant_id: TenantId,
    /// The article or document the file is attached to.
    pub owner_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// The queries of one table of files: `owned_files!(table, owner column, owner id type)` in a
/// module of its own defines there `insert_file`, `files_of`, `file`, `delete_file` and
/// `file_bytes`.
macro_rules! owned_files {
    ($table:ident, $owner:ident, $id:ty) => {
        use diesel::prelude::*;

        use crate::owned_files::OwnedFile;
        use crate::schema::$table as files;

        #[derive(Queryable, Selectable)]
        #[diesel(table_name = files)]
        struct Row {
            id: i64,
            tenant_id: i64,
            $owner: i64,
            file_name: String,
            content_type: String,
            size_bytes: i64,
            sha256: String,
            storage_key: String,
            uploaded_by: i64,
            created_at: chrono::NaiveDateTime,
        }

        impl From<Row> for OwnedFile {
            fn from(r: Row) -> Self {
                Self {
                    id: r.id,
                    tenant_id: clientdesk_domain::ids::TenantId(r.tenant_id),
                    owner_id: r.$owner,
                    file_name: r.file_name,
                    content_type: r.content_type,
                    size_bytes: r.size_bytes,
                    sha256: r.sha256,
                    storage_key: r.storage_key,
                    uploaded_by: clientdesk_domain::ids::UserId(r.uploaded_by),
                    created_at: crate::utc(r.created_at),
                }
            }
        }

        /// Records a file (its `id` is ignored); returns it with its id.
        pub fn insert_file(conn: &mut crate::DbConnection, a: &OwnedFile) -> crate::Result<OwnedFile> {
            let id: i64 = diesel::insert_into(files::table)
                .values((
                    files::tenant_id.eq(a.tenant_id.0),
                    files::$owner.eq(a.owner_id),
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
            Ok(OwnedFile { id, ..a.clone() })
        }

        /// The files of an owner, oldest first.
        pub fn files_of(
            conn: &mut crate::DbConnection,
            tenant: clientdesk_domain::ids::TenantId,
            owner: $id,
        ) -> crate::Result<Vec<OwnedFile>> {
            let rows: Vec<Row> = files::table
                .filter(files::$owner.eq(owner.0))
                .filter(files::tenant_id.eq(tenant.0))
                .order(files::id)
                .select(Row::as_select())
                .load(conn)?;
            Ok(rows.into_iter().map(OwnedFile::from).collect())
        }

        /// One file of the owner; any other is `NotFound`.
        pub fn file(
            conn: &mut crate::DbConnection,
            tenant: clientdesk_domain::ids::TenantId,
            owner: $id,
            id: i64,
        ) -> crate::Result<OwnedFile> {
            Ok(files::table
                .filter(files::id.eq(id))
                .filter(files::$owner.eq(owner.0))
                .filter(files::tenant_id.eq(tenant.0))
                .select(Row::as_select())
                .first::<Row>(conn)?
                .into())
        }

        /// Removes a file's record; returns it, for its contents to be removed after the commit.
        pub fn delete_file(
            conn: &mut crate::DbConnection,
            tenant: clientdesk_domain::ids::TenantId,
            owner: $id,
            id: i64,
        ) -> crate::Result<OwnedFile> {
            let found = file(conn, tenant, owner, id)?;
            let n = diesel::delete(files::table.filter(files::id.eq(found.id))).execute(conn)?;
            if n == 0 {
                return Err(crate::Error::NotFound);
            }
            Ok(found)
        }

        /// The bytes already attached to an owner.
        pub fn file_bytes(conn: &mut crate::DbConnection, owner: $id) -> crate::Result<i64> {
            let sizes: Vec<i64> =
                files::table.filter(files::$owner.eq(owner.0)).select(files::size_bytes).load(conn)?;
            Ok(sizes.iter().sum())
        }
    };
}
pub(crate) use owned_files;
