DROP INDEX tickets_search_idx;
CREATE INDEX tickets_search_idx ON tickets USING GIN (to_tsvector('simple', title || ' ' || description));
