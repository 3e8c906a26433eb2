//! A request id for every request: in the request's extensions ([`RequestId`]), on every log
//! line written while it is served, and in the `x-request-id` header of its answer, so that a
//! client's complaint and the operator's logs meet.
//!
//! An id is a random prefix drawn when the server starts and a counter: unique within a run,
//! and two runs almost never share a prefix. A client's own `x-request-id` is not trusted
//! (it would let a client write what it likes into the logs) and is replaced.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::HeaderValue;

/// The header carrying the id on every answer.
pub const HEADER: &str = "x-request-id";

/// One request's id.
///
/// ```
/// use myna_edge::RequestId;
/// let ids = myna_edge::RequestIds::new();
/// let (a, b): (RequestId, RequestId) = (ids.next(), ids.next());
/// assert_ne!(a, b);
/// assert_eq!(a.to_string().len(), 21);
/// assert_eq!(a.header_value().to_str().unwrap(), a.to_string());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId {
    run: u32,
    sequence: u64,
}

impl RequestId {
    /// The id as an `x-request-id` value.
    pub fn header_value(&self) -> HeaderValue {
        // Hex digits and a dash are always a valid header value.
        HeaderValue::from_str(&self.to_string()).unwrap_or(HeaderValue::from_static("-"))
    }
}

impl core::fmt::Display for RequestId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:08x}-{:012x}", self.run, self.sequence)
    }
}

/// Hands out request ids for one server run.
#[derive(Debug)]
pub struct RequestIds {
    run: u32,
    next: AtomicU64,
}

impl RequestIds {
    /// A new run's ids (its prefix drawn from the OS's random source, or from the clock when
    /// that fails: ids need to be unique, not secret).
    pub fn new() -> Self {
        let mut bytes = [0u8; 4];
        let run = match getrandom::getrandom(&mut bytes) {
            Ok(()) => u32::from_be_bytes(bytes),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
                .unwrap_or(0),
        };
        RequestIds {
            run,
            next: AtomicU64::new(1),
        }
    }

    /// The next id (never the same twice in a run).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&self) -> RequestId {
        RequestId {
            run: self.run,
            sequence: self.next.fetch_add(1, Ordering::Relaxed) & 0xffff_ffff_ffff,
        }
    }
}

impl Default for RequestIds {
    fn default() -> Self {
        Self::new()
    }
}
