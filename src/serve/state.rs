//! What every request shares ([`AppState`]): the handlers, the guard and the metrics
//! read it, and it imports none of them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::admit::Admission;
use super::metrics::Metrics;
use super::{ServeOptions, UPLOAD_RATE_WINDOW};
use crate::run::Runner;

/// What every request shares: the settings, the runner, the counters and where the
/// server is in its life. Nothing about any client.
pub(super) struct AppState {
    pub opts: ServeOptions,
    /// `jobs` workers; `jobs + queue` requests admitted at once.
    pub runner: Runner,
    /// Upload places and the bytes uploads may hold, apart from the runner's places.
    pub admission: Admission,
    /// Bound to a loopback address: the Host check applies.
    pub loopback: bool,
    /// The page's address with the token, for a phone (`serve --lan`).
    pub phone_url: Option<String>,
    pub metrics: Arc<Metrics>,
    /// Set once the server answers requests.
    started: AtomicBool,
    /// Set when the stop signal came: the server finishes what it has and leaves.
    draining: AtomicBool,
}

impl AppState {
    pub fn new(opts: ServeOptions, loopback: bool) -> AppState {
        let jobs = opts.options.jobs.max(1);
        let budget = opts
            .options
            .max_input_bytes
            .saturating_mul((jobs + opts.queue) as u64);
        AppState {
            runner: Runner::new(jobs).with_queue(jobs + opts.queue),
            admission: Admission::new(
                opts.uploads,
                budget,
                opts.min_upload_rate,
                UPLOAD_RATE_WINDOW,
            ),
            opts,
            loopback,
            phone_url: None,
            metrics: Arc::default(),
            started: AtomicBool::new(false),
            draining: AtomicBool::new(false),
        }
    }

    /// The server answers requests from now on.
    pub fn start(&self) {
        self.started.store(true, Ordering::SeqCst);
    }

    /// The stop signal came: `/readyz` says so from now on.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Whether a load balancer should send new requests here.
    pub fn is_ready(&self) -> bool {
        self.started.load(Ordering::SeqCst) && !self.is_draining()
    }
}
