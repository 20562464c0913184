//! Hardening across the API: bodies must be JSON objects, lists and filters respect what
//! customers may see, uploads are bounded, secrets are encrypted at rest, answers are not sniffed.
