//! Files attached to a knowledge-base article or a vault document: the upload and the download,
//! with the tickets' attachment storage, accepted types and limits (per file, and in all per
//! article or document). Who may upload and download is the owner's route's business; a
//! download is sent as the tickets' are (`attachments::send_file`).

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::storage::Storage;
use clientdesk_domain::attachments::room_left;
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_persistence::owned_files::OwnedFile;
use clientdesk_persistence::Conn;
use serde::Serialize;

use crate::errors::{ApiError, ApiResult};
use crate::respond::JsonBody;
pub(crate) use crate::routes::attachments::send_file as download;
use crate::routes::attachments::{remove, stream_form, Room, FORM_OVERHEAD};
use crate::state::AppState;

/// An upload to one article or document.
pub(crate) struct Upload {
    pub(crate) tenant: TenantId,
    pub(crate) owner: i64,
    pub(crate) by: UserId,
    /// Where the contents go: `tenant-<id>/<owner kind>-<id>`.
    pub(crate) prefix: String,
    /// What the owner's files take already.
    pub(crate) stored_bytes: i64,
    /// The 413 of an upload that would take the owner over its total.
    pub(crate) too_much: fn() -> ApiError,
}

impl Upload {
    /// Whether files of `added` bytes still fit beside `stored` (checked again as they are
    /// recorded: parallel uploads may have taken the room).
    pub(crate) fn check_room(&self, total: i64, stored: i64, files: &[OwnedFile]) -> ApiResult<()> {
        let added: i64 = files.iter().map(|f| f.size_bytes).sum();
        if stored + added > total {
            return Err((self.too_much)());
        }
        Ok(())
    }
}

/// Receives the files of a multipart body (`file` parts) into storage, refusing a body that
/// declares more than the owner has room for before reading it, then records them with `record`
/// in one call to the database, which gets them unrecorded (id 0) and answers what the upload
/// answers (201). On any error the stored contents are removed again.
pub(crate) async fn upload<V, R>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    payload: web::Payload,
    upload: Upload,
    record: R,
) -> ApiResult<HttpResponse>
where
    V: Serialize + Send + 'static,
    R: FnOnce(&mut Conn, &Upload, Vec<OwnedFile>) -> ApiResult<Vec<V>> + Send + 'static,
{
    let limits = &state.settings;
    let room = Room {
        per_file: limits.attachment_max_bytes,
        left: room_left(upload.stored_bytes, limits.ticket_attachments_max_bytes),
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    if declared.is_some_and(|length| length > room.left.saturating_add(FORM_OVERHEAD)) {
        return Err((upload.too_much)());
    }
    let mut files = Vec::new();
    let form = Multipart::new(req.headers(), payload);
    let streamed = match stream_form(form, &state.storage, &upload.prefix, &room, &mut files).await {
        Ok(None) => Ok(()),
        Ok(Some(_)) => Err(ApiError::invalid("note_id", "these attachments belong to no note")),
        Err(err) => Err(err),
    };
    if let Err(err) = streamed {
        remove(&state.storage, &files).await;
        return Err(err);
    }
    let now = Utc::now();
    let unrecorded: Vec<OwnedFile> = files
        .iter()
        .map(|f| OwnedFile {
            id: 0,
            tenant_id: upload.tenant,
            owner_id: upload.owner,
            file_name: f.file_name.clone(),
            content_type: f.content_type.clone(),
            size_bytes: f.size,
            sha256: f.sha256.clone(),
            storage_key: f.key.clone(),
            uploaded_by: upload.by,
            created_at: now,
        })
        .collect();
    let saved = state.run(move |conn| record(conn, &upload, unrecorded)).await;
    match saved {
        Ok(saved) => Ok(HttpResponse::Created().json_body(saved)),
        Err(err) => {
            remove(&state.storage, &files).await;
            Err(err)
        }
    }
}

/// Removes deleted files' contents once their records are gone; a failure is only logged (the
/// contents are then orphans, never reachable).
pub(crate) async fn remove_contents(storage: &Storage, keys: &[String]) {
    for key in keys {
        if let Err(e) = storage.delete(key).await {
            tracing::warn!(%key, error = %e, "could not remove a deleted attachment's contents");
        }
    }
}
