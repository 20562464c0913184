//! Invoices the provider's PSA (or its staff) records for a company: amounts in integer minor
//! units of one currency, a stored status (open, paid, void) and the status customers see, where
//! an open invoice past its due date is overdue. Overdue is never stored: it follows from the date
//! a reader asks on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::principal::Denied;
use crate::roles::{Permission, RoleSet};
use crate::DomainError;

/// The status the PSA records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Open,
    Paid,
    Void,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Paid => "paid",
            Self::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Paid, Self::Void].into_iter().find(|v| v.as_str() == s)
    }
}

/// The status a reader sees: the stored one, except that an open invoice is overdue from the day
/// after its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShownStatus {
    Open,
    Overdue,
    Paid,
    Void,
}

/// What a reader on `today` sees of an invoice `stored` with due date `due_on`.
pub fn shown_status(stored: InvoiceStatus, due_on: NaiveDate, today: NaiveDate) -> ShownStatus {
    match stored {
        InvoiceStatus::Open if today > due_on => ShownStatus::Overdue,
        InvoiceStatus::Open => ShownStatus::Open,
        InvoiceStatus::Paid => ShownStatus::Paid,
        InvoiceStatus::Void => ShownStatus::Void,
    }
}

/// An ISO 4217 currency code: three capital letters.
pub fn currency(code: &str) -> Result<String, DomainError> {
    let code = code.trim();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code.to_owned())
    } else {
        Err(DomainError::new("currency", "rule-currency"))
    }
}

/// A calendar date written YYYY-MM-DD.
pub fn calendar_date(field: &'static str, value: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| DomainError::new(field, "rule-date"))
}

/// An invoice's amounts, in minor units of its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    net: i64,
    tax: i64,
    paid: i64,
}

/// The largest amount accepted, in minor units (a trillion units of the currency), so that sums of
/// many invoices never overflow.
pub const MAX_MINOR: i64 = 100_000_000_000_000;

impl Amounts {
    /// Net and tax are not negative, the total is their sum, and what was paid lies between nothing
    /// and the total.
    pub fn new(net: i64, tax: i64, total: i64, paid: i64) -> Result<Self, DomainError> {
        for (field, value) in [("net_minor", net), ("tax_minor", tax), ("total_minor", total), ("paid_minor", paid)] {
            if !(0..=MAX_MINOR).contains(&value) {
                return Err(DomainError::new(field, "rule-minor-units").arg("max", MAX_MINOR));
            }
        }
        if net + tax != total {
            return Err(DomainError::new("total_minor", "rule-invoice-total"));
        }
        if paid > total {
            return Err(DomainError::new("paid_minor", "rule-invoice-paid"));
        }
        Ok(Self { net, tax, paid })
    }

    pub fn net(&self) -> i64 {
        self.net
    }
    pub fn tax(&self) -> i64 {
        self.tax
    }
    pub fn total(&self) -> i64 {
        self.net + self.tax
    }
    pub fn paid(&self) -> i64 {
        self.paid
    }
    /// What is left to pay.
    pub fn balance(&self) -> i64 {
        self.total() - self.paid
    }
}

/// An invoice of a company.
#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: i64,
    pub tenant_id: crate::ids::TenantId,
    pub company_id: crate::ids::CompanyId,
    /// The PSA's own id, for invoices it synced.
    pub psa_id: Option<String>,
    pub fields: InvoiceFields,
    pub pdf: Option<Pdf>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Rises with every write; sent as the ETag and checked against If-Match.
    pub version: i64,
}

/// What the PSA or staff set on an invoice.
#[derive(Debug, Clone)]
pub struct InvoiceFields {
    pub number: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub currency: String,
    pub amounts: Amounts,
    pub status: InvoiceStatus,
    pub payment_url: Option<String>,
    /// Empty when read in a list.
    pub lines: Vec<InvoiceLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    pub amount_minor: i64,
}

/// An invoice's PDF in the attachment storage.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub storage_key: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// A payment link: an absolute `https://` URL with a host, without credentials, spaces or control
/// characters, of at most 2,000 characters. Customers follow it from the portal, so nothing else is
/// accepted (no `http:`, no `javascript:`).
pub fn payment_link(url: &str) -> Result<String, DomainError> {
    let refuse = || DomainError::new("payment_url", "rule-payment-url");
    let url = url.trim();
    let rest =
        url.get(..8).filter(|scheme| scheme.eq_ignore_ascii_case("https://")).map(|_| &url[8..]).ok_or_else(refuse)?;
    if url.len() > 2000 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refuse());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once(':').map_or(authority, |(host, _)| host);
    if authority.contains('@') || host.is_empty() || host.starts_with('.') || authority.contains('\\') {
        return Err(refuse());
    }
    Ok(url.to_owned())
}

/// Customers read a company's invoices, contracts and their reports with the invoice permission.
pub fn may_read(roles: &RoleSet) -> Result<(), Denied> {
    if roles.grants(Permission::InvoicesRead) {
        Ok(())
    } else {
        Err(Denied::new("denied-roles-invoices"))
    }
}

/// One invoice as the balance summary counts it.
#[derive(Debug, Clone)]
pub struct Due<'a> {
    pub currency: &'a str,
    pub status: InvoiceStatus,
    pub due_on: NaiveDate,
    pub balance: i64,
}

/// A company's open balance in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CurrencyBalance {
    pub currency: String,
    pub open_invoices: i64,
    pub balance_minor: i64,
    pub overdue_invoices: i64,
    pub overdue_minor: i64,
}

/// The open balance of `invoices` on `today`, per currency in code order: void and paid invoices
/// count for nothing, open ones with their balance, overdue ones in both sums.
pub fn summarize<'a>(invoices: impl IntoIterator<Item = Due<'a>>, today: NaiveDate) -> Vec<CurrencyBalance> {
    let mut by_currency: BTreeMap<&str, CurrencyBalance> = BTreeMap::new();
    for invoice in invoices {
        if invoice.status != InvoiceStatus::Open {
            continue;
        }
        let entry = by_currency
            .entry(invoice.currency)
            .or_insert_with(|| CurrencyBalance { currency: invoice.currency.to_owned(), ..Default::default() });
        entry.open_invoices += 1;
        entry.balance_minor += invoice.balance;
        if shown_status(invoice.status, invoice.due_on, today) == ShownStatus::Overdue {
            entry.overdue_invoices += 1;
            entry.overdue_minor += invoice.balance;
        }
    }
    by_currency.into_values().collect()
}

/// A quantity given as a decimal number, in thousandths (1.5 -> 1500): at most three decimals,
/// not negative, at most a billion.
pub fn quantity_milli(field: &'static str, quantity: f64) -> Result<i64, DomainError> {
    let milli = quantity * 1000.0;
    if !quantity.is_finite() || !(0.0..=1e12).contains(&milli) || (milli - milli.round()).abs() > 1e-6 {
        return Err(DomainError::new(field, "rule-quantity"));
    }
    Ok(milli.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::Role;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_open_invoice_is_overdue_from_the_day_after_its_due_date() {
        let due = day("2026-12-07");
        assert_eq!(shown_status(InvoiceStatus::Open, due, day("2026-12-06")), ShownStatus::Open);
        assert_eq!(shown_status(InvoiceStatus::Open, due, day("2026-12-07")), ShownStatus::Open);
        assert_eq!(shown_status(InvoiceStatus::Open, due, day("2026-12-08")), ShownStatus::Overdue);
    }

    #[test]
    fn paid_and_void_invoices_are_never_overdue() {
        let due = day("2026-01-01");
        let later = day("2026-12-08");
        assert_eq!(shown_status(InvoiceStatus::Paid, due, later), ShownStatus::Paid);
        assert_eq!(shown_status(InvoiceStatus::Void, due, later), ShownStatus::Void);
    }

    #[test]
    fn amounts_add_up_and_the_balance_is_what_is_left() {
        let a = Amounts::new(10_000, 770, 10_770, 770).unwrap();
        assert_eq!((a.total(), a.balance()), (10_770, 10_000));
        assert_eq!(Amounts::new(10_000, 770, 10_000, 0).unwrap_err().field, "total_minor");
        assert_eq!(Amounts::new(100, 0, 100, 101).unwrap_err().field, "paid_minor");
        assert_eq!(Amounts::new(-1, 1, 0, 0).unwrap_err().field, "net_minor");
        assert_eq!(Amounts::new(MAX_MINOR + 1, 0, MAX_MINOR + 1, 0).unwrap_err().field, "net_minor");
    }

    #[test]
    fn currencies_are_three_capital_letters() {
        assert_eq!(currency("CHF").unwrap(), "CHF");
        for bad in ["chf", "CH", "CHFF", "C1F", ""] {
            assert!(currency(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn payment_links_are_https_with_a_host_only() {
        assert!(payment_link("https://pay.example.com/i/42?t=abc").is_ok());
        assert!(payment_link("HTTPS://pay.example.com").is_ok());
        for bad in [
            "http://pay.example.com/",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://user:pw@pay.example.com/",
            "https://pay.example.com/a b",
            "ftp://pay.example.com/",
            "https://pay.example.com\\@evil.example/",
        ] {
            assert!(payment_link(bad).is_err(), "{bad}");
        }
        assert!(payment_link(&format!("https://pay.example.com/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn only_roles_with_the_invoice_permission_read_invoices() {
        for role in Role::ALL {
            let roles = RoleSet::parse_all(&[role.as_str()]).unwrap();
            let expected = matches!(role, Role::Controller | Role::PortalAdmin);
            assert_eq!(may_read(&roles).is_ok(), expected, "{role:?}");
        }
    }

    #[test]
    fn the_summary_counts_open_balances_per_currency_and_overdue_ones_apart() {
        let today = day("2026-12-07");
        let summary = summarize(
            [
                Due { currency: "EUR", status: InvoiceStatus::Open, due_on: day("2026-12-31"), balance: 500 },
                Due { currency: "CHF", status: InvoiceStatus::Open, due_on: day("2026-11-30"), balance: 1_000 },
                Due { currency: "CHF", status: InvoiceStatus::Open, due_on: day("2026-12-07"), balance: 250 },
                Due { currency: "CHF", status: InvoiceStatus::Paid, due_on: day("2026-11-01"), balance: 0 },
                Due { currency: "CHF", status: InvoiceStatus::Void, due_on: day("2026-11-01"), balance: 9_999 },
            ],
            today,
        );
        assert_eq!(
            summary,
            vec![
                CurrencyBalance {
                    currency: "CHF".into(),
                    open_invoices: 2,
                    balance_minor: 1_250,
                    overdue_invoices: 1,
                    overdue_minor: 1_000
                },
                CurrencyBalance {
                    currency: "EUR".into(),
                    open_invoices: 1,
                    balance_minor: 500,
                    overdue_invoices: 0,
                    overdue_minor: 0
                },
            ]
        );
    }

    #[test]
    fn quantities_keep_three_decimals() {
        assert_eq!(quantity_milli("q", 1.5).unwrap(), 1500);
        assert_eq!(quantity_milli("q", 0.125).unwrap(), 125);
        assert!(quantity_milli("q", 0.1234).is_err());
        assert!(quantity_milli("q", -1.0).is_err());
        assert!(quantity_milli("q", f64::NAN).is_err());
    }
}
