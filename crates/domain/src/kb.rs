//! The knowledge base: articles published for an audience, categories as a tree, who may read
//! what, and what a search box's text means.
//!
//! A customer sees an article only when it is published and its audience takes in the company
//! the customer reads for: all companies of the tenant, a list of chosen companies, the
//! company's territory or its classification. Internal articles and drafts reach staff only.
//! Territories and classifications are free-text labels on the company; they match ignoring
//! case and surrounding spaces. A subsidiary is a company of its own: an article chosen for the
//! parent does not reach it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::entities::Company;
use crate::ids::{ArticleId, CategoryId, CompanyId, TenantId};
use crate::principal::Denied;
use crate::roles::{Permission, RoleSet};
use crate::settings::PortalSettings;
use crate::user::Language;
use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    Published,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        match input {
            "draft" => Ok(Self::Draft),
            "published" => Ok(Self::Published),
            _ => Err(DomainError::new("status", "rule-either").arg("first", "draft").arg("second", "published")),
        }
    }
}

/// A knowledge-base article as stored, with its audience.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: ArticleId,
    pub tenant_id: TenantId,
    pub category_id: Option<CategoryId>,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub tags: Vec<String>,
    pub language: Language,
    pub status: ArticleStatus,
    pub audience: Audience,
    /// Raised by every change; the number of the latest revision.
    pub revision: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Article {
    pub fn visible_to(&self, reader: &Reader) -> bool {
        visible_to(self.status, &self.audience, reader)
    }
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: CategoryId,
    pub tenant_id: TenantId,
    pub parent_id: Option<CategoryId>,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who an article is published for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every company of the tenant.
    AllCompanies,
    /// Only these companies.
    Companies(Vec<CompanyId>),
    /// Companies whose territory is this label.
    Territory(String),
    /// Companies whose classification is this label.
    Classification(String),
    /// The provider's staff only.
    Internal,
}

impl Audience {
    pub const MAX_COMPANIES: usize = 100;

    pub fn kind(&self) -> &'static str {
        match self {
            Self::AllCompanies => "all_companies",
            Self::Companies(_) => "companies",
            Self::Territory(_) => "territory",
            Self::Classification(_) => "classification",
            Self::Internal => "internal",
        }
    }

    /// The territory or classification label, as typed.
    pub fn label(&self) -> Option<&str> {
        match self {
            Self::Territory(label) | Self::Classification(label) => Some(label),
            _ => None,
        }
    }

    /// The label as it is matched against a company's (see [`label_key`]).
    pub fn label_key(&self) -> Option<String> {
        self.label().map(label_key)
    }

    pub fn companies(&self) -> &[CompanyId] {
        match self {
            Self::Companies(ids) => ids,
            _ => &[],
        }
    }

    /// Whether the audience takes in `reader`'s company, whatever the status of what it is the
    /// audience of (the knowledge base's articles and the vault's documents share this rule).
    pub fn includes(&self, reader: &Reader) -> bool {
        match self {
            Self::AllCompanies => true,
            Self::Companies(ids) => ids.contains(&reader.company),
            Self::Territory(label) => reader.territory.as_deref() == Some(label_key(label).as_str()),
            Self::Classification(label) => reader.classification.as_deref() == Some(label_key(label).as_str()),
            Self::Internal => false,
        }
    }

    /// The one company the audience names, when it names exactly one: the company a vault
    /// document belongs to.
    pub fn sole_company(&self) -> Option<CompanyId> {
        match self {
            Self::Companies(ids) if ids.len() == 1 => Some(ids[0]),
            _ => None,
        }
    }

    /// Builds an audience from its parts, checking them: a label of 1 to 100 characters, 1 to
    /// 100 distinct companies.
    pub fn parse(kind: &str, label: Option<&str>, companies: &[CompanyId]) -> Result<Self, DomainError> {
        let label = |field: &'static str| -> Result<String, DomainError> {
            let value = label.map(str::trim).unwrap_or_default();
            if value.is_empty() || value.chars().count() > 100 || value.chars().any(char::is_control) {
                return Err(DomainError::new(field, "rule-chars-between").arg("min", 1).arg("max", 100));
            }
            Ok(value.to_owned())
        };
        match kind {
            "all_companies" => Ok(Self::AllCompanies),
            "internal" => Ok(Self::Internal),
            "territory" => Ok(Self::Territory(label("audience.territory")?)),
            "classification" => Ok(Self::Classification(label("audience.classification")?)),
            "companies" => {
                let mut ids = companies.to_vec();
                ids.sort();
                ids.dedup();
                if ids.is_empty() || ids.len() > Self::MAX_COMPANIES {
                    return Err(DomainError::new("audience.company_ids", "rule-kb-audience-companies"));
                }
                Ok(Self::Companies(ids))
            }
            _ => Err(DomainError::new("audience.kind", "rule-kb-audience-kind")),
        }
    }
}

/// A territory or classification label as it is compared: trimmed and lower-cased.
pub fn label_key(label: &str) -> String {
    label.trim().to_lowercase()
}

/// The facts about a company that decide which articles it sees.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reader {
    pub company: CompanyId,
    /// The company's territory, as a [`label_key`].
    pub territory: Option<String>,
    /// The company's classification, as a [`label_key`].
    pub classification: Option<String>,
}

impl Reader {
    pub fn of(company: &Company) -> Self {
        Self {
            company: company.id,
            territory: company.territory.as_deref().map(label_key).filter(|k| !k.is_empty()),
            classification: company.classification.as_deref().map(label_key).filter(|k| !k.is_empty()),
        }
    }
}

/// Whether a customer reading for `reader`'s company may see an article. The queries that list
/// and search articles spell this same rule in SQL (persistence `kb/visibility.rs`,
/// `visible_sql`); the black-box tests hold the two together.
pub fn visible_to(status: ArticleStatus, audience: &Audience, reader: &Reader) -> bool {
    status == ArticleStatus::Published && audience.includes(reader)
}

/// Whether a member with `roles` may read the knowledge base of a company with `settings`.
pub fn can_read(roles: &RoleSet, settings: &PortalSettings) -> Result<(), Denied> {
    if !roles.grants(Permission::KnowledgeBaseRead) {
        return Err(Denied::new("denied-roles-kb"));
    }
    if !settings.portal_enabled || !settings.knowledge_base_enabled {
        return Err(Denied::new("denied-kb-off"));
    }
    Ok(())
}

// Article content

// Two-tier search

/// Which part of an article a search matched, in rank order: an article whose head (title,
/// summary, tags) matches comes before every article that matches only through its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Head,
    Body,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Head => "head",
            Self::Body => "body",
        }
    }
}

/// How many body-only matches a search ranks at most: the newest this many that the caller may
/// see (the body index read backwards, a cheap order); past it the total is a lower bound.
pub const BODY_TIER_BOUND: i64 = 2000;

/// The rows of the body tier that a page shows, as (offset, limit), given how many head matches
/// there are in all and how many of them the page holds; None when the head tier fills the
/// page, so the body tier need not be ranked (only counted).
pub fn body_tier_page(offset: i64, limit: i64, head_total: i64, head_shown: i64) -> Option<(i64, i64)> {
    let left = limit - head_shown;
    if left > 0 {
        Some(((offset - head_total).max(0), left))
    } else {
        None
    }
}

/// The score a hit shows: its relevance within its tier (0 or more, higher is better) mapped
/// into (1, 2) for the head tier and [0, 1) for the body tier, so that scores fall down a page
/// across the tier boundary too.
pub fn tiered_score(tier: Tier, relevance: f64) -> f64 {
    let r = if relevance.is_finite() { relevance.max(0.0) } else { 0.0 };
    let within = r / (1.0 + r);
    match tier {
        Tier::Head => 1.0 + within,
        Tier::Body => within,
    }
}

/// The total of a two-tier search: every head match the caller may see plus the body-only ones
/// counted up to the bound, and whether the bound was passed (the total is then a lower bound).
pub fn tiered_total(head_total: i64, body_counted: i64) -> (i64, bool) {
    (head_total + body_counted.min(BODY_TIER_BOUND), body_counted > BODY_TIER_BOUND)
}

/// Start and end of a highlighted match in the snippets the search returns. Private-use
/// characters, removed from every stored text, so a marker can only come from the search.
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

/// Marked text as the search returns it, the same on both databases: each marked run split
/// into one mark per word (letters and digits), nothing else inside a mark. SQLite marks a
/// phrase as one run, punctuation and spaces included (`[R&D]`), PostgreSQL each word on its
/// own (`[R]&[D]`); both become `[R]&[D]`. Also drops the U+0001 that the PostgreSQL index puts
/// after each `<` so that its parser reads no markup (migration 000022), which article text
/// never holds.
pub fn marks_per_word(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut marking = false; // inside a mark as returned
    let mut open = false; // a mark is open in `out`
    for c in text.chars() {
        match c {
            MARK_START => marking = true,
            MARK_END => {
                marking = false;
                if open {
                    out.push(MARK_END);
                    open = false;
                }
            }
            '\u{1}' => {}
            c if marking && c.is_alphanumeric() => {
                if !open {
                    out.push(MARK_START);
                    open = true;
                }
                out.push(c);
            }
            c => {
                if open {
                    out.push(MARK_END);
                    open = false;
                }
                out.push(c);
            }
        }
    }
    if open {
        out.push(MARK_END);
    }
    out
}

fn strip_markers(s: &str) -> String {
    s.chars().filter(|c| *c != MARK_START && *c != MARK_END).collect()
}

fn one_line(field: &'static str, input: &str, min: usize, max: usize) -> Result<String, DomainError> {
    let value = strip_markers(input.trim());
    let n = value.chars().count();
    if n < min || n > max {
        return Err(DomainError::new(field, "rule-chars-between").arg("min", min).arg("max", max));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::new(field, "rule-one-line"));
    }
    Ok(value)
}

pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 500;
pub const MAX_BODY: usize = 50_000;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 40;

pub fn parse_title(input: &str) -> Result<String, DomainError> {
    one_line("title", input, 1, MAX_TITLE)
}

pub fn parse_summary(input: &str) -> Result<String, DomainError> {
    one_line("summary", input, 0, MAX_SUMMARY)
}

/// Markdown, stored as written (front ends render it); line breaks and tabs are the only
/// control characters allowed.
pub fn parse_body(input: &str) -> Result<String, DomainError> {
    let value = strip_markers(input.trim_end());
    let n = value.chars().count();
    if value.trim().is_empty() || n > MAX_BODY {
        return Err(DomainError::new("body", "rule-chars-between").arg("min", 1).arg("max", MAX_BODY));
    }
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(DomainError::new("body", "rule-no-control-chars-but-breaks"));
    }
    Ok(value)
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '#')
}

/// Tags: at most 20, each 1 to 40 letters, digits or `- _ . + #`, lower-cased, duplicates
/// dropped (the first spelling wins).
pub fn parse_tags<S: AsRef<str>>(input: &[S]) -> Result<Vec<String>, DomainError> {
    if input.len() > MAX_TAGS {
        return Err(DomainError::new("tags", "rule-tags-at-most").arg("max", MAX_TAGS));
    }
    let mut tags: Vec<String> = Vec::with_capacity(input.len());
    for raw in input {
        let tag = raw.as_ref().trim().to_lowercase();
        let n = tag.chars().count();
        if n == 0 || n > MAX_TAG || !tag.chars().all(tag_char) {
            return Err(DomainError::new("tags", "rule-kb-tag")
                .arg("max", MAX_TAG)
                .arg("value", format!("{:?}", raw.as_ref())));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Ok(tags)
}

/// A tag as given in a filter: the same rule as [`parse_tags`] for one tag.
pub fn parse_tag(input: &str) -> Result<String, DomainError> {
    parse_tags(&[input]).map(|mut tags| tags.remove(0)).map_err(|e| DomainError { field: "tag", ..e })
}

// Categories

pub const MAX_CATEGORY_DEPTH: usize = 8;

pub fn parse_category_name(input: &str) -> Result<String, DomainError> {
    one_line("name", input, 1, 100)
}

pub fn parse_category_description(input: &str) -> Result<String, DomainError> {
    one_line("description", input, 0, 500)
}

/// Checks that `category` (None for a new one) may hang under `parent`: the parent exists, the
/// category does not become its own ancestor, and the tree stays at most
/// [`MAX_CATEGORY_DEPTH`] levels above it. `parent_of` answers a known category's parent, or
/// `None` for an unknown one.
pub fn check_category_parent(
    category: Option<CategoryId>,
    parent: Option<CategoryId>,
    parent_of: impl Fn(CategoryId) -> Option<Option<CategoryId>>,
) -> Result<(), DomainError> {
    let mut cursor = parent;
    let mut depth = 0;
    while let Some(id) = cursor {
        if Some(id) == category {
            return Err(DomainError::new("parent_id", "rule-kb-category-cycle"));
        }
        depth += 1;
        if depth >= MAX_CATEGORY_DEPTH {
            return Err(DomainError::new("parent_id", "rule-kb-category-depth").arg("max", MAX_CATEGORY_DEPTH));
        }
        cursor = parent_of(id).ok_or_else(|| DomainError::new("parent_id", "rule-kb-category-unknown"))?;
    }
    Ok(())
}

/// Article counts per category including its subcategories, from the counts of the articles
/// filed directly in each. Categories missing from `direct` hold none directly.
pub fn roll_up(categories: &[Category], direct: &HashMap<CategoryId, i64>) -> HashMap<CategoryId, i64> {
    let parent: HashMap<CategoryId, Option<CategoryId>> = categories.iter().map(|c| (c.id, c.parent_id)).collect();
    let mut total: HashMap<CategoryId, i64> = categories.iter().map(|c| (c.id, 0)).collect();
    for (&id, &n) in direct {
        let mut cursor = Some(id);
        // Bounded walk: the tree is acyclic, but a bound costs nothing.
        for _ in 0..=MAX_CATEGORY_DEPTH {
            let Some(c) = cursor else { break };
            if let Some(t) = total.get_mut(&c) {
                *t += n;
            }
            cursor = parent.get(&c).copied().flatten();
        }
    }
    total
}

// Search text

/// One thing to look for: a word, or words that must follow each other.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    Word(String),
    Phrase(Vec<String>),
}

/// What a search box's text asks for, whatever was typed: every group must match (a group is
/// one or more alternatives joined by `or`), and none of the excluded terms may. Words are
/// runs of letters and digits; nothing else of the input reaches a query, so a query built from
/// this can never be a syntax error. Words keep their case: each database folds case as it did
/// when it indexed the articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextQuery {
    pub groups: Vec<Vec<Term>>,
    pub excluded: Vec<Term>,
}

impl TextQuery {
    pub const MAX_CHARS: usize = 200;
    pub const MAX_TERMS: usize = 16;
    const MAX_WORD: usize = 64;
    const MAX_PHRASE: usize = 8;

    /// Reads search-engine style input: words (all must match), `"a phrase"`, `-excluded`,
    /// `this or that`. Common words (see [`is_stopword`]) are dropped unless nothing else is
    /// left.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        if input.trim().is_empty() {
            return Err(DomainError::new("q", "rule-not-empty"));
        }
        if input.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::new("q", "rule-max-chars").arg("max", Self::MAX_CHARS));
        }
        let mut tokens: Vec<(bool, Term)> = Vec::new();
        let mut or_marks: Vec<usize> = Vec::new();
        let chars: Vec<char> = input.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            let negated = c == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace();
            if negated {
                i += 1;
            }
            let term = if chars[i] == '"' {
                let end = chars[i + 1..].iter().position(|&c| c == '"').map_or(chars.len(), |p| i + 1 + p);
                let text: String = chars[i + 1..end].iter().collect();
                i = end + 1;
                Self::term(words(&text).take(Self::MAX_PHRASE).collect())
            } else {
                let end = chars[i..].iter().position(|c| c.is_whitespace() || *c == '"').map_or(chars.len(), |p| i + p);
                let text: String = chars[i..end].iter().collect();
                i = end;
                if !negated && text.eq_ignore_ascii_case("or") {
                    or_marks.push(tokens.len());
                    continue;
                }
                Self::term(words(&text).take(Self::MAX_PHRASE).collect())
            };
            if let Some(term) = term {
                tokens.push((negated, term));
            }
        }
        tokens.truncate(Self::MAX_TERMS);

        let mut groups: Vec<Vec<Term>> = Vec::new();
        let mut excluded = Vec::new();
        let mut last_positive: Option<usize> = None;
        for (index, (negated, term)) in tokens.into_iter().enumerate() {
            if negated {
                excluded.push(term);
                last_positive = None;
                continue;
            }
            // `a or b`: b joins a's group when an `or` stood right between them.
            match last_positive {
                Some(prev) if or_marks.contains(&index) && prev + 1 == index => {
                    groups.last_mut().expect("a group exists after a positive term").push(term)
                }
                _ => groups.push(vec![term]),
            }
            last_positive = Some(index);
        }
        let meaningful: Vec<Vec<Term>> = groups
            .iter()
            .filter(|g| !g.iter().all(|t| matches!(t, Term::Word(w) if is_stopword(&w.to_lowercase()))))
            .cloned()
            .collect();
        if !meaningful.is_empty() {
            groups = meaningful;
        }
        if groups.is_empty() {
            return Err(DomainError::new("q", "rule-kb-search-no-word"));
        }
        Ok(Self { groups, excluded })
    }

    /// Any of these words (for suggestions); `None` when there is none.
    pub fn any_of(words: Vec<String>) -> Option<Self> {
        (!words.is_empty())
            .then(|| Self { groups: vec![words.into_iter().map(Term::Word).collect()], excluded: Vec::new() })
    }

    fn term(mut words: Vec<String>) -> Option<Term> {
        match words.len() {
            0 => None,
            1 => words.pop().map(Term::Word),
            _ => Some(Term::Phrase(words)),
        }
    }
}

/// The words of a ticket draft worth looking up, in order of appearance: longer than two
/// characters, not a common word, each once (ignoring case), at most `max`.
pub fn draft_words(texts: &[&str], max: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    texts
        .iter()
        .flat_map(|t| words(t))
        .filter(|w| w.chars().count() > 2 && !is_stopword(&w.to_lowercase()))
        .filter(|w| seen.insert(w.to_lowercase()))
        .take(max)
        .collect()
}

/// What the index knows of a word: the share of the articles that hold it, `Some(0.0)` for none
/// at all, `None` when it cannot tell (a word too rare for its statistics).
pub type WordShare = Option<f64>;

/// A word in more than this share of the articles says little about any of them.
pub const COMMON_SHARE: f64 = 0.05;

/// The significant words of a draft for suggestions, rarest first, at most `keep`: words no
/// article holds are left out (they cannot match), and so are words held by more than
/// [`COMMON_SHARE`] of the articles once that is more than 100 articles (a small knowledge base
/// keeps all its words). Ties keep the draft's order.
pub fn significant_words(
    candidates: &[String],
    articles: i64,
    shares: &HashMap<String, WordShare>,
    keep: usize,
) -> Vec<String> {
    let mut kept: Vec<(f64, usize, &String)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let share = shares.get(w).copied().flatten();
            match share {
                Some(s) if s <= 0.0 => None,
                Some(s) if s > COMMON_SHARE && s * articles as f64 > 100.0 => None,
                Some(s) => Some((s, i, w)),
                None => Some((0.0, i, w)),
            }
        })
        .collect();
    kept.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    kept.into_iter().take(keep).map(|(_, _, w)| w.clone()).collect()
}

/// The words of a text: runs of letters and digits, each at most 64 characters.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(TextQuery::MAX_WORD).collect::<String>())
}

/// The most common function words (lower case) of the five portal languages (articles, pronouns,
/// prepositions, auxiliaries): they say nothing about what an article is about.
const STOPWORDS: &str = "\
a an and are as at be been but by can do does for from had has have how i if in into is it its \
me my no not of on or our so than that the their them then there these they this to was we \
were what when where which who why will with you your \
au aux avec ce ces dans de des du elle en est et il ils je la le les leur mais mes mon ne nous \
ou par pas pour qu que qui sa se ses son sur ta te un une vos votre vous \
am auf aus bei das dem den der des die ein eine einem einen einer eines es für ich ihr im ist \
mit nicht oder sie sind und von vom wie wir zu zum zur \
al como con del el ella ellos es esta este las lo los mi para pero por se su sus una unos y \
agli ai alla alle che chi da dei della delle di gli il nel nella non per sono sua suo tra uno";

pub fn is_stopword(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.split_whitespace().collect()).contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_fills_from_the_head_tier_then_the_body_tier() {
        // 25 head matches, pages of 10.
        assert_eq!(body_tier_page(0, 10, 25, 10), None, "the head tier fills the first page");
        assert_eq!(body_tier_page(20, 10, 25, 5), Some((0, 5)), "the boundary page");
        assert_eq!(body_tier_page(30, 10, 25, 0), Some((5, 10)), "past the head tier");
        assert_eq!(body_tier_page(0, 10, 0, 0), Some((0, 10)), "no head match");
    }

    #[test]
    fn scores_fall_across_the_tier_boundary_and_totals_say_when_bounded() {
        let best_body = tiered_score(Tier::Body, 1e9);
        let worst_head = tiered_score(Tier::Head, 0.0);
        assert!(best_body < worst_head);
        assert!(tiered_score(Tier::Head, 2.0) > tiered_score(Tier::Head, 1.0));
        assert!(tiered_score(Tier::Body, 0.5) > tiered_score(Tier::Body, 0.1));
        assert_eq!(tiered_score(Tier::Body, -3.0), 0.0);
        assert_eq!(tiered_score(Tier::Body, f64::NAN), 0.0);
        assert_eq!(tiered_total(3, 10), (13, false));
        assert_eq!(tiered_total(3, BODY_TIER_BOUND), (3 + BODY_TIER_BOUND, false));
        assert_eq!(tiered_total(3, BODY_TIER_BOUND + 1), (3 + BODY_TIER_BOUND, true));
    }

    #[test]
    fn marks_hold_one_word_each_on_both_databases() {
        let m = |s: &str| s.replace('[', "\u{E000}").replace(']', "\u{E001}");
        // SQLite marks a phrase as one run, PostgreSQL each word.
        assert_eq!(marks_per_word(&m("the [R&D] budget")), m("the [R]&[D] budget"));
        assert_eq!(marks_per_word(&m("the [R]&[D] budget")), m("the [R]&[D] budget"));
        assert_eq!(marks_per_word(&m("[forgot password] now")), m("[forgot] [password] now"));
        assert_eq!(marks_per_word(&m("[Xylograph] basics")), m("[Xylograph] basics"));
        // Unmarked text and the PostgreSQL index's control character after `<`.
        assert_eq!(marks_per_word("paste <\u{1}script src=\"x\">"), "paste <script src=\"x\">");
        assert_eq!(marks_per_word(&m("[café]'s [été]")), m("[café]'s [été]"));
        // A mark left open is closed; an empty mark disappears.
        assert_eq!(marks_per_word(&m("[open end")), m("[open] [end]"));
        assert_eq!(marks_per_word(&m("a [&] b")), "a & b");
    }

    fn reader(id: i64, territory: Option<&str>, classification: Option<&str>) -> Reader {
        let company = Company {
            id: CompanyId(id),
            tenant_id: TenantId(1),
            name: "C".into(),
            parent_company_id: None,
            territory: territory.map(Into::into),
            classification: classification.map(Into::into),
            portal_overrides: Default::default(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            primary_contact_id: None,
            billing_contact_id: None,
        };
        Reader::of(&company)
    }

    /// The whole truth table: every audience kind, published or draft, for a company that is in
    /// it and one that is not.
    #[test]
    fn visibility_truth_table() {
        use ArticleStatus::*;
        let emea = reader(1, Some("EMEA"), Some("managed"));
        let dach = reader(2, Some(" dach "), Some("Premium"));
        let bare = reader(3, None, None);
        let audiences = [
            (Audience::AllCompanies, [true, true, true]),
            (Audience::Companies(vec![CompanyId(1), CompanyId(3)]), [true, false, true]),
            (Audience::Territory("emea".into()), [true, false, false]),
            (Audience::Territory("DACH".into()), [false, true, false]),
            (Audience::Classification(" MANAGED".into()), [true, false, false]),
            (Audience::Classification("premium".into()), [false, true, false]),
            (Audience::Internal, [false, false, false]),
        ];
        for (audience, expected) in audiences {
            for (r, seen) in [&emea, &dach, &bare].into_iter().zip(expected) {
                assert_eq!(visible_to(Published, &audience, r), seen, "{audience:?} for {r:?}");
                assert!(!visible_to(Draft, &audience, r), "a draft is never seen: {audience:?}");
            }
        }
    }

    #[test]
    fn reading_needs_the_permission_and_the_setting() {
        let user = RoleSet::parse_all(&["portal_user"]).unwrap();
        let mut settings = PortalSettings::default();
        assert!(can_read(&user, &settings).is_ok());
        assert!(can_read(&RoleSet::default(), &settings).is_err(), "no role, no permission");
        settings.knowledge_base_enabled = false;
        assert_eq!(can_read(&user, &settings), Err(Denied::new("denied-kb-off")));
        settings.knowledge_base_enabled = true;
        settings.portal_enabled = false;
        assert!(can_read(&user, &settings).is_err());
    }

    #[test]
    fn audiences_are_checked() {
        assert_eq!(Audience::parse("all_companies", None, &[]).unwrap(), Audience::AllCompanies);
        assert_eq!(
            Audience::parse("companies", None, &[CompanyId(2), CompanyId(1), CompanyId(2)]).unwrap(),
            Audience::Companies(vec![CompanyId(1), CompanyId(2)])
        );
        assert!(Audience::parse("companies", None, &[]).is_err());
        let many: Vec<CompanyId> = (0..101).map(CompanyId).collect();
        assert!(Audience::parse("companies", None, &many).is_err());
        assert_eq!(Audience::parse("territory", Some(" EMEA "), &[]).unwrap(), Audience::Territory("EMEA".into()));
        assert_eq!(Audience::Territory("EMEA".into()).label_key().as_deref(), Some("emea"));
        assert!(Audience::parse("territory", Some("  "), &[]).is_err());
        assert!(Audience::parse("classification", None, &[]).is_err());
        assert!(Audience::parse("everyone", None, &[]).is_err());
    }

    #[test]
    fn content_rules() {
        assert_eq!(parse_title("  Reset your password ").unwrap(), "Reset your password");
        assert!(parse_title("").is_err());
        assert!(parse_title(&"x".repeat(201)).is_err());
        assert!(parse_title("two\nlines").is_err());
        assert_eq!(parse_summary("").unwrap(), "");
        assert!(parse_body("   \n").is_err());
        assert_eq!(parse_body("# Title\n\n- step\tone\n\n").unwrap(), "# Title\n\n- step\tone");
        assert!(parse_body("bell \u{7}").is_err());
        assert_eq!(parse_body("a \u{E000}b\u{E001}").unwrap(), "a b", "highlight markers are removed");
        assert_eq!(parse_tags(&["VPN", "office-365", "vpn"]).unwrap(), ["vpn", "office-365"]);
        assert!(parse_tags(&["two words"]).is_err());
        assert!(parse_tags(&[""]).is_err());
        assert!(parse_tags(&vec!["t"; 21]).is_err());
        assert_eq!(parse_tag(" C# ").unwrap(), "c#");
    }

    #[test]
    fn category_parents_form_a_tree() {
        // 1 <- 2 <- 3, and 4 on its own.
        let parents = |id: CategoryId| match id.0 {
            1 => Some(None),
            2 => Some(Some(CategoryId(1))),
            3 => Some(Some(CategoryId(2))),
            4 => Some(None),
            _ => None,
        };
        assert!(check_category_parent(None, None, parents).is_ok());
        assert!(check_category_parent(None, Some(CategoryId(3)), parents).is_ok());
        assert!(check_category_parent(Some(CategoryId(4)), Some(CategoryId(3)), parents).is_ok());
        assert!(check_category_parent(Some(CategoryId(1)), Some(CategoryId(3)), parents).is_err(), "cycle");
        assert!(check_category_parent(Some(CategoryId(2)), Some(CategoryId(2)), parents).is_err(), "itself");
        assert!(check_category_parent(None, Some(CategoryId(99)), parents).is_err(), "unknown");
        let deep = |id: CategoryId| Some((id.0 > 1).then(|| CategoryId(id.0 - 1)));
        assert!(check_category_parent(None, Some(CategoryId(7)), deep).is_ok());
        assert!(check_category_parent(None, Some(CategoryId(8)), deep).is_err(), "too deep");
    }

    #[test]
    fn counts_roll_up_to_the_ancestors() {
        let cat = |id: i64, parent: Option<i64>| Category {
            id: CategoryId(id),
            tenant_id: TenantId(1),
            parent_id: parent.map(CategoryId),
            name: id.to_string(),
            description: String::new(),
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        };
        let tree = [cat(1, None), cat(2, Some(1)), cat(3, Some(2)), cat(4, None)];
        let direct = HashMap::from([(CategoryId(3), 2), (CategoryId(1), 1)]);
        let total = roll_up(&tree, &direct);
        assert_eq!(total[&CategoryId(1)], 3);
        assert_eq!(total[&CategoryId(2)], 2);
        assert_eq!(total[&CategoryId(3)], 2);
        assert_eq!(total[&CategoryId(4)], 0);
    }

    fn w(s: &str) -> Term {
        Term::Word(s.into())
    }

    #[test]
    fn search_text_is_read_like_a_search_engine() {
        let q = TextQuery::parse("Printer OFFLINE").unwrap();
        assert_eq!(q.groups, vec![vec![w("Printer")], vec![w("OFFLINE")]]);
        let q = TextQuery::parse("\"reset the password\" vpn or wifi -mac").unwrap();
        assert_eq!(
            q.groups,
            vec![vec![Term::Phrase(vec!["reset".into(), "the".into(), "password".into()])], vec![w("vpn"), w("wifi")]]
        );
        assert_eq!(q.excluded, vec![w("mac")]);
        assert_eq!(
            TextQuery::parse("How to restart The router").unwrap().groups,
            vec![vec![w("restart")], vec![w("router")]]
        );
        assert_eq!(
            TextQuery::parse("the who").unwrap().groups,
            vec![vec![w("the")], vec![w("who")]],
            "only stopwords: kept"
        );
        assert_eq!(
            TextQuery::parse("e-mail").unwrap().groups,
            vec![vec![Term::Phrase(vec!["e".into(), "mail".into()])]]
        );
        assert_eq!(TextQuery::parse("Überweisung café").unwrap().groups, vec![vec![w("Überweisung")], vec![w("café")]]);
    }

    #[test]
    fn search_text_never_fails_on_odd_input_but_needs_a_word() {
        for bad in ["", "   ", "***", "\"\"", "-", "- -", "or", "OR or", "-vpn", "(){}[]^*:"] {
            assert!(TextQuery::parse(bad).is_err(), "{bad:?}");
        }
        assert!(TextQuery::parse(&"a".repeat(201)).is_err());
        for odd in ["NEAR(a b)", "a AND b", "\"unclosed", "col:value*", "a or", "or a", "x\u{0}y", "🙂 smile"] {
            let q = TextQuery::parse(odd).unwrap_or_else(|e| panic!("{odd:?}: {e}"));
            for term in q.groups.iter().flatten().chain(&q.excluded) {
                let words = match term {
                    Term::Word(word) => vec![word.clone()],
                    Term::Phrase(words) => words.clone(),
                };
                assert!(words.iter().all(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric)), "{odd:?}");
            }
        }
        let many = (0..40).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(TextQuery::parse(&many).unwrap().groups.len(), TextQuery::MAX_TERMS);
    }

    #[test]
    fn suggestions_take_the_significant_words() {
        let words = draft_words(&["Outlook keeps restarting", "Since the update, Outlook restarts when I open it"], 5);
        assert_eq!(words, ["Outlook", "keeps", "restarting", "Since", "update"]);
        assert!(draft_words(&["it is on", ""], 5).is_empty());
        assert!(TextQuery::any_of(Vec::new()).is_none());
        assert_eq!(TextQuery::any_of(vec!["a".into(), "b".into()]).unwrap().groups, vec![vec![w("a"), w("b")]]);

        let candidates: Vec<String> =
            ["outlook", "keeps", "restarting", "open", "zorp", "new"].map(String::from).to_vec();
        let shares: HashMap<String, WordShare> = [
            ("outlook", Some(0.03)),
            ("keeps", Some(0.0)),
            ("restarting", Some(0.04)),
            ("open", Some(0.6)),
            ("zorp", None),
            ("new", Some(0.03)),
        ]
        .into_iter()
        .map(|(w, s)| (w.to_owned(), s))
        .collect();
        // Rarest first, the unknown counted rarest; the absent and the common left out.
        assert_eq!(significant_words(&candidates, 100_000, &shares, 3), ["zorp", "outlook", "new"]);
        assert_eq!(significant_words(&candidates, 100_000, &shares, 9), ["zorp", "outlook", "new", "restarting"]);
        // A small knowledge base keeps its common words.
        assert!(significant_words(&candidates, 50, &shares, 9).contains(&"open".to_owned()));
    }
}
