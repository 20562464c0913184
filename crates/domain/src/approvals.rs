//! Validation requests on tickets and change requests: their states, how a decision settles
//! them, and what a decision must carry.
//!
//! A validation asks the company's approvers (the members holding `tickets_validate`) to accept or
//! reject something about a ticket, such as a downtime window or a small cost. Under the default
//! rule the first decision settles it; under `all`, every approver must accept and one rejection
//! rejects. The ticket's requester never decides on its own ticket. A change request is decided by
//! one change manager.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::{CompanyId, TenantId, UserId};
use crate::DomainError;

/// Longest question, reason or comment, in characters.
pub const MAX_TEXT: usize = 4000;

/// How many approvers decide a validation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionRule {
    /// The first approver to decide settles it (the default).
    #[default]
    Any,
    /// Every approver must accept; a single rejection rejects.
    All,
}

impl DecisionRule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::All => "all",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Any, Self::All].into_iter().find(|r| r.as_str() == input)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValidationStatus {
    Pending,
    Accepted,
    Rejected,
    Expired,
    Cancelled,
}

impl ValidationStatus {
    pub const ALL: [Self; 5] = [Self::Pending, Self::Accepted, Self::Rejected, Self::Expired, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }
}

/// An approver's answer to a validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Accept, Self::Reject].into_iter().find(|d| d.as_str() == input)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    pub id: i64,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub ticket_id: i64,
    pub question: String,
    pub rule: DecisionRule,
    /// As stored: a pending validation past its deadline is still `Pending` here until touched.
    pub stored_status: ValidationStatus,
    pub deadline: Option<DateTime<Utc>>,
    pub requested_by: UserId,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Validation {
    /// The status as of `now`: pending past the deadline reads as expired.
    pub fn status(&self, now: DateTime<Utc>) -> ValidationStatus {
        match (self.stored_status, self.deadline) {
            (ValidationStatus::Pending, Some(deadline)) if deadline <= now => ValidationStatus::Expired,
            (status, _) => status,
        }
    }
}

/// One approver's recorded decision on a validation.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub user_id: UserId,
    pub decision: Decision,
    pub comment: Option<String>,
    pub decided_at: DateTime<Utc>,
}

/// A decision link mailed to an approver: deciding through it decides as that approver, once.
/// Only the SHA-256 of its token is stored.
#[derive(Debug, Clone)]
pub struct DecisionLink {
    pub id: i64,
    pub tenant_id: TenantId,
    pub validation_id: i64,
    pub user_id: UserId,
    pub decision: Decision,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// What a decision does to a pending validation: settle it, or (under `all`) wait for the
/// other approvers. `accepts` counts the acceptances including this one; `approvers` is how many
/// approvers the validation currently has.
pub fn settle(rule: DecisionRule, decision: Decision, accepts: usize, approvers: usize) -> Option<ValidationStatus> {
    match (rule, decision) {
        (_, Decision::Reject) => Some(ValidationStatus::Rejected),
        (DecisionRule::Any, Decision::Accept) => Some(ValidationStatus::Accepted),
        (DecisionRule::All, Decision::Accept) => (accepts >= approvers).then_some(ValidationStatus::Accepted),
    }
}

/// Who still has to decide a validation: while it is pending, every approver asked who has not
/// decided yet (under `any`, one of them settles it; under `all`, each must); once it is
/// settled, expired or cancelled, nobody.
pub fn awaiting(status: ValidationStatus, asked: &[UserId], decided: &[UserId]) -> Vec<UserId> {
    if status != ValidationStatus::Pending {
        return Vec::new();
    }
    asked.iter().copied().filter(|a| !decided.contains(a)).collect()
}

/// A comment given with a decision: trimmed, at most [`MAX_TEXT`] characters, required when
/// rejecting (the provider must learn why).
pub fn decision_comment(rejecting: bool, comment: Option<&str>) -> Result<Option<String>, DomainError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    match comment {
        None if rejecting => Err(DomainError::new("comment", "rule-comment-required-to-reject")),
        Some(c) if c.chars().count() > MAX_TEXT => {
            Err(DomainError::new("comment", "rule-max-chars").arg("max", MAX_TEXT))
        }
        Some(c) if c.chars().any(|ch| ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t') => {
            Err(DomainError::new("comment", "rule-no-control-chars"))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

/// A required text of at most `max` characters (questions, titles, reasons).
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::new(field, "rule-not-empty"));
    }
    if value.chars().count() > max {
        return Err(DomainError::new(field, "rule-max-chars").arg("max", max));
    }
    Ok(value.to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

impl ChangeStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Approved, Self::Rejected, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }
}

/// A change manager's answer to a change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeDecision {
    Approve,
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Low, Self::Medium, Self::High].into_iter().find(|r| r.as_str() == input)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRequest {
    pub id: i64,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub title: String,
    pub description: String,
    pub reason: String,
    pub risk: Risk,
    pub planned_start: Option<DateTime<Utc>>,
    pub planned_end: Option<DateTime<Utc>>,
    /// In the currency's smallest unit (cents), so sums are exact.
    pub estimated_cost_cents: Option<i64>,
    /// ISO 4217 code, given with the cost.
    pub currency: Option<String>,
    pub status: ChangeStatus,
    pub requested_by: UserId,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decision_comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_rule_settles_on_the_first_decision() {
        assert_eq!(settle(DecisionRule::Any, Decision::Accept, 1, 3), Some(ValidationStatus::Accepted));
        assert_eq!(settle(DecisionRule::Any, Decision::Reject, 0, 3), Some(ValidationStatus::Rejected));
    }

    #[test]
    fn all_rule_waits_for_every_acceptance_and_one_rejection_rejects() {
        assert_eq!(settle(DecisionRule::All, Decision::Accept, 1, 2), None);
        assert_eq!(settle(DecisionRule::All, Decision::Accept, 2, 2), Some(ValidationStatus::Accepted));
        assert_eq!(settle(DecisionRule::All, Decision::Reject, 1, 2), Some(ValidationStatus::Rejected));
    }

    #[test]
    fn pending_past_its_deadline_reads_as_expired() {
        let now = Utc::now();
        let mut v = Validation {
            id: 1,
            tenant_id: TenantId(1),
            company_id: CompanyId(1),
            ticket_id: 1,
            question: "Reboot tonight?".into(),
            rule: DecisionRule::Any,
            stored_status: ValidationStatus::Pending,
            deadline: Some(now - chrono::Duration::seconds(1)),
            requested_by: UserId(1),
            created_at: now,
            decided_at: None,
            version: 1,
        };
        assert_eq!(v.status(now), ValidationStatus::Expired);
        v.deadline = Some(now + chrono::Duration::hours(1));
        assert_eq!(v.status(now), ValidationStatus::Pending);
        v.stored_status = ValidationStatus::Accepted;
        v.deadline = Some(now - chrono::Duration::hours(1));
        assert_eq!(v.status(now), ValidationStatus::Accepted, "a decided validation stays decided");
    }

    #[test]
    fn awaiting_lists_the_asked_who_have_not_decided_while_pending() {
        let asked = [UserId(1), UserId(2), UserId(3)];
        assert_eq!(awaiting(ValidationStatus::Pending, &asked, &[UserId(2)]), [UserId(1), UserId(3)]);
        assert_eq!(awaiting(ValidationStatus::Pending, &asked, &[]), asked);
        assert_eq!(awaiting(ValidationStatus::Pending, &asked, &[UserId(9)]), asked, "a former approver's decision");
        for settled in [ValidationStatus::Accepted, ValidationStatus::Rejected, ValidationStatus::Expired] {
            assert!(awaiting(settled, &asked, &[UserId(2)]).is_empty(), "{settled:?}");
        }
        assert!(awaiting(ValidationStatus::Cancelled, &asked, &[]).is_empty());
    }

    #[test]
    fn rejecting_needs_a_reason() {
        assert!(decision_comment(true, None).is_err());
        assert!(decision_comment(true, Some("   ")).is_err());
        assert_eq!(decision_comment(true, Some(" too costly ")).unwrap().as_deref(), Some("too costly"));
        assert_eq!(decision_comment(false, None).unwrap(), None);
        assert!(decision_comment(false, Some(&"x".repeat(MAX_TEXT + 1))).is_err());
    }
}
