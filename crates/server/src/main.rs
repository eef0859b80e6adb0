//! The `onsite-server` binary: parses the command line, opens the database, optionally seeds
//! the demo data, binds, prints the one line the test harness and `cargo xtask serve` wait for
//! (`onsite-server listening on http://IP:PORT`), and serves until Ctrl-C or SIGTERM, then shuts
//! down gracefully. Logs go to stderr; stdout carries only that line.
//!
//! `onsite-server user add|disable|enable|reset-password|list` manages accounts on the
//! database directly (the first admin of a new deployment), with the same rules and audit log
//! as the admin's API (`onsite_server::accounts`); it can run while the server does.

use clap::Parser;
use onsite_server::ratelimit::RateLimit;
use onsite_server::{AppState, Config, demo, serve};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "onsite-server", version, about = "Onsite's sync and dispatch server")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The SQLite database file (created when missing).
    /// Default: $ONSITE_DATA_DIR/onsite.db, where ONSITE_DATA_DIR defaults to
    /// $XDG_DATA_HOME/onsite or $HOME/.local/share/onsite.
    #[arg(long, env = "ONSITE_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "IP:PORT")]
    addr: std::net::SocketAddr,
    /// The built app to serve (Trunk's dist/); served only if it exists.
    #[arg(long, default_value = "dist", value_name = "DIR")]
    static_dir: PathBuf,
    /// Seed demo accounts and jobs if the database has no users.
    #[arg(long)]
    demo: bool,
    /// How long an access token lasts, in minutes (refresh tokens last 30 days). Longer only
    /// while deployed apps cannot refresh yet.
    #[arg(long, env = "ONSITE_ACCESS_TTL_MINUTES", default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=43_200))]
    access_ttl_minutes: u32,
    /// Requests per bearer token: `PER_SECOND/BURST` (default 20/60), or `off`.
    #[arg(long, env = "ONSITE_RATE_LIMIT", default_value = "20/60", value_parser = parse_rate_limit)]
    rate_limit: RateLimitArg,
    /// Log-in attempts per client address: `PER_SECOND/BURST` (default 1/30), or `off`. Waits
    /// after failed log-ins and the cap on password checks hold either way.
    #[arg(long, env = "ONSITE_LOGIN_RATE", default_value = "1/30", value_parser = parse_rate_limit)]
    login_rate: RateLimitArg,
    /// The company's name, printed on every visit report.
    #[arg(long, env = "ONSITE_COMPANY", default_value = "Onsite", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    company: String,
    /// Days a finished, fully synced job stays on the phones (the server keeps everything).
    #[arg(long, env = "ONSITE_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    retention_days: u32,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Manage accounts (without the server running, or while it runs).
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// Creates an account. Without --password-stdin a password is made up and printed, to be
    /// changed at the first log-in.
    Add {
        login: String,
        /// The person's name, as the desk and the reports show it.
        #[arg(long)]
        name: String,
        /// engineer, senior_engineer, dispatcher, manager or admin; repeat for several.
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<onsite_core::wire::Role>,
        /// The area (区域/站) an engineer works in.
        #[arg(long, default_value = "")]
        area: String,
        /// A kind of job the engineer is sent on (install, repair, renewal, inspection,
        /// it_repair); repeat for several.
        #[arg(long = "duty", value_parser = parse_kind)]
        duties: Vec<onsite_core::JobKind>,
        /// Read the password from the first line of standard input (kept as given).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disables an account: its tokens stop at once; its phone may still hand in unsynced work.
    Disable {
        login: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Enables a disabled account again.
    Enable { login: String },
    /// Sets a new password, to be changed at the next log-in (made up and printed without
    /// --password-stdin).
    ResetPassword {
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lists the accounts.
    List,
}

fn parse_role(s: &str) -> Result<onsite_core::wire::Role, String> {
    onsite_core::wire::Role::parse(s).ok_or_else(|| {
        let all: Vec<&str> = onsite_core::wire::Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("{s:?} is not a role: one of {}", all.join(", "))
    })
}

fn parse_kind(s: &str) -> Result<onsite_core::JobKind, String> {
    serde_json::from_value(serde_json::Value::String(s.into()))
        .map_err(|_| format!("{s:?} is not a kind of job: install, repair, renewal, inspection or it_repair"))
}

/// A password from the first line of standard input, or one made up (printed once).
fn password(from_stdin: bool) -> Result<(String, bool), String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read standard input: {e}"))?;
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        onsite_core::access::check_password(&line).map_err(|e| e.to_string())?;
        return Ok((line, false));
    }
    let made: String = onsite_server::auth::new_token().chars().take(12).collect();
    Ok((made, true))
}

/// Runs `onsite-server user ...` on the database at `db_path`.
fn user_command(db_path: &std::path::Path, command: UserCommand) -> Result<(), String> {
    use onsite_server::accounts;
    let mut conn =
        onsite_server::db::open(db_path).map_err(|e| format!("cannot open {}: {e}", db_path.display()))?;
    let fail = |e: onsite_server::error::Error| e.to_string();
    let mut out = std::io::stdout().lock();
    let mut say = |line: String| writeln!(out, "{line}").map_err(|e| format!("cannot write to stdout: {e}"));
    match command {
        UserCommand::Add { login, name, roles, area, duties, password_stdin } => {
            let (password, made_up) = password(password_stdin)?;
            let new = onsite_core::wire::NewAccount { login, name, roles, password, area, duties };
            accounts::check_new(&new).map_err(fail)?;
            let hash = onsite_server::auth::hash_password(&new.password).map_err(fail)?;
            let account = accounts::create(&mut conn, None, &new, &hash, made_up).map_err(fail)?;
            say(format!("created {} ({})", account.login, roles_text(&account.roles)))?;
            if made_up {
                say(format!("password: {} (to be changed at the first log-in)", new.password))?;
            }
        }
        UserCommand::Disable { login, reason } => {
            let account = accounts::set_disabled(&mut conn, None, &login, true, &reason).map_err(fail)?;
            say(format!("disabled {}", account.login))?;
        }
        UserCommand::Enable { login } => {
            let account = accounts::set_disabled(&mut conn, None, &login, false, "").map_err(fail)?;
            say(format!("enabled {}", account.login))?;
        }
        UserCommand::ResetPassword { login, password_stdin } => {
            let (password, _) = password(password_stdin)?;
            let hash = onsite_server::auth::hash_password(&password).map_err(fail)?;
            let account = accounts::reset_password(&mut conn, None, &login, &hash).map_err(fail)?;
            say(format!("password set for {} (to be changed at the next log-in)", account.login))?;
            if !password_stdin {
                say(format!("password: {password}"))?;
            }
        }
        UserCommand::List => {
            for a in accounts::list(&conn).map_err(fail)? {
                let state = if a.disabled { " disabled" } else { "" };
                say(format!("{}\t{}\t{}\t{}{state}", a.login, a.name, roles_text(&a.roles), a.area))?;
            }
        }
    }
    Ok(())
}

fn roles_text(roles: &[onsite_core::wire::Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

#[derive(Clone, Debug)]
struct RateLimitArg(Option<RateLimit>);

fn parse_rate_limit(s: &str) -> Result<RateLimitArg, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(RateLimitArg(None));
    }
    let bad = || format!("{s:?}: expected PER_SECOND/BURST (like 20/60) or off");
    let (rate, burst) = s.split_once('/').ok_or_else(bad)?;
    let per_second: f64 = rate.trim().parse().map_err(|_| bad())?;
    let burst: u32 = burst.trim().parse().map_err(|_| bad())?;
    if !(per_second.is_finite() && per_second > 0.0 && burst > 0) {
        return Err(bad());
    }
    Ok(RateLimitArg(Some(RateLimit { per_second, burst })))
}

/// `$ONSITE_DATA_DIR`, else `$XDG_DATA_HOME/onsite`, else `$HOME/.local/share/onsite`.
fn data_dir() -> Result<PathBuf, String> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("ONSITE_DATA_DIR") {
        return Ok(dir);
    }
    if let Some(xdg) = var("XDG_DATA_HOME") {
        return Ok(xdg.join("onsite"));
    }
    var("HOME")
        .map(|home| home.join(".local/share/onsite"))
        .ok_or_else(|| "no --db given and neither ONSITE_DATA_DIR, XDG_DATA_HOME nor HOME is set".into())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn run(args: Args) -> Result<(), String> {
    let db_path = match args.db {
        Some(path) => path,
        None => data_dir()?.join("onsite.db"),
    };
    if let Some(parent) = db_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    if let Some(Command::User(command)) = args.command {
        return tokio::task::spawn_blocking(move || user_command(&db_path, command))
            .await
            .map_err(|e| format!("the account command stopped: {e}"))?;
    }
    let static_dir = args.static_dir.is_dir().then_some(args.static_dir);
    let config = Config {
        static_dir,
        rate_limit: args.rate_limit.0,
        login_rate: args.login_rate.0,
        settings: onsite_core::wire::Settings { company: args.company, retention_days: args.retention_days },
        token_ttl: chrono::Duration::minutes(i64::from(args.access_ttl_minutes)),
        ..Config::new(&db_path)
    };
    match config.rate_limit {
        Some(l) => tracing::info!(per_second = l.per_second, burst = l.burst, "rate limit per token"),
        None => tracing::warn!("rate limit off"),
    }
    let state = AppState::open(&config).map_err(|e| format!("cannot open {}: {e}", db_path.display()))?;
    tracing::info!(db = %db_path.display(), "database open");
    match &config.static_dir {
        Some(dir) => tracing::info!(dir = %dir.display(), "serving the app"),
        None => tracing::info!("no static directory: serving the API only"),
    }
    if args.demo {
        let seeded = state.db.run(demo::seed).await.map_err(|e| format!("cannot seed demo data: {e}"))?;
        if seeded {
            tracing::info!("demo data seeded");
        }
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the bound address: {e}"))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "onsite-server listening on http://{addr}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(stdout);
    serve(listener, state, shutdown_signal()).await.map_err(|e| format!("server error: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info")),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("onsite-server: {message}");
            ExitCode::FAILURE
        }
    }
}
