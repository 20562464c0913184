//! Suggestions for a ticket draft: how rare each of its words is among the articles the caller
//! may read, so that the rarest are searched.

use std::collections::HashMap;
use std::fmt::Write as _;

use clientdesk_domain::ids::TenantId;
use clientdesk_domain::kb::{self as kb_rules, Term, TextQuery};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::readable::Readable;
use super::search::{fts5_matches, pg_query_sql};
use super::visibility::{where_sql, Filter, Scope, TenantIndex};
use crate::raw_query::{backend_of, load_raw, RawQuery};
use crate::{Backend, DbConnection, Result};

/// How far every word of a draft is counted at first (see [`word_shares`]).
const FIRST_COUNT: i64 = 64;

#[derive(QueryableByName)]
struct IndexedCount {
    #[diesel(sql_type = BigInt)]
    i: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The share of the articles the scope may read (`readable`) holding each word (see
/// `kb::WordShare`), for choosing the `keep` rarest significant words of a ticket draft. Counted
/// over what the caller may read, never over other tenants' articles, drafts or articles for
/// other audiences: which words a draft is searched by must not tell what those hold.
///
/// Each word's readable matches are counted through the full-text index (stemmed as the articles
/// were) with the scope's conditions, as a search checks them, and counting stops as soon as the
/// number cannot matter: past the common share, or past the `keep`th rarest word counted so far
/// (such a word gets an infinite share: it is left out). On SQLite all words are first counted
/// up to [`FIRST_COUNT`] together; only when fewer than `keep` end below it are the others
/// counted further, one statement each, so that the common words, the dear ones, are cut short.
pub fn word_shares(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
    readable: &Readable,
    words: &[String],
    keep: usize,
) -> Result<HashMap<String, Option<f64>>> {
    readable.checking(|| counted_shares(conn, tenant, scope, readable, words, keep))
}

fn counted_shares(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
    readable: &Readable,
    words: &[String],
    keep: usize,
) -> Result<HashMap<String, Option<f64>>> {
    let articles = readable.count();
    let mut shares: HashMap<String, Option<f64>> = words.iter().map(|w| (w.clone(), Some(0.0))).collect();
    if words.is_empty() || articles == 0 {
        return Ok(shares);
    }
    let common = (articles as f64 * kb_rules::COMMON_SHARE) as i64 + 1;
    // SQLite: every word counted up to FIRST_COUNT in one statement: most drafts hold a few
    // rare words (a product, an error code), and once `keep` of them end below it no other can
    // rank. Not on PostgreSQL, where so low a LIMIT leads the planner to scan the articles for
    // a word rather than its index (0.6 -> 1.2 s for a draft).
    let first = match backend_of(conn) {
        Backend::Sqlite => FIRST_COUNT.min(common),
        Backend::Postgres => 0,
    };
    // Counted at first (each up to `first`), and left for one statement each.
    let (all, mut rest): (Vec<(usize, i64)>, Vec<usize>) = if first > 0 {
        ((0..words.len()).map(|i| (i, first)).collect(), Vec::new())
    } else {
        (Vec::new(), (0..words.len()).collect())
    };
    // The rarest words counted so far, as (count, position in the draft), at most `keep`.
    let mut rarest: Vec<(i64, usize)> = Vec::new();
    for (n, i) in readable_matches(conn, tenant, scope, readable, words, &all)? {
        if n < first {
            shares.insert(words[i].clone(), Some(n as f64 / articles as f64));
            if n > 0 {
                rarest.push((n, i));
            }
        } else {
            rest.push(i);
        }
    }
    rarest.sort();
    rarest.truncate(keep);
    rest.sort();
    for i in rest {
        // A word ranks only if it is rarer than the `keep`th so far (or as rare and earlier).
        let bound = match rarest.get(keep.wrapping_sub(1)) {
            Some(&(n, at)) if keep > 0 => n + i64::from(i < at),
            _ => common,
        }
        .min(common);
        let n = if bound <= first {
            bound
        } else {
            readable_matches(conn, tenant, scope, readable, words, &[(i, bound)])?.first().map_or(0, |c| c.0)
        };
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
    readable: &Readable,
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
        let _ = write!(q.sql, "SELECT CAST({i} AS BIGINT) AS i, count(*) AS n FROM (SELECT 1 AS one ");
        match backend {
            Backend::Sqlite => {
                // As a search checks its matches.
                let word = format!("\"{}\"", words[i]);
                fts5_matches(&mut q, "kb_articles_fts", word, tenant, scope, &filter, Some(readable));
            }
            Backend::Postgres => {
                let configs = ["english", "french", "german", "spanish", "italian"];
                let one = TextQuery { groups: vec![vec![Term::Word(words[i].clone())]], excluded: Vec::new() };
                let matches = pg_query_sql(&mut q, &one, &configs);
                q.sql("FROM kb_articles a WHERE a.search_vector @@ (").sql(&matches).sql(") AND ");
                where_sql(&mut q, tenant, scope, &filter, TenantIndex::Avoid);
            }
        }
        q.sql(" LIMIT ").int(limit).sql(") m");
    }
    Ok(load_raw!(conn, q, IndexedCount)?.into_iter().map(|row| (row.n, row.i as usize)).collect())
}
