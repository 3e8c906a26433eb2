//! A bound on the bytes of request bodies held in memory at once, all requests together.
//!
//! The budget is a semaphore of `max_buffered_bytes` permits. Every request body is wrapped
//! in a [`MeteredBody`]: each data frame takes as many permits as it has bytes, and the
//! permits stay taken (in the request's [`BodyAccount`]) until the request's answer has
//! been sent — a handler that collects a body keeps its bytes until then, whatever it does
//! with the frames. When a frame finds too few permits free, the body fails and the edge
//! answers 503 `busy` in place of whatever the handler made of the failure. A declared
//! `Content-Length` is judged before the handler runs: larger than the whole budget is 413
//! `too_large`, larger than what is free now is 503 `busy`.
//!
//! The wrapper also bounds the wait for the next frame (the body read timeout): a body that
//! goes that long without a byte while someone reads it fails, and the edge answers 408.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::BoxError;
use http_body::{Body, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

use crate::error::Refusal;

/// The memory for request bodies.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    permits: Arc<Semaphore>,
    total: usize,
}

impl Budget {
    pub(crate) fn new(total: usize) -> Self {
        let total = total.min(Semaphore::MAX_PERMITS);
        Budget {
            permits: Arc::new(Semaphore::new(total)),
            total,
        }
    }

    /// Bytes free now.
    pub(crate) fn free(&self) -> usize {
        self.permits.available_permits()
    }

    /// Whether a body of `declared` bytes may start now.
    pub(crate) fn admit_declared(&self, declared: Option<u64>) -> Result<(), Refusal> {
        let Some(declared) = declared else {
            return Ok(());
        };
        let declared = usize::try_from(declared).unwrap_or(usize::MAX);
        if declared > self.total {
            return Err(Refusal::TooLarge);
        }
        if declared > self.free() {
            return Err(Refusal::Busy);
        }
        Ok(())
    }

    fn take(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let bytes = u32::try_from(bytes).ok()?;
        Arc::clone(&self.permits).try_acquire_many_owned(bytes).ok()
    }
}

/// What went wrong while a body was read, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyOutcome {
    /// Nothing (so far).
    Fine = 0,
    /// A frame found the budget spent.
    Exhausted = 1,
    /// The next frame did not come in time.
    TimedOut = 2,
}

/// What one request's body holds of the budget, until the account is dropped (with the
/// request's answer), and how its reading went.
#[derive(Debug, Default)]
pub(crate) struct BodyAccount {
    held: Mutex<Option<OwnedSemaphorePermit>>,
    outcome: AtomicU8,
}

impl BodyAccount {
    fn hold(&self, permit: OwnedSemaphorePermit) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        match held.as_mut() {
            Some(taken) => taken.merge(permit),
            None => *held = Some(permit),
        }
    }

    /// Bytes held.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.as_ref().map_or(0, OwnedSemaphorePermit::num_permits)
    }

    fn mark(&self, outcome: BodyOutcome) {
        self.outcome.store(outcome as u8, Ordering::Relaxed);
    }

    /// How reading the body went.
    pub(crate) fn outcome(&self) -> BodyOutcome {
        match self.outcome.load(Ordering::Relaxed) {
            1 => BodyOutcome::Exhausted,
            2 => BodyOutcome::TimedOut,
            _ => BodyOutcome::Fine,
        }
    }
}

/// Why a metered body failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyError {
    /// The budget is spent.
    #[error("the memory for request bodies is spent")]
    Exhausted,
    /// The next frame did not come in time.
    #[error("the request body stopped arriving")]
    TimedOut,
}

/// A request body whose frames take from the budget, with a timeout between frames.
pub(crate) struct MeteredBody<B> {
    inner: B,
    budget: Budget,
    account: Arc<BodyAccount>,
    timeout: Duration,
    waiting: Option<Pin<Box<Sleep>>>,
    failed: Option<BodyError>,
}

impl<B> MeteredBody<B> {
    pub(crate) fn new(
        inner: B,
        budget: Budget,
        account: Arc<BodyAccount>,
        timeout: Duration,
    ) -> Self {
        MeteredBody {
            inner,
            budget,
            account,
            timeout,
            waiting: None,
            failed: None,
        }
    }

    fn fail(&mut self, error: BodyError) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.account.mark(match error {
            BodyError::Exhausted => BodyOutcome::Exhausted,
            BodyError::TimedOut => BodyOutcome::TimedOut,
        });
        self.failed = Some(error);
        Poll::Ready(Some(Err(error.into())))
    }
}

impl<B> Body for MeteredBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if let Some(error) = this.failed {
            return Poll::Ready(Some(Err(error.into())));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.waiting = None;
                let bytes = frame.data_ref().map_or(0, Bytes::len);
                if bytes > 0 {
                    match this.budget.take(bytes) {
                        Some(permit) => this.account.hold(permit),
                        None => return this.fail(BodyError::Exhausted),
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let timeout = this.timeout;
                let waiting = this
                    .waiting
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if waiting.as_mut().poll(cx).is_ready() {
                    return this.fail(BodyError::TimedOut);
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body as AxumBody;

    fn collect(
        body: impl Body<Data = Bytes, Error = BoxError> + Send + 'static,
    ) -> Result<Bytes, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime
            .block_on(axum::body::to_bytes(AxumBody::new(body), usize::MAX))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn frames_hold_their_bytes_until_the_account_is_dropped() {
        let budget = Budget::new(100_000);
        let account = Arc::new(BodyAccount::default());
        let body = MeteredBody::new(
            AxumBody::from(vec![7u8; 30_000]),
            budget.clone(),
            Arc::clone(&account),
            Duration::from_secs(1),
        );
        assert_eq!(collect(body).unwrap().len(), 30_000);
        assert_eq!(account.held(), 30_000);
        assert_eq!(budget.free(), 70_000);
        assert_eq!(account.outcome(), BodyOutcome::Fine);
        drop(account);
        assert_eq!(budget.free(), 100_000);
    }

    #[test]
    fn a_body_past_what_is_free_fails_and_says_so() {
        let budget = Budget::new(100_000);
        let _taken = budget.take(90_000).unwrap();
        let account = Arc::new(BodyAccount::default());
        let body = MeteredBody::new(
            AxumBody::from(vec![7u8; 20_000]),
            budget.clone(),
            Arc::clone(&account),
            Duration::from_secs(1),
        );
        assert!(collect(body).is_err());
        assert_eq!(account.outcome(), BodyOutcome::Exhausted);
        assert_eq!(budget.free(), 10_000, "a refused frame takes nothing");
    }

    #[test]
    fn declared_lengths_are_judged_against_the_whole_and_the_free_budget() {
        let budget = Budget::new(100_000);
        assert_eq!(budget.admit_declared(None), Ok(()));
        assert_eq!(budget.admit_declared(Some(100_000)), Ok(()));
        assert_eq!(budget.admit_declared(Some(100_001)), Err(Refusal::TooLarge));
        let _taken = budget.take(50_000).unwrap();
        assert_eq!(budget.admit_declared(Some(60_000)), Err(Refusal::Busy));
        assert_eq!(
            budget.admit_declared(Some(u64::MAX)),
            Err(Refusal::TooLarge)
        );
    }

    #[test]
    fn a_body_that_stops_arriving_times_out() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let account = Arc::new(BodyAccount::default());
        let outcome = runtime.block_on(async {
            // A body whose sender never sends: the first frame never comes.
            let (_sender, stalled) =
                tokio::sync::mpsc::channel::<Result<Frame<Bytes>, BoxError>>(1);
            let stalled = ChannelBody(stalled);
            let body = MeteredBody::new(
                stalled,
                Budget::new(100_000),
                Arc::clone(&account),
                Duration::from_secs(5),
            );
            axum::body::to_bytes(AxumBody::new(body), usize::MAX).await
        });
        assert!(outcome.is_err());
        assert_eq!(account.outcome(), BodyOutcome::TimedOut);
    }

    /// A body fed by a channel.
    struct ChannelBody(tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, BoxError>>);

    impl Body for ChannelBody {
        type Data = Bytes;
        type Error = BoxError;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
            self.0.poll_recv(cx)
        }
    }
}
