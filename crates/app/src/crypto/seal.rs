//! Sealing secrets that must wait in the database for delivery (a temporary password on its way
//! to the RMM and to the user's phone): AES-256-GCM under a key derived from the server's signing
//! key, so a database dump alone does not reveal them. The worker opens a sealed body to deliver
//! it and then wipes it.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::Aes256Gcm;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

use super::secrets::hmac_hex;

const PREFIX: &str = "sealed:v1:";

/// Seals and opens; cheap to clone.
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl Sealer {
    /// The key is derived from the server's secret (the first JWT signing key), which every
    /// server process and worker of a deployment shares. Rotating that key makes messages sealed
    /// before and not yet delivered unreadable: they fail and go dead.
    pub fn from_secret(secret: &[u8]) -> Self {
        let key = hex::decode(hmac_hex(secret, b"clientdesk outbox seal v1")).expect("hex of a digest");
        Self { cipher: Aes256Gcm::new_from_slice(&key).expect("a 256-bit key") }
    }

    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self.cipher.encrypt(&nonce.into(), plain.as_bytes()).expect("AES-GCM encryption");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// Opens a sealed text; other texts come back as they are. `None` when it is sealed but
    /// cannot be opened (another key, or tampered with).
    pub fn open(&self, text: &str) -> Option<String> {
        let Some(sealed) = text.strip_prefix(PREFIX) else { return Some(text.to_owned()) };
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, data) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        String::from_utf8(self.cipher.decrypt(&nonce.into(), data).ok()?).ok()
    }

    pub fn is_sealed(text: &str) -> bool {
        text.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_under_the_same_key() {
        let a = Sealer::from_secret(&[1; 32]);
        let sealed = a.seal("Temp-Pass-123");
        assert!(Sealer::is_sealed(&sealed) && !sealed.contains("Temp-Pass"));
        assert_eq!(a.open(&sealed).as_deref(), Some("Temp-Pass-123"));
        assert_eq!(Sealer::from_secret(&[2; 32]).open(&sealed), None);
        assert_eq!(a.open("plain").as_deref(), Some("plain"));
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('A');
        assert_ne!(a.open(&tampered).as_deref(), Some("Temp-Pass-123"));
    }
}
