//! `scanfit serve`: its flags, turned into [`ServeOptions`], and the printed address.
//! Everything else is in the library's `serve` module.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use scanfit::serve::{ServeError, ServeOptions, Server};
use scanfit::{ByteSize, Options};

use super::ProfileArgs;

/// The port tried first when none is given; a free one is taken if it is busy.
const PREFERRED_PORT: u16 = 8080;

#[derive(Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; any address but loopback needs --token or --no-auth.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    listen: IpAddr,
    /// Port [default: 8080, or a free one when 8080 is taken].
    #[arg(long)]
    port: Option<u16>,
    /// Open the page in the default browser once the server listens.
    #[arg(long)]
    open: bool,
    /// Pictures worked on at once (default: all cores).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Requests that may wait for a worker; beyond them the server answers 429 at once.
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_QUEUE, value_name = "N")]
    queue: usize,
    /// Refuse uploads larger than this (every admitted upload is held in memory).
    #[arg(long, default_value = "64MiB", value_name = "SIZE")]
    max_input_size: ByteSize,
    /// Refuse pictures with more pixels than this (decompression bombs).
    #[arg(long, default_value_t = 120_000_000, value_name = "PIXELS")]
    max_pixels: u64,
    /// Limit of one request, from its first byte to its answer.
    #[arg(long, default_value_t = scanfit::serve::DEFAULT_TIMEOUT.as_secs(), value_name = "SECS")]
    timeout: u64,
    /// Require "Authorization: Bearer TOKEN" for the API (better given in the
    /// environment than on a command line others can list).
    #[arg(long, env = "SCANFIT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Serve an address other than loopback without a token (your own network, or a
    /// proxy in front that authenticates).
    #[arg(long, conflicts_with = "token")]
    no_auth: bool,
    /// Let pages from this origin (e.g. https://portal.example) call the API: CORS and
    /// cross-site posts. Repeat for several.
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    #[command(flatten)]
    profile: ProfileArgs,
}

pub(crate) fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let defaults = Options::default();
    let opts = ServeOptions {
        options: Options {
            profile: args.profile.profile()?,
            jobs: args.jobs.unwrap_or(defaults.jobs).max(1),
            max_pixels: args.max_pixels,
            max_input_bytes: args.max_input_size.0,
            ..defaults
        },
        queue: args.queue,
        timeout: Duration::from_secs(args.timeout.max(1)),
        token: args.token,
        no_auth: args.no_auth,
        allow_origins: args.allow_origin,
        ..ServeOptions::default()
    };
    let server = match args.port {
        Some(port) => Server::bind(SocketAddr::new(args.listen, port), opts)?,
        None => match Server::bind(SocketAddr::new(args.listen, PREFERRED_PORT), opts.clone()) {
            Err(ServeError::Bind { source, .. })
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                Server::bind(SocketAddr::new(args.listen, 0), opts)?
            }
            other => other?,
        },
    };
    let url = page_url(server.local_addr()?);
    println!("scanfit serve: open {url} in a browser (Ctrl-C stops)");
    std::io::stdout().flush().context("printing the address")?;
    if args.open {
        open_browser(&url);
    }
    server.run(scanfit::serve::stop_signal())?;
    Ok(ExitCode::SUCCESS)
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
fn open_browser(url: &str) {
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
        eprintln!("scanfit serve: cannot open a browser ({e}); open {url} yourself");
    }
}
