//! The tenant's ticket catalogue (ticket settings, custom fields, request types, queues), cached
//! per server process. Every ticket request needs it and it rarely changes, so it is read once
//! per (tenant, `catalog_version`): the version lives on the tenant row the request has already
//! loaded, and every catalogue write raises it in its own transaction, so a change is seen at
//! once by every process and costs no query when nothing changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use clientdesk_domain::entities::Tenant;
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::tickets::{CustomField, TicketSettings};
use clientdesk_persistence::catalog::{self, Catalogue, Entry};
use clientdesk_persistence::{tickets, DbConnection};

use crate::errors::ApiResult;

#[derive(Debug)]
pub struct TicketCatalog {
    pub settings: TicketSettings,
    pub custom_fields: Vec<CustomField>,
    pub request_types: Vec<Entry>,
    pub queues: Vec<Entry>,
}

impl TicketCatalog {
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
    pub fn get(&self, conn: &mut DbConnection, tenant: &Tenant) -> ApiResult<Arc<TicketCatalog>> {
        let cached = self.entries.lock().unwrap_or_else(PoisonError::into_inner).get(&tenant.id).cloned();
        if let Some((version, catalog)) = cached {
            if version == tenant.catalog_version {
                return Ok(catalog);
            }
        }
        // Read after the version: if a change commits in between, the newer catalogue is kept
        // under the older version and replaced at the next request, never the other way round.
        let catalog = Arc::new(TicketCatalog {
            settings: tickets::settings(conn, tenant.id)?,
            custom_fields: catalog::custom_fields(conn, tenant.id)?,
            request_types: catalog::entries(conn, tenant.id, Catalogue::RequestTypes)?,
            queues: catalog::entries(conn, tenant.id, Catalogue::Queues)?,
        });
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(tenant.id, (tenant.catalog_version, catalog.clone()));
        Ok(catalog)
    }
}
