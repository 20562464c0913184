//! A company's contacts, and its portal admin administering the company's logins: inviting,
//! changing roles, suspending a login's access to this one company. The provider admin may do
//! the same for any company of the tenant. A customer acts within its own company only (any
//! other answers 404, as if it did not exist), never on itself and never on staff.
//!
//! Suspending sends no e-mail: the account notices ("your account was disabled / enabled") speak
//! of the whole account, while a suspension ends access to one company only and the user's
//! other companies keep working; the user learns of it by that company missing from its portal.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::accounts::{self as use_cases, Invited, Invitee, Inviter, Mailer};
use clientdesk_app::events::{self, Event};
use clientdesk_domain::accounts::{
    default_roles, may_disable, may_manage_logins, may_set_roles, sees_all_contacts, Manager, Refusal, UserState,
};
use clientdesk_domain::entities::Company;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::{Role, RoleSet};
use clientdesk_domain::webhook_payloads::UserData;
use clientdesk_persistence::accounts::{self, Contact, ContactFilter};
use clientdesk_persistence::{companies, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged, UpdatedFrom};
use crate::respond::JsonBody;
use crate::routes::users::RolesInput;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_contacts)
        .service(invite_contact)
        .service(set_contact_roles)
        .service(suspend_contact)
        .service(resume_contact);
}

/// One contact of a company: its roles in this company only, never its other memberships, and
/// never a credential.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "name": "Ann Approver", "email": "ann@contoso.example", "phone": null,
    "roles": ["customer_approver"], "state": "active", "suspended": false,
    "primary_contact": true, "billing_contact": false}))]
pub struct ContactView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    /// The contact's roles in this company.
    #[schema(example = json!(["portal_user"]))]
    pub roles: Vec<String>,
    /// `invited` (no password yet), `active`, or `disabled` (the account, or its access to this
    /// company: then `suspended` is true).
    #[schema(example = "active")]
    pub state: String,
    /// Whether the contact's access to this company is suspended.
    pub suspended: bool,
    pub primary_contact: bool,
    pub billing_contact: bool,
}

pub(crate) fn contact_view(contact: Contact, company: &Company) -> ContactView {
    ContactView {
        id: contact.id.0,
        state: UserState::of(contact.disabled || contact.suspended, contact.activated).as_str().to_owned(),
        suspended: contact.suspended,
        primary_contact: company.primary_contact_id == Some(contact.id),
        billing_contact: company.billing_contact_id == Some(contact.id),
        roles: role_names(&contact.roles),
        name: contact.name,
        email: contact.email,
        phone: contact.phone,
    }
}

pub(crate) fn role_names(roles: &RoleSet) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

/// How the caller stands towards a company: staff of the tenant, or a member with its roles
/// there. A company the caller is no member of is answered 404.
pub(crate) enum Standing {
    Staff,
    Member(RoleSet),
}

pub(crate) fn standing(auth: &Auth, company: CompanyId) -> ApiResult<Standing> {
    if auth.principal.is_staff() {
        return Ok(Standing::Staff);
    }
    let (member, _) = auth.company(company)?;
    Ok(Standing::Member(member.roles.clone()))
}

/// The company, read afresh (its contacts may have changed since the session was loaded); 404
/// outside the caller's tenant.
pub(crate) fn company_of(conn: &mut DbConnection, auth: &Auth, id: CompanyId) -> ApiResult<Company> {
    Ok(companies::get(conn, auth.tenant.id, id)?)
}

/// The caller as a manager of the company's logins: staff must be the provider admin.
fn manager<'a>(auth: &Auth, standing: &'a Standing, target: Option<UserId>) -> ApiResult<Manager<'a>> {
    match standing {
        Standing::Staff => {
            auth.principal.require_provider_admin()?;
            Ok(Manager::ProviderAdmin)
        }
        Standing::Member(roles) => Ok(Manager::Customer { roles, is_target: target == Some(auth.user.id) }),
    }
}

pub(crate) fn refused(refusal: Refusal) -> ApiError {
    clientdesk_app::Error::from(refusal).into()
}

/// Whether the contact counts among the company's portal admins with `roles`.
fn counts_as_admin(contact: &Contact, roles: &RoleSet) -> bool {
    roles.contains(Role::PortalAdmin) && !contact.disabled && !contact.suspended
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Only contacts in this state: `invited`, `active` or `disabled` (suspended included).
    pub state: Option<String>,
    /// Only contacts whose name or e-mail address contains this text.
    pub q: Option<String>,
}

/// The company's contacts. Staff and members who see all contacts (`portal_user_plus` and
/// above) get every entry; a `portal_user` gets its own only.
#[utoipa::path(tag = "accounts", operation_id = "listContacts", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery, ContactQuery, UpdatedFrom),
    responses(
        (status = 200, description = "A page of contacts, by id", body = Paged<ContactView>),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 422, description = "Invalid state, search text or paging", body = Problem)))]
#[get("/api/v1/companies/{company_id}/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
    query: crate::query::Query<ContactQuery>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    let company_id = CompanyId(path.into_inner());
    let (limit, after) = page.resolve()?;
    let query = query.into_inner();
    let wanted = query.state.as_deref().map(UserState::parse).transpose()?;
    let text = query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ApiError::invalid_parameter("q", Message::new("rule-max-chars").arg("max", 200)));
    }
    let only = match standing(&auth, company_id)? {
        Standing::Staff => None,
        Standing::Member(roles) => (!sees_all_contacts(&roles)).then_some(auth.user.id),
    };
    let page = state
        .run(move |conn| {
            let company = company_of(conn, &auth, company_id)?;
            let filter =
                ContactFilter { only, state: wanted, text: text.as_deref(), updated_since: since.updated_from };
            let page = accounts::contacts(conn, company_id, &filter, after, limit)?;
            let items = page.items.into_iter().map(|c| contact_view(c, &company)).collect();
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "bob@contoso.example", "name": "Bob Builder", "language": "de",
    "roles": ["portal_user"]}))]
pub struct InviteContact {
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(length(max = 40))]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// The language of the welcome e-mail and the portal (default `en`).
    #[schema(example = "en")]
    pub language: Option<String>,
    /// The contact's roles in the company (default `portal_user`).
    #[validate(length(min = 1, max = 8))]
    #[schema(min_items = 1, max_items = 8)]
    pub roles: Option<Vec<String>>,
}

/// Invite a contact into the company (its portal admin, or the provider admin): it is created
/// `invited` and mailed a welcome with a link to set its first password. A customer hands out
/// `portal_admin` only where the tenant lets customers.
#[utoipa::path(tag = "accounts", operation_id = "inviteContact", security(("bearer" = [])),
    params(("company_id" = i64, Path)), request_body = InviteContact,
    responses(
        (status = 201, description = "Invited", body = ContactView),
        (status = 403, description = "Not the company's portal admin nor the provider admin", body = Problem),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 409, description = "A user with this address exists", body = Problem),
        (status = 422, description = "Invalid input, a role the caller may not grant, or an address of another \
            company's registered e-mail domain", body = Problem)))]
#[post("/api/v1/companies/{company_id}/invitations")]
pub async fn invite_contact(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<InviteContact>,
) -> ApiResult<HttpResponse> {
    let company_id = CompanyId(path.into_inner());
    let standing = standing(&auth, company_id)?;
    may_manage_logins(manager(&auth, &standing, None)?).map_err(refused)?;
    body.validate()?;
    let body = body.into_inner();
    let invitee = Invitee::parse(&body.email, &body.name, body.phone.as_deref(), body.language.as_deref())?;
    let roles = body.roles.as_deref().map(RoleSet::parse_all).transpose()?.unwrap_or_else(|| default_roles(false));
    let (client, shared) = (origin::of(&req), state.clone());
    let contact = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let company = company_of(conn, &auth, company_id)?;
                let policy = accounts::policy(conn, auth.tenant.id)?;
                let admins = accounts::count_portal_admins(conn, company_id)? as usize;
                let admins_after = admins + usize::from(roles.contains(Role::PortalAdmin));
                may_set_roles(manager(&auth, &standing, None)?, policy, None, &roles, admins_after).map_err(refused)?;
                let mailer = Mailer { sealer: &shared.sealer, links: &shared.settings.links };
                let inviter = match &standing {
                    Standing::Staff => Inviter::Staff { name: &auth.user.name },
                    Standing::Member(_) => Inviter::Customer { name: &auth.user.name, company: &company },
                };
                let memberships = [(company.clone(), roles.clone())];
                let user = match use_cases::invite(conn, mailer, inviter, auth.tenant.id, &invitee, &memberships, now)?
                {
                    Invited::Created(user) => user,
                    Invited::AlreadyExists(_) => return Err(ApiError::conflict("conflict-user-exists")),
                };
                client.record_change(
                    conn,
                    &auth,
                    "contact_invited",
                    format!("user:{}", user.id),
                    Some(format!("company:{company_id} roles:{}", roles.to_stored())),
                )?;
                Ok(contact_view(accounts::contact(conn, company_id, user.id)?, &company))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(contact))
}

/// Replace a contact's roles in the company (its portal admin, or the provider admin). A
/// customer changes neither its own roles nor takes the company's last portal admin away, and
/// hands out `portal_admin` only where the tenant lets customers. The contact's access tokens
/// issued before are refused from now on.
#[utoipa::path(tag = "accounts", operation_id = "setContactRoles", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("user_id" = i64, Path)), request_body = RolesInput,
    responses(
        (status = 200, description = "The contact", body = ContactView),
        (status = 403, description = "Not the company's portal admin nor the provider admin, or the caller's own \
            roles", body = Problem),
        (status = 404, description = "Not a company of the caller, or no contact of it", body = Problem),
        (status = 409, description = "It would leave the company without a portal admin", body = Problem),
        (status = 422, description = "Unknown or no role, or a role the caller may not grant", body = Problem)))]
#[put("/api/v1/companies/{company_id}/contacts/{user_id}/roles")]
pub async fn set_contact_roles(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<RolesInput>,
) -> ApiResult<HttpResponse> {
    let (company_id, user_id) = path.into_inner();
    let (company_id, user_id, client) = (CompanyId(company_id), UserId(user_id), origin::of(&req));
    let standing = standing(&auth, company_id)?;
    may_manage_logins(manager(&auth, &standing, None)?).map_err(refused)?;
    body.validate()?;
    let roles = RoleSet::parse_all(&body.roles)?;
    let contact = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let company = company_of(conn, &auth, company_id)?;
                let target = accounts::contact(conn, company_id, user_id)?;
                let policy = accounts::policy(conn, auth.tenant.id)?;
                let admins = accounts::count_portal_admins(conn, company_id)? as usize;
                let admins_after = admins.saturating_sub(usize::from(counts_as_admin(&target, &target.roles)))
                    + usize::from(counts_as_admin(&target, &roles));
                let manager = manager(&auth, &standing, Some(user_id))?;
                may_set_roles(manager, policy, Some(&target.roles), &roles, admins_after).map_err(refused)?;
                if roles != target.roles {
                    users::upsert_membership(conn, auth.tenant.id, user_id, company_id, &roles, now)?;
                    client.record_change(
                        conn,
                        &auth,
                        "contact_roles_changed",
                        format!("user:{user_id}"),
                        Some(format!("company:{company_id} roles:{}", roles.to_stored())),
                    )?;
                }
                Ok(contact_view(accounts::contact(conn, company_id, user_id)?, &company))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(contact))
}

/// Suspends or resumes a contact's access to one company. No e-mail: see the module doc.
async fn set_suspended(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    (company_id, user_id): (i64, i64),
    suspended: bool,
) -> ApiResult<HttpResponse> {
    let (company_id, user_id, client) = (CompanyId(company_id), UserId(user_id), origin::of(&req));
    let standing = standing(&auth, company_id)?;
    may_manage_logins(manager(&auth, &standing, None)?).map_err(refused)?;
    let contact = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let company = company_of(conn, &auth, company_id)?;
                let target = accounts::contact(conn, company_id, user_id)?;
                let manager = manager(&auth, &standing, Some(user_id))?;
                if suspended {
                    let is_admin = counts_as_admin(&target, &target.roles);
                    let admins = accounts::count_portal_admins(conn, company_id)? as usize;
                    may_disable(manager, is_admin, admins.saturating_sub(usize::from(is_admin))).map_err(refused)?;
                } else {
                    may_manage_logins(manager).map_err(refused)?;
                }
                if target.suspended != suspended {
                    accounts::set_membership_suspended(conn, user_id, company_id, suspended, now)?;
                    client.record_change(
                        conn,
                        &auth,
                        if suspended { "contact_suspended" } else { "contact_resumed" },
                        format!("user:{user_id}"),
                        Some(format!("company:{company_id}")),
                    )?;
                    // A suspension disables the login for this company: `user.disabled` with it.
                    if suspended {
                        let user = UserData { user_id: user_id.0, company_id: Some(company_id.0) };
                        events::emit(conn, auth.tenant.id, Event::UserDisabled(user))?;
                    }
                }
                Ok(contact_view(accounts::contact(conn, company_id, user_id)?, &company))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(contact))
}

/// Suspend a contact's access to this company (its portal admin, or the provider admin): its
/// other companies keep working. Never one's own, nor the company's last portal admin for a
/// customer. The contact's access tokens issued before are refused from now on.
#[utoipa::path(tag = "accounts", operation_id = "suspendContact", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The contact", body = ContactView),
        (status = 403, description = "Not the company's portal admin nor the provider admin, or the caller itself",
            body = Problem),
        (status = 404, description = "Not a company of the caller, or no contact of it", body = Problem),
        (status = 409, description = "It would leave the company without a portal admin", body = Problem)))]
#[post("/api/v1/companies/{company_id}/contacts/{user_id}/suspend")]
pub async fn suspend_contact(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    set_suspended(state, req, auth, path.into_inner(), true).await
}

/// Give a suspended contact its access to this company back (its portal admin, or the provider
/// admin).
#[utoipa::path(tag = "accounts", operation_id = "resumeContact", security(("bearer" = [])),
    params(("company_id" = i64, Path), ("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The contact", body = ContactView),
        (status = 403, description = "Not the company's portal admin nor the provider admin, or the caller itself",
            body = Problem),
        (status = 404, description = "Not a company of the caller, or no contact of it", body = Problem)))]
#[post("/api/v1/companies/{company_id}/contacts/{user_id}/resume")]
pub async fn resume_contact(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    set_suspended(state, req, auth, path.into_inner(), false).await
}
