//! Who holds shares and how many must cooperate.

use crate::error::{Error, Result};
use crate::trustee::{TrusteeId, TrusteePublicKey};

/// Who holds shares and how many must cooperate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowPolicy {
    pub(crate) trustees: Vec<TrusteePublicKey>,
    pub(crate) threshold: u8,
}

impl EscrowPolicy {
    /// `threshold` of `trustees` must cooperate. The threshold must be at least 2 (no single
    /// party may open) and at most the number of trustees; trustee ids must be distinct.
    ///
    /// ```
    /// use myna_escrow::{EscrowPolicy, TrusteeKey};
    /// let a = TrusteeKey::generate("a")?.public();
    /// assert!(EscrowPolicy::new(vec![a.clone()], 1).is_err());
    /// assert!(EscrowPolicy::new(vec![a.clone(), a], 2).is_err());
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn new(trustees: Vec<TrusteePublicKey>, threshold: u8) -> Result<Self> {
        if threshold < 2 {
            return Err(Error::InvalidEscrowPolicy(
                "a threshold below 2 lets one party open".into(),
            ));
        }
        if trustees.len() > 255 || usize::from(threshold) > trustees.len() {
            return Err(Error::InvalidEscrowPolicy(format!(
                "threshold {threshold} with {} trustees (at most 255)",
                trustees.len()
            )));
        }
        if has_duplicates(trustees.iter().map(|t| &t.id)) {
            return Err(Error::InvalidEscrowPolicy(
                "trustee ids must be distinct".into(),
            ));
        }
        Ok(EscrowPolicy {
            trustees,
            threshold,
        })
    }

    /// How many trustees must cooperate.
    /// ```
    /// use myna_escrow::{EscrowPolicy, TrusteeKey};
    /// let keys = [TrusteeKey::generate("a")?.public(), TrusteeKey::generate("b")?.public()];
    /// assert_eq!(EscrowPolicy::new(keys.to_vec(), 2)?.threshold(), 2);
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn threshold(&self) -> u8 {
        self.threshold
    }

    /// The trustees, in the order shares are sealed.
    /// ```
    /// use myna_escrow::{EscrowPolicy, TrusteeKey};
    /// let keys = [TrusteeKey::generate("a")?.public(), TrusteeKey::generate("b")?.public()];
    /// let policy = EscrowPolicy::new(keys.to_vec(), 2)?;
    /// assert_eq!(policy.trustees().map(|t| t.id().as_str()).collect::<Vec<_>>(), ["a", "b"]);
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn trustees(&self) -> impl Iterator<Item = &TrusteePublicKey> {
        self.trustees.iter()
    }
}

/// Whether any trustee id occurs twice.
pub(crate) fn has_duplicates<'a>(ids: impl Iterator<Item = &'a TrusteeId>) -> bool {
    let mut ids: Vec<&TrusteeId> = ids.collect();
    ids.sort();
    ids.windows(2).any(|w| w.first() == w.get(1))
}
