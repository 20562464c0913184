-- What a knowledge-base search reads of each matching article, by id: whether the caller may see
-- it and the search's filters. The search joins each FTS5 match to its article through this
-- index (`INDEXED BY`) instead of the table, whose rows carry the body: about three rows to a
-- page, so each match cost a page of its own. 100,000 articles, 1,000 sample queries: 3.4 -> 2.3
-- ms a search.
CREATE INDEX kb_articles_visibility_idx ON kb_articles (id, tenant_id, status, audience, audience_key, category_id, language);
