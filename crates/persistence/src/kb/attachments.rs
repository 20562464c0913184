//! Files attached to articles (`crate::owned_files`).

crate::owned_files::owned_files!(kb_article_attachments, article_id, clientdesk_domain::ids::ArticleId);
