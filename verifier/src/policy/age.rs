//! Merchant age checks: age ≥ 20 (alcohol, tobacco: 未成年者飲酒禁止法 and 喫煙禁止法 keep 20
//! after the 2022 majority reform), age ≥ 18, and age ≥ 65 (senior discounts, 高齢者 services).
//! Only the `age_over_NN` flag is asked for;
//! the date of birth never leaves the wallet.
//!
//! ```
//! use myna_verifier::policy::{age::AgeCheck, Policy};
//! let alcohol = AgeCheck::over_20()?;
//! assert_eq!(alcohol.name(), "age-over-20");
//! assert_eq!(alcohol.requirements()[0].claims[0].to_string(), r#"["age_over_20"]"#);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use myna_vocabulary::claim;

use super::{vct, Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};

/// The query id of the age credential.
pub const AGE_ID: &str = "age";

/// Accepts holders at or over a threshold the age credential carries as `age_over_NN`.
#[derive(Debug, Clone)]
pub struct AgeCheck {
    name: String,
    claim: &'static str,
    requirements: Vec<Requirement>,
}

impl AgeCheck {
    /// Age ≥ 20 (alcohol, tobacco, horse-race betting).
    pub fn over_20() -> Result<Self> {
        Self::with_claim("age-over-20", claim::age::AGE_OVER_20)
    }

    /// Age ≥ 18 (adult contracts since 2022).
    ///
    /// ```
    /// use myna_verifier::policy::{age::AgeCheck, Policy};
    /// assert_eq!(AgeCheck::over_18()?.name(), "age-over-18");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn over_18() -> Result<Self> {
        Self::with_claim("age-over-18", claim::age::AGE_OVER_18)
    }

    /// Age ≥ 65 (senior discounts and services for 高齢者).
    ///
    /// ```
    /// use myna_verifier::policy::{age::AgeCheck, Policy};
    /// let senior = AgeCheck::over_65()?;
    /// assert_eq!(senior.name(), "age-over-65");
    /// assert_eq!(senior.requirements()[0].claims[0].to_string(), r#"["age_over_65"]"#);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn over_65() -> Result<Self> {
        Self::with_claim("age-over-65", claim::age::AGE_OVER_65)
    }

    fn with_claim(name: &str, claim: &'static str) -> Result<Self> {
        Ok(AgeCheck {
            name: name.to_owned(),
            claim,
            requirements: vec![age_requirement(&[claim])?],
        })
    }
}

/// The age credential requirement asking for these flags.
pub(crate) fn age_requirement(claims: &[&str]) -> Result<Requirement> {
    Requirement::new(AGE_ID, vct::AGE, claims)
}

impl Policy for AgeCheck {
    fn name(&self) -> &str {
        &self.name
    }

    fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    fn check(
        &self,
        presented: &Presented,
        _now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        require_flag(presented, AGE_ID, self.claim, Reason::UnderAge)
    }
}

/// Requires the boolean claim `claim` of credential `id` to be `true`, else `reason`.
pub(crate) fn require_flag(
    presented: &Presented,
    id: &str,
    claim: &'static str,
    reason: Reason,
) -> core::result::Result<(), Rejection> {
    let credential = presented.get(id)?;
    if credential.flag(claim)? {
        return Ok(());
    }
    Err(Rejection::new(reason).for_credential(id))
}
