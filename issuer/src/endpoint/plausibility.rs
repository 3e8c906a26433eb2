//! The plausibility rules offered facts meet when an offer is made — at the desk
//! (`POST /admin/offers`), in a batch file or at the end of card anchoring — so that an
//! implausible fact never waits, sealed, for a redemption that would fail or, worse, succeed:
//!
//! * an address lies in the issuer's municipality: prefecture + name, the rule card anchoring
//!   applies ([`Municipality::contains_address`]);
//! * a birth date is not after today (JST) and not before [`EARLIEST_BIRTH_DATE`] nor more
//!   than [`MAX_AGE_YEARS`] years ago;
//! * a subsidy's covered ages lie in 1..=[`MAX_SUBSIDY_AGE`], its copays in
//!   0..=[`MAX_COPAY_YEN`] with the monthly cap not below the copay per visit, and its coverage
//!   has not ended (payer and recipient numbers' check digits are checked when they parse);
//! * a limit (`not_after`) has not passed;
//! * a shelter check-in is not in the future (beyond [`CLOCK_SKEW_SECS`]) nor more than
//!   [`MAX_CHECK_IN_AGE_SECS`] ago.
//!
//! Each rule is a function of the values and the time, so the offer code dispatches on the
//! credential and the rules stay testable on their own.
//!
//! ```
//! use myna_issuer::endpoint::plausibility::birth_date;
//! use myna_issuer::FactRejection;
//! use myna_vc_core::calendar::CalendarDate;
//! let today = CalendarDate::from_ymd(2027, 4, 1)?;
//! assert!(birth_date("birthdate", CalendarDate::from_ymd(1990, 5, 5)?, today).is_ok());
//! assert_eq!(birth_date("birthdate", CalendarDate::from_ymd(2990, 1, 1)?, today),
//!     Err(FactRejection::InFuture { field: "birthdate" }));
//! assert!(matches!(birth_date("birthdate", CalendarDate::from_ymd(1, 1, 1)?, today),
//!     Err(FactRejection::TooEarly { .. })));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::municipality::Municipality;
use myna_vc_core::subsidy::coverage_end;
use myna_vc_core::time::NumericDate;

use crate::fact_rejection::FactRejection;

/// No birth date before this day is accepted (1900-01-01).
pub const EARLIEST_BIRTH_DATE: (i32, u8, u8) = (1900, 1, 1);
/// Nobody is accepted as older than this many years.
pub const MAX_AGE_YEARS: i32 = 130;
/// The highest age up to which a municipality's child medical subsidy covers (the most
/// generous cover university-age children).
pub const MAX_SUBSIDY_AGE: u32 = 25;
/// The highest copay (per visit or per month) accepted, in yen.
pub const MAX_COPAY_YEN: u32 = 100_000;
/// How far in the future a time may lie (clocks differ).
pub const CLOCK_SKEW_SECS: u64 = 300;
/// How long ago a shelter check-in may lie: a registration is about a current stay.
pub const MAX_CHECK_IN_AGE_SECS: u64 = 366 * 86_400;

/// The earliest plausible birth date on `today`: 1900-01-01, or [`MAX_AGE_YEARS`] years
/// before today if that is later.
///
/// ```
/// use myna_issuer::endpoint::plausibility::earliest_birth_date;
/// use myna_vc_core::calendar::CalendarDate;
/// let earliest = |y, m, d| earliest_birth_date(CalendarDate::from_ymd(y, m, d).unwrap()).to_string();
/// assert_eq!(earliest(2027, 4, 1), "1900-01-01");
/// assert_eq!(earliest(2040, 2, 29), "1910-02-28");
/// ```
pub fn earliest_birth_date(today: CalendarDate) -> CalendarDate {
    let (year, month, day) = EARLIEST_BIRTH_DATE;
    let floor = CalendarDate::from_ymd(year, month, day).ok();
    let oldest = year_minus(today, MAX_AGE_YEARS);
    match (floor, oldest) {
        (Some(floor), Some(oldest)) => floor.max(oldest),
        (Some(date), None) | (None, Some(date)) => date,
        (None, None) => today,
    }
}

/// The same day `years` earlier (28 February for 29 February in a common year).
fn year_minus(day: CalendarDate, years: i32) -> Option<CalendarDate> {
    let year = day.year().checked_sub(years)?;
    CalendarDate::from_ymd(year, day.month(), day.day())
        .or_else(|_| CalendarDate::from_ymd(year, day.month(), day.day().saturating_sub(1)))
        .ok()
}

/// A birth date (of `field`) is not after `today` and not before
/// [`earliest_birth_date`]`(today)`.
pub fn birth_date(
    field: &'static str,
    date: CalendarDate,
    today: CalendarDate,
) -> Result<(), FactRejection> {
    if date > today {
        return Err(FactRejection::InFuture { field });
    }
    let earliest = earliest_birth_date(today);
    if date < earliest {
        return Err(FactRejection::TooEarly { field, earliest });
    }
    Ok(())
}

/// A resident's address lies in `municipality` (prefecture + name, as for certified
/// addresses at anchoring).
///
/// ```
/// use myna_issuer::endpoint::plausibility::address;
/// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
/// let mishima = Municipality::new(MunicipalityCode::parse("222062")?, "静岡県", "三島市")?;
/// assert!(address("address", "静岡県三島市北田町４番４７号", &mishima).is_ok());
/// assert!(address("address", "兵庫県神戸市中央区加納町６丁目５番１号", &mishima).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn address(
    field: &'static str,
    text: &str,
    municipality: &Municipality,
) -> Result<(), FactRejection> {
    if municipality.contains_address(text) {
        Ok(())
    } else {
        Err(FactRejection::OutsideMunicipality {
            field,
            municipality: municipality.code(),
        })
    }
}

/// A limit (Unix seconds) lies after `now`, if one is given.
pub fn not_passed(
    field: &'static str,
    limit: Option<i64>,
    now: NumericDate,
) -> Result<(), FactRejection> {
    match limit {
        Some(limit) if limit <= now.as_unix() => Err(FactRejection::Passed { field }),
        _ => Ok(()),
    }
}

/// A number lies in `min..=max`.
pub fn in_range(field: &'static str, value: u32, min: u32, max: u32) -> Result<(), FactRejection> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(FactRejection::OutOfRange {
            field,
            min: u64::from(min),
            max: u64::from(max),
        })
    }
}

/// The facts of a child medical subsidy grant that are numbers and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubsidyTerms {
    /// The child's date of birth.
    pub child_birthdate: CalendarDate,
    /// Outpatient coverage age.
    pub outpatient_age: u32,
    /// Inpatient coverage age.
    pub inpatient_age: u32,
    /// Copay per visit, yen.
    pub copay_per_visit_yen: u32,
    /// Monthly copay cap, yen.
    pub monthly_cap_yen: Option<u32>,
}

/// A subsidy's dates and numbers: the child's birth date, the covered ages, the copays, and a
/// coverage that has not ended by `today`.
///
/// ```
/// use myna_issuer::endpoint::plausibility::{subsidy, SubsidyTerms};
/// use myna_issuer::FactRejection;
/// use myna_vc_core::calendar::CalendarDate;
/// let today = CalendarDate::from_ymd(2027, 4, 1)?;
/// let terms = SubsidyTerms { child_birthdate: CalendarDate::from_ymd(2020, 6, 1)?,
///     outpatient_age: 15, inpatient_age: 18, copay_per_visit_yen: 200, monthly_cap_yen: Some(1000) };
/// assert!(subsidy(&terms, today).is_ok());
/// let capped_low = SubsidyTerms { monthly_cap_yen: Some(100), ..terms };
/// assert!(matches!(subsidy(&capped_low, today), Err(FactRejection::OutOfOrder { .. })));
/// let ended = SubsidyTerms { child_birthdate: CalendarDate::from_ymd(2000, 6, 1)?, ..terms };
/// assert_eq!(subsidy(&ended, today), Err(FactRejection::CoverageEnded));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn subsidy(terms: &SubsidyTerms, today: CalendarDate) -> Result<(), FactRejection> {
    birth_date("child_birthdate", terms.child_birthdate, today)?;
    in_range("outpatient_age", terms.outpatient_age, 1, MAX_SUBSIDY_AGE)?;
    in_range("inpatient_age", terms.inpatient_age, 1, MAX_SUBSIDY_AGE)?;
    in_range(
        "copay_per_visit_yen",
        terms.copay_per_visit_yen,
        0,
        MAX_COPAY_YEN,
    )?;
    if let Some(cap) = terms.monthly_cap_yen {
        in_range("monthly_cap_yen", cap, 0, MAX_COPAY_YEN)?;
        if cap < terms.copay_per_visit_yen {
            return Err(FactRejection::OutOfOrder {
                lower: "copay_per_visit_yen",
                higher: "monthly_cap_yen",
            });
        }
    }
    let longest = terms.outpatient_age.max(terms.inpatient_age);
    // An end that cannot be computed is no coverage (fail closed).
    let covered = coverage_end(terms.child_birthdate, longest).is_ok_and(|end| end >= today);
    if covered {
        Ok(())
    } else {
        Err(FactRejection::CoverageEnded)
    }
}

/// A shelter check-in (Unix seconds) lies no more than [`CLOCK_SKEW_SECS`] after `now` and
/// no more than [`MAX_CHECK_IN_AGE_SECS`] before it.
///
/// ```
/// use myna_issuer::endpoint::plausibility::check_in;
/// use myna_vc_core::time::NumericDate;
/// let now = NumericDate::from_unix(1_800_000_000);
/// assert!(check_in(now.as_unix() - 3600, now).is_ok());
/// assert!(check_in(now.as_unix() * 1000, now).is_err(), "milliseconds, not seconds");
/// assert!(check_in(20_270_401, now).is_err(), "a date, not a time");
/// ```
pub fn check_in(checked_in_at: i64, now: NumericDate) -> Result<(), FactRejection> {
    let field = "checked_in_at";
    if checked_in_at > now.plus_seconds(CLOCK_SKEW_SECS).as_unix() {
        return Err(FactRejection::InFuture { field });
    }
    let oldest = now.as_unix().saturating_sub_unsigned(MAX_CHECK_IN_AGE_SECS);
    if checked_in_at < oldest {
        return Err(FactRejection::TooLongAgo {
            field,
            days: MAX_CHECK_IN_AGE_SECS / 86_400,
        });
    }
    Ok(())
}
