//! Audiences and publication status as stored, shared by the knowledge base's articles and the vault's documents: the
//! columns `audience` (the kind), `audience_label` (a territory or classification as typed) and
//! `audience_key` (the same as it is compared, `kb::label_key`), the chosen companies in a table
//! of their own, and a revision's companies as one space-separated column.

use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::kb::{ArticleStatus, Audience, Reader};

use clientdesk_domain::ids::TenantId;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::raw_query::{backend_of, execute_raw, load_raw, RawQuery};
use crate::{DbConnection, Error, Result};

/// Where a table keeps its audiences: the row aliased `alias` (with `id`, `audience` and
/// `audience_key`), and the table of chosen companies with its column naming the row.
pub(crate) struct AudienceTables {
    pub(crate) alias: &'static str,
    pub(crate) companies: &'static str,
    pub(crate) owner: &'static str,
}

/// The SQL spelling of `Audience::includes`: ` AND (...)`, true when the row's audience takes
/// in `reader`'s company (all companies, chosen with it, its territory or its classification);
/// with `by_index` false, in a form no index serves.
pub(crate) fn includes_sql(q: &mut RawQuery, t: &AudienceTables, reader: &Reader, by_index: bool) {
    let a = t.alias;
    // `|| ''` hides the column from the planner: a search's matches are few, and PostgreSQL
    // would otherwise AND the full-text bitmap with an index scan of every article of each
    // audience kind (30 ms for 100,000 articles).
    let kind = if by_index { format!("{a}.audience") } else { format!("{a}.audience || ''") };
    q.sql(&format!(" AND ({kind} = 'all_companies'"));
    q.sql(&format!(
        " OR ({kind} = 'companies' AND EXISTS (SELECT 1 FROM {} c WHERE c.{} = {a}.id AND c.company_id = ",
        t.companies, t.owner
    ))
    .int(reader.company.0)
    .sql("))");
    if let Some(territory) = &reader.territory {
        q.sql(&format!(" OR ({kind} = 'territory' AND {a}.audience_key = ")).text(territory.as_str()).sql(")");
    }
    if let Some(classification) = &reader.classification {
        q.sql(&format!(" OR ({kind} = 'classification' AND {a}.audience_key = "))
            .text(classification.as_str())
            .sql(")");
    }
    q.sql(")");
}

#[derive(QueryableByName)]
struct Chosen {
    #[diesel(sql_type = BigInt)]
    company_id: i64,
}

/// The audience of row `id` read back from its columns (`kind`, `label`) and, for chosen
/// companies, its table of them.
pub(crate) fn load_audience(
    conn: &mut DbConnection,
    t: &AudienceTables,
    id: i64,
    kind: &str,
    label: Option<&str>,
) -> Result<Audience> {
    let mut companies = Vec::new();
    if kind == "companies" {
        let mut q = RawQuery::new(backend_of(conn));
        q.sql(&format!("SELECT company_id FROM {} WHERE {} = ", t.companies, t.owner))
            .int(id)
            .sql(" ORDER BY company_id");
        let rows: Vec<Chosen> = load_raw!(conn, q, Chosen)?;
        companies = rows.into_iter().map(|r| CompanyId(r.company_id)).collect();
    }
    stored_audience(id, kind, label, &companies)
}

/// Replaces the chosen companies of row `id` with the audience's (none unless it chooses
/// companies). One statement per row: MultiBackend has no batch insert.
pub(crate) fn write_chosen(
    conn: &mut DbConnection,
    t: &AudienceTables,
    tenant: TenantId,
    id: i64,
    audience: &Audience,
) -> Result<()> {
    let mut q = RawQuery::new(backend_of(conn));
    q.sql(&format!("DELETE FROM {} WHERE {} = ", t.companies, t.owner)).int(id);
    execute_raw!(conn, q)?;
    for company in audience.companies() {
        let mut q = RawQuery::new(backend_of(conn));
        q.sql(&format!("INSERT INTO {} ({}, company_id, tenant_id) VALUES (", t.companies, t.owner))
            .int(id)
            .sql(", ")
            .int(company.0)
            .sql(", ")
            .int(tenant.0)
            .sql(")");
        execute_raw!(conn, q)?;
    }
    Ok(())
}

/// An audience read back from its columns; a row that does not parse is a storage fault.
pub(crate) fn stored_audience(id: i64, kind: &str, label: Option<&str>, companies: &[CompanyId]) -> Result<Audience> {
    Audience::parse(kind, label, companies).map_err(|e| Error::Other(format!("row {id} audience: {e}")))
}

/// A status (draft or published) read back from its column.
pub(crate) fn stored_status(id: i64, status: &str) -> Result<ArticleStatus> {
    ArticleStatus::parse(status).map_err(|e| Error::Other(format!("row {id} status: {e}")))
}

/// The chosen companies as a revision keeps them: ids separated by spaces.
pub(crate) fn companies_text(audience: &Audience) -> String {
    audience.companies().iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")
}

pub(crate) fn companies_of_text(text: &str) -> Vec<CompanyId> {
    text.split_whitespace().filter_map(|c| c.parse().ok()).map(CompanyId).collect()
}
