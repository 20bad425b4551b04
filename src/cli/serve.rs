//! `scanfit serve`: its flags, turned into [`ServeOptions`], and the printed address.
//! Everything else is in the library's `serve` module.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use clap::{Args, ValueEnum};
use scanfit::serve::{
    RequestLog, RequestSink, ServeError, ServeOptions, Server, DEFAULT_DRAIN_TIMEOUT,
    DEFAULT_MAX_INPUT_BYTES,
};
use scanfit::words::{line, say, Args as WordArgs, Lang};
use scanfit::ByteSize;

use super::{setup_error, with_flags, ProfileArgs, RunArgs, SizeArg};

/// The port tried first when none is given; a free one is taken if it is busy.
const PREFERRED_PORT: u16 = 8080;

// Help texts are the catalogue's (`help-serve-*` in `help.ftl`).
#[derive(Args)]
pub(super) struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    listen: IpAddr,
    #[arg(long)]
    port: Option<u16>,
    #[arg(long)]
    open: bool,
    // A fresh token each start: a fixed one would sit in every QR code ever shown.
    #[arg(long, conflicts_with_all = ["token", "no_auth"])]
    lan: bool,
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_QUEUE, value_name = "REQUESTS")]
    queue: usize,
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_TIMEOUT.as_secs(), value_name = "SECS")]
    timeout: u64,
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_UPLOADS, value_name = "REQUESTS")]
    uploads: usize,
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_MAX_CONNECTIONS, value_name = "CONNECTIONS")]
    max_connections: usize,
    // The help names the variable in the run's language (clap's `[env: ...]` is English).
    #[arg(long, env = "SCANFIT_TOKEN", hide_env = true)]
    token: Option<String>,
    #[arg(long, conflicts_with = "token")]
    no_auth: bool,
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    #[arg(long, default_value_t = 0, value_name = "SECS")]
    drain_delay: u64,
    #[arg(long, default_value_t = DEFAULT_DRAIN_TIMEOUT.as_secs(), value_name = "SECS")]
    drain_timeout: u64,
    #[arg(long, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    log_format: LogFormat,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    run: RunArgs,
    /// Started by a double-click on the exe (see [`super::desktop`]): the console then
    /// says how to stop, in the words of a person who never typed a command.
    #[arg(skip)]
    pub(super) double_clicked: bool,
}

/// How the server logs.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    // The lines a person reads: the address, errors. No line per request.
    Text,
    // For a log collector: the address line as JSON, then one JSON line per request.
    Json,
}

/// The server's input limit as the flag shows it (clap keeps defaults as `&'static str`).
static MAX_INPUT_SIZE: LazyLock<String> =
    LazyLock::new(|| SizeArg(ByteSize(DEFAULT_MAX_INPUT_BYTES)).to_string());

/// What differs for `serve` in the shared flag groups: a server holds every admitted
/// upload in memory, so its input limit is smaller than convert's (its help and
/// `--jobs`' are `help-serve-*`).
pub(super) fn defaults(sub: clap::Command) -> clap::Command {
    sub.mut_arg("max_input_size", |a| {
        a.default_value(MAX_INPUT_SIZE.as_str())
    })
}

/// Runs until Ctrl-C or SIGTERM, drains, then exits 0; 1 when requests were still under
/// way at the end of the drain time; 2 when the server cannot start.
pub(super) fn run(args: ServeArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let rules = args.profile.rules.load(lang)?;
    let listen = if args.lan {
        lan_listen(args.listen, lang)?
    } else {
        args.listen
    };
    // A token from SCANFIT_TOKEN is not this run's: the phone gets a fresh one.
    let token = if args.lan { None } else { args.token };
    let opts = ServeOptions {
        options: args
            .run
            .options(args.profile.profile(&rules, lang)?, &rules),
        queue: args.queue,
        uploads: args.uploads,
        max_connections: args.max_connections,
        timeout: Duration::from_secs(args.timeout.max(1)),
        token,
        phone: args.lan,
        no_auth: args.no_auth,
        allow_origins: args.allow_origin,
        drain_delay: Duration::from_secs(args.drain_delay),
        drain_timeout: Duration::from_secs(args.drain_timeout),
        on_request: (args.log_format == LogFormat::Json).then(json_lines),
        ..ServeOptions::default()
    };
    let bind = |port, opts| {
        Server::bind(SocketAddr::new(listen, port), opts).map_err(|e| serve_error(e, lang))
    };
    let server = match args.port {
        Some(port) => bind(port, opts)?,
        None => match Server::bind(SocketAddr::new(listen, PREFERRED_PORT), opts.clone()) {
            Err(ServeError::Bind { source, .. })
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                bind(0, opts)?
            }
            other => other.map_err(|e| serve_error(e, lang))?,
        },
    };
    let url = page_url(server.local_addr()?);
    let listening = line(
        lang,
        "cli-serve_listening",
        WordArgs::new().text("url", &url),
    );
    match args.log_format {
        LogFormat::Text => println!("{listening}"),
        LogFormat::Json => println!(
            "{}",
            serde_json::json!({
                "time": jiff::Timestamp::now(),
                "message": listening,
                "url": url,
            })
        ),
    }
    // The address with the token goes to the person at the terminal, never into a
    // log collector's JSON lines: with --log-format json it is written on stderr.
    let phone_url = server.phone_url().map(str::to_owned);
    if let Some(phone_url) = &phone_url {
        let mut said = line(
            lang,
            "cli-serve_phone",
            WordArgs::new().text("url", phone_url),
        );
        if let Some(qr) = scanfit::serve::terminal_qr(phone_url) {
            said = format!("{said}\n{qr}");
        }
        match args.log_format {
            LogFormat::Text => println!("{said}"),
            LogFormat::Json => eprintln!("{said}"),
        }
    }
    let desktop_url = phone_url.as_deref().unwrap_or(&url);
    if args.open {
        open_browser(desktop_url, lang);
    }
    if args.double_clicked {
        super::desktop::say_page_open(desktop_url, lang);
    }
    std::io::stdout().flush()?;
    match server.run(scanfit::serve::stop_signal()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // Said, but not a failure to start: the requests cut off are what failed.
        Err(e @ ServeError::DrainTimeout { .. }) => {
            eprintln!("{}", say(&e, lang));
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(serve_error(e, lang)),
    }
}

/// The address `--lan` listens on: the one given, unless it is loopback (the default);
/// then the network address the route out of this machine leaves from, so that only
/// the network the phone shares is served, not every interface (a VPN's, a container
/// bridge's). `--listen 0.0.0.0` serves them all, as asked.
fn lan_listen(given: IpAddr, lang: Lang) -> anyhow::Result<IpAddr> {
    if !given.is_loopback() {
        return Ok(given);
    }
    scanfit::serve::lan_address().map_err(|e| {
        let said = line(lang, "cli-serve_no_lan", WordArgs::new().text("detail", e));
        anyhow::anyhow!(with_flags(said, &["--listen"], lang))
    })
}

/// A sink that prints each request as one JSON line on standard output.
fn json_lines() -> RequestSink {
    RequestSink(Arc::new(|log: &RequestLog| {
        if let Ok(text) = serde_json::to_string(log) {
            // A closed stdout must not stop the server.
            let _ = writeln!(std::io::stdout().lock(), "{text}");
        }
    }))
}

/// A server error in words, with the flags that change what it is about.
fn serve_error(e: ServeError, lang: Lang) -> anyhow::Error {
    let flags: &[&str] = match e {
        ServeError::Setup(setup) => return setup_error(setup, lang),
        ServeError::Bind { .. } => &["--listen", "--port"],
        ServeError::Unprotected { .. } => &["--token", "--no-auth"],
        ServeError::EmptyToken => &["--token"],
        ServeError::BadOrigin(_) => &["--allow-origin"],
        ServeError::Io(_) | ServeError::DrainTimeout { .. } => &[],
    };
    anyhow::anyhow!(with_flags(say(&e, lang), flags, lang))
}

/// The address to open on this machine: loopback for a server on every interface.
fn page_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Starts the desktop's browser on `url`; says so when it cannot.
fn open_browser(url: &str, lang: Lang) {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    if let Err(e) = command.arg(url).spawn() {
        let args = WordArgs::new().text("url", url).text("detail", e);
        eprintln!("{}", line(lang, "cli-serve_no_browser", args));
    }
}
