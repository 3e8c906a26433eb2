//! Errors of calendar dates and ages.

/// What went wrong with calendar dates and ages.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// Not an ISO 8601 calendar date `YYYY-MM-DD`, or not a real day. Never echoes the input
    /// (dates of birth are personal data).
    #[error("invalid date: {0}")]
    InvalidDate(&'static str),
    /// A date, or date arithmetic, outside the supported years 0001–9999.
    #[error("date out of range: {0}")]
    OutOfRange(&'static str),
    /// A birth date later than the day an age was asked for.
    #[error("the birth date is later than the reference date")]
    BornAfterReferenceDate,
}

impl CalendarError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::InvalidDate(..) => "invalid_date",
            CalendarError::OutOfRange(..) => "date_out_of_range",
            CalendarError::BornAfterReferenceDate => "born_after_reference_date",
        }
    }
}
