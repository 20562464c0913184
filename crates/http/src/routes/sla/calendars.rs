//! Business-hours calendars: weekly opening hours in an IANA time zone, less holidays.

use std::collections::BTreeSet;

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use clientdesk_domain::business_hours::{Calendar, Opening, DAY_MINUTES};
use clientdesk_domain::i18n::Message;
use clientdesk_persistence::sla::{self as store, StoredCalendar};
use clientdesk_persistence::write_tx;
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

/// Opening intervals per day; a day may hold at most this many.
const MAX_INTERVALS: usize = 12;
/// Holidays per calendar: some years of them.
const MAX_HOLIDAYS: usize = 500;

/// One opening interval, in local wall-clock time.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"start": "09:00", "end": "17:00"}))]
pub struct Interval {
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM`, after `start`; `24:00` is midnight at the end of the day.
    pub end: String,
}

/// The opening intervals of each weekday; a day left out is closed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"monday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
    "friday": [{"start": "08:00", "end": "16:00"}]}))]
pub struct WeekHours {
    #[serde(default)]
    pub monday: Vec<Interval>,
    #[serde(default)]
    pub tuesday: Vec<Interval>,
    #[serde(default)]
    pub wednesday: Vec<Interval>,
    #[serde(default)]
    pub thursday: Vec<Interval>,
    #[serde(default)]
    pub friday: Vec<Interval>,
    #[serde(default)]
    pub saturday: Vec<Interval>,
    #[serde(default)]
    pub sunday: Vec<Interval>,
}

const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

impl WeekHours {
    fn days(&self) -> [&Vec<Interval>; 7] {
        [&self.monday, &self.tuesday, &self.wednesday, &self.thursday, &self.friday, &self.saturday, &self.sunday]
    }

    fn of(calendar: &Calendar) -> Self {
        let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        let [monday, tuesday, wednesday, thursday, friday, saturday, sunday] = calendar
            .week()
            .clone()
            .map(|day| day.iter().map(|o| Interval { start: clock(o.start), end: clock(o.end) }).collect());
        Self { monday, tuesday, wednesday, thursday, friday, saturday, sunday }
    }

    /// The week as the domain holds it; an unreadable time answers 422 at its pointer.
    fn parse(&self) -> ApiResult<[Vec<Opening>; 7]> {
        let mut week: [Vec<Opening>; 7] = Default::default();
        for ((day, intervals), out) in DAYS.iter().zip(self.days()).zip(week.iter_mut()) {
            if intervals.len() > MAX_INTERVALS {
                return Err(ApiError::invalid(
                    &format!("hours.{day}"),
                    Message::new("rule-intervals-at-most").arg("max", MAX_INTERVALS),
                ));
            }
            for (i, interval) in intervals.iter().enumerate() {
                let minute = |which: &str, value: &str| {
                    minute_of(value).ok_or_else(|| {
                        ApiError::invalid(&format!("hours.{day}[{i}].{which}"), Message::new("rule-time-of-day"))
                    })
                };
                out.push(Opening { start: minute("start", &interval.start)?, end: minute("end", &interval.end)? });
            }
        }
        Ok(week)
    }
}

/// `HH:MM` as minutes after midnight, `24:00` included.
fn minute_of(value: &str) -> Option<u16> {
    let (h, m) = value.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minute = h * 60 + m;
    (m < 60 && minute <= DAY_MINUTES).then_some(minute)
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "name": "Office hours", "time_zone": "Europe/Zurich",
    "hours": {"monday": [{"start": "08:00", "end": "17:00"}], "tuesday": [{"start": "08:00", "end": "17:00"}]},
    "holidays": ["2026-12-25"], "updated_at": "2026-12-01T08:00:00Z"}))]
pub struct CalendarView {
    pub id: i64,
    pub name: String,
    /// IANA time zone the hours are read in.
    pub time_zone: String,
    pub hours: WeekHours,
    /// Local dates on which the calendar stays closed.
    #[schema(value_type = Vec<String>)]
    pub holidays: Vec<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredCalendar> for CalendarView {
    fn from(c: StoredCalendar) -> Self {
        Self {
            id: c.id,
            time_zone: c.calendar.zone().name().to_owned(),
            hours: WeekHours::of(&c.calendar),
            holidays: c.calendar.holidays().iter().copied().collect(),
            name: c.name,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Office hours", "time_zone": "Europe/Zurich",
    "hours": {"monday": [{"start": "08:00", "end": "17:00"}], "friday": [{"start": "08:00", "end": "16:00"}]},
    "holidays": ["2026-12-25", "2026-12-26"]}))]
pub struct CalendarInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// An IANA time zone, e.g. `Europe/Zurich`.
    pub time_zone: String,
    /// At least one opening hour in the week; intervals of a day may not overlap.
    pub hours: WeekHours,
    /// `YYYY-MM-DD`, at most 500.
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// The fields to change; those left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"holidays": ["2026-12-25", "2027-01-01"]}))]
pub struct CalendarPatch {
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub hours: Option<WeekHours>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub holidays: Option<Vec<String>>,
}

fn zone_of(name: &str) -> ApiResult<Tz> {
    name.parse().map_err(|_| ApiError::invalid("time_zone", Message::new("rule-time-zone")))
}

fn holidays_of(dates: &[String]) -> ApiResult<BTreeSet<NaiveDate>> {
    if dates.len() > MAX_HOLIDAYS {
        return Err(ApiError::invalid("holidays", Message::new("rule-holidays-at-most").arg("max", MAX_HOLIDAYS)));
    }
    dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| ApiError::invalid(&format!("holidays[{i}]"), Message::new("rule-date-yyyy-mm-dd")))
        })
        .collect()
}

fn calendar_of(zone: &str, hours: &WeekHours, holidays: &[String]) -> ApiResult<Calendar> {
    let zone = zone_of(zone)?;
    let week = hours.parse()?;
    let holidays = holidays_of(holidays)?;
    Ok(Calendar::new(zone, week, holidays)?)
}

/// List the tenant's business-hours calendars (staff).
#[utoipa::path(tag = "sla", operation_id = "listSlaCalendars", security(("bearer" = [])),
    responses(
        (status = 200, description = "The calendars, by name", body = Paged<CalendarView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/sla/calendars")]
pub async fn list_calendars(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let tenant = auth.tenant.id;
    let all = state.run(move |conn| Ok(store::calendars(conn, tenant)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(all.into_iter().map(CalendarView::from).collect())))
}

/// Read a calendar (staff).
#[utoipa::path(tag = "sla", operation_id = "getSlaCalendar", security(("bearer" = [])),
    params(("calendar_id" = i64, Path)),
    responses(
        (status = 200, description = "The calendar", body = CalendarView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such calendar", body = Problem)))]
#[get("/api/v1/sla/calendars/{calendar_id}")]
pub async fn get_calendar(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (tenant, id) = (auth.tenant.id, path.into_inner());
    let calendar = state.run(move |conn| Ok(store::calendar(conn, tenant, id)?)).await?;
    Ok(HttpResponse::Ok().json_body(CalendarView::from(calendar)))
}

/// Create a calendar (staff).
#[utoipa::path(tag = "sla", operation_id = "createSlaCalendar", security(("bearer" = [])),
    request_body = CalendarInput,
    responses(
        (status = 201, description = "Created", body = CalendarView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input: an unknown time zone, overlapping or empty hours, a bad date",
            body = Problem)))]
#[post("/api/v1/sla/calendars")]
pub async fn create_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CalendarInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let body = body.into_inner();
    let name = name_of(&body.name)?;
    let calendar = calendar_of(&body.time_zone, &body.hours, &body.holidays)?;
    let client = origin::of(&req);
    let stored = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let stored =
                    store::create_calendar(conn, auth.tenant.id, &name, &calendar, Utc::now()).map_err(in_use)?;
                client.record_change(conn, &auth, "sla_changed", format!("sla_calendar:{}", stored.id), None)?;
                Ok(stored)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(CalendarView::from(stored)))
}

/// Change a calendar (staff): the SLA state of every ticket under a plan using it follows at once.
#[utoipa::path(tag = "sla", operation_id = "updateSlaCalendar", security(("bearer" = [])),
    params(("calendar_id" = i64, Path)), request_body = CalendarPatch,
    responses(
        (status = 200, description = "Updated", body = CalendarView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such calendar", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/sla/calendars/{calendar_id}")]
pub async fn update_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<CalendarPatch>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let (id, patch, client) = (path.into_inner(), body.into_inner(), origin::of(&req));
    let name = patch.name.as_deref().map(name_of).transpose()?;
    let stored = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut stored = store::calendar(conn, auth.tenant.id, id)?;
                let current = CalendarView::from(stored.clone());
                stored.calendar = calendar_of(
                    patch.time_zone.as_deref().unwrap_or(&current.time_zone),
                    patch.hours.as_ref().unwrap_or(&current.hours),
                    &patch.holidays.unwrap_or_else(|| current.holidays.iter().map(|d| d.to_string()).collect()),
                )?;
                stored.name = name.unwrap_or(stored.name);
                stored.updated_at = Utc::now();
                store::update_calendar(conn, auth.tenant.id, &stored).map_err(in_use)?;
                client.record_change(conn, &auth, "sla_changed", format!("sla_calendar:{id}"), None)?;
                Ok(stored)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(CalendarView::from(stored)))
}

/// Delete a calendar that no plan uses (staff).
#[utoipa::path(tag = "sla", operation_id = "deleteSlaCalendar", security(("bearer" = [])),
    params(("calendar_id" = i64, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such calendar", body = Problem),
        (status = 409, description = "A plan uses the calendar", body = Problem)))]
#[delete("/api/v1/sla/calendars/{calendar_id}")]
pub async fn delete_calendar(
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
                store::delete_calendar(conn, auth.tenant.id, id).map_err(in_use)?;
                client.record_change(
                    conn,
                    &auth,
                    "sla_changed",
                    format!("sla_calendar:{id}"),
                    Some("deleted".into()),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
