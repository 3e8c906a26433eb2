//! Logging what a flood repeats at most once per period per kind: a client refused ten
//! thousand times a second must not turn into ten thousand log lines a second, yet the
//! operator must see that it happens and how often ([`LogThrottle::admit`] tells how many
//! lines were suppressed since the last one).

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What keeps happening under attack, one line per period each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Noise {
    /// A connection refused by the per-client cap.
    ClientConnectionCap,
    /// A connection refused by the global cap.
    ConnectionCap,
    /// Accepting a connection failed (e.g. out of file descriptors).
    AcceptFailed,
    /// A request refused by a rate limit.
    RateLimited,
    /// A request head over the edge's limits.
    HeadersTooLarge,
    /// A body refused because body memory is spent (or could never hold it).
    BodyRefused,
    /// A body that stopped arriving.
    BodyTimeout,
    /// A request that took longer than the request timeout.
    RequestTimeout,
    /// Bytes that are not HTTP/1 (hyper's parse errors), or a header timeout.
    ParseFailure,
    /// A connection closed by the edge for its header or idle timeout.
    ConnectionTimeout,
}

impl Noise {
    const ALL: [Noise; 10] = [
        Noise::ClientConnectionCap,
        Noise::ConnectionCap,
        Noise::AcceptFailed,
        Noise::RateLimited,
        Noise::HeadersTooLarge,
        Noise::BodyRefused,
        Noise::BodyTimeout,
        Noise::RequestTimeout,
        Noise::ParseFailure,
        Noise::ConnectionTimeout,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    last: Option<Instant>,
    suppressed: u64,
}

/// Per kind of [`Noise`]: when its last line was written and how many were held back since.
#[derive(Debug)]
pub(crate) struct LogThrottle {
    period: Duration,
    slots: Mutex<[Slot; Noise::ALL.len()]>,
}

/// The period the edge uses: one line per kind per 10 seconds.
pub(crate) const PERIOD: Duration = Duration::from_secs(10);

impl LogThrottle {
    pub(crate) fn new(period: Duration) -> Self {
        LogThrottle {
            period,
            slots: Mutex::new([Slot::default(); Noise::ALL.len()]),
        }
    }

    /// Whether a line about `noise` may be written at `now`: `Some(n)` with the number of
    /// lines suppressed since the last one written, or `None` (counted as suppressed).
    pub(crate) fn admit(&self, noise: Noise, now: Instant) -> Option<u64> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.get_mut(noise.index())?;
        let due = match slot.last {
            None => true,
            Some(last) => now.saturating_duration_since(last) >= self.period,
        };
        if !due {
            slot.suppressed = slot.suppressed.saturating_add(1);
            return None;
        }
        let suppressed = slot.suppressed;
        *slot = Slot {
            last: Some(now),
            suppressed: 0,
        };
        Some(suppressed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_period_per_kind_with_the_suppressed_count() {
        let throttle = LogThrottle::new(Duration::from_secs(10));
        let start = Instant::now();
        let at = |secs: u64| start + Duration::from_secs(secs);
        assert_eq!(throttle.admit(Noise::RateLimited, at(0)), Some(0));
        assert_eq!(throttle.admit(Noise::RateLimited, at(1)), None);
        assert_eq!(throttle.admit(Noise::RateLimited, at(9)), None);
        // Another kind has its own slot.
        assert_eq!(throttle.admit(Noise::ParseFailure, at(9)), Some(0));
        assert_eq!(throttle.admit(Noise::RateLimited, at(10)), Some(2));
        assert_eq!(throttle.admit(Noise::RateLimited, at(11)), None);
        assert_eq!(throttle.admit(Noise::RateLimited, at(25)), Some(1));
    }

    #[test]
    fn every_kind_has_its_own_slot() {
        let throttle = LogThrottle::new(Duration::from_secs(10));
        let now = Instant::now();
        for noise in Noise::ALL {
            assert_eq!(throttle.admit(noise, now), Some(0), "{noise:?}");
        }
    }
}
