//! `scanfit serve`: the same pipeline behind a web page for people and an HTTP API for
//! systems.
//!
//! Most people who must upload ICP pictures never open a terminal, and a portal's own
//! upload path wants the same normalisation as a service. One server does both: `/`
//! is a page (embedded in the binary, nothing fetched from the internet) that sends
//! each dropped file to the API and builds the download ZIP itself, and `/api/v1/…`
//! converts, checks and stitches one request at a time with the library's records.
//!
//! The server keeps nothing between requests (no sessions, no files, no per-user
//! state), so many replicas can stand behind one load balancer. Uploads live in memory
//! for one request; the pixel work runs on the library's [`Runner`](crate::run::Runner)
//! (`jobs` workers behind a bounded queue), never on the async threads, and a full queue
//! answers 429 at once instead of piling up memory. On loopback it refuses foreign Host
//! headers (DNS rebinding) and cross-site posts (`serve/guard.rs`); any other address
//! needs a token or an explicit choice to go without. Every answer is in the request's
//! language (`serve/lang.rs`), from the catalogue.
//!
//! For an orchestrator it is an operable service: `/healthz` says the process lives,
//! `/readyz` whether to send it requests (not while starting or draining), `/metrics`
//! counts every answer (`serve/metrics.rs`, which also hands each request's log line to
//! the caller), and the stop signal drains it: not ready, new requests still taken for
//! a short delay (a load balancer keeps sending until it has seen that), then the
//! requests under way finished within a time limit.
//!
//! - `api.rs` routes, the three operations, admission; `work.rs` what a worker does
//!   with uploads; `answer.rs` the picture or JSON answer; `problem.rs` refusals and
//!   failures as typed values with their HTTP status;
//! - `upload.rs` query parameters and bodies; `guard.rs` who may ask; `page.rs` the page;
//!   `metrics.rs` the counters and the request log; `phone.rs` the token and QR code
//!   that hand the page to a phone (`serve --lan`).

mod admit;
mod answer;
mod api;
mod guard;
mod lang;
mod listen;
mod metrics;
mod observe;
mod page;
mod phone;
pub(crate) mod problem;
mod state;
mod upload;
mod words;
mod work;

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

pub use metrics::RequestLog;
pub use phone::{lan_address, new_token, terminal_qr};

use crate::error::SetupError;
use crate::options::Options;
use crate::stitch::StitchOptions;

/// Default upper limit of one upload, smaller than `convert`'s 512 MiB: a server holds
/// every admitted upload in memory, so the queue times this bounds its memory.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 << 20;
/// Default number of requests that may wait for a worker beyond those being worked on.
pub const DEFAULT_QUEUE: usize = 8;
/// Default limit of one request, from its first byte to its answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default number of uploads received at once. An upload takes a worker's place only
/// once its body has arrived, so slow senders wait here, never in the workers' queue.
pub const DEFAULT_UPLOADS: usize = 64;
/// Default time a connection gets to send a request's head: a phone on a poor network
/// sends a few hundred bytes of head in far less.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of connections open at once; more wait in the kernel's backlog.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Default least rate of an upload, in bytes a second over [`UPLOAD_RATE_WINDOW`]:
/// 4 KB/s, far below a phone's worst mobile connection, far above a client that sends
/// a byte now and then to hold a place.
pub const DEFAULT_MIN_UPLOAD_RATE: u64 = 4096;
/// The window over which an upload's rate is measured: each window must bring
/// `min_upload_rate` times its length in bytes, or the upload is cut off.
pub const UPLOAD_RATE_WINDOW: Duration = Duration::from_secs(10);

/// Default time the requests under way get to finish after the stop signal: what a
/// photo or a scan takes on a busy worker with a few queued ahead of it, and within
/// Kubernetes' default grace period of 30 s once its few seconds of delay are added
/// (the manifests raise that period to fit).
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Where each request's [`RequestLog`] goes (the command line prints it as JSON).
#[derive(Clone)]
pub struct RequestSink(pub Arc<dyn Fn(&RequestLog) + Send + Sync>);

impl fmt::Debug for RequestSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestSink")
    }
}

/// How a server behaves.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The base profile (requests may change its fields), the limits (`max_pixels`,
    /// `max_input_bytes`: requests cannot change them) and `jobs`, the number of
    /// pictures worked on at once.
    pub options: Options,
    /// Stitch settings used when a request gives none.
    pub stitch: StitchOptions,
    /// Requests admitted beyond the `jobs` being worked on; more get 429 at once.
    pub queue: usize,
    /// Limit of one request, from its first byte to its answer (503 past it).
    pub timeout: Duration,
    /// A bearer token the API requires, if any.
    pub token: Option<String>,
    /// Serve an address other than loopback without a token (the operator's own
    /// network, or a proxy that authenticates).
    pub no_auth: bool,
    /// Origins (`https://portal.example`) whose pages may call the API (CORS); none by
    /// default.
    pub allow_origins: Vec<String>,
    /// After the stop signal, how long the server still takes new requests while
    /// `/readyz` says it is draining: a load balancer keeps sending for a few seconds
    /// until it has seen that (Kubernetes: until the endpoint is removed everywhere).
    pub drain_delay: Duration,
    /// Then, how long the requests under way get to finish once no new ones are taken;
    /// past it the server stops anyway ([`ServeError::DrainTimeout`]).
    pub drain_timeout: Duration,
    /// Gets one [`RequestLog`] per request, if set.
    pub on_request: Option<RequestSink>,
    /// Uploads received at once (their bodies still arriving); more get 429 at once.
    /// Together they hold at most `(jobs + queue) × max_input_bytes` in memory.
    pub uploads: usize,
    /// Least rate of an upload, in bytes a second over [`UPLOAD_RATE_WINDOW`]; a
    /// slower one is cut off (408).
    pub min_upload_rate: u64,
    /// Time a connection gets to send a request's head; then it is closed.
    pub header_timeout: Duration,
    /// Connections open at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Serve a phone on the local network (`serve --lan`): a token is required (a fresh
    /// random one when none is given), and [`Server::phone_url`] and the page's QR code
    /// hold the page's address with it.
    pub phone: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            options: Options {
                max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
                ..Options::default()
            },
            stitch: StitchOptions::default(),
            queue: DEFAULT_QUEUE,
            timeout: DEFAULT_TIMEOUT,
            token: None,
            no_auth: false,
            allow_origins: Vec::new(),
            drain_delay: Duration::ZERO,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            on_request: None,
            uploads: DEFAULT_UPLOADS,
            min_upload_rate: DEFAULT_MIN_UPLOAD_RATE,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            phone: false,
        }
    }
}

/// Why a server cannot start, or stopped. Its words are in the catalogue (`serve.ftl`);
/// they name no flag: the command line adds those.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address cannot be listened on (in use, not ours, no permission).
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// An address other machines reach, without a token and without the operator saying
    /// the network is trusted ([`ServeOptions::no_auth`]): anyone there could use it.
    Unprotected {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The profile or the stitch settings contradict themselves.
    Setup(#[from] SetupError),
    /// The token is empty.
    EmptyToken,
    /// An allowed origin is not of the form `scheme://host[:port]`.
    BadOrigin(String),
    /// The async runtime or the listener failed.
    Io(#[from] io::Error),
    /// Requests were still under way when the drain time ran out; they were cut off.
    DrainTimeout {
        /// The drain time, in seconds.
        secs: u64,
        /// Requests cut off.
        requests: usize,
    },
}

/// A server bound to its address, not yet answering.
pub struct Server {
    listener: TcpListener,
    state: Arc<state::AppState>,
}

impl Server {
    /// Checks the settings and binds `addr` (port 0 picks a free port; see
    /// [`Server::local_addr`]).
    pub fn bind(addr: SocketAddr, mut opts: ServeOptions) -> Result<Server, ServeError> {
        opts.options
            .profile
            .validate()
            .map_err(SetupError::Profile)?;
        opts.stitch.validate().map_err(SetupError::Stitch)?;
        if opts.token.as_deref().is_some_and(str::is_empty) {
            return Err(ServeError::EmptyToken);
        }
        if let Some(bad) = opts.allow_origins.iter().find(|o| !is_origin(o)) {
            return Err(ServeError::BadOrigin(bad.clone()));
        }
        if opts.phone && opts.token.is_none() {
            opts.token = Some(new_token()?);
        }
        let loopback = addr.ip().is_loopback();
        if !loopback && opts.token.is_none() && !opts.no_auth {
            return Err(ServeError::Unprotected { addr });
        }
        let listener =
            TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
        listener.set_nonblocking(true)?;
        let phone_url = match (opts.phone, opts.token.as_deref()) {
            (true, Some(token)) => {
                let mut at = listener.local_addr()?;
                // On every interface: the phone reaches it by the network's address.
                if at.ip().is_unspecified() {
                    at.set_ip(lan_address()?);
                }
                Some(phone::page_url(at, token))
            }
            _ => None,
        };
        let mut state = state::AppState::new(opts, loopback);
        state.phone_url = phone_url;
        Ok(Server {
            listener,
            state: Arc::new(state),
        })
    }

    /// The page's address for a phone, with the token that authorises it in the URL's
    /// fragment ([`ServeOptions::phone`]); `None` when not serving phones.
    pub fn phone_url(&self) -> Option<&str> {
        self.state.phone_url.as_deref()
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers requests until `shutdown` completes; then drains: `/readyz` answers 503,
    /// new requests are still taken for [`ServeOptions::drain_delay`], then no more
    /// connections are accepted and the requests under way get
    /// [`ServeOptions::drain_timeout`] to finish. Returns once they have, or with
    /// [`ServeError::DrainTimeout`]. Builds its own runtime: the caller needs none.
    pub fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("scanfit-serve")
            .build()?;
        let state = self.state;
        let result = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let closed = Arc::new(tokio::sync::Notify::new());
            let stop_accepting = {
                let (state, closed) = (Arc::clone(&state), Arc::clone(&closed));
                async move {
                    shutdown.await;
                    state.drain();
                    tokio::time::sleep(state.opts.drain_delay).await;
                    // Stored if nobody waits yet: the drain limit below starts now.
                    closed.notify_one();
                }
            };
            let limits = listen::Limits {
                connections: state.opts.max_connections,
                header_timeout: state.opts.header_timeout,
            };
            let serve = listen::serve(
                listener,
                api::router(Arc::clone(&state)),
                limits,
                stop_accepting,
            );
            state.start();
            let limit = state.opts.drain_timeout;
            tokio::select! {
                served = serve => served.map_err(ServeError::Io),
                () = async {
                    closed.notified().await;
                    tokio::time::sleep(limit).await;
                } => Err(ServeError::DrainTimeout {
                    secs: limit.as_secs(),
                    requests: state.metrics.in_flight(),
                }),
            }
        });
        // Requests cut off by the drain limit are abandoned, not waited for.
        runtime.shutdown_background();
        result
    }
}

/// Whether `text` is a web origin as browsers send it: `http(s)://host[:port]`.
fn is_origin(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.contains(['/', '?', '#'])
    })
}

/// Completes on Ctrl-C or SIGTERM (a service manager's stop): the shutdown signal for
/// [`Server::run`]. Must be awaited inside the server's runtime, as `run` does.
pub async fn stop_signal() {
    let ctrl_c = async {
        // Without a handler there is nothing to wait for: run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
