//! The SQLite and PostgreSQL migrations must build the same schema, and re-running them must
//! change nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::sql_types::{Integer, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};

use clientdesk_persistence::Db;

use crate::pg;

#[derive(QueryableByName)]
struct TableRow {
    #[diesel(sql_type = Text)]
    table_name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
}

/// What the comparison looks at: tables; per table its columns with whether they are NOT NULL;
/// per table its explicitly created indexes.
#[derive(Debug, PartialEq, Eq)]
struct Schema {
    tables: BTreeSet<String>,
    columns: BTreeMap<String, BTreeSet<(String, bool)>>,
    indexes: BTreeMap<String, BTreeSet<String>>,
}

impl Schema {
    fn new(tables: Vec<TableRow>, columns: Vec<ColumnRow>, indexes: Vec<IndexRow>) -> Self {
        let mut schema = Self {
            tables: tables.into_iter().map(|t| t.table_name).collect(),
            columns: BTreeMap::new(),
            indexes: BTreeMap::new(),
        };
        for c in columns {
            schema.columns.entry(c.table_name).or_default().insert((c.column_name, c.not_null != 0));
        }
        for i in indexes {
            schema.indexes.entry(i.table_name).or_default().insert(i.index_name);
        }
        schema
    }
}

// Full-text search is the one place where the backends keep different structures on purpose:
// SQLite FTS5 virtual tables (`kb_articles_fts`, `tickets_fts`, with the shadow tables FTS5
// creates for them: `_data`, `_idx`, `_docsize`, `_config`; no `_content`, as the text stays in
// the base tables, and the index through which a knowledge-base search checks each FTS5 match),
// PostgreSQL a generated tsvector column on the articles and GIN indexes. Only these names are
// left out of the comparison.
const SQLITE_ONLY_TABLES: &str = "'kb_articles_fts', 'kb_articles_fts_data', 'kb_articles_fts_idx', \
     'kb_articles_fts_docsize', 'kb_articles_fts_config', 'kb_articles_head_fts', 'kb_articles_head_fts_data', \
     'kb_articles_head_fts_idx', 'kb_articles_head_fts_docsize', 'kb_articles_head_fts_config', 'tickets_fts', 'tickets_fts_data', 'tickets_fts_idx', \
     'tickets_fts_docsize', 'tickets_fts_config', 'tickets_fts_queue'";
const PG_ONLY_COLUMNS: [(&str, &str); 2] = [("kb_articles", "search_vector"), ("kb_articles", "head_vector")];
const PG_ONLY_INDEXES: [&str; 3] = ["kb_articles_search_idx", "kb_articles_head_search_idx", "tickets_search_idx"];
const SQLITE_ONLY_INDEXES: [&str; 1] = ["kb_articles_visibility_idx"];

// An INTEGER PRIMARY KEY reports notnull = 0 but is the rowid, never null: pk columns count as
// NOT NULL. Indexes without sql are the automatic ones behind PRIMARY KEY / UNIQUE constraints.
fn sqlite_tables() -> String {
    format!(
        "SELECT name AS table_name FROM sqlite_master \
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' \
         AND name NOT IN ({SQLITE_ONLY_TABLES})"
    )
}
fn sqlite_columns() -> String {
    format!(
        "SELECT m.name AS table_name, p.name AS column_name, \
         CASE WHEN p.\"notnull\" <> 0 OR p.pk > 0 THEN 1 ELSE 0 END AS not_null \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
         AND m.name NOT IN ({SQLITE_ONLY_TABLES})"
    )
}
fn sqlite_indexes() -> String {
    format!(
        "SELECT tbl_name AS table_name, name AS index_name FROM sqlite_master \
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name <> '__diesel_schema_migrations' \
         AND tbl_name NOT IN ({SQLITE_ONLY_TABLES})"
    )
}

const PG_TABLES: &str = "SELECT table_name::text AS table_name FROM information_schema.tables \
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
     AND table_name <> '__diesel_schema_migrations'";
const PG_COLUMNS: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name, \
     CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null \
     FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'";
// Indexes backing PRIMARY KEY / UNIQUE / EXCLUDE constraints (`*_pkey`, `*_key`) are left out, as
// their SQLite counterparts are.
const PG_INDEXES: &str = "SELECT t.relname::text AS table_name, i.relname::text AS index_name \
     FROM pg_index x \
     JOIN pg_class i ON i.oid = x.indexrelid \
     JOIN pg_class t ON t.oid = x.indrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     WHERE n.nspname = 'public' AND t.relname <> '__diesel_schema_migrations' \
     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid \
         AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x'))";

fn sqlite_schema(path: &str) -> Schema {
    let mut conn = SqliteConnection::establish(path).expect("open the SQLite database");
    let indexes: Vec<IndexRow> = diesel::sql_query(sqlite_indexes()).load(&mut conn).expect("SQLite indexes");
    Schema::new(
        diesel::sql_query(sqlite_tables()).load(&mut conn).expect("SQLite tables"),
        diesel::sql_query(sqlite_columns()).load(&mut conn).expect("SQLite columns"),
        indexes.into_iter().filter(|i| !SQLITE_ONLY_INDEXES.contains(&i.index_name.as_str())).collect(),
    )
}

fn postgres_schema(url: &str) -> Schema {
    let mut conn = PgConnection::establish(url).expect("connect to the PostgreSQL database");
    let columns: Vec<ColumnRow> = diesel::sql_query(PG_COLUMNS).load(&mut conn).expect("PostgreSQL columns");
    let indexes: Vec<IndexRow> = diesel::sql_query(PG_INDEXES).load(&mut conn).expect("PostgreSQL indexes");
    Schema::new(
        diesel::sql_query(PG_TABLES).load(&mut conn).expect("PostgreSQL tables"),
        columns
            .into_iter()
            .filter(|c| !PG_ONLY_COLUMNS.contains(&(c.table_name.as_str(), c.column_name.as_str())))
            .collect(),
        indexes.into_iter().filter(|i| !PG_ONLY_INDEXES.contains(&i.index_name.as_str())).collect(),
    )
}

/// A SQLite file of its own, removed (with its WAL files) when dropped.
struct SqliteFile(PathBuf);

impl SqliteFile {
    fn new() -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        Self(std::env::temp_dir().join(format!("clientdesk-migrations-{}-{nanos}.db", std::process::id())))
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("temp path is UTF-8")
    }
}

impl Drop for SqliteFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// A PostgreSQL database of its own, dropped when the guard is.
struct PgDatabase(String);

impl PgDatabase {
    fn new() -> Self {
        Self(pg::fresh_database_url())
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        pg::drop_database(&self.0);
    }
}

#[test]
fn sqlite_and_postgres_schemas_match() {
    let sqlite = SqliteFile::new();
    let applied = Db::connect(sqlite.path(), 1).expect("open SQLite").migrate().expect("migrate SQLite");
    assert!(!applied.is_empty(), "a fresh SQLite database gets migrations");
    // fresh_database_url clones an already migrated template.
    let postgres = PgDatabase::new();
    Db::connect(&postgres.0, 1).expect("connect to PostgreSQL").migrate().expect("migrate PostgreSQL");

    let sqlite_schema = sqlite_schema(sqlite.path());
    let postgres_schema = postgres_schema(&postgres.0);
    assert!(!sqlite_schema.tables.is_empty(), "the migrations create tables");
    assert_eq!(sqlite_schema.tables, postgres_schema.tables, "tables differ");
    for table in &sqlite_schema.tables {
        assert_eq!(
            sqlite_schema.columns.get(table),
            postgres_schema.columns.get(table),
            "columns (name, NOT NULL) of {table} differ (left SQLite, right PostgreSQL)"
        );
        assert_eq!(
            sqlite_schema.indexes.get(table),
            postgres_schema.indexes.get(table),
            "indexes of {table} differ (left SQLite, right PostgreSQL)"
        );
    }
    assert_eq!(sqlite_schema, postgres_schema);
}

#[test]
fn migrating_twice_changes_nothing_on_sqlite() {
    let sqlite = SqliteFile::new();
    let db = Db::connect(sqlite.path(), 1).expect("open SQLite");
    assert!(!db.migrate().expect("first migration").is_empty());
    assert_eq!(db.migrate().expect("second migration"), Vec::<String>::new());
    drop(db);
}

#[test]
fn migrating_twice_changes_nothing_on_postgres() {
    let postgres = PgDatabase::new();
    let db = Db::connect(&postgres.0, 1).expect("connect to PostgreSQL");
    // The template was migrated already: nothing may be pending, now or after another run.
    assert_eq!(db.migrate().expect("first migration"), Vec::<String>::new());
    assert_eq!(db.migrate().expect("second migration"), Vec::<String>::new());
    drop(db);
}
