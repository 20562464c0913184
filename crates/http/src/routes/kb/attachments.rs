//! Files attached to knowledge-base articles: staff upload, list, download and delete them under
//! `/api/v1/kb/articles/{article_id}/attachments`; customers list and download those of the
//! articles they may read under `/api/v1/companies/{company_id}/kb/articles/{article_id}/
//! attachments` (anything else is 404, as the article is). Storage, accepted types and limits are
//! the tickets' attachments' (per file, and in all per article).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::ArticleId;
use clientdesk_persistence::kb::{self, ArticleAttachment};
use clientdesk_persistence::write_tx;
use serde::Serialize;
use utoipa::ToSchema;

use super::portal::reader;
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::origin;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::routes::attachments::{check_total, file_answer, remove_objects, store_and_record, uploads_busy, Binary};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "article_id": 12, "file_name": "vpn-settings.png", "content_type": "image/png",
    "size_bytes": 48213, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "created_at": "2026-12-07T09:20:00Z"}))]
pub struct ArticleAttachmentView {
    pub id: i64,
    pub article_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<ArticleAttachment> for ArticleAttachmentView {
    fn from(a: ArticleAttachment) -> Self {
        Self {
            id: a.id,
            article_id: a.owner_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

/// An upload to an article: one to ten files.
// Describes the multipart form for the OpenAPI document; the handler reads the parts itself.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ArticleUploadForm {
    /// One to ten files (repeat the part).
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1, max_items = 10)]
    file: Vec<Vec<u8>>,
}

fn too_much_for_article() -> ApiError {
    ApiError::PayloadTooLarge(Message::new("upload-article-limit").into())
}

/// Attach files to an article (multipart/form-data, `file` parts). Staff only.
///
/// Accepted types and limits are those of ticket attachments: PNG, JPEG, GIF, WebP, PDF, zip and
/// Office documents (checked against the file's first bytes), plain text, CSV, JSON and e-mail
/// messages; a file over the per-file limit, or an upload taking the article over the total
/// limit, answers 413.
#[utoipa::path(tag = "knowledge base", operation_id = "uploadKbAttachments", security(("bearer" = [])),
    params(("article_id" = i64, Path)),
    request_body(content((ArticleUploadForm = "multipart/form-data",
        encoding(("file" = (content_type = "application/octet-stream")))))),
    responses(
        (status = 201, description = "The stored attachments", body = Vec<ArticleAttachmentView>),
        (status = 400, description = "A malformed multipart body", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem),
        (status = 413, description = "A file or the article's attachments exceed the limit", body = Problem),
        (status = 415, description = "Not multipart/form-data", body = Problem),
        (status = 422, description = "No file, an empty file, a type not accepted or contents not matching it", body = Problem),
        (status = 503, description = "Too many uploads in progress; see Retry-After", body = Problem)))]
#[post("/api/v1/kb/articles/{article_id}/attachments")]
pub async fn upload_kb_attachments(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    auth.principal.require_kb_author()?;
    let id = ArticleId(path.into_inner());
    let Ok(_slot) = state.uploads.clone().try_acquire_owned() else { return Err(uploads_busy()) };
    let limit = state.settings.ticket_attachments_max_bytes;
    let tenant = auth.tenant.id;
    let stored_bytes = state
        .run(move |conn| {
            kb::get_article(conn, tenant, id)?;
            Ok(kb::attached_bytes(conn, id)?)
        })
        .await?;
    let prefix = format!("tenant-{}/kb-article-{}", tenant.0, id.0);
    let client = origin::of(&req);
    store_and_record(&state, &req, payload, &prefix, stored_bytes, too_much_for_article, move |conn, files| {
        let article = kb::get_article(conn, tenant, id)?;
        check_total(kb::attached_bytes(conn, id)?, &files, limit, too_much_for_article)?;
        let now = Utc::now();
        let mut saved = Vec::with_capacity(files.len());
        for file in files {
            let attachment = kb::insert_attachment(conn, &file.owned_by(tenant, id.0, auth.principal.user_id, now))?;
            let detail = format!("{}: {}", article.title, attachment.file_name);
            client.record_change(conn, &auth, "kb_attachment_added", format!("kb_article:{}", id.0), Some(detail))?;
            saved.push(ArticleAttachmentView::from(attachment));
        }
        Ok(saved)
    })
    .await
}

/// List an article's attachments, oldest first. Staff only.
#[utoipa::path(tag = "knowledge base", operation_id = "listKbAttachments", security(("bearer" = [])),
    params(("article_id" = i64, Path)),
    responses(
        (status = 200, description = "The attachments, oldest first", body = Paged<ArticleAttachmentView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such article in this tenant", body = Problem)))]
#[get("/api/v1/kb/articles/{article_id}/attachments")]
pub async fn list_kb_attachments(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.id, ArticleId(path.into_inner()));
    let list = state
        .run(move |conn| {
            kb::get_article(conn, tenant, id)?;
            Ok(kb::attachments_of(conn, tenant, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list.into_iter().map(ArticleAttachmentView::from).collect())))
}

/// Download an article's attachment. Staff only.
#[utoipa::path(tag = "knowledge base", operation_id = "downloadKbAttachment", security(("bearer" = [])),
    params(("article_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the content type it was stored with and \
            `Content-Disposition: attachment` naming it", content_type = "application/octet-stream", body = Binary),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such attachment of this article", body = Problem)))]
#[get("/api/v1/kb/articles/{article_id}/attachments/{attachment_id}")]
pub async fn download_kb_attachment(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (article, id) = path.into_inner();
    let tenant = auth.tenant.id;
    let attachment = state.run(move |conn| Ok(kb::attachment(conn, tenant, ArticleId(article), id)?)).await?;
    file_answer(&state, &attachment.storage_key, attachment.file_name, attachment.content_type).await
}

/// Remove an attachment from an article. Staff only.
#[utoipa::path(tag = "knowledge base", operation_id = "deleteKbAttachment", security(("bearer" = [])),
    params(("article_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such attachment of this article", body = Problem)))]
#[delete("/api/v1/kb/articles/{article_id}/attachments/{attachment_id}")]
pub async fn delete_kb_attachment(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_kb_author()?;
    let (article, id) = path.into_inner();
    let (tenant, client) = (auth.tenant.id, origin::of(&req));
    let removed = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let removed = kb::delete_attachment(conn, tenant, ArticleId(article), id)?;
                client.record_change(
                    conn,
                    &auth,
                    "kb_attachment_removed",
                    format!("kb_article:{article}"),
                    Some(removed.file_name.clone()),
                )?;
                Ok(removed)
            })
        })
        .await?;
    remove_objects(&state, &[removed.storage_key]).await;
    Ok(HttpResponse::NoContent().finish())
}

/// List the attachments of an article the company may read, oldest first.
#[utoipa::path(tag = "knowledge base", operation_id = "listPortalKbAttachments", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("article_id" = i64, Path)),
    responses(
        (status = 200, description = "The attachments, oldest first", body = Paged<ArticleAttachmentView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company", body = Problem),
        (status = 404, description = "No such article for this company (drafts, internal articles and other \
            audiences included), or not one of the caller's companies", body = Problem)))]
#[get("/api/v1/companies/{company_id}/kb/articles/{article_id}/attachments")]
pub async fn portal_list_kb_attachments(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (company, id) = path.into_inner();
    let reader = reader(&auth, company)?;
    let (tenant, id) = (auth.tenant.id, ArticleId(id));
    let list = state
        .run(move |conn| {
            if !kb::get_article(conn, tenant, id)?.visible_to(&reader) {
                return Err(ApiError::NotFound);
            }
            Ok(kb::attachments_of(conn, tenant, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list.into_iter().map(ArticleAttachmentView::from).collect())))
}

/// Download an attachment of an article the company may read.
#[utoipa::path(tag = "knowledge base", operation_id = "downloadPortalKbAttachment", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("article_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the content type it was stored with and \
            `Content-Disposition: attachment` naming it", content_type = "application/octet-stream", body = Binary),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "The knowledge base is switched off for this company", body = Problem),
        (status = 404, description = "No such attachment of an article this company may read", body = Problem)))]
#[get("/api/v1/companies/{company_id}/kb/articles/{article_id}/attachments/{attachment_id}")]
pub async fn portal_download_kb_attachment(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (company, article, id) = path.into_inner();
    let reader = reader(&auth, company)?;
    let (tenant, article) = (auth.tenant.id, ArticleId(article));
    let attachment = state
        .run(move |conn| {
            if !kb::get_article(conn, tenant, article)?.visible_to(&reader) {
                return Err(ApiError::NotFound);
            }
            Ok(kb::attachment(conn, tenant, article, id)?)
        })
        .await?;
    file_answer(&state, &attachment.storage_key, attachment.file_name, attachment.content_type).await
}
