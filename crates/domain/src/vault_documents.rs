//! The documentation vault's documents: a title and a Markdown body, published for one of the
//! knowledge base's audiences (`kb::Audience`), with drafts, revisions and attachments. Who may
//! read and write which. See docs/decisions/0052-vault-documents.md.
//!
//! A document *belongs* to a company when its audience names that company alone; every other
//! audience (all companies, several companies, a territory, a classification, staff only) is
//! the provider's. Staff read and write every document of the tenant. A customer reads, for a
//! company where it holds `vault_read`, the published documents whose audience takes that
//! company in (the knowledge base's rule, `kb::visible_to`); with `vault_write` there it also
//! sees the company's own drafts and creates, changes, publishes and deletes the company's own
//! documents, never widening their audience. Not being a member of the company is 404, a
//! member without the vault role 403 (the rule of `vault_entries`).

use crate::i18n::Message;
use crate::ids::CompanyId;
use crate::kb::{self, ArticleStatus, Audience, Reader};
use crate::principal::{Denied, Principal};
use crate::roles::{Permission, RoleSet};
use crate::vault_entries::{may_read, may_write, Standing, VaultRefusal};
use crate::DomainError;

/// Why a vault editor may not give a document another audience than its company.
const OWN_COMPANY_ONLY: &str = "denied-vault-document-own-company";
const NOT_OWN: &str = "denied-vault-document-not-own";

/// Who calls: the provider's staff, or a member of some companies with its roles there and the
/// facts that decide which audiences take each company in.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub principal: &'a Principal,
    /// Empty for staff.
    pub seats: Vec<(Reader, &'a RoleSet)>,
}

impl Caller<'_> {
    /// How the caller stands towards `company`.
    pub fn standing(&self, company: CompanyId) -> Standing<'_> {
        if self.principal.is_staff() {
            return Standing::Staff;
        }
        match self.seats.iter().find(|(reader, _)| reader.company == company) {
            Some((_, roles)) => Standing::Member(roles),
            None => Standing::Stranger,
        }
    }
}

/// Whether a document is listed and read for `reader`'s company by a caller standing so there
/// (who may read that company's vault, see [`may_read`]): published for an audience that takes the
/// company in, or the company's own document to a caller who may write it (its drafts too).
pub fn sees(standing: Standing<'_>, status: ArticleStatus, audience: &Audience, reader: &Reader) -> bool {
    kb::visible_to(status, audience, reader) || (writes(standing) && audience.sole_company() == Some(reader.company))
}

/// Whether a caller standing so towards a company writes its own documents (and sees their
/// drafts).
pub fn writes(standing: Standing<'_>) -> bool {
    match standing {
        Standing::Staff => true,
        Standing::Member(roles) => roles.grants(Permission::VaultWrite),
        Standing::Stranger => false,
    }
}

/// Creating a document for `audience`: staff, or `vault_write` in the one company it names.
pub fn may_create(caller: &Caller<'_>, audience: &Audience) -> Result<(), VaultRefusal> {
    if caller.principal.is_staff() {
        caller.principal.require_writable()?;
        return Ok(());
    }
    match audience.sole_company() {
        Some(company) => may_write(caller.principal, caller.standing(company)),
        None => Err(VaultRefusal::Denied(Denied(Message::new(OWN_COMPANY_ONLY)))),
    }
}

/// Changing (editing, publishing, withdrawing, deleting, attaching to) a document now `status`
/// for `audience`, and giving it the audience `new` if one is given: staff, or `vault_write` in
/// the company the document belongs to, keeping it that company's. A document the caller can see
/// but not change is 403; one it cannot see, 404.
pub fn may_change(
    caller: &Caller<'_>,
    status: ArticleStatus,
    audience: &Audience,
    new: Option<&Audience>,
) -> Result<(), VaultRefusal> {
    if caller.principal.is_staff() {
        caller.principal.require_writable()?;
        return Ok(());
    }
    let own = audience.sole_company().and_then(|c| caller.seats.iter().find(|(r, _)| r.company == c));
    let Some((reader, roles)) = own else {
        let readable = caller.seats.iter().any(|(reader, roles)| {
            may_read(Standing::Member(roles)).is_ok() && kb::visible_to(status, audience, reader)
        });
        return Err(if readable {
            VaultRefusal::Denied(Denied(Message::new(NOT_OWN)))
        } else {
            VaultRefusal::NotFound
        });
    };
    let standing = Standing::Member(roles);
    if may_write(caller.principal, standing).is_err() && !sees(standing, status, audience, reader) {
        // A member without the vault role (403), or a reader of a draft it cannot see (404).
        may_read(standing)?;
        return Err(VaultRefusal::NotFound);
    }
    may_write(caller.principal, standing)?;
    if new.is_some_and(|n| n.sole_company() != Some(reader.company)) {
        return Err(VaultRefusal::Denied(Denied(Message::new(OWN_COMPANY_ONLY))));
    }
    Ok(())
}

/// The text a list's title search takes: trimmed, 1 to 200 characters; none when blank.
pub fn parse_title_search(input: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(text) = input.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    if text.chars().count() > 200 || text.chars().any(char::is_control) {
        return Err(DomainError::new("q", "rule-title-search"));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{TenantId, UserId};
    use crate::principal::{AuthMethod, PrincipalKind};
    use crate::user::StaffRole;
    use ArticleStatus::{Draft, Published};

    fn principal(staff: bool, read_only: bool) -> Principal {
        Principal {
            user_id: UserId(1),
            tenant_id: TenantId(1),
            kind: if staff { PrincipalKind::Staff(StaffRole::Technician) } else { PrincipalKind::Portal },
            amr: vec![AuthMethod::Pwd],
            read_only,
            device: None,
            session: Some("s".into()),
        }
    }

    fn reader(id: i64) -> Reader {
        Reader { company: CompanyId(id), territory: Some("emea".into()), classification: None }
    }

    #[test]
    fn who_sees_a_document_for_a_company() {
        let (reader_roles, editor_roles) =
            (RoleSet::parse_all(&["vault_reader"]).unwrap(), RoleSet::parse_all(&["vault_editor"]).unwrap());
        let own = Audience::Companies(vec![CompanyId(1)]);
        let shared = Audience::Companies(vec![CompanyId(1), CompanyId(2)]);
        let other = Audience::Companies(vec![CompanyId(2)]);
        let emea = Audience::Territory("EMEA".into());
        let r = reader(1);
        // (standing, status, audience) -> seen
        let table: [(Standing<'_>, ArticleStatus, &Audience, bool); 12] = [
            (Standing::Member(&reader_roles), Published, &own, true),
            (Standing::Member(&reader_roles), Draft, &own, false),
            (Standing::Member(&editor_roles), Draft, &own, true),
            (Standing::Member(&editor_roles), Draft, &shared, false),
            (Standing::Member(&reader_roles), Published, &shared, true),
            (Standing::Member(&reader_roles), Published, &other, false),
            (Standing::Member(&editor_roles), Draft, &other, false),
            (Standing::Member(&reader_roles), Published, &emea, true),
            (Standing::Member(&reader_roles), Published, &Audience::Internal, false),
            (Standing::Member(&reader_roles), Published, &Audience::AllCompanies, true),
            (Standing::Staff, Draft, &own, true),
            (Standing::Staff, Draft, &Audience::AllCompanies, false),
        ];
        for (standing, status, audience, seen) in table {
            assert_eq!(sees(standing, status, audience, &r), seen, "{standing:?} {status:?} {audience:?}");
        }
    }

    #[test]
    fn who_creates_and_changes_and_editors_never_widen() {
        use VaultRefusal::NotFound;
        let denied = |r: Result<(), VaultRefusal>| matches!(r, Err(VaultRefusal::Denied(_)));
        let roles = |names: &[&str]| RoleSet::parse_all(names).unwrap();
        let (plus, reader_roles, editor_roles) =
            (roles(&["portal_user_plus"]), roles(&["vault_reader"]), roles(&["vault_editor"]));
        let person = principal(false, false);
        let caller = |roles| Caller { principal: &person, seats: vec![(reader(1), roles)] };
        let (editor, reader_c, member) = (caller(&editor_roles), caller(&reader_roles), caller(&plus));
        let staff_principal = principal(true, false);
        let staff = Caller { principal: &staff_principal, seats: vec![] };
        let own = Audience::Companies(vec![CompanyId(1)]);
        let other = Audience::Companies(vec![CompanyId(2)]);
        let all = Audience::AllCompanies;

        assert!(may_create(&staff, &all).is_ok());
        assert!(may_create(&editor, &own).is_ok());
        assert!(denied(may_create(&editor, &all)), "no wider audience");
        assert!(denied(may_create(&editor, &Audience::Territory("EMEA".into()))));
        assert_eq!(may_create(&editor, &other), Err(NotFound), "another company");
        assert!(denied(may_create(&reader_c, &own)));
        assert!(denied(may_create(&member, &own)));

        assert!(may_change(&staff, Draft, &all, Some(&other)).is_ok());
        assert!(may_change(&editor, Draft, &own, None).is_ok());
        assert!(may_change(&editor, Published, &own, Some(&own)).is_ok());
        assert!(denied(may_change(&editor, Draft, &own, Some(&all))), "an editor never widens");
        assert!(denied(may_change(&editor, Published, &all, None)), "seen, not its company's own");
        assert_eq!(may_change(&editor, Draft, &all, None), Err(NotFound), "a draft it cannot see");
        assert_eq!(may_change(&editor, Published, &other, None), Err(NotFound));
        assert!(denied(may_change(&reader_c, Published, &own, None)));
        assert_eq!(may_change(&reader_c, Draft, &own, None), Err(NotFound), "a reader never sees drafts");
        assert!(denied(may_change(&member, Published, &own, None)), "no vault role: 403");
        assert_eq!(may_change(&member, Published, &all, None), Err(NotFound));
        let token = principal(false, true);
        let read_only = Caller { principal: &token, seats: vec![(reader(1), &editor_roles)] };
        assert!(denied(may_change(&read_only, Published, &own, None)), "a read-only token never writes");
    }

    #[test]
    fn title_search_is_trimmed_and_bounded() {
        assert_eq!(parse_title_search(Some("  VPN ")).unwrap().as_deref(), Some("VPN"));
        assert_eq!(parse_title_search(Some("  ")).unwrap(), None);
        assert!(parse_title_search(Some(&"x".repeat(201))).is_err());
    }
}
