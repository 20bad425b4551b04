//! `scanfit serve`: its flags, turned into [`ServeOptions`], and the printed address.
//! Everything else is in the library's `serve` module.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::LazyLock;
use std::time::Duration;

use clap::Args;
use scanfit::serve::{ServeError, ServeOptions, Server, DEFAULT_MAX_INPUT_BYTES};
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
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_QUEUE, value_name = "REQUESTS")]
    queue: usize,
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_TIMEOUT.as_secs(), value_name = "SECS")]
    timeout: u64,
    // The help names the variable in the run's language (clap's `[env: ...]` is English).
    #[arg(long, env = "SCANFIT_TOKEN", hide_env = true)]
    token: Option<String>,
    #[arg(long, conflicts_with = "token")]
    no_auth: bool,
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    run: RunArgs,
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

/// Runs until Ctrl-C or SIGTERM, then exits 0; 2 when the server cannot start.
pub(super) fn run(args: ServeArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let opts = ServeOptions {
        options: args.run.options(args.profile.profile(lang)?),
        queue: args.queue,
        timeout: Duration::from_secs(args.timeout.max(1)),
        token: args.token,
        no_auth: args.no_auth,
        allow_origins: args.allow_origin,
        ..ServeOptions::default()
    };
    let bind = |port, opts| {
        Server::bind(SocketAddr::new(args.listen, port), opts).map_err(|e| serve_error(e, lang))
    };
    let server = match args.port {
        Some(port) => bind(port, opts)?,
        None => match Server::bind(SocketAddr::new(args.listen, PREFERRED_PORT), opts.clone()) {
            Err(ServeError::Bind { source, .. })
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                bind(0, opts)?
            }
            other => other.map_err(|e| serve_error(e, lang))?,
        },
    };
    let url = page_url(server.local_addr()?);
    println!(
        "{}",
        line(
            lang,
            "cli-serve_listening",
            WordArgs::new().text("url", &url)
        )
    );
    std::io::stdout().flush()?;
    if args.open {
        open_browser(&url, lang);
    }
    server
        .run(scanfit::serve::stop_signal())
        .map_err(|e| serve_error(e, lang))?;
    Ok(ExitCode::SUCCESS)
}

/// A server error in words, with the flags that change what it is about.
fn serve_error(e: ServeError, lang: Lang) -> anyhow::Error {
    let flags: &[&str] = match e {
        ServeError::Setup(setup) => return setup_error(setup, lang),
        ServeError::Bind { .. } => &["--listen", "--port"],
        ServeError::Unprotected { .. } => &["--token", "--no-auth"],
        ServeError::EmptyToken => &["--token"],
        ServeError::BadOrigin(_) => &["--allow-origin"],
        ServeError::Io(_) => &[],
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
