//! TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of drift either way), as authenticator
//! apps compute it.

use totp_rs::{Algorithm, Secret, TOTP};

pub const STEP_SECONDS: u64 = 30;

fn totp(secret_base32: &str, issuer: &str, account: &str) -> Result<TOTP, String> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().map_err(|e| format!("{e:?}"))?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECONDS, bytes, Some(issuer.to_owned()), account.to_owned())
        .map_err(|e| e.to_string())
}

/// The code `secret_base32` shows at `unix_time` and the seconds it stays valid, for seeds an
/// authenticator app takes (shorter than 128 bits included: the vault holds third parties' seeds).
pub fn current_code(secret_base32: &str, unix_time: u64) -> Option<(String, u64)> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, STEP_SECONDS, bytes, None, String::new());
    Some((totp.generate(unix_time), STEP_SECONDS - unix_time % STEP_SECONDS))
}

/// A new random secret (160 bits), base32 as authenticator apps expect it.
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

pub struct Enrolment {
    pub otpauth_uri: String,
    pub qr_png_base64: String,
}

pub fn enrolment(secret_base32: &str, issuer: &str, account: &str) -> Result<Enrolment, String> {
    let totp = totp(secret_base32, issuer, account)?;
    Ok(Enrolment { otpauth_uri: totp.get_url(), qr_png_base64: totp.get_qr_base64()? })
}

/// The time step at which `code` is valid for `secret` at `unix_time` (allowing one step of
/// drift), if any. The caller must still claim the step so the code is used only once.
pub fn matching_step(secret_base32: &str, code: &str, unix_time: u64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret_base32, "clientdesk", "user").ok()?;
    let current = unix_time / STEP_SECONDS;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| {
            let expected = totp.generate(step * STEP_SECONDS);
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into()
        })
        .map(|step| step as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_with_one_step_of_drift() {
        let secret = new_secret();
        let t = totp(&secret, "x", "y").unwrap();
        let now = 1_800_000_000u64;
        let code = t.generate(now);
        assert_eq!(matching_step(&secret, &code, now), Some((now / 30) as i64));
        assert!(matching_step(&secret, &code, now + 30).is_some(), "one step late is accepted");
        assert!(matching_step(&secret, &code, now + 90).is_none(), "three steps late is refused");
        assert!(matching_step(&secret, "12345", now).is_none());
        let uri = enrolment(&secret, "clientdesk", "ann@example.com").unwrap().otpauth_uri;
        assert!(uri.starts_with("otpauth://totp/"));
    }
}
