//! The `clientdesk` command: serve, worker, migrate, openapi, bootstrap, demo, and the rotations of
//! the master key and of a tenant's vault data key.

use clap::{Parser, Subcommand};
use clientdesk_app::crypto::password::PasswordHasherConfig;
use clientdesk_persistence::Db;
use clientdesk_server::config::Config;
use clientdesk_server::seed;
use clientdesk_server::startup::{self, Application};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "clientdesk", version, about = "The customer-portal back end of an MSP")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API.
    Serve {
        /// Load the demo tenant first (and print how to sign in).
        #[arg(long)]
        demo: bool,
    },
    /// Deliver the outbox (e-mail, SMS, webhooks) without serving the API, until interrupted.
    Worker,
    /// Apply pending database migrations.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Create a tenant and its first provider admin; prints a one-time set-password token.
    Bootstrap {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        tenant_name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long, default_value = "Provider Admin")]
        admin_name: String,
    },
    /// Load the demo tenant and print how to sign in.
    Demo,
    /// Rewrap every data key under the new master key given in CLIENTDESK_NEW_MASTER_KEY (hex),
    /// the current one being CLIENTDESK_MASTER_KEY; sealed values are not rewritten. Stop the
    /// servers first and start them again with the new key.
    RotateMasterKey,
    /// Give a tenant's documentation vault a new data key and re-encrypt its entries under it,
    /// in batches, while the servers keep serving.
    RotateVaultKey {
        #[arg(long)]
        tenant: String,
        /// Entries re-encrypted per transaction.
        #[arg(long, default_value_t = 200)]
        batch: i64,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("CLIENTDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi => {
            println!("{}", clientdesk_http::openapi::document_json());
            Ok(())
        }
        Command::Worker => {
            let config = Config::load()?;
            tokio::runtime::Runtime::new()?.block_on(async move {
                let db = Db::connect(&config.database_url, 4)?;
                db.migrate()?;
                let worker = startup::worker(&config, db)?;
                let (stop, stopped) = tokio::sync::watch::channel(false);
                let running = tokio::spawn(worker.run(stopped));
                startup::shutdown_signal().await?;
                stop.send_replace(true);
                running.await?;
                Ok(())
            })
        }
        Command::Migrate => {
            let config = Config::load()?;
            let db = Db::connect(&config.database_url, 1)?;
            let applied = db.migrate()?;
            println!("applied {} migration(s): {applied:?}", applied.len());
            Ok(())
        }
        Command::Bootstrap { tenant, tenant_name, admin_email, admin_name } => {
            let config = Config::load()?;
            let db = Db::connect(&config.database_url, 1)?;
            db.migrate()?;
            let done = seed::bootstrap(&db, &tenant, &tenant_name, &admin_email, &admin_name)?;
            println!("Created tenant {tenant:?} (id {}) and provider admin {admin_email}.", done.tenant_id);
            println!("Set the admin's password within 24 hours (one-time token):");
            println!(
                "  curl -X POST http://{}/api/v1/auth/password -H 'content-type: application/json' \\",
                config.listen
            );
            println!("    -d '{{\"token\": \"{}\", \"password\": \"<a long passphrase>\"}}'", done.set_password_token);
            println!("The first sign-in then enrols an authenticator app (2FA is required for staff by default).");
            Ok(())
        }
        Command::RotateMasterKey => {
            let config = Config::load()?;
            if std::env::var_os("CLIENTDESK_MASTER_KEY").is_none() {
                anyhow::bail!("set CLIENTDESK_MASTER_KEY to the current master key (for a generated one, the content of data_dir/master-key)");
            }
            let new = std::env::var("CLIENTDESK_NEW_MASTER_KEY").map_err(|_| {
                anyhow::anyhow!("set CLIENTDESK_NEW_MASTER_KEY to the new master key (64 hex characters)")
            })?;
            let new: [u8; 32] = hex::decode(new.trim())
                .ok()
                .and_then(|k| k.try_into().ok())
                .ok_or_else(|| anyhow::anyhow!("CLIENTDESK_NEW_MASTER_KEY must be 64 hex characters"))?;
            let db = Db::connect(&config.database_url, 1)?;
            db.migrate()?;
            let done = clientdesk_app::vault_entries::rotate_master_key(&db, config.master_key, new)
                .map_err(|e| anyhow::anyhow!("the rotation changed nothing: {e:?}"))?;
            println!(
                "Rewrapped {} data key(s) and the keys carried by {} row(s) under the new master key.",
                done.data_keys, done.carried_keys
            );
            println!("Start every process with CLIENTDESK_MASTER_KEY set to the new key, and back it up.");
            Ok(())
        }
        Command::RotateVaultKey { tenant, batch } => {
            let config = Config::load()?;
            clientdesk_persistence::vault::install(config.master_key).map_err(anyhow::Error::msg)?;
            let db = Db::connect(&config.database_url, 1)?;
            db.migrate()?;
            let mut conn = db.conn()?;
            let found = clientdesk_persistence::tenants::find_by_slug(&mut conn, &tenant)?;
            drop(conn);
            let done = clientdesk_app::vault_entries::rotate_data_key(&db, found.id, batch.max(1))
                .map_err(|e| anyhow::anyhow!("the rotation stopped: {e:?}"))?;
            println!(
                "Tenant {tenant:?}: vault data key version {}, {} entr(ies) re-encrypted, {} old key(s) dropped.",
                done.version, done.reencrypted, done.dropped_keys
            );
            Ok(())
        }
        Command::Demo => {
            let config = Config::load()?;
            let state = startup::state(&config)?;
            print_demo(&state.db, &state.hasher, &config)
        }
        Command::Serve { demo } => {
            let config = Config::load()?;
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(&config)?;
                if demo {
                    print_demo(&app.state().db, &app.state().hasher, &config)?;
                }
                let port = app.port();
                let host = config.listen.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h).to_owned();
                tracing::info!(database = %redact(&config.database_url), "clientdesk listening on http://{host}:{port}");
                eprintln!("\nclientdesk is listening on http://{host}:{port} — Swagger UI: http://{host}:{port}/docs/\n");
                let stopper = app.stopper();
                actix_web::rt::spawn(async move {
                    match startup::shutdown_signal().await {
                        Ok(()) => stopper.stop(),
                        Err(error) => tracing::error!(%error, "cannot listen for stop signals"),
                    }
                });
                app.run_until_stopped().await?;
                Ok(())
            })
        }
    }
}

/// The database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://***@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

fn print_demo(db: &Db, hasher: &PasswordHasherConfig, config: &Config) -> anyhow::Result<()> {
    let demo = seed::demo(db, hasher)?;
    let verb = if demo.created { "Loaded" } else { "Found" };
    println!(
        "{verb} the demo tenant {:?}. Every demo user's password is {:?}.",
        seed::DEMO_TENANT,
        seed::DEMO_PASSWORD
    );
    println!("Sign in with POST /api/v1/auth/login {{\"tenant\": \"demo\", \"email\": ..., \"password\": ...}}, then");
    println!("POST /api/v1/auth/mfa/verify with the mfa_token and the current code of the user's TOTP secret");
    println!("(add the secret to an authenticator app, or: oathtool --totp -b <secret>).\n");
    println!("{:<32} {:<40} TOTP secret", "e-mail", "roles");
    for user in demo.users {
        println!(
            "{:<32} {:<40} {}",
            user.email,
            user.what,
            user.totp_secret.as_deref().unwrap_or("(none: 2FA optional)")
        );
    }
    println!("\nSwagger UI: http://{}/docs/", config.listen);
    Ok(())
}
