DROP TABLE kb_feedback;
DROP TABLE kb_article_views;
DROP TABLE kb_article_revisions;
DROP TABLE kb_article_tags;
DROP TABLE kb_article_companies;
DROP TABLE kb_articles;
DROP TABLE kb_categories;
DROP FUNCTION kb_search_config(TEXT);
