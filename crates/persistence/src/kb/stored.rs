//! Article columns as stored, read back into the domain's values.

use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::kb::{ArticleStatus, Audience};

use crate::{Error, Result};

pub(super) fn stored_audience(id: i64, kind: &str, label: Option<&str>, companies: &[CompanyId]) -> Result<Audience> {
    Audience::parse(kind, label, companies).map_err(|e| Error::Other(format!("article {id} audience: {e}")))
}

pub(super) fn stored_status(id: i64, status: &str) -> Result<ArticleStatus> {
    ArticleStatus::parse(status).map_err(|e| Error::Other(format!("article {id} status: {e}")))
}

pub(super) fn split_tags(tags: &str) -> Vec<String> {
    tags.split_whitespace().map(str::to_owned).collect()
}
