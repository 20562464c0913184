-- Text as written: PostgreSQL's default text search parser reads `<script src=...>`, `<style>`,
-- `<!-- ... -->` and the like as markup and drops them and the words inside them from the vector
-- (and ts_headline drops them from a snippet). kb_plain puts a control character (U+0001, which
-- article text never holds) after every `<`, so that no markup is recognised: every word is
-- indexed as SQLite's FTS5 indexes it, and highlighting keeps the text (the search removes the
-- control characters from what it returns).
CREATE FUNCTION kb_plain(input TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN replace(input, '<', '<' || chr(1));

-- The full vector, for the body tier, now over the text as written.
DROP INDEX kb_articles_search_idx;
ALTER TABLE kb_articles DROP COLUMN search_vector;
ALTER TABLE kb_articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(kb_search_config(language), kb_plain(title)), 'A')
    || setweight(to_tsvector(kb_search_config(language), kb_plain(summary)), 'B')
    || setweight(to_tsvector(kb_search_config(language), kb_plain(tags)), 'B')
    || setweight(to_tsvector(kb_search_config(language), kb_plain(body)), 'D')
) STORED;
CREATE INDEX kb_articles_search_idx ON kb_articles USING gin (search_vector);

-- The head of an article (title A, summary and tags B) on its own, for the first tier of a
-- search (see docs/decisions/0044-kb-two-tier-search.md): small, so it stays in the row rather
-- than in TOAST, and checking or ranking a candidate against it is cheap.
ALTER TABLE kb_articles ADD COLUMN head_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(kb_search_config(language), kb_plain(title)), 'A')
    || setweight(to_tsvector(kb_search_config(language), kb_plain(summary)), 'B')
    || setweight(to_tsvector(kb_search_config(language), kb_plain(tags)), 'B')
) STORED;
CREATE INDEX kb_articles_head_search_idx ON kb_articles USING gin (head_vector);

-- Files attached to an article: the contents in the attachment storage under storage_key (as the
-- tickets' attachments), read with the article's visibility.
CREATE TABLE kb_article_attachments (
    id BIGSERIAL PRIMARY KEY,
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
