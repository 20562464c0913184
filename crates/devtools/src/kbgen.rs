//! `clientdesk-dev demo-kb`: a large generated knowledge base for the demo tenant, for benchmarks.
//!
//! Articles are written through the same persistence functions as the API (revisions, tags,
//! audiences, search index and all), many to a transaction. The text is generated, roughly as in
//! a real knowledge base: each article is about one of a few dozen support topics and dwells on
//! three of its words and on one or two named things (made-up product names, each in a few dozen
//! articles), so a topic word is in one or two percent of the articles; common words and general
//! support words are everywhere, and a long tail of made-up words (error codes, names) is rare.
//! Deterministic for a seed.

use anyhow::Context;
use chrono::Utc;
use clientdesk_app::crypto::password::PasswordHasherConfig;
use clientdesk_domain::ids::{CategoryId, CompanyId, TenantId, UserId};
use clientdesk_domain::kb::{ArticleStatus, Audience};
use clientdesk_domain::user::Language;
use clientdesk_persistence::companies::{self, CompanyFields};
use clientdesk_persistence::{kb, tenants, users, write_tx, Db, DbConnection};
use clientdesk_server::seed;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Support topics: the words an article about it uses often, and that rarely appear elsewhere.
const TOPICS: &[(&str, &[&str])] = &[
    ("Printing", &["printer", "printing", "toner", "paper", "jam", "spooler", "scanner", "tray", "duplex", "queue"]),
    ("VPN", &["vpn", "tunnel", "gateway", "certificate", "split", "disconnects", "client", "remote", "token"]),
    ("Outlook", &["outlook", "mailbox", "calendar", "invite", "signature", "attachment", "inbox", "rules", "archive"]),
    ("Passwords", &["password", "reset", "expired", "locked", "lockout", "passphrase", "authenticator", "recovery"]),
    ("Wi-Fi", &["wifi", "wireless", "ssid", "signal", "roaming", "guest", "hotspot", "antenna"]),
    ("Meetings", &["teams", "meeting", "camera", "microphone", "headset", "audio", "sharing", "recording", "webinar"]),
    ("Laptops", &["laptop", "battery", "charger", "docking", "monitor", "display", "keyboard", "touchpad", "hinge"]),
    ("Updates", &["update", "updates", "patch", "reboot", "restart", "restarting", "restarts", "pending", "rollback"]),
    ("Files", &["onedrive", "sharepoint", "sync", "syncing", "folder", "permissions", "restore", "backup", "deleted"]),
    ("Telephony", &["phone", "softphone", "voicemail", "extension", "desk", "transfer", "forwarding", "dialling"]),
    ("Accounts", &["account", "onboarding", "offboarding", "licence", "access", "request", "approval", "leaver"]),
    ("Browsers", &["browser", "chrome", "edge", "firefox", "cache", "cookies", "bookmarks", "popup", "homepage"]),
    ("Security", &["phishing", "malware", "antivirus", "quarantine", "suspicious", "encryption", "bitlocker", "spam"]),
    ("Finance apps", &["invoice", "invoices", "erp", "accounting", "payroll", "report", "reports", "export", "ledger"]),
    ("Network", &["server", "network", "switch", "firewall", "dns", "dhcp", "outage", "latency", "cabling"]),
    ("Mobile", &["mobile", "iphone", "android", "intune", "enrol", "enrolment", "app", "apps", "tablet"]),
    ("Software", &["install", "installation", "uninstall", "software", "catalogue", "chocolatey", "homebrew", "setup"]),
    ("Remote desktop", &["rdp", "desktop", "session", "connection", "disconnected", "freeze", "frozen", "citrix"]),
    ("Storage", &["disk", "drive", "storage", "space", "quota", "usb", "external", "nas", "cleanup"]),
    ("Identity", &["sso", "saml", "directory", "group", "groups", "role", "roles", "federation", "conditional"]),
    ("Databases", &["database", "sql", "query", "queries", "index", "timeout", "deadlock", "migration", "schema"]),
    ("Web sites", &["website", "domain", "ssl", "hosting", "wordpress", "plugin", "redirect", "cms", "ftp"]),
    ("Hardware", &["hardware", "warranty", "replacement", "repair", "fan", "overheating", "noise", "motherboard"]),
    ("CRM", &["crm", "contacts", "leads", "pipeline", "opportunity", "salesforce", "dynamics", "campaign"]),
];

const FUNCTION_WORDS: &[&str] = &[
    "the", "to", "and", "a", "of", "you", "your", "in", "is", "it", "for", "on", "that", "this", "with", "be", "if",
    "can", "or", "are", "as", "not", "from", "at", "by", "will", "when", "have", "an", "then", "so", "we", "our",
    "there", "which", "all", "one", "do", "does", "has", "was", "into", "out", "up", "no", "more", "only", "any",
];

const GENERAL_WORDS: &[&str] = &[
    "user",
    "users",
    "computer",
    "device",
    "settings",
    "error",
    "message",
    "issue",
    "problem",
    "click",
    "open",
    "select",
    "button",
    "menu",
    "window",
    "screen",
    "start",
    "stop",
    "check",
    "try",
    "again",
    "working",
    "works",
    "fails",
    "failed",
    "missing",
    "new",
    "old",
    "after",
    "before",
    "minutes",
    "steps",
    "ticket",
    "support",
    "office",
    "home",
    "company",
    "admin",
    "portal",
    "login",
    "sign",
    "status",
    "contact",
    "help",
    "note",
    "first",
    "next",
    "finally",
    "confirm",
    "save",
    "changes",
    "option",
    "options",
    "tab",
    "page",
    "list",
    "name",
    "address",
    "email",
    "time",
    "day",
    "week",
    "slow",
    "fast",
    "quickly",
    "code",
    "version",
    "latest",
    "online",
    "offline",
    "connect",
    "connected",
    "configure",
    "configuration",
    "enable",
    "disable",
    "enabled",
    "disabled",
    "manager",
    "colleague",
    "team",
    "site",
    "floor",
    "building",
    "policy",
    "allowed",
    "blocked",
    "warning",
    "notification",
    "download",
    "upload",
    "link",
    "file",
    "files",
    "data",
    "cloud",
    "local",
    "machine",
    "windows",
    "macos",
    "linux",
    "service",
    "services",
    "technician",
    "remotely",
    "call",
    "phone",
    "morning",
    "evening",
    "weekend",
    "holiday",
    "urgent",
    "priority",
    "normal",
    "expected",
    "unexpected",
    "suddenly",
    "always",
    "never",
    "sometimes",
    "still",
];

const SYLLABLES: &[&str] = &[
    "ba", "ko", "ri", "tan", "vel", "mor", "qui", "dex", "lo", "nar", "pe", "sil", "tor", "un", "vak", "zem", "fi",
    "gro", "hal", "jin", "ket", "lum", "mia", "nox", "ost", "pra", "rem", "sua", "tix", "ul",
];

const TERRITORIES: &[&str] = &["EMEA", "DACH", "AMER", "APAC", "LATAM"];
const CLASSIFICATIONS: &[&str] = &["managed", "premium", "basic", "break-fix"];

struct Words {
    long_tail: Vec<String>,
    /// Names of the things articles are about (products, sites, systems).
    subjects: Vec<String>,
    function: WeightedIndex<f64>,
    general: WeightedIndex<f64>,
    tail: WeightedIndex<f64>,
}

fn zipf(n: usize, s: f64) -> WeightedIndex<f64> {
    WeightedIndex::new((1..=n).map(|r| 1.0 / (r as f64).powf(s))).expect("positive weights")
}

impl Words {
    fn new(rng: &mut StdRng) -> Self {
        let mut long_tail: Vec<String> = (0..6000)
            .map(|_| {
                let n = rng.gen_range(2..=4);
                (0..n).map(|_| *SYLLABLES.choose(rng).expect("syllables")).collect::<String>()
            })
            .collect();
        long_tail.sort();
        long_tail.dedup();
        long_tail.shuffle(rng);
        let subjects = long_tail.split_off(long_tail.len() - 2500);
        Self {
            subjects,
            function: zipf(FUNCTION_WORDS.len(), 0.9),
            general: zipf(GENERAL_WORDS.len(), 0.8),
            tail: zipf(long_tail.len(), 1.0),
            long_tail,
        }
    }

    /// One word of an article.
    fn word<'a>(&'a self, rng: &mut StdRng, focus: &Focus<'a>) -> &'a str {
        match rng.gen_range(0..100) {
            0..=39 => FUNCTION_WORDS[self.function.sample(rng)],
            40..=67 => GENERAL_WORDS[self.general.sample(rng)],
            68..=81 => focus.words.choose(rng).expect("focus words"),
            82..=85 => focus.topic.choose(rng).expect("topic words"),
            86..=91 => focus.subjects.choose(rng).expect("subjects"),
            _ => &self.long_tail[self.tail.sample(rng)],
        }
    }

    fn sentence(&self, rng: &mut StdRng, focus: &Focus<'_>, len: std::ops::RangeInclusive<usize>) -> String {
        let mut out = String::new();
        for i in 0..rng.gen_range(len) {
            let word = self.word(rng, focus);
            if i == 0 {
                out.push_str(&title_case(word));
            } else {
                out.push(' ');
                out.push_str(word);
            }
        }
        out.push('.');
        out
    }
}

/// What one article is about: a topic, three of its words, one or two named things.
struct Focus<'a> {
    topic: &'a [&'a str],
    words: Vec<&'a str>,
    subjects: Vec<&'a str>,
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Where to write sample input for load tests, made from the generated articles' own words:
/// search queries (one per line, URL-encoded: one to three words of an article's subject and
/// topic, as people search) and ticket drafts (one JSON body of the suggestions endpoint per line).
pub struct Samples {
    pub queries: std::path::PathBuf,
    pub drafts: std::path::PathBuf,
    /// The queries that name an article's subject: the selective ones.
    pub specific: Option<std::path::PathBuf>,
    pub count: usize,
}

/// Adds `count` generated articles to the demo tenant (loaded first if needed), with 60 more
/// companies across territories and classifications and a category per topic.
pub fn generate(
    db: &Db,
    hasher: &PasswordHasherConfig,
    count: usize,
    seed_value: u64,
    samples: Option<&Samples>,
) -> anyhow::Result<()> {
    seed::demo(db, hasher)?;
    let mut conn = db.conn()?;
    let tenant = tenants::find_by_slug(&mut conn, seed::DEMO_TENANT)?.id;
    let author = users::find_by_email(&mut conn, tenant, "tech@demo.example").context("the demo technician")?.id;
    let mut rng = StdRng::seed_from_u64(seed_value);
    let words = Words::new(&mut rng);

    let (company_ids, categories) = write_tx(&mut conn, |conn| -> anyhow::Result<_> {
        let now = Utc::now();
        let mut ids: Vec<CompanyId> =
            companies::list(conn, tenant, None, None, None, 200)?.items.into_iter().map(|c| c.id).collect();
        for i in ids.len()..60 {
            let fields = CompanyFields {
                name: format!("Bench company {i}"),
                parent_company_id: None,
                territory: Some((*TERRITORIES.choose(&mut rng).expect("territories")).into()),
                classification: Some((*CLASSIFICATIONS.choose(&mut rng).expect("classifications")).into()),
                portal_overrides: Default::default(),
            };
            ids.push(companies::create(conn, tenant, &fields, now)?.id);
        }
        let mut categories = Vec::new();
        for (name, _) in TOPICS {
            let name = format!("{name} (generated)");
            categories.push(kb::create_category(conn, tenant, None, &name, "", now)?.id);
        }
        Ok((ids, categories))
    })?;

    let started = std::time::Instant::now();
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(1000);
        write_tx(&mut conn, |conn| -> anyhow::Result<()> {
            for _ in 0..batch {
                insert_one(conn, tenant, author, &words, &mut rng, &company_ids, &categories)?;
            }
            Ok(())
        })?;
        done += batch;
        if done % 10_000 == 0 || done == count {
            eprintln!("{done} articles ({:.0}/s)", done as f64 / started.elapsed().as_secs_f64());
        }
    }
    if let Some(samples) = samples {
        write_samples(&words, &mut rng, samples)?;
    }
    Ok(())
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn write_samples(words: &Words, rng: &mut StdRng, samples: &Samples) -> anyhow::Result<()> {
    let mut queries = String::new();
    let mut specific = String::new();
    let mut drafts = String::new();
    for _ in 0..samples.count {
        let topic = TOPICS[rng.gen_range(0..TOPICS.len())].1;
        let focus = Focus {
            topic,
            words: topic.choose_multiple(rng, 3).copied().collect(),
            subjects: vec![words.subjects.choose(rng).expect("subjects").as_str()],
        };
        let general = GENERAL_WORDS[words.general.sample(rng)];
        // A quarter one word, half two, a quarter three; a third name the subject.
        let query: Vec<&str> = match rng.gen_range(0..12) {
            0..=1 => vec![focus.words[0]],
            2 => vec![focus.subjects[0]],
            3..=5 => vec![focus.words[0], focus.words[1]],
            6..=7 => vec![focus.subjects[0], focus.words[0]],
            8 => vec![focus.words[0], general],
            9..=10 => vec![focus.subjects[0], focus.words[0], focus.words[1]],
            _ => vec![focus.words[0], focus.words[1], general],
        };
        let line = url_encode(&query.join(" ")) + "\n";
        if query.contains(&focus.subjects[0]) {
            specific.push_str(&line);
        }
        queries.push_str(&line);
        let title = format!("{} {} {}", title_case(focus.subjects[0]), focus.words[0], general);
        let description = words.sentence(rng, &focus, 10..=25);
        let body = serde_json::json!({"title": title, "description": description, "limit": 5});
        drafts.push_str(&body.to_string());
        drafts.push('\n');
    }
    std::fs::write(&samples.queries, queries).with_context(|| samples.queries.display().to_string())?;
    std::fs::write(&samples.drafts, drafts).with_context(|| samples.drafts.display().to_string())?;
    if let Some(path) = &samples.specific {
        std::fs::write(path, specific).with_context(|| path.display().to_string())?;
    }
    Ok(())
}

fn insert_one(
    conn: &mut DbConnection,
    tenant: TenantId,
    author: UserId,
    words: &Words,
    rng: &mut StdRng,
    companies: &[CompanyId],
    categories: &[CategoryId],
) -> anyhow::Result<()> {
    let t = rng.gen_range(0..TOPICS.len());
    let topic = TOPICS[t].1;
    let n = rng.gen_range(1..=2);
    let focus = Focus {
        topic,
        words: topic.choose_multiple(rng, 3).copied().collect(),
        subjects: words.subjects.choose_multiple(rng, n).map(String::as_str).collect(),
    };
    let title = {
        let lead = if rng.gen_bool(0.5) { focus.subjects[0] } else { focus.words[0] };
        let mut parts: Vec<String> = vec![title_case(lead), focus.words[1].to_owned()];
        for _ in 0..rng.gen_range(1..=4) {
            parts.push(words.word(rng, &focus).to_owned());
        }
        parts.join(" ")
    };
    let summary = words.sentence(rng, &focus, 8..=16);
    let mut body = String::new();
    for paragraph in 0..rng.gen_range(3..=6) {
        if paragraph > 0 && rng.gen_bool(0.3) {
            body.push_str(&format!("## {}\n\n", title_case(focus.words.choose(rng).expect("focus words"))));
        }
        let sentences: Vec<String> = (0..rng.gen_range(2..=5)).map(|_| words.sentence(rng, &focus, 8..=18)).collect();
        body.push_str(&sentences.join(" "));
        body.push_str("\n\n");
    }
    let n = rng.gen_range(1..=3);
    let tags: Vec<String> = focus.words.iter().take(n).map(|t| (*t).to_owned()).collect();
    let audience = match rng.gen_range(0..100) {
        0..=44 => Audience::AllCompanies,
        45..=64 => {
            let n = rng.gen_range(1..=3);
            let mut chosen: Vec<CompanyId> = companies.choose_multiple(rng, n).copied().collect();
            chosen.sort();
            Audience::Companies(chosen)
        }
        65..=79 => Audience::Territory((*TERRITORIES.choose(rng).expect("territories")).into()),
        80..=94 => Audience::Classification((*CLASSIFICATIONS.choose(rng).expect("classifications")).into()),
        _ => Audience::Internal,
    };
    let fields = kb::ArticleFields {
        category_id: Some(categories[t]),
        title,
        summary,
        body: body.trim_end().to_owned(),
        tags,
        language: Language::En,
        audience,
    };
    let now = Utc::now();
    let article = kb::create_article(conn, tenant, &fields, author, now)?;
    if rng.gen_bool(0.9) {
        kb::set_status(conn, tenant, article.id, ArticleStatus::Published, author, now)?;
    }
    Ok(())
}
