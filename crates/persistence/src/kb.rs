//! The knowledge base: categories, articles with their audiences, revisions, tags, feedback and
//! read counts, and full-text search on both backends.
//!
//! Everything a customer may see is filtered by [`visible_sql`], the SQL spelling of the domain
//! rule `kb::visible_to`; lists, category counts, search and suggestions all go through it.
//! Search is one function, [`search`]: SQLite's FTS5 table `kb_articles_fts` (Porter stemming,
//! bm25 with the title weighted highest) and PostgreSQL's generated `search_vector` (stemmed in
//! the article's language, ts_rank over weights A/B/D) differ only in the few statements that
//! name them.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{ArticleId, CategoryId, CompanyId, TenantId, UserId};
use clientdesk_domain::kb::{self as kb_rules, Article, ArticleStatus, Audience, Category, Reader, Term, TextQuery};
use clientdesk_domain::user::Language;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};

use crate::schema::{
    kb_article_companies, kb_article_revisions, kb_article_tags, kb_article_views, kb_articles, kb_categories,
    kb_feedback,
};
use crate::{utc, Backend, DbConnection, Error, Page, Result};

// Articles

#[derive(Queryable, Selectable)]
#[diesel(table_name = kb_articles)]
struct ArticleRow {
    id: i64,
    tenant_id: i64,
    category_id: Option<i64>,
    title: String,
    summary: String,
    body: String,
    tags: String,
    language: String,
    status: String,
    audience: String,
    audience_label: Option<String>,
    revision: i64,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn stored_audience(id: i64, kind: &str, label: Option<&str>, companies: &[CompanyId]) -> Result<Audience> {
    Audience::parse(kind, label, companies).map_err(|e| Error::Other(format!("article {id} audience: {e}")))
}

fn stored_status(id: i64, status: &str) -> Result<ArticleStatus> {
    ArticleStatus::parse(status).map_err(|e| Error::Other(format!("article {id} status: {e}")))
}

fn split_tags(tags: &str) -> Vec<String> {
    tags.split_whitespace().map(str::to_owned).collect()
}

/// What a staff member writes: everything but the status, which publishing changes.
#[derive(Debug, Clone)]
pub struct ArticleFields {
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    pub language: Language,
    pub audience: Audience,
}

impl From<&Article> for ArticleFields {
    fn from(a: &Article) -> Self {
        Self {
            category_id: a.category_id,
            title: a.title.clone(),
            summary: a.summary.clone(),
            body: a.body.clone(),
            tags: a.tags.clone(),
            language: a.language,
            audience: a.audience.clone(),
        }
    }
}

/// An article of `tenant`, whatever its status; another tenant's is `NotFound`.
pub fn get_article(conn: &mut DbConnection, tenant: TenantId, id: ArticleId) -> Result<Article> {
    let row: ArticleRow = kb_articles::table
        .filter(kb_articles::id.eq(id.0))
        .filter(kb_articles::tenant_id.eq(tenant.0))
        .select(ArticleRow::as_select())
        .first(conn)?;
    let companies: Vec<CompanyId> = if row.audience == "companies" {
        kb_article_companies::table
            .filter(kb_article_companies::article_id.eq(row.id))
            .order(kb_article_companies::company_id)
            .select(kb_article_companies::company_id)
            .load::<i64>(conn)?
            .into_iter()
            .map(CompanyId)
            .collect()
    } else {
        Vec::new()
    };
    Ok(Article {
        id: ArticleId(row.id),
        tenant_id: TenantId(row.tenant_id),
        category_id: row.category_id.map(CategoryId),
        audience: stored_audience(row.id, &row.audience, row.audience_label.as_deref(), &companies)?,
        status: stored_status(row.id, &row.status)?,
        title: row.title,
        summary: row.summary,
        body: row.body,
        tags: split_tags(&row.tags),
        language: Language::parse(&row.language).unwrap_or_default(),
        revision: row.revision,
        published_at: row.published_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// The chosen companies and the tags of an article, replaced as a whole. One statement per row:
/// MultiBackend has no batch insert.
fn write_children(conn: &mut DbConnection, tenant: TenantId, id: i64, fields: &ArticleFields) -> Result<()> {
    diesel::delete(kb_article_companies::table.filter(kb_article_companies::article_id.eq(id))).execute(conn)?;
    diesel::delete(kb_article_tags::table.filter(kb_article_tags::article_id.eq(id))).execute(conn)?;
    for company in fields.audience.companies() {
        diesel::insert_into(kb_article_companies::table)
            .values((
                kb_article_companies::article_id.eq(id),
                kb_article_companies::company_id.eq(company.0),
                kb_article_companies::tenant_id.eq(tenant.0),
            ))
            .execute(conn)?;
    }
    for tag in &fields.tags {
        diesel::insert_into(kb_article_tags::table)
            .values((
                kb_article_tags::article_id.eq(id),
                kb_article_tags::tag.eq(tag),
                kb_article_tags::tenant_id.eq(tenant.0),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Keeps the article as it is now as its latest revision.
fn snapshot(conn: &mut DbConnection, article: &Article, editor: Option<UserId>, now: DateTime<Utc>) -> Result<()> {
    let companies = article.audience.companies().iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ");
    diesel::insert_into(kb_article_revisions::table)
        .values((
            kb_article_revisions::tenant_id.eq(article.tenant_id.0),
            kb_article_revisions::article_id.eq(article.id.0),
            kb_article_revisions::revision.eq(article.revision),
            kb_article_revisions::category_id.eq(article.category_id.map(|c| c.0)),
            kb_article_revisions::title.eq(&article.title),
            kb_article_revisions::summary.eq(&article.summary),
            kb_article_revisions::body.eq(&article.body),
            kb_article_revisions::tags.eq(article.tags.join(" ")),
            kb_article_revisions::language.eq(article.language.as_str()),
            kb_article_revisions::status.eq(article.status.as_str()),
            kb_article_revisions::audience.eq(article.audience.kind()),
            kb_article_revisions::audience_label.eq(article.audience.label()),
            kb_article_revisions::audience_companies.eq(companies),
            kb_article_revisions::edited_by.eq(editor.map(|u| u.0)),
            kb_article_revisions::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Creates a draft with its first revision. Call inside a write transaction.
pub fn create_article(
    conn: &mut DbConnection,
    tenant: TenantId,
    fields: &ArticleFields,
    author: UserId,
    now: DateTime<Utc>,
) -> Result<Article> {
    // MultiBackend cannot return a whole row, so take the id and read the row back.
    let id: i64 = diesel::insert_into(kb_articles::table)
        .values((
            kb_articles::tenant_id.eq(tenant.0),
            kb_articles::category_id.eq(fields.category_id.map(|c| c.0)),
            kb_articles::title.eq(&fields.title),
            kb_articles::summary.eq(&fields.summary),
            kb_articles::body.eq(&fields.body),
            kb_articles::tags.eq(fields.tags.join(" ")),
            kb_articles::language.eq(fields.language.as_str()),
            kb_articles::status.eq(ArticleStatus::Draft.as_str()),
            kb_articles::audience.eq(fields.audience.kind()),
            kb_articles::audience_label.eq(fields.audience.label()),
            kb_articles::audience_key.eq(fields.audience.label_key()),
            kb_articles::revision.eq(1),
            kb_articles::created_at.eq(now.naive_utc()),
            kb_articles::updated_at.eq(now.naive_utc()),
        ))
        .returning(kb_articles::id)
        .get_result(conn)?;
    write_children(conn, tenant, id, fields)?;
    diesel::insert_into(kb_article_views::table)
        .values((kb_article_views::article_id.eq(id), kb_article_views::tenant_id.eq(tenant.0)))
        .execute(conn)?;
    let article = get_article(conn, tenant, ArticleId(id))?;
    snapshot(conn, &article, Some(author), now)?;
    crate::tenants::bump_kb_version(conn, tenant)?;
    Ok(article)
}

/// Replaces the article's content and audience as a new revision. Call inside a write
/// transaction.
pub fn update_article(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: ArticleId,
    fields: &ArticleFields,
    editor: UserId,
    now: DateTime<Utc>,
) -> Result<Article> {
    let updated =
        diesel::update(kb_articles::table.filter(kb_articles::id.eq(id.0)).filter(kb_articles::tenant_id.eq(tenant.0)))
            .set((
                kb_articles::category_id.eq(fields.category_id.map(|c| c.0)),
                kb_articles::title.eq(&fields.title),
                kb_articles::summary.eq(&fields.summary),
                kb_articles::body.eq(&fields.body),
                kb_articles::tags.eq(fields.tags.join(" ")),
                kb_articles::language.eq(fields.language.as_str()),
                kb_articles::audience.eq(fields.audience.kind()),
                kb_articles::audience_label.eq(fields.audience.label()),
                kb_articles::audience_key.eq(fields.audience.label_key()),
                kb_articles::revision.eq(kb_articles::revision + 1),
                kb_articles::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    write_children(conn, tenant, id.0, fields)?;
    let article = get_article(conn, tenant, id)?;
    snapshot(conn, &article, Some(editor), now)?;
    crate::tenants::bump_kb_version(conn, tenant)?;
    Ok(article)
}

/// Publishes or withdraws an article, as a new revision. `published_at` is the time of the
/// latest publication. Call inside a write transaction.
pub fn set_status(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: ArticleId,
    status: ArticleStatus,
    editor: UserId,
    now: DateTime<Utc>,
) -> Result<Article> {
    let published_at = (status == ArticleStatus::Published).then(|| now.naive_utc());
    let updated =
        diesel::update(kb_articles::table.filter(kb_articles::id.eq(id.0)).filter(kb_articles::tenant_id.eq(tenant.0)))
            .set((
                kb_articles::status.eq(status.as_str()),
                kb_articles::published_at.eq(published_at),
                kb_articles::revision.eq(kb_articles::revision + 1),
                kb_articles::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    let article = get_article(conn, tenant, id)?;
    snapshot(conn, &article, Some(editor), now)?;
    crate::tenants::bump_kb_version(conn, tenant)?;
    Ok(article)
}

/// Deletes an article with its revisions, feedback and counts. Call inside a write transaction.
pub fn delete_article(conn: &mut DbConnection, tenant: TenantId, id: ArticleId) -> Result<()> {
    let exists = kb_articles::table
        .filter(kb_articles::id.eq(id.0))
        .filter(kb_articles::tenant_id.eq(tenant.0))
        .select(kb_articles::id)
        .first::<i64>(conn)
        .optional()?;
    if exists.is_none() {
        return Err(Error::NotFound);
    }
    diesel::delete(kb_feedback::table.filter(kb_feedback::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_views::table.filter(kb_article_views::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_revisions::table.filter(kb_article_revisions::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_tags::table.filter(kb_article_tags::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_article_companies::table.filter(kb_article_companies::article_id.eq(id.0))).execute(conn)?;
    diesel::delete(kb_articles::table.find(id.0)).execute(conn)?;
    crate::tenants::bump_kb_version(conn, tenant)
}

// Revisions

/// Who wrote an article (its first revision) and who changed it last (its latest).
pub fn authors(conn: &mut DbConnection, article: &Article) -> Result<(Option<UserId>, Option<UserId>)> {
    let rows: Vec<(i64, Option<i64>)> = kb_article_revisions::table
        .filter(kb_article_revisions::article_id.eq(article.id.0))
        .filter(kb_article_revisions::revision.eq_any([1, article.revision]))
        .select((kb_article_revisions::revision, kb_article_revisions::edited_by))
        .load(conn)?;
    let by = |n: i64| rows.iter().find(|(r, _)| *r == n).and_then(|(_, u)| u.map(UserId));
    Ok((by(1), by(article.revision)))
}

/// One revision, whole.
#[derive(Debug, Clone)]
pub struct Revision {
    pub revision: i64,
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    pub language: Language,
    pub status: ArticleStatus,
    pub audience: Audience,
    pub edited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// What the list of revisions shows of each.
#[derive(Debug, Clone)]
pub struct RevisionInfo {
    pub revision: i64,
    pub title: String,
    pub status: ArticleStatus,
    pub edited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = kb_article_revisions)]
struct RevisionRow {
    revision: i64,
    category_id: Option<i64>,
    title: String,
    summary: String,
    body: String,
    tags: String,
    language: String,
    status: String,
    audience: String,
    audience_label: Option<String>,
    audience_companies: String,
    edited_by: Option<i64>,
    created_at: NaiveDateTime,
}

/// The revisions of an article of `tenant`, newest first, before revision `before`.
pub fn revisions(
    conn: &mut DbConnection,
    tenant: TenantId,
    article: ArticleId,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<RevisionInfo>> {
    let mut q = kb_article_revisions::table
        .filter(kb_article_revisions::article_id.eq(article.0))
        .filter(kb_article_revisions::tenant_id.eq(tenant.0))
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(kb_article_revisions::revision.lt(before));
    }
    let rows: Vec<(i64, String, String, Option<i64>, NaiveDateTime)> = q
        .order(kb_article_revisions::revision.desc())
        .limit(limit + 1)
        .select((
            kb_article_revisions::revision,
            kb_article_revisions::title,
            kb_article_revisions::status,
            kb_article_revisions::edited_by,
            kb_article_revisions::created_at,
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(revision, title, status, edited_by, created_at)| {
            Ok(RevisionInfo {
                revision,
                title,
                status: stored_status(article.0, &status)?,
                edited_by: edited_by.map(UserId),
                created_at: utc(created_at),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |r| r.revision))
}

pub fn revision(conn: &mut DbConnection, tenant: TenantId, article: ArticleId, revision: i64) -> Result<Revision> {
    let row: RevisionRow = kb_article_revisions::table
        .filter(kb_article_revisions::article_id.eq(article.0))
        .filter(kb_article_revisions::tenant_id.eq(tenant.0))
        .filter(kb_article_revisions::revision.eq(revision))
        .select(RevisionRow::as_select())
        .first(conn)?;
    let companies: Vec<CompanyId> =
        row.audience_companies.split_whitespace().filter_map(|c| c.parse().ok()).map(CompanyId).collect();
    Ok(Revision {
        revision: row.revision,
        category_id: row.category_id.map(CategoryId),
        audience: stored_audience(article.0, &row.audience, row.audience_label.as_deref(), &companies)?,
        status: stored_status(article.0, &row.status)?,
        title: row.title,
        summary: row.summary,
        body: row.body,
        tags: split_tags(&row.tags),
        language: Language::parse(&row.language).unwrap_or_default(),
        edited_by: row.edited_by.map(UserId),
        created_at: utc(row.created_at),
    })
}

// Read counts and feedback

/// Counts one read. A single-row update of its own table: cheap, and the article and its search
/// index stay untouched.
pub fn count_view(conn: &mut DbConnection, article: ArticleId) -> Result<()> {
    diesel::update(kb_article_views::table.find(article.0))
        .set(kb_article_views::views.eq(kb_article_views::views + 1))
        .execute(conn)?;
    Ok(())
}

/// Records what `user` thinks of an article, replacing an earlier answer: one row per user and
/// article, written with an upsert (spelled per backend) so that two quick clicks cannot
/// conflict.
pub fn set_feedback(
    conn: &mut DbConnection,
    tenant: TenantId,
    article: ArticleId,
    user: UserId,
    helpful: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    macro_rules! upsert {
        ($c:expr) => {
            diesel::insert_into(kb_feedback::table)
                .values((
                    kb_feedback::tenant_id.eq(tenant.0),
                    kb_feedback::article_id.eq(article.0),
                    kb_feedback::user_id.eq(user.0),
                    kb_feedback::helpful.eq(helpful),
                    kb_feedback::created_at.eq(now.naive_utc()),
                    kb_feedback::updated_at.eq(now.naive_utc()),
                ))
                .on_conflict((kb_feedback::article_id, kb_feedback::user_id))
                .do_update()
                .set((kb_feedback::helpful.eq(helpful), kb_feedback::updated_at.eq(now.naive_utc())))
                .execute($c)
        };
    }
    match conn {
        DbConnection::Pg(pg) => upsert!(pg)?,
        DbConnection::Sqlite(sqlite) => upsert!(sqlite)?,
    };
    Ok(())
}

/// What `user` said of an article, if anything.
pub fn feedback_of(conn: &mut DbConnection, article: ArticleId, user: UserId) -> Result<Option<bool>> {
    Ok(kb_feedback::table
        .filter(kb_feedback::article_id.eq(article.0))
        .filter(kb_feedback::user_id.eq(user.0))
        .select(kb_feedback::helpful)
        .first(conn)
        .optional()?)
}

/// What staff see of an article's reception.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArticleStats {
    pub views: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

pub fn stats(conn: &mut DbConnection, ids: &[ArticleId]) -> Result<HashMap<ArticleId, ArticleStats>> {
    let raw: Vec<i64> = ids.iter().map(|a| a.0).collect();
    let mut out: HashMap<ArticleId, ArticleStats> = ids.iter().map(|a| (*a, ArticleStats::default())).collect();
    let views: Vec<(i64, i64)> = kb_article_views::table
        .filter(kb_article_views::article_id.eq_any(&raw))
        .select((kb_article_views::article_id, kb_article_views::views))
        .load(conn)?;
    for (id, n) in views {
        out.entry(ArticleId(id)).or_default().views = n;
    }
    let votes: Vec<(i64, bool, i64)> = kb_feedback::table
        .filter(kb_feedback::article_id.eq_any(&raw))
        .group_by((kb_feedback::article_id, kb_feedback::helpful))
        .select((kb_feedback::article_id, kb_feedback::helpful, diesel::dsl::count_star()))
        .load(conn)?;
    for (id, helpful, n) in votes {
        let entry = out.entry(ArticleId(id)).or_default();
        if helpful {
            entry.helpful = n;
        } else {
            entry.not_helpful = n;
        }
    }
    Ok(out)
}

// Categories

#[derive(Queryable, Selectable)]
#[diesel(table_name = kb_categories)]
struct CategoryRow {
    id: i64,
    tenant_id: i64,
    parent_id: Option<i64>,
    name: String,
    description: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Self {
        Category {
            id: CategoryId(row.id),
            tenant_id: TenantId(row.tenant_id),
            parent_id: row.parent_id.map(CategoryId),
            name: row.name,
            description: row.description,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// Every category of the tenant (a tree is small), by name.
pub fn categories(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<Category>> {
    Ok(kb_categories::table
        .filter(kb_categories::tenant_id.eq(tenant.0))
        .order((kb_categories::name, kb_categories::id))
        .select(CategoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Category::from)
        .collect())
}

pub fn category(conn: &mut DbConnection, tenant: TenantId, id: CategoryId) -> Result<Category> {
    Ok(kb_categories::table
        .filter(kb_categories::id.eq(id.0))
        .filter(kb_categories::tenant_id.eq(tenant.0))
        .select(CategoryRow::as_select())
        .first::<CategoryRow>(conn)?
        .into())
}

pub fn create_category(
    conn: &mut DbConnection,
    tenant: TenantId,
    parent: Option<CategoryId>,
    name: &str,
    description: &str,
    now: DateTime<Utc>,
) -> Result<Category> {
    let id: i64 = diesel::insert_into(kb_categories::table)
        .values((
            kb_categories::tenant_id.eq(tenant.0),
            kb_categories::parent_id.eq(parent.map(|p| p.0)),
            kb_categories::name.eq(name),
            kb_categories::description.eq(description),
            kb_categories::created_at.eq(now.naive_utc()),
            kb_categories::updated_at.eq(now.naive_utc()),
        ))
        .returning(kb_categories::id)
        .get_result(conn)?;
    category(conn, tenant, CategoryId(id))
}

pub fn update_category(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: CategoryId,
    parent: Option<CategoryId>,
    name: &str,
    description: &str,
    now: DateTime<Utc>,
) -> Result<Category> {
    let updated = diesel::update(
        kb_categories::table.filter(kb_categories::id.eq(id.0)).filter(kb_categories::tenant_id.eq(tenant.0)),
    )
    .set((
        kb_categories::parent_id.eq(parent.map(|p| p.0)),
        kb_categories::name.eq(name),
        kb_categories::description.eq(description),
        kb_categories::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    category(conn, tenant, id)
}

/// How many subcategories and articles a category holds (it can be deleted when both are 0).
pub fn category_contents(conn: &mut DbConnection, id: CategoryId) -> Result<(i64, i64)> {
    let children = kb_categories::table.filter(kb_categories::parent_id.eq(id.0)).count().get_result(conn)?;
    let articles = kb_articles::table.filter(kb_articles::category_id.eq(id.0)).count().get_result(conn)?;
    Ok((children, articles))
}

pub fn delete_category(conn: &mut DbConnection, tenant: TenantId, id: CategoryId) -> Result<()> {
    let deleted = diesel::delete(
        kb_categories::table.filter(kb_categories::id.eq(id.0)).filter(kb_categories::tenant_id.eq(tenant.0)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

// Lists, counts and search: raw SQL, with the visibility rule written once.

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

enum Arg {
    Int(i64),
    Text(String),
}

/// SQL text with its bind values, numbered in the backend's placeholder style.
struct RawQuery {
    sql: String,
    args: Vec<Arg>,
    backend: Backend,
}

impl RawQuery {
    fn new(backend: Backend) -> Self {
        Self { sql: String::with_capacity(1024), args: Vec::new(), backend }
    }

    fn sql(&mut self, text: &str) -> &mut Self {
        self.sql.push_str(text);
        self
    }

    /// Takes a value and returns its placeholder, numbered on both backends so that a value
    /// can be referred to more than once.
    fn placeholder(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        let n = self.args.len();
        match self.backend {
            Backend::Postgres => format!("${n}"),
            Backend::Sqlite => format!("?{n}"),
        }
    }

    fn arg(&mut self, arg: Arg) -> &mut Self {
        let p = self.placeholder(arg);
        self.sql.push_str(&p);
        self
    }

    fn int(&mut self, v: i64) -> &mut Self {
        self.arg(Arg::Int(v))
    }

    fn text(&mut self, v: impl Into<String>) -> &mut Self {
        self.arg(Arg::Text(v.into()))
    }
}

fn bind_all<'f, DB>(mut query: BoxedSqlQuery<'f, DB, SqlQuery>, args: &[Arg]) -> BoxedSqlQuery<'f, DB, SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Text>
        + 'static,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind::<BigInt, _>(*v),
            Arg::Text(v) => query.bind::<Text, _>(v.clone()),
        };
    }
    query
}

/// Loads the rows of a raw query on whichever backend the connection is.
macro_rules! load_raw {
    ($conn:expr, $query:expr, $row:ty) => {
        match $conn {
            DbConnection::Pg(c) => {
                bind_all(diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::pg::Pg>(), &$query.args)
                    .load::<$row>(c)
            }
            DbConnection::Sqlite(c) => {
                bind_all(diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::sqlite::Sqlite>(), &$query.args)
                    .load::<$row>(c)
            }
        }
    };
}

fn backend_of(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Pg(_) => Backend::Postgres,
        DbConnection::Sqlite(_) => Backend::Sqlite,
    }
}

/// Whether the tenant and status conditions may use the articles' (tenant, status, id) index.
/// Not where it would take nearly every row: in a PostgreSQL search the planner would AND the
/// GIN bitmap with the bitmap of every published article of the tenant (33 of 64 ms on 100,000
/// articles), and a staff list of every status is better read backwards by id than sorted
/// (SQLite sorted all 100,000 rows: 30 ms).
#[derive(Clone, Copy, PartialEq, Eq)]
enum TenantIndex {
    Use,
    Avoid,
}

/// The SQL spelling of `kb::visible_to` for the article aliased `a`: published, and for all
/// companies, for this company, or for its territory or classification (compared by key).
fn visible_sql(q: &mut RawQuery, reader: &Reader, index: TenantIndex) {
    q.sql(match index {
        TenantIndex::Use => " AND a.status = 'published'",
        TenantIndex::Avoid => " AND a.status || '' = 'published'",
    });
    q.sql(" AND (a.audience = 'all_companies'");
    q.sql(" OR (a.audience = 'companies' AND EXISTS (SELECT 1 FROM kb_article_companies c WHERE c.article_id = a.id AND c.company_id = ")
        .int(reader.company.0)
        .sql("))");
    if let Some(territory) = &reader.territory {
        q.sql(" OR (a.audience = 'territory' AND a.audience_key = ").text(territory.as_str()).sql(")");
    }
    if let Some(classification) = &reader.classification {
        q.sql(" OR (a.audience = 'classification' AND a.audience_key = ").text(classification.as_str()).sql(")");
    }
    q.sql(")");
}

/// `a.tenant_id = ...`, the scope's visibility and the filter's conditions.
fn where_sql(q: &mut RawQuery, tenant: TenantId, scope: Scope<'_>, filter: &Filter<'_>, index: TenantIndex) {
    q.sql(match index {
        TenantIndex::Use => "a.tenant_id = ",
        TenantIndex::Avoid => "a.tenant_id + 0 = ",
    })
    .int(tenant.0);
    if let Scope::Reader(reader) = scope {
        visible_sql(q, reader, index);
    }
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

/// An article as lists and search results show it: no body.
#[derive(Debug, Clone)]
pub struct ArticleListItem {
    pub id: ArticleId,
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub language: Language,
    pub status: ArticleStatus,
    /// The audience kind and, for a territory or classification, its label (the chosen
    /// companies are on the article itself).
    pub audience: String,
    pub audience_label: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

const LIST_COLUMNS: &str = "a.id, a.category_id, a.title, a.summary, a.tags, a.language, a.status, a.audience, \
     a.audience_label, a.published_at, a.updated_at";

#[derive(QueryableByName)]
struct ListRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    category_id: Option<i64>,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    summary: String,
    #[diesel(sql_type = Text)]
    tags: String,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    audience: String,
    #[diesel(sql_type = Nullable<Text>)]
    audience_label: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    published_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Timestamp)]
    updated_at: NaiveDateTime,
}

impl TryFrom<ListRow> for ArticleListItem {
    type Error = Error;
    fn try_from(row: ListRow) -> Result<Self> {
        Ok(Self {
            id: ArticleId(row.id),
            category_id: row.category_id.map(CategoryId),
            status: stored_status(row.id, &row.status)?,
            title: row.title,
            summary: row.summary,
            tags: split_tags(&row.tags),
            language: Language::parse(&row.language).unwrap_or_default(),
            audience: row.audience,
            audience_label: row.audience_label,
            published_at: row.published_at.map(utc),
            updated_at: utc(row.updated_at),
        })
    }
}

/// Articles in the scope, newest first, before the article `before`.
pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
    filter: &Filter<'_>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<ArticleListItem>> {
    let mut q = RawQuery::new(backend_of(conn));
    q.sql("SELECT ").sql(LIST_COLUMNS).sql(" FROM kb_articles a WHERE ");
    let index = match scope {
        Scope::Staff if filter.status.is_none() => TenantIndex::Avoid,
        _ => TenantIndex::Use,
    };
    where_sql(&mut q, tenant, scope, filter, index);
    if let Some(before) = before {
        q.sql(" AND a.id < ").int(before);
    }
    q.sql(" ORDER BY a.id DESC LIMIT ").int(limit + 1);
    let rows: Vec<ListRow> = load_raw!(conn, q, ListRow)?;
    let items = rows.into_iter().map(ArticleListItem::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |a| a.id.0))
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    category_id: i64,
    #[diesel(sql_type = BigInt)]
    articles: i64,
}

/// How many articles in the scope each category holds directly.
pub fn category_counts(
    conn: &mut DbConnection,
    tenant: TenantId,
    scope: Scope<'_>,
) -> Result<HashMap<CategoryId, i64>> {
    let mut q = RawQuery::new(backend_of(conn));
    q.sql("SELECT a.category_id AS category_id, count(*) AS articles FROM kb_articles a WHERE ");
    where_sql(&mut q, tenant, scope, &Filter::default(), TenantIndex::Use);
    q.sql(" AND a.category_id IS NOT NULL GROUP BY a.category_id");
    let rows: Vec<CountRow> = load_raw!(conn, q, CountRow)?;
    Ok(rows.into_iter().map(|r| (CategoryId(r.category_id), r.articles)).collect())
}

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
fn pg_query_sql(q: &mut RawQuery, query: &TextQuery, configs: &[&str]) -> String {
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
