-- PostgreSQL only (its search index reads punctuation as spaces now, as FTS5 always did). Kept so
-- that both backends' migrations stay in step.
SELECT 1;
