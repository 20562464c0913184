//! Step-up: proving a second factor (authenticator app or SMS code) for this sign-in session.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::totp;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::step_up::{Factor, Factors, STEP_UP_TTL};
use clientdesk_domain::throttle::{Attempt, ThrottlePolicy};

use clientdesk_persistence::{throttle, users, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::{check_code, no_valid_code, send_code, CodeCheck};
use super::{factors_of, person, record};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "123456"}))]
pub struct StepUpInput {
    /// The current code of the authenticator app (the only factor of a user who has one)...
    pub code: Option<String>,
    /// ... or, without one, the code sent by `POST /api/v1/me/step-up/sms`.
    pub sms_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"valid_until": "2026-11-23T10:05:00Z"}))]
pub struct StepUpView {
    /// Actions may be asked for until then, by this sign-in session.
    pub valid_until: DateTime<Utc>,
}

/// Refuses a factor the user may not prove itself with now: 409 where the user lacks it, 403
/// where it has a stronger one or changed its phone within a day.
fn accept_factor(factors: &Factors, factor: Factor) -> ApiResult<()> {
    factors.accepts(factor, Utc::now()).map_err(|denied| match (factor, factors.required()) {
        (Factor::Otp, _) => ApiError::conflict("conflict-step-up-no-app"),
        (Factor::Sms, None) => ApiError::conflict("conflict-step-up-no-phone"),
        _ => ApiError::from(denied),
    })
}

/// What a step-up attempt came to, decided inside its transaction so that its count commits.
enum Proof {
    Proven,
    Wrong,
    Stale,
    Blocked(DateTime<Utc>),
}

/// Prove a second factor now, for this sign-in session: self-service actions and phone changes
/// of this session are allowed within 5 minutes of it (other sessions of the user still need
/// their own).
///
/// A user with an authenticator app proves its code, never an SMS code; a user without one, an
/// SMS code sent to the verified phone, which counts only from 24 hours after a phone change.
/// Every attempt is counted before the code is checked; past five wrong ones in an hour the
/// answer is 429.
#[utoipa::path(tag = "self-service", operation_id = "stepUp", security(("bearer" = [])),
    request_body = StepUpInput,
    responses(
        (status = 200, description = "Proven", body = StepUpView),
        (status = 401, description = "Wrong code", body = Problem),
        (status = 403, description = "An SMS code from a user with an authenticator or within 24 hours of a phone change, an API token or an agent session", body = Problem),
        (status = 409, description = "No authenticator set up, or no valid SMS code", body = Problem),
        (status = 422, description = "Give exactly one of code and sms_code", body = Problem),
        (status = 429, description = "Too many wrong codes", body = Problem)))]
#[post("/api/v1/me/step-up")]
pub async fn step_up(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<StepUpInput>,
) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let body = body.into_inner();
    let (factor, code) = match (body.code, body.sms_code) {
        (Some(code), None) => (Factor::Otp, code),
        (None, Some(code)) => (Factor::Sms, code),
        _ => return Err(ApiError::invalid("code", Message::new("rule-code-or-sms-code"))),
    };
    let client = origin::of(&req);
    let policy = ThrottlePolicy::STEP_UP;
    let (outcome, now) = state
        .run(move |conn| {
            let now = Utc::now();
            let key = format!("stepup:{}", auth.user.id.0);
            let outcome = write_tx(conn, |conn| -> ApiResult<Proof> {
                accept_factor(&factors_of(conn, &auth)?, factor)?;
                // Count the attempt first: of parallel attempts only the allowed number get checked.
                if let Attempt::Refused { until } = throttle::count_attempt(conn, &key, &policy, now)? {
                    return Ok(Proof::Blocked(until));
                }
                let outcome = match factor {
                    Factor::Otp => {
                        let secret = auth.user.totp_secret.as_deref().unwrap_or_default();
                        match totp::matching_step(secret, &code, now.timestamp().max(0) as u64) {
                            Some(step) if users::claim_totp_step(conn, auth.user.id, step)? => Proof::Proven,
                            _ => Proof::Wrong,
                        }
                    }
                    Factor::Sms => match check_code(conn, &format!("stepup:{}", auth.user.id.0), &code)? {
                        CodeCheck::Valid(phone) if Some(&phone) == auth.user.phone.as_ref() => Proof::Proven,
                        CodeCheck::Valid(_) | CodeCheck::Stale => Proof::Stale,
                        CodeCheck::Wrong => Proof::Wrong,
                    },
                };
                if let Proof::Proven = outcome {
                    users::record_step_up(conn, auth.user.id, &session, factor, now)?;
                    throttle::reset(conn, &key)?;
                    record(conn, &client, &auth, "step_up", Some(factor.as_str()))?;
                } else {
                    record(conn, &client, &auth, "step_up_failed", Some(factor.as_str()))?;
                }
                Ok(outcome)
            })?;
            Ok((outcome, now))
        })
        .await?;
    match outcome {
        Proof::Proven => Ok(HttpResponse::Ok().json_body(StepUpView { valid_until: now + STEP_UP_TTL })),
        Proof::Wrong => Err(ApiError::unauthorized("unauthorized-wrong-code")),
        Proof::Stale => Err(no_valid_code()),
        Proof::Blocked(until) => {
            Err(ApiError::TooManyRequests { retry_after_secs: (until - now).num_seconds().max(1), policy })
        }
    }
}

/// Send a step-up code by SMS to the verified phone (users without an authenticator app, from 24
/// hours after a phone change; within the SMS limits).
#[utoipa::path(tag = "self-service", operation_id = "stepUpSms", security(("bearer" = [])),
    responses(
        (status = 202, description = "A code is on its way"),
        (status = 403, description = "The user has an authenticator, or changed its phone within 24 hours; an API token or an agent session", body = Problem),
        (status = 409, description = "No verified phone", body = Problem),
        (status = 422, description = "The phone's calling code is no longer allowed", body = Problem),
        (status = 429, description = "Too many SMS", body = Problem)))]
#[post("/api/v1/me/step-up/sms")]
pub async fn step_up_sms(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    person(&auth)?;
    let phone = verified_phone(&auth)?.to_owned();
    let st = state.clone();
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                accept_factor(&factors_of(conn, &auth)?, Factor::Sms)?;
                send_code(conn, &st, &auth, &phone, &format!("stepup:{}", auth.user.id.0), true)
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

fn verified_phone(auth: &Auth) -> ApiResult<&str> {
    match (&auth.user.phone, auth.user.phone_verified_at) {
        (Some(phone), Some(_)) => Ok(phone),
        _ => Err(ApiError::conflict("conflict-phone-first")),
    }
}
