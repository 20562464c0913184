INSERT INTO tickets_fts (rowid, title, description, company)
    SELECT t.id, t.title, t.description, 'c' || t.company_id FROM tickets_fts_queue q JOIN tickets t ON t.id = q.id;
DROP TRIGGER tickets_fts_update;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description, company_id ON tickets BEGIN
    DELETE FROM tickets_fts WHERE rowid = old.id;
    INSERT INTO tickets_fts (rowid, title, description, company)
    VALUES (new.id, new.title, new.description, 'c' || new.company_id);
END;
DROP TRIGGER tickets_fts_insert;
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, title, description, company)
    VALUES (new.id, new.title, new.description, 'c' || new.company_id);
END;
DROP TABLE tickets_fts_queue;
