//! Child medical subsidy periods (子ども医療費助成): coverage until "the first 31 March after
//! reaching N".
//!
//! Reaching N is the legal reached day (N歳に達した日, the day *before* the Nth birthday — see
//! [`crate::age::legal_reached_day`]). Someone born on 1 April reaches 15 on 31 March and their
//! coverage ends that same day; someone born on 2 April reaches 15 on 1 April and is covered
//! until 31 March of the next year. This is why 1 April births belong to the school year
//! before. Each municipality sets N (commonly 15 or 18; inpatient and outpatient may differ),
//! so N is a parameter.

use crate::age::legal_reached_day;
use crate::calendar::CalendarDate;
use crate::Result;

/// The last day of coverage for someone born on `birth` under an "until the first 31 March
/// after reaching `age`" rule.
///
/// ```
/// use myna_vc_core::{calendar::CalendarDate, subsidy::coverage_end};
/// let end = |y, m, d| coverage_end(CalendarDate::from_ymd(y, m, d).unwrap(), 15).unwrap().to_string();
/// assert_eq!(end(2011, 4, 1), "2026-03-31");
/// assert_eq!(end(2011, 4, 2), "2027-03-31");
/// ```
pub fn coverage_end(birth: CalendarDate, age: u32) -> Result<CalendarDate> {
    let reached = legal_reached_day(birth, age)?;
    let year = if reached.month() <= 3 {
        reached.year()
    } else {
        reached.year() + 1
    };
    CalendarDate::from_ymd(year, 3, 31)
}

/// Whether someone born on `birth` is within the coverage period on the day `on`: born on or
/// before `on`, and `on` no later than [`coverage_end`]. Fails closed (`false`) when the end
/// cannot be computed.
///
/// ```
/// use myna_vc_core::{calendar::CalendarDate, subsidy::is_covered};
/// let birth = CalendarDate::from_ymd(2011, 4, 1)?;
/// assert!(is_covered(birth, 15, CalendarDate::from_ymd(2026, 3, 31)?));
/// assert!(!is_covered(birth, 15, CalendarDate::from_ymd(2026, 4, 1)?));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn is_covered(birth: CalendarDate, age: u32, on: CalendarDate) -> bool {
    birth <= on && coverage_end(birth, age).is_ok_and(|end| on <= end)
}
