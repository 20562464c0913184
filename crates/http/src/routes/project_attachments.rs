//! Files attached to projects, with the tickets' attachment rules (accepted types checked against
//! the contents, per-file and total limits, streamed storage): whoever reads the project (staff,
//! its company's members as the project scopes go) lists, downloads and adds files; staff remove
//! them. Anyone else gets 404, as for the project. The PSA finds each new file in
//! `GET /api/v1/psa/changes` and fetches it with its sync credential.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::projects::{self as rules, ProjectAttachment};
use clientdesk_persistence::{projects as store, write_tx};
use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::origin;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::routes::attachments::{check_total, file_answer, remove_objects, store_and_record, uploads_busy, Binary};
use crate::routes::projects::readable;
use crate::routes::psa::{sync_credential, sync_tenant};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(upload_project_attachments)
        .service(list_project_attachments)
        .service(download_project_attachment)
        .service(delete_project_attachment)
        .service(psa_download_project_attachment);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 5, "project_id": 8, "file_name": "floor-plan.pdf", "content_type": "application/pdf",
    "size_bytes": 48213, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "created_at": "2026-12-07T09:20:00Z"}))]
pub struct ProjectAttachmentView {
    pub id: i64,
    pub project_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<ProjectAttachment> for ProjectAttachmentView {
    fn from(a: ProjectAttachment) -> Self {
        Self {
            id: a.id,
            project_id: a.project_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

/// An upload to a project: one to ten files.
// Describes the multipart form for the OpenAPI document; the handler reads the parts itself.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ProjectUploadForm {
    /// One to ten files (repeat the part).
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1, max_items = 10)]
    file: Vec<Vec<u8>>,
}

fn too_much_for_project() -> ApiError {
    ApiError::PayloadTooLarge(Message::new("upload-project-limit").into())
}

/// Attach files to a project (multipart/form-data, `file` parts): staff, and the customers who
/// read the project. The PSA finds them in `GET /api/v1/psa/changes`.
///
/// Accepted types and limits are those of ticket attachments: PNG, JPEG, GIF, WebP, PDF, zip and
/// Office documents (checked against the file's first bytes), plain text, CSV, JSON and e-mail
/// messages; a file over the per-file limit, or an upload taking the project over the total
/// limit, answers 413 and stores nothing.
#[utoipa::path(tag = "projects", operation_id = "uploadProjectAttachments", security(("bearer" = [])),
    params(("project_id" = i64, Path)),
    request_body(content((ProjectUploadForm = "multipart/form-data",
        encoding(("file" = (content_type = "application/octet-stream")))))),
    responses(
        (status = 201, description = "The stored attachments", body = Vec<ProjectAttachmentView>),
        (status = 400, description = "A malformed multipart body", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "A read-only token", body = Problem),
        (status = 404, description = "No such project, or not one you see", body = Problem),
        (status = 413, description = "A file or the project's attachments exceed the limit", body = Problem),
        (status = 415, description = "Not multipart/form-data", body = Problem),
        (status = 422, description = "No file, an empty file, a type not accepted or contents not matching it", body = Problem),
        (status = 503, description = "Too many uploads in progress; see Retry-After", body = Problem)))]
#[post("/api/v1/projects/{project_id}/attachments")]
pub async fn upload_project_attachments(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let Ok(_slot) = state.uploads.clone().try_acquire_owned() else { return Err(uploads_busy()) };
    let limit = state.settings.ticket_attachments_max_bytes;
    // Refuse before reading a possibly large body: who may not read the project, a read-only
    // token, and a body that declares more than the project has room for.
    let reader = auth.clone();
    let stored_bytes = state
        .run(move |conn| {
            readable(conn, &reader, id)?;
            rules::may_attach(&reader.principal)?;
            Ok(store::attached_bytes(conn, id)?)
        })
        .await?;
    let prefix = format!("tenant-{}/project-{id}", auth.tenant.id.0);
    let client = origin::of(&req);
    store_and_record(&state, &req, payload, &prefix, stored_bytes, too_much_for_project, move |conn, files| {
        let (project, _) = readable(conn, &auth, id)?;
        check_total(store::attached_bytes(conn, id)?, &files, limit, too_much_for_project)?;
        let now = Utc::now();
        let mut saved = Vec::with_capacity(files.len());
        for file in files {
            let attachment = store::insert_attachment(
                conn,
                &ProjectAttachment {
                    id: 0,
                    tenant_id: auth.tenant.id,
                    project_id: id,
                    file_name: file.file_name,
                    content_type: file.content_type,
                    size_bytes: file.size,
                    sha256: file.sha256,
                    storage_key: file.key,
                    uploaded_by: auth.principal.user_id,
                    created_at: now,
                },
            )?;
            let detail = format!("{}: {}", project.fields.name, attachment.file_name);
            client.record_change(conn, &auth, "project.attachment_added", format!("project:{id}"), Some(detail))?;
            saved.push(ProjectAttachmentView::from(attachment));
        }
        Ok(saved)
    })
    .await
}

/// List a project's files, oldest first (whoever reads the project).
#[utoipa::path(tag = "projects", operation_id = "listProjectAttachments", security(("bearer" = [])),
    params(("project_id" = i64, Path)),
    responses(
        (status = 200, description = "The attachments, oldest first", body = Paged<ProjectAttachmentView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such project, or not one you see", body = Problem)))]
#[get("/api/v1/projects/{project_id}/attachments")]
pub async fn list_project_attachments(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let list = state
        .run(move |conn| {
            readable(conn, &auth, id)?;
            Ok(store::attachments_of(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list.into_iter().map(ProjectAttachmentView::from).collect())))
}

/// Download a project's file (whoever reads the project).
#[utoipa::path(tag = "projects", operation_id = "downloadProjectAttachment", security(("bearer" = [])),
    params(("project_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the content type it was stored with and \
            `Content-Disposition: attachment` naming it", content_type = "application/octet-stream", body = Binary),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such file of this project, or not a project you see", body = Problem)))]
#[get("/api/v1/projects/{project_id}/attachments/{attachment_id}")]
pub async fn download_project_attachment(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (project, id) = path.into_inner();
    let file = state
        .run(move |conn| {
            readable(conn, &auth, project)?;
            Ok(store::attachment(conn, auth.tenant.id, Some(project), id)?)
        })
        .await?;
    file_answer(&state, &file.storage_key, file.file_name, file.content_type).await
}

/// Remove a file from a project (staff).
#[utoipa::path(tag = "projects", operation_id = "deleteProjectAttachment", security(("bearer" = [])),
    params(("project_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such file of this project", body = Problem)))]
#[delete("/api/v1/projects/{project_id}/attachments/{attachment_id}")]
pub async fn delete_project_attachment(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (project, id) = path.into_inner();
    let client = origin::of(&req);
    let removed = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                // A customer who does not see the project learns nothing of it (404).
                readable(conn, &auth, project)?;
                rules::may_remove_attachment(&auth.principal)?;
                let removed = store::delete_attachment(conn, auth.tenant.id, project, id)?;
                client.record_change(
                    conn,
                    &auth,
                    "project.attachment_removed",
                    format!("project:{project}"),
                    Some(removed.file_name.clone()),
                )?;
                Ok(removed)
            })
        })
        .await?;
    remove_objects(&state, &[removed.storage_key]).await;
    Ok(HttpResponse::NoContent().finish())
}

/// Download a project's file for the PSA (its sync credential), by the `attachment_id` that
/// `GET /api/v1/psa/changes` listed.
#[utoipa::path(tag = "psa", operation_id = "psaDownloadProjectAttachment", security(("psa_sync" = [])),
    params(("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the content type it was stored with and \
            `Content-Disposition: attachment` naming it", content_type = "application/octet-stream", body = Binary),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 404, description = "No such file of this tenant's projects (it may have been removed)", body = Problem)))]
#[get("/api/v1/psa/project-attachments/{attachment_id}")]
pub async fn psa_download_project_attachment(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let token = sync_credential(&req)?;
    let id = path.into_inner();
    let file = state
        .run(move |conn| {
            let tenant = sync_tenant(conn, &token)?;
            Ok(store::attachment(conn, tenant, None, id)?)
        })
        .await?;
    file_answer(&state, &file.storage_key, file.file_name, file.content_type).await
}
