-- The knowledge base: categories (a tree), articles with their audience, revisions, tags,
-- feedback and view counts; and the full-text search vector with its GIN index (PostgreSQL
-- only: SQLite keeps an FTS5 table instead, see the SQLite migration of the same name).
CREATE TABLE kb_categories (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    parent_id BIGINT REFERENCES kb_categories (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX kb_categories_tenant_idx ON kb_categories (tenant_id, parent_id);

-- status: draft | published. audience: all_companies | companies | territory | classification |
-- internal; audience_label is the territory or classification as typed, audience_key the same
-- trimmed and lower-cased, which is what a company's label is compared with. Who wrote and who
-- last changed the article are in its revisions.
CREATE TABLE kb_articles (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    category_id BIGINT REFERENCES kb_categories (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    status TEXT NOT NULL,
    audience TEXT NOT NULL,
    audience_label TEXT,
    audience_key TEXT,
    revision BIGINT NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX kb_articles_tenant_idx ON kb_articles (tenant_id, status, id);
CREATE INDEX kb_articles_category_idx ON kb_articles (category_id, status, id);
-- Covers counting the articles of each category a company may see (no visit to the wide rows:
-- 134 -> 28 ms on 100,000 articles with SQLite).
CREATE INDEX kb_articles_category_count_idx ON kb_articles (tenant_id, status, category_id, audience, audience_key);

-- The chosen companies of an article whose audience is `companies`.
CREATE TABLE kb_article_companies (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    PRIMARY KEY (article_id, company_id)
);
CREATE INDEX kb_article_companies_company_idx ON kb_article_companies (company_id, article_id);

-- One row per tag, for the tag filter (the article keeps them space-separated for display and
-- the full-text index).
CREATE TABLE kb_article_tags (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id),
    tag TEXT NOT NULL,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX kb_article_tags_tag_idx ON kb_article_tags (tenant_id, tag, article_id);

-- Every version of an article, whole: revision 1 is the creation, and each edit, publication
-- and withdrawal adds one.
CREATE TABLE kb_article_revisions (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    article_id BIGINT NOT NULL REFERENCES kb_articles (id),
    revision BIGINT NOT NULL,
    category_id BIGINT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    audience TEXT NOT NULL,
    audience_label TEXT,
    audience_companies TEXT NOT NULL DEFAULT '',
    edited_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (article_id, revision)
);

-- Read counts apart from the article, so that counting a read rewrites a small row and never
-- touches the article or its search index.
CREATE TABLE kb_article_views (
    article_id BIGINT PRIMARY KEY NOT NULL REFERENCES kb_articles (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    views BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE kb_feedback (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    article_id BIGINT NOT NULL REFERENCES kb_articles (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    helpful BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (article_id, user_id)
);

-- The text search configuration of an article's language, for its search vector and for
-- highlighting. Constants of type regconfig keep it immutable, as a generated column needs.
CREATE FUNCTION kb_search_config(language TEXT) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE language
        WHEN 'fr' THEN 'pg_catalog.french'::regconfig
        WHEN 'de' THEN 'pg_catalog.german'::regconfig
        WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
        WHEN 'it' THEN 'pg_catalog.italian'::regconfig
        ELSE 'pg_catalog.english'::regconfig
    END;

-- Stemmed in the article's language; title weighs most (A), then summary and tags (B), then
-- the body (D), so that ts_rank puts a title match above a body match. Generated, so it is
-- always in step with the text within the writing transaction.
ALTER TABLE kb_articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(kb_search_config(language), title), 'A')
    || setweight(to_tsvector(kb_search_config(language), summary), 'B')
    || setweight(to_tsvector(kb_search_config(language), tags), 'B')
    || setweight(to_tsvector(kb_search_config(language), body), 'D')
) STORED;
CREATE INDEX kb_articles_search_idx ON kb_articles USING gin (search_vector);
