DROP INDEX tickets_search_idx;
CREATE INDEX tickets_search_idx ON tickets USING GIN (
    (to_tsvector('simple', title || ' ' || description) || ('company_' || company_id::text)::tsvector)
) WITH (gin_pending_list_limit = 256);
