//! Validations: staff ask a company's approvers to accept or reject something about a ticket;
//! an approver decides in the portal or through a single-use link from the e-mail.
//!
//! Everyone who may read the ticket sees its validations; only members holding
//! `tickets_validate` in the ticket's own company may decide, never the ticket's requester, and
//! exactly one decision settles a validation under the default rule.

mod decide;
mod links;
mod list;
mod request;

pub use self::decide::DecisionInput;
pub use self::links::{DecisionLinkOutcome, DecisionLinkView, LinkConfirmation};
pub use self::list::ValidationQuery;
pub use self::request::NewValidationInput;

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use clientdesk_app::origin::Origin;
use clientdesk_domain::approvals::{self, Decision, DecisionRecord, DecisionRule, Validation, ValidationStatus};
use clientdesk_domain::entities::Tenant;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::Permission;
use clientdesk_domain::tickets::{Change, Ticket};
use clientdesk_persistence::approvals::{self as store, Member, TicketRef};
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::tickets as tickets_store;
use clientdesk_persistence::{users, DbConnection};
use serde::Serialize;
use utoipa::ToSchema;

use super::tickets::access::{self, TicketAccess};
use super::tickets::view::Named;
use crate::errors::{ApiError, ApiResult};
use crate::extract::Auth;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(request::create_validation)
        .service(list::list_ticket_validations)
        .service(list::list_company_validations)
        .service(list::get_validation)
        .service(decide::decide_validation)
        .service(request::cancel_validation)
        .service(links::preview_decision_link)
        .service(links::confirm_decision_link);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "number": 1042, "title": "File server slow"}))]
pub struct TicketSummary {
    pub id: i64,
    pub number: i64,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"by": {"id": 5, "name": "Ann Approver"}, "decision": "reject",
    "comment": "Not during the month-end closing, please.", "at": "2026-11-23T10:12:00Z"}))]
pub struct DecisionView {
    pub by: Named,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "ticket": {"id": 12, "number": 1042, "title": "File server slow"},
    "company_id": 1, "question": "May we restart the file server tonight?", "rule": "any", "status": "pending",
    "deadline": "2026-11-25T17:00:00Z", "created_at": "2026-11-23T09:00:00Z", "decisions": [],
    "asked": [{"id": 5, "name": "Ann Approver"}, {"id": 8, "name": "Max Changes"}],
    "awaiting": [{"id": 5, "name": "Ann Approver"}, {"id": 8, "name": "Max Changes"}], "may_decide": true}))]
pub struct ValidationView {
    pub id: i64,
    pub ticket: TicketSummary,
    pub company_id: i64,
    pub question: String,
    pub rule: DecisionRule,
    /// `pending` past its deadline shows as `expired`.
    pub status: ValidationStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided what, oldest first.
    pub decisions: Vec<DecisionView>,
    /// The approvers asked: the company's members holding `tickets_validate` now, except the
    /// ticket's requester.
    pub asked: Vec<Named>,
    /// Who still has to decide: while pending, the approvers asked who have not decided yet
    /// (under `any` one of them settles it, under `all` each must); empty once settled.
    pub awaiting: Vec<Named>,
    /// Whether the caller may accept or reject it now.
    pub may_decide: bool,
}

/// Whether `user`, holding `tickets_validate` in the validation's company or not, may decide on
/// `v` now.
fn decides(
    user: UserId,
    holds_validate: bool,
    v: &Validation,
    requester: UserId,
    done: &[DecisionRecord],
    now: DateTime<Utc>,
) -> bool {
    holds_validate
        && requester != user
        && v.status(now) == ValidationStatus::Pending
        && !done.iter().any(|d| d.user_id == user)
}

/// Whether the caller holds `tickets_validate` in `company` (directly, not through a parent).
fn holds_validate(auth: &Auth, company: CompanyId) -> bool {
    !auth.principal.read_only
        && auth.companies.iter().any(|m| m.company.id == company && m.roles.grants(Permission::TicketsValidate))
}

/// Renders validations with their decisions and who decided.
fn views(
    conn: &mut DbConnection,
    auth: &Auth,
    items: Vec<(Validation, i64, TicketRef)>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ValidationView>> {
    let ids: Vec<i64> = items.iter().map(|(v, ..)| v.id).collect();
    let decisions = store::decisions(conn, &ids)?;
    let people: Vec<UserId> = decisions.iter().map(|(_, d)| d.user_id).collect();
    let names = users::names(conn, auth.tenant.id, &people)?;
    let mut approvers_of: HashMap<CompanyId, Vec<Member>> = HashMap::new();
    for company in items.iter().map(|(v, ..)| v.company_id) {
        if let Entry::Vacant(slot) = approvers_of.entry(company) {
            slot.insert(store::members_with(conn, company, Permission::TicketsValidate)?);
        }
    }
    let user = auth.principal.user_id;
    Ok(items
        .into_iter()
        .map(|(v, ticket_id, ticket)| {
            let done: Vec<DecisionRecord> =
                decisions.iter().filter(|(id, _)| *id == v.id).map(|(_, d)| d.clone()).collect();
            let may_decide = decides(user, holds_validate(auth, v.company_id), &v, ticket.requester_id, &done, now);
            let asked: Vec<&Member> = approvers_of
                .get(&v.company_id)
                .map(|all| all.iter().filter(|m| m.id != ticket.requester_id).collect())
                .unwrap_or_default();
            let asked_ids: Vec<UserId> = asked.iter().map(|m| m.id).collect();
            let decided: Vec<UserId> = done.iter().map(|d| d.user_id).collect();
            let waiting = approvals::awaiting(v.status(now), &asked_ids, &decided);
            let named = |m: &&Member| Named { id: m.id.0, name: m.name.clone() };
            let awaiting = asked.iter().filter(|m| waiting.contains(&m.id)).map(named).collect();
            let asked = asked.iter().map(named).collect();
            ValidationView {
                id: v.id,
                ticket: TicketSummary { id: ticket_id, number: ticket.number, title: ticket.title },
                company_id: v.company_id.0,
                question: v.question.clone(),
                rule: v.rule,
                status: v.status(now),
                deadline: v.deadline,
                created_at: v.created_at,
                decided_at: v.decided_at,
                decisions: done
                    .into_iter()
                    .map(|d| DecisionView {
                        by: Named {
                            id: d.user_id.0,
                            name: names.get(&d.user_id).map(|(n, _)| n.clone()).unwrap_or_default(),
                        },
                        decision: d.decision,
                        comment: d.comment,
                        at: d.decided_at,
                    })
                    .collect(),
                asked,
                awaiting,
                may_decide,
            }
        })
        .collect())
}

fn ticket_ref(t: &Ticket) -> TicketRef {
    TicketRef { number: t.number, title: t.title.clone(), requester_id: t.requester_id }
}

fn one_view(conn: &mut DbConnection, auth: &Auth, v: Validation, ticket: &Ticket) -> ApiResult<ValidationView> {
    let mut list = views(conn, auth, vec![(v, ticket.id, ticket_ref(ticket))], Utc::now())?;
    list.pop().ok_or(ApiError::NotFound)
}

/// The approvers of a ticket's company who may decide: everyone holding `tickets_validate`
/// there except the ticket's requester.
fn approvers(conn: &mut DbConnection, ticket: &Ticket) -> ApiResult<Vec<Member>> {
    let mut members = store::members_with(conn, ticket.company_id, Permission::TicketsValidate)?;
    members.retain(|m| m.id != ticket.requester_id);
    Ok(members)
}

fn history(conn: &mut DbConnection, ticket: &Ticket, actor: UserId, what: &str, now: DateTime<Utc>) -> ApiResult<()> {
    let change =
        Change { kind: "validation", field: None, old_value: None, new_value: Some(what.to_owned()), internal: false };
    tickets_store::record_events(conn, ticket, Some(actor), &[change], now)?;
    Ok(())
}

fn audit_event(
    conn: &mut DbConnection,
    tenant: &Tenant,
    actor: UserId,
    action: &'static str,
    v: &Validation,
    detail: Option<String>,
) -> ApiResult<()> {
    let event = NewAuditEvent {
        tenant_id: Some(tenant.id),
        actor_user_id: Some(actor),
        action,
        target: Some(format!("validation:{}", v.id)),
        detail,
        ..Default::default()
    };
    audit::record(conn, &event, Utc::now())?;
    Ok(())
}

/// Where a decision came from: the client that sent it, and whether by mailed link or in the
/// portal. Recorded with the decision, so a disputed one can be traced to an address and browser.
struct DecidedFrom<'a> {
    client: &'a Origin,
    via: &'static str,
}

/// The validation and the ticket it is about, if the caller may read that ticket; 404 otherwise.
fn load(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<(Validation, TicketAccess)> {
    let validation = store::get_validation(conn, auth.tenant.id, id)?;
    let access = access::load(conn, auth, validation.ticket_id)?;
    Ok((validation, access))
}
