//! SLA plans (targets per priority in business minutes, pause statuses, a calendar), the tenant's
//! default plan and the plan given to a company.

use std::collections::BTreeMap;

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::sla::{Plan, Targets};
use clientdesk_domain::tickets::{Priority, Status};
use clientdesk_persistence::sla::{self as store, StoredPlan};
use clientdesk_persistence::{companies, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{in_use, name_of, require_writer};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::state::AppState;

/// The promise for one priority, in business minutes; a target left out is not promised.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"first_response_minutes": 60, "resolution_minutes": 480}))]
pub struct TargetMinutes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 527_040)]
    pub first_response_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 527_040)]
    pub resolution_minutes: Option<i64>,
}

/// Targets per priority; a priority left out has none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"normal": {"first_response_minutes": 60, "resolution_minutes": 480},
    "urgent": {"first_response_minutes": 15, "resolution_minutes": 120}}))]
pub struct PriorityTargets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<TargetMinutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<TargetMinutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<TargetMinutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<TargetMinutes>,
}

impl PriorityTargets {
    fn entries(&self) -> [(Priority, Option<TargetMinutes>); 4] {
        [
            (Priority::Low, self.low),
            (Priority::Normal, self.normal),
            (Priority::High, self.high),
            (Priority::Urgent, self.urgent),
        ]
    }

    fn of(plan: &Plan) -> Self {
        let of = |p: Priority| {
            plan.targets.get(&p).map(|t| TargetMinutes {
                first_response_minutes: t.first_response.map(|d| d.num_minutes()),
                resolution_minutes: t.resolution.map(|d| d.num_minutes()),
            })
        };
        Self {
            low: of(Priority::Low),
            normal: of(Priority::Normal),
            high: of(Priority::High),
            urgent: of(Priority::Urgent),
        }
    }

    fn targets(&self) -> BTreeMap<Priority, Targets> {
        self.entries()
            .into_iter()
            .filter_map(|(p, t)| {
                let t = t?;
                // A count beyond what a duration holds becomes the longest one, which the domain's
                // bounds then refuse with a 422.
                let minutes = |m: i64| Duration::try_minutes(m).unwrap_or(Duration::MAX);
                let targets = Targets {
                    first_response: t.first_response_minutes.map(minutes),
                    resolution: t.resolution_minutes.map(minutes),
                };
                Some((p, targets))
            })
            .collect()
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "name": "Standard", "calendar_id": 1, "default": true,
    "targets": {"normal": {"first_response_minutes": 60, "resolution_minutes": 480},
        "urgent": {"first_response_minutes": 15, "resolution_minutes": 120}},
    "pause_statuses": ["waiting_customer"], "updated_at": "2026-12-01T08:00:00Z"}))]
pub struct PlanView {
    pub id: i64,
    pub name: String,
    /// The business hours the targets count in.
    pub calendar_id: i64,
    /// The tenant's default plan, followed by companies given none.
    pub default: bool,
    pub targets: PriorityTargets,
    /// Statuses that pause the resolution clock.
    pub pause_statuses: Vec<Status>,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredPlan> for PlanView {
    fn from(p: StoredPlan) -> Self {
        Self {
            id: p.id,
            name: p.name,
            calendar_id: p.calendar_id,
            default: p.is_default,
            targets: PriorityTargets::of(&p.plan),
            pause_statuses: p.plan.pause_statuses,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Standard", "calendar_id": 1, "default": true,
    "targets": {"normal": {"first_response_minutes": 60, "resolution_minutes": 480}},
    "pause_statuses": ["waiting_customer"]}))]
pub struct PlanInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// One of the tenant's calendars.
    pub calendar_id: i64,
    /// Minutes from 1 to 527,040 (a year).
    pub targets: PriorityTargets,
    /// Open statuses only (`resolved` and `closed` stop the clock already).
    #[serde(default)]
    pub pause_statuses: Vec<String>,
    /// Make this the tenant's default plan (the previous default stops being one).
    #[serde(default)]
    pub default: bool,
}

/// The fields to change; those left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"pause_statuses": ["waiting_customer", "waiting_third_party"]}))]
pub struct PlanPatch {
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub calendar_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub targets: Option<PriorityTargets>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub pause_statuses: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub default: Option<bool>,
}

fn plan_of(targets: &PriorityTargets, pauses: &[String]) -> ApiResult<Plan> {
    let pauses = pauses
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Status::parse(s)
                .ok_or_else(|| ApiError::invalid(&format!("pause_statuses[{i}]"), Message::new("rule-status-unknown")))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Plan::new(targets.targets(), pauses)?)
}

/// The tenant's calendar named in a body: 422 when it is not one.
fn known_calendar(conn: &mut DbConnection, tenant: TenantId, id: i64) -> ApiResult<()> {
    match store::calendar(conn, tenant, id) {
        Ok(_) => Ok(()),
        Err(clientdesk_persistence::Error::NotFound) => {
            Err(ApiError::invalid("calendar_id", Message::new("rule-calendar-unknown")))
        }
        Err(e) => Err(e.into()),
    }
}

/// List the tenant's SLA plans (staff).
#[utoipa::path(tag = "sla", operation_id = "listSlaPlans", security(("bearer" = [])),
    responses(
        (status = 200, description = "The plans, by name", body = Paged<PlanView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/sla/plans")]
pub async fn list_plans(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let tenant = auth.tenant.id;
    let all = state.run(move |conn| Ok(store::plans(conn, tenant)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(all.into_iter().map(PlanView::from).collect())))
}

/// Read a plan (staff).
#[utoipa::path(tag = "sla", operation_id = "getSlaPlan", security(("bearer" = [])),
    params(("plan_id" = i64, Path)),
    responses(
        (status = 200, description = "The plan", body = PlanView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such plan", body = Problem)))]
#[get("/api/v1/sla/plans/{plan_id}")]
pub async fn get_plan(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.id, path.into_inner());
    let plan = state.run(move |conn| Ok(store::plan(conn, tenant, id)?)).await?;
    Ok(HttpResponse::Ok().json_body(PlanView::from(plan)))
}

/// Create a plan (staff).
#[utoipa::path(tag = "sla", operation_id = "createSlaPlan", security(("bearer" = [])),
    request_body = PlanInput,
    responses(
        (status = 201, description = "Created", body = PlanView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input: an unknown calendar or status, a target out of range",
            body = Problem)))]
#[post("/api/v1/sla/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<PlanInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let body = body.into_inner();
    let name = name_of(&body.name)?;
    let plan = plan_of(&body.targets, &body.pause_statuses)?;
    let client = origin::of(&req);
    let stored = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                known_calendar(conn, auth.tenant.id, body.calendar_id)?;
                let mut stored = StoredPlan {
                    id: 0,
                    name,
                    calendar_id: body.calendar_id,
                    is_default: body.default,
                    plan,
                    updated_at: Utc::now(),
                };
                stored.id = store::create_plan(conn, auth.tenant.id, &stored).map_err(in_use)?;
                client.record_change(conn, &auth, "sla_changed", format!("sla_plan:{}", stored.id), None)?;
                Ok(stored)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(PlanView::from(stored)))
}

/// Change a plan (staff): the SLA state of its companies' tickets follows at once.
#[utoipa::path(tag = "sla", operation_id = "updateSlaPlan", security(("bearer" = [])),
    params(("plan_id" = i64, Path)), request_body = PlanPatch,
    responses(
        (status = 200, description = "Updated", body = PlanView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such plan", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/sla/plans/{plan_id}")]
pub async fn update_plan(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<PlanPatch>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let (id, patch, client) = (path.into_inner(), body.into_inner(), origin::of(&req));
    let name = patch.name.as_deref().map(name_of).transpose()?;
    let stored = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut stored = store::plan(conn, auth.tenant.id, id)?;
                let targets = patch.targets.unwrap_or_else(|| PriorityTargets::of(&stored.plan));
                let pauses = patch
                    .pause_statuses
                    .unwrap_or_else(|| stored.plan.pause_statuses.iter().map(|s| s.as_str().to_owned()).collect());
                stored.plan = plan_of(&targets, &pauses)?;
                if let Some(calendar) = patch.calendar_id {
                    known_calendar(conn, auth.tenant.id, calendar)?;
                    stored.calendar_id = calendar;
                }
                stored.name = name.unwrap_or(stored.name);
                stored.is_default = patch.default.unwrap_or(stored.is_default);
                stored.updated_at = Utc::now();
                store::update_plan(conn, auth.tenant.id, &stored).map_err(in_use)?;
                client.record_change(conn, &auth, "sla_changed", format!("sla_plan:{id}"), None)?;
                Ok(stored)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(PlanView::from(stored)))
}

/// Delete a plan that no company is given (staff).
#[utoipa::path(tag = "sla", operation_id = "deleteSlaPlan", security(("bearer" = [])),
    params(("plan_id" = i64, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such plan", body = Problem),
        (status = 409, description = "A company is given the plan", body = Problem)))]
#[delete("/api/v1/sla/plans/{plan_id}")]
pub async fn delete_plan(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let (id, client) = (path.into_inner(), origin::of(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                store::delete_plan(conn, auth.tenant.id, id).map_err(in_use)?;
                client.record_change(conn, &auth, "sla_changed", format!("sla_plan:{id}"), Some("deleted".into()))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The plan a company follows.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"company_id": 1, "plan_id": null, "effective_plan_id": 2}))]
pub struct CompanyPlanView {
    pub company_id: i64,
    /// The plan given to the company; none follows the tenant's default.
    pub plan_id: Option<i64>,
    /// The plan its tickets follow: its own or the default; none without either.
    pub effective_plan_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan_id": 2}))]
pub struct CompanyPlanInput {
    /// One of the tenant's plans, or null to follow the default.
    pub plan_id: Option<i64>,
}

fn company_plan(conn: &mut DbConnection, tenant: TenantId, company: CompanyId) -> ApiResult<CompanyPlanView> {
    let own = store::company_plans(conn, tenant)?.into_iter().find(|(c, _)| *c == company).map(|(_, p)| p);
    let default = store::plans(conn, tenant)?.into_iter().find(|p| p.is_default).map(|p| p.id);
    Ok(CompanyPlanView { company_id: company.0, plan_id: own, effective_plan_id: own.or(default) })
}

/// The SLA plan a company follows (staff).
#[utoipa::path(tag = "sla", operation_id = "getCompanySlaPlan", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The company's plan", body = CompanyPlanView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such company", body = Problem)))]
#[get("/api/v1/companies/{company_id}/sla-plan")]
pub async fn get_company_plan(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, company) = (auth.tenant.id, CompanyId(path.into_inner()));
    let view = state
        .run(move |conn| {
            companies::get(conn, tenant, company)?;
            company_plan(conn, tenant, company)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Give a company a plan, or none to follow the tenant's default (staff).
#[utoipa::path(tag = "sla", operation_id = "setCompanySlaPlan", security(("bearer" = [])),
    params(("company_id" = i64, Path)), request_body = CompanyPlanInput,
    responses(
        (status = 200, description = "The company's plan", body = CompanyPlanView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such company", body = Problem),
        (status = 422, description = "No such plan", body = Problem)))]
#[put("/api/v1/companies/{company_id}/sla-plan")]
pub async fn set_company_plan(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<CompanyPlanInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let (company, plan, client) = (CompanyId(path.into_inner()), body.into_inner().plan_id, origin::of(&req));
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let tenant = auth.tenant.id;
                companies::get(conn, tenant, company)?;
                if let Some(plan) = plan {
                    match store::plan(conn, tenant, plan) {
                        Err(clientdesk_persistence::Error::NotFound) => {
                            return Err(ApiError::invalid("plan_id", Message::new("rule-plan-unknown")))
                        }
                        other => other.map(drop)?,
                    }
                }
                store::set_company_plan(conn, tenant, company, plan)?;
                let detail = plan.map_or_else(|| "default".to_owned(), |p| format!("sla_plan:{p}"));
                client.record_change(conn, &auth, "sla_changed", format!("company:{}", company.0), Some(detail))?;
                company_plan(conn, tenant, company)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}
