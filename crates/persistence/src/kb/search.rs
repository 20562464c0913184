//! Full-text search: the query as each database's index reads it, ranked, with the matches
//! marked in the title and a snippet.

use std::collections::HashMap;

use clientdesk_domain::ids::TenantId;
use clientdesk_domain::kb::{self as kb_rules, Term, TextQuery, Tier};
use clientdesk_domain::user::Language;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text};

use super::list::{ArticleListItem, ListRow, LIST_COLUMNS};
use super::readable::Readable;
use super::visibility::{filter_sql, where_sql, Filter, Scope, TenantIndex};
use crate::raw_query::{backend_of, load_raw, Arg, RawQuery};
use crate::{Backend, DbConnection, Result};

/// A search: what to look for, in which scope, narrowed how, which page.
#[derive(Debug, Clone, Copy)]
pub struct SearchRequest<'a> {
    pub scope: Scope<'a>,
    pub query: &'a TextQuery,
    pub filter: Filter<'a>,
    pub limit: i64,
    pub offset: i64,
    /// What the scope may read, when the caller keeps it (a reader's searches and suggestions):
    /// on SQLite the matches are then checked against it in memory.
    pub readable: Option<&'a Readable>,
    /// Whether the answer tells how many match (suggestions do not: when the head tier fills
    /// the page, the body tier is then not counted either).
    pub counted: bool,
}

#[derive(Debug, Clone)]
pub struct SearchHit {
    pub article: ArticleListItem,
    /// Higher is better; comparable within one answer only (see `kb::tiered_score`).
    pub score: f64,
    /// Whether the head (title, summary, tags) matched or only the body.
    pub tier: Tier,
    /// The title with each match between `kb::MARK_START` and `kb::MARK_END`.
    pub title_marked: String,
    /// A passage of the body around the matches, marked the same way.
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// How many articles in the scope match, over all pages: exact, or a lower bound when
    /// `total_is_lower_bound` (more body-only matches than `kb::BODY_TIER_BOUND`).
    pub total: i64,
    pub total_is_lower_bound: bool,
}

/// The query as an FTS5 MATCH expression: every word quoted (so no word can be an operator or
/// a column filter), phrases as FTS5 phrases, `or` groups in parentheses, exclusions with NOT.
fn fts5_match(query: &TextQuery) -> String {
    fn term(t: &Term) -> String {
        match t {
            Term::Word(w) => format!("\"{w}\""),
            Term::Phrase(words) => format!("\"{}\"", words.join(" ")),
        }
    }
    let groups: Vec<String> = query
        .groups
        .iter()
        .map(|g| match g.as_slice() {
            [one] => term(one),
            many => format!("({})", many.iter().map(term).collect::<Vec<_>>().join(" OR ")),
        })
        .collect();
    let mut expr = groups.join(" AND ");
    for t in &query.excluded {
        expr = format!("({expr}) NOT {}", term(t));
    }
    expr
}

/// The query as a PostgreSQL tsquery expression. An article is stemmed in its own language and
/// the searcher's is not known, so each term becomes the union of itself stemmed in each
/// language searched (`to_tsquery` per configuration, `||`); groups are joined with `&&` and
/// exclusions with `&& !!`. Per term, so that a word that is a stop word in one language (Spanish
/// "sea", German "die") cannot drop out of the whole query. The terms are bound as `to_tsquery`
/// text: words quoted, phrases with `<->`; they hold only letters and digits, so it is always
/// well formed.
pub(super) fn pg_query_sql(q: &mut RawQuery, query: &TextQuery, configs: &[&str]) -> String {
    let mut term = |t: &Term| {
        let text = match t {
            Term::Word(w) => format!("'{w}'"),
            Term::Phrase(words) => words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" <-> "),
        };
        let p = q.placeholder(Arg::Text(text));
        let stems = configs.iter().map(|c| format!("to_tsquery('pg_catalog.{c}', {p})")).collect::<Vec<_>>();
        format!("({})", stems.join(" || "))
    };
    let mut parts: Vec<String> = query
        .groups
        .iter()
        .map(|g| format!("({})", g.iter().map(&mut term).collect::<Vec<_>>().join(" || ")))
        .collect();
    parts.extend(query.excluded.iter().map(|t| format!("!!{}", term(t))));
    parts.join(" && ")
}

/// One row of a tier's statement: how many articles the tier holds for the caller (counted up
/// to the bound for the body tier), and one ranked article of the page, if any (a LEFT JOIN, so
/// that a page past the end still carries the count).
#[derive(QueryableByName)]
struct TierRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    id: Option<i64>,
    #[diesel(sql_type = Nullable<Double>)]
    score: Option<f64>,
}

#[derive(QueryableByName)]
struct TierCount {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct MarkedRow {
    #[diesel(embed)]
    item: ListRow,
    #[diesel(sql_type = Text)]
    title_marked: String,
    #[diesel(sql_type = Text)]
    snippet: String,
}

/// The searched languages' PostgreSQL configurations: the filter's, or every language.
fn pg_configs(req: &SearchRequest<'_>) -> &'static [&'static str] {
    match req.filter.language {
        Some(language) => std::slice::from_ref(pg_config_ref(language)),
        None => &["english", "french", "german", "spanish", "italian"],
    }
}

/// `(SELECT <the query> AS query) q`: the query as a one-row subquery, which PostgreSQL folds
/// into the GIN index condition.
fn pg_query_from(q: &mut RawQuery, req: &SearchRequest<'_>) {
    let query = pg_query_sql(q, req.query, pg_configs(req));
    q.sql("(SELECT ").sql(&query).sql(" AS query) q");
}

/// The excluded terms as one FTS5 expression (any of them), if the query has any.
fn fts5_excluded(query: &TextQuery) -> Option<String> {
    (!query.excluded.is_empty()).then(|| {
        let any = TextQuery { groups: vec![query.excluded.clone()], excluded: Vec::new() };
        fts5_match(&any)
    })
}

/// `FROM <fts> ... WHERE <fts> MATCH <expr> AND <the scope and filter>`: the index is the
/// outer loop, each match checked in the reader's readable set where the caller has one (see
/// `readable`), otherwise in the visibility index (id first, with the visibility and filter
/// columns: not the article's row, which carries the body).
pub(super) fn fts5_matches(
    q: &mut RawQuery,
    fts: &str,
    expr: String,
    tenant: TenantId,
    scope: Scope<'_>,
    filter: &Filter<'_>,
    readable: Option<&Readable>,
) {
    let in_memory = readable.is_some_and(Readable::in_memory);
    q.sql("FROM ").sql(fts);
    if !in_memory || !filter.is_empty() {
        q.sql(" CROSS JOIN kb_articles a INDEXED BY kb_articles_visibility_idx ON a.id = ").sql(fts).sql(".rowid");
    }
    q.sql(" WHERE ").sql(fts).sql(" MATCH ").text(expr);
    if in_memory {
        q.sql(" AND kb_readable(").sql(fts).sql(".rowid)");
        filter_sql(q, tenant, filter);
    } else {
        q.sql(" AND ");
        where_sql(q, tenant, scope, filter, TenantIndex::Use);
    }
}

/// The end of a tier's statement, given the CTE `c` (id, score: lower is better) of its ranked
/// candidates: the count and the page's rows, best first.
fn page_sql(q: &mut RawQuery, ranked: &str, limit: i64, offset: i64) {
    q.sql(" SELECT k.n AS n, p.id AS id, -p.score AS score FROM (SELECT count(*) AS n FROM c) k LEFT JOIN (SELECT id, score FROM ")
        .sql(ranked)
        .sql(" ORDER BY score, id LIMIT ")
        .int(limit)
        .sql(" OFFSET ")
        .int(offset)
        .sql(") p ON 1 = 1 ORDER BY p.score, p.id");
}

/// The head tier: articles whose title, summary or tags match, ranked among themselves (title
/// above summary and tags), counted in full. A query with exclusions also checks them against
/// the whole article, as a search always has.
fn head_tier(
    conn: &mut DbConnection,
    tenant: TenantId,
    req: &SearchRequest<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<TierRow>> {
    let backend = backend_of(conn);
    let mut q = RawQuery::new(backend);
    match backend {
        Backend::Sqlite => {
            // Matches read as the body tier's (`fts5_matches`). bm25 weights: title 10, summary
            // 4, tags 4.
            q.sql(
                "WITH c AS MATERIALIZED (SELECT kb_articles_head_fts.rowid AS id, \
                 bm25(kb_articles_head_fts, 10.0, 4.0, 4.0) AS score ",
            );
            fts5_matches(
                &mut q,
                "kb_articles_head_fts",
                fts5_match(req.query),
                tenant,
                req.scope,
                &req.filter,
                req.readable,
            );
            if let Some(excluded) = fts5_excluded(req.query) {
                q.sql(
                    " AND kb_articles_head_fts.rowid NOT IN \
                     (SELECT rowid FROM kb_articles_fts WHERE kb_articles_fts MATCH ",
                )
                .text(excluded)
                .sql(")");
            }
            q.sql(")");
        }
        Backend::Postgres => {
            q.sql("WITH c AS MATERIALIZED (SELECT a.id, -ts_rank(a.head_vector, q.query)::float8 AS score FROM kb_articles a, ");
            pg_query_from(&mut q, req);
            q.sql(" WHERE a.head_vector @@ q.query AND ");
            if !req.query.excluded.is_empty() {
                q.sql("a.search_vector @@ q.query AND ");
            }
            where_sql(&mut q, tenant, req.scope, &req.filter, TenantIndex::Avoid);
            q.sql(")");
        }
    }
    page_sql(&mut q, "c", limit, offset);
    Ok(load_raw!(conn, q, TierRow)?)
}

/// The body tier's candidates as the CTE `c`: articles that match but not by their head, the
/// newest `BODY_TIER_BOUND + 1` the caller may see (the index read backwards by id, so that a
/// broad query stops early), with their relevance when `ranked`.
fn body_candidates_sql(q: &mut RawQuery, tenant: TenantId, req: &SearchRequest<'_>, ranked: bool) {
    let bound = kb_rules::BODY_TIER_BOUND + 1;
    match q.backend() {
        Backend::Sqlite => {
            let expr = fts5_match(req.query);
            q.sql("WITH c AS MATERIALIZED (SELECT kb_articles_fts.rowid AS id");
            if ranked {
                // bm25 weights: title 10, summary 4, body 1, tags 4.
                q.sql(", bm25(kb_articles_fts, 10.0, 4.0, 1.0, 4.0) AS score");
            }
            q.sql(" ");
            fts5_matches(q, "kb_articles_fts", expr.clone(), tenant, req.scope, &req.filter, req.readable);
            q.sql(
                " AND kb_articles_fts.rowid NOT IN \
                 (SELECT rowid FROM kb_articles_head_fts WHERE kb_articles_head_fts MATCH ",
            )
            .text(expr)
            .sql(")");
            q.sql(" ORDER BY kb_articles_fts.rowid DESC LIMIT ").int(bound).sql(")");
        }
        Backend::Postgres => {
            // `a.id + 0`: sorting the GIN index's matches, not walking the primary key backwards
            // and checking each article's (TOASTed) vector.
            q.sql("WITH c AS MATERIALIZED (SELECT a.id FROM kb_articles a, ");
            pg_query_from(q, req);
            q.sql(" WHERE a.search_vector @@ q.query AND NOT (a.head_vector @@ q.query) AND ");
            where_sql(q, tenant, req.scope, &req.filter, TenantIndex::Avoid);
            q.sql(" ORDER BY a.id + 0 DESC LIMIT ").int(bound).sql(")");
        }
    }
}

/// The body tier, ranked: the page's rows among the bounded candidates (see
/// [`body_candidates_sql`]), and their number (up to the bound and one).
fn body_tier(
    conn: &mut DbConnection,
    tenant: TenantId,
    req: &SearchRequest<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<TierRow>> {
    let backend = backend_of(conn);
    let mut q = RawQuery::new(backend);
    body_candidates_sql(&mut q, tenant, req, true);
    let bound = kb_rules::BODY_TIER_BOUND;
    match backend {
        Backend::Sqlite => {
            q.sql(", r AS (SELECT id, score FROM c ORDER BY id DESC LIMIT ").int(bound).sql(")");
        }
        Backend::Postgres => {
            // Ranked against the full vector: only the bounded candidates are read from TOAST.
            q.sql(", r AS MATERIALIZED (SELECT a.id, -ts_rank(a.search_vector, q.query)::float8 AS score FROM (SELECT id FROM c ORDER BY id DESC LIMIT ")
                .int(bound)
                .sql(") k JOIN kb_articles a ON a.id = k.id, ");
            pg_query_from(&mut q, req);
            q.sql(")");
        }
    }
    page_sql(&mut q, "r", limit, offset);
    Ok(load_raw!(conn, q, TierRow)?)
}

/// How many body-only matches the caller may see, counted up to the bound and one.
fn body_tier_count(conn: &mut DbConnection, tenant: TenantId, req: &SearchRequest<'_>) -> Result<i64> {
    let mut q = RawQuery::new(backend_of(conn));
    body_candidates_sql(&mut q, tenant, req, false);
    q.sql(" SELECT count(*) AS n FROM c");
    Ok(load_raw!(conn, q, TierCount)?.first().map_or(0, |r| r.n))
}

/// The page's articles with their title and a snippet of the body marked, by id.
fn marked(conn: &mut DbConnection, req: &SearchRequest<'_>, ids: &[i64]) -> Result<HashMap<i64, MarkedRow>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = backend_of(conn);
    // The ids come from the tiers' statements: integers, safe to inline.
    let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let mut d = RawQuery::new(backend);
    match backend {
        Backend::Sqlite => {
            // FTS5 cannot run snippet() under a sort without computing it for every match:
            // only the page's rows are marked up.
            d.sql("SELECT ")
                .sql(LIST_COLUMNS)
                .sql(
                    ", highlight(kb_articles_fts, 0, char(57344), char(57345)) AS title_marked, \
                     snippet(kb_articles_fts, 2, char(57344), char(57345), '…', 24) AS snippet \
                     FROM kb_articles_fts JOIN kb_articles a ON a.id = kb_articles_fts.rowid \
                     WHERE kb_articles_fts MATCH ",
                )
                .text(fts5_match(req.query))
                .sql(" AND kb_articles_fts.rowid IN (")
                .sql(&ids)
                .sql(")");
        }
        Backend::Postgres => {
            // ts_headline parses and stems all it is given (about 0.2 ms for 1,300 characters):
            // the first 10,000 characters of a body, and the text as written (kb_plain).
            d.sql("SELECT ").sql(LIST_COLUMNS).sql(
                ", ts_headline(kb_search_config(a.language), kb_plain(a.title), q.query, 'HighlightAll=true, StartSel=\u{E000}, StopSel=\u{E001}') AS title_marked, \
                 ts_headline(kb_search_config(a.language), kb_plain(left(a.body, 10000)), q.query, 'StartSel=\u{E000}, StopSel=\u{E001}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet \
                 FROM kb_articles a, ",
            );
            pg_query_from(&mut d, req);
            d.sql(" WHERE a.id IN (").sql(&ids).sql(")");
        }
    }
    let rows: Vec<MarkedRow> = load_raw!(conn, d, MarkedRow)?;
    Ok(rows.into_iter().map(|r| (r.item.id, r)).collect())
}

/// Full-text search in the scope in two tiers (see `kb::Tier`): the head matches ranked among
/// themselves, then the body-only matches ranked among themselves, a page filled from the first
/// and then the second. The body tier is ranked only when the head tier leaves room on the page
/// (otherwise only counted), over at most `kb::BODY_TIER_BOUND` candidates; the total obeys the
/// scope and is a lower bound when that bound was passed. One function for both backends; only
/// the statements that name the indexes differ.
pub fn search(conn: &mut DbConnection, tenant: TenantId, req: &SearchRequest<'_>) -> Result<SearchResults> {
    match req.readable {
        Some(readable) => readable.checking(|| search_tiers(conn, tenant, req)),
        None => search_tiers(conn, tenant, req),
    }
}

fn search_tiers(conn: &mut DbConnection, tenant: TenantId, req: &SearchRequest<'_>) -> Result<SearchResults> {
    let head = head_tier(conn, tenant, req, req.limit, req.offset)?;
    let head_total = head.first().map_or(0, |r| r.n);
    let mut ranked: Vec<(i64, Tier, f64)> =
        head.iter().filter_map(|r| Some((r.id?, Tier::Head, r.score.unwrap_or(0.0)))).collect();
    let body_counted = match kb_rules::body_tier_page(req.offset, req.limit, head_total, ranked.len() as i64) {
        Some((offset, limit)) => {
            let body = body_tier(conn, tenant, req, limit, offset)?;
            ranked.extend(body.iter().filter_map(|r| Some((r.id?, Tier::Body, r.score.unwrap_or(0.0)))));
            body.first().map_or(0, |r| r.n)
        }
        None if req.counted => body_tier_count(conn, tenant, req)?,
        None => 0,
    };
    let (total, total_is_lower_bound) = kb_rules::tiered_total(head_total, body_counted);
    let ids: Vec<i64> = ranked.iter().map(|r| r.0).collect();
    let mut rows = marked(conn, req, &ids)?;
    let hits = ranked
        .into_iter()
        .filter_map(|(id, tier, score)| rows.remove(&id).map(|m| (m, tier, score)))
        .map(|(m, tier, score)| hit(m, tier, kb_rules::tiered_score(tier, score)))
        .collect::<Result<Vec<_>>>()?;
    Ok(SearchResults { hits, total, total_is_lower_bound })
}

/// The PostgreSQL text search configuration of a language (as `kb_search_config` in the
/// migration).
fn pg_config_ref(language: Language) -> &'static &'static str {
    match language {
        Language::En => &"english",
        Language::Fr => &"french",
        Language::De => &"german",
        Language::Es => &"spanish",
        Language::It => &"italian",
    }
}

fn hit(row: MarkedRow, tier: Tier, score: f64) -> Result<SearchHit> {
    let snippet = kb_rules::marks_per_word(&row.snippet).replace(['\r', '\n'], " ");
    Ok(SearchHit {
        score,
        tier,
        title_marked: kb_rules::marks_per_word(&row.title_marked),
        snippet,
        article: row.item.try_into()?,
    })
}
