//! Suggestions for a ticket draft: how rare each of its words is among the articles the caller
//! may read, so that the rarest are searched.

use std::collections::HashMap;
use std::fmt::Write as _;

use clientdesk_domain::ids::TenantId;
use clientdesk_domain::kb::{self as kb_rules, Term, TextQuery};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::search::pg_query_sql;
use super::visibility::{where_sql, Filter, Scope, TenantIndex};
use crate::raw_query::{backend_of, load_raw, RawQuery};
use crate::{Backend, DbConnection, Result};

#[derive(QueryableByName)]
struct IndexedCount {
    #[diesel(sql_type = BigInt)]
    i: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many articles the scope may read in the tenant: what a draft's words are weighed against
/// (see [`word_shares`]). It changes only with the knowledge base, so callers keep it per version.
pub fn readable_articles(conn: &mut DbConnection, tenant: TenantId, scope: Scope<'_>) -> Result<i64> {
    let mut q = RawQuery::new(backend_of(conn));
    q.sql("SELECT count(*) AS n FROM kb_articles a WHERE ");
    where_sql(&mut q, tenant, scope, &Filter::default(), TenantIndex::Use);
    Ok(load_raw!(conn, q, Count)?.first().map_or(0, |c| c.n))
}

/// The share of the scope's `articles` readable articles holding each word (see
/// `kb::WordShare`), for choosing the `keep` rarest significant words of a ticket draft. Counted
/// over what the caller may read, never over other tenants' articles, drafts or articles for
/// other audiences: which words a draft is searched by must not tell what those hold.
///
/// Each word's readable matches are counted through the full-text index (stemmed as the articles
/// were) with the scope's conditions, as a search checks them, and counting stops as soon as the
/// number cannot matter: past the common share, or past the `keep`th rarest word counted so far
/// (such a word gets an infinite share: it is left out). Words are counted rarest first in the
/// whole index (SQLite; a cheap count that only orders the work), so the common words, the dear
/// ones, are cut short. (One statement per word: measured, it beat two statements whose second
/// had only the bound of the first.)
pub fn word_shares(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
    articles: i64,
    words: &[String],
    keep: usize,
) -> Result<HashMap<String, Option<f64>>> {
    let mut shares: HashMap<String, Option<f64>> = words.iter().map(|w| (w.clone(), Some(0.0))).collect();
    if words.is_empty() || articles == 0 {
        return Ok(shares);
    }
    let backend = backend_of(conn);
    let common = (articles as f64 * kb_rules::COMMON_SHARE) as i64 + 1;
    let mut order: Vec<(i64, usize)> = (0..words.len()).map(|i| (0, i)).collect();
    if backend == Backend::Sqlite {
        let mut q = RawQuery::new(backend);
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                q.sql(" UNION ALL ");
            }
            let _ = write!(
                q.sql,
                "SELECT {i} AS i, count(*) AS n FROM (SELECT 1 FROM kb_articles_fts WHERE kb_articles_fts MATCH "
            );
            q.text(format!("\"{word}\"")).sql(" LIMIT ").int(common).sql(")");
        }
        for row in load_raw!(conn, q, IndexedCount)? {
            if let Some(entry) = order.get_mut(row.i as usize) {
                entry.0 = row.n;
            }
        }
        order.sort();
    }
    // The rarest words counted so far, as (count, position in the draft), at most `keep`.
    let mut rarest: Vec<(i64, usize)> = Vec::new();
    for (_, i) in order {
        // A word ranks only if it is rarer than the `keep`th so far (or as rare and earlier).
        let bound = match rarest.get(keep.wrapping_sub(1)) {
            Some(&(n, at)) if keep > 0 => n + i64::from(i < at),
            _ => common,
        }
        .min(common);
        let n = readable_matches(conn, tenant, scope, words, &[(i, bound)])?.first().map_or(0, |c| c.0);
        let share = if n >= bound && bound < common { f64::INFINITY } else { n as f64 / articles as f64 };
        shares.insert(words[i].clone(), Some(share));
        if n > 0 && n < bound {
            rarest.push((n, i));
            rarest.sort();
            rarest.truncate(keep);
        }
    }
    Ok(shares)
}

/// How many articles of the scope hold each word (`words[i]`, counting at most `limit`), in one
/// statement; as (count, i).
fn readable_matches(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
    words: &[String],
    limits: &[(usize, i64)],
) -> Result<Vec<(i64, usize)>> {
    if limits.is_empty() {
        return Ok(Vec::new());
    }
    let backend = backend_of(conn);
    let filter = Filter::default();
    let mut q = RawQuery::new(backend);
    for (n, &(i, limit)) in limits.iter().enumerate() {
        if n > 0 {
            q.sql(" UNION ALL ");
        }
        let _ = write!(q.sql, "SELECT CAST({i} AS BIGINT) AS i, count(*) AS n FROM (SELECT 1 AS one FROM ");
        match backend {
            Backend::Sqlite => {
                // As in `search`: the index is the outer loop, each match checked in the
                // visibility index.
                q.sql(
                    "kb_articles_fts CROSS JOIN kb_articles a INDEXED BY kb_articles_visibility_idx \
                     ON a.id = kb_articles_fts.rowid WHERE kb_articles_fts MATCH ",
                )
                .text(format!("\"{}\"", words[i]))
                .sql(" AND ");
                where_sql(&mut q, tenant, scope, &filter, TenantIndex::Use);
            }
            Backend::Postgres => {
                let configs = ["english", "french", "german", "spanish", "italian"];
                let one = TextQuery { groups: vec![vec![Term::Word(words[i].clone())]], excluded: Vec::new() };
                let matches = pg_query_sql(&mut q, &one, &configs);
                q.sql("kb_articles a WHERE a.search_vector @@ (").sql(&matches).sql(") AND ");
                where_sql(&mut q, tenant, scope, &filter, TenantIndex::Avoid);
            }
        }
        q.sql(" LIMIT ").int(limit).sql(") m");
    }
    Ok(load_raw!(conn, q, IndexedCount)?.into_iter().map(|row| (row.n, row.i as usize)).collect())
}
