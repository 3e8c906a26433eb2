//! Calendar days as Japanese law counts them: a [`CalendarDate`] with no time and no zone.
//!
//! Ages, subsidy periods and visit dates are whole days. Where an instant has to become a day
//! (a [`NumericDate`] from a JWT or a clock), **Japan Standard Time (UTC+9, no daylight saving)
//! decides the day**: 2026-03-31T15:00:00Z is already 1 April in Japan. The arithmetic itself is
//! the `time` crate's; this module only fixes the range (years 0001–9999, so every date has a
//! four-digit ISO form) and the parsing rules.

use crate::CalendarError;
use core::fmt;
use core::str::FromStr;

use crate::time::NumericDate;
use crate::{Error, Result};

/// Seconds Japan Standard Time is ahead of UTC.
pub const JST_OFFSET_SECONDS: i64 = 9 * 3600;

/// Julian day number of 1970-01-01, the Unix epoch.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
const SECONDS_PER_DAY: i64 = 86_400;

/// A day of the Gregorian calendar between 0001-01-01 and 9999-12-31.
///
/// Serialized (serde) as its ISO 8601 `YYYY-MM-DD` string, so it can be a credential claim.
///
/// ```
/// use myna_vc_core::calendar::CalendarDate;
/// let d: CalendarDate = "2024-02-29".parse()?;
/// assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
/// assert_eq!(d.next_day()?.to_string(), "2024-03-01");
/// assert!("2023-02-29".parse::<CalendarDate>().is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct CalendarDate(::time::Date);

impl CalendarDate {
    /// The earliest supported day, 0001-01-01.
    pub const MIN_YEAR: i32 = 1;
    /// The latest supported year (9999).
    pub const MAX_YEAR: i32 = 9999;

    /// The day `year-month-day`, if it exists and lies in years 0001–9999.
    ///
    /// ```
    /// use myna_vc_core::{calendar::CalendarDate, Error};
    /// assert!(CalendarDate::from_ymd(2011, 4, 1).is_ok());
    /// assert!(matches!(CalendarDate::from_ymd(2011, 4, 31), Err(Error::Calendar(myna_vc_core::CalendarError::InvalidDate(_)))));
    /// assert!(matches!(CalendarDate::from_ymd(10_000, 1, 1), Err(Error::Calendar(myna_vc_core::CalendarError::OutOfRange(_)))));
    /// ```
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Self> {
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) {
            return Err(Error::Calendar(CalendarError::OutOfRange(
                "year outside 0001-9999",
            )));
        }
        let month = ::time::Month::try_from(month)
            .map_err(|_| Error::Calendar(CalendarError::InvalidDate("month is not 01-12")))?;
        ::time::Date::from_calendar_date(year, month, day)
            .map(CalendarDate)
            .map_err(|_| Error::Calendar(CalendarError::InvalidDate("no such day in that month")))
    }

    /// Parses a strict ISO 8601 calendar date `YYYY-MM-DD` (ASCII digits, exactly 10 bytes).
    ///
    /// Errors never echo the input (a date of birth is personal data).
    ///
    /// ```
    /// use myna_vc_core::{calendar::CalendarDate, Error};
    /// assert_eq!(CalendarDate::parse("2011-04-02")?, CalendarDate::from_ymd(2011, 4, 2)?);
    /// for bad in ["2011-4-2", "2011/04/02", "２０１１-04-02", "2011-04-02T00:00", ""] {
    ///     assert!(matches!(CalendarDate::parse(bad), Err(Error::Calendar(myna_vc_core::CalendarError::InvalidDate(_)))));
    /// }
    /// # Ok::<(), Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let bytes: &[u8; 10] = text.as_bytes().try_into().map_err(|_| {
            Error::Calendar(CalendarError::InvalidDate("not of the form YYYY-MM-DD"))
        })?;
        let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *bytes else {
            return Err(Error::Calendar(CalendarError::InvalidDate(
                "not of the form YYYY-MM-DD",
            )));
        };
        let year = decimal(&[y1, y2, y3, y4])?;
        let month = decimal(&[m1, m2])?;
        let day = decimal(&[d1, d2])?;
        // Each value fits its target type: at most 9999, 99 and 99.
        let (Ok(year), Ok(month), Ok(day)) =
            (i32::try_from(year), u8::try_from(month), u8::try_from(day))
        else {
            return Err(Error::Calendar(CalendarError::InvalidDate(
                "not of the form YYYY-MM-DD",
            )));
        };
        Self::from_ymd(year, month, day)
    }

    /// The calendar day in Japan (UTC+9) at the instant `t`.
    ///
    /// ```
    /// use myna_vc_core::{calendar::CalendarDate, time::NumericDate};
    /// // 2026-03-31T14:59:59Z is 23:59:59 JST on 31 March; one second later it is 1 April.
    /// let t = NumericDate::from_unix(1_774_969_199);
    /// assert_eq!(CalendarDate::from_numeric_date_jst(t)?.to_string(), "2026-03-31");
    /// assert_eq!(CalendarDate::from_numeric_date_jst(t.plus_seconds(1))?.to_string(), "2026-04-01");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_numeric_date_jst(t: NumericDate) -> Result<Self> {
        let local = t.as_unix().saturating_add(JST_OFFSET_SECONDS);
        let days = local.div_euclid(SECONDS_PER_DAY);
        let julian = i32::try_from(days.saturating_add(UNIX_EPOCH_JULIAN_DAY)).map_err(|_| {
            Error::Calendar(CalendarError::OutOfRange("instant far outside 0001-9999"))
        })?;
        let date = ::time::Date::from_julian_day(julian)
            .map_err(|_| Error::Calendar(CalendarError::OutOfRange("instant outside 0001-9999")))?;
        Self::try_from(date)
    }

    /// The instant this day begins in Japan: 00:00:00 JST (15:00 UTC the day before).
    ///
    /// Use it for a credential's `exp` when a claim must not outlive the previous day.
    ///
    /// ```
    /// use myna_vc_core::calendar::CalendarDate;
    /// let d = CalendarDate::from_ymd(2026, 4, 1)?;
    /// assert_eq!(d.start_jst().as_unix(), 1_774_969_200); // 2026-03-31T15:00:00Z
    /// assert_eq!(CalendarDate::from_numeric_date_jst(d.start_jst())?, d);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn start_jst(self) -> NumericDate {
        let days = i64::from(self.0.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY;
        NumericDate::from_unix(days * SECONDS_PER_DAY - JST_OFFSET_SECONDS)
    }

    /// The year (0001–9999).
    ///
    /// ```
    /// # use myna_vc_core::calendar::CalendarDate;
    /// assert_eq!(CalendarDate::from_ymd(2026, 3, 31)?.year(), 2026);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month, 1–12.
    ///
    /// ```
    /// # use myna_vc_core::calendar::CalendarDate;
    /// assert_eq!(CalendarDate::from_ymd(2026, 3, 31)?.month(), 3);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn month(self) -> u8 {
        u8::from(self.0.month())
    }

    /// The day of the month, 1–31.
    ///
    /// ```
    /// # use myna_vc_core::calendar::CalendarDate;
    /// assert_eq!(CalendarDate::from_ymd(2026, 3, 31)?.day(), 31);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn day(self) -> u8 {
        self.0.day()
    }

    /// The following day.
    ///
    /// ```
    /// # use myna_vc_core::{calendar::CalendarDate, Error};
    /// assert_eq!(CalendarDate::from_ymd(2023, 2, 28)?.next_day()?, CalendarDate::from_ymd(2023, 3, 1)?);
    /// assert!(matches!(CalendarDate::from_ymd(9999, 12, 31)?.next_day(), Err(Error::Calendar(myna_vc_core::CalendarError::OutOfRange(_)))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn next_day(self) -> Result<Self> {
        self.0
            .next_day()
            .ok_or(Error::Calendar(CalendarError::OutOfRange(
                "day after 9999-12-31",
            )))
            .and_then(Self::try_from)
    }

    /// The preceding day.
    ///
    /// ```
    /// # use myna_vc_core::{calendar::CalendarDate, Error};
    /// assert_eq!(CalendarDate::from_ymd(2024, 3, 1)?.previous_day()?, CalendarDate::from_ymd(2024, 2, 29)?);
    /// assert!(matches!(CalendarDate::from_ymd(1, 1, 1)?.previous_day(), Err(Error::Calendar(myna_vc_core::CalendarError::OutOfRange(_)))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn previous_day(self) -> Result<Self> {
        self.0
            .previous_day()
            .ok_or(Error::Calendar(CalendarError::OutOfRange(
                "day before 0001-01-01",
            )))
            .and_then(Self::try_from)
    }

    /// The underlying `time::Date`.
    ///
    /// ```
    /// # use myna_vc_core::calendar::CalendarDate;
    /// let d = CalendarDate::from_ymd(2026, 3, 31)?;
    /// assert_eq!(d.as_date().ordinal(), 90);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn as_date(self) -> ::time::Date {
        self.0
    }
}

/// Whether `year` has a 29 February (Gregorian rule).
///
/// ```
/// use myna_vc_core::calendar::is_leap_year;
/// assert!(is_leap_year(2024) && is_leap_year(2000));
/// assert!(!is_leap_year(2023) && !is_leap_year(2100));
/// ```
pub fn is_leap_year(year: i32) -> bool {
    ::time::util::is_leap_year(year)
}

/// The value of ASCII decimal digits, or an error for any other byte.
fn decimal(digits: &[u8]) -> Result<u32> {
    digits.iter().try_fold(0u32, |acc, &b| {
        if b.is_ascii_digit() {
            Ok(acc * 10 + u32::from(b - b'0'))
        } else {
            Err(Error::Calendar(CalendarError::InvalidDate(
                "not of the form YYYY-MM-DD",
            )))
        }
    })
}

impl TryFrom<::time::Date> for CalendarDate {
    type Error = Error;

    fn try_from(date: ::time::Date) -> Result<Self> {
        if (Self::MIN_YEAR..=Self::MAX_YEAR).contains(&date.year()) {
            Ok(CalendarDate(date))
        } else {
            Err(Error::Calendar(CalendarError::OutOfRange(
                "year outside 0001-9999",
            )))
        }
    }
}

impl From<CalendarDate> for ::time::Date {
    fn from(date: CalendarDate) -> Self {
        date.0
    }
}

impl FromStr for CalendarDate {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text)
    }
}

impl TryFrom<String> for CalendarDate {
    type Error = Error;

    fn try_from(text: String) -> Result<Self> {
        Self::parse(&text)
    }
}

impl From<CalendarDate> for String {
    fn from(date: CalendarDate) -> Self {
        date.to_string()
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}
