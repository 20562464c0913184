//! SLA: the tenant's business-hours calendars and plans, the plan each company follows (staff),
//! and a company's monthly report (staff, and members with `sla_read`). A ticket's SLA state is
//! part of its view (see `tickets::view`).

mod calendars;
mod plans;
mod report;

pub use self::calendars::{CalendarInput, CalendarPatch, CalendarView, Interval, WeekHours};
pub use self::plans::{
    CompanyPlanInput, CompanyPlanView, PlanInput, PlanPatch, PlanView, PriorityTargets, TargetMinutes,
};
pub use self::report::{BreachView, SlaReport};

use crate::errors::{ApiError, ApiResult};
use crate::extract::Auth;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(calendars::list_calendars)
        .service(calendars::create_calendar)
        .service(calendars::get_calendar)
        .service(calendars::update_calendar)
        .service(calendars::delete_calendar)
        .service(plans::list_plans)
        .service(plans::create_plan)
        .service(plans::get_plan)
        .service(plans::update_plan)
        .service(plans::delete_plan)
        .service(plans::get_company_plan)
        .service(plans::set_company_plan)
        .service(report::sla_report);
}

/// Who changes the SLA setup: staff, with a token that may write.
fn require_writer(auth: &Auth) -> ApiResult<()> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    Ok(())
}

/// A calendar's or plan's name: 1 to 100 characters, no control characters.
fn name_of(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid("name", crate::text::rule(100)));
    }
    Ok(name.to_owned())
}

/// A taken name, or a calendar or plan still in use.
fn in_use(err: clientdesk_persistence::Error) -> ApiError {
    match err {
        clientdesk_persistence::Error::Conflict(why) if why.contains("used by") => {
            ApiError::conflict("conflict-calendar-in-use")
        }
        clientdesk_persistence::Error::Conflict(why) if why.contains("given to") => {
            ApiError::conflict("conflict-plan-in-use")
        }
        clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-name-taken"),
        other => other.into(),
    }
}
