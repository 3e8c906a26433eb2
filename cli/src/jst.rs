//! Instants printed as people in Japan read them: the JST date and time to the minute
//! (`2027-04-01 09:00 JST`), from myna-vc-core's calendar (JST decides the day).
//!
//! ```
//! use myna_vc_core::time::NumericDate;
//! // 2027-04-01T00:00:00Z is nine in the morning in Japan.
//! assert_eq!(myna::jst::format(NumericDate::from_unix(1_806_537_600)), "2027-04-01 09:00 JST");
//! // 14:59:59 UTC on 31 March is 23:59 JST that day; a second later it is 1 April in Japan.
//! assert_eq!(myna::jst::format(NumericDate::from_unix(1_806_505_199)), "2027-03-31 23:59 JST");
//! assert_eq!(myna::jst::format(NumericDate::from_unix(1_806_505_200)), "2027-04-01 00:00 JST");
//! ```

use myna_vc_core::calendar::{CalendarDate, JST_OFFSET_SECONDS};
use myna_vc_core::time::NumericDate;

const SECONDS_PER_DAY: i64 = 86_400;

/// `YYYY-MM-DD HH:MM JST`; an instant outside the years 1 to 9999 as its Unix seconds.
pub fn format(at: NumericDate) -> String {
    let Ok(day) = CalendarDate::from_numeric_date_jst(at) else {
        return format!("{} (Unix seconds)", at.as_unix());
    };
    let minutes = at
        .as_unix()
        .saturating_add(JST_OFFSET_SECONDS)
        .rem_euclid(SECONDS_PER_DAY)
        / 60;
    format!("{day} {:02}:{:02} JST", minutes / 60, minutes % 60)
}
