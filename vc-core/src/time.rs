//! Time as JWTs see it: whole seconds since the Unix epoch, and a clock you inject.
//!
//! Verification never reads the system clock by itself: every check takes a [`NumericDate`]
//! (sans-I/O), so tests replay any instant and a gate with a wrong clock is a configuration
//! problem you can see, not a hidden one.

use core::fmt;

/// A JWT NumericDate: seconds since 1970-01-01T00:00:00Z, ignoring leap seconds.
///
/// ```
/// use myna_vc_core::time::NumericDate;
/// let t = NumericDate::from_unix(1_683_000_000);
/// assert_eq!(t.plus_seconds(60).as_unix(), 1_683_000_060);
/// assert!(t < t.plus_seconds(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate(i64);

impl NumericDate {
    /// The instant `secs` seconds after the epoch.
    pub const fn from_unix(secs: i64) -> Self {
        NumericDate(secs)
    }

    /// Seconds since the epoch.
    pub const fn as_unix(self) -> i64 {
        self.0
    }

    /// This instant moved forward (saturating, never wrapping).
    pub const fn plus_seconds(self, secs: u64) -> Self {
        NumericDate(self.0.saturating_add(clamp(secs)))
    }

    /// This instant moved back (saturating, never wrapping).
    pub const fn minus_seconds(self, secs: u64) -> Self {
        NumericDate(self.0.saturating_sub(clamp(secs)))
    }

    /// Reads a NumericDate from a JSON value: an integer, or a number with a fraction (which is
    /// truncated, as RFC 7519 allows non-integer values).
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        if let Some(i) = value.as_i64() {
            return Some(NumericDate(i));
        }
        let f = value.as_f64()?;
        if !f.is_finite() || f.abs() > 9.0e15 {
            return None;
        }
        // Truncation toward zero is the documented intent for fractional dates.
        #[allow(clippy::cast_possible_truncation)]
        Some(NumericDate(f as i64))
    }
}

/// A second count as i64, saturating at `i64::MAX` instead of wrapping.
const fn clamp(secs: u64) -> i64 {
    if secs > i64::MAX as u64 {
        i64::MAX
    } else {
        secs as i64
    }
}

impl fmt::Display for NumericDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A source of "now". Inject one; never call the system clock inside verification.
///
/// ```
/// use myna_vc_core::time::{Clock, FixedClock, NumericDate};
/// let clock = FixedClock(NumericDate::from_unix(1_700_000_000));
/// assert_eq!(clock.now().as_unix(), 1_700_000_000);
/// ```
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> NumericDate;
}

/// A clock that always says the same instant: for tests, replays and batch jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub NumericDate);

impl Clock for FixedClock {
    fn now(&self) -> NumericDate {
        self.0
    }
}

/// The operating system's clock (not on `wasm32-unknown-unknown`, where the host passes time in).
///
/// ```
/// use myna_vc_core::time::{Clock, SystemClock};
/// assert!(SystemClock.now().as_unix() > 1_600_000_000);
/// ```
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now(&self) -> NumericDate {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        NumericDate::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
    }
}
