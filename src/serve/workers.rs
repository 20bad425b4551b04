//! Where a request's pixel work runs: `jobs` blocking workers behind a bounded queue.
//!
//! Decoding and encoding take hundreds of milliseconds of CPU; on the async threads
//! they would stall every other connection, so they go to tokio's blocking threads,
//! `jobs` at a time. A request is *admitted* before its body is read, and only while
//! fewer than `jobs + queue` requests are admitted: past that it gets 429 at once, so
//! the memory held by uploads is bounded by the admission count, not by the number of
//! clients. The admission and the worker slot stay with the work until it really ends,
//! even when the request timed out and nobody waits for the answer any more.
//!
//! This is the server's only door to the pixel work, kept small so that the library's
//! per-item runner (issue 13) can take its place without touching the handlers.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::encode::panic_text;

/// The blocking workers and the admission count in front of them.
pub(super) struct Workers {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

/// A request's place among the admitted ones, held until its work has ended.
pub(super) struct Ticket {
    _held: OwnedSemaphorePermit,
}

/// Every place is taken: the request should be retried later.
#[derive(Debug)]
pub(super) struct Overloaded;

/// The work panicked (a decoder or encoder bug); the text is the panic's.
#[derive(Debug)]
pub(super) struct Panicked(pub String);

impl Workers {
    /// `jobs` workers (at least one) and room for `queue` more requests.
    pub(super) fn new(jobs: usize, queue: usize) -> Workers {
        let jobs = jobs.max(1);
        Workers {
            admitted: Arc::new(Semaphore::new(jobs + queue)),
            running: Arc::new(Semaphore::new(jobs)),
        }
    }

    /// A place for one more request, or [`Overloaded`] at once.
    pub(super) fn admit(&self) -> Result<Ticket, Overloaded> {
        Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map(|held| Ticket { _held: held })
            .map_err(|_| Overloaded)
    }

    /// Runs `work` on a blocking worker once one is free and returns its result. If the
    /// caller stops waiting (a timeout), the work still finishes and only then gives
    /// its worker and its ticket back.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        ticket: Ticket,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Panicked> {
        let worker = Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|_| Panicked("the workers were shut down".into()))?;
        let task = tokio::task::spawn_blocking(move || {
            let result = catch_unwind(AssertUnwindSafe(work));
            drop((worker, ticket));
            result.map_err(|payload| Panicked(panic_text(payload.as_ref())))
        });
        match task.await {
            Ok(result) => result,
            Err(e) => Err(Panicked(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_stops_at_jobs_plus_queue_and_reopens_when_work_ends() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let workers = Workers::new(1, 1);
            let first = workers.admit().unwrap();
            let second = workers.admit().unwrap();
            assert!(workers.admit().is_err());
            drop(second);
            let third = workers.admit().unwrap();
            assert_eq!(workers.run(first, || 6 * 7).await.unwrap(), 42);
            // The first ticket went back when its work ended.
            let _fourth = workers.admit().unwrap();
            assert!(workers.admit().is_err());
            let panicked = workers.run(third, || panic!("codec bug")).await;
            assert_eq!(panicked.unwrap_err().0, "codec bug");
        });
    }
}
