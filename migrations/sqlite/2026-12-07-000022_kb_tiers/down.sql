DROP TABLE kb_article_attachments;
DROP TRIGGER kb_articles_head_fts_update;
DROP TRIGGER kb_articles_head_fts_delete;
DROP TRIGGER kb_articles_head_fts_insert;
DROP TABLE kb_articles_head_fts;
