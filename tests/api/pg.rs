//! PostgreSQL for the tests: one database per test, cloned from a migrated template.
//!
//! The server is `TEST_DATABASE_URL` if set; otherwise one throwaway cluster per test process,
//! started in a temp directory on a free port. initdb and postgres refuse to run as root, so as
//! root they run as the `postgres` system user. Statics are never dropped, so a detached watchdog
//! stops the cluster and removes its directory once the test process has exited.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

const TEMPLATE: &str = "clientdesk_template";
const DEFAULT_PG_BIN: &str = "/usr/lib/postgresql/15/bin";
const INITDB_OPTIONS: [&str; 8] = ["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"];

struct Server {
    /// URL of the server with the database name left for [`database_url`] to fill in.
    base_url: String,
    /// Connection to the `postgres` maintenance database. Behind a mutex because PostgreSQL
    /// refuses concurrent `CREATE DATABASE ... TEMPLATE` of one template.
    admin: Mutex<PgConnection>,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The URL of a new, migrated database of its own for one test. Panics if PostgreSQL is
/// unavailable: these tests are never skipped.
pub fn fresh_database_url() -> String {
    let server = server();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let name = format!("test_{}_{}_{nanos}", std::process::id(), NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let mut admin = server.admin.lock().unwrap_or_else(|e| e.into_inner());
    admin
        .batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE {TEMPLATE}"))
        .unwrap_or_else(|e| panic!("PostgreSQL: cannot create database {name}: {e}"));
    database_url(&server.base_url, &name)
}

/// Drops a database made by [`fresh_database_url`], disconnecting whoever still uses it.
pub fn drop_database(url: &str) {
    let server = server();
    let name = database_name(url);
    let mut admin = server.admin.lock().unwrap_or_else(|e| e.into_inner());
    if let Err(e) = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")) {
        eprintln!("PostgreSQL: cannot drop database {name}: {e}");
    }
}

fn server() -> &'static Server {
    match SERVER.get_or_init(init_server) {
        Ok(server) => server,
        Err(e) => {
            panic!("PostgreSQL for the tests is unavailable (set TEST_DATABASE_URL, or install PostgreSQL 15): {e}")
        }
    }
}

fn init_server() -> Result<Server, String> {
    let base_url = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ => start_cluster()?,
    };
    let mut admin = PgConnection::establish(&database_url(&base_url, "postgres"))
        .map_err(|e| format!("cannot connect to {base_url}: {e}"))?;
    // A template left by an earlier run on a shared server may predate the current migrations.
    // Two calls: in one batch the statements would share an implicit transaction, which
    // DROP/CREATE DATABASE refuse.
    for statement in [format!("DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"), format!("CREATE DATABASE {TEMPLATE}")]
    {
        admin.batch_execute(&statement).map_err(|e| format!("cannot create {TEMPLATE}: {e}"))?;
    }
    {
        let db = clientdesk_persistence::Db::connect(&database_url(&base_url, TEMPLATE), 1)
            .map_err(|e| format!("cannot connect to {TEMPLATE}: {e}"))?;
        db.migrate().map_err(|e| format!("cannot migrate {TEMPLATE}: {e}"))?;
        // Dropping the pool closes its connection: no session may remain on a template being cloned.
    }
    Ok(Server { base_url, admin: Mutex::new(admin) })
}

/// Starts the shared cluster in a new temp directory and returns its URL; the watchdog removes it.
fn start_cluster() -> Result<String, String> {
    let cluster = Cluster::create()?;
    let url = cluster.url.clone();
    std::mem::forget(cluster);
    Ok(url)
}

/// A cluster in a temp directory of its own, on a free port: for tests that stop and start their
/// database, never the shared one. Stopped and removed when dropped (or by its watchdog when the
/// test process dies first).
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    options: String,
    as_root: bool,
    /// The `postgres` database of the cluster.
    pub url: String,
}

impl Cluster {
    pub fn create() -> Result<Self, String> {
        let bin = PathBuf::from(std::env::var("PG_BIN").unwrap_or_else(|_| DEFAULT_PG_BIN.to_owned()));
        if !bin.join("initdb").exists() {
            return Err(format!("{} not found", bin.join("initdb").display()));
        }
        let as_root = is_root();
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("clientdesk-pg-{}-{nanos}", std::process::id()));
        let data = dir.join("data");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if as_root {
            run(Command::new("chown").arg("postgres:postgres").arg(&dir), "chown")?;
        }
        // Registered before initdb so that the directory goes even if the start fails half way.
        spawn_watchdog(&bin, &dir, &data, as_root)?;

        run(pg_command(&bin, "initdb", as_root).arg("-D").arg(&data).args(INITDB_OPTIONS), "initdb")?;
        let port = free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300",
            dir.display()
        );
        let cluster =
            Self { bin, dir, data, options, as_root, url: format!("postgres://postgres@127.0.0.1:{port}/postgres") };
        cluster.start()?;
        Ok(cluster)
    }

    /// Starts the cluster and waits until it accepts connections.
    pub fn start(&self) -> Result<(), String> {
        let log = self.dir.join("postgres.log");
        let started = run(
            pg_command(&self.bin, "pg_ctl", self.as_root).arg("-D").arg(&self.data).arg("-l").arg(&log).args([
                "-w",
                "-t",
                "60",
                "-o",
                &self.options,
                "start",
            ]),
            "pg_ctl start",
        );
        started.map_err(|e| format!("{e}\n--- postgres.log ---\n{}", std::fs::read_to_string(&log).unwrap_or_default()))
    }

    /// Stops the cluster as an operator's restart does: clients are told, then cut off.
    pub fn stop(&self) -> Result<(), String> {
        run(
            pg_command(&self.bin, "pg_ctl", self.as_root).arg("-D").arg(&self.data).args(["-w", "-m", "fast", "stop"]),
            "pg_ctl stop",
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = run(
            pg_command(&self.bin, "pg_ctl", self.as_root).arg("-D").arg(&self.data).args([
                "-w",
                "-m",
                "immediate",
                "stop",
            ]),
            "pg_ctl stop",
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A PostgreSQL binary, run as the `postgres` user when we are root.
fn pg_command(bin: &Path, program: &str, as_root: bool) -> Command {
    let program = bin.join(program);
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Stops the cluster and removes `dir` once this process is gone. It runs as us, in its own
/// process group, so that it can watch our pid and outlives a Ctrl-C aimed at the test run.
fn spawn_watchdog(bin: &Path, dir: &Path, data: &Path, as_root: bool) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let run_as = if as_root { "runuser -u postgres -- " } else { "" };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         if [ -f '{data}/postmaster.pid' ]; then {run_as}'{pg_ctl}' -D '{data}' stop -m immediate; fi; \
         rm -rf '{dir}'",
        pid = std::process::id(),
        data = data.display(),
        pg_ctl = bin.join("pg_ctl").display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map(drop)
        .map_err(|e| format!("cannot start the cleanup watchdog: {e}"))
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| format!("{what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// A port nobody listens on now. It could be taken before postgres binds it; unlikely enough.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Splits `postgres://user@host:port/name?params` into what precedes the name, the name and the
/// rest (with its `?`).
fn split_url(url: &str) -> (&str, &str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let Some(slash) = url[after_scheme..].find('/').map(|i| after_scheme + i) else {
        let query = url.find('?').unwrap_or(url.len());
        return (&url[..query], "", &url[query..]);
    };
    let query = url[slash..].find('?').map_or(url.len(), |i| slash + i);
    (&url[..slash], &url[slash + 1..query], &url[query..])
}

fn database_url(base_url: &str, name: &str) -> String {
    let (server, _, query) = split_url(base_url);
    format!("{server}/{name}{query}")
}

fn database_name(url: &str) -> &str {
    split_url(url).1
}
