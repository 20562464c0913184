use thiserror::Error;

use crate::i18n::{Arg, Message};

/// A value or request the domain refuses. `field` names the input at fault so the HTTP layer can
/// answer 422 with a field error; `message` says why, as a message of the catalogue (`rule-*` in
/// `locales/{lang}/problems.ftl`), written later in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct DomainError {
    pub field: &'static str,
    pub message: Message,
}

impl DomainError {
    /// The input `field` breaks the rule of the catalogue message `id`.
    pub fn new(field: &'static str, id: &'static str) -> Self {
        Self { field, message: Message::new(id) }
    }

    /// An argument of the message: a bound, a value the caller sent.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg<'static>>) -> Self {
        self.message = self.message.arg(name, value);
        self
    }
}
