//! `Idempotency-Key` on create requests: a retry with the same key and body gets the first
//! answer (status and body) and causes no second side effect; the same key with another body is
//! 422; a retry while the first request still runs is 409. Keys belong to the caller and are
//! kept 24 hours (see `clientdesk_persistence::idempotency`). The request that holds a key renews
//! its claim while it runs; a claim not renewed for the idempotency lease (10 s) belongs to a
//! process that died, and a retry takes it over.

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_domain::i18n::Message;
use clientdesk_persistence::idempotency::{self, Claim};
use clientdesk_persistence::{write_tx, DbConnection};
use sha2::{Digest, Sha256};

use crate::errors::{ApiError, ApiResult};
use crate::extract::{Auth, Caller};
use crate::respond::JsonBody;
use crate::state::AppState;

pub const HEADER: &str = "Idempotency-Key";

/// The request's key, if it sent one: 1 to 255 visible ASCII characters.
pub fn key_of(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get(HEADER) else { return Ok(None) };
    let key =
        value.to_str().ok().filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()));
    key.map(|k| Some(k.to_owned()))
        .ok_or_else(|| ApiError::invalid_header(HEADER, Message::new("rule-idempotency-key")))
}

/// Runs `prepare` and then `work` in a write transaction, once per key: `fingerprint` identifies
/// the request (its path and body), and the answer `work` gives is what every retry receives.
/// `prepare` reads and checks what it can before the transaction, so that the transaction (one
/// writer at a time on SQLite, the tenant's counter row held on PostgreSQL) is no longer than
/// the writes; whatever `prepare` returns is handed to `work`.
///
/// `sender` is authenticated first, in the same database step as the rest: a [`Caller`] is
/// checked there, so that a request without a key takes one trip to the blocking pool, not two.
pub async fn once<P, T, W>(
    state: &AppState,
    sender: impl Sender,
    key: Option<String>,
    fingerprint: &[u8],
    prepare: P,
    work: W,
) -> ApiResult<HttpResponse>
where
    P: FnOnce(&mut DbConnection, Auth) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
    W: FnOnce(&mut DbConnection, T) -> ApiResult<(StatusCode, Bytes)> + Send + 'static,
{
    let Some(key) = key else {
        let (status, body) = state
            .run(move |conn| {
                let auth = sender.authenticate(conn)?;
                let prepared = prepare(conn, auth)?;
                write_tx(conn, |conn| work(conn, prepared))
            })
            .await?;
        return Ok(HttpResponse::build(status).json_bytes(body));
    };
    let hash = hex::encode(Sha256::digest(fingerprint));
    let lease = state.settings.idempotency_lease;
    let (auth, claim) = state
        .run({
            let key = key.clone();
            move |conn| {
                let auth = sender.authenticate(conn)?;
                let user = auth.principal.user_id;
                let claim = write_tx(conn, |conn| {
                    Ok::<_, ApiError>(idempotency::claim(conn, user, &key, &hash, Utc::now(), lease)?)
                })?;
                Ok((auth, claim))
            }
        })
        .await?;
    let claim = match claim {
        Claim::Taken(id) => id,
        Claim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return Ok(HttpResponse::build(status)
                .insert_header(("Idempotent-Replayed", "true"))
                .content_type("application/json")
                .body(body));
        }
        Claim::InProgress => return Err(ApiError::conflict("conflict-idempotency-in-progress")),
        Claim::Mismatch => return Err(ApiError::invalid_header(HEADER, Message::new("rule-idempotency-key-reused"))),
    };
    // Dropped when this request ends, which stops the renewals.
    let (_running, ended) = tokio::sync::oneshot::channel::<()>();
    actix_web::rt::spawn(keep_claimed(state.clone(), claim, lease, ended));
    let done = state
        .run(move |conn| {
            let prepared = prepare(conn, auth)?;
            write_tx(conn, |conn| {
                let (status, body) = work(conn, prepared)?;
                let text = std::str::from_utf8(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
                idempotency::complete(conn, claim, status.as_u16(), text)?;
                Ok((status, body))
            })
        })
        .await;
    match done {
        Ok((status, body)) => Ok(HttpResponse::build(status).json_bytes(body)),
        Err(err) => {
            state.run(move |conn| Ok(idempotency::release(conn, claim)?)).await?;
            Err(err)
        }
    }
}

/// Renews a claim every third of the lease until `ended` (or the request's future is dropped).
async fn keep_claimed(
    state: AppState,
    claim: i64,
    lease: chrono::Duration,
    mut ended: tokio::sync::oneshot::Receiver<()>,
) {
    let every = (lease / 3).to_std().unwrap_or(std::time::Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = &mut ended => return,
            _ = tokio::time::sleep(every) => {}
        }
        let renewed =
            state.run(move |conn| write_tx(conn, |conn| Ok(idempotency::renew(conn, claim, Utc::now())?))).await;
        if let Err(error) = renewed {
            tracing::warn!(%error, "renewing an Idempotency-Key claim failed");
        }
    }
}

/// Who sends a request to [`once`]: an [`Auth`] its extractor has loaded, or a [`Caller`] still to
/// be checked against the database.
pub trait Sender: Send + 'static {
    fn authenticate(self, conn: &mut DbConnection) -> ApiResult<Auth>;
}

impl Sender for Auth {
    fn authenticate(self, _: &mut DbConnection) -> ApiResult<Auth> {
        Ok(self)
    }
}

impl Sender for Caller {
    fn authenticate(self, conn: &mut DbConnection) -> ApiResult<Auth> {
        Caller::authenticate(self, conn)
    }
}
