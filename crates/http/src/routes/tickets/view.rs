//! What a ticket looks like to its reader. Staff see everything. A customer sees what the
//! tenant's field visibility and its company's display settings allow: hidden fields are absent
//! (never null), technician names may be replaced by a neutral label, worked hours show as none,
//! billed only or all, provider due dates only where the company shows them, and times are also
//! given in the company's time zone.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use clientdesk_app::cache::catalogue::TicketCatalog;
use clientdesk_domain::ids::UserId;
use clientdesk_domain::roles::Permission;
use clientdesk_domain::settings::{WorkedHoursDisplay, NEUTRAL_STAFF_NAME};
use clientdesk_domain::sla::SlaState;
use clientdesk_domain::tickets::{Field, Priority, Status, Ticket, TicketEvent};
use clientdesk_persistence::catalog::Entry;
use clientdesk_persistence::{users, DbConnection};
use serde::{Serialize, Serializer};
use serde_json::Value;
use utoipa::ToSchema;

use super::access::Viewer;
use crate::errors::ApiResult;
use crate::extract::Auth;

/// A custom field's value, by the field's `kind`: a string for `text`, `select` (one of the
/// options) and `date` (`YYYY-MM-DD`), a number for `number`, a boolean for `boolean`; `null`
/// clears a field that is not required.
// Describes the values for the OpenAPI document; the handlers check them against the field.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
#[schema(example = "Zurich")]
pub enum CustomFieldValue {
    Text(String),
    Number(f64),
    Boolean(bool),
    Null,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person<'a> {
    /// Absent where the company hides technician names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[schema(value_type = String)]
    pub name: Cow<'a, str>,
}

impl Person<'_> {
    /// For answers that outlive the names they were read with.
    pub fn into_owned(self) -> Person<'static> {
        Person { id: self.id, name: Cow::Owned(self.name.into_owned()) }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// The ticket's times in the company's time zone (RFC 3339 with the local offset).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocalTimes<'a> {
    pub time_zone: &'a str,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Tz>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Tz>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub closed_at: Option<DateTime<Tz>>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub due_at: Option<DateTime<Tz>>,
}

/// A ticket. Fields hidden from the reader are absent.
// It borrows from the ticket and its `Context`: a view is serialized where they live, so that a
// page of 50 copies none of its tickets' texts.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 42, "number": 1042, "company_id": 1, "title": "Printer on floor 2 jams",
    "description": "Every second page jams since Monday.", "status": "open", "priority": "normal",
    "request_type": {"id": 1, "name": "Incident"}, "requester": {"id": 5, "name": "Pat User"},
    "assignee": {"name": "Support team"}, "billed": false, "custom_fields": {"site": "Zurich"},
    "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T09:30:00Z",
    "local_times": {"time_zone": "Europe/Zurich", "created_at": "2026-11-23T09:00:00+01:00",
        "updated_at": "2026-11-23T10:30:00+01:00"},
    "version": 3, "editable_fields": ["title", "description", "priority", "custom_fields.site"]}))]
pub struct TicketView<'a> {
    pub id: i64,
    /// Unique within the tenant, never reused.
    pub number: i64,
    pub company_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The service provider's priority: staff, and members allowed to see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_type: Option<Named>,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<Named>,
    pub requester: Person<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Person<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Person<'a>>,
    /// The provider's due date, where shown.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worked_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billed_minutes: Option<i64>,
    /// A billed ticket is read-only for customers.
    pub billed: bool,
    /// Custom field values by key (customers: only the fields they may see).
    #[schema(value_type = BTreeMap<String, CustomFieldValue>)]
    pub custom_fields: CustomValues<'a>,
    /// The RMM device the ticket was opened from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<i64>,
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_opt")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Customers: the times in the company's time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_times: Option<LocalTimes<'a>>,
    /// The SLA state from the plan the company follows, on single-ticket answers: staff always,
    /// customers where the company shows due dates. Absent without a plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaState>,
    /// Rises with every change; also sent as the ETag.
    pub version: i64,
    /// What the reader may change with PATCH (empty when it may not change the ticket).
    pub editable_fields: &'a [String],
}

/// A ticket's custom values, written as an object of those its reader may see.
#[derive(Debug, Clone)]
pub struct CustomValues<'a> {
    values: &'a BTreeMap<String, Value>,
    /// For customers: the catalogue, whose fields say which values they see.
    shown_by: Option<&'a TicketCatalog>,
}

impl CustomValues<'_> {
    fn shown(&self, key: &str) -> bool {
        self.shown_by.is_none_or(|catalog| catalog.custom_visible(key))
    }
}

impl Serialize for CustomValues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.values.iter().filter(|(key, _)| self.shown(key)))
    }
}

/// Times as answers write them: RFC 3339, UTC with `Z` (as chrono's serde writes it), a local
/// time with its offset (`+00:00` too). Written to a string first: chrono's serde writes through
/// `collect_str`, which serde_json escapes piece by piece, about twice the CPU.
trait Rfc3339 {
    fn rfc3339(&self) -> String;
}

impl Rfc3339 for DateTime<Utc> {
    fn rfc3339(&self) -> String {
        self.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

impl Rfc3339 for DateTime<Tz> {
    fn rfc3339(&self) -> String {
        self.to_rfc3339()
    }
}

fn rfc3339<T: Rfc3339, S: Serializer>(t: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&t.rfc3339())
}

fn rfc3339_opt<T: Rfc3339, S: Serializer>(t: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => rfc3339(t, serializer),
        None => serializer.serialize_none(),
    }
}

/// The names and definitions the views of some tickets need, loaded once per request.
pub struct Context {
    /// The tenant's cached catalogue: settings, custom fields, request types and queues.
    pub catalog: Arc<TicketCatalog>,
    people: HashMap<UserId, (String, bool)>,
}

impl Context {
    /// The names of the people on `tickets` and of `more_people`. The caller's own name comes with
    /// its session: only the others are read (none, for a ticket a customer opens for itself).
    pub fn load(
        conn: &mut DbConnection,
        auth: &Auth,
        catalog: &Arc<TicketCatalog>,
        tickets: &[&Ticket],
        more_people: &[UserId],
    ) -> ApiResult<Self> {
        let caller = auth.principal.user_id;
        let mut ids: Vec<UserId> = more_people.to_vec();
        for t in tickets {
            ids.push(t.requester_id);
            ids.extend(t.contact_id);
            ids.extend(t.assignee_id);
        }
        ids.retain(|id| *id != caller);
        ids.sort();
        ids.dedup();
        let mut people = if ids.is_empty() { HashMap::new() } else { users::names(conn, auth.tenant.id, &ids)? };
        people.insert(caller, (auth.user.name.clone(), auth.user.staff_role.is_some()));
        Ok(Self { catalog: catalog.clone(), people })
    }

    /// The context of one ticket, from the names read with it where they still cover its people
    /// (a change may have named someone new).
    pub fn for_ticket(
        conn: &mut DbConnection,
        auth: &Auth,
        catalog: &Arc<TicketCatalog>,
        ticket: &Ticket,
        known: &clientdesk_persistence::tickets::People,
    ) -> ApiResult<Self> {
        let covered = [Some(ticket.requester_id), ticket.contact_id, ticket.assignee_id]
            .into_iter()
            .flatten()
            .all(|id| known.iter().any(|(k, ..)| *k == id));
        if !covered {
            return Self::load(conn, auth, catalog, &[ticket], &[]);
        }
        let people = known.iter().map(|(id, name, staff)| (*id, (name.clone(), *staff))).collect();
        Ok(Self { catalog: catalog.clone(), people })
    }

    pub fn person(&self, id: UserId, viewer: &Viewer) -> Person<'_> {
        let (name, staff) = self.people.get(&id).map_or(("Unknown", false), |(name, staff)| (name.as_str(), *staff));
        match viewer {
            Viewer::Member { settings, .. } if !settings.shows_name_of(staff) => {
                Person { id: None, name: NEUTRAL_STAFF_NAME.into() }
            }
            _ => Person { id: Some(id.0), name: name.into() },
        }
    }

    /// Whether a customer sees changes of `field` (a history line's field name).
    pub fn customer_sees(&self, field: &str, viewer: &Viewer) -> bool {
        let Viewer::Member { roles, settings } = viewer else { return true };
        let shows = |f: Field| self.catalog.settings.shows(f);
        match field {
            "title" => shows(Field::Title),
            "description" => shows(Field::Description),
            "priority" => shows(Field::Priority),
            "request_type" => shows(Field::RequestTypeId),
            "contact" => shows(Field::ContactId),
            "status" => shows(Field::Status),
            "assignee" => shows(Field::AssigneeId),
            "due_at" => shows(Field::DueAt) && settings.due_dates_shown,
            "worked_minutes" => shows(Field::WorkedMinutes) && settings.worked_hours == WorkedHoursDisplay::All,
            "billed_minutes" => shows(Field::WorkedMinutes) && settings.worked_hours != WorkedHoursDisplay::None,
            "provider_priority" => roles.grants(Permission::PriorityView),
            "billed" => true,
            other => other.strip_prefix("custom_fields.").is_some_and(|key| self.catalog.custom_visible(key)),
        }
    }

    /// Whether the reader sees a history line: not a change of a field hidden from it, and for
    /// customers no status change that names a status the tenant hides from them.
    pub fn sees_event(&self, e: &TicketEvent, viewer: &Viewer) -> bool {
        let Some(field) = e.field.as_deref() else { return true };
        if !self.customer_sees(field, viewer) {
            return false;
        }
        let hidden = |v: &Option<String>| {
            v.as_deref().and_then(Status::parse).is_some_and(|s| self.catalog.settings.status_hidden(s))
        };
        viewer.is_staff() || field != "status" || !(hidden(&e.old_value) || hidden(&e.new_value))
    }

    /// A history value as the reader should see it: people and catalogue entries by name.
    pub fn event_value(&self, field: Option<&str>, value: Option<String>, viewer: &Viewer) -> Option<String> {
        let value = value?;
        let id = value.parse::<i64>().ok();
        Some(match (field, id) {
            (Some("assignee" | "contact"), Some(id)) => self.person(UserId(id), viewer).name.into_owned(),
            (Some("request_type"), Some(id)) => self.catalog.request_type(id).map_or(value, |e| e.name.clone()),
            (Some("queue"), Some(id)) => self.catalog.queue(id).map_or(value, |e| e.name.clone()),
            _ => value,
        })
    }

    /// The people a history names, so that `load` can fetch their names.
    pub fn people_in(events: &[TicketEvent]) -> Vec<UserId> {
        let mut ids: Vec<UserId> = events.iter().filter_map(|e| e.actor_id).collect();
        for e in events.iter().filter(|e| matches!(e.field.as_deref(), Some("assignee" | "contact"))) {
            for v in [&e.old_value, &e.new_value].into_iter().flatten() {
                ids.extend(v.parse().ok().map(UserId));
            }
        }
        ids
    }

    pub fn view<'a>(&'a self, t: &'a Ticket, viewer: &'a Viewer, may_update: bool) -> TicketView<'a> {
        let named = |entry: Option<&Entry>| entry.map(|e| Named { id: e.id, name: e.name.clone() });
        let catalog = &*self.catalog;
        let mut view = TicketView {
            id: t.id,
            number: t.number,
            company_id: t.company_id.0,
            title: Some(&t.title),
            description: Some(&t.description),
            status: Some(t.status),
            priority: Some(t.priority),
            provider_priority: t.provider_priority,
            request_type: named(t.request_type_id.and_then(|id| catalog.request_type(id))),
            queue: named(t.queue_id.and_then(|id| catalog.queue(id))),
            requester: self.person(t.requester_id, viewer),
            contact: t.contact_id.map(|c| self.person(c, viewer)),
            assignee: t.assignee_id.map(|a| self.person(a, viewer)),
            due_at: t.due_at,
            worked_minutes: Some(t.worked_minutes),
            billed_minutes: Some(t.billed_minutes),
            billed: t.billed,
            custom_fields: CustomValues { values: &t.custom_values, shown_by: None },
            device_id: t.device_id,
            created_at: t.created_at,
            updated_at: t.updated_at,
            closed_at: t.closed_at,
            local_times: None,
            sla: None,
            version: t.version,
            editable_fields: &[],
        };
        let Viewer::Member { roles, settings } = viewer else {
            if may_update {
                view.editable_fields = &catalog.staff_editable;
            }
            return view;
        };
        let s = &catalog.settings;
        hide(s.shows(Field::Title), &mut view.title);
        hide(s.shows(Field::Description), &mut view.description);
        hide(s.shows(Field::Status), &mut view.status);
        hide(s.shows(Field::Priority), &mut view.priority);
        hide(roles.grants(Permission::PriorityView), &mut view.provider_priority);
        hide(s.shows(Field::RequestTypeId), &mut view.request_type);
        view.queue = None;
        hide(s.shows(Field::ContactId), &mut view.contact);
        hide(s.shows(Field::AssigneeId), &mut view.assignee);
        hide(s.shows(Field::DueAt) && settings.due_dates_shown, &mut view.due_at);
        let hours = s.shows(Field::WorkedMinutes);
        hide(hours && settings.worked_hours == WorkedHoursDisplay::All, &mut view.worked_minutes);
        hide(hours && settings.worked_hours != WorkedHoursDisplay::None, &mut view.billed_minutes);
        view.custom_fields.shown_by = Some(catalog);
        view.local_times = local_times(&settings.time_zone, &view);
        if may_update && !t.billed {
            view.editable_fields = &catalog.customer_editable;
        }
        view
    }
}

/// Clears `value` unless the reader may see it.
fn hide<T>(shown: bool, value: &mut Option<T>) {
    if !shown {
        *value = None;
    }
}

fn local_times<'a>(zone: &'a str, view: &TicketView) -> Option<LocalTimes<'a>> {
    let tz: Tz = zone.parse().ok()?;
    let local = |t: DateTime<Utc>| t.with_timezone(&tz);
    Some(LocalTimes {
        time_zone: zone,
        created_at: local(view.created_at),
        updated_at: local(view.updated_at),
        closed_at: view.closed_at.map(local),
        due_at: view.due_at.map(local),
    })
}
