-- SQLite only (FTS5 indexes new tickets at commit); PostgreSQL's GIN index has its own pending
-- list (migration 000013). Kept so that both backends' migrations stay in step.
SELECT 1;
