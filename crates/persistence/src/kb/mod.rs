//! The knowledge base: categories, articles with their audiences, revisions, tags, feedback and
//! read counts, and full-text search on both backends.
//!
//! Everything a customer may see is filtered by `visibility::visible_sql`, the SQL spelling of the
//! domain rule `kb::visible_to`; lists, category counts, search and suggestions all go through it.
//! Search is one function, [`search()`], in two tiers (`kb::Tier`): head matches (title, summary,
//! tags) first, then body-only matches, each ranked among themselves and each on its own index.
//! SQLite: the FTS5 tables `kb_articles_head_fts` (head) and `kb_articles_fts` (whole article),
//! Porter stemming, bm25 with the title weighted highest. PostgreSQL: the generated
//! `head_vector` and `search_vector` (stemmed in the article's language over the text as
//! written, see `kb_plain`), ts_rank over weights A/B/D. The backends differ only in the few
//! statements that name them.

mod articles;
mod attachments;
mod categories;
mod feedback;
mod list;
mod readable;
mod revisions;
mod search;
mod stored;
mod suggestions;
mod visibility;

pub use crate::owned_files::OwnedFile as ArticleAttachment;
pub use articles::{create_article, delete_article, get_article, set_status, update_article, ArticleFields};
pub use attachments::{
    delete_file as delete_attachment, file as attachment, file_bytes as attached_bytes, files_of as attachments_of,
    insert_file as insert_attachment,
};
pub use categories::{categories, category, category_contents, create_category, delete_category, update_category};
pub use feedback::{count_view, feedback_of, set_feedback, stats, ArticleStats};
pub use list::{category_counts, list, ArticleListItem};
pub use readable::{readable, register as register_readable, Readable};
pub use revisions::{authors, revision, revisions, Revision, RevisionInfo};
pub use search::{search, SearchHit, SearchRequest, SearchResults};
pub use suggestions::word_shares;
pub use visibility::{Filter, Scope};
