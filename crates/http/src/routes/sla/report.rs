//! A company's SLA report for a month: tickets opened, compliance with each target, breaches.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Months, NaiveDate, Utc};
use clientdesk_app::sla;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::roles::Permission;
use clientdesk_domain::sla::{Compliance, Target};
use clientdesk_persistence::companies;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::respond::JsonBody;
use crate::state::AppState;

/// Breaches listed in one report; `breaches_truncated` says when there were more.
const MAX_BREACHES: usize = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The month, `YYYY-MM` (UTC): tickets opened in it are counted.
    #[param(example = "2026-11")]
    pub month: String,
}

/// A missed target.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreachView {
    pub ticket_id: i64,
    pub number: i64,
    pub target: Target,
    pub due_at: Option<DateTime<Utc>>,
    /// The reply or resolution, late; none while the ticket still waits for it.
    pub completed_at: Option<DateTime<Utc>>,
    /// Business minutes past the target, at completion or now.
    pub overdue_minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"company_id": 1, "month": "2026-11", "plan_id": 1, "tickets": 42,
    "first_response": {"met": 40, "breached": 2, "percent": 95.2},
    "resolution": {"met": 35, "breached": 1, "percent": 97.2},
    "breaches": [{"ticket_id": 812, "number": 1812, "target": "first_response", "due_at": "2026-11-03T10:00:00Z",
        "completed_at": "2026-11-03T11:30:00Z", "overdue_minutes": 90}],
    "breaches_truncated": false}))]
pub struct SlaReport {
    pub company_id: i64,
    pub month: String,
    /// The plan the company follows now, by which every ticket is judged; none without a plan.
    pub plan_id: Option<i64>,
    /// Tickets the company opened in the month.
    pub tickets: u64,
    /// Met and breached count decided targets only; `percent` is met among them.
    pub first_response: Compliance,
    pub resolution: Compliance,
    /// By ticket number, first response before resolution.
    pub breaches: Vec<BreachView>,
    pub breaches_truncated: bool,
}

/// `YYYY-MM` as the first instants of that month and the next.
fn month_of(month: &str) -> ApiResult<(DateTime<Utc>, DateTime<Utc>)> {
    let bad = || ApiError::invalid_parameter("month", Message::new("rule-month-yyyy-mm"));
    if month.len() != 7 {
        return Err(bad());
    }
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let next = first.checked_add_months(Months::new(1)).ok_or_else(bad)?;
    let start = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
    Ok((start(first), start(next)))
}

/// A company's SLA report for a month: staff, and the company's members whose roles include
/// `sla_read` (403 without it); another company answers 404.
#[utoipa::path(tag = "sla", operation_id = "getSlaReport", security(("bearer" = [])),
    params(("company_id" = i64, Path), ReportQuery),
    responses(
        (status = 200, description = "The report", body = SlaReport),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Your roles in the company do not include SLA reports", body = Problem),
        (status = 404, description = "No such company, or not one of yours", body = Problem),
        (status = 422, description = "A bad month", body = Problem)))]
#[get("/api/v1/companies/{company_id}/sla-report")]
pub async fn sla_report(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    query: crate::query::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    if !auth.principal.is_staff() {
        auth.company(company)?.1.require(Permission::SlaRead)?;
    }
    let month = query.into_inner().month;
    let period = month_of(&month)?;
    let report = state
        .run(move |conn| {
            if auth.principal.is_staff() {
                companies::get(conn, auth.tenant.id, company)?;
            }
            let catalog = auth.catalogs.get(conn, &auth.tenant)?;
            Ok(sla::report(conn, &catalog.sla, auth.tenant.id, company, period, Utc::now())?)
        })
        .await?;
    let breaches_truncated = report.breaches.len() > MAX_BREACHES;
    let breaches = report
        .breaches
        .into_iter()
        .take(MAX_BREACHES)
        .map(|b| BreachView {
            ticket_id: b.ticket_id,
            number: b.number,
            target: b.target,
            due_at: b.state.due_at,
            completed_at: b.state.completed_at,
            overdue_minutes: -b.state.remaining_minutes,
        })
        .collect();
    Ok(HttpResponse::Ok().json_body(SlaReport {
        company_id: company.0,
        month,
        plan_id: report.plan_id,
        tickets: report.tickets,
        first_response: report.first_response,
        resolution: report.resolution,
        breaches,
        breaches_truncated,
    }))
}
