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

#[cfg(test)]
mod tests {
    use super::*;

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
}
