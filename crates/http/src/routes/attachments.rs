//! Ticket attachments: upload (multipart), list and download. Every call is authorised exactly
//! like the ticket: who may read the ticket may list and download its attachments (customers
//! never those of internal notes), who may change it may upload.

use actix_multipart::{Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::storage::Storage;
use clientdesk_app::ticket_notices::{self, Happened};

use clientdesk_app::events::{self, Event};
use clientdesk_domain::attachments::{accepted_types, check_content, clean_file_name, room_left, Attachment};
use clientdesk_domain::tickets::Change;
use clientdesk_domain::webhook_payloads::TicketAttachmentAddedData;
use clientdesk_persistence::attachments;
use clientdesk_persistence::tickets as store;
use clientdesk_persistence::write_tx;
use futures_util::TryStreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::routes::tickets::access::{self, TicketAccess};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(upload_attachments).service(list_attachments).service(download_attachment);
}

/// At most this many files in one upload.
const MAX_FILES: usize = 10;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "ticket_id": 42, "file_name": "screenshot.png", "content_type": "image/png",
    "size_bytes": 48213, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "created_at": "2026-11-23T09:20:00Z"}))]
pub struct AttachmentView {
    pub id: i64,
    pub ticket_id: i64,
    /// The note the file belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        Self {
            id: a.id,
            ticket_id: a.ticket_id,
            note_id: a.note_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

/// A file's bytes.
// For the OpenAPI document: the handler streams the file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct Binary(Vec<u8>);

/// An upload: one to ten files, and optionally the note they belong to.
// Describes the multipart form for the OpenAPI document; the handler reads the parts itself.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadForm {
    /// One to ten files (repeat the part).
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1, max_items = 10)]
    file: Vec<Vec<u8>>,
    /// Attach the files to this note of the ticket.
    note_id: Option<i64>,
}

fn multipart_error(err: MultipartError) -> ApiError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => {
            ApiError::UnsupportedMediaType("Send the files as multipart/form-data.".into())
        }
        other => ApiError::BadRequest(format!("The multipart body cannot be read: {other}").into()),
    }
}

/// A file written to storage, not yet recorded.
pub(crate) struct Stored {
    pub(crate) file_name: String,
    pub(crate) content_type: String,
    pub(crate) size: i64,
    pub(crate) sha256: String,
    pub(crate) key: String,
}

/// What an upload may take: per file, and in all (what is left of the ticket's total).
pub(crate) struct Room {
    pub(crate) per_file: usize,
    pub(crate) left: i64,
}

/// Reads the form and streams each file to storage as it arrives, holding only a part in memory.
/// A file over the per-file limit, or files over what is left of the ticket's total, are refused
/// as soon as the bytes past the limit arrive. On an error the files already stored are returned
/// with it, for the caller to remove.
pub(crate) async fn stream_form(
    mut form: Multipart,
    storage: &Storage,
    key_prefix: &str,
    room: &Room,
    files: &mut Vec<Stored>,
) -> ApiResult<Option<i64>> {
    let mut note_id = None;
    let mut received: i64 = 0;
    while let Some(mut field) = form.try_next().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                if files.len() == MAX_FILES {
                    return Err(ApiError::invalid("file", format!("at most {MAX_FILES} files per upload")));
                }
                let file_name =
                    clean_file_name(field.content_disposition().and_then(|d| d.get_filename()).unwrap_or(""));
                let declared = field.content_type().map(|m| m.to_string()).unwrap_or_default();
                // The type is checked against the first bytes before anything is written.
                let mut head = Vec::with_capacity(HEAD_BYTES);
                let (mut rest, mut ended) = (None, false);
                while head.len() < HEAD_BYTES {
                    let Some(chunk) = field.try_next().await.map_err(multipart_error)? else {
                        // A field is not to be polled again once it has ended.
                        ended = true;
                        break;
                    };
                    let take = (HEAD_BYTES - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                    if take < chunk.len() {
                        rest = Some(chunk.slice(take..));
                    }
                }
                if head.is_empty() {
                    return Err(ApiError::invalid("file", format!("{file_name} is empty")));
                }
                let content_type = check_content(&declared, &head)?;
                let key = format!("{key_prefix}/{}", uuid::Uuid::new_v4());
                let mut writer = storage.writer(&key).await?;
                let mut hasher = Sha256::new();
                let mut size = 0usize;
                let mut next = Some(actix_web::web::Bytes::from(head));
                let written: ApiResult<()> = async {
                    loop {
                        let chunk = match next.take().or_else(|| rest.take()) {
                            Some(chunk) => chunk,
                            None if ended => return Ok(()),
                            None => match field.try_next().await.map_err(multipart_error)? {
                                Some(chunk) => chunk,
                                None => return Ok(()),
                            },
                        };
                        size += chunk.len();
                        received += chunk.len() as i64;
                        if size > room.per_file {
                            return Err(ApiError::PayloadTooLarge(
                                format!("{file_name} is larger than the limit of {} bytes per file.", room.per_file)
                                    .into(),
                            ));
                        }
                        if received > room.left {
                            return Err(too_much_for_ticket());
                        }
                        hasher.update(&chunk);
                        writer.write(&chunk);
                        // At most two parts in flight: memory stays bounded whatever the file.
                        writer.wait_for_capacity(2).await.map_err(storage_error)?;
                    }
                }
                .await;
                if let Err(err) = written {
                    if let Err(e) = writer.abort().await {
                        tracing::warn!(%key, error = %e, "could not abort a refused attachment");
                    }
                    return Err(err);
                }
                writer.finish().await.map_err(storage_error)?;
                files.push(Stored {
                    file_name,
                    content_type,
                    size: size as i64,
                    sha256: hex::encode(hasher.finalize()),
                    key,
                });
            }
            Some("note_id") => {
                let mut text = Vec::new();
                while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
                    text.extend_from_slice(&chunk);
                    if text.len() > 20 {
                        return Err(ApiError::invalid("note_id", "must be a note id"));
                    }
                }
                let id = std::str::from_utf8(&text).ok().and_then(|t| t.trim().parse().ok());
                note_id = Some(id.ok_or_else(|| ApiError::invalid("note_id", "must be a note id"))?);
            }
            other => {
                return Err(ApiError::invalid(
                    other.unwrap_or("form"),
                    "unknown part; send `file` parts and an optional `note_id`",
                ))
            }
        }
    }
    if files.is_empty() {
        return Err(ApiError::invalid(
            "file",
            format!("send at least one `file` part, of type {}", accepted_types().join(", ")),
        ));
    }
    Ok(note_id)
}

/// How many first bytes of a file its type is checked against.
const HEAD_BYTES: usize = 16;

/// What a multipart body may carry besides the files themselves (boundaries, part headers, a
/// note id), when its declared length is compared with the room left.
pub(crate) const FORM_OVERHEAD: i64 = 16 * 1024;

fn too_much_for_ticket() -> ApiError {
    ApiError::PayloadTooLarge("The ticket's attachments would exceed their total limit.".into())
}

fn storage_error(err: object_store::Error) -> ApiError {
    clientdesk_app::storage::StorageError(err).into()
}

/// Every upload slot is taken: try again in a moment.
pub(crate) fn uploads_busy() -> HttpResponse {
    let problem = ApiError::Unavailable(String::new()).problem();
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, "1"))
        .content_type("application/problem+json")
        .json_body(Problem { detail: "Too many uploads are in progress. Try again in a moment.".into(), ..problem })
}

pub(crate) async fn remove(storage: &Storage, files: &[Stored]) {
    for file in files {
        if let Err(e) = storage.delete(&file.key).await {
            tracing::warn!(key = %file.key, error = %e, "could not remove an orphaned attachment");
        }
    }
}

/// The caller may change the ticket and, if it names a note, the note is one of the ticket's that
/// it sees; returns whether that note is internal.
fn check_upload(
    access: &TicketAccess,
    conn: &mut clientdesk_persistence::DbConnection,
    note: Option<i64>,
) -> ApiResult<bool> {
    access.require_update()?;
    let Some(note) = note else { return Ok(false) };
    let internal = store::note_is_internal(conn, access.ticket.id, note)
        .map_err(|_| ApiError::invalid("note_id", "is not a note of this ticket"))?;
    if internal && !access.viewer.is_staff() {
        return Err(ApiError::invalid("note_id", "is not a note of this ticket"));
    }
    Ok(internal)
}

/// Attach files to a ticket (multipart/form-data: `file` parts and an optional `note_id`).
///
/// Accepted types: PNG, JPEG, GIF, WebP, PDF, zip and Office documents (checked against the
/// file's first bytes), plain text, CSV, JSON and e-mail messages. A file over the per-file limit
/// or an upload taking the ticket over its total limit answers 413, before anything is stored
/// when the body's length says so, else as soon as the bytes past the limit arrive. Files are
/// streamed to storage. Customers upload to tickets they may change.
#[utoipa::path(tag = "tickets", operation_id = "uploadTicketAttachments", security(("bearer" = [])),
    params(("ticket_id" = i64, Path)),
    request_body(content((UploadForm = "multipart/form-data",
        encoding(("file" = (content_type = "application/octet-stream")), ("note_id" = (content_type = "text/plain")))))),
    responses(
        (status = 201, description = "The stored attachments", body = Vec<AttachmentView>),
        (status = 400, description = "A malformed multipart body", body = Problem),
        (status = 403, description = "You may read this ticket but not change it", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 409, description = "The ticket is billed", body = Problem),
        (status = 413, description = "A file or the ticket's attachments exceed the limit", body = Problem),
        (status = 415, description = "Not multipart/form-data", body = Problem),
        (status = 503, description = "Too many uploads in progress; see Retry-After", body = Problem),
        (status = 422, description = "No file, an empty file, a type not accepted or contents not matching it", body = Problem)))]
#[post("/api/v1/tickets/{ticket_id}/attachments")]
pub async fn upload_attachments(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    // A bounded number of uploads at once per process: each holds a connection's worth of body.
    let Ok(_slot) = state.uploads.clone().try_acquire_owned() else { return Ok(uploads_busy()) };
    let limits = state.settings.clone();
    // Refuse before reading a possibly large body: who may not change the ticket, and a body
    // that declares more than the ticket has room for.
    let ticket_auth = auth.clone();
    let stored_bytes = state
        .run(move |conn| {
            let access = access::load(conn, &ticket_auth, id)?;
            access.require_update()?;
            Ok(attachments::total_bytes(conn, id)?)
        })
        .await?;
    let room = Room {
        per_file: limits.attachment_max_bytes,
        left: room_left(stored_bytes, limits.ticket_attachments_max_bytes),
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    if declared.is_some_and(|length| length > room.left.saturating_add(FORM_OVERHEAD)) {
        return Err(too_much_for_ticket());
    }
    let prefix = format!("tenant-{}/ticket-{id}", auth.tenant.id.0);
    let mut files = Vec::new();
    let form = Multipart::new(req.headers(), payload);
    let note_id = match stream_form(form, &state.storage, &prefix, &room, &mut files).await {
        Ok(note_id) => note_id,
        Err(err) => {
            remove(&state.storage, &files).await;
            return Err(err);
        }
    };
    let recorded: Vec<(String, String, i64, String, String)> = files
        .iter()
        .map(|f| (f.file_name.clone(), f.content_type.clone(), f.size, f.sha256.clone(), f.key.clone()))
        .collect();
    let saved = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let access = access::load(conn, &auth, id)?;
                let internal = check_upload(&access, conn, note_id)?;
                // Checked again as it is recorded: parallel uploads may have taken the room.
                let added: i64 = recorded.iter().map(|f| f.2).sum();
                if attachments::total_bytes(conn, id)? + added > limits.ticket_attachments_max_bytes {
                    return Err(too_much_for_ticket());
                }
                let now = store::ticket_time(Utc::now());
                let mut saved = Vec::new();
                for (file_name, content_type, size_bytes, sha256, storage_key) in recorded {
                    let attachment = attachments::insert(
                        conn,
                        &Attachment {
                            id: 0,
                            tenant_id: auth.tenant.id,
                            ticket_id: id,
                            note_id,
                            sha256,
                            size_bytes,
                            file_name,
                            content_type,
                            storage_key,
                            uploaded_by: auth.principal.user_id,
                            created_at: now,
                        },
                    )?;
                    let change = Change {
                        kind: "attachment",
                        field: None,
                        old_value: None,
                        new_value: Some(attachment.file_name.clone()),
                        internal,
                    };
                    store::record_events(conn, &access.ticket, Some(auth.principal.user_id), &[change], now)?;
                    if !internal {
                        let happened = Happened::Attachment { file_name: &attachment.file_name };
                        let (tenant, ticket) = (&auth.tenant, &access.ticket);
                        ticket_notices::ticket_event(conn, tenant, &limits.links, ticket, &auth.user, happened, now)?;
                    }
                    events::emit(
                        conn,
                        auth.tenant.id,
                        Event::AttachmentAdded(attachment_added(&attachment, &access.ticket, internal)),
                    )?;
                    saved.push(AttachmentView::from(attachment));
                }
                store::touch(conn, id, now)?;
                Ok(saved)
            })
        })
        .await;
    match saved {
        Ok(saved) => Ok(HttpResponse::Created().json_body(saved)),
        Err(err) => {
            // Nothing refers to the stored objects: remove them again.
            remove(&state.storage, &files).await;
            Err(err)
        }
    }
}

/// List a ticket's attachments (customers: not those of internal notes), all in one page.
#[utoipa::path(tag = "tickets", operation_id = "listTicketAttachments", security(("bearer" = [])),
    params(("ticket_id" = i64, Path)),
    responses(
        (status = 200, description = "The attachments, oldest first", body = Paged<AttachmentView>),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem)))]
#[get("/api/v1/tickets/{ticket_id}/attachments")]
pub async fn list_attachments(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let list = state
        .run(move |conn| {
            let access = access::load(conn, &auth, id)?;
            let mut list = attachments::of_ticket(conn, id)?;
            if !access.viewer.is_staff() {
                let internal = store::internal_note_ids(conn, id)?;
                list.retain(|a| a.note_id.is_none_or(|n| !internal.contains(&n)));
            }
            Ok(list.into_iter().map(AttachmentView::from).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list)))
}

/// Download an attachment, authorised like its ticket.
#[utoipa::path(tag = "tickets", operation_id = "downloadAttachment", security(("bearer" = [])),
    params(("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the content type it was stored with and \
            `Content-Disposition: attachment` naming it", content_type = "application/octet-stream", body = Binary),
        (status = 404, description = "No such attachment, or its ticket is not visible to you", body = Problem)))]
#[get("/api/v1/attachments/{attachment_id}")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let attachment = state
        .run(move |conn| {
            let attachment = attachments::get(conn, auth.tenant.id, id)?;
            let access = access::load(conn, &auth, attachment.ticket_id)?;
            if let (Some(note), false) = (attachment.note_id, access.viewer.is_staff()) {
                if store::note_is_internal(conn, attachment.ticket_id, note)? {
                    return Err(ApiError::NotFound);
                }
            }
            Ok(attachment)
        })
        .await?;
    send_file(&state.storage, &attachment.storage_key, attachment.file_name, attachment.content_type).await
}

/// What `ticket.attachment_added` tells integrators of an attachment.
fn attachment_added(
    a: &Attachment,
    ticket: &clientdesk_domain::tickets::Ticket,
    internal: bool,
) -> TicketAttachmentAddedData {
    TicketAttachmentAddedData {
        ticket_id: a.ticket_id,
        company_id: ticket.company_id.0,
        attachment_id: a.id,
        note_id: a.note_id,
        internal,
        file_name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
    }
}

/// A stored file as every download answers it (tickets', articles' and documents'): its stored
/// type, named, never sniffed or kept.
pub(crate) async fn send_file(
    storage: &Storage,
    storage_key: &str,
    file_name: String,
    content_type: String,
) -> ApiResult<HttpResponse> {
    let contents = storage.get(storage_key).await?;
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![header::DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: file_name.into_bytes(),
        })],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header(disposition)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(contents))
}
