//! JSON answers written through a buffer each thread keeps.
//!
//! actix-web's `json` serializes into a fresh `Vec` of 128 bytes that doubles as it fills: a
//! page of 50 tickets (about 29 KB) was copied through eight reallocations, and with glibc's
//! allocator merging its free lists for every large request that was a tenth of the page's CPU
//! on PostgreSQL. A kept buffer grows once per thread; the answer is one copy of it.

use std::cell::RefCell;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::Serialize;

/// What a thread keeps between answers; a larger buffer (a rare big export) is let go.
const KEPT: usize = 256 * 1024;

/// `ApiError::Internal`'s problem, written out.
const INTERNAL: &str = r#"{"type":"https://clientdesk.dev/problems/internal","code":"internal","title":"Internal error","status":500,"detail":"Something went wrong on our side. It has been logged."}"#;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A value that could not be written as JSON: a bug, answered as a 500.
#[derive(Debug, thiserror::Error)]
#[error("an answer could not be serialized: {0}")]
pub struct Unserializable(#[from] serde_json::Error);

/// `value` as JSON, for an answer made later (or kept, as an idempotent answer is).
pub fn to_json(value: impl Serialize) -> Result<Bytes, Unserializable> {
    BUFFER.with_borrow_mut(|buf| {
        buf.clear();
        let written = serde_json::to_writer(&mut *buf, &value).map(|()| Bytes::copy_from_slice(buf));
        if buf.capacity() > KEPT {
            *buf = Vec::with_capacity(KEPT);
        }
        Ok(written?)
    })
}

/// JSON bodies of responses.
pub trait JsonBody {
    /// Like actix-web's `json`: sets `application/json` unless a content type is set already.
    fn json_body(&mut self, value: impl Serialize) -> HttpResponse;

    /// A body [`to_json`] wrote, as `json_body` sends it.
    fn json_bytes(&mut self, body: Bytes) -> HttpResponse;
}

impl JsonBody for HttpResponseBuilder {
    fn json_body(&mut self, value: impl Serialize) -> HttpResponse {
        match to_json(value) {
            Ok(body) => self.json_bytes(body),
            // Not through `ApiError`'s answer, which is written here.
            Err(err) => {
                tracing::error!(%err, "request failed");
                HttpResponse::InternalServerError().content_type("application/problem+json").body(INTERNAL)
            }
        }
    }

    fn json_bytes(&mut self, body: Bytes) -> HttpResponse {
        let mut response = self.body(body);
        if !response.headers().contains_key(header::CONTENT_TYPE) {
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        response
    }
}
