//! The signed-in user: profile, companies with roles, permissions and sections; password; API
//! tokens.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use clientdesk_app::crypto::secrets;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::ApiTokenId;
use clientdesk_domain::settings::sections;
use clientdesk_domain::tokens::ApiToken;
use clientdesk_domain::user::{parse_name, parse_phone, Email, Language, NewPassword};
use clientdesk_persistence::{audit, tokens, users, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::routes::auth::{self as signin, EnrolmentDone, EnrolmentStart};
use crate::state::AppState;
use clientdesk_domain::principal::AuthMethod;
use clientdesk_persistence::session;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(change_password)
        .service(list_api_tokens)
        .service(create_api_token)
        .service(revoke_api_token)
        .service(start_reenrolment)
        .service(confirm_reenrolment)
        .service(disable_two_factor);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeCompany {
    pub id: i64,
    pub name: String,
    pub parent_company_id: Option<i64>,
    #[schema(example = json!(["portal_user_plus"]))]
    pub roles: Vec<String>,
    #[schema(example = json!(["tickets_read_own", "tickets_read_all", "tickets_create"]))]
    pub permissions: Vec<String>,
    /// The tiles a front end shows for this company: what the roles allow and the company's
    /// portal settings switch on.
    #[schema(example = json!(["tickets", "contacts", "knowledge_base", "self_service"]))]
    pub sections: Vec<String>,
    pub time_zone: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "email": "pat.plus@demo.example", "name": "Pat Plus", "phone": null, "phone_verified": false, "language": "en",
    "kind": "portal", "staff_role": null, "two_factor_enabled": true, "auth_methods": ["pwd", "otp"],
    "companies": [{"id": 1, "name": "Contoso Ltd", "parent_company_id": null, "roles": ["portal_user_plus"],
        "permissions": ["tickets_read_own", "tickets_read_all"], "sections": ["tickets", "contacts"], "time_zone": "Europe/Zurich"}]
}))]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    /// The phone's SMS code was confirmed: it verifies self-service actions.
    pub phone_verified: bool,
    pub language: String,
    /// `staff` or `portal`.
    pub kind: String,
    pub staff_role: Option<String>,
    pub two_factor_enabled: bool,
    /// How this session was proved (`pwd`, `otp`, `recovery`, `api_token`, `agent`).
    pub auth_methods: Vec<String>,
    /// Portal users: each company with the portal on, with roles, permissions and sections.
    pub companies: Vec<MeCompany>,
}

fn me_of(auth: &Auth) -> Me {
    Me {
        id: auth.user.id.0,
        email: auth.user.email.clone(),
        name: auth.user.name.clone(),
        phone: auth.user.phone.clone(),
        phone_verified: auth.user.phone.is_some() && auth.user.phone_verified_at.is_some(),
        language: auth.user.language.as_str().to_owned(),
        kind: if auth.principal.is_staff() { "staff" } else { "portal" }.to_owned(),
        staff_role: auth.user.staff_role.map(|r| r.as_str().to_owned()),
        two_factor_enabled: auth.user.has_totp(),
        auth_methods: auth.principal.amr.iter().map(|m| m.as_str().to_owned()).collect(),
        companies: auth
            .companies
            .iter()
            .map(|m| MeCompany {
                id: m.company.id.0,
                name: m.company.name.clone(),
                parent_company_id: m.company.parent_company_id.map(|c| c.0),
                roles: m.roles.iter().map(|r| r.as_str().to_owned()).collect(),
                permissions: m.roles.permissions().iter().map(|p| p.as_str().to_owned()).collect(),
                sections: sections(&m.roles, &m.settings).iter().map(|s| s.as_str().to_owned()).collect(),
                time_zone: m.settings.time_zone.clone(),
            })
            .collect(),
    }
}

/// Who am I: profile, and per company the roles, permissions and sections to draw a menu from.
#[utoipa::path(
    tag = "me",
    operation_id = "getMe",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem),
        (status = 403, description = "Portal disabled for every company of the user", body = Problem),
    )
)]
#[get("/api/v1/me")]
pub async fn get_me(auth: Auth) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json_body(me_of(&auth)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Pat Plus", "phone": "+41 44 123 45 67", "language": "de"}))]
pub struct UpdateMe {
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// The current phone number only: it changes through `PUT` / `DELETE /api/v1/me/phone`.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// One of en, fr, de, es, it.
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub language: Option<String>,
}

/// Change my name or language (the phone changes through `PUT /api/v1/me/phone`).
#[utoipa::path(
    tag = "me",
    operation_id = "updateMe",
    security(("bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated user", body = Me),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Read-only API token", body = Problem),
        (status = 422, description = "Invalid name or language, or a phone change (see `PUT /api/v1/me/phone`)", body = Problem),
    )
)]
#[patch("/api/v1/me")]
pub async fn update_me(state: web::Data<AppState>, mut auth: Auth, body: Json<UpdateMe>) -> ApiResult<HttpResponse> {
    body.validate()?;
    let body = body.into_inner();
    let name = match &body.name {
        Some(n) => parse_name("name", n)?,
        None => auth.user.name.clone(),
    };
    let phone = match &body.phone {
        Some(Some(p)) => Some(parse_phone(p)?),
        Some(None) => None,
        None => auth.user.phone.clone(),
    };
    // The phone proves a second factor: it changes only through `PUT /api/v1/me/phone`, which
    // asks for the current one.
    if phone != auth.user.phone {
        return Err(ApiError::invalid("phone", Message::new("rule-phone-by-endpoint")));
    }
    let language = match &body.language {
        Some(l) => Language::parse(l)?,
        None => auth.user.language,
    };
    let user = auth.user.id;
    let (n, p) = (name.clone(), phone.clone());
    state.run(move |conn| Ok(users::update_profile(conn, user, &n, p.as_deref(), language, Utc::now())?)).await?;
    auth.user.name = name;
    if auth.user.phone != phone {
        auth.user.phone_verified_at = None;
    }
    auth.user.phone = phone;
    auth.user.language = language;
    Ok(HttpResponse::Ok().json_body(me_of(&auth)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "my old passphrase", "new_password": "a brand new passphrase"}))]
pub struct ChangePassword {
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: String,
    pub new_password: String,
}

/// Change my password. Every session, access token and API token of the user ends; sign in
/// again. Wrong current passwords are throttled like sign-ins; API tokens may not call this.
#[utoipa::path(
    tag = "me",
    operation_id = "changePassword",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Wrong current password, or an API token", body = Problem),
        (status = 422, description = "New password refused by the policy", body = Problem),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<ChangePassword>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    if auth.principal.amr.contains(&AuthMethod::ApiToken) {
        return Err(ApiError::forbidden("forbidden-token-password"));
    }
    auth.principal.require_writable()?;
    let body = body.into_inner();
    let email = Email::parse(&auth.user.email).ok();
    NewPassword::parse(&body.new_password, email.as_ref()).map_err(|e| ApiError::invalid("new_password", e.message))?;
    let client = origin::of(&req);
    if !signin::check_current_password(&state, &auth, &client, body.current_password).await? {
        return Err(ApiError::forbidden("forbidden-wrong-password"));
    }
    let new_password = body.new_password;
    let hash = state
        .hasher
        .run(move |hasher| hasher.hash(&new_password))
        .await
        .map_err(ApiError::Internal)?
        .map_err(ApiError::Internal)?;
    let (user, tenant) = (auth.user.id, auth.tenant.id);
    state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                users::set_password_hash(conn, user, &hash, true, now)?;
                tokens::revoke_all_refresh(conn, user, now)?;
                audit::record(conn, &client.event(Some(tenant), Some(user), "password_changed"), now)?;
                signin::revoke_api_tokens(conn, &client, tenant, user, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "name": "nightly export", "read_only": true,
    "created_at": "2026-11-23T10:00:00Z", "expires_at": "2027-02-21T10:00:00Z", "revoked_at": null, "last_used_at": null}))]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    pub read_only: bool,
    pub created_at: chrono::DateTime<Utc>,
    pub expires_at: chrono::DateTime<Utc>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
    pub last_used_at: Option<chrono::DateTime<Utc>>,
}

impl From<ApiToken> for ApiTokenView {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.0,
            name: t.name,
            read_only: t.read_only,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "nightly export", "read_only": true, "expires_in_days": 90}))]
pub struct CreateApiToken {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub read_only: bool,
    /// 1 to 365 days.
    #[validate(range(min = 1, max = 365))]
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: i64,
}

/// A new API token; `token` is shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiToken {
    #[serde(flatten)]
    pub token_info: ApiTokenView,
    #[schema(example = "cdk_q8v0Wc5xXk3lY0r1b2Kc9hQmW7v6n5s4t3u2w1x0yZA")]
    pub token: String,
}

/// My API tokens (without their secrets): the newest 100, live or not, oldest first. A user
/// holds at most 50 live tokens, so every live one is listed.
#[utoipa::path(tag = "me", operation_id = "listApiTokens", security(("bearer" = [])),
    responses((status = 200, description = "The tokens", body = Paged<ApiTokenView>), (status = 401, description = "Not signed in", body = Problem)))]
#[get("/api/v1/me/api-tokens")]
pub async fn list_api_tokens(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let user = auth.user.id;
    let list = state.run(move |conn| Ok(tokens::list_api_tokens(conn, user)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list.into_iter().map(ApiTokenView::from).collect())))
}

/// Create an API token for an integration script. Needs a session signed in with a second factor.
/// A user holds at most 50 live tokens: revoke one to make room.
#[utoipa::path(tag = "me", operation_id = "createApiToken", security(("bearer" = [])), request_body = CreateApiToken,
    responses(
        (status = 201, description = "Created; the secret is in `token`", body = CreatedApiToken),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Session without a second factor, or an API token", body = Problem),
        (status = 409, description = "You already hold 50 live tokens", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/me/api-tokens")]
pub async fn create_api_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CreateApiToken>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_fresh_mfa_session()?;
    let client = origin::of(&req);
    let (user, tenant) = (auth.user.id, auth.tenant.id);
    let secret = secrets::new_api_token();
    let hash = secrets::fingerprint(&secret);
    let created = state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                if tokens::live_api_tokens(conn, user, now)? >= tokens::LIVE_API_TOKENS {
                    return Err(ApiError::Conflict(
                        Message::new("conflict-api-tokens-limit").arg("max", tokens::LIVE_API_TOKENS).into(),
                    ));
                }
                let t = tokens::insert_api_token(
                    conn,
                    tenant,
                    user,
                    body.name.trim(),
                    &hash,
                    body.read_only,
                    now,
                    now + Duration::days(body.expires_in_days),
                )?;
                let mut event = client.event(Some(tenant), Some(user), "api_token_created");
                event.target = Some(format!("api_token:{}", t.id));
                audit::record(conn, &event, now)?;
                Ok::<_, ApiError>(t)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(CreatedApiToken { token_info: created.into(), token: secret }))
}

/// Revoke one of my API tokens.
#[utoipa::path(tag = "me", operation_id = "revokeApiToken", security(("bearer" = [])),
    params(("token_id" = i64, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such live token of mine", body = Problem)))]
#[delete("/api/v1/me/api-tokens/{token_id}")]
pub async fn revoke_api_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_writable()?;
    let id = ApiTokenId(path.into_inner());
    let client = origin::of(&req);
    let (user, tenant) = (auth.user.id, auth.tenant.id);
    state
        .run(move |conn| {
            let now = Utc::now();
            if !tokens::revoke_api_token(conn, user, id, now)? {
                return Err(ApiError::NotFound);
            }
            let mut event = client.event(Some(tenant), Some(user), "api_token_revoked");
            event.target = Some(format!("api_token:{id}"));
            audit::record(conn, &event, now)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "123456"}))]
pub struct FreshCode {
    /// The current code of the authenticator app (omit when no second factor is set up yet).
    #[validate(length(min = 1, max = 16))]
    #[schema(min_length = 1, max_length = 16)]
    pub code: Option<String>,
}

/// Start (re-)enrolling an authenticator app. With a second factor already set up, a fresh code
/// of it is required; the old one keeps working until the new one is confirmed.
#[utoipa::path(tag = "me", operation_id = "startReenrolment", security(("bearer" = [])), request_body = FreshCode,
    responses(
        (status = 200, description = "Scan this, then confirm with a first code", body = EnrolmentStart),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Missing or wrong code, or an API token", body = Problem),
        (status = 429, description = "Too many wrong codes", body = Problem)))]
#[post("/api/v1/me/2fa/enrollment")]
pub async fn start_reenrolment(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<FreshCode>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    if auth.principal.amr.contains(&AuthMethod::ApiToken) {
        return Err(ApiError::forbidden("forbidden-token-second-factor"));
    }
    let (client, st, user) = (origin::of(&req), state.clone(), auth.user.id);
    let start = state
        .run(move |conn| {
            let now = Utc::now();
            let session = session::load(conn, user)?;
            if session.user.has_totp() {
                let code = body.code.as_deref().ok_or(ApiError::forbidden("forbidden-send-current-code"))?;
                signin::check_fresh_code(&st, conn, &session, &client, code, now)?;
            }
            signin::begin_enrolment(&st, conn, &session)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(start))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "123456"}))]
pub struct NewCode {
    /// A code of the newly scanned secret.
    #[validate(length(min = 1, max = 16))]
    #[schema(min_length = 1, max_length = 16)]
    pub code: String,
}

/// Confirm the new authenticator with its first code. Every other session ends; the answer
/// carries new tokens and ten new recovery codes.
#[utoipa::path(tag = "me", operation_id = "confirmReenrolment", security(("bearer" = [])), request_body = NewCode,
    responses(
        (status = 200, description = "Enrolled", body = EnrolmentDone),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 409, description = "Enrolment was not started", body = Problem),
        (status = 422, description = "The code does not match the new secret", body = Problem)))]
#[post("/api/v1/me/2fa/enrollment/confirm")]
pub async fn confirm_reenrolment(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<NewCode>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_writable()?;
    let (client, st, user) = (origin::of(&req), state.clone(), auth.user.id);
    let done = state
        .run(move |conn| {
            let now = Utc::now();
            let session = session::load(conn, user)?;
            signin::complete_enrolment(&st, conn, &session, &body.code, &client, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(done))
}

/// Switch two-factor sign-in off, with a fresh code; refused while any of the user's companies
/// (or, for staff, the tenant) requires it. Every session ends.
#[utoipa::path(tag = "me", operation_id = "disableTwoFactor", security(("bearer" = [])), request_body = NewCode,
    responses(
        (status = 204, description = "Switched off"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Policy requires 2FA, or the code is wrong", body = Problem),
        (status = 409, description = "No second factor is set up", body = Problem)))]
#[delete("/api/v1/me/2fa")]
pub async fn disable_two_factor(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<NewCode>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_fresh_mfa_session()?;
    let (client, st, user) = (origin::of(&req), state.clone(), auth.user.id);
    state
        .run(move |conn| {
            let now = Utc::now();
            let session = session::load(conn, user)?;
            if signin::two_factor_required(&session) {
                return Err(ApiError::forbidden("forbidden-two-factor-required"));
            }
            signin::check_fresh_code(&st, conn, &session, &client, &body.code, now)?;
            write_tx(conn, |conn| {
                users::set_totp(conn, user, None, None, now)?;
                users::replace_recovery_codes(conn, user, &[])?;
                tokens::revoke_all_refresh(conn, user, now)?;
                audit::record(conn, &client.event(Some(session.tenant.id), Some(user), "mfa_disabled"), now)?;
                signin::revoke_api_tokens(conn, &client, session.tenant.id, user, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
