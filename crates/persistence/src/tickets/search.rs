//! Ticket search: the words people type, as the full-text query of each database. Lists apply
//! them as a condition (see `list`); SQLite's index is filled at each commit (`ticket_index`).

/// A word of a ticket search: letters and digits only, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchWord {
    pub text: String,
    /// Matches every word that starts with `text` (the searcher wrote `text*`). Whole words are
    /// the default because a prefix makes both indexes gather every matching term's postings
    /// before they can intersect: on a million tickets, "printer jams*" costs 3.5 times
    /// "printer jams" in FTS5.
    pub prefix: bool,
}

/// `word1 & word2:*` for `to_tsquery`.
pub(super) fn pg_query(words: &[SearchWord]) -> String {
    let terms: Vec<String> =
        words.iter().map(|w| if w.prefix { format!("{}:*", w.text) } else { w.text.clone() }).collect();
    terms.join(" & ")
}

/// `"word1" "word2"*` for FTS5 MATCH; quoting keeps every word a plain term.
pub(super) fn fts5_query(words: &[SearchWord]) -> String {
    let terms: Vec<String> =
        words.iter().map(|w| if w.prefix { format!("\"{}\"*", w.text) } else { format!("\"{}\"", w.text) }).collect();
    terms.join(" ")
}
