//! Access tokens and MFA-pending tokens as JWTs (HS256).
//!
//! Validation pins the algorithm, requires `exp`, `iss`, `aud` and `sub`, allows at most 30 s of
//! leeway, and picks the key by `kid` from the configured keys: an unknown `kid`, a foreign key,
//! `alg: none` or another algorithm are all refused. The two kinds of token differ in their `typ`
//! header and claim, so an MFA-pending token is refused everywhere but the second step.
//!
//! Access tokens once verified are remembered with their claims (an LRU of the last 10,000 by
//! their text), so a client's next requests with the same token skip the base64, JSON and HMAC
//! work, about a tenth of a ticket read's CPU; the expiry is still checked on every use. The keys
//! never change in a running process, so what was verified stays verified.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lru::LruCache;
use serde::{Deserialize, Serialize};

pub const ACCESS_TTL: Duration = Duration::minutes(15);
pub const MFA_TTL: Duration = Duration::minutes(5);
const LEEWAY_SECONDS: u64 = 30;
const ACCESS_TYP: &str = "at+jwt";
const MFA_TYP: &str = "mfa+jwt";
const VERIFIED_TOKENS: NonZeroUsize = NonZeroUsize::new(10_000).unwrap();

/// One signing key: at least 256 random bits, named by its `kid`.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub secret: Vec<u8>,
}

impl SigningKey {
    pub const MIN_BYTES: usize = 32;
}

/// The keys: the first signs, all of them verify (so a key can be rotated without signing
/// everyone out).
#[derive(Clone)]
pub struct Keys {
    signing: (String, EncodingKey),
    verifying: Vec<(String, DecodingKey)>,
    issuer: String,
    audience: String,
    /// Access tokens already verified, with their claims.
    verified: Arc<Mutex<LruCache<String, AccessClaims>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaPurpose {
    /// The user has a second factor: verify a code.
    Verify,
    /// Policy requires a second factor the user does not have yet: enrol.
    Enrol,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub typ: String,
    /// Tenant id.
    pub tid: i64,
    /// "staff" or "portal".
    pub kind: String,
    pub amr: Vec<String>,
    /// The user's auth version when issued; a change of password, 2FA or roles raises it.
    pub ver: i64,
    /// An agent session's device: the session is bound to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<i64>,
    /// The sign-in session (its refresh-token family): logout ends it, step-up is bound to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MfaClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub typ: String,
    pub tid: i64,
    pub purpose: MfaPurpose,
    pub ver: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid token")]
pub struct InvalidToken;

impl Keys {
    pub fn new(keys: &[SigningKey], issuer: &str, audience: &str) -> Result<Self, String> {
        let first = keys.first().ok_or("at least one signing key is required")?;
        if let Some(short) = keys.iter().find(|k| k.secret.len() < SigningKey::MIN_BYTES) {
            return Err(format!("signing key {} is shorter than 256 bits", short.kid));
        }
        Ok(Self {
            signing: (first.kid.clone(), EncodingKey::from_secret(&first.secret)),
            verifying: keys.iter().map(|k| (k.kid.clone(), DecodingKey::from_secret(&k.secret))).collect(),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            verified: Arc::new(Mutex::new(LruCache::new(VERIFIED_TOKENS))),
        })
    }

    fn header(&self, typ: &str) -> Header {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.signing.0.clone());
        header.typ = Some(typ.to_owned());
        header
    }

    #[allow(clippy::too_many_arguments)]
    pub fn issue_access(
        &self,
        user_id: i64,
        tenant_id: i64,
        staff: bool,
        amr: Vec<String>,
        ver: i64,
        sid: &str,
        now: DateTime<Utc>,
    ) -> String {
        let kind = if staff { "staff" } else { "portal" };
        self.access(user_id, tenant_id, kind, amr, ver, None, Some(sid.to_owned()), now)
    }

    /// An access token for a session opened from an RMM agent link: `amr` is `agent` and the
    /// token is bound to the device.
    pub fn issue_agent_access(
        &self,
        user_id: i64,
        tenant_id: i64,
        device: i64,
        ver: i64,
        sid: &str,
        now: DateTime<Utc>,
    ) -> String {
        self.access(user_id, tenant_id, "portal", vec!["agent".into()], ver, Some(device), Some(sid.to_owned()), now)
    }

    #[allow(clippy::too_many_arguments)]
    fn access(
        &self,
        user_id: i64,
        tenant_id: i64,
        kind: &str,
        amr: Vec<String>,
        ver: i64,
        dev: Option<i64>,
        sid: Option<String>,
        now: DateTime<Utc>,
    ) -> String {
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_string(),
            exp: (now + ACCESS_TTL).timestamp(),
            iat: now.timestamp(),
            typ: ACCESS_TYP.into(),
            tid: tenant_id,
            kind: kind.into(),
            amr,
            ver,
            dev,
            sid,
        };
        encode(&self.header(ACCESS_TYP), &claims, &self.signing.1).expect("HS256 encoding of plain claims cannot fail")
    }

    pub fn issue_mfa(&self, user_id: i64, tenant_id: i64, purpose: MfaPurpose, ver: i64, now: DateTime<Utc>) -> String {
        let claims = MfaClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_string(),
            exp: (now + MFA_TTL).timestamp(),
            iat: now.timestamp(),
            typ: MFA_TYP.into(),
            tid: tenant_id,
            purpose,
            ver,
        };
        encode(&self.header(MFA_TYP), &claims, &self.signing.1).expect("HS256 encoding of plain claims cannot fail")
    }

    fn verify<T: serde::de::DeserializeOwned>(&self, token: &str, typ: &str) -> Result<T, InvalidToken> {
        let header = decode_header(token).map_err(|_| InvalidToken)?;
        if header.alg != Algorithm::HS256 || header.typ.as_deref() != Some(typ) {
            return Err(InvalidToken);
        }
        let kid = header.kid.ok_or(InvalidToken)?;
        let key = self.verifying.iter().find(|(k, _)| *k == kid).map(|(_, key)| key).ok_or(InvalidToken)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        decode::<T>(token, key, &validation).map(|data| data.claims).map_err(|_| InvalidToken)
    }

    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, InvalidToken> {
        let verified = || self.verified.lock().unwrap_or_else(PoisonError::into_inner);
        let known = verified().get(token).cloned();
        if let Some(claims) = known {
            // The bound `Validation::leeway` sets for a fresh token.
            let expired = claims.exp + (LEEWAY_SECONDS as i64) < Utc::now().timestamp();
            return if expired { Err(InvalidToken) } else { Ok(claims) };
        }
        let claims: AccessClaims = self.verify(token, ACCESS_TYP)?;
        if claims.typ != ACCESS_TYP {
            return Err(InvalidToken);
        }
        verified().put(token.to_owned(), claims.clone());
        Ok(claims)
    }

    pub fn verify_mfa(&self, token: &str) -> Result<MfaClaims, InvalidToken> {
        let claims: MfaClaims = self.verify(token, MFA_TYP)?;
        if claims.typ != MFA_TYP {
            return Err(InvalidToken);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    use super::*;

    fn keys(kid: &str, byte: u8) -> Keys {
        Keys::new(&[SigningKey { kid: kid.into(), secret: vec![byte; 32] }], "clientdesk", "clientdesk-api").unwrap()
    }

    #[test]
    fn round_trip_and_refusals() {
        let k = keys("a", 1);
        let now = Utc::now();
        let access = k.issue_access(5, 1, false, vec!["pwd".into(), "otp".into()], 3, "s1", now);
        let claims = k.verify_access(&access).unwrap();
        assert_eq!((claims.sub.as_str(), claims.tid, claims.ver), ("5", 1, 3));

        let mfa = k.issue_mfa(5, 1, MfaPurpose::Verify, 3, now);
        assert!(k.verify_access(&mfa).is_err(), "an MFA token is not an access token");
        assert!(k.verify_mfa(&access).is_err(), "an access token is not an MFA token");

        assert!(keys("a", 2).verify_access(&access).is_err(), "foreign key with the same kid");
        assert!(keys("b", 1).verify_access(&access).is_err(), "unknown kid");

        let expired = k.issue_access(5, 1, false, vec![], 3, "s1", now - Duration::minutes(16));
        assert!(k.verify_access(&expired).is_err());
        let within_leeway = k.issue_access(5, 1, false, vec![], 3, "s1", now - ACCESS_TTL - Duration::seconds(20));
        assert!(k.verify_access(&within_leeway).is_ok());

        // alg: none, with the same claims and no signature.
        let payload = access.split('.').nth(1).unwrap();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"at+jwt","kid":"a"}"#);
        assert!(k.verify_access(&format!("{none_header}.{payload}.")).is_err());

        assert!(
            Keys::new(&[SigningKey { kid: "s".into(), secret: vec![0; 16] }], "i", "a").is_err(),
            "short keys refused"
        );
    }

    #[test]
    fn a_remembered_token_still_expires() {
        let k = keys("a", 1);
        let access = k.issue_access(5, 1, false, vec!["pwd".into()], 3, "s1", Utc::now());
        assert_eq!(k.verify_access(&access).unwrap().sub, "5");
        assert_eq!(k.verify_access(&access).unwrap().sub, "5", "answered from memory");
        // Time passes: the remembered claims are past their expiry and the leeway.
        k.verified.lock().unwrap().get_mut(&access).unwrap().exp = Utc::now().timestamp() - 31;
        assert!(k.verify_access(&access).is_err());
    }
}
