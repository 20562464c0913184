DROP TABLE kb_article_attachments;
DROP INDEX kb_articles_head_search_idx;
ALTER TABLE kb_articles DROP COLUMN head_vector;
DROP INDEX kb_articles_search_idx;
ALTER TABLE kb_articles DROP COLUMN search_vector;
ALTER TABLE kb_articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(kb_search_config(language), title), 'A')
    || setweight(to_tsvector(kb_search_config(language), summary), 'B')
    || setweight(to_tsvector(kb_search_config(language), tags), 'B')
    || setweight(to_tsvector(kb_search_config(language), body), 'D')
) STORED;
CREATE INDEX kb_articles_search_idx ON kb_articles USING gin (search_vector);
DROP FUNCTION kb_plain(TEXT);
