-- Ticket search is always within some companies: the index also holds each ticket's company as
-- the lexeme `company_<id>` (which no search word can be: words are letters and digits), so GIN
-- intersects a common word with the company's few tickets instead of rechecking all its matches.
DROP INDEX tickets_search_idx;
CREATE INDEX tickets_search_idx ON tickets USING GIN (
    (to_tsvector('simple', title || ' ' || description) || ('company_' || company_id::text)::tsvector)
);
