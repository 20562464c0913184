//! The cryptography the HTTP layer, the server and the outbox worker share: password hashing, TOTP,
//! JWTs, sealing of the secrets that wait in the outbox, random secrets and their fingerprints.

pub mod jwt;
pub mod password;
pub mod seal;
pub mod secrets;
pub mod totp;
