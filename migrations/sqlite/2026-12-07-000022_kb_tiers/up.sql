-- The head of an article (title, summary, tags) indexed on its own, for the first tier of a
-- knowledge-base search: an article whose head matches ranks above every article that matches
-- only through its body, and ranking the head tier reads only this small index (see
-- docs/decisions/0044-kb-two-tier-search.md). Same tokenizer as kb_articles_fts, external content
-- (the text stays in kb_articles), kept in step by triggers inside the writing transaction; an
-- update that leaves the head alone does not touch it.
CREATE VIRTUAL TABLE kb_articles_head_fts USING fts5 (
    title, summary, tags,
    content = 'kb_articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO kb_articles_head_fts (kb_articles_head_fts) VALUES ('rebuild');

CREATE TRIGGER kb_articles_head_fts_insert AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_articles_head_fts (rowid, title, summary, tags) VALUES (new.id, new.title, new.summary, new.tags);
END;

CREATE TRIGGER kb_articles_head_fts_delete AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_articles_head_fts (kb_articles_head_fts, rowid, title, summary, tags)
    VALUES ('delete', old.id, old.title, old.summary, old.tags);
END;

CREATE TRIGGER kb_articles_head_fts_update AFTER UPDATE OF title, summary, tags ON kb_articles BEGIN
    INSERT INTO kb_articles_head_fts (kb_articles_head_fts, rowid, title, summary, tags)
    VALUES ('delete', old.id, old.title, old.summary, old.tags);
    INSERT INTO kb_articles_head_fts (rowid, title, summary, tags) VALUES (new.id, new.title, new.summary, new.tags);
END;

-- Files attached to an article: the contents in the attachment storage under storage_key (as the
-- tickets' attachments), read with the article's visibility.
CREATE TABLE kb_article_attachments (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    article_id BIGINT NOT NULL REFERENCES kb_articles (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX kb_article_attachments_article_idx ON kb_article_attachments (article_id, id);
