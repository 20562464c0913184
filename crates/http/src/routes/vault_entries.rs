//! The documentation vault's credential entries: a company's user names, passwords, keys and
//! TOTP seeds, sealed at rest, listed without their secrets, revealed one entry at a time with a
//! fresh second factor, each reveal audited and readable by the company's portal admin.
//!
//! Staff of the tenant reach every company's vault (their reads are audited too); a customer
//! needs `vault_reader` (read, reveal) or `vault_editor` (also write) in the entry's company,
//! which its portal admin grants like any role (`PUT /companies/{id}/contacts/{id}/roles`). A
//! server started without `CLIENTDESK_MASTER_KEY` answers every vault route 503 and serves the
//! rest. See docs/decisions/0046-documentation-vault.md.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::vault_entries::{self as use_case, Caller};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::selfservice::person;
use clientdesk_domain::vault_entries::{
    self as policy, parse_secret, parse_totp_seed, EntryFields, RawFields, LAST_REVEALS,
};
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::vault_entries::{self as store, Change, Entry, EntryFilter, Reveal};
use clientdesk_persistence::{companies, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged, UpdatedFrom};
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_entries)
        .service(create_entry)
        .service(get_entry)
        .service(update_entry)
        .service(delete_entry)
        .service(reveal_entry)
        .service(list_reveals);
}

/// The refusal of every vault route on a server without a configured master key.
fn vault_off(state: &AppState) -> Option<ApiError> {
    (!state.settings.vault_enabled).then_some(ApiError::VaultOff)
}

fn caller(auth: &Auth) -> Caller<'_> {
    Caller {
        principal: &auth.principal,
        memberships: auth.companies.iter().map(|m| (m.company.id, &m.roles)).collect(),
    }
}

/// Staff reach every company's vault: each of their reads is audited.
fn audit_staff_read(conn: &mut DbConnection, auth: &Auth, event: NewAuditEvent, target: String) -> ApiResult<()> {
    if auth.principal.is_staff() {
        audit::record(conn, &NewAuditEvent { target: Some(target), ..event }, Utc::now())?;
    }
    Ok(())
}

/// An entry without its secrets: `has_secret` says whether there is one, never its length.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "company_id": 1, "title": "Firewall admin", "username": "admin",
    "url": "https://fw.contoso.example", "notes": "Break-glass account", "tags": ["firewall", "network"],
    "folder": "Network", "has_secret": true, "has_totp": false,
    "created_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"}))]
pub struct VaultEntryView {
    pub id: i64,
    pub company_id: i64,
    pub title: String,
    pub username: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub folder: Option<String>,
    /// Whether the entry holds a secret (reveal it with `POST /vault/entries/{id}/reveal`).
    pub has_secret: bool,
    /// Whether the entry holds a TOTP seed (a reveal shows its current code, never the seed).
    pub has_totp: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Entry> for VaultEntryView {
    fn from(e: Entry) -> Self {
        Self {
            id: e.id,
            company_id: e.company_id.0,
            title: e.fields.title,
            username: e.fields.username,
            url: e.fields.url,
            notes: e.fields.notes,
            tags: e.fields.tags,
            folder: e.fields.folder,
            has_secret: e.has_secret,
            has_totp: e.has_totp,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// One reveal of an entry's secrets.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "entry_id": 12, "entry_title": "Firewall admin", "user_id": 8,
    "user_name": "Paula Admin", "ip": "203.0.113.7", "revealed_at": "2026-12-07T10:05:00Z"}))]
pub struct VaultRevealView {
    pub id: i64,
    pub entry_id: i64,
    pub entry_title: String,
    pub user_id: i64,
    pub user_name: String,
    /// The client address the reveal came from.
    pub ip: Option<String>,
    pub revealed_at: DateTime<Utc>,
}

impl From<Reveal> for VaultRevealView {
    fn from(r: Reveal) -> Self {
        Self {
            id: r.id,
            entry_id: r.entry_id,
            entry_title: r.entry_title,
            user_id: r.user_id.0,
            user_name: r.user_name,
            ip: r.ip,
            revealed_at: r.revealed_at,
        }
    }
}

/// An entry with its last reveals (its copy history).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"entry": {"id": 12, "company_id": 1, "title": "Firewall admin", "username": "admin",
    "url": null, "notes": null, "tags": [], "folder": null, "has_secret": true, "has_totp": false,
    "created_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"},
    "last_reveals": [{"id": 3, "entry_id": 12, "entry_title": "Firewall admin", "user_id": 8,
    "user_name": "Paula Admin", "ip": "203.0.113.7", "revealed_at": "2026-12-07T10:05:00Z"}]}))]
pub struct VaultEntryDetail {
    pub entry: VaultEntryView,
    /// The last 10 reveals, newest first.
    pub last_reveals: Vec<VaultRevealView>,
}

/// A new entry. Secrets are write-only: no answer but a reveal ever carries them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Firewall admin", "username": "admin", "secret": "correct horse battery staple",
    "url": "https://fw.contoso.example", "notes": "Break-glass account", "tags": ["firewall"], "folder": "Network",
    "totp_seed": "JBSWY3DPEHPK3PXP"}))]
pub struct VaultEntryInput {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 200)]
    pub username: Option<String>,
    /// The password or key (at most 4000 characters).
    #[schema(max_length = 4000)]
    pub secret: Option<String>,
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// Words, lower-cased (at most 20).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    #[schema(max_length = 200)]
    pub folder: Option<String>,
    /// A base32 TOTP seed: a reveal shows its current code, never the seed.
    pub totp_seed: Option<String>,
}

/// An entry's new fields: every field but the secrets is replaced; a secret left out is kept,
/// `null` removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Firewall admin", "username": "admin", "secret": "a new passphrase",
    "tags": ["firewall"], "totp_seed": null}))]
pub struct VaultEntryUpdate {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    pub username: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub folder: Option<String>,
    /// Left out: kept; null: removed; a value: replaced.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub secret: Option<Option<String>>,
    /// Left out: kept; null: removed; a value: replaced.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub totp_seed: Option<Option<String>>,
}

/// A secret of an update: left out (kept), null (removed) or a value.
fn change(given: &Option<Option<String>>) -> Change<'_> {
    match given {
        None => Change::Keep,
        Some(None) => Change::Clear,
        Some(Some(value)) => Change::Set(value.as_str()),
    }
}

fn fields(
    title: &str,
    username: Option<&str>,
    url: Option<&str>,
    notes: Option<&str>,
    tags: &[String],
    folder: Option<&str>,
) -> ApiResult<EntryFields> {
    Ok(EntryFields::parse(&RawFields { title, username, url, notes, tags, folder })?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VaultEntryQuery {
    /// Only entries in this folder.
    pub folder: Option<String>,
    /// Only entries with this tag.
    pub tag: Option<String>,
    /// Only entries whose title, user name or URL contains this text (secrets are not searched).
    pub q: Option<String>,
}

/// The company's vault entries, by id, without their secrets.
#[utoipa::path(tag = "vault", operation_id = "listVaultEntries", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery, VaultEntryQuery, UpdatedFrom),
    responses(
        (status = 200, description = "A page of entries", body = Paged<VaultEntryView>),
        (status = 403, description = "No vault role in this company", body = Problem),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 422, description = "Invalid filter or paging", body = Problem),
        (status = 503, description = "The vault is off: no master key configured", body = Problem)))]
#[get("/api/v1/companies/{company_id}/vault/entries")]
pub async fn list_entries(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
    query: crate::query::Query<VaultEntryQuery>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    if let Some(off) = vault_off(&state) {
        return Err(off);
    }
    let company = CompanyId(path.into_inner());
    let (limit, after) = page.resolve()?;
    let query = query.into_inner();
    let trimmed = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let (folder, tag, text) = (trimmed(query.folder), trimmed(query.tag), trimmed(query.q));
    for (name, value) in [("folder", &folder), ("tag", &tag), ("q", &text)] {
        if value.as_ref().is_some_and(|v| v.chars().count() > 200) {
            return Err(ApiError::invalid(name, Message::new("rule-max-chars").arg("max", 200)));
        }
    }
    policy::may_read(caller(&auth).standing(company)).map_err(clientdesk_app::Error::from)?;
    let client = origin::of(&req);
    let page = state
        .run(move |conn| {
            companies::get(conn, auth.tenant.id, company)?;
            let event = client.event(Some(auth.tenant.id), Some(auth.user.id), "vault_entries_listed_by_staff");
            audit_staff_read(conn, &auth, event, format!("company:{}", company.0))?;
            let filter = EntryFilter {
                folder: folder.as_deref(),
                tag: tag.as_deref(),
                text: text.as_deref(),
                updated_since: since.updated_from,
            };
            let page = store::list(conn, company, &filter, after, limit)?;
            let items = page.items.into_iter().map(VaultEntryView::from).collect();
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Add an entry to the company's vault (`vault_editor`, or staff). Its secret and TOTP seed are
/// sealed before they are stored and never answered but by a reveal.
#[utoipa::path(tag = "vault", operation_id = "createVaultEntry", security(("bearer" = [])),
    params(("company_id" = i64, Path)), request_body = VaultEntryInput,
    responses(
        (status = 201, description = "The entry, without its secrets", body = VaultEntryView),
        (status = 403, description = "No vault_editor role in this company, or a read-only token", body = Problem),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 422, description = "Invalid fields (the message never repeats a secret)", body = Problem),
        (status = 503, description = "The vault is off: no master key configured", body = Problem)))]
#[post("/api/v1/companies/{company_id}/vault/entries")]
pub async fn create_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<VaultEntryInput>,
) -> ApiResult<HttpResponse> {
    if let Some(off) = vault_off(&state) {
        return Err(off);
    }
    let company = CompanyId(path.into_inner());
    let body = body.into_inner();
    policy::may_write(&auth.principal, caller(&auth).standing(company)).map_err(clientdesk_app::Error::from)?;
    let fields = fields(
        &body.title,
        body.username.as_deref(),
        body.url.as_deref(),
        body.notes.as_deref(),
        &body.tags,
        body.folder.as_deref(),
    )?;
    let secret = body.secret.as_deref().map(parse_secret).transpose()?.map(str::to_owned);
    let totp = body.totp_seed.as_deref().map(parse_totp_seed).transpose()?;
    let client = origin::of(&req);
    let entry = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                companies::get(conn, auth.tenant.id, company)?;
                let now = Utc::now();
                let entry = store::create(
                    conn,
                    auth.tenant.id,
                    company,
                    &fields,
                    secret.as_deref(),
                    totp.as_deref(),
                    auth.user.id,
                    now,
                )?;
                let mut event = client.event(Some(auth.tenant.id), Some(auth.user.id), "vault_entry_created");
                event.target = Some(format!("vault_entry:{}", entry.id));
                event.detail = Some(format!("company:{}", company.0));
                audit::record(conn, &event, now)?;
                Ok(entry)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(VaultEntryView::from(entry)))
}

/// Read an entry without its secrets, with its last 10 reveals.
#[utoipa::path(tag = "vault", operation_id = "getVaultEntry", security(("bearer" = [])),
    params(("entry_id" = i64, Path)),
    responses(
        (status = 200, description = "The entry and its last reveals", body = VaultEntryDetail),
        (status = 403, description = "No vault role in the entry's company", body = Problem),
        (status = 404, description = "Not an entry of the caller's companies", body = Problem),
        (status = 503, description = "The vault is off: no master key configured", body = Problem)))]
#[get("/api/v1/vault/entries/{entry_id}")]
pub async fn get_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    if let Some(off) = vault_off(&state) {
        return Err(off);
    }
    let id = path.into_inner();
    let client = origin::of(&req);
    let detail = state
        .run(move |conn| {
            let entry = use_case::readable(conn, &caller(&auth), auth.tenant.id, id)?;
            let event = client.event(Some(auth.tenant.id), Some(auth.user.id), "vault_entry_read_by_staff");
            audit_staff_read(conn, &auth, event, format!("vault_entry:{id}"))?;
            let last_reveals =
                store::last_reveals(conn, id, LAST_REVEALS)?.into_iter().map(VaultRevealView::from).collect();
            Ok(VaultEntryDetail { entry: entry.into(), last_reveals })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(detail))
}

/// Change an entry (`vault_editor`, or staff): every field but the secrets is replaced; a secret
/// left out is kept, `null` removes it.
#[utoipa::path(tag = "vault", operation_id = "updateVaultEntry", security(("bearer" = [])),
    params(("entry_id" = i64, Path)), request_body = VaultEntryUpdate,
    responses(
        (status = 200, description = "The entry, without its secrets", body = VaultEntryView),
        (status = 403, description = "No vault_editor role in the entry's company, or a read-only token", body = Problem),
        (status = 404, description = "Not an entry of the caller's companies", body = Problem),
        (status = 422, description = "Invalid fields (the message never repeats a secret)", body = Problem),
        (status = 503, description = "The vault is off: no master key configured", body = Problem)))]
#[put("/api/v1/vault/entries/{entry_id}")]
pub async fn update_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<VaultEntryUpdate>,
) -> ApiResult<HttpResponse> {
    if let Some(off) = vault_off(&state) {
        return Err(off);
    }
    let id = path.into_inner();
    let body = body.into_inner();
    let fields = fields(
        &body.title,
        body.username.as_deref(),
        body.url.as_deref(),
        body.notes.as_deref(),
        &body.tags,
        body.folder.as_deref(),
    )?;
    let secret = match body.secret {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) => Some(Some(parse_secret(&s)?.to_owned())),
    };
    let totp = match body.totp_seed {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) => Some(Some(parse_totp_seed(&s)?)),
    };
    let client = origin::of(&req);
    let entry = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                use_case::writable(conn, &caller(&auth), auth.tenant.id, id)?;
                let now = Utc::now();
                let entry = store::update(conn, auth.tenant.id, id, &fields, change(&secret), change(&totp), now)?;
                let mut event = client.event(Some(auth.tenant.id), Some(auth.user.id), "vault_entry_updated");
                event.target = Some(format!("vault_entry:{id}"));
                event.detail = Some(format!("company:{}", entry.company_id.0));
                audit::record(conn, &event, now)?;
                Ok(entry)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(VaultEntryView::from(entry)))
}

/// Delete an entry (`vault_editor`, or staff). Its reveals stay readable by the portal admin.
#[utoipa::path(tag = "vault", operation_id = "deleteVaultEntry", security(("bearer" = [])),
    params(("entry_id" = i64, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "No vault_editor role in the entry's company, or a read-only token", body = Problem),
        (status = 404, description = "Not an entry of the caller's companies", body = Problem),
        (status = 503, description = "The vault is off: no master key configured", body = Problem)))]
#[delete("/api/v1/vault/entries/{entry_id}")]
pub async fn delete_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    if let Some(off) = vault_off(&state) {
        return Err(off);
    }
    let id = path.into_inner();
    let client = origin::of(&req);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let entry = use_case::writable(conn, &caller(&auth), auth.tenant.id, id)?;
                store::delete(conn, auth.tenant.id, id)?;
                let mut event = client.event(Some(auth.tenant.id), Some(auth.user.id), "vault_entry_deleted");
                event.target = Some(format!("vault_entry:{id}"));
                event.detail = Some(format!("company:{}", entry.company_id.0));
                audit::record(conn, &event, Utc::now())?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An entry's secrets, revealed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"entry_id": 12, "secret": "correct horse battery staple", "totp_code": "492039",
    "totp_valid_for_seconds": 17}))]
pub struct RevealedSecrets {
    pub entry_id: i64,
    pub secret: Option<String>,
    /// The code the entry's TOTP seed shows now (never the seed).
    pub totp_code: Option<String>,
    /// How many more seconds `totp_code` is valid.
    pub totp_valid_for_seconds: Option<u64>,
}

/// Reveal an entry's secret and current TOTP code. Needs the vault role (or staff), a person's
/// sign-in (not an API token or an agent session) whose session proved a second factor within
/// the last 5 minutes (`POST /api/v1/me/step-up`), and room in the caller's reveal limit (30 an
/// hour, then each waits longer: 429). Every reveal is recorded with the caller and its address,
/// listed on the entry and readable by the company's portal admin. Never cached, never replayed.
#[utoipa::path(tag = "vault", operation_id = "revealVaultEntry", security(("bearer" = [])),
    params(("entry_id" = i64, Path)),
    responses(
        (status = 200, description = "The secrets", body = RevealedSecrets),
        (status = 403, description = "No vault role, no fresh second factor of this session, an API token or an agent session", body = Problem),
        (status = 404, description = "Not an entry of the caller's companies", body = Problem),
        (status = 429, description = "Too many reveals", body = Problem),
        (status = 503, description = "The vault is off: no master key configured", body = Problem)))]
#[post("/api/v1/vault/entries/{entry_id}/reveal")]
pub async fn reveal_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    if let Some(off) = vault_off(&state) {
        return Err(off);
    }
    let id = path.into_inner();
    let client = origin::of(&req);
    let revealed = state
        .run(move |conn| {
            // Another company's entry is 404 before the session is looked at.
            use_case::readable(conn, &caller(&auth), auth.tenant.id, id)?;
            let session = person(&auth.principal)?.to_owned();
            let audit = client.event(Some(auth.tenant.id), Some(auth.user.id), "vault_secret_revealed");
            let revealed = write_tx(conn, |conn| {
                use_case::reveal(conn, &caller(&auth), &auth.user, &session, id, audit, Utc::now())
            })?;
            Ok(RevealedSecrets {
                entry_id: revealed.entry.id,
                totp_code: revealed.totp.as_ref().map(|(code, _)| code.clone()),
                totp_valid_for_seconds: revealed.totp.map(|(_, left)| left),
                secret: revealed.secret,
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json_body(revealed))
}

/// Who revealed which of the company's vault secrets, when and from where, newest first: the
/// company's portal admin, or staff.
#[utoipa::path(tag = "vault", operation_id = "listVaultReveals", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "The reveals", body = Paged<VaultRevealView>),
        (status = 403, description = "Not the company's portal admin", body = Problem),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 422, description = "Invalid paging", body = Problem),
        (status = 503, description = "The vault is off: no master key configured", body = Problem)))]
#[get("/api/v1/companies/{company_id}/vault/reveals")]
pub async fn list_reveals(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    if let Some(off) = vault_off(&state) {
        return Err(off);
    }
    let company = CompanyId(path.into_inner());
    // Newest first: the cursor names the last reveal shown, the next page those before it.
    let (limit, before) = page.resolve()?;
    policy::may_read_reveals(caller(&auth).standing(company)).map_err(clientdesk_app::Error::from)?;
    let page = state
        .run(move |conn| {
            companies::get(conn, auth.tenant.id, company)?;
            let page = store::company_reveals(conn, company, before, limit)?;
            let items = page.items.into_iter().map(VaultRevealView::from).collect();
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}
