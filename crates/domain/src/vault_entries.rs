//! The documentation vault's credential entries: what an entry holds, and who may read, write
//! and reveal a company's entries. See docs/decisions/0046-documentation-vault.md.
//!
//! Staff of the tenant always may (every reveal is audited); a customer needs the vault
//! permission in the entry's company (`vault_reader` reads, `vault_editor` also writes), which
//! the company's portal admin grants like any other role. A company the caller is no member of
//! does not exist for it (404). Revealing a secret also needs a person's sign-in session with a
//! second factor proven within the last 5 minutes (the step-up of self-service actions).

use chrono::{DateTime, Utc};

use crate::principal::{Denied, Principal};
use crate::roles::{Permission, RoleSet};
use crate::selfservice::person;
use crate::step_up::{Factor, Factors};
use crate::DomainError;

/// How many of an entry's last reveals its detail lists.
pub const LAST_REVEALS: i64 = 10;
/// Longest secret (a password, a key, a short certificate) accepted, in characters.
pub const SECRET_MAX_CHARS: usize = 4000;

/// Why the vault refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultRefusal {
    /// Not a company (or entry) of the caller's: 404.
    NotFound,
    /// Visible, but not allowed: 403.
    Denied(Denied),
}

impl From<Denied> for VaultRefusal {
    fn from(denied: Denied) -> Self {
        Self::Denied(denied)
    }
}

/// How the caller stands towards the entry's company: staff of the tenant, a member with its
/// roles there, or neither.
#[derive(Debug, Clone, Copy)]
pub enum Standing<'a> {
    Staff,
    Member(&'a RoleSet),
    Stranger,
}

fn needs(standing: Standing<'_>, permission: Permission, why: &'static str) -> Result<(), VaultRefusal> {
    match standing {
        Standing::Staff => Ok(()),
        Standing::Member(roles) if roles.grants(permission) => Ok(()),
        Standing::Member(_) => Err(VaultRefusal::Denied(Denied::new(why))),
        Standing::Stranger => Err(VaultRefusal::NotFound),
    }
}

/// Reading the company's entries (never their secrets): staff, or `vault_read` there.
pub fn may_read(standing: Standing<'_>) -> Result<(), VaultRefusal> {
    needs(standing, Permission::VaultRead, "denied-vault-read")
}

/// Creating, editing and deleting entries: staff, or `vault_write` there; never a read-only token.
pub fn may_write(principal: &Principal, standing: Standing<'_>) -> Result<(), VaultRefusal> {
    needs(standing, Permission::VaultWrite, "denied-vault-write")?;
    principal.require_writable()?;
    Ok(())
}

/// Reading who revealed the company's secrets: staff, or the company's portal admin.
pub fn may_read_reveals(standing: Standing<'_>) -> Result<(), VaultRefusal> {
    needs(standing, Permission::VaultRevealsRead, "denied-vault-reveals")
}

/// Revealing an entry's secret at `now`: as reading, by a person signed in with a password (not
/// an API token or an agent session) whose session proved a second factor within 5 minutes.
/// `proof` is that session's step-up.
pub fn may_reveal(
    principal: &Principal,
    standing: Standing<'_>,
    factors: &Factors,
    proof: Option<(Factor, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Result<(), VaultRefusal> {
    may_read(standing)?;
    person(principal)?;
    if factors.required().is_none() {
        return Err(VaultRefusal::Denied(Denied::new("denied-vault-reveal-factor")));
    }
    factors.allows_action(proof, now)?;
    Ok(())
}

/// An entry's fields besides its secrets, as given.
#[derive(Debug, Clone, Default)]
pub struct RawFields<'a> {
    pub title: &'a str,
    pub username: Option<&'a str>,
    pub url: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub tags: &'a [String],
    pub folder: Option<&'a str>,
}

/// An entry's fields besides its secrets, parsed: a title, optional text fields trimmed (empty
/// is none), tags lower-cased, unique and sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFields {
    pub title: String,
    pub username: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub folder: Option<String>,
}

fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.chars().count() > max {
        return Err(DomainError::new(field, "rule-max-chars").arg("max", max));
    }
    Ok(Some(value.to_owned()))
}

impl EntryFields {
    pub fn parse(raw: &RawFields<'_>) -> Result<Self, DomainError> {
        let title = optional("title", Some(raw.title), 200)?.ok_or(DomainError::new("title", "field-required"))?;
        let url = optional("url", raw.url, 2000)?;
        if let Some(url) = &url {
            if !(url.starts_with("https://") || url.starts_with("http://") || url.contains("://")) {
                return Err(DomainError::new("url", "rule-vault-url"));
            }
        }
        if raw.tags.len() > 20 {
            return Err(DomainError::new("tags", "rule-tags-at-most").arg("max", 20));
        }
        let mut tags = Vec::new();
        for tag in raw.tags {
            let tag = tag.trim().to_lowercase();
            if tag.is_empty() || tag.chars().count() > 40 || tag.contains(char::is_whitespace) {
                return Err(DomainError::new("tags", "rule-vault-tag"));
            }
            tags.push(tag);
        }
        tags.sort();
        tags.dedup();
        Ok(Self {
            title,
            username: optional("username", raw.username, 200)?,
            url,
            notes: optional("notes", raw.notes, 10_000)?,
            tags,
            folder: optional("folder", raw.folder, 200)?,
        })
    }
}

/// A secret as given: not empty, not too long. The message never repeats the value.
pub fn parse_secret(secret: &str) -> Result<&str, DomainError> {
    if secret.is_empty() {
        return Err(DomainError::new("secret", "rule-vault-secret-empty"));
    }
    if secret.chars().count() > SECRET_MAX_CHARS {
        return Err(DomainError::new("secret", "rule-max-chars").arg("max", SECRET_MAX_CHARS));
    }
    Ok(secret)
}

/// A TOTP seed as authenticator apps take it: base32 (RFC 4648), spaces and case ignored, 80 to
/// 512 bits. Returns the normalised seed. The message never repeats the value.
pub fn parse_totp_seed(seed: &str) -> Result<String, DomainError> {
    let normalised: String = seed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let normalised = normalised.trim_end_matches('=').to_owned();
    let base32 = normalised.chars().all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c));
    if !base32 || !(16..=103).contains(&normalised.len()) {
        return Err(DomainError::new("totp_seed", "rule-vault-totp-seed"));
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{TenantId, UserId};
    use crate::principal::{AuthMethod, PrincipalKind};
    use crate::user::StaffRole;
    use chrono::Duration;

    fn principal(staff: bool, amr: &[AuthMethod], read_only: bool) -> Principal {
        Principal {
            user_id: UserId(1),
            tenant_id: TenantId(1),
            kind: if staff { PrincipalKind::Staff(StaffRole::Technician) } else { PrincipalKind::Portal },
            amr: amr.to_vec(),
            read_only,
            device: None,
            session: Some("s".into()),
        }
    }

    fn roles(names: &[&str]) -> RoleSet {
        RoleSet::parse_all(names).unwrap()
    }

    #[test]
    fn who_reads_writes_and_reads_reveals() {
        use VaultRefusal::NotFound;
        let person = principal(false, &[AuthMethod::Pwd, AuthMethod::Otp], false);
        let (user, reader, editor, admin) = (
            roles(&["portal_user_plus"]),
            roles(&["vault_reader"]),
            roles(&["vault_editor"]),
            roles(&["portal_admin"]),
        );
        let denied = |r: Result<(), VaultRefusal>| matches!(r, Err(VaultRefusal::Denied(_)));
        // standing -> (read, write, reveals)
        let table: [(Standing<'_>, [bool; 3]); 5] = [
            (Standing::Staff, [true, true, true]),
            (Standing::Member(&user), [false, false, false]),
            (Standing::Member(&reader), [true, false, false]),
            (Standing::Member(&editor), [true, true, false]),
            (Standing::Member(&admin), [false, false, true]),
        ];
        for (standing, [read, write, reveals]) in table {
            assert_eq!(may_read(standing).is_ok(), read, "{standing:?}");
            assert!(read || denied(may_read(standing)));
            assert_eq!(may_write(&person, standing).is_ok(), write, "{standing:?}");
            assert_eq!(may_read_reveals(standing).is_ok(), reveals, "{standing:?}");
        }
        assert_eq!(may_read(Standing::Stranger), Err(NotFound));
        assert_eq!(may_write(&person, Standing::Stranger), Err(NotFound));
        assert_eq!(may_read_reveals(Standing::Stranger), Err(NotFound));
        let read_only = principal(false, &[AuthMethod::ApiToken], true);
        assert!(may_read(Standing::Member(&editor)).is_ok());
        assert!(denied(may_write(&read_only, Standing::Member(&editor))), "a read-only token never writes");
    }

    #[test]
    fn a_reveal_needs_a_fresh_second_factor_of_a_person() {
        let now = Utc::now();
        let reader = roles(&["vault_reader"]);
        let member = Standing::Member(&reader);
        let totp = Factors { totp: true, verified_phone: false, phone_changed_at: None };
        let none = Factors { totp: false, verified_phone: false, phone_changed_at: None };
        let person = principal(false, &[AuthMethod::Pwd, AuthMethod::Otp], false);
        let fresh = Some((Factor::Otp, now - Duration::minutes(4)));
        let stale = Some((Factor::Otp, now - Duration::minutes(6)));
        assert!(may_reveal(&person, member, &totp, fresh, now).is_ok());
        assert!(may_reveal(&person, Standing::Staff, &totp, fresh, now).is_ok());
        assert!(may_reveal(&person, member, &totp, stale, now).is_err(), "stale");
        assert!(may_reveal(&person, member, &totp, None, now).is_err(), "no step-up");
        assert!(may_reveal(&person, member, &none, None, now).is_err(), "no second factor at all");
        assert!(may_reveal(&person, member, &totp, Some((Factor::Sms, now)), now).is_err(), "a weaker factor");
        let token = principal(false, &[AuthMethod::ApiToken], false);
        assert!(may_reveal(&token, member, &totp, fresh, now).is_err(), "an API token");
        let plus = roles(&["portal_user_plus"]);
        assert!(matches!(
            may_reveal(&person, Standing::Member(&plus), &totp, fresh, now),
            Err(VaultRefusal::Denied(_))
        ));
        assert_eq!(may_reveal(&person, Standing::Stranger, &totp, fresh, now), Err(VaultRefusal::NotFound));
    }

    #[test]
    fn fields_parse_and_errors_never_repeat_a_secret() {
        let tags = vec!["VPN".to_owned(), "vpn".to_owned(), "Firewall".to_owned()];
        let raw = RawFields {
            title: "  Firewall ",
            username: Some(" "),
            url: Some("https://fw.example"),
            notes: None,
            tags: &tags,
            folder: Some("Network"),
        };
        let fields = EntryFields::parse(&raw).unwrap();
        assert_eq!(fields.title, "Firewall");
        assert_eq!(fields.username, None);
        assert_eq!(fields.tags, ["firewall", "vpn"]);
        assert!(EntryFields::parse(&RawFields { title: " ", ..raw.clone() }).is_err());
        assert!(EntryFields::parse(&RawFields { url: Some("fw.example"), ..raw.clone() }).is_err());
        let planted = "hunter2-Planted";
        assert!(parse_secret(planted).is_ok());
        let long = "x".repeat(SECRET_MAX_CHARS + 1);
        assert!(!parse_secret(&long).unwrap_err().message.to_string().contains('x'));
        assert!(parse_secret("").is_err());
        assert_eq!(parse_totp_seed("jbsw y3dp ehpk 3pxp").unwrap(), "JBSWY3DPEHPK3PXP");
        let bad = parse_totp_seed("not-a-seed-1!planted").unwrap_err();
        assert!(!bad.message.to_string().contains("planted"));
        assert!(parse_totp_seed("JBSWY3DP").is_err(), "too short");
    }
}
