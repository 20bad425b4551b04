//! Upload admission, apart from work admission.
//!
//! A request first takes one of [`ServeOptions::uploads`](super::ServeOptions::uploads)
//! places to send its body, and every byte it sends is charged to a shared budget of
//! `(jobs + queue) × max_input_bytes` (so uploads together hold no more memory than a
//! full queue of the largest ones). Only when the whole body is in does it ask the
//! runner for a worker's place. Ten clients that send a byte every two seconds then hold
//! ten upload places and a few bytes of budget, and the workers stay free for the
//! uploads that have arrived; a client below the least rate is cut off (408).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::problem::Refusal;

/// The upload places and the byte budget.
pub(super) struct Admission {
    places: Arc<Semaphore>,
    budget: Arc<Semaphore>,
    /// Least bytes a second, measured over `window`.
    min_rate: u64,
    window: Duration,
}

impl Admission {
    /// `places` uploads at once, `budget` bytes held by them all.
    pub fn new(places: usize, budget: u64, min_rate: u64, window: Duration) -> Admission {
        let budget = usize::try_from(budget)
            .unwrap_or(usize::MAX)
            .min(Semaphore::MAX_PERMITS);
        Admission {
            places: Arc::new(Semaphore::new(places.max(1))),
            budget: Arc::new(Semaphore::new(budget)),
            min_rate,
            window,
        }
    }

    /// Uploads whose bodies are arriving now.
    pub fn receiving(&self, places: usize) -> usize {
        places.saturating_sub(self.places.available_permits())
    }

    /// An upload place, or 429 at once when all are taken.
    pub fn begin(&self) -> Result<Receiving, Refusal> {
        let place = Arc::clone(&self.places)
            .try_acquire_owned()
            .map_err(|_| Refusal::Overloaded)?;
        Ok(Receiving {
            place,
            held: Held(None),
            budget: Arc::clone(&self.budget),
            min_rate: self.min_rate,
            window: self.window,
        })
    }
}

/// The bytes an upload holds in the budget, given back when dropped (when its work ends).
pub(super) struct Held(Option<OwnedSemaphorePermit>);

/// An upload whose body is arriving.
pub(super) struct Receiving {
    place: OwnedSemaphorePermit,
    held: Held,
    budget: Arc<Semaphore>,
    min_rate: u64,
    window: Duration,
}

impl Receiving {
    /// Reads the whole body: 413 past `limit`, 429 when the budget is spent, 408 when
    /// a window brings fewer bytes than the least rate asks. Gives the upload place
    /// back and keeps the bytes' share of the budget in [`Held`].
    pub async fn read(
        mut self,
        body: &mut Body,
        limit: u64,
        declared: Option<u64>,
    ) -> Result<(Bytes, Held), Refusal> {
        // What has been declared is reserved in memory only as far as a window's worth:
        // a client that declares 64 MB and sends nothing must not cost 64 MB.
        let first = declared.unwrap_or(0).min(limit).min(1 << 20) as usize;
        let mut buffer = Vec::with_capacity(first);
        let least = self.min_rate.saturating_mul(self.window.as_secs().max(1));
        let mut window_end = Instant::now() + self.window;
        let mut in_window = 0u64;
        loop {
            let frame = match tokio::time::timeout_at(window_end, body.frame()).await {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(_) => {
                    if in_window < least {
                        return Err(Refusal::TooSlow(self.min_rate));
                    }
                    window_end += self.window;
                    in_window = 0;
                    continue;
                }
            };
            let frame = frame.map_err(|e| Refusal::CutOff(e.to_string()))?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if (buffer.len() + data.len()) as u64 > limit {
                return Err(Refusal::TooLarge(limit));
            }
            self.charge(data.len())?;
            in_window += data.len() as u64;
            buffer.extend_from_slice(&data);
            if Instant::now() >= window_end {
                if in_window < least {
                    return Err(Refusal::TooSlow(self.min_rate));
                }
                window_end = Instant::now() + self.window;
                in_window = 0;
            }
        }
        drop(self.place);
        Ok((Bytes::from(buffer), self.held))
    }

    /// Takes `bytes` more from the budget, or 429 when it is spent.
    fn charge(&mut self, bytes: usize) -> Result<(), Refusal> {
        if bytes == 0 {
            return Ok(());
        }
        let n = u32::try_from(bytes).map_err(|_| Refusal::Overloaded)?;
        let more = Arc::clone(&self.budget)
            .try_acquire_many_owned(n)
            .map_err(|_| Refusal::Overloaded)?;
        match &mut self.held.0 {
            Some(held) => held.merge(more),
            none => *none = Some(more),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_budget_is_charged_as_bytes_arrive_and_given_back_after() {
        let admission = Admission::new(2, 10, 0, Duration::from_secs(10));
        let a = admission.begin().unwrap();
        let _b = admission.begin().unwrap();
        assert!(matches!(admission.begin(), Err(Refusal::Overloaded)));
        assert_eq!(admission.receiving(2), 2);
        let mut body = Body::from(vec![7u8; 8]);
        let (bytes, held) = a.read(&mut body, 100, Some(8)).await.unwrap();
        assert_eq!(bytes.len(), 8);
        // The place is back; the bytes still hold the budget.
        assert_eq!(admission.receiving(2), 1);
        assert_eq!(admission.budget.available_permits(), 2);
        let c = admission.begin().unwrap();
        let mut body = Body::from(vec![7u8; 8]);
        assert!(matches!(
            c.read(&mut body, 100, None).await,
            Err(Refusal::Overloaded)
        ));
        drop(held);
        assert_eq!(admission.budget.available_permits(), 10);
    }
}
