//! The `vct` (credential type identifier) of every myna-vc credential type, as constants for
//! code that names one type (a verifier's policy, a wallet's query).
//!
//! ```
//! use myna_vocabulary::{vct, Kind};
//! assert_eq!(vct::AGE, "urn:myna-vc:vct:age:1");
//! assert_eq!(Kind::Age.vct(), vct::AGE);
//! ```

/// A real, unique person controls the holder key; no personal data.
pub const ANCHOR: &str = "urn:myna-vc:vct:anchor:1";
/// Resident of the issuing municipality.
pub const RESIDENT: &str = "urn:myna-vc:vct:resident:1";
/// Age thresholds.
pub const AGE: &str = "urn:myna-vc:vct:age:1";
/// Child medical subsidy recipient certificate.
pub const CHILD_MEDICAL_SUBSIDY: &str = "urn:myna-vc:vct:child-medical-subsidy:1";
/// Fan-club membership.
pub const FAN_CLUB_MEMBERSHIP: &str = "urn:myna-vc:vct:fan-club-membership:1";
/// Shelter registration.
pub const SHELTER_REGISTRATION: &str = "urn:myna-vc:vct:shelter-registration:1";
/// One pseudonym per person per context.
pub const CONTEXT_PSEUDONYM: &str = "urn:myna-vc:vct:context-pseudonym:1";
