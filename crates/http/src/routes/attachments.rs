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
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::tickets::Change;
use clientdesk_domain::webhook_payloads::TicketAttachmentAddedData;
use clientdesk_persistence::attachments;
use clientdesk_persistence::owned_files::OwnedFile;
use clientdesk_persistence::tickets as store;
use clientdesk_persistence::{write_tx, DbConnection};
use futures_util::TryStreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::routes::tickets::access::{self, TicketAccess};
use crate::state::{AppState, HttpSettings};

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
            ApiError::UnsupportedMediaType(Message::new("upload-media-type").into())
        }
        other => ApiError::BadRequest(Message::new("upload-unreadable").arg("reason", other.to_string()).into()),
    }
}

/// A file written to storage, not yet recorded.
#[derive(Clone)]
pub(crate) struct Stored {
    pub(crate) file_name: String,
    pub(crate) content_type: String,
    pub(crate) size: i64,
    pub(crate) sha256: String,
    pub(crate) key: String,
}

impl Stored {
    /// The record of the file attached to `owner` (an article, a document) by `by`, not yet
    /// inserted (id 0).
    pub(crate) fn owned_by(self, tenant: TenantId, owner: i64, by: UserId, at: DateTime<Utc>) -> OwnedFile {
        OwnedFile {
            id: 0,
            tenant_id: tenant,
            owner_id: owner,
            file_name: self.file_name,
            content_type: self.content_type,
            size_bytes: self.size,
            sha256: self.sha256,
            storage_key: self.key,
            uploaded_by: by,
            created_at: at,
        }
    }
}

/// What an upload may take: per file, and in all (what is left of the ticket's total).
pub(crate) struct Room {
    pub(crate) per_file: usize,
    pub(crate) left: i64,
}

impl Room {
    /// The room of a ticket, an article or a project that holds `stored` bytes already: the
    /// tickets' limits serve them all.
    pub(crate) fn after(stored: i64, settings: &HttpSettings) -> Self {
        Self { per_file: settings.attachment_max_bytes, left: room_left(stored, settings.ticket_attachments_max_bytes) }
    }
}

/// Receives an upload into `room`: refuses a body that declares more (413, before reading it),
/// then streams the form's files to storage under `key_prefix`. On any refusal the files already
/// stored are removed. Returns them, and the note the form names if any.
pub(crate) async fn receive(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    key_prefix: &str,
    room: &Room,
    too_much: fn() -> ApiError,
) -> ApiResult<(Vec<Stored>, Option<i64>)> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    if declared.is_some_and(|length| length > room.left.saturating_add(FORM_OVERHEAD)) {
        return Err(too_much());
    }
    let mut files = Vec::new();
    let form = Multipart::new(req.headers(), payload);
    match stream_form(form, &state.storage, key_prefix, room, &mut files, too_much).await {
        Ok(note_id) => Ok((files, note_id)),
        Err(err) => {
            remove(state, &files).await;
            Err(err)
        }
    }
}

/// [`receive`] for what has no notes (articles, projects): a `note_id` part is refused (422).
pub(crate) async fn receive_without_note(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    key_prefix: &str,
    room: &Room,
    too_much: fn() -> ApiError,
) -> ApiResult<Vec<Stored>> {
    match receive(state, req, payload, key_prefix, room, too_much).await? {
        (files, None) => Ok(files),
        (files, Some(_)) => {
            remove(state, &files).await;
            Err(ApiError::invalid("note_id", Message::new("upload-no-note")))
        }
    }
}

/// An upload to what has no notes (an article, a project) whose attachments hold `stored_bytes`
/// already: receives it into the room left, then has `record` record the files in one write
/// transaction (see [`check_total`]); if anything is refused, the stored objects are removed
/// again. Answers 201 with what `record` returns.
pub(crate) async fn store_and_record<T: Serialize + Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    key_prefix: &str,
    stored_bytes: i64,
    too_much: fn() -> ApiError,
    record: impl FnOnce(&mut DbConnection, Vec<Stored>) -> ApiResult<T> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let room = Room::after(stored_bytes, &state.settings);
    let files = receive_without_note(state, req, payload, key_prefix, &room, too_much).await?;
    let recorded = files.clone();
    match state.run(move |conn| write_tx(conn, |conn| record(conn, recorded))).await {
        Ok(saved) => Ok(HttpResponse::Created().json_body(saved)),
        Err(err) => {
            // Nothing refers to the stored objects: remove them again.
            remove(state, &files).await;
            Err(err)
        }
    }
}

/// Checked again as an upload is recorded, since parallel uploads may have taken the room: the
/// bytes stored now and those of `files` within `limit`.
pub(crate) fn check_total(stored_now: i64, files: &[Stored], limit: i64, too_much: fn() -> ApiError) -> ApiResult<()> {
    let added: i64 = files.iter().map(|f| f.size).sum();
    if stored_now + added > limit {
        return Err(too_much());
    }
    Ok(())
}

/// A stored file, as every attachment is sent: its stored type, named, never sniffed or cached.
pub(crate) async fn file_answer(
    state: &AppState,
    storage_key: &str,
    file_name: String,
    content_type: String,
) -> ApiResult<HttpResponse> {
    let contents = state.storage.get(storage_key).await?;
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

/// Removes stored objects no row refers to any more (after the transaction that dropped them):
/// invoice PDFs, and
/// the files of deleted articles, documents and projects. A failure is only logged: the object is
/// then an orphan no request reaches.
pub(crate) async fn remove_objects(state: &AppState, keys: &[String]) {
    for key in keys {
        if let Err(e) = state.storage.delete(key).await {
            tracing::warn!(%key, error = %e, "could not remove a stored file no record refers to");
        }
    }
}

/// Reads the form and streams each file to storage as it arrives, holding only a part in memory.
/// A file over the per-file limit, or files over what is left of the total (`too_much`), are
/// refused as soon as the bytes past the limit arrive. On an error the files already stored are
/// left in `files`, for the caller to remove.
async fn stream_form(
    mut form: Multipart,
    storage: &Storage,
    key_prefix: &str,
    room: &Room,
    files: &mut Vec<Stored>,
    too_much: fn() -> ApiError,
) -> ApiResult<Option<i64>> {
    let mut note_id = None;
    let mut received: i64 = 0;
    while let Some(mut field) = form.try_next().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                if files.len() == MAX_FILES {
                    return Err(ApiError::invalid("file", Message::new("upload-too-many-files").arg("max", MAX_FILES)));
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
                    return Err(ApiError::invalid("file", Message::new("upload-file-empty").arg("file", file_name)));
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
                                Message::new("upload-file-too-large")
                                    .arg("file", file_name.clone())
                                    .arg("limit", room.per_file)
                                    .into(),
                            ));
                        }
                        if received > room.left {
                            return Err(too_much());
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
                        return Err(ApiError::invalid("note_id", Message::new("upload-note-id")));
                    }
                }
                let id = std::str::from_utf8(&text).ok().and_then(|t| t.trim().parse().ok());
                note_id = Some(id.ok_or_else(|| ApiError::invalid("note_id", Message::new("upload-note-id")))?);
            }
            other => return Err(ApiError::invalid(other.unwrap_or("form"), Message::new("upload-unknown-part"))),
        }
    }
    if files.is_empty() {
        return Err(ApiError::invalid(
            "file",
            Message::new("upload-no-file").arg("accepted", accepted_types().join(", ")),
        ));
    }
    Ok(note_id)
}

/// How many first bytes of a file its type is checked against.
const HEAD_BYTES: usize = 16;

/// What a multipart body may carry besides the files themselves (boundaries, part headers, a
/// note id), when its declared length is compared with the room left.
const FORM_OVERHEAD: i64 = 16 * 1024;

fn too_much_for_ticket() -> ApiError {
    ApiError::PayloadTooLarge(Message::new("upload-ticket-limit").into())
}

fn storage_error(err: object_store::Error) -> ApiError {
    clientdesk_app::storage::StorageError(err).into()
}

/// Every upload slot is taken: try again in a moment.
pub(crate) fn uploads_busy() -> ApiError {
    ApiError::Busy(Message::new("problem-uploads-busy-detail").into())
}

/// Removes the stored objects of files that will not be recorded (a refused or failed upload).
async fn remove(state: &AppState, files: &[Stored]) {
    let keys: Vec<String> = files.iter().map(|f| f.key.clone()).collect();
    remove_objects(state, &keys).await;
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
        .map_err(|_| ApiError::invalid("note_id", Message::new("upload-note-not-of-ticket")))?;
    if internal && !access.viewer.is_staff() {
        return Err(ApiError::invalid("note_id", Message::new("upload-note-not-of-ticket")));
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
    let Ok(_slot) = state.uploads.clone().try_acquire_owned() else { return Err(uploads_busy()) };
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
    let room = Room::after(stored_bytes, &limits);
    let prefix = format!("tenant-{}/ticket-{id}", auth.tenant.id.0);
    let (files, note_id) = receive(&state, &req, payload, &prefix, &room, too_much_for_ticket).await?;
    let recorded = files.clone();
    let saved = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let access = access::load(conn, &auth, id)?;
                let internal = check_upload(&access, conn, note_id)?;
                let limit = limits.ticket_attachments_max_bytes;
                check_total(attachments::total_bytes(conn, id)?, &recorded, limit, too_much_for_ticket)?;
                let now = store::ticket_time(Utc::now());
                let mut saved = Vec::new();
                for file in recorded {
                    let attachment = attachments::insert(
                        conn,
                        &Attachment {
                            id: 0,
                            tenant_id: auth.tenant.id,
                            ticket_id: id,
                            note_id,
                            sha256: file.sha256,
                            size_bytes: file.size,
                            file_name: file.file_name,
                            content_type: file.content_type,
                            storage_key: file.key,
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
            remove(&state, &files).await;
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
    file_answer(&state, &attachment.storage_key, attachment.file_name, attachment.content_type).await
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
