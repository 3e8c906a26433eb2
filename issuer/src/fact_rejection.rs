//! Why facts supplied for an offer were refused as implausible. A leaf of the module graph:
//! the offer rules ([`crate::endpoint::offer`]) raise it and the error type carries it.
//!
//! The messages name the fact and the rule, never the value: a refused address or birth date
//! is personal data and must not reach a log, a report file or an HTTP answer.

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::municipality::MunicipalityCode;

/// Why an offered fact is implausible (see the offer rules in
/// [`endpoint::offer`](crate::endpoint::offer)).
/// ```
/// use myna_issuer::FactRejection;
/// let err = FactRejection::InFuture { field: "birthdate" };
/// assert_eq!(err.to_string(), "birthdate lies after today (JST)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum FactRejection {
    /// A resident's address does not start with the issuer's prefecture and municipality name
    /// (the rule card anchoring applies to certified addresses).
    #[error(
        "{field} is not in municipality {municipality}: a resident credential needs an address \
         that starts with the municipality's prefecture and name"
    )]
    OutsideMunicipality {
        /// The fact.
        field: &'static str,
        /// The issuer's municipality.
        municipality: MunicipalityCode,
    },
    /// A date that has not come yet (today is the JST calendar day of the offer).
    #[error("{field} lies after today (JST)")]
    InFuture {
        /// The fact.
        field: &'static str,
    },
    /// A date before the earliest plausible one.
    #[error("{field} lies before {earliest}, the earliest plausible date")]
    TooEarly {
        /// The fact.
        field: &'static str,
        /// The earliest date accepted.
        earliest: CalendarDate,
    },
    /// A time (Unix seconds) that is already past when the offer is made.
    #[error("{field} has passed already")]
    Passed {
        /// The fact.
        field: &'static str,
    },
    /// A time (Unix seconds) too long before the offer to be current.
    #[error("{field} lies more than {days} days before the offer")]
    TooLongAgo {
        /// The fact.
        field: &'static str,
        /// The most days accepted.
        days: u64,
    },
    /// A number outside its plausible range.
    #[error("{field} must be between {min} and {max}")]
    OutOfRange {
        /// The fact.
        field: &'static str,
        /// The smallest value accepted.
        min: u64,
        /// The largest value accepted.
        max: u64,
    },
    /// Two facts out of order (`lower` must not exceed `higher`).
    #[error("{lower} must not exceed {higher}")]
    OutOfOrder {
        /// The fact that must be the smaller.
        lower: &'static str,
        /// The fact that must be the larger.
        higher: &'static str,
    },
    /// The subsidy's coverage (until the first 31 March after the covered age) ended before
    /// the day of the offer.
    #[error("the subsidy's coverage ended before today (JST): check child_birthdate and the ages")]
    CoverageEnded,
}
