-- SQLite only: the index through which its FTS5 search checks each match (see the SQLite
-- migration); PostgreSQL filters the GIN index's matches on the heap. Kept so that both
-- backends' migrations stay in step.
SELECT 1;
