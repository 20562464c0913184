//! SQLite's full-text index of tickets (`tickets_fts`): the tickets a transaction created wait
//! in `tickets_fts_queue` and are indexed together when it commits. `Db::connect_with` gives it to
//! the SQLite writer as the hook it runs before each commit; the ticket modules never call it.

use diesel::connection::SimpleConnection;
use diesel::result::QueryResult;
use diesel::SqliteConnection;

/// SQLite: indexes the tickets queued for the full-text index since the last commit (migration
/// 000014), in one statement. The SQLite writer runs it just before every commit, outside the
/// savepoints of the group's writes, so FTS5 writes one index segment per commit. The queue is
/// read first (`CROSS JOIN`): SQLite has no statistics for it and otherwise walked every ticket.
pub(crate) fn index_queued(conn: &mut SqliteConnection) -> QueryResult<()> {
    conn.batch_execute(
        "INSERT INTO tickets_fts (rowid, title, description, company) \
         SELECT t.id, t.title, t.description, 'c' || t.company_id FROM tickets_fts_queue q CROSS JOIN tickets t ON t.id = q.id; \
         DELETE FROM tickets_fts_queue;",
    )
}
