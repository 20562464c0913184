//! Projects with their plan (phases and tasks), team and notes. The PSA upserts a project whole
//! (its plan and team are replaced); notes written in the portal and files attached to a project
//! are read back by the PSA in the order of their place in `psa_changes`, that place being its
//! cursor.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::projects::{
    Changed, Note, Phase, PortalChange, Project, ProjectAttachment, ProjectFields, Step, TeamMember, WorkStatus,
};
use diesel::prelude::*;

use crate::invoices::{date_text, parse_date};
use crate::schema::{project_attachments, project_members, project_notes, project_tasks, projects, psa_changes};
use crate::{utc, DbConnection, Error, Page, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = projects)]
struct ProjectRow {
    id: i64,
    company_id: i64,
    psa_id: Option<String>,
    name: String,
    status: String,
    starts_on: Option<String>,
    ends_on: Option<String>,
    estimated_minutes: i64,
    used_minutes: i64,
    currency: Option<String>,
    charges_minor: i64,
    updated_at: NaiveDateTime,
    version: i64,
}

fn status(what: &str, s: &str) -> Result<WorkStatus> {
    WorkStatus::parse(s).ok_or_else(|| Error::Other(format!("{what}: status {s:?}")))
}

impl TryFrom<ProjectRow> for Project {
    type Error = Error;
    fn try_from(r: ProjectRow) -> Result<Self> {
        let what = format!("project {}", r.id);
        Ok(Project {
            id: r.id,
            company_id: CompanyId(r.company_id),
            psa_id: r.psa_id,
            fields: ProjectFields {
                name: r.name,
                status: status(&what, &r.status)?,
                starts_on: r.starts_on.map(|d| parse_date(&what, &d)).transpose()?,
                ends_on: r.ends_on.map(|d| parse_date(&what, &d)).transpose()?,
                estimated_minutes: r.estimated_minutes,
                used_minutes: r.used_minutes,
                currency: r.currency,
                charges_minor: r.charges_minor,
                phases: Vec::new(),
                team: Vec::new(),
            },
            updated_at: utc(r.updated_at),
            version: r.version,
        })
    }
}

#[allow(clippy::type_complexity)]
fn values(
    company: CompanyId,
    f: &ProjectFields,
    now: DateTime<Utc>,
) -> (
    diesel::dsl::Eq<projects::company_id, i64>,
    diesel::dsl::Eq<projects::name, String>,
    diesel::dsl::Eq<projects::status, &'static str>,
    diesel::dsl::Eq<projects::starts_on, Option<String>>,
    diesel::dsl::Eq<projects::ends_on, Option<String>>,
    diesel::dsl::Eq<projects::estimated_minutes, i64>,
    diesel::dsl::Eq<projects::used_minutes, i64>,
    diesel::dsl::Eq<projects::currency, Option<String>>,
    diesel::dsl::Eq<projects::charges_minor, i64>,
    diesel::dsl::Eq<projects::updated_at, NaiveDateTime>,
) {
    (
        projects::company_id.eq(company.0),
        projects::name.eq(f.name.clone()),
        projects::status.eq(f.status.as_str()),
        projects::starts_on.eq(f.starts_on.map(date_text)),
        projects::ends_on.eq(f.ends_on.map(date_text)),
        projects::estimated_minutes.eq(f.estimated_minutes),
        projects::used_minutes.eq(f.used_minutes),
        projects::currency.eq(f.currency.clone()),
        projects::charges_minor.eq(f.charges_minor),
        projects::updated_at.eq(now.naive_utc()),
    )
}

/// The projects the PSA knows by these ids: psa id -> project id.
pub fn ids_by_psa(conn: &mut DbConnection, tenant: TenantId, psa_ids: &[String]) -> Result<HashMap<String, i64>> {
    let rows: Vec<(Option<String>, i64)> = projects::table
        .filter(projects::tenant_id.eq(tenant.0))
        .filter(projects::psa_id.eq_any(psa_ids))
        .select((projects::psa_id, projects::id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(psa, id)| psa.map(|p| (p, id))).collect())
}

/// Records a project (with `id`, replaces one) with its plan and team; returns its id.
pub fn save(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: Option<i64>,
    company: CompanyId,
    psa_id: Option<&str>,
    f: &ProjectFields,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = match id {
        Some(id) => {
            diesel::update(projects::table.filter(projects::id.eq(id)))
                .set((values(company, f, now), projects::version.eq(projects::version + 1)))
                .execute(conn)?;
            diesel::delete(project_tasks::table.filter(project_tasks::project_id.eq(id))).execute(conn)?;
            diesel::delete(project_members::table.filter(project_members::project_id.eq(id))).execute(conn)?;
            id
        }
        None => diesel::insert_into(projects::table)
            .values((
                projects::tenant_id.eq(tenant.0),
                projects::psa_id.eq(psa_id),
                projects::created_at.eq(now.naive_utc()),
                values(company, f, now),
            ))
            .returning(projects::id)
            .get_result(conn)?,
    };
    let mut steps = Vec::new();
    for phase in &f.phases {
        let phase_position = steps.len() as i32;
        steps.push((None, &phase.step));
        for task in &phase.tasks {
            steps.push((Some(phase_position), task));
        }
    }
    let rows: Vec<_> = steps
        .iter()
        .enumerate()
        .map(|(i, (phase, s))| {
            (
                project_tasks::project_id.eq(id),
                project_tasks::position.eq(i as i32),
                project_tasks::phase_position.eq(*phase),
                project_tasks::name.eq(&s.name),
                project_tasks::status.eq(s.status.as_str()),
                project_tasks::starts_on.eq(s.starts_on.map(date_text)),
                project_tasks::ends_on.eq(s.ends_on.map(date_text)),
                project_tasks::percent_done.eq(s.percent_done),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::psa::insert_many!(conn, project_tasks::table, rows)?;
    }
    let team: Vec<_> = f
        .team
        .iter()
        .map(|m| {
            (
                project_members::project_id.eq(id),
                project_members::user_id.eq(m.user_id.map(|u| u.0)),
                project_members::name.eq(&m.name),
                project_members::email.eq(&m.email),
                project_members::technician.eq(m.technician),
            )
        })
        .collect();
    if !team.is_empty() {
        crate::psa::insert_many!(conn, project_members::table, team)?;
    }
    Ok(id)
}

/// Removes projects with their plan, team, notes and files; returns the storage keys of the
/// files, to remove once the transaction has committed.
pub fn delete(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<String>> {
    let keys: Vec<String> = project_attachments::table
        .filter(project_attachments::project_id.eq_any(ids))
        .select(project_attachments::storage_key)
        .load(conn)?;
    diesel::delete(psa_changes::table.filter(psa_changes::project_id.eq_any(ids))).execute(conn)?;
    diesel::delete(project_attachments::table.filter(project_attachments::project_id.eq_any(ids))).execute(conn)?;
    diesel::delete(project_notes::table.filter(project_notes::project_id.eq_any(ids))).execute(conn)?;
    diesel::delete(project_tasks::table.filter(project_tasks::project_id.eq_any(ids))).execute(conn)?;
    diesel::delete(project_members::table.filter(project_members::project_id.eq_any(ids))).execute(conn)?;
    diesel::delete(projects::table.filter(projects::id.eq_any(ids))).execute(conn)?;
    Ok(keys)
}

/// A project with its plan and team.
/// A task as stored: its phase, name, status, start, end and percent done.
type TaskRow = (Option<i32>, String, String, Option<String>, Option<String>, i32);

pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Project> {
    let mut project: Project = projects::table
        .filter(projects::tenant_id.eq(tenant.0))
        .filter(projects::id.eq(id))
        .select(ProjectRow::as_select())
        .first(conn)?
        .try_into()?;
    let what = format!("project {id}");
    let steps: Vec<TaskRow> = project_tasks::table
        .filter(project_tasks::project_id.eq(id))
        .order(project_tasks::position)
        .select((
            project_tasks::phase_position,
            project_tasks::name,
            project_tasks::status,
            project_tasks::starts_on,
            project_tasks::ends_on,
            project_tasks::percent_done,
        ))
        .load(conn)?;
    for (phase, name, s, starts_on, ends_on, percent_done) in steps {
        let step = Step {
            name,
            status: status(&what, &s)?,
            starts_on: starts_on.map(|d| parse_date(&what, &d)).transpose()?,
            ends_on: ends_on.map(|d| parse_date(&what, &d)).transpose()?,
            percent_done,
        };
        match (phase, project.fields.phases.last_mut()) {
            (Some(_), Some(last)) => last.tasks.push(step),
            _ => project.fields.phases.push(Phase { step, tasks: Vec::new() }),
        }
    }
    project.fields.team = team_of(conn, id)?;
    Ok(project)
}

pub fn team_of(conn: &mut DbConnection, project: i64) -> Result<Vec<TeamMember>> {
    Ok(project_members::table
        .filter(project_members::project_id.eq(project))
        .order(project_members::id)
        .select((project_members::user_id, project_members::name, project_members::email, project_members::technician))
        .load::<(Option<i64>, String, Option<String>, bool)>(conn)?
        .into_iter()
        .map(|(user_id, name, email, technician)| TeamMember { user_id: user_id.map(UserId), name, email, technician })
        .collect())
}

/// Whether `user` is on the project's team.
pub fn on_team(conn: &mut DbConnection, project: i64, user: UserId) -> Result<bool> {
    Ok(project_members::table
        .filter(project_members::project_id.eq(project))
        .filter(project_members::user_id.eq(user.0))
        .select(project_members::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// A company's projects, newest first; with `member`, only those whose team it is on.
pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    member: Option<UserId>,
    updated_since: Option<DateTime<Utc>>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Project>> {
    let mut query = projects::table
        .filter(projects::tenant_id.eq(tenant.0))
        .filter(projects::company_id.eq(company.0))
        .select(ProjectRow::as_select())
        .order(projects::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(user) = member {
        let on_team: Vec<i64> = project_members::table
            .filter(project_members::user_id.eq(user.0))
            .select(project_members::project_id)
            .load(conn)?;
        query = query.filter(projects::id.eq_any(on_team));
    }
    if let Some(since) = updated_since {
        query = query.filter(projects::updated_at.ge(since.naive_utc()));
    }
    if let Some(before) = before {
        query = query.filter(projects::id.lt(before));
    }
    let items = query.load(conn)?.into_iter().map(Project::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |p| p.id))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = project_notes)]
struct NoteRow {
    id: i64,
    project_id: i64,
    author_user_id: Option<i64>,
    author_name: String,
    body: String,
    from_portal: bool,
    created_at: NaiveDateTime,
}

impl From<NoteRow> for Note {
    fn from(r: NoteRow) -> Self {
        Note {
            id: r.id,
            project_id: r.project_id,
            author_user_id: r.author_user_id.map(UserId),
            author_name: r.author_name,
            body: r.body,
            from_portal: r.from_portal,
            created_at: utc(r.created_at),
        }
    }
}

pub fn add_note(conn: &mut DbConnection, tenant: TenantId, note: &Note) -> Result<Note> {
    let id: i64 = diesel::insert_into(project_notes::table)
        .values((
            project_notes::tenant_id.eq(tenant.0),
            project_notes::project_id.eq(note.project_id),
            project_notes::author_user_id.eq(note.author_user_id.map(|u| u.0)),
            project_notes::author_name.eq(&note.author_name),
            project_notes::body.eq(&note.body),
            project_notes::from_portal.eq(note.from_portal),
            project_notes::created_at.eq(note.created_at.naive_utc()),
        ))
        .returning(project_notes::id)
        .get_result(conn)?;
    if note.from_portal {
        record_change(conn, tenant, note.project_id, (Some(id), None))?;
    }
    Ok(project_notes::table
        .filter(project_notes::id.eq(id))
        .select(NoteRow::as_select())
        .first::<NoteRow>(conn)?
        .into())
}

/// A project's notes, oldest first.
pub fn notes(conn: &mut DbConnection, project: i64) -> Result<Vec<Note>> {
    Ok(project_notes::table
        .filter(project_notes::project_id.eq(project))
        .order(project_notes::id)
        .select(NoteRow::as_select())
        .load::<NoteRow>(conn)?
        .into_iter()
        .map(Note::from)
        .collect())
}

/// Places a note written in the portal, or a file attached, in the sequence the PSA reads back.
fn record_change(
    conn: &mut DbConnection,
    tenant: TenantId,
    project: i64,
    what: (Option<i64>, Option<i64>),
) -> Result<()> {
    diesel::insert_into(psa_changes::table)
        .values((
            psa_changes::tenant_id.eq(tenant.0),
            psa_changes::project_id.eq(project),
            psa_changes::note_id.eq(what.0),
            psa_changes::attachment_id.eq(what.1),
        ))
        .execute(conn)?;
    Ok(())
}

/// A change of the sequence: its id, the note or the file it names, its project's PSA id.
type ChangeRow = (i64, Option<i64>, Option<i64>, Option<String>);

/// What the portal changed after `after` (a change id), oldest first: the notes written in the
/// portal and the files attached, with their project's PSA id.
pub fn changes_after(conn: &mut DbConnection, tenant: TenantId, after: i64, limit: i64) -> Result<Vec<PortalChange>> {
    let rows: Vec<ChangeRow> = psa_changes::table
        .inner_join(projects::table)
        .filter(psa_changes::tenant_id.eq(tenant.0))
        .filter(psa_changes::id.gt(after))
        .order(psa_changes::id)
        .limit(limit)
        .select((psa_changes::id, psa_changes::note_id, psa_changes::attachment_id, projects::psa_id))
        .load(conn)?;
    let note_ids: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    let file_ids: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    let mut notes: HashMap<i64, Note> = project_notes::table
        .filter(project_notes::id.eq_any(&note_ids))
        .select(NoteRow::as_select())
        .load::<NoteRow>(conn)?
        .into_iter()
        .map(|n| (n.id, n.into()))
        .collect();
    let mut files: HashMap<i64, ProjectAttachment> = project_attachments::table
        .filter(project_attachments::id.eq_any(&file_ids))
        .select(AttachmentRow::as_select())
        .load::<AttachmentRow>(conn)?
        .into_iter()
        .map(|a| (a.id, a.into()))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, note, file, project_psa_id)| {
            let what = match (note, file) {
                (Some(note), _) => Changed::Note(notes.remove(&note)?),
                (None, Some(file)) => Changed::Attachment(files.remove(&file)?),
                (None, None) => return None,
            };
            Some(PortalChange { id, project_psa_id, what })
        })
        .collect())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = project_attachments)]
struct AttachmentRow {
    id: i64,
    tenant_id: i64,
    project_id: i64,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    storage_key: String,
    uploaded_by: i64,
    created_at: NaiveDateTime,
}

impl From<AttachmentRow> for ProjectAttachment {
    fn from(r: AttachmentRow) -> Self {
        Self {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            project_id: r.project_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            storage_key: r.storage_key,
            uploaded_by: UserId(r.uploaded_by),
            created_at: utc(r.created_at),
        }
    }
}

/// Records a file attached to a project (its `id` is ignored) and places it in the sequence the
/// PSA reads back; returns it with its id.
pub fn insert_attachment(conn: &mut DbConnection, a: &ProjectAttachment) -> Result<ProjectAttachment> {
    let id: i64 = diesel::insert_into(project_attachments::table)
        .values((
            project_attachments::tenant_id.eq(a.tenant_id.0),
            project_attachments::project_id.eq(a.project_id),
            project_attachments::file_name.eq(&a.file_name),
            project_attachments::content_type.eq(&a.content_type),
            project_attachments::size_bytes.eq(a.size_bytes),
            project_attachments::sha256.eq(&a.sha256),
            project_attachments::storage_key.eq(&a.storage_key),
            project_attachments::uploaded_by.eq(a.uploaded_by.0),
            project_attachments::created_at.eq(a.created_at.naive_utc()),
        ))
        .returning(project_attachments::id)
        .get_result(conn)?;
    record_change(conn, a.tenant_id, a.project_id, (None, Some(id)))?;
    Ok(ProjectAttachment { id, ..a.clone() })
}

/// A project's files, oldest first.
pub fn attachments_of(conn: &mut DbConnection, project: i64) -> Result<Vec<ProjectAttachment>> {
    Ok(project_attachments::table
        .filter(project_attachments::project_id.eq(project))
        .order(project_attachments::id)
        .select(AttachmentRow::as_select())
        .load::<AttachmentRow>(conn)?
        .into_iter()
        .map(ProjectAttachment::from)
        .collect())
}

/// A file of the tenant's projects (of `project` when one is named); any other is `NotFound`.
pub fn attachment(
    conn: &mut DbConnection,
    tenant: TenantId,
    project: Option<i64>,
    id: i64,
) -> Result<ProjectAttachment> {
    let mut query = project_attachments::table
        .filter(project_attachments::id.eq(id))
        .filter(project_attachments::tenant_id.eq(tenant.0))
        .select(AttachmentRow::as_select())
        .into_boxed();
    if let Some(project) = project {
        query = query.filter(project_attachments::project_id.eq(project));
    }
    Ok(query.first::<AttachmentRow>(conn)?.into())
}

/// Removes a file's record (and its place in the PSA's sequence, if not read yet); returns it,
/// for its contents to be removed after the commit.
pub fn delete_attachment(
    conn: &mut DbConnection,
    tenant: TenantId,
    project: i64,
    id: i64,
) -> Result<ProjectAttachment> {
    let found = attachment(conn, tenant, Some(project), id)?;
    diesel::delete(psa_changes::table.filter(psa_changes::attachment_id.eq(id))).execute(conn)?;
    diesel::delete(project_attachments::table.filter(project_attachments::id.eq(id))).execute(conn)?;
    Ok(found)
}

/// The bytes already attached to a project.
pub fn attached_bytes(conn: &mut DbConnection, project: i64) -> Result<i64> {
    let sizes: Vec<i64> = project_attachments::table
        .filter(project_attachments::project_id.eq(project))
        .select(project_attachments::size_bytes)
        .load(conn)?;
    Ok(sizes.iter().sum())
}
