//! The page a browser gets when an approver opens a decision link from an e-mail: what will be
//! decided and a form to confirm it (a GET never decides, so mail scanners that follow links
//! change nothing), then the outcome. API clients get JSON from the same URLs.
//!
//! The pages are written in the approver's language (the link's recipient), or, where the link
//! names no usable approver, in the browser's `Accept-Language`.
//!
//! The pages are self-contained: no scripts, no external resources, and a policy forbidding
//! both; the token in the URL is kept out of `Referer` headers and caches.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use clientdesk_domain::approvals::{Decision, ValidationStatus};
use clientdesk_domain::i18n::{self, Arg};
use clientdesk_domain::user::Language;

use crate::errors::ApiError;

/// What a link will decide, as its page shows it.
pub struct Preview<'a> {
    pub decision: Decision,
    pub approver: &'a str,
    pub ticket_number: i64,
    pub ticket_title: &'a str,
    pub question: &'a str,
    pub deadline: Option<DateTime<Utc>>,
    /// A reject link needs a comment when confirmed.
    pub comment_required: bool,
}

/// Whether the caller is a browser asking for a page rather than a JSON client.
pub fn wants_html(req: &HttpRequest) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// Headers every answer to a URL carrying a secret carries (decision links, agent links), JSON or
/// page: never cached, never sent on as a `Referer`.
pub fn private(mut res: HttpResponse) -> HttpResponse {
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, lang: Language, title: &str, content: &str) -> HttpResponse {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}}\
         blockquote{{border-left:4px solid #ccc;margin:1em 0;padding:.5em 1em;white-space:pre-wrap}}\
         textarea{{width:100%}}button{{font-size:1em;padding:.5em 1.5em}}</style></head><body>{content}</body></html>",
        lang.as_str(),
        title
    );
    private(
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CONTENT_LANGUAGE, lang.as_str()))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            ))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(html),
    )
}

/// A message of the page's catalogue (`locales/{lang}/pages.ftl`): its arguments are escaped,
/// its own markup is kept.
fn text(lang: Language, id: &str, args: &[(&str, &str)]) -> String {
    let escaped: Vec<(&str, Arg<'_>)> = args.iter().map(|(name, value)| (*name, escape(value).into())).collect();
    i18n::text(lang, id, &escaped)
}

/// What the link will decide, with the confirmation form, in the approver's language.
pub fn preview(view: &Preview<'_>, lang: Language) -> HttpResponse {
    let number = view.ticket_number.to_string();
    let (title, intro, button) = match view.decision {
        Decision::Accept => {
            ("decision-page-title-accept", "decision-page-intro-accept", "decision-page-confirm-accept")
        }
        Decision::Reject => {
            ("decision-page-title-reject", "decision-page-intro-reject", "decision-page-confirm-reject")
        }
    };
    let title = text(lang, title, &[("number", &number)]);
    let intro = text(lang, intro, &[("approver", view.approver), ("number", &number), ("title", view.ticket_title)]);
    let deadline = view.deadline.map(|d| {
        let deadline = d.format("%Y-%m-%d %H:%M UTC").to_string();
        format!("<p>{}</p>", text(lang, "decision-page-deadline", &[("deadline", &deadline)]))
    });
    let (label, required) = if view.comment_required {
        (text(lang, "decision-page-comment-required", &[]), " required")
    } else {
        (text(lang, "decision-page-comment-optional", &[]), "")
    };
    let content = format!(
        "<h1>{title}</h1><p>{intro}</p>\
         <blockquote>{}</blockquote>{}<form method=\"post\"><p><label>{label}<br>\
         <textarea name=\"comment\" rows=\"4\" maxlength=\"4000\"{required}></textarea></label></p>\
         <p><button type=\"submit\">{}</button></p></form>",
        escape(view.question),
        deadline.unwrap_or_default(),
        text(lang, button, &[]),
    );
    page(StatusCode::OK, lang, &title, &content)
}

/// The outcome of a confirmed link, in the approver's language.
pub fn outcome(decision: Decision, status: ValidationStatus, lang: Language) -> HttpResponse {
    let decision = match decision {
        Decision::Accept => "accept",
        Decision::Reject => "reject",
    };
    let thanks = text(lang, "decision-page-thanks", &[]);
    let content = format!(
        "<h1>{thanks}</h1><p>{}</p><p>{}</p>",
        text(lang, "decision-page-outcome", &[("decision", decision), ("status", status.as_str())]),
        text(lang, "decision-page-close", &[]),
    );
    page(StatusCode::OK, lang, &thanks, &content)
}

/// A refusal, as a page with the problem's status, in `lang`.
pub fn refusal(err: &ApiError, lang: Language) -> HttpResponse {
    let problem = err.problem_in(lang);
    let mut detail = problem.detail.clone();
    if let Some(errors) = &problem.errors {
        for error in errors {
            detail.push(' ');
            detail.push_str(&error.detail.render(lang));
        }
    }
    let title = escape(&problem.title);
    let content = format!(
        "<h1>{title}</h1><p>{}</p><p>{}</p>",
        escape(&detail),
        text(lang, "decision-page-nothing-decided", &[])
    );
    page(err.status_code(), lang, &title, &content)
}
