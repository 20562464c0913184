//! Provider side: portal users, their memberships and roles, disabling; invitations and the
//! credential life cycle (set-password links, second-factor reset, address changes); and the
//! audit log.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::accounts::{self as account_cases, Invited, Invitee, Inviter, Mailer, PasswordLink};
use clientdesk_app::crypto::secrets;
use clientdesk_app::events::{self, Event};
use clientdesk_app::notify;
use clientdesk_domain::accounts::{
    default_roles, reissued_link, LinkPurpose, UserState, BULK_INVITATION_MAX, EMAIL_CONFIRMATION_LIFETIME,
};
use clientdesk_domain::entities::User;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::notifications::{AccountChange, Notice};
use clientdesk_domain::roles::RoleSet;
use clientdesk_domain::user::{parse_name, parse_phone, Email, Language};
use clientdesk_domain::webhook_payloads::UserData;
use clientdesk_persistence::{accounts, audit, companies, tokens, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::errors::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged, UpdatedFrom};
use crate::respond::JsonBody;
use crate::routes::auth::revoke_api_tokens;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(invite_users)
        .service(get_user)
        .service(update_user)
        .service(put_membership)
        .service(delete_membership)
        .service(disable_user)
        .service(enable_user)
        .service(send_password_link)
        .service(reset_two_factor)
        .service(list_audit_events);
}

/// Where a user stands: `invited` (no credential set yet), `active`, or `disabled`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(example = "active")]
pub enum AccountState {
    Invited,
    Active,
    Disabled,
}

impl From<UserState> for AccountState {
    fn from(state: UserState) -> Self {
        match state {
            UserState::Invited => Self::Invited,
            UserState::Active => Self::Active,
            UserState::Disabled => Self::Disabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub company_id: i64,
    #[schema(example = json!(["customer_approver"]))]
    pub roles: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "email": "ann@contoso.example", "name": "Ann Approver", "phone": null,
    "language": "en", "state": "active", "disabled": false, "two_factor_enabled": true, "pending_email": null,
    "memberships": [{"company_id": 1, "roles": ["customer_approver"]}]}))]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub language: String,
    pub state: AccountState,
    pub disabled: bool,
    pub two_factor_enabled: bool,
    /// A new address waiting for its confirmation link to be followed (24 hours).
    #[schema(example = json!(null))]
    pub pending_email: Option<String>,
    pub memberships: Vec<MembershipView>,
}

fn view(conn: &mut DbConnection, user: User) -> ApiResult<UserView> {
    let memberships = users::memberships_of(conn, user.id)?
        .into_iter()
        .map(|m| MembershipView {
            company_id: m.company_id.0,
            roles: m.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        })
        .collect();
    let pending_email = accounts::pending_email(conn, user.id, Utc::now())?;
    Ok(UserView {
        id: user.id.0,
        email: user.email.clone(),
        name: user.name.clone(),
        phone: user.phone.clone(),
        language: user.language.as_str().to_owned(),
        state: user.state().into(),
        disabled: user.disabled,
        two_factor_enabled: user.has_totp(),
        pending_email,
        memberships,
    })
}

/// A portal user of the caller's tenant (staff are not managed here): 404 otherwise.
fn portal_user(conn: &mut DbConnection, auth: &Auth, id: UserId) -> ApiResult<User> {
    let user = users::get(conn, auth.tenant.id, id)?;
    if user.staff_role.is_some() {
        return Err(ApiError::NotFound);
    }
    Ok(user)
}

fn mailer(state: &AppState) -> Mailer<'_> {
    Mailer { sealer: &state.sealer, links: &state.settings.links }
}

#[derive(Debug, Deserialize)]
pub struct UserFilter {
    pub company_id: Option<i64>,
    pub state: Option<String>,
}

/// List portal users, optionally of one company and in one state (staff).
#[utoipa::path(tag = "provider", operation_id = "listUsers", security(("bearer" = [])),
    params(PageQuery, UpdatedFrom, ("company_id" = Option<i64>, Query, description = "Only members of this company"),
        ("state" = Option<AccountState>, Query, description = "Only users in this state")),
    responses(
        (status = 200, description = "A page of users", body = Paged<UserView>),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Unknown state, bad limit or cursor", body = Problem)))]
#[get("/api/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    auth: Auth,
    page: crate::query::Query<PageQuery>,
    filter: crate::query::Query<UserFilter>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let since = since.into_inner().updated_from;
    let (limit, after) = page.resolve()?;
    let user_state = filter.state.as_deref().map(UserState::parse).transpose()?;
    let (tenant, company) = (auth.tenant.id, filter.company_id.map(CompanyId));
    let page = state
        .run(move |conn| {
            let page = users::list_portal(conn, tenant, company, user_state, since, after, limit)?;
            let items = page.items.into_iter().map(|u| view(conn, u)).collect::<ApiResult<Vec<_>>>()?;
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// A company contact a new user becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Primary,
    Billing,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"company_id": 1, "roles": ["customer_approver"]}))]
pub struct MembershipInput {
    pub company_id: i64,
    /// Default: `portal_user_plus` for a primary or billing contact, `portal_user` otherwise.
    #[validate(length(min = 1, max = 8))]
    #[schema(min_items = 1, max_items = 8)]
    pub roles: Option<Vec<String>>,
    /// Marks the user as the company's primary or billing contact (the other mark stays).
    pub contact: Option<ContactKind>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ann@contoso.example", "name": "Ann Approver", "language": "en",
    "memberships": [{"company_id": 1, "roles": ["customer_approver"]}, {"company_id": 2, "contact": "billing"}]}))]
pub struct CreateUser {
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(length(max = 40))]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// One of en, fr, de, es, it (default en): the language of the welcome e-mail.
    pub language: Option<String>,
    /// Empty or absent: the company whose registered e-mail domain the address is in.
    #[validate(length(max = 50), nested)]
    pub memberships: Option<Vec<MembershipInput>>,
}

/// An invitation, checked.
struct Invitation {
    invitee: Invitee,
    memberships: Vec<(CompanyId, RoleSet, Option<ContactKind>)>,
}

fn check_invitation(body: CreateUser) -> ApiResult<Invitation> {
    body.validate()?;
    let invitee = Invitee::parse(&body.email, &body.name, body.phone.as_deref(), body.language.as_deref())?;
    let memberships = body
        .memberships
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let roles = match &m.roles {
                Some(roles) => RoleSet::parse_all(roles)?,
                None => default_roles(m.contact.is_some()),
            };
            Ok((CompanyId(m.company_id), roles, m.contact))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Invitation { invitee, memberships })
}

/// Invites one contact inside the caller's transaction and marks it as the contact it is named;
/// audits a created user.
fn invite_one(
    conn: &mut DbConnection,
    mailer: Mailer<'_>,
    auth: &Auth,
    client: &clientdesk_app::origin::Origin,
    invitation: &Invitation,
    now: DateTime<Utc>,
) -> ApiResult<Invited> {
    let tenant = auth.tenant.id;
    let mut named = Vec::with_capacity(invitation.memberships.len());
    for (id, roles, _) in &invitation.memberships {
        let company = companies::get(conn, tenant, *id).map_err(|e| match e {
            clientdesk_persistence::Error::NotFound => {
                ApiError::invalid("memberships", Message::new("rule-company-named-unknown").arg("id", id.to_string()))
            }
            other => other.into(),
        })?;
        named.push((company, roles.clone()));
    }
    let inviter = Inviter::Staff { name: &auth.user.name };
    let invited = account_cases::invite(conn, mailer, inviter, tenant, &invitation.invitee, &named, now)?;
    if let Invited::Created(user) = &invited {
        for (id, _, contact) in &invitation.memberships {
            let Some(kind) = contact else { continue };
            let company = companies::get(conn, tenant, *id)?;
            let (primary, billing) = match kind {
                ContactKind::Primary => (Some(user.id), company.billing_contact_id),
                ContactKind::Billing => (company.primary_contact_id, Some(user.id)),
            };
            accounts::set_company_contacts(conn, *id, primary, billing, now)?;
        }
        let companies = users::memberships_of(conn, user.id)?
            .iter()
            .map(|m| format!("company:{}", m.company_id))
            .collect::<Vec<_>>()
            .join(" ");
        client.record_change(conn, auth, "user_invited", format!("user:{}", user.id), Some(companies))?;
    }
    Ok(invited)
}

/// Invite a portal user (provider admin): the user is created `invited` with its memberships,
/// and a welcome e-mail in its language carries a link to set the first password (7 days). The
/// link travels by e-mail only. A company's primary or billing contact gets `portal_user_plus`
/// unless roles are named; with no membership, the company whose registered e-mail domain the
/// address is in.
#[utoipa::path(tag = "provider", operation_id = "createUser", security(("bearer" = [])), request_body = CreateUser,
    responses(
        (status = 201, description = "Invited", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 409, description = "A user with that e-mail exists in this tenant", body = Problem),
        (status = 422, description = "Invalid input, unknown company or role, or no company for the address (`memberships`)", body = Problem)))]
#[post("/api/v1/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let invitation = check_invitation(body.into_inner())?;
    let (client, st) = (origin::of(&req), state.clone());
    let created = state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| match invite_one(conn, mailer(&st), &auth, &client, &invitation, now)? {
                Invited::Created(user) => view(conn, user),
                Invited::AlreadyExists(_) => Err(ApiError::conflict("conflict-user-email-exists")),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(created))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"invitations": [
    {"email": "ann@contoso.example", "name": "Ann Approver", "memberships": [{"company_id": 1, "contact": "primary"}]},
    {"email": "bob@contoso.example", "name": "Bob", "language": "de"}]}))]
pub struct BulkInvitations {
    /// Up to 500 rows, each shaped as a single invitation (`POST /api/v1/users`).
    #[schema(value_type = Vec<CreateUser>)]
    pub invitations: Vec<serde_json::Value>,
}

/// What became of one row of a bulk invitation.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationOutcome {
    Created,
    AlreadyExists,
    Invalid,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"index": 0, "email": "ann@contoso.example", "outcome": "created", "user_id": 42}))]
pub struct InvitationResult {
    /// The row's position in the request, from 0.
    pub index: usize,
    /// The row's address as sent (null when it has none).
    pub email: Option<String>,
    pub outcome: InvitationOutcome,
    /// The new user, or the one that already has the address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// Why the row was refused (`invalid` only); pointers are into the row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"results": [
    {"index": 0, "email": "ann@contoso.example", "outcome": "created", "user_id": 42},
    {"index": 1, "email": "pat.user@demo.example", "outcome": "already_exists", "user_id": 12},
    {"index": 2, "email": "not-an-address", "outcome": "invalid", "errors": [{"pointer": "/email", "code": "format", "detail": "must be an e-mail address"}]}]}))]
pub struct BulkInvitationResults {
    /// One result per row, in the order of the rows.
    pub results: Vec<InvitationResult>,
}

fn field_errors(err: ApiError) -> ApiResult<Vec<FieldError>> {
    match err {
        ApiError::Invalid(errors) => Ok(errors),
        other => Err(other),
    }
}

/// Invite many contacts at once (provider admin): each row as a single invitation, up to 500.
/// Each row stands alone: a refused row leaves nothing behind and the others are still made.
/// The answer lists one result per row, in order.
#[utoipa::path(tag = "accounts", operation_id = "inviteUsers", security(("bearer" = [])), request_body = BulkInvitations,
    responses(
        (status = 200, description = "One result per row", body = BulkInvitationResults),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 422, description = "No rows or more than 500 (`invitations`), or a malformed body", body = Problem)))]
#[post("/api/v1/users/invitations")]
pub async fn invite_users(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<BulkInvitations>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let rows = body.into_inner().invitations;
    if rows.is_empty() || rows.len() > BULK_INVITATION_MAX {
        return Err(ApiError::invalid("invitations", Message::new("rule-rows-count").arg("max", BULK_INVITATION_MAX)));
    }
    let checked = rows
        .into_iter()
        .map(|row| {
            let email = row.get("email").and_then(|e| e.as_str()).map(|e| e.trim().to_owned());
            let invitation = serde_json::from_value::<CreateUser>(row)
                .map_err(|e| ApiError::invalid("invitation", crate::json::parser_detail(&e.to_string())))
                .and_then(check_invitation);
            (email, invitation)
        })
        .collect::<Vec<_>>();
    let (client, st) = (origin::of(&req), state.clone());
    let results = state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let mut results = Vec::with_capacity(checked.len());
                for (index, (email, invitation)) in checked.into_iter().enumerate() {
                    let done = invitation.and_then(|invitation| {
                        accounts::savepoint(conn, |conn| {
                            invite_one(conn, mailer(&st), &auth, &client, &invitation, now)
                        })
                    });
                    let (outcome, user_id, errors) = match done {
                        Ok(Invited::Created(user)) => (InvitationOutcome::Created, Some(user.id.0), None),
                        Ok(Invited::AlreadyExists(id)) => (InvitationOutcome::AlreadyExists, Some(id.0), None),
                        // A parallel request took the address meanwhile.
                        Err(ApiError::Conflict(_)) => (InvitationOutcome::AlreadyExists, None, None),
                        Err(err) => (InvitationOutcome::Invalid, None, Some(field_errors(err)?)),
                    };
                    results.push(InvitationResult { index, email, outcome, user_id, errors });
                }
                let count = |o: fn(&InvitationOutcome) -> bool| results.iter().filter(|r| o(&r.outcome)).count();
                let detail = format!(
                    "created {}, already existing {}, invalid {}",
                    count(|o| matches!(o, InvitationOutcome::Created)),
                    count(|o| matches!(o, InvitationOutcome::AlreadyExists)),
                    count(|o| matches!(o, InvitationOutcome::Invalid)),
                );
                client.record_change(conn, &auth, "users_invited", "users".to_owned(), Some(detail))?;
                Ok(BulkInvitationResults { results })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(results))
}

/// Read a portal user (staff).
#[utoipa::path(tag = "provider", operation_id = "getUser", security(("bearer" = [])), params(("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such portal user in this tenant", body = Problem)))]
#[get("/api/v1/users/{user_id}")]
pub async fn get_user(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let id = UserId(path.into_inner());
    let user = state
        .run(move |conn| {
            let u = portal_user(conn, &auth, id)?;
            view(conn, u)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ann Approver-Smith", "phone": "+41 44 123 45 67", "language": "de",
    "email": "ann.smith@contoso.example"}))]
pub struct UpdateUser {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// `null` removes the phone number.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// One of en, fr, de, es, it.
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub language: Option<String>,
    /// A new sign-in address: it applies once the link mailed to it is followed (24 hours).
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub email: Option<String>,
}

/// Change a portal user's name, phone, language or e-mail address (provider admin). A new
/// address is not applied at once: a confirmation link (24 hours) goes to it, and `pending_email`
/// shows it meanwhile; following the link (`POST /api/v1/auth/email-confirmation`) applies it.
#[utoipa::path(tag = "accounts", operation_id = "updateUser", security(("bearer" = [])),
    params(("user_id" = i64, Path)), request_body = UpdateUser,
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such portal user in this tenant", body = Problem),
        (status = 409, description = "Another user of this tenant has that e-mail address", body = Problem),
        (status = 422, description = "Invalid name, phone, language or address", body = Problem)))]
#[patch("/api/v1/users/{user_id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<UpdateUser>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    body.validate()?;
    let body = body.into_inner();
    let name = body.name.as_deref().map(|n| parse_name("name", n)).transpose()?;
    let phone = match &body.phone {
        Some(Some(p)) => Some(Some(parse_phone(p)?)),
        Some(None) => Some(None),
        None => None,
    };
    let language = body.language.as_deref().map(Language::parse).transpose()?;
    let email = body.email.as_deref().map(Email::parse).transpose()?;
    let (id, client, st) = (UserId(path.into_inner()), origin::of(&req), state.clone());
    let user = state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let user = portal_user(conn, &auth, id)?;
                let mut changed = Vec::new();
                if name.is_some() || phone.is_some() || language.is_some() {
                    let new_name = name.clone().unwrap_or_else(|| user.name.clone());
                    let new_phone = phone.clone().unwrap_or_else(|| user.phone.clone());
                    let new_language = language.unwrap_or(user.language);
                    for (field, differs) in [
                        ("name", new_name != user.name),
                        ("phone", new_phone != user.phone),
                        ("language", new_language != user.language),
                    ] {
                        if differs {
                            changed.push(field);
                        }
                    }
                    users::update_profile(conn, id, &new_name, new_phone.as_deref(), new_language, now)?;
                }
                if !changed.is_empty() {
                    client.record_change(conn, &auth, "user_updated", format!("user:{id}"), Some(changed.join(" ")))?;
                }
                if let Some(email) = email.filter(|e| e.as_str() != user.email) {
                    start_email_change(conn, mailer(&st), &user, &email, now)?;
                    client.record_change(conn, &auth, "email_change_started", format!("user:{id}"), None)?;
                }
                let user = users::get(conn, auth.tenant.id, id)?;
                view(conn, user)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

/// Keeps `email` as the user's next address and mails the link that confirms it to that address.
fn start_email_change(
    conn: &mut DbConnection,
    mailer: Mailer<'_>,
    user: &User,
    email: &Email,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    match users::find_by_email(conn, user.tenant_id, email.as_str()) {
        Ok(_) => return Err(ApiError::conflict("conflict-email-taken")),
        Err(clientdesk_persistence::Error::NotFound) => {}
        Err(other) => return Err(other.into()),
    }
    let token = secrets::random_token(32);
    let expires = now + EMAIL_CONFIRMATION_LIFETIME;
    accounts::start_email_change(conn, user.id, email.as_str(), &secrets::fingerprint(&token), now, expires)?;
    let url = mailer.links.confirm_email(&token);
    let notice =
        Notice::EmailConfirmation { recipient: &user.name, url: &url, hours: EMAIL_CONFIRMATION_LIFETIME.num_hours() };
    notify::sealed_email(conn, mailer.sealer, user.tenant_id, email.as_str(), user.language, &notice, &[&token], now)?;
    Ok(())
}

/// Mail a portal user a new link to set its password (provider admin): an invited user gets
/// its invitation again (7 days), an active one a reset link (1 hour). A link sent before stops
/// working.
#[utoipa::path(tag = "accounts", operation_id = "sendPasswordLink", security(("bearer" = [])),
    params(("user_id" = i64, Path)),
    responses(
        (status = 202, description = "The link is on its way"),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such portal user in this tenant", body = Problem),
        (status = 409, description = "The user is disabled", body = Problem)))]
#[post("/api/v1/users/{user_id}/password-link")]
pub async fn send_password_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, client, st) = (UserId(path.into_inner()), origin::of(&req), state.clone());
    state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let user = portal_user(conn, &auth, id)?;
                let purpose =
                    reissued_link(user.state()).ok_or_else(|| ApiError::conflict("conflict-user-disabled"))?;
                match purpose {
                    LinkPurpose::Invitation => {
                        let company = match users::memberships_of(conn, id)?.first() {
                            Some(m) => companies::get(conn, auth.tenant.id, m.company_id)?.name,
                            None => auth.tenant.name.clone(),
                        };
                        let link = PasswordLink::Invitation { inviter: &auth.user.name, company: &company };
                        account_cases::send_password_link(conn, mailer(&st), &user, link, now)?;
                    }
                    LinkPurpose::Reset => {
                        account_cases::send_password_link(conn, mailer(&st), &user, PasswordLink::Reset, now)?;
                    }
                }
                client.record_change(
                    conn,
                    &auth,
                    "password_link_sent",
                    format!("user:{id}"),
                    Some(purpose.as_str().to_owned()),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Reset a portal user's second factor (provider admin): its authenticator secret and recovery
/// codes are removed, every session, refresh token and API token of the user ends, and the user
/// is told by e-mail. Where policy requires a second factor, the next sign-in enrols again.
#[utoipa::path(tag = "accounts", operation_id = "resetTwoFactor", security(("bearer" = [])),
    params(("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The user, without a second factor", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such portal user in this tenant", body = Problem)))]
#[delete("/api/v1/users/{user_id}/2fa")]
pub async fn reset_two_factor(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, client) = (UserId(path.into_inner()), origin::of(&req));
    let user = state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let user = portal_user(conn, &auth, id)?;
                // Removes the pending secret too, and ends every access token issued before.
                users::set_totp(conn, id, None, None, now)?;
                users::replace_recovery_codes(conn, id, &[])?;
                tokens::revoke_all_refresh(conn, id, now)?;
                client.record_change(conn, &auth, "mfa_reset", format!("user:{id}"), None)?;
                revoke_api_tokens(conn, &client, auth.tenant.id, id, now)?;
                account_cases::tell(conn, &user, AccountChange::TwoFactorReset, now)?;
                let user = users::get(conn, auth.tenant.id, id)?;
                view(conn, user)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["portal_user_plus", "customer_approver"]}))]
pub struct RolesInput {
    /// The whole set of roles in the company afterwards.
    #[validate(length(min = 1, max = 8))]
    #[schema(min_items = 1, max_items = 8)]
    pub roles: Vec<String>,
}

/// Add the user to a company or replace its roles there (provider admin). The user's access
/// tokens issued before are refused from now on.
#[utoipa::path(tag = "provider", operation_id = "putMembership", security(("bearer" = [])),
    params(("user_id" = i64, Path), ("company_id" = i64, Path)), request_body = RolesInput,
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such user or company in this tenant", body = Problem),
        (status = 422, description = "Unknown or no role", body = Problem)))]
#[put("/api/v1/users/{user_id}/memberships/{company_id}")]
pub async fn put_membership(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<RolesInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_provider_admin()?;
    let roles = RoleSet::parse_all(&body.roles)?;
    let (user_id, company_id) = path.into_inner();
    let (user_id, company_id, client) = (UserId(user_id), CompanyId(company_id), origin::of(&req));
    let user = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let user = portal_user(conn, &auth, user_id)?;
                companies::get(conn, auth.tenant.id, company_id)?;
                users::upsert_membership(conn, auth.tenant.id, user_id, company_id, &roles, Utc::now())?;
                client.record_change(
                    conn,
                    &auth,
                    "membership_changed",
                    format!("user:{user_id}"),
                    Some(format!("company:{company_id} roles:{}", roles.to_stored())),
                )?;
                view(conn, user)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

/// Remove the user from a company (provider admin).
#[utoipa::path(tag = "provider", operation_id = "deleteMembership", security(("bearer" = [])),
    params(("user_id" = i64, Path), ("company_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such user, company or membership", body = Problem)))]
#[delete("/api/v1/users/{user_id}/memberships/{company_id}")]
pub async fn delete_membership(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (user_id, company_id) = path.into_inner();
    let (user_id, company_id, client) = (UserId(user_id), CompanyId(company_id), origin::of(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                portal_user(conn, &auth, user_id)?;
                if !users::delete_membership(conn, user_id, company_id, Utc::now())? {
                    return Err(ApiError::NotFound);
                }
                client.record_change(
                    conn,
                    &auth,
                    "membership_removed",
                    format!("user:{}", user_id),
                    Some(format!("company:{company_id}")),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn set_disabled(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: i64,
    disabled: bool,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, client) = (UserId(id), origin::of(&req));
    let user = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let before = portal_user(conn, &auth, id)?;
                let now = Utc::now();
                users::set_disabled(conn, id, disabled, now)?;
                if disabled {
                    tokens::revoke_all_refresh(conn, id, now)?;
                }
                client.record_change(
                    conn,
                    &auth,
                    if disabled { "user_disabled" } else { "user_enabled" },
                    format!("user:{}", id),
                    None,
                )?;
                if before.disabled != disabled {
                    let change = if disabled { AccountChange::Disabled } else { AccountChange::Enabled };
                    account_cases::tell(conn, &before, change, now)?;
                }
                if disabled && !before.disabled {
                    let user = UserData { user_id: id.0, company_id: None };
                    events::emit(conn, auth.tenant.id, Event::UserDisabled(user))?;
                }
                let user = users::get(conn, auth.tenant.id, id)?;
                view(conn, user)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

/// Disable a portal user (provider admin): its sessions and tokens stop working at once, and
/// the user is told by e-mail.
#[utoipa::path(tag = "provider", operation_id = "disableUser", security(("bearer" = [])), params(("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such portal user", body = Problem)))]
#[post("/api/v1/users/{user_id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_disabled(state, req, auth, path.into_inner(), true).await
}

/// Enable a disabled portal user again (provider admin); the user is told by e-mail.
#[utoipa::path(tag = "provider", operation_id = "enableUser", security(("bearer" = [])), params(("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such portal user", body = Problem)))]
#[post("/api/v1/users/{user_id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_disabled(state, req, auth, path.into_inner(), false).await
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 41, "actor_user_id": 3, "action": "signin_failed", "target": "ann@contoso.example",
    "ip": "203.0.113.7", "user_agent": "curl/8.5", "factor": "pwd", "detail": null, "created_at": "2026-11-23T10:00:00Z"}))]
pub struct AuditEventView {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub factor: Option<String>,
    pub detail: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct AuditFilter {
    pub action: Option<String>,
}

/// The tenant's audit events, newest first (provider admin).
#[utoipa::path(tag = "provider", operation_id = "listAuditEvents", security(("bearer" = [])),
    params(PageQuery, ("action" = Option<String>, Query, description = "Only events of this action, e.g. signin_failed")),
    responses(
        (status = 200, description = "A page of events", body = Paged<AuditEventView>),
        (status = 403, description = "Not a provider admin", body = Problem)))]
#[get("/api/v1/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    auth: Auth,
    page: crate::query::Query<PageQuery>,
    filter: crate::query::Query<AuditFilter>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin_role()?;
    let (limit, before) = page.resolve()?;
    let (tenant, action) = (auth.tenant.id, filter.into_inner().action);
    let page = state.run(move |conn| Ok(audit::list(conn, tenant, action.as_deref(), before, limit)?)).await?;
    let items = page
        .items
        .into_iter()
        .map(|e| AuditEventView {
            id: e.id,
            actor_user_id: e.actor_user_id.map(|u| u.0),
            action: e.action,
            target: e.target,
            ip: e.ip,
            user_agent: e.user_agent,
            factor: e.factor,
            detail: e.detail,
            created_at: e.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json_body(Paged { items, next_cursor: cursor(page.next_after) }))
}
