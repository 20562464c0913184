//! Which second factor a user proves for a sensitive step (self-service actions, phone changes).
//!
//! The rule: a user proves the strongest factor it has. With an authenticator app, only its code
//! counts (an SMS code would let whoever holds a session downgrade to a phone they set). Without
//! one, a code sent to the verified phone counts, but not within a day of a phone change, so that
//! a session that swapped the phone cannot use it at once; the account's e-mail hears of the
//! change in that time.

use chrono::{DateTime, Duration, Utc};

use crate::principal::Denied;

/// How long a proven factor counts, for the session that proved it.
pub const STEP_UP_TTL: Duration = Duration::minutes(5);
/// How long after a phone change SMS codes do not count as a second factor.
pub const SMS_AFTER_PHONE_CHANGE: Duration = Duration::hours(24);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// A code of the authenticator app.
    Otp,
    /// A code sent by SMS to the verified phone.
    Sms,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Otp => "otp",
            Self::Sms => "sms",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Otp, Self::Sms].into_iter().find(|f| f.as_str() == name)
    }
}

/// What a user has to prove itself with.
#[derive(Debug, Clone, Copy)]
pub struct Factors {
    pub totp: bool,
    pub verified_phone: bool,
    pub phone_changed_at: Option<DateTime<Utc>>,
}

impl Factors {
    /// The factor this user must prove, if it has any.
    pub fn required(&self) -> Option<Factor> {
        if self.totp {
            Some(Factor::Otp)
        } else if self.verified_phone {
            Some(Factor::Sms)
        } else {
            None
        }
    }

    /// Whether `factor` may prove a step-up for this user at `now`.
    pub fn accepts(&self, factor: Factor, now: DateTime<Utc>) -> Result<(), Denied> {
        match (factor, self.required()) {
            (Factor::Otp, Some(Factor::Otp)) => Ok(()),
            (Factor::Sms, Some(Factor::Otp)) => Err(Denied::new("denied-step-up-use-app")),
            (Factor::Sms, Some(Factor::Sms)) if self.phone_changed_recently(now) => {
                Err(Denied::new("denied-step-up-phone-changed"))
            }
            (Factor::Sms, Some(Factor::Sms)) => Ok(()),
            (Factor::Otp, _) => Err(Denied::new("denied-step-up-no-app")),
            (Factor::Sms, None) => Err(Denied::new("denied-step-up-no-phone")),
        }
    }

    pub fn phone_changed_recently(&self, now: DateTime<Utc>) -> bool {
        self.phone_changed_at.is_some_and(|at| now - at < SMS_AFTER_PHONE_CHANGE)
    }

    /// Whether a step-up proven with `factor` at `proven_at` lets the user change its phone at
    /// `now`: it must be fresh and of the kind the user has. A user with neither factor may set
    /// a first phone with none.
    pub fn allows_phone_change(
        &self,
        proof: Option<(Factor, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> Result<(), Denied> {
        let Some(required) = self.required() else { return Ok(()) };
        match proof {
            Some((factor, at)) if factor == required && now - at <= STEP_UP_TTL => Ok(()),
            _ => Err(Denied::new(match required {
                Factor::Otp => "denied-step-up-app-first",
                Factor::Sms => "denied-step-up-sms-first",
            })),
        }
    }

    /// Whether a step-up proven with `factor` at `proven_at` lets the user run an action at `now`.
    pub fn allows_action(&self, proof: Option<(Factor, DateTime<Utc>)>, now: DateTime<Utc>) -> Result<(), Denied> {
        match proof {
            Some((factor, at)) if now - at <= STEP_UP_TTL => self.accepts(factor, now),
            _ => Err(Denied::new("denied-step-up-first")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors(totp: bool, verified_phone: bool, changed_hours_ago: Option<i64>, now: DateTime<Utc>) -> Factors {
        Factors { totp, verified_phone, phone_changed_at: changed_hours_ago.map(|h| now - Duration::hours(h)) }
    }

    #[test]
    fn the_factor_accepted_is_the_strongest_the_user_has() {
        let now = Utc::now();
        // (totp, phone, changed hours ago, factor) -> accepted
        let table = [
            (true, true, None, Factor::Otp, true),
            (true, true, None, Factor::Sms, false),
            (true, false, None, Factor::Sms, false),
            (false, true, None, Factor::Sms, true),
            (false, true, Some(25), Factor::Sms, true),
            (false, true, Some(1), Factor::Sms, false),
            (false, true, None, Factor::Otp, false),
            (false, false, None, Factor::Sms, false),
            (false, false, None, Factor::Otp, false),
        ];
        for (totp, phone, changed, factor, accepted) in table {
            let f = factors(totp, phone, changed, now);
            assert_eq!(f.accepts(factor, now).is_ok(), accepted, "{totp} {phone} {changed:?} {factor:?}");
        }
    }

    #[test]
    fn a_phone_change_needs_a_fresh_factor_of_the_users_kind() {
        let now = Utc::now();
        let fresh = |f| Some((f, now - Duration::minutes(1)));
        let stale = |f| Some((f, now - Duration::minutes(6)));
        let totp = factors(true, true, None, now);
        assert!(totp.allows_phone_change(fresh(Factor::Otp), now).is_ok());
        assert!(totp.allows_phone_change(fresh(Factor::Sms), now).is_err());
        assert!(totp.allows_phone_change(stale(Factor::Otp), now).is_err());
        assert!(totp.allows_phone_change(None, now).is_err());
        let phone = factors(false, true, None, now);
        assert!(phone.allows_phone_change(fresh(Factor::Sms), now).is_ok());
        assert!(phone.allows_phone_change(None, now).is_err());
        let neither = factors(false, false, Some(1), now);
        assert!(neither.allows_phone_change(None, now).is_ok());
    }

    #[test]
    fn actions_need_a_fresh_accepted_factor() {
        let now = Utc::now();
        let phone = factors(false, true, None, now);
        assert!(phone.allows_action(Some((Factor::Sms, now)), now).is_ok());
        assert!(phone.allows_action(Some((Factor::Sms, now - Duration::minutes(6))), now).is_err());
        assert!(phone.allows_action(None, now).is_err());
        let changed = factors(false, true, Some(2), now);
        assert!(changed.allows_action(Some((Factor::Sms, now)), now).is_err());
        let totp = factors(true, false, None, now);
        assert!(totp.allows_action(Some((Factor::Sms, now)), now).is_err(), "enrolled after an SMS step-up");
        assert!(totp.allows_action(Some((Factor::Otp, now)), now).is_ok());
    }
}
