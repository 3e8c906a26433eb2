//! Ages as Japanese law counts them (年齢計算ニ関スル法律 and Civil Code Art. 143).
//!
//! Age is counted from the day of birth, and a year of age is completed at the end of the day
//! *before* the birthday. So:
//!
//! * one **is** N from 00:00 of the Nth birthday ([`date_reaching`]);
//! * one has legally **reached** N (N歳に達した日) on the day before that birthday
//!   ([`legal_reached_day`]) — the day that rules like "the first 31 March after reaching 15"
//!   start from;
//! * someone born on 29 February completes a year at the end of 28 February in a common year
//!   (Art. 143: the period ends on the last day of the month that has no corresponding day), so
//!   is N from 1 March in common years and from 29 February in leap years.
//!
//! All functions take dates, never a clock. [`AgeClaims`] turns a birth date into the
//! `age_over_NN` booleans an issuer signs, with the last day they stay true to the facts.

use crate::calendar::CalendarDate;
use crate::CalendarError;
use crate::{Error, Result};

/// Age of majority (成年) since 2022-04-01 (Civil Code Art. 4 as amended in 2018).
pub const MAJORITY_AGE: u32 = 18;
/// Age of majority before 2022-04-01.
pub const MAJORITY_AGE_BEFORE_2022: u32 = 20;
/// Minimum age for alcohol, tobacco and public gambling (unchanged by the 2022 reform).
pub const ALCOHOL_TOBACCO_AGE: u32 = 20;

/// The first day on which someone born on `birth` is `years` old: the `years`-th birthday, or
/// 1 March when the birthday is 29 February and that year is common.
///
/// ```
/// use myna_vc_core::{age::date_reaching, calendar::CalendarDate};
/// let leapling = CalendarDate::from_ymd(2004, 2, 29)?;
/// assert_eq!(date_reaching(leapling, 18)?.to_string(), "2022-03-01");
/// assert_eq!(date_reaching(leapling, 20)?.to_string(), "2024-02-29");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn date_reaching(birth: CalendarDate, years: u32) -> Result<CalendarDate> {
    let year = i32::try_from(years)
        .ok()
        .and_then(|n| birth.year().checked_add(n))
        .ok_or(Error::Calendar(CalendarError::OutOfRange(
            "age beyond year 9999",
        )))?;
    match CalendarDate::from_ymd(year, birth.month(), birth.day()) {
        Ok(day) => Ok(day),
        // Only 29 February can be missing from a year; Art. 143 moves it to 1 March.
        Err(Error::Calendar(CalendarError::InvalidDate(_))) => CalendarDate::from_ymd(year, 3, 1),
        Err(e) => Err(e),
    }
}

/// The day someone born on `birth` legally reaches `years` (N歳に達した日): the day before
/// [`date_reaching`].
///
/// ```
/// use myna_vc_core::{age::legal_reached_day, calendar::CalendarDate};
/// let birth = CalendarDate::from_ymd(2011, 4, 1)?;
/// assert_eq!(legal_reached_day(birth, 15)?.to_string(), "2026-03-31");
/// let leapling = CalendarDate::from_ymd(2004, 2, 29)?;
/// assert_eq!(legal_reached_day(leapling, 18)?.to_string(), "2022-02-28");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn legal_reached_day(birth: CalendarDate, years: u32) -> Result<CalendarDate> {
    date_reaching(birth, years)?.previous_day()
}

/// The age in completed years on the day `on` of someone born on `birth`; 0 if `on` is
/// before `birth` (not yet born counts as not old enough for anything).
///
/// ```
/// use myna_vc_core::{age::age_on, calendar::CalendarDate};
/// let birth = CalendarDate::from_ymd(2008, 4, 2)?;
/// assert_eq!(age_on(birth, CalendarDate::from_ymd(2026, 4, 1)?), 17);
/// assert_eq!(age_on(birth, CalendarDate::from_ymd(2026, 4, 2)?), 18);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn age_on(birth: CalendarDate, on: CalendarDate) -> u32 {
    if on < birth {
        return 0;
    }
    // Both years lie in 1..=9999 and on >= birth, so the difference is a small non-negative.
    let years = u32::try_from(on.year() - birth.year()).unwrap_or(0);
    match date_reaching(birth, years) {
        Ok(birthday) if birthday <= on => years,
        _ => years.saturating_sub(1),
    }
}

/// Whether someone born on `birth` is at least `years` old on the day `on`.
///
/// ```
/// use myna_vc_core::{age::is_at_least, calendar::CalendarDate};
/// let birth = CalendarDate::from_ymd(2006, 5, 10)?;
/// assert!(!is_at_least(birth, 20, CalendarDate::from_ymd(2026, 5, 9)?));
/// assert!(is_at_least(birth, 20, CalendarDate::from_ymd(2026, 5, 10)?));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn is_at_least(birth: CalendarDate, years: u32, on: CalendarDate) -> bool {
    age_on(birth, on) >= years
}

/// The age of majority in force on the day `on`: 20 before 2022-04-01, 18 from then on.
///
/// ```
/// use myna_vc_core::{age::majority_age_on, calendar::CalendarDate};
/// assert_eq!(majority_age_on(CalendarDate::from_ymd(2022, 3, 31)?), 20);
/// assert_eq!(majority_age_on(CalendarDate::from_ymd(2022, 4, 1)?), 18);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn majority_age_on(on: CalendarDate) -> u32 {
    if (on.year(), on.month()) >= (2022, 4) {
        MAJORITY_AGE
    } else {
        MAJORITY_AGE_BEFORE_2022
    }
}

/// Whether someone born on `birth` is an adult (成年) on the day `on`, under the law in force
/// that day. Everyone aged 18 or 19 on 2022-04-01 became an adult that day.
///
/// ```
/// use myna_vc_core::{age::is_adult, calendar::CalendarDate};
/// let birth = CalendarDate::from_ymd(2003, 6, 1)?; // 18 on 2021-06-01
/// assert!(!is_adult(birth, CalendarDate::from_ymd(2022, 3, 31)?));
/// assert!(is_adult(birth, CalendarDate::from_ymd(2022, 4, 1)?));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn is_adult(birth: CalendarDate, on: CalendarDate) -> bool {
    is_at_least(birth, majority_age_on(on), on)
}

/// The `age_over_NN` claims for one person on the issuance day, and how long they stay true.
///
/// For each threshold N, `age_over_N` is "at least N years old". A `true` claim stays true
/// forever. A `false` claim becomes stale on [`date_reaching`]`(birth, N)`. `valid_until` is
/// the earliest such day over all false claims (`None` when every claim is true): every claim
/// holds on each day `d` with `issued_on <= d < valid_until`, so a credential carrying them
/// must expire no later than `valid_until.start_jst()` (00:00 JST that day).
///
/// ```
/// use myna_vc_core::{age::AgeClaims, calendar::CalendarDate};
/// let birth = CalendarDate::from_ymd(2007, 8, 15)?;
/// let claims = AgeClaims::compute(birth, CalendarDate::from_ymd(2026, 1, 10)?, &[18, 20, 65])?;
/// assert_eq!(claims.age_over(18), Some(true));
/// assert_eq!(claims.age_over(20), Some(false));
/// assert_eq!(claims.age_over(21), None);
/// // age_over_20 flips on the 20th birthday.
/// assert_eq!(claims.valid_until().map(|d| d.to_string()).as_deref(), Some("2027-08-15"));
/// assert_eq!(claims.claim_names().next().as_deref(), Some("age_over_18"));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeClaims {
    claims: Vec<(u32, bool)>,
    valid_until: Option<CalendarDate>,
}

impl AgeClaims {
    /// Computes the claims for `thresholds` (kept in the given order, duplicates dropped) on
    /// the day `issued_on`.
    ///
    /// Fails with [`CalendarError::BornAfterReferenceDate`] if `birth` is after `issued_on`, and with
    /// [`CalendarError::OutOfRange`] if a false claim would flip after 9999-12-31.
    ///
    /// ```
    /// use myna_vc_core::{age::AgeClaims, calendar::CalendarDate, Error};
    /// let birth = CalendarDate::from_ymd(1950, 1, 1)?;
    /// let all_true = AgeClaims::compute(birth, CalendarDate::from_ymd(2026, 1, 1)?, &[18, 65])?;
    /// assert_eq!(all_true.valid_until(), None);
    /// let unborn = AgeClaims::compute(birth, CalendarDate::from_ymd(1949, 1, 1)?, &[18]);
    /// assert!(matches!(unborn, Err(Error::Calendar(myna_vc_core::CalendarError::BornAfterReferenceDate))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn compute(
        birth: CalendarDate,
        issued_on: CalendarDate,
        thresholds: &[u32],
    ) -> Result<Self> {
        if birth > issued_on {
            return Err(Error::Calendar(CalendarError::BornAfterReferenceDate));
        }
        let mut claims: Vec<(u32, bool)> = Vec::with_capacity(thresholds.len());
        let mut valid_until: Option<CalendarDate> = None;
        for &n in thresholds {
            if claims.iter().any(|&(seen, _)| seen == n) {
                continue;
            }
            let holds = is_at_least(birth, n, issued_on);
            if !holds {
                let flips = date_reaching(birth, n)?;
                valid_until = Some(valid_until.map_or(flips, |v| v.min(flips)));
            }
            claims.push((n, holds));
        }
        Ok(AgeClaims {
            claims,
            valid_until,
        })
    }

    /// The value of `age_over_N`, or `None` if N was not computed.
    ///
    /// ```
    /// # use myna_vc_core::{age::AgeClaims, calendar::CalendarDate};
    /// let c = AgeClaims::compute(CalendarDate::from_ymd(2000, 1, 1)?, CalendarDate::from_ymd(2026, 1, 1)?, &[20])?;
    /// assert_eq!(c.age_over(20), Some(true));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn age_over(&self, years: u32) -> Option<bool> {
        self.claims
            .iter()
            .find(|&&(n, _)| n == years)
            .map(|&(_, holds)| holds)
    }

    /// The thresholds and their values, in the order computed.
    ///
    /// ```
    /// # use myna_vc_core::{age::AgeClaims, calendar::CalendarDate};
    /// let c = AgeClaims::compute(CalendarDate::from_ymd(2010, 1, 1)?, CalendarDate::from_ymd(2026, 1, 1)?, &[18, 15])?;
    /// assert_eq!(c.iter().collect::<Vec<_>>(), vec![(18, false), (15, true)]);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.claims.iter().copied()
    }

    /// The claim names, `age_over_N`, in the order computed.
    ///
    /// ```
    /// # use myna_vc_core::{age::AgeClaims, calendar::CalendarDate};
    /// let c = AgeClaims::compute(CalendarDate::from_ymd(2010, 1, 1)?, CalendarDate::from_ymd(2026, 1, 1)?, &[65])?;
    /// assert_eq!(c.claim_names().collect::<Vec<_>>(), vec!["age_over_65".to_string()]);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn claim_names(&self) -> impl Iterator<Item = String> + '_ {
        self.claims.iter().map(|&(n, _)| format!("age_over_{n}"))
    }

    /// The claims as a JSON object `{"age_over_18": true, …}`, ready to merge into a
    /// credential's claims.
    ///
    /// ```
    /// # use myna_vc_core::{age::AgeClaims, calendar::CalendarDate};
    /// let c = AgeClaims::compute(CalendarDate::from_ymd(2010, 1, 1)?, CalendarDate::from_ymd(2026, 1, 1)?, &[15, 18])?;
    /// let json = serde_json::Value::Object(c.to_json());
    /// assert_eq!(json, serde_json::json!({"age_over_15": true, "age_over_18": false}));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.claim_names()
            .zip(self.iter())
            .map(|(name, (_, holds))| (name, serde_json::Value::Bool(holds)))
            .collect()
    }

    /// The first day on which some claim would no longer be true, or `None` if all are true
    /// (and so stay true forever). The claims hold from the issuance day up to the day before.
    ///
    /// ```
    /// # use myna_vc_core::{age::AgeClaims, calendar::CalendarDate};
    /// let birth = CalendarDate::from_ymd(2012, 2, 29)?;
    /// let c = AgeClaims::compute(birth, CalendarDate::from_ymd(2026, 1, 1)?, &[15])?;
    /// // 2027 is a common year: 15 from 1 March.
    /// assert_eq!(c.valid_until(), Some(CalendarDate::from_ymd(2027, 3, 1)?));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn valid_until(&self) -> Option<CalendarDate> {
        self.valid_until
    }
}
