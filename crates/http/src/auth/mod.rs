//! The cryptography of signing in: password hashing, TOTP, JWTs and random secrets.

pub mod jwt;
pub mod password;
pub mod seal;
pub mod secrets;
pub mod totp;
