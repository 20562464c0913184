//! People who sign in: their e-mail, language, password policy and kind (staff or portal user).

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// An e-mail address that has been checked and normalised (trimmed, lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let value = input.trim().to_lowercase();
        let invalid = || DomainError::new("email", "rule-email");
        if value.len() > Self::MAX_LEN {
            return Err(DomainError::new("email", "rule-max-chars").arg("max", 254));
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed {
            Ok(Self(value))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The languages the portal and its messages are available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Fr,
    De,
    Es,
    It,
}

impl Language {
    pub const ALL: [Language; 5] = [Self::En, Self::Fr, Self::De, Self::Es, Self::It];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Es => "es",
            Self::It => "it",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == input)
            .ok_or_else(|| DomainError::new("language", "rule-one-of").arg("values", "en, fr, de, es, it"))
    }
}

/// A display name: trimmed, 1 to 200 characters, no control characters.
pub fn parse_name(field: &'static str, input: &str) -> Result<String, DomainError> {
    let value = input.trim();
    if value.is_empty() || value.chars().count() > 200 {
        return Err(DomainError::new(field, "rule-chars-between").arg("min", 1).arg("max", 200));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::new(field, "rule-no-control-chars"));
    }
    Ok(value.to_owned())
}

/// A phone number in a loose international form: digits with an optional leading `+` and the
/// usual separators, 6 to 20 digits.
pub fn parse_phone(input: &str) -> Result<String, DomainError> {
    let value = input.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.') || (c == '+' && i == 0));
    if allowed && (6..=20).contains(&digits) {
        Ok(value.to_owned())
    } else {
        Err(DomainError::new("phone", "rule-phone"))
    }
}

/// A password that meets the policy (NIST SP 800-63B): at least 8 characters, long passphrases
/// welcome and never truncated, no composition rules, and not one of the most common breached
/// passwords. The upper bound only keeps a request from making the server hash megabytes.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(input: &str, email: Option<&Email>) -> Result<Self, DomainError> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(DomainError::new("password", "rule-min-chars").arg("min", 8));
        }
        if chars > Self::MAX_CHARS {
            return Err(DomainError::new("password", "rule-max-chars").arg("max", 1024));
        }
        let lowered = input.to_lowercase();
        if is_common_password(&lowered) {
            return Err(DomainError::new("password", "rule-password-common"));
        }
        if email.is_some_and(|e| e.as_str() == lowered || e.as_str().split('@').next() == Some(&lowered)) {
            return Err(DomainError::new("password", "rule-password-is-email"));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The most common passwords of public breach corpora that are long enough to pass the length
/// rule, lower-cased.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn is_common_password(lowered: &str) -> bool {
    COMMON_PASSWORDS.lines().any(|line| line == lowered)
}

/// Whether a person is one of the provider's staff or a customer's contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Technician,
    ProviderAdmin,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Technician => "technician",
            Self::ProviderAdmin => "provider_admin",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        match input {
            "technician" => Ok(Self::Technician),
            "provider_admin" => Ok(Self::ProviderAdmin),
            _ => Err(DomainError::new("staff_role", "rule-either")
                .arg("first", "technician")
                .arg("second", "provider_admin")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        for bad in ["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@.com"] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn password_policy() {
        assert!(NewPassword::parse("short", None).is_err());
        assert!(NewPassword::parse("password", None).is_err());
        assert!(NewPassword::parse("Password1", None).is_err(), "common passwords ignore case");
        assert!(NewPassword::parse("correct horse battery staple", None).is_ok());
        let long = "x".repeat(64) + "y";
        assert_eq!(NewPassword::parse(&long, None).unwrap().expose(), long, "never truncated");
        assert!(NewPassword::parse(&"z".repeat(1025), None).is_err());
        let email = Email::parse("ann.smith@example.com").unwrap();
        assert!(NewPassword::parse("ann.smith@example.com", Some(&email)).is_err());
        assert!(NewPassword::parse("ann.smith", Some(&email)).is_err());
    }

    #[test]
    fn languages_and_phones() {
        assert_eq!(Language::parse("de").unwrap(), Language::De);
        assert!(Language::parse("nl").is_err());
        assert!(parse_phone("+41 44 123 45 67").is_ok());
        assert!(parse_phone("12").is_err());
        assert!(parse_phone("call me").is_err());
    }
}
