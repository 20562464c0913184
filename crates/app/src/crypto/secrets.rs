//! Random secrets and their stored fingerprints.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A URL-safe random string carrying `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// The SHA-256 of a high-entropy secret, hex encoded: what is stored instead of the secret.
/// A fast hash is right here: the secret is random, so there is nothing to guess.
pub fn fingerprint(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Prefix of API tokens, so they are recognisable (and findable by secret scanners).
pub const API_TOKEN_PREFIX: &str = "cdk_";

pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token(32))
}

/// Ten recovery codes of 80 bits each, grouped for reading: `abcd-efgh-ijkl-mnop`.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i
    (0..10)
        .map(|_| {
            let mut bytes = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
            chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// What is stored for a recovery code: bound to the user, insensitive to case and dashes.
pub fn recovery_fingerprint(user_id: i64, code: &str) -> String {
    let normalised: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    fingerprint(&format!("{user_id}:{normalised}"))
}

/// HMAC-SHA256 of `message` under `key`, hex encoded: how clientdesk signs what it sends to the
/// RMM and checks what the RMM signs.
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` (hex) is the HMAC-SHA256 of `message` under one of `keys`, compared in
/// constant time.
pub fn hmac_matches<'a>(keys: impl IntoIterator<Item = &'a str>, message: &[u8], signature: &str) -> bool {
    use hmac::Mac;
    let Ok(signature) = hex::decode(signature.trim()) else { return false };
    keys.into_iter().any(|key| {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(message);
        mac.verify_slice(&signature).is_ok()
    })
}

/// A Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_webhook_secret() -> String {
    use base64::engine::general_purpose::STANDARD;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!("{}{}", clientdesk_domain::webhooks::SECRET_PREFIX, STANDARD.encode(key))
}

/// The Standard Webhooks signature of a message under `secret` (`whsec_<base64 key>`):
/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`; `None` for a secret not of that form.
pub fn webhook_signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    use base64::engine::general_purpose::STANDARD;
    use hmac::Mac;
    let key = STANDARD.decode(secret.strip_prefix(clientdesk_domain::webhooks::SECRET_PREFIX)?).ok()?;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(clientdesk_domain::webhooks::signed_content(id, timestamp, body).as_bytes());
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// Compares two fingerprints without leaking where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signatures_match_the_standard_webhooks_example() {
        // The test vector of the Standard Webhooks reference libraries.
        let signature = webhook_signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature.as_deref(), Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assert_eq!(webhook_signature("not-a-secret", "msg", 1, "{}"), None);
        let fresh = new_webhook_secret();
        assert!(fresh.starts_with("whsec_") && fresh.len() == 6 + 44, "{fresh}");
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = new_api_token();
        assert!(a.starts_with(API_TOKEN_PREFIX) && a.len() >= 40);
        assert_ne!(a, new_api_token());
        assert_eq!(fingerprint("x").len(), 64);
    }

    #[test]
    fn recovery_codes_normalise() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes[0].len(), 19);
        assert_eq!(
            recovery_fingerprint(7, &codes[0]),
            recovery_fingerprint(7, &codes[0].to_uppercase().replace('-', ""))
        );
        assert_ne!(recovery_fingerprint(7, &codes[0]), recovery_fingerprint(8, &codes[0]));
    }

    #[test]
    fn hmac_signatures_match_only_under_one_of_the_keys() {
        // RFC 4231 test case 2.
        let sig = hmac_hex(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(hmac_matches(["old", "Jefe"], b"what do ya want for nothing?", &sig));
        assert!(!hmac_matches(["old"], b"what do ya want for nothing?", &sig));
        assert!(!hmac_matches(["Jefe"], b"what do ya want for nothing!", &sig));
        assert!(!hmac_matches(["Jefe"], b"x", "not hex"));
    }
}
