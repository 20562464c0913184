//! Case-insensitive text search in SQL, the same on both backends: `lower(column) LIKE pattern
//! ESCAPE '\'` with the pattern lower-cased and its wildcards escaped.

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
diesel::define_sql_function! {
    #[sql_name = "lower"]
    fn lower_or_null(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>
}

/// `text` lower-cased with LIKE's wildcards (`%`, `_`) and the escape character taken literally.
pub fn escape_like(text: &str) -> String {
    text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The LIKE pattern of values containing `text`, for use with `.escape('\\')`.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}
