//! The documentation vault's documents: a title and a Markdown body (stored and answered as
//! written), published for one of the knowledge base's audiences, with drafts, revisions and
//! attachments. See docs/decisions/0052-vault-documents.md.
//!
//! Customers read under `/api/v1/companies/{company_id}/vault/documents`: with `vault_reader` or
//! `vault_editor` there, the published documents whose audience takes the company in, and with
//! `vault_editor` the company's own drafts too (a document is the company's own when its audience
//! names that company alone). Documents are written by id under `/api/v1/vault/documents`: staff
//! any, a company's vault editors the company's own, never widening their audience. Not a member
//! of the company: 404; a member without the vault role: 403 (as the credential entries).
//! Documents hold no secret: they are served without the master key, and staff reads are not
//! audited one by one; every change is (`vault_document_*` audit events).

use actix_web::http::{header, StatusCode};
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, DocumentId, TenantId};
use clientdesk_domain::kb::{self as rules, ArticleStatus, Audience, Reader};
use clientdesk_domain::principal::Principal;
use clientdesk_domain::vault_documents::{self as policy, parse_title_search, Caller};
use clientdesk_domain::vault_entries::{may_read, Standing};
use clientdesk_persistence::owned_files::OwnedFile;
use clientdesk_persistence::vault_documents::{
    self as store, attachments as files, Document, DocumentFields, DocumentListItem, Filter, Revision, Scope,
};
use clientdesk_persistence::{companies, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged, UpdatedFrom};
use crate::preconditions::{check_if_match, etag, if_match};
use crate::respond::JsonBody;
use crate::routes::attachments::{check_total, file_answer, remove_objects, store_and_record, uploads_busy, Binary};
use crate::routes::kb::{check_audience_companies, AudienceInput};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_documents)
        .service(create_document)
        .service(get_document)
        .service(update_document)
        .service(publish_document)
        .service(unpublish_document)
        .service(delete_document)
        .service(list_revisions)
        .service(upload_attachments)
        .service(download_attachment)
        .service(delete_attachment)
        .service(company_list_documents)
        .service(company_read_document)
        .service(company_download_attachment);
}

fn caller(auth: &Auth) -> Caller<'_> {
    Caller {
        principal: &auth.principal,
        seats: auth.companies.iter().map(|m| (Reader::of(&m.company), &m.roles)).collect(),
    }
}

fn refused(refusal: clientdesk_domain::vault_entries::VaultRefusal) -> ApiError {
    clientdesk_app::Error::from(refusal).into()
}

// Answers

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "document_id": 12, "file_name": "network-diagram.pdf",
    "content_type": "application/pdf", "size_bytes": 48213,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "created_at": "2026-12-07T09:20:00Z"}))]
pub struct VaultDocumentAttachmentView {
    pub id: i64,
    pub document_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<OwnedFile> for VaultDocumentAttachmentView {
    fn from(a: OwnedFile) -> Self {
        Self {
            id: a.id,
            document_id: a.owner_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

/// A document, whole: its Markdown body as written (front ends render it) and its attachments.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "title": "Office network", "body": "## Switches\n\nThe core switch is in rack A.",
    "status": "published", "audience": {"kind": "companies", "company_ids": [1]}, "company_id": 1, "revision": 3,
    "published_at": "2026-12-07T10:00:00Z", "created_at": "2026-12-07T09:00:00Z", "updated_at": "2026-12-07T10:00:00Z",
    "attachments": [{"id": 7, "document_id": 12, "file_name": "network-diagram.pdf", "content_type": "application/pdf",
    "size_bytes": 48213, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "created_at": "2026-12-07T09:20:00Z"}]}))]
pub struct VaultDocumentView {
    pub id: i64,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    /// draft or published.
    #[schema(example = "published")]
    pub status: String,
    pub audience: AudienceInput,
    /// The company the document belongs to (its audience names it alone), whose vault editors
    /// write it; null for the provider's documents.
    pub company_id: Option<i64>,
    /// The latest revision's number; also the ETag.
    pub revision: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub attachments: Vec<VaultDocumentAttachmentView>,
}

fn view(conn: &mut DbConnection, d: Document) -> ApiResult<VaultDocumentView> {
    let attachments = files::files_of(conn, d.tenant_id, d.id)?;
    Ok(VaultDocumentView {
        id: d.id.0,
        company_id: d.audience.sole_company().map(|c| c.0),
        audience: AudienceInput::from(&d.audience),
        title: d.title,
        body: d.body,
        status: d.status.as_str().to_owned(),
        revision: d.revision,
        published_at: d.published_at,
        created_at: d.created_at,
        updated_at: d.updated_at,
        attachments: attachments.into_iter().map(VaultDocumentAttachmentView::from).collect(),
    })
}

fn answer(status: StatusCode, view: VaultDocumentView) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(view.revision))).json_body(view)
}

/// A document as lists show it: no body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "title": "Office network", "status": "published", "audience": "companies",
    "audience_label": null, "company_id": 1, "revision": 3, "published_at": "2026-12-07T10:00:00Z",
    "updated_at": "2026-12-07T10:00:00Z"}))]
pub struct VaultDocumentSummary {
    pub id: i64,
    pub title: String,
    #[schema(example = "published")]
    pub status: String,
    /// The audience's kind: all_companies, companies, territory, classification or internal.
    #[schema(example = "companies")]
    pub audience: String,
    /// The territory or classification, as typed.
    pub audience_label: Option<String>,
    /// The company the document belongs to, if its audience names one alone.
    pub company_id: Option<i64>,
    pub revision: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<DocumentListItem> for VaultDocumentSummary {
    fn from(d: DocumentListItem) -> Self {
        Self {
            id: d.id.0,
            title: d.title,
            status: d.status.as_str().to_owned(),
            audience: d.audience,
            audience_label: d.audience_label,
            company_id: d.owner_company_id.map(|c| c.0),
            revision: d.revision,
            published_at: d.published_at,
            updated_at: d.updated_at,
        }
    }
}

/// One version of a document, whole.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"revision": 2, "title": "Office network", "body": "## Switches\n\nThe core switch is in rack A.",
    "status": "draft", "audience": {"kind": "companies", "company_ids": [1]}, "edited_by": 8,
    "created_at": "2026-12-07T09:30:00Z"}))]
pub struct VaultDocumentRevisionView {
    pub revision: i64,
    pub title: String,
    pub body: String,
    #[schema(example = "draft")]
    pub status: String,
    pub audience: AudienceInput,
    /// Who made this revision.
    pub edited_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<Revision> for VaultDocumentRevisionView {
    fn from(r: Revision) -> Self {
        Self {
            revision: r.revision,
            audience: AudienceInput::from(&r.audience),
            title: r.title,
            body: r.body,
            status: r.status.as_str().to_owned(),
            edited_by: r.edited_by.map(|u| u.0),
            created_at: r.created_at,
        }
    }
}

// Requests

/// A new document, created as a draft. A company's vault editor gives the audience
/// `{"kind": "companies", "company_ids": [<its company>]}`; staff any audience.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Office network", "body": "## Switches\n\nThe core switch is in rack A.",
    "audience": {"kind": "companies", "company_ids": [1]}}))]
pub struct VaultDocumentInput {
    /// 1 to 200 characters, one line.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, 1 to 50,000 characters (and within the 64 KiB JSON body limit).
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    pub audience: AudienceInput,
}

/// The fields sent replace the current ones, as a new revision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "## Switches\n\nThe core switch moved to rack B."}))]
pub struct VaultDocumentPatch {
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 50000)]
    pub body: Option<String>,
    /// A vault editor may only keep its company's audience.
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub audience: Option<AudienceInput>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VaultDocumentQuery {
    /// Only documents whose title contains this text, ignoring case (at most 200 characters).
    pub q: Option<String>,
    /// Only documents in this status: draft or published.
    pub status: Option<String>,
}

fn filter_of(query: &VaultDocumentQuery) -> ApiResult<(Option<String>, Option<ArticleStatus>)> {
    let title = parse_title_search(query.q.as_deref())?;
    let status = query
        .status
        .as_deref()
        .map(|s| ArticleStatus::parse(s).map_err(|e| ApiError::invalid_parameter("status", e.message)))
        .transpose()?;
    Ok((title, status))
}

// Staff, and the company's vault editors, by id

/// The tenant's documents, by id (staff): every status and audience.
#[utoipa::path(tag = "vault", operation_id = "listVaultDocuments", security(("bearer" = [])),
    params(PageQuery, VaultDocumentQuery, UpdatedFrom),
    responses(
        (status = 200, description = "A page of documents", body = Paged<VaultDocumentSummary>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid filter or paging", body = Problem)))]
#[get("/api/v1/vault/documents")]
pub async fn list_documents(
    state: web::Data<AppState>,
    auth: Auth,
    page: crate::query::Query<PageQuery>,
    query: crate::query::Query<VaultDocumentQuery>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, after) = page.resolve()?;
    let (title, status) = filter_of(&query.into_inner())?;
    let tenant = auth.tenant.id;
    let page = state
        .run(move |conn| {
            let filter = Filter { title: title.as_deref(), status, updated_since: since.updated_from };
            let page = store::list(conn, tenant, Scope::Staff, &filter, after, limit)?;
            let items = page.items.into_iter().map(VaultDocumentSummary::from).collect();
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

fn fields(title: &str, body: &str, audience: &AudienceInput) -> ApiResult<DocumentFields> {
    Ok(DocumentFields {
        title: rules::parse_title(title)?,
        body: rules::parse_body(body)?,
        audience: audience.parse()?,
    })
}

/// Create a draft document: staff for any audience, a company's vault editor for its company
/// alone (`{"kind": "companies", "company_ids": [<company>]}`). Publish it to show it.
#[utoipa::path(tag = "vault", operation_id = "createVaultDocument", security(("bearer" = [])),
    request_body = VaultDocumentInput,
    responses(
        (status = 201, description = "Created, as a draft", body = VaultDocumentView,
            headers(("ETag" = String, description = "The revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No vault_editor role in the company, an audience wider than the editor's \
            company, or a read-only token", body = Problem),
        (status = 404, description = "The audience names a company that is not the caller's", body = Problem),
        (status = 422, description = "Invalid title, body or audience, or an unknown company", body = Problem)))]
#[post("/api/v1/vault/documents")]
pub async fn create_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<VaultDocumentInput>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let fields = fields(&body.title, &body.body, &body.audience)?;
    policy::may_create(&caller(&auth), &fields.audience).map_err(refused)?;
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                check_audience_companies(conn, auth.tenant.id, &fields.audience)?;
                let document = store::create(conn, auth.tenant.id, &fields, auth.user.id, Utc::now())?;
                let target = format!("vault_document:{}", document.id.0);
                client.record_change(conn, &auth, "vault_document_created", target, Some(document.title.clone()))?;
                view(conn, document)
            })
        })
        .await?;
    Ok(answer(StatusCode::CREATED, view))
}

/// Read any document of the tenant (staff), with its ETag.
#[utoipa::path(tag = "vault", operation_id = "getVaultDocument", security(("bearer" = [])),
    params(("document_id" = i64, Path)),
    responses(
        (status = 200, description = "The document", body = VaultDocumentView,
            headers(("ETag" = String, description = "The revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff (customers read under their company)", body = Problem),
        (status = 404, description = "No such document in this tenant", body = Problem)))]
#[get("/api/v1/vault/documents/{document_id}")]
pub async fn get_document(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.id, DocumentId(path.into_inner()));
    let view = state
        .run(move |conn| {
            let document = store::get(conn, tenant, id)?;
            view(conn, document)
        })
        .await?;
    Ok(answer(StatusCode::OK, view))
}

/// The document `id` if the caller may change it (and give it `new` audience).
fn changeable(
    conn: &mut DbConnection,
    auth: &Auth,
    id: DocumentId,
    new: Option<&Audience>,
    if_match: Option<&str>,
) -> ApiResult<Document> {
    let document = store::get(conn, auth.tenant.id, id)?;
    policy::may_change(&caller(auth), document.status, &document.audience, new).map_err(refused)?;
    check_if_match(if_match, document.revision)?;
    Ok(document)
}

/// Change a document (staff, or a vault editor of the company it belongs to): the fields sent
/// replace the current ones, as a new revision. Send `If-Match` with the ETag you read to refuse
/// a change made meanwhile (412).
#[utoipa::path(tag = "vault", operation_id = "updateVaultDocument", security(("bearer" = [])),
    params(("document_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on")),
    request_body = VaultDocumentPatch,
    responses(
        (status = 200, description = "Updated", body = VaultDocumentView,
            headers(("ETag" = String, description = "The new revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the caller's company's own document, no vault_editor role, an audience \
            wider than the editor's company, or a read-only token", body = Problem),
        (status = 404, description = "No such document the caller can see", body = Problem),
        (status = 412, description = "The document changed since the ETag sent", body = Problem),
        (status = 422, description = "Invalid title, body or audience, or an unknown company", body = Problem)))]
#[patch("/api/v1/vault/documents/{document_id}")]
pub async fn update_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<VaultDocumentPatch>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let (id, client, if_match) = (DocumentId(path.into_inner()), origin::of(&req), if_match(&req));
    let title = body.title.as_deref().map(rules::parse_title).transpose()?;
    let text = body.body.as_deref().map(rules::parse_body).transpose()?;
    let audience = body.audience.as_ref().map(AudienceInput::parse).transpose()?;
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = changeable(conn, &auth, id, audience.as_ref(), if_match.as_deref())?;
                let fields = DocumentFields {
                    title: title.unwrap_or(current.title),
                    body: text.unwrap_or(current.body),
                    audience: audience.unwrap_or(current.audience),
                };
                check_audience_companies(conn, auth.tenant.id, &fields.audience)?;
                let document = store::update(conn, auth.tenant.id, id, &fields, auth.user.id, Utc::now())?;
                let detail = Some(format!("revision:{}", document.revision));
                client.record_change(
                    conn,
                    &auth,
                    "vault_document_updated",
                    format!("vault_document:{}", id.0),
                    detail,
                )?;
                view(conn, document)
            })
        })
        .await?;
    Ok(answer(StatusCode::OK, view))
}

async fn set_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: i64,
    status: ArticleStatus,
) -> ApiResult<HttpResponse> {
    let (id, client, if_match) = (DocumentId(id), origin::of(&req), if_match(&req));
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = changeable(conn, &auth, id, None, if_match.as_deref())?;
                if current.status == status {
                    // Already so: nothing changes, no revision, no audit event.
                    return view(conn, current);
                }
                let document = store::set_status(conn, auth.tenant.id, id, status, auth.user.id, Utc::now())?;
                let action = match status {
                    ArticleStatus::Published => "vault_document_published",
                    ArticleStatus::Draft => "vault_document_unpublished",
                };
                client.record_change(conn, &auth, action, format!("vault_document:{}", id.0), None)?;
                view(conn, document)
            })
        })
        .await?;
    Ok(answer(StatusCode::OK, view))
}

/// Publish a document (staff, or a vault editor of the company it belongs to): its audience
/// reads it from now on. Publishing a published document changes nothing.
#[utoipa::path(tag = "vault", operation_id = "publishVaultDocument", security(("bearer" = [])),
    params(("document_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on")),
    responses(
        (status = 200, description = "Published", body = VaultDocumentView,
            headers(("ETag" = String, description = "The new revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the caller's company's own document, no vault_editor role, or a \
            read-only token", body = Problem),
        (status = 404, description = "No such document the caller can see", body = Problem),
        (status = 412, description = "The document changed since the ETag sent", body = Problem)))]
#[post("/api/v1/vault/documents/{document_id}/publish")]
pub async fn publish_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_status(state, req, auth, path.into_inner(), ArticleStatus::Published).await
}

/// Withdraw a document to a draft (staff, or a vault editor of the company it belongs to): its
/// readers no longer see it.
#[utoipa::path(tag = "vault", operation_id = "unpublishVaultDocument", security(("bearer" = [])),
    params(("document_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on")),
    responses(
        (status = 200, description = "Back to draft", body = VaultDocumentView,
            headers(("ETag" = String, description = "The new revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the caller's company's own document, no vault_editor role, or a \
            read-only token", body = Problem),
        (status = 404, description = "No such document the caller can see", body = Problem),
        (status = 412, description = "The document changed since the ETag sent", body = Problem)))]
#[post("/api/v1/vault/documents/{document_id}/unpublish")]
pub async fn unpublish_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_status(state, req, auth, path.into_inner(), ArticleStatus::Draft).await
}

/// Delete a document with its revisions and attachments (staff, or a vault editor of the
/// company it belongs to).
#[utoipa::path(tag = "vault", operation_id = "deleteVaultDocument", security(("bearer" = [])),
    params(("document_id" = i64, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag the deletion is based on")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the caller's company's own document, no vault_editor role, or a \
            read-only token", body = Problem),
        (status = 404, description = "No such document the caller can see", body = Problem),
        (status = 412, description = "The document changed since the ETag sent", body = Problem)))]
#[delete("/api/v1/vault/documents/{document_id}")]
pub async fn delete_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, client, if_match) = (DocumentId(path.into_inner()), origin::of(&req), if_match(&req));
    let keys = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = changeable(conn, &auth, id, None, if_match.as_deref())?;
                let keys = store::delete(conn, auth.tenant.id, id)?;
                let target = format!("vault_document:{}", id.0);
                client.record_change(conn, &auth, "vault_document_deleted", target, Some(current.title))?;
                Ok(keys)
            })
        })
        .await?;
    remove_objects(&state, &keys).await;
    Ok(HttpResponse::NoContent().finish())
}

/// A document's revisions, newest first, each whole (staff, or a vault editor of the company it
/// belongs to).
#[utoipa::path(tag = "vault", operation_id = "listVaultDocumentRevisions", security(("bearer" = [])),
    params(("document_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "A page of revisions, newest first", body = Paged<VaultDocumentRevisionView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the caller's company's own document, or no vault_editor role", body = Problem),
        (status = 404, description = "No such document the caller can see", body = Problem),
        (status = 422, description = "Invalid paging", body = Problem)))]
#[get("/api/v1/vault/documents/{document_id}/revisions")]
pub async fn list_revisions(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    // Newest first: the cursor names the last revision shown, the next page those before it.
    let (limit, before) = page.resolve()?;
    let id = DocumentId(path.into_inner());
    let page = state
        .run(move |conn| {
            let document = store::get(conn, auth.tenant.id, id)?;
            // Reading revisions is a writer's business; a read-only token of a writer reads them too.
            let principal = Principal { read_only: false, ..auth.principal.clone() };
            let writer = Caller { principal: &principal, ..caller(&auth) };
            policy::may_change(&writer, document.status, &document.audience, None).map_err(refused)?;
            let page = store::revisions(conn, auth.tenant.id, id, before, limit)?;
            let items = page.items.into_iter().map(VaultDocumentRevisionView::from).collect();
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// An upload to a document: one to ten files.
// Describes the multipart form for the OpenAPI document; the handler reads the parts itself.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct VaultDocumentUploadForm {
    /// One to ten files (repeat the part).
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1, max_items = 10)]
    file: Vec<Vec<u8>>,
}

fn too_much_for_document() -> ApiError {
    ApiError::PayloadTooLarge(Message::new("upload-document-limit").into())
}

/// Attach files to a document (multipart/form-data, `file` parts): staff, or a vault editor of
/// the company it belongs to.
///
/// Accepted types and limits are those of ticket attachments: PNG, JPEG, GIF, WebP, PDF, zip and
/// Office documents (checked against the file's first bytes), plain text, CSV, JSON and e-mail
/// messages; a file over the per-file limit, or an upload taking the document over the total
/// limit, answers 413.
#[utoipa::path(tag = "vault", operation_id = "uploadVaultDocumentAttachments", security(("bearer" = [])),
    params(("document_id" = i64, Path)),
    request_body(content((VaultDocumentUploadForm = "multipart/form-data",
        encoding(("file" = (content_type = "application/octet-stream")))))),
    responses(
        (status = 201, description = "The stored attachments", body = Vec<VaultDocumentAttachmentView>),
        (status = 400, description = "A malformed multipart body", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the caller's company's own document, no vault_editor role, or a \
            read-only token", body = Problem),
        (status = 404, description = "No such document the caller can see", body = Problem),
        (status = 413, description = "A file or the document's attachments exceed the limit", body = Problem),
        (status = 415, description = "Not multipart/form-data", body = Problem),
        (status = 422, description = "No file, an empty file, a type not accepted or contents not matching it", body = Problem),
        (status = 503, description = "Too many uploads in progress; see Retry-After", body = Problem)))]
#[post("/api/v1/vault/documents/{document_id}/attachments")]
pub async fn upload_attachments(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let id = DocumentId(path.into_inner());
    let Ok(_slot) = state.uploads.clone().try_acquire_owned() else { return Err(uploads_busy()) };
    let (tenant, check) = (auth.tenant.id, auth.clone());
    let stored_bytes = state
        .run(move |conn| {
            changeable(conn, &check, id, None, None)?;
            Ok(files::file_bytes(conn, id)?)
        })
        .await?;
    let prefix = format!("tenant-{}/vault-document-{}", tenant.0, id.0);
    let (client, limit) = (origin::of(&req), state.settings.ticket_attachments_max_bytes);
    store_and_record(&state, &req, payload, &prefix, stored_bytes, too_much_for_document, move |conn, added| {
        let document = changeable(conn, &auth, id, None, None)?;
        check_total(files::file_bytes(conn, id)?, &added, limit, too_much_for_document)?;
        let now = Utc::now();
        let mut saved = Vec::with_capacity(added.len());
        for file in added {
            let attachment = files::insert_file(conn, &file.owned_by(tenant, id.0, auth.principal.user_id, now))?;
            client.record_change(
                conn,
                &auth,
                "vault_document_attachment_added",
                format!("vault_document:{}", id.0),
                Some(format!("{}: {}", document.title, attachment.file_name)),
            )?;
            saved.push(VaultDocumentAttachmentView::from(attachment));
        }
        Ok(saved)
    })
    .await
}

/// Download a document's attachment (staff; customers download under their company).
#[utoipa::path(tag = "vault", operation_id = "downloadVaultDocumentAttachment", security(("bearer" = [])),
    params(("document_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the content type it was stored with and \
            `Content-Disposition: attachment` naming it", content_type = "application/octet-stream", body = Binary),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such attachment of this document", body = Problem)))]
#[get("/api/v1/vault/documents/{document_id}/attachments/{attachment_id}")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (document, id) = path.into_inner();
    let tenant = auth.tenant.id;
    let file = state.run(move |conn| Ok(files::file(conn, tenant, DocumentId(document), id)?)).await?;
    file_answer(&state, &file.storage_key, file.file_name, file.content_type).await
}

/// Remove an attachment from a document (staff, or a vault editor of the company it belongs to).
#[utoipa::path(tag = "vault", operation_id = "deleteVaultDocumentAttachment", security(("bearer" = [])),
    params(("document_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not the caller's company's own document, no vault_editor role, or a \
            read-only token", body = Problem),
        (status = 404, description = "No such attachment of a document the caller can see", body = Problem)))]
#[delete("/api/v1/vault/documents/{document_id}/attachments/{attachment_id}")]
pub async fn delete_attachment(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (document, id) = path.into_inner();
    let (document, client) = (DocumentId(document), origin::of(&req));
    let removed = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                changeable(conn, &auth, document, None, None)?;
                let removed = files::delete_file(conn, auth.tenant.id, document, id)?;
                let target = format!("vault_document:{}", document.0);
                let detail = Some(removed.file_name.clone());
                client.record_change(conn, &auth, "vault_document_attachment_removed", target, detail)?;
                Ok(removed)
            })
        })
        .await?;
    remove_objects(&state, &[removed.storage_key]).await;
    Ok(HttpResponse::NoContent().finish())
}

// Customers (and staff) reading for a company

/// The company the caller reads the vault for, as its audiences see it, and how the caller
/// stands there: 404 when it is not the caller's (or not the tenant's), 403 without the vault
/// role.
fn reading_for<'a>(
    conn: &mut DbConnection,
    auth: &'a Auth,
    tenant: TenantId,
    company: CompanyId,
) -> ApiResult<(Reader, Standing<'a>)> {
    if auth.principal.is_staff() {
        return Ok((Reader::of(&companies::get(conn, tenant, company)?), Standing::Staff));
    }
    let member = auth.companies.iter().find(|m| m.company.id == company).ok_or(ApiError::NotFound)?;
    let standing = Standing::Member(&member.roles);
    may_read(standing).map_err(refused)?;
    Ok((Reader::of(&member.company), standing))
}

/// The document `id` if the caller reads it for `company`; else 404.
fn readable(conn: &mut DbConnection, auth: &Auth, company: CompanyId, id: DocumentId) -> ApiResult<Document> {
    let (reader, standing) = reading_for(conn, auth, auth.tenant.id, company)?;
    let document = store::get(conn, auth.tenant.id, id)?;
    if !policy::sees(standing, document.status, &document.audience, &reader) {
        return Err(ApiError::NotFound);
    }
    Ok(document)
}

/// The documents the company reads, by id: published for an audience that takes the company in
/// (the company alone, all companies, its territory or its classification), and to its vault
/// editors the company's own drafts too. Needs `vault_reader` or `vault_editor` there.
#[utoipa::path(tag = "vault", operation_id = "listCompanyVaultDocuments", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery, VaultDocumentQuery, UpdatedFrom),
    responses(
        (status = 200, description = "A page of documents", body = Paged<VaultDocumentSummary>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No vault role in this company", body = Problem),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 422, description = "Invalid filter or paging", body = Problem)))]
#[get("/api/v1/companies/{company_id}/vault/documents")]
pub async fn company_list_documents(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
    query: crate::query::Query<VaultDocumentQuery>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let (limit, after) = page.resolve()?;
    let (title, status) = filter_of(&query.into_inner())?;
    let page = state
        .run(move |conn| {
            let tenant = auth.tenant.id;
            let (reader, standing) = reading_for(conn, &auth, tenant, company)?;
            let drafts = policy::writes(standing);
            let filter = Filter { title: title.as_deref(), status, updated_since: since.updated_from };
            let scope = Scope::Company { reader: &reader, drafts };
            let page = store::list(conn, tenant, scope, &filter, after, limit)?;
            let items = page.items.into_iter().map(VaultDocumentSummary::from).collect();
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Read a document for the company, with its attachments: 404 when the company does not read it
/// (another audience, or a draft to anyone but the company's vault editors).
#[utoipa::path(tag = "vault", operation_id = "readCompanyVaultDocument", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("document_id" = i64, Path)),
    responses(
        (status = 200, description = "The document", body = VaultDocumentView,
            headers(("ETag" = String, description = "The revision"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No vault role in this company", body = Problem),
        (status = 404, description = "No such document for this company, or not a company of the caller", body = Problem)))]
#[get("/api/v1/companies/{company_id}/vault/documents/{document_id}")]
pub async fn company_read_document(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (company, id) = path.into_inner();
    let view = state
        .run(move |conn| {
            let document = readable(conn, &auth, CompanyId(company), DocumentId(id))?;
            view(conn, document)
        })
        .await?;
    Ok(answer(StatusCode::OK, view))
}

/// Download an attachment of a document the company reads.
#[utoipa::path(tag = "vault", operation_id = "downloadCompanyVaultDocumentAttachment", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("document_id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the content type it was stored with and \
            `Content-Disposition: attachment` naming it", content_type = "application/octet-stream", body = Binary),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No vault role in this company", body = Problem),
        (status = 404, description = "No such attachment of a document this company reads", body = Problem)))]
#[get("/api/v1/companies/{company_id}/vault/documents/{document_id}/attachments/{attachment_id}")]
pub async fn company_download_attachment(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (company, document, id) = path.into_inner();
    let file = state
        .run(move |conn| {
            let document = readable(conn, &auth, CompanyId(company), DocumentId(document))?;
            Ok(files::file(conn, auth.tenant.id, document.id, id)?)
        })
        .await?;
    file_answer(&state, &file.storage_key, file.file_name, file.content_type).await
}
