-- New tickets enter the full-text index once per commit instead of once per ticket. FTS5 writes
-- the terms it holds as a new index segment whenever a savepoint opens or is released, and the
-- SQLite writer runs every write of a group in a savepoint of one transaction (or a statement with
-- triggers opens one): each ticket became a segment of its own, and merging them was about a fifth
-- of a creation's CPU. A new ticket is now queued here, in its own savepoint (rolled back with it);
-- the writer indexes the queue in one statement just before the group commits (`tickets::
-- index_queued`), so searches still see a ticket once its creation has returned.
CREATE TABLE tickets_fts_queue (id INTEGER PRIMARY KEY);
DROP TRIGGER tickets_fts_insert;
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT OR IGNORE INTO tickets_fts_queue (id) VALUES (new.id);
END;
-- A queued ticket is indexed with what it holds at commit; writing it now as well would index it
-- twice (FTS5 does not refuse a rowid it already has).
DROP TRIGGER tickets_fts_update;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description, company_id ON tickets BEGIN
    DELETE FROM tickets_fts WHERE rowid = old.id;
    INSERT INTO tickets_fts (rowid, title, description, company)
    SELECT new.id, new.title, new.description, 'c' || new.company_id
    WHERE NOT EXISTS (SELECT 1 FROM tickets_fts_queue WHERE id = new.id);
END;
