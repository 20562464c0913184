-- Tickets are indexed for search with ASCII punctuation read as spaces, as FTS5 does on SQLite and
-- as search words are read: PostgreSQL's parser keeps a host name (`fileserver.contoso.local`),
-- an e-mail address or a path as one token, so "contoso" did not find them. The expression is
-- the one `tickets::list` matches; the pending list stays small (migration 000013).
DROP INDEX tickets_search_idx;
CREATE INDEX tickets_search_idx ON tickets USING GIN (
    (to_tsvector('simple', regexp_replace(title || ' ' || description, '[[:punct:]]', ' ', 'g'))
     || ('company_' || company_id::text)::tsvector)
) WITH (gin_pending_list_limit = 256);
