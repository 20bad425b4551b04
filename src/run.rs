//! The per-item runner every command shares: convert's files, check's files, stitch's
//! sets, sweep's sampled pictures and watch's arrivals all go through it, and the web
//! server will submit single uploads to it.
//!
//! It owns what every command needs alike, so that no command does it subtly
//! differently: the worker pool and its size (`--jobs`), the serial path for `-j 1` (on the caller's
//! thread, for deterministic debugging), results in item order, one item per task
//! (files differ in cost by 100×, so rayon's default splitting would leave a core idle
//! behind a big scan), a panic in a codec caught as a typed per-item failure so the
//! batch goes on, and the wall time of each item. [`Progress`] is the one way a run
//! tells its caller how far it is. Callers that must not block submit single items
//! through a bounded queue instead ([`Runner::try_spawn`], or [`Runner::reserve`] to
//! hold a place before the item's input has arrived).
//!
//! When fewer items than workers are left (one scan in a watched folder, one upload, the
//! last big file of a batch), the idle workers help inside an item through `par.rs`:
//! rayon's work stealing hands them parts of the item only when they have nothing else,
//! so a full batch is not slowed, and there is never a second pool.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::encode::panic_text;
use crate::report::Record;

/// Receives progress (the CLI draws a bar; tests and servers pass [`NoProgress`]).
/// Called from worker threads.
pub trait Progress: Sync {
    /// Called once, before work starts, with the number of items and the units of work
    /// they hold (input bytes for convert, encodes for sweep).
    fn start(&self, _items: u64, _units: u64) {}
    /// Units of work finished (sweep counts encodes).
    fn advance(&self, _units: u64) {}
    /// One output's record is final (convert, stitch).
    fn record(&self, _record: &Record) {}
}

/// Progress that goes nowhere.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A panic caught while working on one item, with its message: decoders and mozjpeg can
/// unwind on bad data, and one bad file must never stop a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked(pub String);

/// One item's result and its wall time.
#[derive(Debug)]
pub struct Done<T> {
    /// What the work returned, or the panic it raised.
    pub result: Result<T, Panicked>,
    /// Wall time of the item, in milliseconds.
    pub millis: u64,
}

impl<T> Done<T> {
    /// The result, with a panic turned into a value by `failed`.
    pub fn or_else(self, failed: impl FnOnce(Panicked) -> T) -> T {
        self.result.unwrap_or_else(failed)
    }
}

/// Runs `work`, timing it and catching a panic.
pub fn guarded<T>(work: impl FnOnce() -> T) -> Done<T> {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(work))
        .map_err(|payload| Panicked(panic_text(payload.as_ref())));
    Done {
        result,
        millis: started.elapsed().as_millis() as u64,
    }
}

/// Makes the C allocator keep the memory an item frees for the items after it, instead
/// of handing it back to the system and taking it again page by page. On Linux with
/// glibc, Rust's allocations, mozjpeg's and libtiff's all come from it.
///
/// Every file allocates and frees buffers of 10 to 150 MB (decoded pixels, turned pixels,
/// coefficient arrays, encoder buffers). By default glibc maps each of the biggest afresh
/// and unmaps it when freed, and gives a worker thread's heap back as it shrinks, so the
/// kernel faults in and zeroes every page of every buffer again. One arena, no
/// per-allocation mappings and no trimming leave those pages mapped for the next item,
/// at the same peak memory (the benchmark corpus measures the page faults and system
/// time saved).
///
/// The process then keeps its peak memory until it exits: for runs that end (a batch),
/// not for the server or a watched folder. Call it first in `main`, before any thread
/// starts (glibc gives each new thread an arena of its own unless told otherwise). Does
/// nothing with other C libraries.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets glibc's allocation parameters; it takes glibc's own lock.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_MAX, 0);
        libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX);
    }
}

/// The runner has as many items waiting or under way as its queue allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("busy: {0} items are waiting or under way")]
pub struct Busy(pub usize);

/// A pool of `jobs` workers. Cheap to make: the threads start on first use.
pub struct Runner {
    jobs: usize,
    pool: OnceLock<Option<Arc<rayon::ThreadPool>>>,
    queue: usize,
    in_flight: Arc<AtomicUsize>,
}

impl Runner {
    /// A runner for `jobs` items at once (at least one).
    pub fn new(jobs: usize) -> Runner {
        Runner {
            jobs: jobs.max(1),
            pool: OnceLock::new(),
            queue: usize::MAX,
            in_flight: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// At most `items` submitted with [`Runner::try_spawn`] waiting or under way at once
    /// (a server answers "busy" beyond it instead of piling up memory).
    pub fn with_queue(mut self, items: usize) -> Runner {
        self.queue = items.max(1);
        self
    }

    /// Items worked on at once.
    pub fn jobs(&self) -> usize {
        self.jobs
    }

    /// Places taken ([`Runner::reserve`], [`Runner::try_spawn`]) and not given back:
    /// items waiting or under way.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The pool, built on first use; `None` when the OS refuses threads (then items run
    /// on the caller's thread, slower but correct).
    fn pool(&self) -> Option<&Arc<rayon::ThreadPool>> {
        self.pool
            .get_or_init(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(self.jobs)
                    .build()
                    .ok()
                    .map(Arc::new)
            })
            .as_ref()
    }

    /// Runs `work` on every item, `jobs` at a time, each timed and guarded, then
    /// `finish` on its result on the same worker as soon as it is done (to make its
    /// record and report progress); returns what `finish` made, in item order. With one
    /// job the items run in order on the caller's thread.
    pub fn map<I: Sync, T, U: Send>(
        &self,
        items: &[I],
        work: impl Fn(&I) -> T + Sync,
        finish: impl Fn(&I, Done<T>) -> U + Sync,
    ) -> Vec<U> {
        let one = |item: &I| finish(item, guarded(|| work(item)));
        match self.pool() {
            Some(pool) if self.jobs > 1 => {
                pool.install(|| items.par_iter().with_max_len(1).map(one).collect())
            }
            _ => items.iter().map(one).collect(),
        }
    }

    /// Runs one item on a worker and hands its result to `done` (on that worker), so a
    /// caller that must not block (a file watcher's loop, an async server) gets the
    /// same guard and timing as a batch. Refused with [`Busy`] when the queue is full.
    pub fn try_spawn<T: 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
        done: impl FnOnce(Done<T>) + Send + 'static,
    ) -> Result<(), Busy> {
        self.reserve()?.spawn(work, done);
        Ok(())
    }

    /// Takes a place in the queue for an item whose input is not at hand yet: a server
    /// takes one before it reads an upload, so a full server refuses at once instead of
    /// first taking the upload into memory. Refused with [`Busy`] when the queue is full.
    pub fn reserve(&self) -> Result<Place, Busy> {
        let waiting = self.in_flight.fetch_add(1, Ordering::SeqCst);
        let place = Place {
            in_flight: Arc::clone(&self.in_flight),
            pool: self.pool().cloned(),
        };
        if waiting >= self.queue {
            // Dropping the place gives its count back.
            return Err(Busy(waiting));
        }
        Ok(place)
    }
}

/// A place among the items a [`Runner`] has waiting or under way, held from
/// [`Runner::reserve`] until the item spent on it ends (even when nobody waits for its
/// result any more), or until it is dropped unused.
#[must_use = "a place is given back when dropped"]
pub struct Place {
    in_flight: Arc<AtomicUsize>,
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl Place {
    /// Runs `work` on one of the runner's workers, guarded and timed, and hands its
    /// result to `done` there; the place is given back as the work ends, before `done`.
    pub fn spawn<T: 'static>(
        self,
        work: impl FnOnce() -> T + Send + 'static,
        done: impl FnOnce(Done<T>) + Send + 'static,
    ) {
        let pool = self.pool.clone();
        let task = move || {
            let result = guarded(work);
            drop(self);
            done(result);
        };
        match pool {
            Some(pool) => pool.spawn(task),
            None => {
                std::thread::spawn(task);
            }
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::par::{alongside, both, chunks_mut};
    use std::sync::mpsc;

    #[test]
    fn results_keep_item_order_and_a_panic_is_one_items_failure() {
        for jobs in [1, 3] {
            let runner = Runner::new(jobs);
            let items: Vec<u32> = (0..20).collect();
            let values = runner.map(
                &items,
                |&i| {
                    if i == 7 {
                        panic!("bad item {i}");
                    }
                    i * 2
                },
                |_, done| done.result,
            );
            assert_eq!(values[7], Err(Panicked("bad item 7".into())), "jobs {jobs}");
            for (i, v) in values.iter().enumerate().filter(|(i, _)| *i != 7) {
                assert_eq!(*v, Ok(i as u32 * 2));
            }
        }
    }

    #[test]
    fn parts_of_an_item_share_the_runners_workers_and_only_them() {
        // Off the pool (`-j 1`, tests): in order on this thread, nothing speculative.
        let me = std::thread::current().id();
        assert_eq!(both(|| 1, || 2), (1, 2));
        assert_eq!(alongside(|| 1, || std::thread::current().id()), (1, None));
        let mut data = vec![0u32; 10];
        chunks_mut(&mut data, 3, |i, c| {
            c.iter_mut().for_each(|v| *v = i as u32)
        });
        assert_eq!(data, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
        // On a two-worker runner with one item, the other worker takes parts of it:
        // `both` waits for its second part, so it runs wherever it is taken.
        let runner = Runner::new(2);
        let seen = runner.map(
            &[()],
            |_| {
                let (a, b) = both(
                    || std::thread::current().id(),
                    || {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        std::thread::current().id()
                    },
                );
                let mut data = vec![0u32; 10];
                chunks_mut(&mut data, 3, |i, c| {
                    c.iter_mut().for_each(|v| *v = i as u32)
                });
                (a, b, data)
            },
            |_, done| done.result.unwrap(),
        );
        let (a, b, data) = &seen[0];
        assert_ne!(*a, me);
        assert_ne!(*b, me);
        assert_eq!(data, &[0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
    }

    #[test]
    fn one_job_runs_on_the_callers_thread() {
        let me = std::thread::current().id();
        let ids = Runner::new(1).map(&[1, 2], |_| std::thread::current().id(), |_, d| d.result);
        assert!(ids.into_iter().all(|id| id == Ok(me)));
    }

    #[test]
    fn spawned_items_are_guarded_and_a_full_queue_says_busy() {
        let runner = Runner::new(1).with_queue(1);
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let (tx, rx) = mpsc::channel();
        let first = tx.clone();
        runner
            .try_spawn(
                move || {
                    gate_rx.recv().unwrap();
                    panic!("codec unwound")
                },
                move |d: Done<()>| first.send(d.result).unwrap(),
            )
            .unwrap();
        assert_eq!(runner.try_spawn(|| (), |_| ()), Err(Busy(1)));
        gate_tx.send(()).unwrap();
        assert_eq!(rx.recv().unwrap(), Err(Panicked("codec unwound".into())));
        runner
            .try_spawn(|| 5, move |d| tx.send(d.result.map(|_| ())).unwrap())
            .unwrap();
        assert_eq!(rx.recv().unwrap(), Ok(()));
        assert_eq!(runner.in_flight(), 0);
    }

    #[test]
    fn a_reserved_place_counts_until_its_work_ends_or_it_is_dropped() {
        let runner = Runner::new(1).with_queue(2);
        let first = runner.reserve().unwrap();
        let second = runner.reserve().unwrap();
        assert_eq!(runner.reserve().err(), Some(Busy(2)));
        assert_eq!(runner.try_spawn(|| (), |_| ()), Err(Busy(2)));
        drop(second);
        assert_eq!(runner.in_flight(), 1);
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let (tx, rx) = mpsc::channel();
        first.spawn(
            move || gate_rx.recv().unwrap(),
            move |d: Done<()>| tx.send(d.result).unwrap(),
        );
        // Under way, the item still holds its place.
        assert_eq!(runner.in_flight(), 1);
        let _third = runner.reserve().unwrap();
        assert!(runner.reserve().is_err());
        gate_tx.send(()).unwrap();
        assert_eq!(rx.recv().unwrap(), Ok(()));
        assert_eq!(runner.in_flight(), 1);
    }
}
