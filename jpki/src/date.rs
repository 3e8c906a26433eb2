//! Calendar dates as Japan keeps them: birth dates, birthdays and the day an instant falls on
//! in Japan Standard Time (UTC+9, no daylight saving).
//!
//! Our own small type rather than a date crate: it needs only the proleptic Gregorian
//! calendar, the JST offset and the birthday rules of 年齢計算ニ関スル法律, and it converts to and
//! from [`NumericDate`], the instant type of the rest of the project.
//!
//! ```
//! use myna_jpki::date::CalendarDate;
//! use myna_vc_core::time::NumericDate;
//! let d = CalendarDate::new(2024, 2, 29).unwrap();
//! assert_eq!(d.start_in_japan().as_unix(), 1_709_132_400); // 2024-02-28T15:00:00Z
//! assert_eq!(CalendarDate::in_japan(NumericDate::from_unix(1_709_132_400)), d);
//! assert!(CalendarDate::new(2023, 2, 29).is_none());
//! ```

use core::fmt;

use myna_vc_core::time::NumericDate;

const SECONDS_PER_DAY: i64 = 86_400;
/// Japan Standard Time is UTC+9 all year.
const JST_OFFSET_SECONDS: i64 = 9 * 3_600;

/// A valid Gregorian date between the years 1 and 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    year: u16,
    month: u8,
    day: u8,
}

impl CalendarDate {
    /// The date, or `None` if it does not exist (month 13, 30 February, year 0, …).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(CalendarDate { year, month, day })
    }

    /// The year.
    pub const fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub const fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil, in an era-of-400-years form.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, if it lies within the years 1 to 9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        CalendarDate::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// The date in Japan at instant `at`. Instants outside the years 1–9999 are clamped.
    pub fn in_japan(at: NumericDate) -> Self {
        let local = at.as_unix().saturating_add(JST_OFFSET_SECONDS);
        let days = local.div_euclid(SECONDS_PER_DAY);
        CalendarDate::from_days_since_epoch(days).unwrap_or(if days < 0 {
            CalendarDate {
                year: 1,
                month: 1,
                day: 1,
            }
        } else {
            CalendarDate {
                year: 9999,
                month: 12,
                day: 31,
            }
        })
    }

    /// 00:00:00 JST of this date.
    pub fn start_in_japan(self) -> NumericDate {
        NumericDate::from_unix(self.days_since_epoch() * SECONDS_PER_DAY - JST_OFFSET_SECONDS)
    }

    /// 23:59:59 JST of this date: how J-LIS writes the end of a validity period.
    pub fn end_in_japan(self) -> NumericDate {
        self.start_in_japan()
            .plus_seconds(SECONDS_PER_DAY as u64 - 1)
    }

    /// This date's anniversary in `year`. A 29 February falls on 1 March in common years: the
    /// age law counts a year as complete at the end of the day before the anniversary, which
    /// for a leap-day birth is the end of 28 February.
    pub fn anniversary_in(self, year: u16) -> Option<CalendarDate> {
        CalendarDate::new(year, self.month, self.day).or_else(|| CalendarDate::new(year, 3, 1))
    }

    /// Whole years from `self` to `on` (0 if `on` is earlier): one is N years old from 00:00 of
    /// the Nth anniversary.
    ///
    /// ```
    /// use myna_jpki::date::CalendarDate;
    /// let born = CalendarDate::new(2004, 2, 29).unwrap();
    /// assert_eq!(born.years_completed_on(CalendarDate::new(2024, 2, 28).unwrap()), 19);
    /// assert_eq!(born.years_completed_on(CalendarDate::new(2024, 2, 29).unwrap()), 20);
    /// assert_eq!(born.years_completed_on(CalendarDate::new(2023, 2, 28).unwrap()), 18);
    /// assert_eq!(born.years_completed_on(CalendarDate::new(2023, 3, 1).unwrap()), 19);
    /// ```
    pub fn years_completed_on(self, on: CalendarDate) -> u32 {
        if on <= self {
            return 0;
        }
        let years = u32::from(on.year - self.year);
        match self.anniversary_in(on.year) {
            Some(anniversary) if on < anniversary => years.saturating_sub(1),
            _ => years,
        }
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap_year(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_days_since_epoch() {
        let epoch = CalendarDate::new(1970, 1, 1).unwrap_or(CalendarDate {
            year: 1,
            month: 1,
            day: 1,
        });
        assert_eq!(epoch.days_since_epoch(), 0);
        let y2k = CalendarDate::new(2000, 3, 1).unwrap_or(epoch);
        assert_eq!(y2k.days_since_epoch(), 11_017);
        assert_eq!(
            CalendarDate::from_days_since_epoch(-1)
                .map(|d| d.to_string())
                .as_deref(),
            Some("1969-12-31")
        );
    }

    #[test]
    fn jst_day_boundary() {
        // 2023-07-15T14:59:59Z is 23:59:59 JST on the 15th; one second later it is the 16th.
        let end = NumericDate::from_unix(1_689_433_199);
        assert_eq!(CalendarDate::in_japan(end).to_string(), "2023-07-15");
        assert_eq!(
            CalendarDate::in_japan(end.plus_seconds(1)).to_string(),
            "2023-07-16"
        );
        let day = CalendarDate::in_japan(end);
        assert_eq!(day.end_in_japan(), end);
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -719_162i64..2_932_896) {
            let date = CalendarDate::from_days_since_epoch(days);
            prop_assert!(date.is_some());
            prop_assert_eq!(date.map(CalendarDate::days_since_epoch), Some(days));
        }
    }
}
