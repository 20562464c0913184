//! The tenant's ticket catalogue (ticket settings, custom fields, request types, queues), cached
//! per server process. Every ticket request needs it and it rarely changes, so it is read once
//! per (tenant, `catalog_version`): the version lives on the tenant row the request has already
//! loaded, and every catalogue write raises it in its own transaction, so a change is seen at
//! once by every process and costs no query when nothing changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use clientdesk_domain::entities::Tenant;
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::tickets::{CustomField, CustomVisibility, Field, TicketSettings, Visibility};
use clientdesk_persistence::catalog::{self, Catalogue, Entry};
use clientdesk_persistence::{tickets, DbConnection, Result};

use crate::sla::SlaSetup;

#[derive(Debug)]
pub struct TicketCatalog {
    pub settings: TicketSettings,
    pub custom_fields: Vec<CustomField>,
    pub request_types: Vec<Entry>,
    pub queues: Vec<Entry>,
    /// What staff may PATCH on a ticket (a view's `editable_fields`).
    pub staff_editable: Vec<String>,
    /// What customers may PATCH on a ticket they may change that is not billed.
    pub customer_editable: Vec<String>,
    /// The SLA plans and calendars, and which company follows which.
    pub sla: SlaSetup,
}

/// The fields staff may PATCH.
const STAFF_FIELDS: [&str; 13] = [
    "title",
    "description",
    "priority",
    "provider_priority",
    "request_type_id",
    "queue_id",
    "contact_id",
    "status",
    "assignee_id",
    "due_at",
    "worked_minutes",
    "billed_minutes",
    "billed",
];

/// The default fields customers may PATCH where the tenant makes them editable.
const CUSTOMER_FIELDS: [(&str, Field); 5] = [
    ("title", Field::Title),
    ("description", Field::Description),
    ("priority", Field::Priority),
    ("request_type_id", Field::RequestTypeId),
    ("contact_id", Field::ContactId),
];

impl TicketCatalog {
    /// The catalogue as read, with what it lets staff and customers edit worked out once.
    pub fn new(
        settings: TicketSettings,
        custom_fields: Vec<CustomField>,
        request_types: Vec<Entry>,
        queues: Vec<Entry>,
    ) -> Self {
        let custom = |customers: bool| {
            custom_fields
                .iter()
                .filter(move |f| f.active && (!customers || f.customer_visibility == CustomVisibility::Editable))
                .map(|f| format!("custom_fields.{}", f.key))
        };
        let staff_editable = STAFF_FIELDS.iter().map(|f| f.to_string()).chain(custom(false)).collect();
        let customer_editable = CUSTOMER_FIELDS
            .iter()
            .filter(|(_, f)| settings.visibility(*f) == Visibility::Editable)
            .map(|(name, _)| name.to_string())
            .chain(custom(true))
            .collect();
        Self {
            settings,
            custom_fields,
            request_types,
            queues,
            staff_editable,
            customer_editable,
            sla: SlaSetup::default(),
        }
    }

    /// Whether customers see the custom field `key`.
    pub fn custom_visible(&self, key: &str) -> bool {
        self.custom_fields.iter().any(|f| f.key == key && f.customer_visibility == CustomVisibility::Editable)
    }

    pub fn request_type(&self, id: i64) -> Option<&Entry> {
        self.request_types.iter().find(|e| e.id == id)
    }

    pub fn queue(&self, id: i64) -> Option<&Entry> {
        self.queues.iter().find(|e| e.id == id)
    }
}

#[derive(Default)]
pub struct CatalogCache {
    entries: Mutex<HashMap<TenantId, (i64, Arc<TicketCatalog>)>>,
}

impl CatalogCache {
    /// The catalogue of `tenant` as of its `catalog_version`.
    pub fn get(&self, conn: &mut DbConnection, tenant: &Tenant) -> Result<Arc<TicketCatalog>> {
        let cached = self.entries.lock().unwrap_or_else(PoisonError::into_inner).get(&tenant.id).cloned();
        if let Some((version, catalog)) = cached {
            if version == tenant.catalog_version {
                return Ok(catalog);
            }
        }
        // Read after the version: if a change commits in between, the newer catalogue is kept
        // under the older version and replaced at the next request, never the other way round.
        let catalog = Arc::new(TicketCatalog {
            sla: SlaSetup::load(conn, tenant.id)?,
            ..TicketCatalog::new(
                tickets::settings(conn, tenant.id)?,
                catalog::custom_fields(conn, tenant.id)?,
                catalog::entries(conn, tenant.id, Catalogue::RequestTypes)?,
                catalog::entries(conn, tenant.id, Catalogue::Queues)?,
            )
        });
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(tenant.id, (tenant.catalog_version, catalog.clone()));
        Ok(catalog)
    }
}
