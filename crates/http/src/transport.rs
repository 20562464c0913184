//! Limits of the transport, enforced before any route runs (docs/decisions/0030-transport-limits-and-faults.md):
//! - a request head (request line and headers) larger than `max_head_bytes` is answered 431;
//! - a request whose body has not fully arrived within `request_timeout` of its head is answered
//!   408 (a head must arrive within actix's `client_request_timeout`, 5 s, or actix answers 408),
//!   so a client that stops half way cannot hold a connection forever;
//! - a client address holding more than `max_connections_per_client` open connections has the
//!   requests of the extra ones answered 429, and those connections closed;
//! - while the server drains before it stops, every answer carries `Connection: close`.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Extensions, Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::HttpMessage;
use futures_util::Stream;

use crate::errors::ApiError;
use crate::state::AppState;

/// The open connections of the server, in all and per client address.
#[derive(Debug, Default)]
pub struct Connections {
    open: AtomicUsize,
    per_client: Mutex<HashMap<IpAddr, usize>>,
}

/// Held by a connection while it is open (in its actix connection data): counted when the
/// connection is accepted, uncounted when it closes.
#[derive(Debug)]
pub struct Connection {
    connections: Arc<Connections>,
    client: Option<IpAddr>,
    /// How many connections its client held, this one included, when it was accepted.
    pub nth: usize,
}

impl Connections {
    /// How many connections are open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// For `HttpServer::on_connect`: counts the connection, keeping its [`Connection`].
    pub fn on_connect(self: &Arc<Self>, io: &dyn Any, data: &mut Extensions) {
        let client = io
            .downcast_ref::<actix_web::rt::net::TcpStream>()
            .and_then(|stream| stream.peer_addr().ok())
            .map(|addr| addr.ip());
        self.open.fetch_add(1, Ordering::SeqCst);
        let nth = match client {
            Some(ip) => {
                let mut per_client = self.per_client.lock().unwrap_or_else(|e| e.into_inner());
                let count = per_client.entry(ip).or_default();
                *count += 1;
                *count
            }
            None => 1,
        };
        data.insert(Connection { connections: self.clone(), client, nth });
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.connections.open.fetch_sub(1, Ordering::SeqCst);
        if let Some(ip) = self.client {
            let mut per_client = self.connections.per_client.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(count) = per_client.get_mut(&ip) {
                *count -= 1;
                if *count == 0 {
                    per_client.remove(&ip);
                }
            }
        }
    }
}

/// The size of a request's head as it came over the wire (request line, headers, line ends).
fn head_bytes(req: &ServiceRequest) -> usize {
    let target = req.uri().path_and_query().map_or(1, |p| p.as_str().len());
    let line = req.method().as_str().len() + 1 + target + " HTTP/1.1\r\n".len();
    let headers: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    line + headers + 2
}

/// The middleware of the transport limits (see the module's doc).
pub async fn limits(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let settings = &state.settings;
    let refused = match req.conn_data::<Connection>() {
        Some(conn) if settings.max_connections_per_client > 0 && conn.nth > settings.max_connections_per_client => {
            Some(ApiError::TooManyConnections(settings.max_connections_per_client))
        }
        _ if head_bytes(&req) > settings.max_head_bytes => {
            Some(ApiError::HeaderFieldsTooLarge(settings.max_head_bytes))
        }
        _ => None,
    };
    if let Some(error) = refused {
        // Before any authentication: the language is the one the request asks for.
        let lang = crate::language::requested(req.request()).unwrap_or_default();
        let response = closing(error.response_in(lang));
        return Ok(req.into_response(response));
    }

    let timed_out = Arc::new(AtomicBool::new(false));
    let payload = req.take_payload();
    let deadline = tokio::time::Instant::now() + settings.request_timeout;
    req.set_payload(Payload::Stream {
        payload: Box::pin(Deadline {
            inner: payload,
            sleep: Box::pin(tokio::time::sleep_until(deadline)),
            timed_out: timed_out.clone(),
        }),
    });
    let mut res = next.call(req).await?.map_into_boxed_body();
    if timed_out.load(Ordering::SeqCst) {
        let (req, _) = res.into_parts();
        let lang = crate::language::requested(&req).unwrap_or_default();
        let response = closing(ApiError::RequestTimeout(settings.request_timeout.as_secs()).response_in(lang));
        return Ok(ServiceResponse::new(req, response));
    }
    if state.draining() {
        res.response_mut().head_mut().set_connection_type(ConnectionType::Close);
    }
    Ok(res)
}

/// An answer after which the connection is closed: what is left of the request is not read.
fn closing(mut response: actix_web::HttpResponse) -> actix_web::HttpResponse {
    response.head_mut().set_connection_type(ConnectionType::Close);
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A request body that fails once its deadline has passed before it ended.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<tokio::time::Sleep>>,
    timed_out: Arc<AtomicBool>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.timed_out.store(true, Ordering::SeqCst);
                let timeout =
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "the request body did not arrive in time");
                Poll::Ready(Some(Err(PayloadError::Io(timeout))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
