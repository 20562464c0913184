//! How articles are received: read counts and each user's helpful-or-not answer.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::{ArticleId, TenantId, UserId};
use diesel::prelude::*;

use crate::schema::{kb_article_views, kb_feedback};
use crate::{DbConnection, Result};

/// Counts one read. A single-row update of its own table: cheap, and the article and its search
/// index stay untouched.
pub fn count_view(conn: &mut DbConnection, article: ArticleId) -> Result<()> {
    diesel::update(kb_article_views::table.find(article.0))
        .set(kb_article_views::views.eq(kb_article_views::views + 1))
        .execute(conn)?;
    Ok(())
}

/// Records what `user` thinks of an article, replacing an earlier answer: one row per user and
/// article, written with an upsert (spelled per backend) so that two quick clicks cannot
/// conflict.
pub fn set_feedback(
    conn: &mut DbConnection,
    tenant: TenantId,
    article: ArticleId,
    user: UserId,
    helpful: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    macro_rules! upsert {
        ($c:expr) => {
            diesel::insert_into(kb_feedback::table)
                .values((
                    kb_feedback::tenant_id.eq(tenant.0),
                    kb_feedback::article_id.eq(article.0),
                    kb_feedback::user_id.eq(user.0),
                    kb_feedback::helpful.eq(helpful),
                    kb_feedback::created_at.eq(now.naive_utc()),
                    kb_feedback::updated_at.eq(now.naive_utc()),
                ))
                .on_conflict((kb_feedback::article_id, kb_feedback::user_id))
                .do_update()
                .set((kb_feedback::helpful.eq(helpful), kb_feedback::updated_at.eq(now.naive_utc())))
                .execute($c)
        };
    }
    match conn {
        DbConnection::Pg(pg) => upsert!(pg)?,
        DbConnection::Sqlite(sqlite) => upsert!(sqlite)?,
    };
    Ok(())
}

/// What `user` said of an article, if anything.
pub fn feedback_of(conn: &mut DbConnection, article: ArticleId, user: UserId) -> Result<Option<bool>> {
    Ok(kb_feedback::table
        .filter(kb_feedback::article_id.eq(article.0))
        .filter(kb_feedback::user_id.eq(user.0))
        .select(kb_feedback::helpful)
        .first(conn)
        .optional()?)
}

/// What staff see of an article's reception.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArticleStats {
    pub views: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

pub fn stats(conn: &mut DbConnection, ids: &[ArticleId]) -> Result<HashMap<ArticleId, ArticleStats>> {
    let raw: Vec<i64> = ids.iter().map(|a| a.0).collect();
    let mut out: HashMap<ArticleId, ArticleStats> = ids.iter().map(|a| (*a, ArticleStats::default())).collect();
    let views: Vec<(i64, i64)> = kb_article_views::table
        .filter(kb_article_views::article_id.eq_any(&raw))
        .select((kb_article_views::article_id, kb_article_views::views))
        .load(conn)?;
    for (id, n) in views {
        out.entry(ArticleId(id)).or_default().views = n;
    }
    let votes: Vec<(i64, bool, i64)> = kb_feedback::table
        .filter(kb_feedback::article_id.eq_any(&raw))
        .group_by((kb_feedback::article_id, kb_feedback::helpful))
        .select((kb_feedback::article_id, kb_feedback::helpful, diesel::dsl::count_star()))
        .load(conn)?;
    for (id, helpful, n) in votes {
        let entry = out.entry(ArticleId(id)).or_default();
        if helpful {
            entry.helpful = n;
        } else {
            entry.not_helpful = n;
        }
    }
    Ok(out)
}
