-- Ticket search is always within some companies. The index now also holds each ticket's company
-- as a token (`c<id>` in its own column), so FTS5 intersects a search word's doclist with the
-- company's instead of materialising every match in the tenant (100k rows for a common word at a
-- million tickets). Contentless with deletes: only rowids are read back.
DROP TRIGGER tickets_fts_update;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_insert;
DROP TABLE tickets_fts;
CREATE VIRTUAL TABLE tickets_fts USING fts5(
    title, description, company, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO tickets_fts (rowid, title, description, company)
    SELECT id, title, description, 'c' || company_id FROM tickets;
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, title, description, company)
    VALUES (new.id, new.title, new.description, 'c' || new.company_id);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM tickets_fts WHERE rowid = old.id;
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description, company_id ON tickets BEGIN
    DELETE FROM tickets_fts WHERE rowid = old.id;
    INSERT INTO tickets_fts (rowid, title, description, company)
    VALUES (new.id, new.title, new.description, 'c' || new.company_id);
END;
