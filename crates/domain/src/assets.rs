//! System info: a company's assets (the devices the RMM manages, with what its inventory says of
//! them) and the warranties and licences that cover them. Customers whose roles include system
//! info read their company's; expiry is judged on the reader's day, and the company's approvers
//! are told once, `REMINDER_DAYS` ahead.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::principal::Denied;
use crate::roles::{Permission, RoleSet};
use crate::DomainError;

/// How many days before its expiry a warranty or licence is announced to the company's approvers.
pub const REMINDER_DAYS: u64 = 30;
/// The longest look-ahead a reader may ask for expiring warranties and licences.
pub const MAX_EXPIRY_WINDOW_DAYS: u64 = 3650;

/// What sort of machine an asset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Workstation,
    Laptop,
    Server,
    VirtualMachine,
    Mobile,
    Network,
    Printer,
    Other,
}

impl AssetKind {
    pub const ALL: [Self; 8] = [
        Self::Workstation,
        Self::Laptop,
        Self::Server,
        Self::VirtualMachine,
        Self::Mobile,
        Self::Network,
        Self::Printer,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workstation => "workstation",
            Self::Laptop => "laptop",
            Self::Server => "server",
            Self::VirtualMachine => "virtual_machine",
            Self::Mobile => "mobile",
            Self::Network => "network",
            Self::Printer => "printer",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One disk as the inventory reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "C:", "size_bytes": 512_110_190_592_i64, "free_bytes": 201_326_592_000_i64}))]
pub struct Disk {
    pub name: String,
    #[schema(minimum = 0)]
    pub size_bytes: i64,
    #[schema(minimum = 0)]
    pub free_bytes: i64,
}

/// What the RMM's inventory says of a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub kind: AssetKind,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    pub ip_addresses: Vec<std::net::IpAddr>,
    pub disks: Vec<Disk>,
    pub software_count: Option<i64>,
}

/// Most IP addresses and disks kept per device.
pub const MAX_ADDRESSES: usize = 64;
pub const MAX_DISKS: usize = 64;

impl Inventory {
    /// Checks the counts the inventory reports: no negative sizes, free space within the disk.
    pub fn check(&self) -> Result<(), DomainError> {
        if self.ip_addresses.len() > MAX_ADDRESSES {
            return Err(DomainError::new("ip_addresses", "rule-addresses-at-most").arg("max", MAX_ADDRESSES));
        }
        if self.disks.len() > MAX_DISKS {
            return Err(DomainError::new("disks", "rule-disks-at-most").arg("max", MAX_DISKS));
        }
        if self.disks.iter().any(|d| d.size_bytes < 0 || d.free_bytes < 0 || d.free_bytes > d.size_bytes) {
            return Err(DomainError::new("disks", "rule-disk-sizes"));
        }
        if self.software_count.is_some_and(|n| n < 0) {
            return Err(DomainError::new("software_count", "rule-not-negative"));
        }
        Ok(())
    }
}

/// A warranty covers a device; a licence covers a device or the whole company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntitlementKind {
    Warranty,
    Licence,
}

impl EntitlementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warranty => "warranty",
            Self::Licence => "licence",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Warranty, Self::Licence].into_iter().find(|k| k.as_str() == s)
    }
}

/// A warranty or licence as it is written (by staff or the RMM's sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitlementFields {
    pub kind: EntitlementKind,
    pub device_id: Option<i64>,
    pub product: String,
    pub vendor: Option<String>,
    pub seats: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub notes: Option<String>,
}

impl EntitlementFields {
    /// A warranty names its device; seats count licences only; a term ends after it starts.
    pub fn check(&self) -> Result<(), DomainError> {
        if self.kind == EntitlementKind::Warranty && self.device_id.is_none() {
            return Err(DomainError::new("device_id", "rule-warranty-device"));
        }
        if self.seats.is_some() && self.kind == EntitlementKind::Warranty {
            return Err(DomainError::new("seats", "rule-seats-licence-only"));
        }
        if self.seats.is_some_and(|s| s < 1) {
            return Err(DomainError::new("seats", "field-range-min").arg("min", 1));
        }
        if let (Some(start), Some(end)) = (self.starts_on, self.expires_on) {
            if end < start {
                return Err(DomainError::new("expires_on", "rule-not-before").arg("other", "starts_on"));
            }
        }
        Ok(())
    }
}

/// A stored warranty or licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlement {
    pub id: i64,
    pub company_id: i64,
    pub fields: EntitlementFields,
    pub from_rmm: bool,
}

/// Where a warranty or licence stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TermState {
    /// Not started yet.
    Upcoming,
    Active,
    /// Active, and ending within `REMINDER_DAYS`.
    Expiring,
    Expired,
}

/// The state of a term from `starts_on` to `expires_on` (the last day covered) on `today`.
pub fn term_state(starts_on: Option<NaiveDate>, expires_on: Option<NaiveDate>, today: NaiveDate) -> TermState {
    match (starts_on, expires_on) {
        (_, Some(end)) if today > end => TermState::Expired,
        (Some(start), _) if today < start => TermState::Upcoming,
        (_, Some(end)) if end <= today + Days::new(REMINDER_DAYS) => TermState::Expiring,
        _ => TermState::Active,
    }
}

/// The last expiry date a reader asking for terms expiring `within_days` of `today` sees: the
/// window starts today (expired terms are not "expiring").
pub fn expiry_window(today: NaiveDate, within_days: i64) -> Result<NaiveDate, DomainError> {
    u64::try_from(within_days)
        .ok()
        .filter(|d| *d <= MAX_EXPIRY_WINDOW_DAYS)
        .and_then(|d| today.checked_add_days(Days::new(d)))
        .ok_or_else(|| {
            DomainError::new("expiring_within_days", "rule-from-to").arg("min", 0).arg("max", MAX_EXPIRY_WINDOW_DAYS)
        })
}

/// The latest expiry date whose approvers are told on `today` (a term that expired before today
/// is not announced any more).
pub fn reminder_horizon(today: NaiveDate) -> NaiveDate {
    today + Days::new(REMINDER_DAYS)
}

/// Customers read a company's system info with the system-info permission.
pub fn may_read(roles: &RoleSet) -> Result<(), Denied> {
    if roles.grants(Permission::SystemInfoRead) {
        Ok(())
    } else {
        Err(Denied::new("denied-roles-system-info"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_term_is_expiring_in_its_last_thirty_days_and_expired_the_day_after_its_end() {
        let today = day("2026-12-07");
        assert_eq!(term_state(None, Some(day("2027-01-06")), today), TermState::Expiring);
        assert_eq!(term_state(None, Some(day("2027-01-07")), today), TermState::Active);
        assert_eq!(term_state(None, Some(today), today), TermState::Expiring);
        assert_eq!(term_state(None, Some(day("2026-12-06")), today), TermState::Expired);
        assert_eq!(term_state(Some(day("2027-01-01")), None, today), TermState::Upcoming);
        assert_eq!(term_state(None, None, today), TermState::Active);
    }

    #[test]
    fn the_expiry_window_is_bounded() {
        let today = day("2026-12-07");
        assert_eq!(expiry_window(today, 30).unwrap(), day("2027-01-06"));
        assert_eq!(expiry_window(today, 0).unwrap(), today);
        assert!(expiry_window(today, -1).is_err());
        assert!(expiry_window(today, 3651).is_err());
        assert_eq!(reminder_horizon(today), day("2027-01-06"));
    }

    fn licence() -> EntitlementFields {
        EntitlementFields {
            kind: EntitlementKind::Licence,
            device_id: None,
            product: "Microsoft 365 Business Premium".into(),
            vendor: Some("Microsoft".into()),
            seats: Some(25),
            starts_on: Some(day("2026-01-01")),
            expires_on: Some(day("2026-12-31")),
            notes: None,
        }
    }

    #[test]
    fn warranties_name_their_device_and_have_no_seats() {
        assert!(licence().check().is_ok());
        let warranty = EntitlementFields { kind: EntitlementKind::Warranty, seats: None, ..licence() };
        assert_eq!(warranty.check().unwrap_err().field, "device_id");
        let seated = EntitlementFields { device_id: Some(4), seats: Some(2), ..warranty.clone() };
        assert_eq!(seated.check().unwrap_err().field, "seats");
        assert!(EntitlementFields { device_id: Some(4), ..warranty }.check().is_ok());
        assert_eq!(EntitlementFields { seats: Some(0), ..licence() }.check().unwrap_err().field, "seats");
        let backwards = EntitlementFields { expires_on: Some(day("2025-12-31")), ..licence() };
        assert_eq!(backwards.check().unwrap_err().field, "expires_on");
    }

    #[test]
    fn disks_report_free_space_within_their_size() {
        let mut inventory = Inventory {
            kind: AssetKind::Laptop,
            manufacturer: None,
            model: None,
            serial_number: None,
            os_name: None,
            os_version: None,
            ip_addresses: vec![],
            disks: vec![Disk { name: "C:".into(), size_bytes: 100, free_bytes: 40 }],
            software_count: Some(120),
        };
        assert!(inventory.check().is_ok());
        inventory.disks[0].free_bytes = 101;
        assert_eq!(inventory.check().unwrap_err().field, "disks");
        inventory.disks[0].free_bytes = 1;
        inventory.software_count = Some(-1);
        assert_eq!(inventory.check().unwrap_err().field, "software_count");
    }

    #[test]
    fn kinds_read_back_as_written() {
        for kind in AssetKind::ALL {
            assert_eq!(AssetKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EntitlementKind::parse("licence"), Some(EntitlementKind::Licence));
        assert_eq!(EntitlementKind::parse("license"), None);
    }
}
