//! Account use cases shared by staff and customer administrators: inviting a contact, and
//! mailing the single-use links that set a password. Each runs inside the caller's transaction.

use crate::events::{self, Event};
use chrono::{DateTime, Utc};
use clientdesk_domain::accounts::{domain_of, LinkPurpose, Refusal};
use clientdesk_domain::entities::{Company, User};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::notifications::{AccountChange, Notice};
use clientdesk_domain::principal::Denied;
use clientdesk_domain::roles::{Role, RoleSet};
use clientdesk_domain::user::{Email, Language};
use clientdesk_domain::webhook_payloads::UserData;
use clientdesk_domain::DomainError;
use clientdesk_persistence::{accounts, companies, tokens, users, DbConnection};

use crate::crypto::seal::Sealer;
use crate::crypto::secrets::{fingerprint, random_token};
use crate::notify::{self, LinkSettings};
use crate::{Error, Result};

/// What mailing needs: the sealer for links at rest in the outbox, and where links point.
#[derive(Clone, Copy)]
pub struct Mailer<'a> {
    pub sealer: &'a Sealer,
    pub links: &'a LinkSettings,
}

/// A contact to invite, checked.
#[derive(Debug, Clone)]
pub struct Invitee {
    pub email: Email,
    pub name: String,
    pub phone: Option<String>,
    pub language: Language,
}

impl Invitee {
    /// Checks a contact's fields as an invitation gives them (`language` defaults to English).
    pub fn parse(
        email: &str,
        name: &str,
        phone: Option<&str>,
        language: Option<&str>,
    ) -> std::result::Result<Self, DomainError> {
        Ok(Self {
            email: Email::parse(email)?,
            name: clientdesk_domain::user::parse_name("name", name)?,
            phone: phone.map(clientdesk_domain::user::parse_phone).transpose()?,
            language: language.map(Language::parse).transpose()?.unwrap_or_default(),
        })
    }
}

/// Who invites: the provider's staff (any company of the tenant), or a customer's portal admin
/// (its own company only).
#[derive(Debug, Clone, Copy)]
pub enum Inviter<'a> {
    Staff { name: &'a str },
    Customer { name: &'a str, company: &'a Company },
}

// One per invitation, moved once: boxing the user would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Invited {
    Created(User),
    /// A user with the address exists in the tenant: nothing was changed.
    AlreadyExists(UserId),
}

/// Invites a contact: creates it `invited` with `memberships`, and mails the welcome with a
/// link that sets its first password. With no membership named, an address in a company's
/// registered e-mail domain joins that company as `portal_user`; any other address needs one.
/// A customer cannot invite an address of another company's registered domain.
pub fn invite(
    conn: &mut DbConnection,
    mailer: Mailer<'_>,
    inviter: Inviter<'_>,
    tenant: clientdesk_domain::ids::TenantId,
    invitee: &Invitee,
    memberships: &[(Company, RoleSet)],
    now: DateTime<Utc>,
) -> Result<Invited> {
    match users::find_by_email(conn, tenant, invitee.email.as_str()) {
        Ok(existing) => return Ok(Invited::AlreadyExists(existing.id)),
        Err(clientdesk_persistence::Error::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let domain_company = accounts::company_of_domain(conn, tenant, domain_of(invitee.email.as_str()))?;
    if let (Inviter::Customer { company, .. }, Some(owner)) = (inviter, domain_company) {
        if owner != company.id {
            return Err(DomainError::new("email", "rule-email-other-company-domain").into());
        }
    }
    let memberships = match (memberships, domain_company) {
        ([], Some(owner)) => {
            let company = companies::get(conn, tenant, owner)?;
            vec![(company, RoleSet::parse_all(&[Role::PortalUser.as_str()])?)]
        }
        ([], None) => return Err(DomainError::new("memberships", "rule-memberships-no-domain").into()),
        (named, _) => named.to_vec(),
    };
    let new = users::NewUser {
        tenant_id: tenant,
        email: invitee.email.as_str(),
        name: &invitee.name,
        phone: invitee.phone.as_deref(),
        language: invitee.language,
        staff_role: None,
        password_hash: None,
        activated: false,
    };
    let user = users::create(conn, &new, now)?;
    for (company, roles) in &memberships {
        users::upsert_membership(conn, tenant, user.id, company.id, roles, now)?;
    }
    let (inviter_name, company) = match inviter {
        Inviter::Staff { name } => (name, memberships[0].0.name.as_str()),
        Inviter::Customer { name, company } => (name, company.name.as_str()),
    };
    send_password_link(conn, mailer, &user, PasswordLink::Invitation { inviter: inviter_name, company }, now)?;
    let invited = UserData { user_id: user.id.0, company_id: Some(memberships[0].0.id.0) };
    events::emit(conn, tenant, Event::UserInvited(invited))?;
    Ok(Invited::Created(user))
}

/// Which password link to mail: a welcome naming who invites and for which company, or a reset.
#[derive(Debug, Clone, Copy)]
pub enum PasswordLink<'a> {
    Invitation { inviter: &'a str, company: &'a str },
    Reset,
}

/// Issues a single-use password link for `user` (replacing any live one) and mails it in the
/// user's language; the token waits sealed in the outbox.
pub fn send_password_link(
    conn: &mut DbConnection,
    mailer: Mailer<'_>,
    user: &User,
    link: PasswordLink<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let purpose = match link {
        PasswordLink::Invitation { .. } => LinkPurpose::Invitation,
        PasswordLink::Reset => LinkPurpose::Reset,
    };
    let token = random_token(32);
    let expires = now + purpose.lifetime();
    tokens::insert_password_token(conn, user.id, &fingerprint(&token), purpose, now, expires)?;
    let url = mailer.links.password(purpose, &token);
    let notice = match link {
        PasswordLink::Invitation { inviter, company } => {
            Notice::Invitation { recipient: &user.name, company, inviter, url: &url, expires }
        }
        PasswordLink::Reset => {
            Notice::PasswordReset { recipient: &user.name, url: &url, minutes: purpose.lifetime().num_minutes() }
        }
    };
    notify::sealed_email(conn, mailer.sealer, user.tenant_id, &user.email, user.language, &notice, &[&token], now)?;
    Ok(())
}

/// Tells the user by e-mail that something about its account changed.
pub fn tell(conn: &mut DbConnection, user: &User, change: AccountChange<'_>, now: DateTime<Utc>) -> Result<()> {
    let notice = Notice::AccountChanged { recipient: &user.name, change, at: now };
    notify::email(conn, user.tenant_id, &user.email, user.language, &notice, now)?;
    Ok(())
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotAllowed(why) => Error::Denied(Denied::new(why)),
            Refusal::Roles(why) => Error::Invalid(DomainError::new("roles", why)),
            Refusal::LastAdmin => Error::conflict("conflict-last-portal-admin"),
        }
    }
}
