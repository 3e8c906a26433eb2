//! The demo clock: every party (issuer services, wallets, verifiers) reads the same injected
//! time, starting at [`DEMO_START`] whatever today's date is, so ages, validity periods and
//! the printed story are the same on every run. Scenarios that need time to pass
//! (a new CRL) move it for every party at once.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use myna_vc_core::time::{Clock, NumericDate};

/// 2027-04-01T09:00:00+09:00 (2027-04-01T00:00:00Z), the first day of a Japanese fiscal year.
pub const DEMO_START: NumericDate = NumericDate::from_unix(1_806_537_600);

/// A clock the demo moves by hand.
#[derive(Debug)]
pub struct DemoClock(AtomicI64);

impl DemoClock {
    /// A clock at [`DEMO_START`].
    pub fn start() -> Arc<DemoClock> {
        Arc::new(DemoClock(AtomicI64::new(DEMO_START.as_unix())))
    }

    /// Moves the clock `secs` seconds forward, for every party at once.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for DemoClock {
    fn now(&self) -> NumericDate {
        NumericDate::from_unix(self.0.load(Ordering::SeqCst))
    }
}
