//! `clientdesk bootstrap` (a tenant and its first provider admin) and `clientdesk demo` (a demo
//! tenant with users in every role).

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use clientdesk_app::crypto::{password::PasswordHasherConfig, secrets, totp};
use clientdesk_domain::accounts::LinkPurpose;
use clientdesk_domain::ids::{CategoryId, CompanyId, TenantId, UserId};
use clientdesk_domain::kb::{ArticleStatus, Audience};
use clientdesk_domain::roles::RoleSet;
use clientdesk_domain::settings::{PortalSettings, PortalSettingsOverride, TwoFactorPolicy};
use clientdesk_domain::tickets::{CustomField, CustomFieldKind, CustomVisibility, Priority};
use clientdesk_domain::user::{Email, Language, StaffRole};
use clientdesk_persistence::catalog::{self, Catalogue};
use clientdesk_persistence::companies::{self, CompanyFields};
use clientdesk_persistence::tickets as store;
use clientdesk_persistence::{kb, tenants, tokens, users, write_tx, Db, DbConnection};

pub struct Bootstrapped {
    pub tenant_id: TenantId,
    pub set_password_token: String,
}

/// Creates a tenant and its first provider admin, who sets a password with the returned
/// one-time token (valid 24 hours).
pub fn bootstrap(db: &Db, slug: &str, name: &str, admin_email: &str, admin_name: &str) -> anyhow::Result<Bootstrapped> {
    let email = Email::parse(admin_email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let token = secrets::random_token(32);
    let mut conn = db.conn()?;
    let tenant_id = write_tx(&mut conn, |conn| -> anyhow::Result<TenantId> {
        let now = Utc::now();
        if tenants::find_by_slug(conn, slug).is_ok() {
            bail!("a tenant {slug:?} exists already");
        }
        let tenant = tenants::create(conn, slug, name, &PortalSettings::default(), now)?;
        let admin = users::create(
            conn,
            &users::NewUser {
                tenant_id: tenant.id,
                email: email.as_str(),
                name: admin_name,
                phone: None,
                language: Language::En,
                staff_role: Some(StaffRole::ProviderAdmin),
                password_hash: None,
                activated: false,
            },
            now,
        )?;
        tokens::insert_password_token(
            conn,
            admin.id,
            &secrets::fingerprint(&token),
            LinkPurpose::Invitation,
            now,
            now + Duration::hours(24),
        )?;
        Ok(tenant.id)
    })?;
    Ok(Bootstrapped { tenant_id, set_password_token: token })
}

pub const DEMO_TENANT: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo-portal-2026";

pub struct DemoUser {
    pub email: String,
    pub name: String,
    pub what: String,
    pub totp_secret: Option<String>,
}

pub struct Demo {
    pub users: Vec<DemoUser>,
    pub created: bool,
}

struct Spec {
    email: &'static str,
    name: &'static str,
    staff: Option<StaffRole>,
    memberships: &'static [(usize, &'static [&'static str])],
    totp: bool,
}

const SPECS: &[Spec] = &[
    Spec {
        email: "admin@demo.example",
        name: "Ada Admin",
        staff: Some(StaffRole::ProviderAdmin),
        memberships: &[],
        totp: true,
    },
    Spec {
        email: "tech@demo.example",
        name: "Tom Tech",
        staff: Some(StaffRole::Technician),
        memberships: &[],
        totp: true,
    },
    Spec {
        email: "pat.user@demo.example",
        name: "Pat User",
        staff: None,
        memberships: &[(0, &["portal_user"])],
        totp: true,
    },
    Spec {
        email: "pat.plus@demo.example",
        name: "Pat Plus",
        staff: None,
        memberships: &[(0, &["portal_user_plus"])],
        totp: true,
    },
    Spec {
        email: "ann.approver@demo.example",
        name: "Ann Approver",
        staff: None,
        memberships: &[(0, &["customer_approver"])],
        totp: true,
    },
    Spec {
        email: "max.changes@demo.example",
        name: "Max Changes",
        staff: None,
        memberships: &[(0, &["change_manager"])],
        totp: true,
    },
    Spec {
        email: "chris.controller@demo.example",
        name: "Chris Controller",
        staff: None,
        memberships: &[(0, &["controller"])],
        totp: true,
    },
    Spec {
        email: "paula.admin@demo.example",
        name: "Paula Admin",
        staff: None,
        memberships: &[(0, &["portal_admin", "portal_user_plus"])],
        totp: true,
    },
    Spec {
        email: "sam.sub@demo.example",
        name: "Sam Subsidiary",
        staff: None,
        memberships: &[(1, &["portal_user"])],
        totp: true,
    },
    Spec {
        email: "morgan.multi@demo.example",
        name: "Morgan Multi",
        staff: None,
        memberships: &[(0, &["portal_user"]), (2, &["customer_approver"])],
        totp: true,
    },
    Spec {
        email: "fred.fabrikam@demo.example",
        name: "Fred Fabrikam",
        staff: None,
        memberships: &[(2, &["portal_user"])],
        totp: false,
    },
];

/// Loads the demo tenant (once; later calls report the existing users and their secrets).
pub fn demo(db: &Db, hasher: &PasswordHasherConfig) -> anyhow::Result<Demo> {
    let mut conn = db.conn()?;
    if let Ok(tenant) = tenants::find_by_slug(&mut conn, DEMO_TENANT) {
        return Ok(Demo { users: describe(&mut conn, tenant.id)?, created: false });
    }
    let hash = hasher.hash(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let tenant_id = write_tx(&mut conn, |conn| -> anyhow::Result<TenantId> {
        let now = Utc::now();
        let tenant = tenants::create(conn, DEMO_TENANT, "Demo MSP", &PortalSettings::default(), now)?;
        let company = |conn: &mut DbConnection,
                       name: &str,
                       parent: Option<CompanyId>,
                       (territory, classification): (&str, &str),
                       overrides: PortalSettingsOverride| {
            companies::create(
                conn,
                tenant.id,
                &CompanyFields {
                    name: name.into(),
                    parent_company_id: parent,
                    territory: Some(territory.into()),
                    classification: Some(classification.into()),
                    portal_overrides: overrides,
                },
                now,
            )
        };
        let contoso = company(
            conn,
            "Contoso Ltd",
            None,
            ("EMEA", "managed"),
            PortalSettingsOverride {
                time_zone: Some("Europe/Zurich".into()),
                subsidiary_tickets_visible: Some(true),
                ..Default::default()
            },
        )?;
        let sub = company(
            conn,
            "Contoso Deutschland GmbH",
            Some(contoso.id),
            ("DACH", "premium"),
            PortalSettingsOverride { time_zone: Some("Europe/Berlin".into()), ..Default::default() },
        )?;
        let fabrikam = company(
            conn,
            "Fabrikam Inc",
            None,
            ("AMER", "managed"),
            PortalSettingsOverride {
                two_factor: Some(TwoFactorPolicy::Optional),
                knowledge_base_enabled: Some(false),
                time_zone: Some("America/New_York".into()),
                ..Default::default()
            },
        )?;
        let company_ids = [contoso.id, sub.id, fabrikam.id];
        let mut author = None;
        for spec in SPECS {
            let user = users::create(
                conn,
                &users::NewUser {
                    tenant_id: tenant.id,
                    email: spec.email,
                    name: spec.name,
                    phone: None,
                    language: Language::En,
                    staff_role: spec.staff,
                    password_hash: Some(&hash),
                    activated: true,
                },
                now,
            )?;
            for (index, roles) in spec.memberships {
                let roles = RoleSet::parse_all(roles).map_err(|e| anyhow::anyhow!("{e}"))?;
                users::upsert_membership(conn, tenant.id, user.id, company_ids[*index], &roles, now)?;
            }
            if spec.totp {
                users::set_totp(conn, user.id, Some(&totp::new_secret()), None, now)?;
            }
            if spec.staff == Some(StaffRole::Technician) {
                author = Some(user.id);
            }
        }
        demo_tickets(conn, tenant.id, &company_ids, now)?;
        let author = author.context("the demo has a technician")?;
        knowledge_base(conn, tenant.id, author, contoso.id, now)?;
        Ok(tenant.id)
    })?;
    Ok(Demo { users: describe(&mut conn, tenant_id)?, created: true })
}

/// Request types, a queue, two custom fields (one hidden from customers) and a few tickets, so
/// that every reader of the demo has something to see.
fn demo_tickets(
    conn: &mut DbConnection,
    tenant: TenantId,
    company_ids: &[CompanyId; 3],
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut types = Vec::new();
    for name in ["Incident", "Service request", "Question"] {
        types.push(catalog::create_entry(conn, tenant, Catalogue::RequestTypes, name, now)?.id);
    }
    catalog::create_entry(conn, tenant, Catalogue::Queues, "Service desk", now)?;
    for (key, label, kind, options, visibility) in [
        (
            "site",
            "Site",
            CustomFieldKind::Select,
            vec!["Zurich".to_owned(), "Berlin".into(), "New York".into()],
            CustomVisibility::Editable,
        ),
        ("cost_center", "Cost center", CustomFieldKind::Text, vec![], CustomVisibility::Hidden),
    ] {
        let field = CustomField {
            id: 0,
            key: key.into(),
            label: label.into(),
            kind,
            options,
            required: false,
            customer_visibility: visibility,
            active: true,
        };
        catalog::create_custom_field(conn, tenant, &field, now)?;
    }
    let [contoso, sub, fabrikam] = *company_ids;
    let tickets = [
        (
            "pat.user@demo.example",
            contoso,
            "Printer on floor 2 jams",
            "Every second page jams since Monday.",
            Priority::Normal,
        ),
        (
            "pat.user@demo.example",
            contoso,
            "New laptop for an intern",
            "Starting on the 1st, needs Office.",
            Priority::Low,
        ),
        (
            "pat.plus@demo.example",
            contoso,
            "VPN drops every hour",
            "Since the firewall update the VPN disconnects.",
            Priority::High,
        ),
        (
            "sam.sub@demo.example",
            sub,
            "Drucker im Lager offline",
            "Der Etikettendrucker antwortet nicht.",
            Priority::Normal,
        ),
        (
            "fred.fabrikam@demo.example",
            fabrikam,
            "Mailbox is full",
            "Outlook says the mailbox is over quota.",
            Priority::Urgent,
        ),
    ];
    for (email, company, title, description, priority) in tickets {
        let requester = users::find_by_email(conn, tenant, email)?;
        let mut custom_values = std::collections::BTreeMap::new();
        custom_values.insert("cost_center".to_owned(), serde_json::Value::from("CC-1001"));
        store::create(
            conn,
            store::NewTicket {
                tenant_id: tenant,
                company_id: company,
                title: title.into(),
                description: description.into(),
                priority,
                provider_priority: None,
                request_type_id: Some(types[0]),
                requester_id: requester.id,
                contact_id: None,
                device_id: None,
                custom_values,
                number: None,
            },
            Some(requester.id),
            now,
        )?;
    }
    Ok(())
}

/// Category, title, summary, body, tags, language, audience, published.
type DemoArticle =
    (Option<CategoryId>, &'static str, &'static str, &'static str, &'static [&'static str], Language, Audience, bool);

/// A few categories and articles of every audience kind, so that each demo user sees something
/// of its own: Contoso is in EMEA and managed, its German subsidiary in DACH and premium,
/// Fabrikam (knowledge base off) in AMER.
fn knowledge_base(
    conn: &mut DbConnection,
    tenant: TenantId,
    author: UserId,
    contoso: CompanyId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let category = |conn: &mut DbConnection, parent: Option<CategoryId>, name: &str, description: &str| {
        kb::create_category(conn, tenant, parent, name, description, now).map(|c| c.id)
    };
    let start = category(conn, None, "Getting started", "Signing in, passwords, your account")?;
    let remote = category(conn, None, "Remote work", "Working from home and on the road")?;
    let vpn = category(conn, Some(remote), "VPN", "The company VPN client")?;
    let mail = category(conn, None, "E-mail and calendar", "Outlook, shared mailboxes, meeting rooms")?;
    let printing = category(conn, None, "Printing", "Printers and scanners")?;
    let articles: [DemoArticle; 7] = [
        (
            Some(start),
            "Reset your password",
            "Choose a new password when you have forgotten yours.",
            "1. Open the sign-in page and choose **Forgot password**.\n2. Enter your e-mail address.\n\
             3. Follow the link in the message within 15 minutes and choose a passphrase of at least 8 characters.\n\n\
             Still locked out? Open a ticket and we will call you back.",
            &["password", "account"],
            Language::En,
            Audience::AllCompanies,
            true,
        ),
        (
            Some(vpn),
            "Connect to the office VPN",
            "Install and sign in to the VPN client on Windows or macOS.",
            "## Windows\n\nInstall the client from the self-service catalogue, start it and sign in with your work \
             account.\n\n## macOS\n\nInstall the client with Homebrew, then allow the network extension in System \
             Settings.\n\nIf the tunnel drops, restarting the client usually restores it.",
            &["vpn", "remote-work"],
            Language::En,
            Audience::Territory("EMEA".into()),
            true,
        ),
        (
            Some(mail),
            "Book a meeting room at Contoso",
            "Rooms on every floor can be booked from Outlook.",
            "Add the room as a resource when you create the invitation. Rooms accept automatically when they are free; \
             the large boardroom needs approval by reception.",
            &["outlook", "rooms"],
            Language::En,
            Audience::Companies(vec![contoso]),
            true,
        ),
        (
            Some(mail),
            "Outlook keeps restarting",
            "What to do when Outlook closes and restarts by itself.",
            "Start Outlook in safe mode (hold **Ctrl** while starting it). If it stays open, an add-in is the cause: \
             switch add-ins off one by one under *File > Options > Add-ins*. If Outlook still restarts, repair the \
             Office installation from *Settings > Apps*.",
            &["outlook", "office"],
            Language::En,
            Audience::Classification("managed".into()),
            true,
        ),
        (
            Some(printing),
            "Netzwerkdrucker einrichten",
            "So verbinden Sie Ihren Rechner mit dem Drucker im Büro.",
            "Öffnen Sie *Einstellungen > Drucker*, wählen Sie **Drucker hinzufügen** und dann den Drucker Ihres \
             Stockwerks. Druckaufträge bleiben gespeichert, bis Sie sich am Drucker mit Ihrem Badge anmelden.",
            &["drucker"],
            Language::De,
            Audience::Territory("DACH".into()),
            true,
        ),
        (
            Some(vpn),
            "Runbook: renew the VPN gateway certificate",
            "Staff only: yearly renewal of the gateway certificate.",
            "Order the certificate 30 days ahead, install it on both gateways out of hours, then check one client per \
             site.",
            &["vpn", "runbook"],
            Language::En,
            Audience::Internal,
            true,
        ),
        (
            None,
            "The new phone system",
            "Draft: what changes when the new phones arrive.",
            "Desk phones are replaced by a softphone in Teams. Numbers stay the same.",
            &["phone"],
            Language::En,
            Audience::AllCompanies,
            false,
        ),
    ];
    for (category_id, title, summary, body, tags, language, audience, publish) in articles {
        let fields = kb::ArticleFields {
            category_id,
            title: title.into(),
            summary: summary.into(),
            body: body.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            language,
            audience,
        };
        let article = kb::create_article(conn, tenant, &fields, author, now)?;
        if publish {
            kb::set_status(conn, tenant, article.id, ArticleStatus::Published, author, now)?;
        }
    }
    Ok(())
}

fn describe(conn: &mut DbConnection, tenant: TenantId) -> anyhow::Result<Vec<DemoUser>> {
    let mut out = Vec::new();
    for spec in SPECS {
        let user = users::find_by_email(conn, tenant, spec.email).context("demo user")?;
        let what = match spec.staff {
            Some(role) => format!("staff, {}", role.as_str()),
            None => spec
                .memberships
                .iter()
                .map(|(i, roles)| format!("{}: {}", ["Contoso", "Contoso DE", "Fabrikam"][*i], roles.join("+")))
                .collect::<Vec<_>>()
                .join("; "),
        };
        out.push(DemoUser { email: user.email, name: user.name, what, totp_secret: user.totp_secret });
    }
    Ok(out)
}
