//! The accept loop: connections taken one by one, each served by hyper's HTTP/1 with a
//! header-read timeout, at most a fixed number open at once.
//!
//! axum's own `serve` reads headers for as long as a client takes and accepts every
//! connection: two hundred clients that send a header line now and then were all held
//! open for ever. Here a connection that has not sent its whole head within
//! [`ServeOptions::header_timeout`](super::ServeOptions::header_timeout) is closed, and
//! past [`ServeOptions::max_connections`](super::ServeOptions::max_connections) the
//! next one waits in the kernel's backlog until another ends, instead of costing a
//! file descriptor and a task each.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// How connections are limited.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// Connections open at once.
    pub connections: usize,
    /// Time a connection gets to send a request's head.
    pub header_timeout: Duration,
}

/// Serves `router` on `listener` until `stop` completes; then takes no more connections,
/// asks the open ones to close after their request under way, and returns once all
/// have ended (the caller bounds that wait).
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    // Every connection holds a receiver; `closed` completes once all have ended.
    let (ended_tx, ended_rx) = watch::channel(());
    let places = Arc::new(Semaphore::new(limits.connections.max(1)));
    let accept = async {
        loop {
            let Ok(place) = Arc::clone(&places).acquire_owned().await else {
                return;
            };
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                // Out of descriptors or a connection reset before it was taken: the
                // next accept may work; a short pause keeps a full table from spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let (router, mut stop_rx, ended_rx) =
                (router.clone(), stop_rx.clone(), ended_rx.clone());
            tokio::spawn(async move {
                let service = TowerToHyperService::new(router);
                let mut builder = http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(limits.header_timeout);
                let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
                let mut stopping = false;
                loop {
                    tokio::select! {
                        _ = conn.as_mut() => break,
                        changed = stop_rx.changed(), if !stopping => {
                            stopping = true;
                            if changed.is_ok() {
                                conn.as_mut().graceful_shutdown();
                            }
                        }
                    }
                }
                drop((place, ended_rx));
            });
        }
    };
    tokio::select! {
        () = accept => {}
        () = stop => {}
    }
    drop(listener);
    drop(ended_rx);
    let _ = stop_tx.send(true);
    ended_tx.closed().await;
    Ok(())
}
