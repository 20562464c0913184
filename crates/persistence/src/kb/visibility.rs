//! Whose view of the knowledge base a query takes, and the SQL conditions that view sets: the
//! tenant, the visibility rule and a list's or search's narrowing, written once for every query.

use clientdesk_domain::ids::{CategoryId, TenantId};
use clientdesk_domain::kb::{ArticleStatus, Reader};
use clientdesk_domain::user::Language;

use crate::audience::{includes_sql, AudienceTables};
use crate::raw_query::RawQuery;

pub(super) const ARTICLES: AudienceTables =
    AudienceTables { alias: "a", companies: "kb_article_companies", owner: "article_id" };

/// Whose view of the knowledge base a query takes.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// The provider's staff: every article of the tenant.
    Staff,
    /// A customer reading for one company: published articles whose audience takes it in.
    Reader(&'a Reader),
}

/// Optional narrowing of a list or search.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    pub category: Option<CategoryId>,
    pub tag: Option<&'a str>,
    pub language: Option<Language>,
    pub status: Option<ArticleStatus>,
    /// An audience kind (`all_companies`, `companies`, ...).
    pub audience: Option<&'a str>,
}

impl Filter<'_> {
    /// Whether it narrows nothing.
    pub(super) fn is_empty(&self) -> bool {
        let Filter { category, tag, language, status, audience } = self;
        category.is_none() && tag.is_none() && language.is_none() && status.is_none() && audience.is_none()
    }
}

/// Whether the tenant and status conditions may use the articles' (tenant, status, id) index.
/// Not where it would take nearly every row: in a PostgreSQL search the planner would AND the
/// GIN bitmap with the bitmap of every published article of the tenant (33 of 64 ms on 100,000
/// articles), and a staff list of every status is better read backwards by id than sorted
/// (SQLite sorted all 100,000 rows: 30 ms).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TenantIndex {
    Use,
    Avoid,
}

/// The SQL spelling of `kb::visible_to` for the article aliased `a`: published, and for all
/// companies, for this company, or for its territory or classification (compared by key; the
/// audience part is shared with the vault's documents).
fn visible_sql(q: &mut RawQuery, reader: &Reader, index: TenantIndex) {
    q.sql(match index {
        TenantIndex::Use => " AND a.status = 'published'",
        TenantIndex::Avoid => " AND a.status || '' = 'published'",
    });
    includes_sql(q, &ARTICLES, reader, index == TenantIndex::Use);
}

/// `a.tenant_id = ...`, the scope's visibility and the filter's conditions.
pub(super) fn where_sql(q: &mut RawQuery, tenant: TenantId, scope: Scope<'_>, filter: &Filter<'_>, index: TenantIndex) {
    q.sql(match index {
        TenantIndex::Use => "a.tenant_id = ",
        TenantIndex::Avoid => "a.tenant_id + 0 = ",
    })
    .int(tenant.0);
    if let Scope::Reader(reader) = scope {
        visible_sql(q, reader, index);
    }
    filter_sql(q, tenant, filter);
}

/// The filter's conditions alone, each as ` AND ...`.
pub(super) fn filter_sql(q: &mut RawQuery, tenant: TenantId, filter: &Filter<'_>) {
    if let Some(status) = filter.status {
        q.sql(" AND a.status = ").text(status.as_str());
    }
    if let Some(audience) = filter.audience {
        q.sql(" AND a.audience = ").text(audience);
    }
    if let Some(category) = filter.category {
        q.sql(" AND a.category_id = ").int(category.0);
    }
    if let Some(language) = filter.language {
        q.sql(" AND a.language = ").text(language.as_str());
    }
    if let Some(tag) = filter.tag {
        q.sql(" AND EXISTS (SELECT 1 FROM kb_article_tags t WHERE t.article_id = a.id AND t.tenant_id = ")
            .int(tenant.0)
            .sql(" AND t.tag = ")
            .text(tag)
            .sql(")");
    }
}
