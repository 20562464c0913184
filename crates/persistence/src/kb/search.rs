//! Full-text search: the query as each database's index reads it, ranked, with the matches
//! marked in the title and a snippet.

use std::collections::HashMap;

use clientdesk_domain::ids::TenantId;
use clientdesk_domain::kb::{Term, TextQuery};
use clientdesk_domain::user::Language;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use super::list::{ArticleListItem, ListRow, LIST_COLUMNS};
use super::raw_query::{backend_of, load_raw, Arg, RawQuery};
use super::visibility::{where_sql, Filter, Scope, TenantIndex};
use crate::{Backend, DbConnection, Result};

/// A search: what to look for, in which scope, narrowed how, which page.
#[derive(Debug, Clone, Copy)]
pub struct SearchRequest<'a> {
    pub scope: Scope<'a>,
    pub query: &'a TextQuery,
    pub filter: Filter<'a>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone)]
pub struct SearchHit {
    pub article: ArticleListItem,
    /// Higher is better; comparable within one answer only.
    pub score: f64,
    /// The title with each match between `kb::MARK_START` and `kb::MARK_END`.
    pub title_marked: String,
    /// A passage of the body around the matches, marked the same way.
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// How many articles in the scope match, over all pages.
    pub total: i64,
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

#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = Double)]
    score: f64,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct RankedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(embed)]
    ranked: Ranked,
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

#[derive(QueryableByName)]
struct PgHitRow {
    #[diesel(embed)]
    marked: MarkedRow,
    #[diesel(embed)]
    ranked: Ranked,
}

/// Full-text search in the scope, best first, with marked titles and snippets and the total
/// number of matches (which obeys the scope too). One function for both backends; only the
/// statements that name the index differ.
pub fn search(conn: &mut DbConnection, tenant: TenantId, req: &SearchRequest<'_>) -> Result<SearchResults> {
    let backend = backend_of(conn);
    let (hits, total) = match backend {
        Backend::Sqlite => {
            // Rank in one statement (bm25 weights: title 10, summary 4, body 1, tags 4), then
            // mark up only the page's rows: FTS5 cannot run snippet() under a window or sort
            // without computing it for every match.
            let expr = fts5_match(req.query);
            let mut q = RawQuery::new(backend);
            // CROSS JOIN keeps the index as the outer loop: left to itself, SQLite may walk the
            // tenant's articles and run the MATCH once per article (1.3 s instead of 3 ms on
            // 20,000 articles). Each match is checked in `kb_articles_visibility_idx`, which holds
            // every column the conditions read, rather than in the table (migration 000016);
            // without statistics SQLite would take the table by its primary key.
            q.sql(
                "WITH hits AS MATERIALIZED (SELECT a.id AS id, bm25(kb_articles_fts, 10.0, 4.0, 1.0, 4.0) AS score \
                 FROM kb_articles_fts CROSS JOIN kb_articles a INDEXED BY kb_articles_visibility_idx \
                 ON a.id = kb_articles_fts.rowid \
                 WHERE kb_articles_fts MATCH ",
            )
            .text(expr.as_str())
            .sql(" AND ");
            where_sql(&mut q, tenant, req.scope, &req.filter, TenantIndex::Use);
            q.sql(") SELECT id, -score AS score, (SELECT count(*) FROM hits) AS total FROM hits ORDER BY hits.score, hits.id LIMIT ")
                .int(req.limit)
                .sql(" OFFSET ")
                .int(req.offset);
            let ranked: Vec<RankedId> = load_raw!(conn, q, RankedId)?;
            let total = ranked.first().map(|r| r.ranked.total);
            let mut marked = HashMap::new();
            if !ranked.is_empty() {
                let ids = ranked.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(", ");
                let mut d = RawQuery::new(backend);
                d.sql("SELECT ")
                    .sql(LIST_COLUMNS)
                    .sql(
                        ", highlight(kb_articles_fts, 0, char(57344), char(57345)) AS title_marked, \
                         snippet(kb_articles_fts, 2, char(57344), char(57345), '…', 24) AS snippet \
                         FROM kb_articles_fts JOIN kb_articles a ON a.id = kb_articles_fts.rowid \
                         WHERE kb_articles_fts MATCH ",
                    )
                    .text(expr.as_str());
                // The ids come from the statement above: integers, safe to inline.
                d.sql(" AND kb_articles_fts.rowid IN (").sql(&ids).sql(")");
                let rows: Vec<MarkedRow> = load_raw!(conn, d, MarkedRow)?;
                marked = rows.into_iter().map(|r| (r.item.id, r)).collect();
            }
            let hits = ranked
                .into_iter()
                .filter_map(|r| marked.remove(&r.id).map(|m| (m, r.ranked.score)))
                .map(|(m, score)| hit(m, score))
                .collect::<Result<Vec<_>>>()?;
            (hits, total)
        }
        Backend::Postgres => {
            // The GIN index matches the query (see pg_query_sql) directly; marking up
            // (ts_headline) runs on the page's rows only, and on the first 10,000 characters of
            // a body: it parses and stems all it is given (about 0.2 ms for 1,300 characters).
            let mut q = RawQuery::new(backend);
            let configs: &[&str] = match req.filter.language {
                Some(language) => &[pg_config(language)],
                None => &["english", "french", "german", "spanish", "italian"],
            };
            let query = pg_query_sql(&mut q, req.query, configs);
            q.sql("SELECT ").sql(LIST_COLUMNS).sql(
                ", t.score, t.total, \
                 ts_headline(kb_search_config(a.language), a.title, t.query, 'HighlightAll=true, StartSel=\u{E000}, StopSel=\u{E001}') AS title_marked, \
                 ts_headline(kb_search_config(a.language), left(a.body, 10000), t.query, 'StartSel=\u{E000}, StopSel=\u{E001}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet \
                 FROM (SELECT a.id, q.query, ts_rank(a.search_vector, q.query)::float8 AS score, count(*) OVER () AS total \
                 FROM kb_articles a, (SELECT ",
            );
            q.sql(&query).sql(" AS query) q WHERE a.search_vector @@ q.query AND ");
            where_sql(&mut q, tenant, req.scope, &req.filter, TenantIndex::Avoid);
            q.sql(" ORDER BY score DESC, a.id LIMIT ")
                .int(req.limit)
                .sql(" OFFSET ")
                .int(req.offset)
                .sql(") t JOIN kb_articles a ON a.id = t.id ORDER BY t.score DESC, t.id");
            let rows: Vec<PgHitRow> = load_raw!(conn, q, PgHitRow)?;
            let total = rows.first().map(|r| r.ranked.total);
            let hits = rows.into_iter().map(|r| hit(r.marked, r.ranked.score)).collect::<Result<Vec<_>>>()?;
            (hits, total)
        }
    };
    let total = match total {
        Some(total) => total,
        // A page past the end has no row to carry the total: count on the first page.
        None if req.offset > 0 => search(conn, tenant, &SearchRequest { offset: 0, limit: 1, ..*req })?.total,
        None => 0,
    };
    Ok(SearchResults { hits, total })
}

/// The PostgreSQL text search configuration of a language (as `kb_search_config` in the
/// migration).
fn pg_config(language: Language) -> &'static str {
    match language {
        Language::En => "english",
        Language::Fr => "french",
        Language::De => "german",
        Language::Es => "spanish",
        Language::It => "italian",
    }
}

fn hit(row: MarkedRow, score: f64) -> Result<SearchHit> {
    let clean = |s: String| s.replace(['\r', '\n'], " ");
    Ok(SearchHit { score, title_marked: row.title_marked, snippet: clean(row.snippet), article: row.item.try_into()? })
}
