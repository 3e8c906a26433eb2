//! Compulsory school age (学齢) by school year (学年: 1 April to 31 March), as the School
//! Education Act (学校教育法) Art. 17 counts it.
//!
//! * A child enters elementary school (小学校) at the beginning of the first school year after
//!   the day they reach 6 (満六歳に達した日の翌日以後における最初の学年の初め): the first
//!   1 April after the eve of the 6th birthday ([`school_entry`]).
//! * Compulsory schooling ends at the end of the school year in which they reach 15
//!   (満十五歳に達した日の属する学年の終わり): the first 31 March after reaching 15
//!   ([`school_leaving`]), the same day as [`crate::subsidy::coverage_end`] with N = 15.
//!
//! Reaching N is the legal reached day, the eve of the Nth birthday
//! ([`crate::age::legal_reached_day`]). So a child born on 1 April reaches 6 on 31 March and
//! enters school the next day, a year before a child born on 2 April (who reaches 6 on 1 April,
//! already inside a school year). And a third-year junior-high pupil (中学3年) who has turned 15
//! is still of school age until that school year's 31 March.
//!
//! These functions read the school-age period off a date of birth alone: the nine grades
//! (小学1年 to 中学3年) a child is in when neither held back nor moved ahead, as almost every
//! child in Japan is. They say nothing about actual enrolment.
//!
//! ```
//! use myna_vc_core::{calendar::CalendarDate, school_year::{stage_on, SchoolStage}};
//! let birth = CalendarDate::from_ymd(2011, 5, 10)?; // 15 since 2026-05-10, 中学3年
//! assert_eq!(stage_on(birth, CalendarDate::from_ymd(2026, 6, 1)?)?, SchoolStage::Compulsory);
//! assert_eq!(stage_on(birth, CalendarDate::from_ymd(2027, 4, 1)?)?, SchoolStage::Completed);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use crate::age::legal_reached_day;
use crate::calendar::CalendarDate;
use crate::subsidy::coverage_end;
use crate::CalendarError;
use crate::{Error, Result};

/// The age whose reaching starts compulsory schooling at the next school year (満六歳).
pub const SCHOOL_ENTRY_AGE: u32 = 6;
/// The age whose school year is the last of compulsory schooling (満十五歳).
pub const SCHOOL_LEAVING_AGE: u32 = 15;

/// The school year (年度) `day` falls in, named by the calendar year of its 1 April: 1 April
/// 2026 to 31 March 2027 is school year 2026.
///
/// ```
/// use myna_vc_core::{calendar::CalendarDate, school_year::school_year_of};
/// assert_eq!(school_year_of(CalendarDate::from_ymd(2027, 3, 31)?), 2026);
/// assert_eq!(school_year_of(CalendarDate::from_ymd(2027, 4, 1)?), 2027);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn school_year_of(day: CalendarDate) -> i32 {
    if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The day someone born on `birth` enters elementary school: the first 1 April after the day
/// they legally reach 6 (the eve of the 6th birthday).
///
/// Fails with [`CalendarError::OutOfRange`] past year 9999.
///
/// ```
/// use myna_vc_core::{calendar::CalendarDate, school_year::school_entry};
/// let entry = |y, m, d| school_entry(CalendarDate::from_ymd(y, m, d).unwrap()).unwrap().to_string();
/// // Born 1 April: reaches 6 on 31 March 2025, enters the next day.
/// assert_eq!(entry(2019, 4, 1), "2025-04-01");
/// // Born 2 April: reaches 6 on 1 April 2025, inside a school year, so waits a year.
/// assert_eq!(entry(2019, 4, 2), "2026-04-01");
/// ```
pub fn school_entry(birth: CalendarDate) -> Result<CalendarDate> {
    let reached = legal_reached_day(birth, SCHOOL_ENTRY_AGE)?;
    let year = school_year_of(reached)
        .checked_add(1)
        .ok_or(Error::Calendar(CalendarError::OutOfRange(
            "school entry beyond year 9999",
        )))?;
    CalendarDate::from_ymd(year, 4, 1)
}

/// The last day of compulsory school age for someone born on `birth`: the 31 March ending the
/// school year in which they legally reach 15, i.e. the first 31 March after reaching 15.
///
/// Fails with [`CalendarError::OutOfRange`] past year 9999.
///
/// ```
/// use myna_vc_core::{calendar::CalendarDate, school_year::school_leaving};
/// let leaving = |y, m, d| school_leaving(CalendarDate::from_ymd(y, m, d).unwrap()).unwrap().to_string();
/// assert_eq!(leaving(2011, 4, 1), "2026-03-31"); // reaches 15 on 31 March 2026
/// assert_eq!(leaving(2011, 4, 2), "2027-03-31"); // reaches 15 on 1 April 2026
/// ```
pub fn school_leaving(birth: CalendarDate) -> Result<CalendarDate> {
    coverage_end(birth, SCHOOL_LEAVING_AGE)
}

/// Where someone stands on a given day relative to compulsory school age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchoolStage {
    /// Before [`school_entry`]: a pre-school child (or not yet born).
    BeforeSchool,
    /// From [`school_entry`] through [`school_leaving`]: of compulsory school age, a pupil of
    /// elementary or junior-high school (小中学生).
    Compulsory,
    /// After [`school_leaving`].
    Completed,
}

/// The [`SchoolStage`] on the day `on` of someone born on `birth`.
///
/// Fails with [`CalendarError::OutOfRange`] when the entry or leaving day lies past year 9999.
///
/// ```
/// use myna_vc_core::{calendar::CalendarDate, school_year::{stage_on, SchoolStage}};
/// let birth = CalendarDate::from_ymd(2019, 4, 2)?;
/// assert_eq!(stage_on(birth, CalendarDate::from_ymd(2026, 3, 31)?)?, SchoolStage::BeforeSchool);
/// assert_eq!(stage_on(birth, CalendarDate::from_ymd(2026, 4, 1)?)?, SchoolStage::Compulsory);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn stage_on(birth: CalendarDate, on: CalendarDate) -> Result<SchoolStage> {
    if on < school_entry(birth)? {
        Ok(SchoolStage::BeforeSchool)
    } else if on <= school_leaving(birth)? {
        Ok(SchoolStage::Compulsory)
    } else {
        Ok(SchoolStage::Completed)
    }
}

/// Whether someone born on `birth` is of compulsory school age (a pupil, 小中学生) on the day
/// `on`. Fails closed (`false`) when the period cannot be computed.
///
/// ```
/// use myna_vc_core::{calendar::CalendarDate, school_year::is_school_age};
/// let birth = CalendarDate::from_ymd(2011, 4, 1)?;
/// assert!(is_school_age(birth, CalendarDate::from_ymd(2026, 3, 31)?));
/// assert!(!is_school_age(birth, CalendarDate::from_ymd(2026, 4, 1)?));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn is_school_age(birth: CalendarDate, on: CalendarDate) -> bool {
    matches!(stage_on(birth, on), Ok(SchoolStage::Compulsory))
}
