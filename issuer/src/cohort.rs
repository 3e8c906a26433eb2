//! The issuance cohort: every holder an issuer serves on one JST calendar day.
//!
//! A verifier sees some values of a credential in the clear whatever the holder discloses: the
//! JOSE header, `iss`, `iat`, `exp`, `vct`, the status list URI. If any of them differs from
//! one holder to the next, it tells holders apart — and a personal time gives away more than
//! that: an age credential that expired the day a `false` flag would turn true, or a resident
//! credential capped by the card certificate's expiry (the fifth birthday after the card was
//! issued), handed every shop the holder's date of birth.
//!
//! So the times a credential carries are the cohort's, never the person's:
//!
//! * `iat` is 00:00 JST of the issuance day ([`Cohort::issued_at`]);
//! * `exp` is a boundary shared by everyone issued that day: a whole number of days later
//!   ([`Cohort::after_days`]), or the next 1 April for the fiscal-year subsidy
//!   ([`Cohort::next_fiscal_year`]); a caller's own expiry is floored to 00:00 JST
//!   ([`Cohort::floor`]);
//! * a limit that *is* personal (the card certificate's expiry) is never written into the
//!   credential. The record keeps it, and when it passes the credential's status entry — one
//!   random entry among thousands — is revoked ([`lapse`](crate::lapse)), so nothing is valid
//!   longer than it should be and nothing personal is in the clear.
//!
//! A claim that could go stale before `exp` may only go stale in the safe direction: an age
//! credential's `age_over_N = true` stays true for ever; a `false` may turn true before `exp`,
//! and the holder is then refused until the wallet refreshes the credential.
//!
//! ```
//! use myna_issuer::cohort::Cohort;
//! use myna_vc_core::time::NumericDate;
//! // 2027-04-01 09:00 JST and 2027-04-01 23:59 JST are one cohort: 2027-04-01 00:00 JST.
//! let morning = Cohort::of(NumericDate::from_unix(1_806_537_600))?;
//! let night = Cohort::of(NumericDate::from_unix(1_806_591_540))?;
//! assert_eq!(morning, night);
//! assert_eq!(morning.issued_at(), NumericDate::from_unix(1_806_505_200));
//! assert_eq!(morning.after_days(30)?, NumericDate::from_unix(1_806_505_200 + 30 * 86_400));
//! # Ok::<(), myna_issuer::Error>(())
//! ```

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::time::NumericDate;

use crate::error::{Error, Result};

/// Seconds in a JST calendar day (Japan has no daylight saving time).
const DAY_SECS: u64 = 86_400;

/// The holders issued to on one JST calendar day. See the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cohort {
    day: CalendarDate,
}

impl Cohort {
    /// The cohort of the instant `now` (its JST calendar day).
    ///
    /// ```
    /// use myna_issuer::cohort::Cohort;
    /// use myna_vc_core::{calendar::CalendarDate, time::NumericDate};
    /// // 2027-03-31 15:00 UTC is already 1 April in Japan.
    /// let cohort = Cohort::of(NumericDate::from_unix(1_806_505_200))?;
    /// assert_eq!(cohort.day(), CalendarDate::from_ymd(2027, 4, 1)?);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn of(now: NumericDate) -> Result<Self> {
        Ok(Cohort {
            day: CalendarDate::from_numeric_date_jst(now)?,
        })
    }

    /// The issuance day.
    pub fn day(&self) -> CalendarDate {
        self.day
    }

    /// `iat` of every credential of the cohort: 00:00 JST of the issuance day.
    ///
    /// ```
    /// use myna_issuer::cohort::Cohort;
    /// use myna_vc_core::time::NumericDate;
    /// let cohort = Cohort::of(NumericDate::from_unix(1_806_537_600))?;
    /// assert!(cohort.issued_at() <= NumericDate::from_unix(1_806_537_600));
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn issued_at(&self) -> NumericDate {
        self.day.start_jst()
    }

    /// 00:00 JST `days` days after the issuance day: an `exp` the whole cohort shares.
    /// Zero days is refused (the credential would be born expired).
    ///
    /// ```
    /// use myna_issuer::{cohort::Cohort, Error};
    /// use myna_vc_core::time::NumericDate;
    /// let cohort = Cohort::of(NumericDate::from_unix(1_806_537_600))?;
    /// assert_eq!(cohort.after_days(1)?, cohort.issued_at().plus_seconds(86_400));
    /// assert!(matches!(cohort.after_days(0), Err(Error::Invalid { .. })));
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn after_days(&self, days: u32) -> Result<NumericDate> {
        if days == 0 {
            return Err(Error::Invalid {
                what: "credential lifetime",
                detail: "a lifetime of 0 days would expire the credential at issuance".into(),
            });
        }
        Ok(self.issued_at().plus_seconds(u64::from(days) * DAY_SECS))
    }

    /// 00:00 JST of the first 1 April after the issuance day: the start of the next fiscal
    /// year (年度), when every subsidy's coverage — which always ends on a 31 March — is next
    /// reviewed.
    ///
    /// ```
    /// use myna_issuer::cohort::Cohort;
    /// use myna_vc_core::{calendar::CalendarDate, time::NumericDate};
    /// let on = |y, m, d| Cohort::of(CalendarDate::from_ymd(y, m, d).unwrap().start_jst()).unwrap();
    /// let april_2028 = CalendarDate::from_ymd(2028, 4, 1)?.start_jst();
    /// assert_eq!(on(2027, 4, 1).next_fiscal_year()?, april_2028);
    /// assert_eq!(on(2028, 3, 31).next_fiscal_year()?, april_2028);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn next_fiscal_year(&self) -> Result<NumericDate> {
        let year = if self.day.month() >= 4 {
            self.day.year() + 1
        } else {
            self.day.year()
        };
        Ok(CalendarDate::from_ymd(year, 4, 1)?.start_jst())
    }

    /// `t` floored to 00:00 JST of its day: a caller's expiry made shared by everyone who was
    /// given the same day.
    ///
    /// ```
    /// use myna_issuer::cohort::Cohort;
    /// use myna_vc_core::time::NumericDate;
    /// let t = NumericDate::from_unix(1_806_537_600); // 2027-04-01 09:00 JST
    /// assert_eq!(Cohort::floor(t)?, NumericDate::from_unix(1_806_505_200));
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn floor(t: NumericDate) -> Result<NumericDate> {
        Ok(CalendarDate::from_numeric_date_jst(t)?.start_jst())
    }
}
