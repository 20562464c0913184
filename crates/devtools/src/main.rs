//! `clientdesk-dev`: what the benchmarks and scripts on a laptop need and production does not.
//! It reads the same configuration as `clientdesk` (CLIENTDESK_* variables, clientdesk.toml).

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, Subcommand};
use clientdesk_devtools::{bench_agent, bench_data, bench_outbox, kbgen};
use clientdesk_persistence::{tenants, users};
use clientdesk_server::config::Config;
use clientdesk_server::{seed, startup};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "clientdesk-dev", version, about = "Development tools for clientdesk: benchmark data, tokens")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Benchmark data: companies and tickets for the demo tenant (see bench/).
    BenchData {
        #[arg(long, default_value_t = 1000)]
        companies: u64,
        #[arg(long)]
        tickets: u64,
    },
    /// SLA report benchmark: tickets with their history in pat.plus's first company, opened over
    /// the 30 days from `--month-start`; prints the company's id (see bench/sla.sh).
    BenchSla {
        #[arg(long, default_value_t = 100_000)]
        tickets: u64,
        #[arg(long, default_value = "2026-11-01")]
        month_start: String,
    },
    /// Add generated knowledge-base articles to the demo tenant (for benchmarks).
    DemoKb {
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Also write sample search queries (URL-encoded, one a line) to this file...
        #[arg(long, requires = "drafts")]
        queries: Option<std::path::PathBuf>,
        /// ... and sample ticket drafts (JSON bodies for suggestions, one a line) to this one.
        #[arg(long, requires = "queries")]
        drafts: Option<std::path::PathBuf>,
        /// The sample queries that name an article's subject (the selective ones), to this file.
        #[arg(long, requires = "queries")]
        specific: Option<std::path::PathBuf>,
    },
    /// Outbox throughput: queue e-mails in the demo tenant and deliver them to an in-process SMTP
    /// sink (see bench/outbox.sh).
    BenchOutbox {
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
        #[arg(long, default_value_t = 1)]
        workers: usize,
    },
    /// Agent-login benchmark: enable the demo tenant's RMM integration with a fresh secret and add
    /// a device used by Fred Fabrikam; prints `client secret agentguid machineid groupid` (see
    /// bench/agent.sh).
    BenchAgentSetup,
    /// Print an access token for a user of the demo tenant (for benchmarks and scripts on a
    /// laptop; it needs the signing key, so it is an operator's tool).
    Token {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = seed::DEMO_TENANT)]
        tenant: String,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("CLIENTDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::BenchOutbox { messages, workers } => {
            let config = Config::load()?;
            tokio::runtime::Runtime::new()?.block_on(bench_outbox::run(&config, messages, workers.max(1)))
        }
        Command::BenchData { companies, tickets } => {
            let config = Config::load()?;
            let state = startup::state(&config)?;
            let started = std::time::Instant::now();
            let total = bench_data::tickets(&state.db, companies, tickets)?;
            eprintln!("{total} tickets in the demo tenant ({:.1} s)", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::BenchSla { tickets, month_start } => {
            chrono::NaiveDate::parse_from_str(&month_start, "%Y-%m-%d").context("--month-start is YYYY-MM-DD")?;
            let config = Config::load()?;
            let state = startup::state(&config)?;
            let started = std::time::Instant::now();
            let company = bench_data::sla_history(&state.db, tickets, &month_start)?;
            eprintln!("{tickets} tickets with history in company {company} ({:.1} s)", started.elapsed().as_secs_f64());
            println!("{company}");
            Ok(())
        }
        Command::DemoKb { articles, seed, queries, drafts, specific } => {
            let config = Config::load()?;
            let state = startup::state(&config)?;
            let samples =
                queries.zip(drafts).map(|(queries, drafts)| kbgen::Samples { queries, drafts, specific, count: 1000 });
            kbgen::generate(&state.db, &state.hasher, articles, seed, samples.as_ref())
        }
        Command::BenchAgentSetup => {
            let config = Config::load()?;
            let state = startup::state(&config)?;
            seed::demo(&state.db, &state.hasher)?;
            let bench = bench_agent::setup(&state.db)?;
            let ids = &bench.ids;
            println!("{} {} {} {} {}", bench.client, bench.secret, ids.agent_guid, ids.machine_id, ids.group_id);
            Ok(())
        }
        Command::Token { email, tenant } => {
            let config = Config::load()?;
            let state = startup::state(&config)?;
            let mut conn = state.db.conn()?;
            let tenant = tenants::find_by_slug(&mut conn, &tenant).context("no such tenant")?;
            let user = users::find_by_email(&mut conn, tenant.id, &email.to_lowercase()).context("no such user")?;
            let token = state.keys.issue_access(
                user.id.0,
                tenant.id.0,
                user.staff_role.is_some(),
                vec!["pwd".into(), "otp".into()],
                user.auth_version,
                "cli",
                Utc::now(),
            );
            println!("{token}");
            Ok(())
        }
    }
}
