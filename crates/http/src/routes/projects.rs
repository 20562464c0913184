//! Projects: read by staff and by the company's members as the ticket scopes go (manager level
//! all of the company's, basic users those whose team they are on; others' answer 404), with
//! notes customers add and the PSA reads back (`GET /api/v1/psa/changes`), and a message to the
//! project team through the outbox. Written by staff or synced from the PSA.

use actix_web::http::StatusCode;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use clientdesk_domain::entities::User;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::invoices::{calendar_date, currency};
use clientdesk_domain::outbox::Channel;
use clientdesk_domain::projects::{
    self as rules, Changed, Note, Phase, PortalChange, Project, ProjectFields, Step, TeamMember, WorkStatus,
};
use clientdesk_domain::settings::PortalSettings;
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::psa::Versioned;
use clientdesk_persistence::{audit, projects as store, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::json::{Json, LargeJson};
use crate::origin;
use crate::paging::{self, PageQuery, Paged, UpdatedFrom};
use crate::preconditions::{if_match, tagged};
use crate::respond::JsonBody;
use crate::routes::attachments::remove_objects;
use crate::routes::psa::{
    batch_size, hold_for_change, psa_id, read_batch, require_known_companies, sync_credential, sync_tenant, SyncAnswer,
    SyncedRow, MAX_SYNC,
};
use crate::state::AppState;

/// The body limit of a project sync: 500 projects of up to 16 KiB each (plan and team).
const SYNC_BODY_LIMIT: usize = MAX_SYNC * 16 * 1024;
/// Most phases, tasks per phase and team members of a project.
const MAX_PHASES: usize = 50;
const MAX_TASKS: usize = 200;
const MAX_TEAM: usize = 50;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_projects)
        .service(get_project)
        .service(list_notes)
        .service(add_note)
        .service(message_team)
        .service(create_project)
        .service(replace_project)
        .service(delete_project)
        .service(sync_projects)
        .service(psa_changes);
}

fn named(at: &str, f: &str) -> String {
    if at.is_empty() {
        f.to_owned()
    } else {
        format!("{at}.{f}")
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Migrate mailboxes", "status": "in_progress", "starts_on": "2026-11-02",
    "ends_on": "2026-11-20", "percent_done": 60}))]
pub struct StepInput {
    pub name: String,
    pub status: WorkStatus,
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub percent_done: i32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mail", "status": "in_progress", "percent_done": 60,
    "tasks": [{"name": "Migrate mailboxes", "status": "in_progress", "percent_done": 60}]}))]
pub struct PhaseInput {
    pub name: String,
    pub status: WorkStatus,
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub percent_done: i32,
    #[serde(default)]
    pub tasks: Vec<StepInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Pat User", "email": "pat.user@demo.example", "technician": false}))]
pub struct TeamInput {
    pub name: String,
    /// A contact whose e-mail is a portal login of the project's company is linked to it: as a
    /// basic user, it sees the project.
    pub email: Option<String>,
    #[serde(default)]
    pub technician: bool,
}

/// A project as the PSA or staff write it: the plan (phases and their tasks) and the team are
/// replaced whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"psa_id": "PRJ-31", "company_id": 1, "name": "Office 365 migration", "status": "in_progress",
    "starts_on": "2026-11-02", "ends_on": "2026-12-18", "hours_estimated": 80, "hours_used": 31.5, "currency": "CHF",
    "charges_minor": 472500, "phases": [{"name": "Mail", "status": "in_progress", "percent_done": 60,
    "tasks": [{"name": "Migrate mailboxes", "status": "in_progress", "percent_done": 60}]}],
    "team": [{"name": "Tom Tech", "email": "tech@demo.example", "technician": true},
    {"name": "Pat User", "email": "pat.user@demo.example"}]}))]
pub struct ProjectInput {
    pub psa_id: Option<String>,
    pub company_id: i64,
    pub name: String,
    pub status: WorkStatus,
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub hours_estimated: f64,
    #[serde(default)]
    pub hours_used: f64,
    /// ISO 4217; required with charges.
    pub currency: Option<String>,
    #[serde(default)]
    pub charges_minor: i64,
    #[serde(default)]
    pub phases: Vec<PhaseInput>,
    #[serde(default)]
    pub team: Vec<TeamInput>,
}

fn date(field: &str, value: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    value.map(|v| calendar_date("date", v).map_err(|e| ApiError::invalid(field, e.message))).transpose()
}

fn step(
    at: &str,
    name: String,
    status: WorkStatus,
    starts: Option<String>,
    ends: Option<String>,
    percent: i32,
) -> ApiResult<Step> {
    let starts_on = date(&named(at, "starts_on"), starts.as_deref())?;
    let ends_on = date(&named(at, "ends_on"), ends.as_deref())?;
    rules::dates(starts_on, ends_on).map_err(|e| ApiError::invalid(&named(at, e.field), e.message))?;
    Ok(Step {
        name: crate::text::required(&named(at, "name"), &name, 200)?,
        status,
        starts_on,
        ends_on,
        percent_done: rules::percent("percent_done", percent)
            .map_err(|e| ApiError::invalid(&named(at, "percent_done"), e.message))?,
    })
}

/// Reads a project's input; team members' logins are linked later, in the transaction.
fn parse_project(at: &str, p: ProjectInput) -> ApiResult<(CompanyId, ProjectFields)> {
    let name = |f: &str| named(at, f);
    if p.phases.len() > MAX_PHASES || p.phases.iter().any(|ph| ph.tasks.len() > MAX_TASKS) {
        return Err(ApiError::invalid(
            &name("phases"),
            Message::new("rule-phases-at-most").arg("phases", MAX_PHASES).arg("tasks", MAX_TASKS),
        ));
    }
    if p.team.len() > MAX_TEAM {
        return Err(ApiError::invalid(&name("team"), Message::new("rule-team-at-most").arg("max", MAX_TEAM)));
    }
    let head = step(at, p.name, p.status, p.starts_on, p.ends_on, 0)?;
    let mut phases = Vec::with_capacity(p.phases.len());
    for (i, ph) in p.phases.into_iter().enumerate() {
        let here = name(&format!("phases[{i}]"));
        let tasks = ph
            .tasks
            .into_iter()
            .enumerate()
            .map(|(j, t)| step(&format!("{here}.tasks[{j}]"), t.name, t.status, t.starts_on, t.ends_on, t.percent_done))
            .collect::<ApiResult<Vec<_>>>()?;
        phases.push(Phase { step: step(&here, ph.name, ph.status, ph.starts_on, ph.ends_on, ph.percent_done)?, tasks });
    }
    let team = p
        .team
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let here = name(&format!("team[{i}]"));
            let email = m.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
            let email = email
                .map(|e| clientdesk_domain::user::Email::parse(e).map(|e| e.as_str().to_owned()))
                .transpose()
                .map_err(|e| ApiError::invalid(&named(&here, "email"), e.message))?;
            Ok(TeamMember {
                user_id: None,
                name: crate::text::required(&named(&here, "name"), &m.name, 200)?,
                email,
                technician: m.technician,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let minutes = |f: &'static str, h: f64| {
        clientdesk_domain::contracts::minutes(f, h).map_err(|e| ApiError::invalid(&name(f), e.message))
    };
    if !(0..=clientdesk_domain::invoices::MAX_MINOR).contains(&p.charges_minor) {
        return Err(ApiError::invalid(&name("charges_minor"), Message::new("rule-out-of-range")));
    }
    let currency =
        p.currency.as_deref().map(currency).transpose().map_err(|e| ApiError::invalid(&name("currency"), e.message))?;
    if p.charges_minor != 0 && currency.is_none() {
        return Err(ApiError::invalid(&name("currency"), Message::new("rule-currency-with-charges")));
    }
    let fields = ProjectFields {
        name: head.name,
        status: head.status,
        starts_on: head.starts_on,
        ends_on: head.ends_on,
        estimated_minutes: minutes("hours_estimated", p.hours_estimated)?,
        used_minutes: minutes("hours_used", p.hours_used)?,
        currency,
        charges_minor: p.charges_minor,
        phases,
        team,
    };
    Ok((CompanyId(p.company_id), fields))
}

/// Links the team's contacts to the company's portal logins by e-mail.
fn link_team(conn: &mut DbConnection, tenant: TenantId, company: CompanyId, team: &mut [TeamMember]) -> ApiResult<()> {
    for member in team.iter_mut().filter(|m| !m.technician) {
        member.user_id = None;
        let Some(email) = &member.email else { continue };
        if let Ok(user) = users::find_by_email(conn, tenant, email) {
            if user.staff_role.is_none() && users::is_member(conn, user.id, company)? {
                member.user_id = Some(user.id);
            }
        }
    }
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"name": "Migrate mailboxes", "status": "in_progress", "starts_on": "2026-11-02",
    "ends_on": "2026-11-20", "percent_done": 60}))]
pub struct StepView {
    pub name: String,
    pub status: WorkStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<NaiveDate>,
    pub percent_done: i32,
}

impl From<Step> for StepView {
    fn from(s: Step) -> Self {
        Self {
            name: s.name,
            status: s.status,
            starts_on: s.starts_on,
            ends_on: s.ends_on,
            percent_done: s.percent_done,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"name": "Mail", "status": "in_progress", "percent_done": 60,
    "tasks": [{"name": "Migrate mailboxes", "status": "in_progress", "percent_done": 60}]}))]
pub struct PhaseView {
    #[serde(flatten)]
    pub step: StepView,
    pub tasks: Vec<StepView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"name": "Tom Tech", "technician": true}))]
pub struct TeamView {
    /// A technician's name only where the company shows technician names ("Support team" otherwise).
    pub name: String,
    pub technician: bool,
}

/// A project; one read by id has its plan and team, a list item does not.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 8, "company_id": 1, "psa_id": "PRJ-31", "name": "Office 365 migration",
    "status": "in_progress", "starts_on": "2026-11-02", "ends_on": "2026-12-18", "hours_estimated": 80.0,
    "hours_used": 31.5, "currency": "CHF", "charges_minor": 472500,
    "phases": [{"name": "Mail", "status": "in_progress", "percent_done": 60, "tasks": [{"name": "Migrate mailboxes",
    "status": "in_progress", "percent_done": 60}]}], "team": [{"name": "Tom Tech", "technician": true}],
    "updated_at": "2026-12-01T06:00:00Z"}))]
pub struct ProjectView {
    pub id: i64,
    pub company_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psa_id: Option<String>,
    pub name: String,
    pub status: WorkStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<NaiveDate>,
    pub hours_estimated: f64,
    pub hours_used: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    pub charges_minor: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<PhaseView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<Vec<TeamView>>,
    pub updated_at: DateTime<Utc>,
}

impl ProjectView {
    /// `shown`: the settings names are shown under (none for staff); `whole`: plan and team.
    fn of(p: Project, shown: Option<&PortalSettings>, whole: bool) -> Self {
        let f = p.fields;
        let staff_defaults = PortalSettings::default();
        let settings = shown.unwrap_or(&staff_defaults);
        let staff = shown.is_none();
        Self {
            id: p.id,
            company_id: p.company_id.0,
            psa_id: p.psa_id,
            name: f.name,
            status: f.status,
            starts_on: f.starts_on,
            ends_on: f.ends_on,
            hours_estimated: clientdesk_domain::contracts::hours(f.estimated_minutes),
            hours_used: clientdesk_domain::contracts::hours(f.used_minutes),
            currency: f.currency,
            charges_minor: f.charges_minor,
            phases: whole.then(|| {
                f.phases
                    .into_iter()
                    .map(|ph| PhaseView {
                        step: ph.step.into(),
                        tasks: ph.tasks.into_iter().map(StepView::from).collect(),
                    })
                    .collect()
            }),
            team: whole.then(|| {
                f.team
                    .into_iter()
                    .map(|m| TeamView {
                        name: rules::member_name(&m.name, m.technician, settings, staff),
                        technician: m.technician,
                    })
                    .collect()
            }),
            updated_at: p.updated_at,
        }
    }
}

/// The settings a customer reads a company's projects under, and its scope there (staff: none).
fn reader(auth: &Auth, company: CompanyId) -> ApiResult<Option<(PortalSettings, rules::ProjectScope)>> {
    if auth.principal.is_staff() {
        return Ok(None);
    }
    let (member, access) = auth.company(company)?;
    Ok(Some((member.settings.clone(), rules::scope(&access.roles)?)))
}

/// A project the caller sees (a basic user's project whose team it is not on answers 404).
pub(crate) fn readable(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<(Project, Option<PortalSettings>)> {
    let project = store::get(conn, auth.tenant.id, id)?;
    let Some((settings, scope)) = reader(auth, project.company_id).map_err(|e| match e {
        // A member without projects does not learn which projects exist.
        ApiError::Forbidden(_) => ApiError::NotFound,
        other => other,
    })?
    else {
        return Ok((project, None));
    };
    let on_team = project.fields.team.iter().any(|m| m.user_id == Some(auth.principal.user_id));
    if !rules::sees(scope, on_team) {
        return Err(ApiError::NotFound);
    }
    Ok((project, Some(settings)))
}

/// List a company's projects, newest first: all of them for staff and members who read all the
/// company's tickets, those whose team they are on for members who read their own.
#[utoipa::path(tag = "projects", operation_id = "listCompanyProjects", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery, UpdatedFrom),
    responses(
        (status = 200, description = "A page of projects, without plan and team", body = Paged<ProjectView>),
        (status = 403, description = "Your roles in this company do not include projects", body = Problem),
        (status = 404, description = "No such company, or not one of yours", body = Problem),
        (status = 422, description = "Invalid cursor or limit", body = Problem)))]
#[get("/api/v1/companies/{company_id}/projects")]
pub async fn list_projects(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: crate::query::Query<PageQuery>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    let since = since.into_inner().updated_from;
    let company = CompanyId(path.into_inner());
    let (limit, before) = query.resolve()?;
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                let shown = reader(auth, company)?;
                if shown.is_none() {
                    clientdesk_persistence::companies::get(conn, auth.tenant.id, company)?;
                }
                let member = match &shown {
                    Some((_, rules::ProjectScope::TeamMember)) => Some(auth.principal.user_id),
                    _ => None,
                };
                let page = store::list(conn, auth.tenant.id, company, member, since, before, limit)?;
                let settings = shown.as_ref().map(|(s, _)| s);
                Ok((
                    Paged {
                        items: page.items.into_iter().map(|p| ProjectView::of(p, settings, false)).collect::<Vec<_>>(),
                        next_cursor: paging::cursor(page.next_after),
                    },
                    None,
                ))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Read a project with its plan and team.
#[utoipa::path(tag = "projects", operation_id = "getProject", security(("bearer" = [])),
    params(("project_id" = i64, Path)),
    responses(
        (status = 200, description = "The project", body = ProjectView,
            headers(("ETag" = String, description = "The project's version, for If-Match"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such project, or not one you see", body = Problem)))]
#[get("/api/v1/projects/{project_id}")]
pub async fn get_project(state: web::Data<AppState>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let (version, view) = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                let (project, settings) = readable(conn, auth, id)?;
                Ok(((project.version, ProjectView::of(project, settings.as_ref(), true)), None))
            })
        })
        .await?;
    Ok(tagged(StatusCode::OK, version).json_body(view))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "project_id": 8, "author_name": "Pat User", "body": "The shared mailbox can move on Friday.",
    "from_portal": true, "created_at": "2026-11-23T09:20:00Z"}))]
pub struct ProjectNoteView {
    pub id: i64,
    pub project_id: i64,
    pub author_name: String,
    pub body: String,
    /// Written in the portal (otherwise synced from the PSA).
    pub from_portal: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Note> for ProjectNoteView {
    fn from(n: Note) -> Self {
        Self {
            id: n.id,
            project_id: n.project_id,
            author_name: n.author_name,
            body: n.body,
            from_portal: n.from_portal,
            created_at: n.created_at,
        }
    }
}

/// A project's notes, oldest first.
#[utoipa::path(tag = "projects", operation_id = "listProjectNotes", security(("bearer" = [])),
    params(("project_id" = i64, Path)),
    responses(
        (status = 200, description = "The notes", body = Vec<ProjectNoteView>),
        (status = 404, description = "No such project, or not one you see", body = Problem)))]
#[get("/api/v1/projects/{project_id}/notes")]
pub async fn list_notes(state: web::Data<AppState>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let notes = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                readable(conn, auth, id)?;
                Ok((store::notes(conn, id)?.into_iter().map(ProjectNoteView::from).collect::<Vec<_>>(), None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(notes))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "The shared mailbox can move on Friday."}))]
pub struct ProjectNoteInput {
    /// 1 to 10,000 characters.
    pub body: String,
}

/// Add a note to a project (whoever sees it, with a full sign-in); the PSA reads it back through
/// `GET /api/v1/psa/changes`.
#[utoipa::path(tag = "projects", operation_id = "addProjectNote", security(("bearer" = [])),
    params(("project_id" = i64, Path)), request_body = ProjectNoteInput,
    responses(
        (status = 201, description = "The note", body = ProjectNoteView),
        (status = 403, description = "A read-only token", body = Problem),
        (status = 404, description = "No such project, or not one you see", body = Problem),
        (status = 422, description = "An empty or too long note", body = Problem)))]
#[post("/api/v1/projects/{project_id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<ProjectNoteInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_writable()?;
    let id = path.into_inner();
    let text = rules::note_body(&body.into_inner().body)?;
    let client = origin::of(&req);
    let note = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                readable(conn, &auth, id)?;
                let note = Note {
                    id: 0,
                    project_id: id,
                    author_user_id: Some(auth.principal.user_id),
                    author_name: auth.user.name.clone(),
                    body: text,
                    from_portal: true,
                    created_at: Utc::now(),
                };
                let note = store::add_note(conn, auth.tenant.id, &note)?;
                client.record_change(conn, &auth, "project.note_added", format!("project:{id}"), None)?;
                Ok(ProjectNoteView::from(note))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(note))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subject": "Mailbox move", "body": "Can the shared mailbox move on Friday?"}))]
pub struct MessageInput {
    /// 1 to 200 characters.
    pub subject: String,
    /// 1 to 10,000 characters.
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"recipients": 2}))]
pub struct MessageSent {
    /// How many team members with an e-mail address the message was queued for.
    pub recipients: usize,
}

/// E-mail the project's team (its members with an address, the sender left out) through the
/// outbox, each copy naming the sender and the project.
#[utoipa::path(tag = "projects", operation_id = "messageProjectTeam", security(("bearer" = [])),
    params(("project_id" = i64, Path)), request_body = MessageInput,
    responses(
        (status = 202, description = "Queued", body = MessageSent),
        (status = 403, description = "A read-only token or an agent session", body = Problem),
        (status = 404, description = "No such project, or not one you see", body = Problem),
        (status = 422, description = "An empty or too long subject or text, or a team without addresses", body = Problem)))]
#[post("/api/v1/projects/{project_id}/messages")]
pub async fn message_team(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<MessageInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_writable()?;
    auth.principal.require_full_session()?;
    let id = path.into_inner();
    let input = body.into_inner();
    let subject = crate::text::required("subject", &input.subject, 200)?;
    let message = rules::note_body(&input.body)?;
    let client = origin::of(&req);
    let sent = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (project, _) = readable(conn, &auth, id)?;
                let own = auth.user.email.to_lowercase();
                let mut to: Vec<String> = project
                    .fields
                    .team
                    .iter()
                    .filter_map(|m| m.email.clone())
                    .filter(|e| e.to_lowercase() != own)
                    .collect();
                to.sort();
                to.dedup();
                if to.is_empty() {
                    return Err(ApiError::invalid("project", Message::new("rule-team-no-email")));
                }
                let body = format!(
                    "{} <{}> wrote about the project \"{}\":\n\n{}\n",
                    auth.user.name, auth.user.email, project.fields.name, message
                );
                let now = Utc::now();
                for recipient in &to {
                    let message = NewMessage {
                        tenant_id: auth.tenant.id,
                        channel: Channel::Email,
                        recipient: recipient.clone(),
                        subject: format!("[{}] {}", project.fields.name, subject),
                        body: body.clone(),
                        language: None,
                    };
                    outbox::enqueue(conn, &message, now)?;
                }
                client.record_change(
                    conn,
                    &auth,
                    "project.team_messaged",
                    format!("project:{id}"),
                    Some(format!("recipients={}", to.len())),
                )?;
                Ok(MessageSent { recipients: to.len() })
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json_body(sent))
}

fn require_writer(auth: &Auth) -> ApiResult<()> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    Ok(())
}

/// Record a project by hand (staff).
#[utoipa::path(tag = "projects", operation_id = "createProject", security(("bearer" = [])),
    request_body = ProjectInput,
    responses(
        (status = 201, description = "The project", body = ProjectView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "Another project has this psa_id", body = Problem),
        (status = 422, description = "Invalid project or unknown company", body = Problem)))]
#[post("/api/v1/projects")]
pub async fn create_project(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<ProjectInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let mut input = body.into_inner();
    let psa = input.psa_id.take().map(|p| psa_id("psa_id", &p)).transpose()?;
    let (company, mut fields) = parse_project("", input)?;
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let tenant = auth.tenant.id;
                crate::routes::company_records::require_company(conn, tenant, company)?;
                link_team(conn, tenant, company, &mut fields.team)?;
                let id = store::save(conn, tenant, None, company, psa.as_deref(), &fields, Utc::now()).map_err(
                    |e| match e {
                        clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-psa-id-project"),
                        other => other.into(),
                    },
                )?;
                client.record_change(conn, &auth, "project.created", format!("project:{id}"), None)?;
                Ok(ProjectView::of(store::get(conn, tenant, id)?, None, true))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// Replace a project, its plan and team (staff). Send `If-Match` with the ETag you read to refuse
/// a change made meanwhile, by the PSA's sync or by someone else (412).
#[utoipa::path(tag = "projects", operation_id = "replaceProject", security(("bearer" = [])),
    params(("project_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = ProjectInput,
    responses(
        (status = 200, description = "The project", body = ProjectView,
            headers(("ETag" = String, description = "The new version"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such project", body = Problem),
        (status = 412, description = "The project changed since you read it; nothing was changed", body = Problem),
        (status = 422, description = "Invalid project or unknown company", body = Problem)))]
#[put("/api/v1/projects/{project_id}")]
pub async fn replace_project(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<ProjectInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let mut input = body.into_inner();
    input.psa_id = None;
    let (company, mut fields) = parse_project("", input)?;
    let (client, if_match) = (origin::of(&req), if_match(&req));
    let (version, view) = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let tenant = auth.tenant.id;
                let current = store::get(conn, tenant, id)?;
                hold_for_change(conn, tenant, Versioned::Project, id, current.version, if_match.as_deref())?;
                crate::routes::company_records::require_company(conn, tenant, company)?;
                link_team(conn, tenant, company, &mut fields.team)?;
                store::save(conn, tenant, Some(id), company, None, &fields, Utc::now())?;
                client.record_change(conn, &auth, "project.updated", format!("project:{id}"), None)?;
                let project = store::get(conn, tenant, id)?;
                Ok((project.version, ProjectView::of(project, None, true)))
            })
        })
        .await?;
    Ok(tagged(StatusCode::OK, version).json_body(view))
}

/// Remove a project with its plan, team, notes and files (staff). Send `If-Match` with the ETag
/// you read to refuse the removal if the project changed meanwhile (412).
#[utoipa::path(tag = "projects", operation_id = "deleteProject", security(("bearer" = [])),
    params(("project_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such project", body = Problem),
        (status = 412, description = "The project changed since you read it; nothing was removed", body = Problem)))]
#[delete("/api/v1/projects/{project_id}")]
pub async fn delete_project(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let (client, if_match) = (origin::of(&req), if_match(&req));
    let keys = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = store::get(conn, auth.tenant.id, id)?;
                hold_for_change(conn, auth.tenant.id, Versioned::Project, id, current.version, if_match.as_deref())?;
                let keys = store::delete(conn, &[id])?;
                client.record_change(conn, &auth, "project.deleted", format!("project:{id}"), None)?;
                Ok(keys)
            })
        })
        .await?;
    remove_objects(&state, &keys).await;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"upsert": [{"psa_id": "PRJ-31", "company_id": 1, "name": "Office 365 migration",
    "status": "in_progress", "hours_estimated": 80, "hours_used": 31.5,
    "team": [{"name": "Pat User", "email": "pat.user@demo.example"}]}], "delete": ["PRJ-7"]}))]
pub struct ProjectSync {
    #[serde(default)]
    pub upsert: Vec<ProjectInput>,
    #[serde(default)]
    pub delete: Vec<String>,
}

/// Sync projects from the PSA (its sync credential as `Authorization: Bearer cdp_...`): up to
/// 500 rows a call in a body of at most 8 MiB, all or nothing, a refused row named by its PSA id.
/// Each project's plan and team are replaced; its notes stay.
#[utoipa::path(tag = "psa", operation_id = "syncProjects", security(("psa_sync" = [])),
    request_body = ProjectSync,
    responses(
        (status = 200, description = "What was created, updated and removed", body = SyncAnswer),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 413, description = "A body over 8 MiB", body = Problem),
        (status = 422, description = "An invalid project, named by its PSA id; nothing was stored", body = Problem)))]
#[put("/api/v1/psa/projects")]
pub async fn sync_projects(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: LargeJson<ProjectSync, SYNC_BODY_LIMIT>,
) -> ApiResult<HttpResponse> {
    let token = sync_credential(&req)?;
    let ProjectSync { upsert, delete } = body.into_inner();
    batch_size(upsert.len(), delete.len())?;
    let client = origin::of(&req);
    let answer = state
        .run(move |conn| {
            let tenant = sync_tenant(conn, &token)?;
            let (rows, deletes) = read_batch(upsert, &delete, |i| i.psa_id.as_deref(), parse_project)?;
            write_tx(conn, |conn| {
                let now = Utc::now();
                require_known_companies(conn, tenant, &rows)?;
                let ids: Vec<String> = rows.iter().map(|(id, ..)| id.clone()).chain(deletes.iter().cloned()).collect();
                let existing = store::ids_by_psa(conn, tenant, &ids)?;
                let mut upserted = Vec::with_capacity(rows.len());
                for (psa_id, company, mut fields) in rows {
                    link_team(conn, tenant, company, &mut fields.team)?;
                    let previous = existing.get(&psa_id).copied();
                    let id = store::save(conn, tenant, previous, company, Some(&psa_id), &fields, now)?;
                    upserted.push(SyncedRow { psa_id, id, created: previous.is_none() });
                }
                let gone: Vec<i64> = deletes.iter().filter_map(|d| existing.get(d).copied()).collect();
                let removed_files = store::delete(conn, &gone)?;
                let mut event = client.event(Some(tenant), None, "psa.projects_synced");
                event.detail = Some(format!("upserted={} deleted={}", upserted.len(), gone.len()));
                audit::record(conn, &event, now)?;
                Ok((SyncAnswer { upserted, deleted: gone.len() }, removed_files))
            })
        })
        .await?;
    let (answer, removed_files) = answer;
    remove_objects(&state, &removed_files).await;
    Ok(HttpResponse::Ok().json_body(answer))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `cursor` of the last answer; none for the oldest change.
    pub cursor: Option<i64>,
    /// Changes per answer, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<i64>,
}

/// One change the portal made: a note (`project_note`: `note_id`, `author_*`, `body`) or a file
/// (`project_attachment`: `attachment_id`, `author_*` for its uploader, `file_name`,
/// `content_type`, `size_bytes`, `sha256`, and `download_path` to fetch it with the sync
/// credential).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"kind": "project_attachment", "change_id": 13, "attachment_id": 5, "project_id": 8,
    "project_psa_id": "PRJ-31", "author_name": "Pat User", "author_email": "pat.user@demo.example",
    "file_name": "floor-plan.pdf", "content_type": "application/pdf", "size_bytes": 48213,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "download_path": "/api/v1/psa/project-attachments/5", "created_at": "2026-11-23T09:21:00Z"}))]
pub struct PsaChangeView {
    /// What changed: `project_note`, a note written in the portal; `project_attachment`, a file
    /// attached to a project.
    pub kind: String,
    /// The change's place in the sequence, the cursor that passes it.
    pub change_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<i64>,
    pub project_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_psa_id: Option<String>,
    pub author_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_email: Option<String>,
    /// A note's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<i64>,
    /// SHA-256 of a file's contents, hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where the PSA downloads a file (`GET`, with its sync credential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_path: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl PsaChangeView {
    /// `author`: the note's author or the file's uploader, if the login still exists.
    fn of(change: PortalChange, author: Option<User>) -> Self {
        let author_email = author.as_ref().map(|u| u.email.clone());
        let (kind, project_id, author_name, created_at) = match &change.what {
            Changed::Note(n) => ("project_note", n.project_id, n.author_name.clone(), n.created_at),
            Changed::Attachment(a) => {
                ("project_attachment", a.project_id, author.map(|u| u.name).unwrap_or_default(), a.created_at)
            }
        };
        let mut view = Self {
            kind: kind.into(),
            change_id: change.id,
            note_id: None,
            attachment_id: None,
            project_id,
            project_psa_id: change.project_psa_id,
            author_name,
            author_email,
            body: None,
            file_name: None,
            content_type: None,
            size_bytes: None,
            sha256: None,
            download_path: None,
            created_at,
        };
        match change.what {
            Changed::Note(note) => {
                view.note_id = Some(note.id);
                view.body = Some(note.body);
            }
            Changed::Attachment(file) => {
                view.attachment_id = Some(file.id);
                view.download_path = Some(format!("/api/v1/psa/project-attachments/{}", file.id));
                view.file_name = Some(file.file_name);
                view.content_type = Some(file.content_type);
                view.size_bytes = Some(file.size_bytes);
                view.sha256 = Some(file.sha256);
            }
        }
        view
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"kind": "project_note", "change_id": 12, "note_id": 12, "project_id": 8,
    "project_psa_id": "PRJ-31", "author_name": "Pat User", "body": "The shared mailbox can move on Friday.",
    "created_at": "2026-11-23T09:20:00Z"}, {"kind": "project_attachment", "change_id": 13, "attachment_id": 5,
    "project_id": 8, "project_psa_id": "PRJ-31", "author_name": "Pat User", "file_name": "floor-plan.pdf",
    "content_type": "application/pdf", "size_bytes": 48213,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "download_path": "/api/v1/psa/project-attachments/5", "created_at": "2026-11-23T09:21:00Z"}],
    "cursor": 13}))]
pub struct ChangesPage {
    /// Oldest first.
    pub items: Vec<PsaChangeView>,
    /// Send it back as `cursor` to read what changed after these; unchanged when nothing did.
    pub cursor: i64,
}

/// What the portal changed since the PSA last asked (its sync credential): the notes written on
/// projects and the files attached to them, oldest first. Keep the answer's `cursor` and send it
/// next time; a change is never listed after the cursor that passed it. A file removed before the
/// PSA read it is not listed.
#[utoipa::path(tag = "psa", operation_id = "psaChanges", security(("psa_sync" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "The changes after the cursor", body = ChangesPage),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 422, description = "Invalid limit or cursor", body = Problem)))]
#[get("/api/v1/psa/changes")]
pub async fn psa_changes(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: crate::query::Query<ChangesQuery>,
) -> ApiResult<HttpResponse> {
    let token = sync_credential(&req)?;
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid_parameter(
            "limit",
            Message::new("field-range-between").arg("min", 1).arg("max", 500),
        ));
    }
    let after = query.cursor.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid_parameter("cursor", Message::new("rule-cursor")));
    }
    let page = state
        .run(move |conn| {
            let tenant = sync_tenant(conn, &token)?;
            let changes = store::changes_after(conn, tenant, after, limit)?;
            let cursor = changes.last().map_or(after, |c| c.id);
            let mut items = Vec::with_capacity(changes.len());
            for change in changes {
                let author = match &change.what {
                    Changed::Note(note) => note.author_user_id,
                    Changed::Attachment(file) => Some(file.uploaded_by),
                };
                let author = author.and_then(|user| users::get(conn, tenant, user).ok());
                items.push(PsaChangeView::of(change, author));
            }
            Ok(ChangesPage { items, cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}
