//! Everything a person reads, from one Fluent catalogue per language (`locales/{lang}/*.ftl`,
//! embedded in the binary): e-mails, SMS, the decision page and the problem documents' texts.
//!
//! Arguments are values, never parsed again, so text written by users (a title holding
//! `{ $question }`) is inserted as written. Bidi isolation marks are off: the texts go to plain-text
//! mails, SMS and JSON, where the marks would show as stray characters.

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::user::Language;

/// The catalogue's files, per language, in the order they are added to its bundle.
const FILES: [(Language, &[&str]); 5] = [
    (
        Language::En,
        &[
            include_str!("../locales/en/notifications.ftl"),
            include_str!("../locales/en/problems.ftl"),
            include_str!("../locales/en/pages.ftl"),
        ],
    ),
    (
        Language::Fr,
        &[
            include_str!("../locales/fr/notifications.ftl"),
            include_str!("../locales/fr/problems.ftl"),
            include_str!("../locales/fr/pages.ftl"),
        ],
    ),
    (
        Language::De,
        &[
            include_str!("../locales/de/notifications.ftl"),
            include_str!("../locales/de/problems.ftl"),
            include_str!("../locales/de/pages.ftl"),
        ],
    ),
    (
        Language::Es,
        &[
            include_str!("../locales/es/notifications.ftl"),
            include_str!("../locales/es/problems.ftl"),
            include_str!("../locales/es/pages.ftl"),
        ],
    ),
    (
        Language::It,
        &[
            include_str!("../locales/it/notifications.ftl"),
            include_str!("../locales/it/problems.ftl"),
            include_str!("../locales/it/pages.ftl"),
        ],
    ),
];

type Bundle = FluentBundle<FluentResource>;

/// Built once: parsing the five catalogues takes about a millisecond.
static BUNDLES: LazyLock<Vec<(Language, Bundle)>> =
    LazyLock::new(|| FILES.iter().map(|(l, f)| (*l, bundle(*l, f))).collect());

fn bundle(lang: Language, files: &[&str]) -> Bundle {
    let id: LanguageIdentifier = lang.as_str().parse().expect("a language code is a language identifier");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for source in files {
        // A syntax error or a duplicate id is a bug of the catalogue: the unit tests catch it first.
        let resource = FluentResource::try_new((*source).to_owned()).expect("the catalogue parses");
        bundle.add_resource(resource).expect("no message id is defined twice");
    }
    bundle
}

fn bundle_of(lang: Language) -> &'static Bundle {
    &BUNDLES.iter().find(|(l, _)| *l == lang).expect("every language has a bundle").1
}

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    /// A count: messages may choose their plural form by it.
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(Cow::Borrowed(value))
    }
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Self::Text(Cow::Owned(value))
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Self::Number(value)
    }
}

impl From<usize> for Arg<'_> {
    fn from(value: usize) -> Self {
        Self::Number(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Arg<'_> {
    fn from(value: u64) -> Self {
        Self::Number(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Arg<'_> {
    fn from(value: u32) -> Self {
        Self::Number(i64::from(value))
    }
}

impl From<i32> for Arg<'_> {
    fn from(value: i32) -> Self {
        Self::Number(i64::from(value))
    }
}

/// The message `id` in `lang` with its arguments. A message missing from a language (which the
/// unit tests forbid) falls back to English, then to its id.
pub fn text(lang: Language, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(text.as_ref()),
            Arg::Number(n) => FluentValue::from(*n),
        };
        fluent_args.set(*name, value);
    }
    for bundle in [bundle_of(lang), bundle_of(Language::En)] {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        }
    }
    id.to_owned()
}

/// A message of the catalogue to be written later, in a language not known yet (a problem
/// document is written for the caller's language once the answer is sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg<'static>)>,
}

impl Message {
    pub const fn new(id: &'static str) -> Self {
        Self { id, args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg<'static>>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn render(&self, lang: Language) -> String {
        text(lang, self.id, &self.args)
    }
}

/// In English, the language every message has (logs, `Display` of the errors that carry one).
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// The language to answer in from an `Accept-Language` header (RFC 9110 §12.5.4): the ranges in
/// order of their weights (`q`, 1 when absent; `q=0` refuses), the first one whose primary
/// language is available; `None` when none is.
pub fn negotiate(accept_language: &str) -> Option<Language> {
    let mut ranges: Vec<(LanguageIdentifier, u16)> = accept_language
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Thousandths, as the header allows three decimals.
            let weight = (weight.clamp(0.0, 1.0) * 1000.0).round() as u16;
            (weight > 0 && tag != "*").then(|| tag.parse().ok().map(|id| (id, weight)))?
        })
        .collect();
    // Stable: ranges of equal weight keep the order they were sent in.
    ranges.sort_by_key(|(_, weight)| std::cmp::Reverse(*weight));
    let requested: Vec<LanguageIdentifier> = ranges.into_iter().map(|(id, _)| id).collect();
    let available: Vec<LanguageIdentifier> = Language::ALL.iter().filter_map(|l| l.as_str().parse().ok()).collect();
    let chosen =
        fluent_langneg::negotiate_languages(&requested, &available, None, fluent_langneg::NegotiationStrategy::Lookup);
    let chosen = chosen.first()?.language.as_str().to_owned();
    Language::parse(&chosen).ok()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    /// Every message (and attribute) id of a language with the variables its pattern uses.
    fn catalogue(files: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for source in files {
            let resource = fluent_syntax::parser::parse(*source).expect("the catalogue parses without error");
            for entry in resource.body {
                if let ast::Entry::Message(message) = entry {
                    let id = message.id.name.to_owned();
                    if let Some(pattern) = &message.value {
                        let mut vars = BTreeSet::new();
                        variables(pattern, &mut vars);
                        assert!(out.insert(id.clone(), vars).is_none(), "{id} is defined twice");
                    }
                    for attribute in &message.attributes {
                        let mut vars = BTreeSet::new();
                        variables(&attribute.value, &mut vars);
                        out.insert(format!("{id}.{}", attribute.id.name), vars);
                    }
                }
            }
        }
        out
    }

    fn variables(pattern: &ast::Pattern<&str>, into: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_variables(expression, into);
            }
        }
    }

    fn expression_variables(expression: &ast::Expression<&str>, into: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                inline_variables(selector, into);
                for variant in variants {
                    variables(&variant.value, into);
                }
            }
            ast::Expression::Inline(inline) => inline_variables(inline, into),
        }
    }

    fn inline_variables(inline: &ast::InlineExpression<&str>, into: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                into.insert(id.name.to_owned());
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for arg in &arguments.positional {
                    inline_variables(arg, into);
                }
                for arg in &arguments.named {
                    inline_variables(&arg.value, into);
                }
            }
            ast::InlineExpression::Placeable { expression } => expression_variables(expression, into),
            _ => {}
        }
    }

    #[test]
    fn every_language_has_every_message_with_the_same_variables() {
        let english = catalogue(FILES[0].1);
        assert!(english.len() > 50, "the catalogue is read");
        for (lang, files) in &FILES[1..] {
            let other = catalogue(files);
            for (id, vars) in &english {
                let theirs = other.get(id).unwrap_or_else(|| panic!("{lang:?} has no message {id}"));
                assert_eq!(theirs, vars, "{lang:?}: the variables of {id} differ from English");
            }
            for id in other.keys() {
                assert!(english.contains_key(id), "{lang:?} has {id}, which English does not");
            }
        }
    }

    /// Every literal of the workspace's sources that looks like a problem message id
    /// (`"rule-…"`, `"field-…"`, `"denied-…"`, `"conflict-…"`, `"forbidden-…"`, ...) names a message
    /// of English: a mistyped id would otherwise reach the reader as it is.
    #[test]
    fn every_message_id_in_the_code_exists() {
        const PREFIXES: [&str; 9] = [
            "rule-",
            "field-",
            "detail-",
            "denied-",
            "conflict-",
            "forbidden-",
            "unauthorized-",
            "upload-",
            "problem-",
        ];
        let english = catalogue(FILES[0].1);
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut pending = vec![crates];
        let (mut seen, mut missing) = (0, Vec::new());
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("the sources are readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).expect("a source file is text");
                // Whatever is written as a message's id must be one, whatever its form: an English
                // text written in its place would reach every reader as it is.
                for written in source.split("Message::new(\"").skip(1) {
                    let literal = written.split('"').next().unwrap_or_default();
                    seen += 1;
                    if !english.contains_key(literal) {
                        missing.push(format!("{}: {literal}", path.display()));
                    }
                }
                for literal in source.split('"').skip(1).step_by(2) {
                    let is_id = PREFIXES.iter().any(|p| literal.starts_with(p) && literal.len() > p.len())
                        && !literal.ends_with('-')
                        && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if is_id {
                        seen += 1;
                        if !english.contains_key(literal) {
                            missing.push(format!("{}: {literal}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(seen > 200, "the sources are read ({seen} ids)");
        assert!(missing.is_empty(), "message ids without an English message: {missing:#?}");
    }

    #[test]
    fn every_bundle_builds() {
        for lang in Language::ALL {
            assert_ne!(text(lang, "problem-not-found-title", &[]), "problem-not-found-title");
        }
    }

    #[test]
    fn arguments_are_inserted_as_written_without_isolation_marks() {
        let body = text(Language::En, "sms-phone-code", &[("code", "{ $minutes }".into()), ("minutes", 10.into())]);
        assert_eq!(body, "Your clientdesk code to verify this phone: { $minutes } (valid 10 min).");
        assert!(!body.contains('\u{2068}') && !body.contains('\u{2069}'));
    }

    #[test]
    fn plurals_follow_the_language() {
        let detail = |lang, n: i64| Message::new("problem-too-many-requests-detail").arg("seconds", n).render(lang);
        assert_eq!(detail(Language::En, 1), "Too many failed attempts. Try again in 1 second.");
        assert_eq!(detail(Language::En, 30), "Too many failed attempts. Try again in 30 seconds.");
        assert!(detail(Language::De, 1).contains("1 Sekunde"), "{}", detail(Language::De, 1));
        assert!(detail(Language::De, 30).contains("30 Sekunden"));
    }

    #[test]
    fn accept_language_honours_weights_and_regions() {
        assert_eq!(negotiate("de-CH,fr;q=0.8"), Some(Language::De));
        assert_eq!(negotiate("fr;q=0.5, it;q=0.9"), Some(Language::It));
        assert_eq!(negotiate("es-419"), Some(Language::Es));
        assert_eq!(negotiate("ja, fr;q=0.1"), Some(Language::Fr));
        assert_eq!(negotiate("de;q=0, fr;q=0.2"), Some(Language::Fr));
        assert_eq!(negotiate("EN-gb"), Some(Language::En));
        assert_eq!(negotiate("ja, zh"), None);
        assert_eq!(negotiate("*"), None);
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate("x;q=abc, it"), Some(Language::It));
    }
}
