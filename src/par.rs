//! Parallel parts of one item, for the pixel stages: [`both`], [`alongside`] and
//! [`chunks_mut`] hand parts of an item to idle workers of the
//! [`Runner`](crate::run::Runner)'s pool the item runs on, and run them one after another anywhere else. Rayon's work
//! stealing gives a worker such a part only when it has nothing else, so a full batch
//! is not slowed and no second pool is ever started.
//!
//! It depends on nothing in the crate, so the pixel stages (normalize, fit, rotate,
//! pipeline) can use it without importing the runner and what the runner knows of
//! commands and records.

use rayon::prelude::*;

/// Whether work started here can be helped by other workers: true on a worker of a
/// [`Runner`](crate::run::Runner)'s pool of two or more. Elsewhere (`-j 1` on the
/// caller's thread, tests) an item's parts run one after another, and no second pool is
/// ever started for them.
/// Work that only pays when helped (speculation) need not even be prepared elsewhere.
pub fn helpers_possible() -> bool {
    rayon::current_thread_index().is_some() && rayon::current_num_threads() > 1
}

/// Runs `a` and `b` and returns both results: in parallel when the item runs on a
/// runner worker (an idle worker takes `b`; in a full batch the same worker runs it
/// right after `a`, so nothing is lost), one after the other elsewhere.
pub fn both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if helpers_possible() {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}

/// Runs `a`, and `maybe` beside it only if an idle worker of the runner takes it up
/// while `a` runs: work that may turn out to be needed (a speculative encode), done for
/// free when a core would idle and never when every worker is busy with items of its
/// own. `None` when nobody took it; the caller then does it itself if it still needs it.
pub fn alongside<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    maybe: impl FnOnce() -> B + Send,
) -> (A, Option<B>) {
    if !helpers_possible() {
        return (a(), None);
    }
    rayon::join_context(|_| a(), |ctx| ctx.migrated().then(maybe))
}

/// Calls `f(i, chunk)` on the `i`-th `len`-long chunk of `data` (the last may be
/// shorter): spread over idle workers of the runner, in order on this thread elsewhere.
pub fn chunks_mut<T: Send>(data: &mut [T], len: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    if helpers_possible() {
        data.par_chunks_mut(len)
            .enumerate()
            .for_each(|(i, chunk)| f(i, chunk));
    } else {
        data.chunks_mut(len)
            .enumerate()
            .for_each(|(i, chunk)| f(i, chunk));
    }
}
