//! What may be attached to a ticket: the content types accepted, checked against the file's
//! first bytes where the type has a signature, and a file name safe to send back in a header.

use chrono::{DateTime, Utc};

use crate::ids::{TenantId, UserId};
use crate::DomainError;

/// A file attached to a ticket (or to one of its notes); the contents live in the attachment
/// storage under `storage_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub tenant_id: TenantId,
    pub ticket_id: i64,
    pub note_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// Accepted content types, and the signature the contents must start with (if the type has one).
/// Office documents are zip containers, so they share the zip signature.
const ACCEPTED: &[(&str, Option<&[u8]>)] = &[
    ("image/png", Some(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", Some(b"\xff\xd8\xff")),
    ("image/gif", Some(b"GIF8")),
    ("image/webp", Some(b"RIFF")),
    ("application/pdf", Some(b"%PDF-")),
    ("application/zip", Some(b"PK\x03\x04")),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", Some(b"PK\x03\x04")),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Some(b"PK\x03\x04")),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", Some(b"PK\x03\x04")),
    ("text/plain", None),
    ("text/csv", None),
    ("application/json", None),
    ("message/rfc822", None),
];

/// How many more bytes a ticket's attachments may take: the per-ticket limit less what is stored.
/// An upload is refused as soon as it declares or sends more, before anything is stored.
pub fn room_left(stored: i64, limit: i64) -> i64 {
    limit.saturating_sub(stored).max(0)
}

/// The accepted content types, for error messages and the API description.
pub fn accepted_types() -> Vec<&'static str> {
    ACCEPTED.iter().map(|(t, _)| *t).collect()
}

/// Checks the declared content type (parameters such as `charset` are kept) against the list and
/// the contents' first bytes; returns the type to store.
pub fn check_content(declared: &str, head: &[u8]) -> Result<String, DomainError> {
    let essence = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some((_, signature)) = ACCEPTED.iter().find(|(t, _)| *t == essence) else {
        return Err(DomainError::new("file", "rule-content-type")
            .arg("type", format!("{essence:?}"))
            .arg("accepted", accepted_types().join(", ")));
    };
    if let Some(signature) = signature {
        if !head.starts_with(signature) {
            return Err(DomainError::new("file", "rule-content-mismatch").arg("type", essence.to_owned()));
        }
    } else if head.contains(&0) {
        return Err(DomainError::new("file", "rule-content-binary").arg("type", essence.to_owned()));
    }
    Ok(declared.trim().to_owned())
}

/// The last path segment of a client's file name without control characters, at most 200
/// characters; `attachment` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_left_is_the_limit_less_what_is_stored_and_never_negative() {
        assert_eq!(room_left(0, 100), 100);
        assert_eq!(room_left(60, 100), 40);
        assert_eq!(room_left(100, 100), 0);
        assert_eq!(room_left(150, 100), 0);
    }

    #[test]
    fn contents_must_match_the_declared_type() {
        assert!(check_content("image/png", b"\x89PNG\r\n\x1a\nrest").is_ok());
        assert!(check_content("image/png", b"MZ\x90\x00").is_err(), "an executable posing as an image");
        assert!(check_content("text/plain; charset=utf-8", b"hello").is_ok());
        assert!(check_content("text/plain", b"MZ\x00\x00").is_err());
        assert!(check_content("application/x-msdownload", b"MZ").is_err());
        assert!(check_content("", b"").is_err());
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\pat\\report.pdf"), "report.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\r\nb\".txt"), "ab.txt");
        assert_eq!(clean_file_name("..."), "attachment");
    }
}
