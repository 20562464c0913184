//! Unit tests of the ticket rules.

use super::*;
use crate::principal::Denied;
use crate::roles::RoleSet;
use crate::ticket_access::Viewer;

fn roles(names: &[&str]) -> RoleSet {
    RoleSet::parse_all(names).unwrap()
}

#[test]
fn customers_filter_and_sort_only_by_fields_they_see() {
    let mut settings = TicketSettings::default();
    let used = [(Field::Priority, "sort"), (Field::Status, "status"), (Field::Description, "q")];
    assert_eq!(settings.check_customer_query(&used), Ok(()));
    assert_eq!(settings.check_customer_query(&[]), Ok(()));
    settings.field_visibility.insert(Field::Priority, Visibility::ReadOnly);
    assert_eq!(settings.check_customer_query(&used), Ok(()), "read-only fields are shown");
    for (field, parameter) in used {
        let mut hiding = settings.clone();
        hiding.field_visibility.insert(field, Visibility::Hidden);
        assert_eq!(hiding.check_customer_query(&used).unwrap_err().field, parameter);
        let others: Vec<_> = used.iter().copied().filter(|(f, _)| *f != field).collect();
        assert_eq!(hiding.check_customer_query(&others), Ok(()));
    }
}

fn member(names: &[&str]) -> Viewer {
    Viewer::Member { roles: roles(names), settings: Default::default() }
}

#[test]
fn who_sets_which_input_when() {
    let mut settings = TicketSettings::default();
    settings.field_visibility.insert(Field::Priority, Visibility::ReadOnly);
    settings.field_visibility.insert(Field::ContactId, Visibility::Hidden);
    let (customer, setter) = (member(&["portal_user"]), member(&["customer_approver"]));
    use Input::*;
    use Moment::*;
    // (input, opening: customer / customer with priority_set, changing: customer); staff set
    // everything at both moments. "edit": not editable for customers; "staff": staff only;
    // "roles": the roles do not allow it.
    let table = [
        (Title, "ok", "ok", "ok"),
        (Description, "ok", "ok", "ok"),
        (Priority, "edit", "edit", "edit"),
        (ProviderPriority, "roles", "ok", "staff"),
        (RequestType, "ok", "ok", "ok"),
        (Queue, "staff", "staff", "staff"),
        (Contact, "edit", "edit", "edit"),
        (Requester, "staff", "staff", "staff"),
        (Status, "staff", "staff", "staff"),
        (Assignee, "staff", "staff", "staff"),
        (DueDate, "staff", "staff", "staff"),
        (WorkedMinutes, "staff", "staff", "staff"),
        (BilledMinutes, "staff", "staff", "staff"),
        (Billed, "staff", "staff", "staff"),
    ];
    assert_eq!(table.len(), Input::ALL.len());
    let outcome =
        |viewer: &Viewer, settings: &TicketSettings, input, moment| match may_set(viewer, settings, input, moment) {
            Ok(()) => "ok",
            Err(e) if e.message.id == "rule-input-not-editable" => "edit",
            Err(e) if e.message.id == "rule-input-staff-only" => "staff",
            Err(e) if e.message.id == "rule-input-not-allowed" => "roles",
            Err(e) => panic!("{e}"),
        };
    for (input, opening, opening_setter, changing) in table {
        assert_eq!(outcome(&customer, &settings, input, Opening), opening, "{input:?}");
        assert_eq!(outcome(&setter, &settings, input, Opening), opening_setter, "{input:?}");
        assert_eq!(outcome(&customer, &settings, input, Changing), changing, "{input:?}");
        assert_eq!(outcome(&Viewer::Staff, &settings, input, Opening), "ok");
        assert_eq!(outcome(&Viewer::Staff, &settings, input, Changing), "ok");
        if let Err(e) = may_set(&customer, &settings, input, Changing) {
            assert_eq!(e.field, input.name());
        }
    }
    settings.field_visibility.insert(Field::Title, Visibility::ReadOnly);
    assert_eq!(outcome(&customer, &settings, Title, Opening), "ok", "a new ticket always has a title");
    assert_eq!(outcome(&customer, &settings, Title, Changing), "edit");
    assert!(may_open(&roles(&["portal_user"])).is_ok());
    // (viewer, internal) -> allowed
    for (viewer, internal, allowed) in [
        (&customer, false, true),
        (&customer, true, false),
        (&Viewer::Staff, true, true),
        (&Viewer::Staff, false, true),
    ] {
        assert_eq!(may_add_note(viewer, internal).is_ok(), allowed);
    }
    assert!(may_open(&roles(&["controller"])).is_ok(), "the controller opens tickets too");
}

#[test]
fn closing_and_reopening() {
    let open_settings = TicketSettings::default();
    let closed_settings = TicketSettings { reopen_allowed: false, ..TicketSettings::default() };
    let customer = member(&["portal_user"]);
    use StatusRequest::*;
    let denied = Err(TransitionRefused::Denied(Denied::new("denied-reopen")));
    // (viewer, reopening allowed, from, request, outcome)
    let table = [
        (&customer, &open_settings, Status::Open, Close, Ok(Some(Status::Closed))),
        (&customer, &open_settings, Status::Resolved, Close, Ok(None)),
        (&customer, &open_settings, Status::Closed, Close, Ok(None)),
        (&customer, &open_settings, Status::Closed, Reopen, Ok(Some(Status::Open))),
        (&customer, &open_settings, Status::Resolved, Reopen, Ok(Some(Status::Open))),
        (&customer, &open_settings, Status::InProgress, Reopen, Err(TransitionRefused::NotClosed)),
        (&customer, &closed_settings, Status::Closed, Reopen, denied.clone()),
        (&customer, &closed_settings, Status::New, Reopen, Err(TransitionRefused::NotClosed)),
        (&Viewer::Staff, &closed_settings, Status::Closed, Reopen, Ok(Some(Status::Open))),
        (&Viewer::Staff, &closed_settings, Status::Open, Close, Ok(Some(Status::Closed))),
    ];
    for (viewer, settings, from, request, outcome) in table {
        assert_eq!(transition(viewer, settings, from, request), outcome, "{from:?} {request:?}");
    }
    assert!(reopen_allowed(true, &closed_settings));
    assert!(!reopen_allowed(false, &closed_settings));
}

#[test]
fn a_status_change_keeps_closed_at_in_step() {
    let now = Utc::now();
    let mut t = samples::ticket(1, 7, Status::Open, false);
    assert_eq!(t.set_status(Status::Resolved, now), Status::Open);
    assert_eq!(t.closed_at, Some(now));
    t.set_status(Status::Closed, now + chrono::Duration::hours(1));
    assert_eq!(t.closed_at, Some(now), "closed when it was first closed");
    t.set_status(Status::Open, now);
    assert_eq!(t.closed_at, None);
}

#[test]
fn inputs_are_checked_before_anything_is_read() {
    assert_eq!(title("  Printer  ").unwrap(), "Printer");
    assert_eq!(title(" ").unwrap_err().field, "title");
    assert!(title(&"x".repeat(MAX_TITLE + 1)).is_err());
    assert!(title("a\0b").is_err());
    assert!(note_body("").is_err());
    assert!(check_text("description", &"x".repeat(MAX_TEXT)).is_ok());
    let changes = Changes { worked_minutes: Some(-1), ..Changes::default() };
    assert_eq!(changes.check_shape().unwrap_err().field, "worked_minutes");
    let far = "1969-12-31T23:59:59Z".parse::<DateTime<Utc>>().unwrap();
    assert!(Changes { due_at: Some(Some(far)), ..Changes::default() }.check_shape().is_err());
    assert!(Changes { due_at: Some(None), ..Changes::default() }.check_shape().is_ok());
    let many = (0..=MAX_CUSTOM_VALUES).map(|i| (i.to_string(), Value::Null)).collect();
    assert!(check_draft("t", "", &many).is_err());
    assert!(check_draft("t", "", &BTreeMap::new()).is_ok());
}

#[test]
fn staff_only_fields_cannot_be_editable() {
    let mut settings = TicketSettings::default();
    assert_eq!(settings.visibility(Field::Title), Visibility::Editable);
    assert_eq!(settings.visibility(Field::AssigneeId), Visibility::ReadOnly);
    settings.field_visibility.insert(Field::DueAt, Visibility::Editable);
    assert!(settings.validate().is_err());
    settings.field_visibility.insert(Field::DueAt, Visibility::Hidden);
    assert!(settings.validate().is_ok());
    assert!(!settings.shows(Field::DueAt));
}

#[test]
fn custom_values_are_checked_by_kind() {
    let select = CustomField {
        id: 1,
        key: "site".into(),
        label: "Site".into(),
        kind: CustomFieldKind::Select,
        options: vec!["Zurich".into(), "Basel".into()],
        required: true,
        customer_visibility: CustomVisibility::Editable,
        active: true,
    };
    let hidden = CustomField {
        key: "cost".into(),
        kind: CustomFieldKind::Number,
        required: false,
        customer_visibility: CustomVisibility::Hidden,
        ..select.clone()
    };
    let defs = [select, hidden];
    let values = |pairs: &[(&str, Value)]| pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    assert!(check_custom_values(&defs, &values(&[("site", "Basel".into())]), true).is_ok());
    assert!(check_custom_values(&defs, &values(&[("site", "Bern".into())]), true).is_err());
    assert!(check_custom_values(&defs, &values(&[("site", Value::Null)]), true).is_err());
    assert!(check_custom_values(&defs, &values(&[("cost", 3.into())]), true).is_err(), "hidden");
    assert!(check_custom_values(&defs, &values(&[("cost", 3.into())]), false).is_ok());
    assert!(check_custom_values(&defs, &values(&[("cost", "3".into())]), false).is_err());
    assert!(check_custom_values(&defs, &values(&[("nope", 1.into())]), false).is_err());
}
