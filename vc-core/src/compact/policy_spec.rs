//! The verifier's policy named in an in-person challenge, so the wallet knows what is asked
//! without a second QR code or a typed choice.

use core::fmt;

use crate::error::{CompactError, Error, Result};

/// The longest policy spec an in-person challenge carries, in characters.
pub const MAX_POLICY_SPEC_LEN: usize = 128;

/// A verifier policy's spec as shown in an [`InPersonChallenge`](super::InPersonChallenge)
/// (`age-over-20`, `resident:281000`, …). vc-core does not interpret it — the verifier's
/// policy catalog does — it only keeps it in a form the challenge text can carry: 1 to
/// [`MAX_POLICY_SPEC_LEN`] printable ASCII characters without spaces.
///
/// ```
/// use myna_vc_core::compact::PolicySpec;
/// assert_eq!(PolicySpec::parse("resident:281000")?.as_str(), "resident:281000");
/// assert!(PolicySpec::parse("").is_err());
/// assert!(PolicySpec::parse("age over 20").is_err());
/// assert!(PolicySpec::parse("年齢").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicySpec(String);

impl PolicySpec {
    /// Checks and wraps a spec.
    pub fn parse(spec: &str) -> Result<Self> {
        if spec.is_empty() {
            return Err(invalid("it is empty"));
        }
        if spec.len() > MAX_POLICY_SPEC_LEN {
            return Err(invalid("it is longer than 128 characters"));
        }
        if !spec.chars().all(|c| c.is_ascii_graphic()) {
            return Err(invalid(
                "it must be printable ASCII without spaces (e.g. `age-over-20`)",
            ));
        }
        Ok(PolicySpec(spec.to_owned()))
    }

    /// The spec.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PolicySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn invalid(why: &'static str) -> Error {
    Error::Compact(CompactError::ChallengePolicy(why))
}
