//! A connection's clock between and around its requests: the header read timeout, the idle
//! keep-alive timeout and a stalled answer, judged from what the connection does.
//!
//! hyper's own header read timeout starts whenever it waits for a request head — also on a
//! kept-alive connection waiting for its next request — so it cannot tell an idle client
//! from a slow one, and it would close every kept-alive connection after the (short) header
//! timeout. The edge switches it off and keeps the time itself: the socket is wrapped
//! ([`Watched`]) so every byte read or written is noted, and each request notes when it
//! starts, when its handler finishes and when its answer is done. From that ([`State::expiry`]):
//!
//! * a new connection must have sent its first request head within the header timeout;
//! * between requests, a connection may wait up to the idle timeout for the next request's
//!   first byte, and from that byte the head must be complete within the header timeout;
//! * while an answer is being written (its handler done), the connection must move a byte
//!   at least every idle timeout — a client that stops reading does not hold it forever.
//!
//! While a handler runs the request timeout and the body read timeout apply instead.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// The two timeouts a connection is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub(crate) header: Duration,
    pub(crate) idle: Duration,
}

/// Why a connection is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// A request head did not arrive in time.
    HeaderTimeout,
    /// No next request came within the idle timeout.
    IdleTimeout,
    /// An answer could not be written for the idle timeout.
    Stalled,
}

#[derive(Debug, Clone, Copy)]
struct State {
    /// Requests whose head was read and whose answer is not done.
    open_requests: usize,
    /// Requests whose handler runs.
    handlers: usize,
    /// Whether a request was read on this connection already.
    served: bool,
    /// Since when the connection waits for a request head.
    awaiting_since: Instant,
    /// The first byte read while waiting for a request head.
    first_byte: Option<Instant>,
    /// The last byte read or written (or a handler finishing).
    last_progress: Instant,
}

impl State {
    fn new(now: Instant) -> Self {
        State {
            open_requests: 0,
            handlers: 0,
            served: false,
            awaiting_since: now,
            first_byte: None,
            last_progress: now,
        }
    }

    /// Whether the connection is past one of its deadlines at `now`.
    fn expiry(&self, now: Instant, timeouts: Timeouts) -> Option<Expiry> {
        if self.open_requests == 0 {
            let (deadline, expiry) = match (self.served, self.first_byte) {
                (false, _) => (self.awaiting_since + timeouts.header, Expiry::HeaderTimeout),
                (true, Some(first)) => (first + timeouts.header, Expiry::HeaderTimeout),
                (true, None) => (self.awaiting_since + timeouts.idle, Expiry::IdleTimeout),
            };
            return (now >= deadline).then_some(expiry);
        }
        if self.handlers == 0 && now >= self.last_progress + timeouts.idle {
            return Some(Expiry::Stalled);
        }
        None
    }
}

/// One connection's activity.
#[derive(Debug)]
pub(crate) struct Activity {
    state: Mutex<State>,
    timeouts: Timeouts,
}

impl Activity {
    pub(crate) fn new(timeouts: Timeouts) -> Arc<Self> {
        Arc::new(Activity {
            state: Mutex::new(State::new(Instant::now())),
            timeouts,
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn read(&self, now: Instant) {
        let mut state = self.state();
        state.last_progress = now;
        if state.open_requests == 0 && state.first_byte.is_none() {
            state.first_byte = Some(now);
        }
    }

    fn wrote(&self, now: Instant) {
        self.state().last_progress = now;
    }

    /// Notes a request whose head was read: it is open until the returned [`OpenRequest`]
    /// is dropped (with its answer), its handler runs until [`HandlerRunning`] is dropped.
    pub(crate) fn request_started(self: &Arc<Self>) -> (OpenRequest, HandlerRunning) {
        let mut state = self.state();
        state.open_requests += 1;
        state.handlers += 1;
        state.served = true;
        state.first_byte = None;
        drop(state);
        (
            OpenRequest(Arc::clone(self)),
            HandlerRunning(Arc::clone(self)),
        )
    }

    /// Whether the connection should be closed now.
    pub(crate) fn expiry(&self) -> Option<Expiry> {
        self.state().expiry(Instant::now(), self.timeouts)
    }
}

/// A request whose answer is not done yet.
#[derive(Debug)]
pub(crate) struct OpenRequest(Arc<Activity>);

impl Drop for OpenRequest {
    fn drop(&mut self) {
        let now = Instant::now();
        let mut state = self.0.state();
        state.open_requests = state.open_requests.saturating_sub(1);
        state.last_progress = now;
        if state.open_requests == 0 {
            state.awaiting_since = now;
            state.first_byte = None;
        }
    }
}

/// A request whose handler runs.
#[derive(Debug)]
pub(crate) struct HandlerRunning(Arc<Activity>);

impl Drop for HandlerRunning {
    fn drop(&mut self) {
        let now = Instant::now();
        let mut state = self.0.state();
        state.handlers = state.handlers.saturating_sub(1);
        state.last_progress = now;
    }
}

/// A socket whose reads and writes are noted in its connection's [`Activity`].
#[derive(Debug)]
pub(crate) struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub(crate) fn new(inner: S, activity: Arc<Activity>) -> Self {
        Watched { inner, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read(Instant::now());
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote(Instant::now());
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote(Instant::now());
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        header: Duration::from_secs(10),
        idle: Duration::from_secs(60),
    };

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_new_connection_has_the_header_timeout_for_its_first_head() {
        let start = Instant::now();
        let mut state = State::new(start);
        assert_eq!(state.expiry(start + secs(9), TIMEOUTS), None);
        // A byte late in the window does not extend it.
        state.first_byte = Some(start + secs(9));
        assert_eq!(
            state.expiry(start + secs(10), TIMEOUTS),
            Some(Expiry::HeaderTimeout)
        );
    }

    #[test]
    fn a_kept_alive_connection_waits_the_idle_timeout_then_the_header_timeout() {
        let start = Instant::now();
        let mut state = State::new(start);
        state.served = true;
        assert_eq!(state.expiry(start + secs(59), TIMEOUTS), None);
        assert_eq!(
            state.expiry(start + secs(60), TIMEOUTS),
            Some(Expiry::IdleTimeout)
        );
        state.first_byte = Some(start + secs(30));
        assert_eq!(state.expiry(start + secs(39), TIMEOUTS), None);
        assert_eq!(
            state.expiry(start + secs(40), TIMEOUTS),
            Some(Expiry::HeaderTimeout)
        );
    }

    #[test]
    fn a_running_handler_is_never_cut_but_a_stalled_answer_is() {
        let start = Instant::now();
        let mut state = State::new(start);
        state.served = true;
        state.open_requests = 1;
        state.handlers = 1;
        assert_eq!(state.expiry(start + secs(600), TIMEOUTS), None);
        state.handlers = 0;
        assert_eq!(
            state.expiry(start + secs(60), TIMEOUTS),
            Some(Expiry::Stalled)
        );
        state.last_progress = start + secs(50);
        assert_eq!(state.expiry(start + secs(60), TIMEOUTS), None);
    }

    #[test]
    fn the_guards_move_the_connection_between_requests() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let activity = Activity::new(TIMEOUTS);
            activity.read(Instant::now());
            let (open, handler) = activity.request_started();
            tokio::time::advance(secs(100)).await;
            assert_eq!(activity.expiry(), None, "the handler runs");
            drop(handler);
            tokio::time::advance(secs(59)).await;
            assert_eq!(activity.expiry(), None);
            activity.wrote(Instant::now());
            drop(open);
            tokio::time::advance(secs(59)).await;
            assert_eq!(activity.expiry(), None, "idle, within the idle timeout");
            tokio::time::advance(secs(1)).await;
            assert_eq!(activity.expiry(), Some(Expiry::IdleTimeout));
        });
    }
}
