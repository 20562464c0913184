//! The page a browser gets when an approver opens a decision link from an e-mail: what will be
//! decided and a form to confirm it (a GET never decides, so mail scanners that follow links
//! change nothing), then the outcome. API clients get JSON from the same URLs.
//!
//! The pages are self-contained: no scripts, no external resources, and a policy forbidding
//! both; the token in the URL is kept out of `Referer` headers and caches.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use clientdesk_domain::approvals::{Decision, ValidationStatus};

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

fn page(status: StatusCode, title: &str, content: &str) -> HttpResponse {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}}\
         blockquote{{border-left:4px solid #ccc;margin:1em 0;padding:.5em 1em;white-space:pre-wrap}}\
         textarea{{width:100%}}button{{font-size:1em;padding:.5em 1.5em}}</style></head><body>{content}</body></html>",
        escape(title)
    );
    private(
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            ))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(html),
    )
}

/// What the link will decide, with the confirmation form.
pub fn preview(view: &Preview<'_>) -> HttpResponse {
    let (verb, button) = match view.decision {
        Decision::Accept => ("Accept", "Confirm: accept"),
        Decision::Reject => ("Reject", "Confirm: reject"),
    };
    let title = format!("{verb} the validation of ticket #{}", view.ticket_number);
    let deadline = view.deadline.map(|d| format!("<p>Decide before {}.</p>", d.format("%Y-%m-%d %H:%M UTC")));
    let (label, required) = if view.comment_required {
        ("Why do you reject it? (required)", " required")
    } else {
        ("Comment (optional)", "")
    };
    let content = format!(
        "<h1>{}</h1><p>{}, you are about to <strong>{}</strong> the request on ticket #{} “{}”:</p>\
         <blockquote>{}</blockquote>{}<form method=\"post\"><p><label>{label}<br>\
         <textarea name=\"comment\" rows=\"4\" maxlength=\"4000\"{required}></textarea></label></p>\
         <p><button type=\"submit\">{button}</button></p></form>",
        escape(&title),
        escape(view.approver),
        verb.to_lowercase(),
        view.ticket_number,
        escape(view.ticket_title),
        escape(view.question),
        deadline.unwrap_or_default(),
    );
    page(StatusCode::OK, &title, &content)
}

/// The outcome of a confirmed link.
pub fn outcome(decision: Decision, status: ValidationStatus) -> HttpResponse {
    let done = match decision {
        Decision::Accept => "accepted",
        Decision::Reject => "rejected",
    };
    let status = status.as_str();
    let content = format!(
        "<h1>Thank you</h1><p>You {done} the request. It is now <strong>{status}</strong>.</p>\
         <p>You can close this page.</p>"
    );
    page(StatusCode::OK, "Thank you", &content)
}

/// A refusal, as a page with the problem's status.
pub fn refusal(err: &ApiError) -> HttpResponse {
    let problem = err.problem();
    let mut detail = problem.detail.clone();
    if let Some(errors) = &problem.errors {
        for error in errors {
            detail.push(' ');
            detail.push_str(&error.detail);
        }
    }
    let content = format!("<h1>{}</h1><p>{}</p><p>Nothing was decided.</p>", escape(&problem.title), escape(&detail));
    page(err.status_code(), &problem.title, &content)
}
