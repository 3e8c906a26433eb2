//! Credentials in the wallet: batches of single-use instances, each bound to its own holder
//! key, and the rule that keeps verifiers apart — an instance shown to one verifier is never
//! shown to another. When a batch's fresh instances run low the wallet raises a
//! [`RefillSignal`].
//!
//! ```
//! use myna_wallet::credentials::{pick_instance, StoredCredential};
//! use myna_wallet::keys::{KeyLabel, VerifierId};
//! let instance = |i: u32, shown: Option<&str>| StoredCredential {
//!     id: format!("c{i}"), batch: "b".into(), index: i, issuer: "https://city.example".into(),
//!     vct: "urn:t".into(), configuration_id: "t".into(), sd_jwt: String::new(),
//!     key: KeyLabel::credential("b", i), received_at: 0, expires_at: None,
//!     shown_to: shown.map(|s| VerifierId::new(s).unwrap()),
//! };
//! let shop_b = VerifierId::new("https://b.example")?;
//! let batch = [instance(0, Some("https://a.example")), instance(1, None)];
//! assert_eq!(pick_instance(&batch.iter().collect::<Vec<_>>(), &shop_b).map(|c| c.index), Some(1));
//! let used_up = [instance(0, Some("https://a.example"))];
//! assert!(pick_instance(&used_up.iter().collect::<Vec<_>>(), &shop_b).is_none());
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use std::collections::BTreeMap;

use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::keys::{KeyLabel, VerifierId};
use crate::store::{Table, WalletStore};
use crate::wallet::Wallet;

/// How many fresh instances left in a batch raise a refill signal (at or below).
pub const REFILL_THRESHOLD: usize = 2;

/// The configuration id the wallet gives an anchor credential: one per issuer, renewed by
/// anchoring again, never refilled.
pub const ANCHOR_CONFIGURATION: &str = "anchor";

/// One credential instance as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCredential {
    /// Random id of the instance.
    pub id: String,
    /// The batch it came in.
    pub batch: String,
    /// Its position in the batch (its key slot).
    pub index: u32,
    /// `iss`.
    pub issuer: String,
    /// `vct`.
    pub vct: String,
    /// The issuer's credential configuration id (to ask for more).
    pub configuration_id: String,
    /// The SD-JWT VC with every disclosure, as issued.
    pub sd_jwt: String,
    /// The label of its holder key.
    pub key: KeyLabel,
    /// When it was received (Unix seconds).
    pub received_at: i64,
    /// `exp`, if any (Unix seconds).
    pub expires_at: Option<i64>,
    /// The one verifier it was shown to, if any.
    pub shown_to: Option<VerifierId>,
}

impl StoredCredential {
    /// Whether it is past its `exp` at `now`.
    pub fn is_expired(&self, now: NumericDate) -> bool {
        self.expires_at.is_some_and(|exp| exp <= now.as_unix())
    }
}

/// The instance to show `verifier`: one already shown to that same verifier (it learns
/// nothing new), else a fresh one; never one shown to someone else.
pub fn pick_instance<'a>(
    candidates: &[&'a StoredCredential],
    verifier: &VerifierId,
) -> Option<&'a StoredCredential> {
    let same = candidates
        .iter()
        .find(|c| c.shown_to.as_ref() == Some(verifier));
    let fresh = || candidates.iter().find(|c| c.shown_to.is_none());
    same.or_else(fresh).copied()
}

/// A batch running low: ask the issuer for a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefillSignal {
    /// The issuer.
    pub issuer: String,
    /// The credential type.
    pub vct: String,
    /// The configuration id to request.
    pub configuration_id: String,
    /// Fresh (never shown, unexpired) instances left.
    pub fresh: usize,
}

/// One line of the wallet's credential list: a type from an issuer, and how its instances
/// are used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSummary {
    /// The issuer.
    pub issuer: String,
    /// The credential type.
    pub vct: String,
    /// The configuration id.
    pub configuration_id: String,
    /// Instances held.
    pub total: usize,
    /// Fresh instances left.
    pub fresh: usize,
    /// The verifiers that have seen one instance each.
    pub shown_to: Vec<VerifierId>,
}

impl<S: WalletStore> Wallet<S> {
    /// Every credential instance held (a fresh wallet holds none; the tests in
    /// `wallet/tests/receive.rs` fill one from the issuer library).
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// assert!(wallet.credentials()?.is_empty());
    /// assert!(wallet.summary(now)?.is_empty());
    /// assert!(wallet.refill_signals(now)?.is_empty());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn credentials(&self) -> Result<Vec<StoredCredential>> {
        self.all(Table::Credentials)
    }

    /// The credentials by issuer and type, with their use, as of `now` (expired instances are
    /// not counted as fresh).
    pub fn summary(&self, now: NumericDate) -> Result<Vec<CredentialSummary>> {
        let mut groups: BTreeMap<(String, String), CredentialSummary> = BTreeMap::new();
        for credential in self.credentials()? {
            let entry = groups
                .entry((credential.issuer.clone(), credential.vct.clone()))
                .or_insert_with(|| CredentialSummary {
                    issuer: credential.issuer.clone(),
                    vct: credential.vct.clone(),
                    configuration_id: credential.configuration_id.clone(),
                    total: 0,
                    fresh: 0,
                    shown_to: Vec::new(),
                });
            entry.total += 1;
            match credential.shown_to {
                Some(verifier) => entry.shown_to.push(verifier),
                None if !credential.is_expired(now) => entry.fresh += 1,
                None => {}
            }
        }
        Ok(groups.into_values().collect())
    }

    /// The types whose fresh instances are at or below [`REFILL_THRESHOLD`].
    pub fn refill_signals(&self, now: NumericDate) -> Result<Vec<RefillSignal>> {
        Ok(self
            .summary(now)?
            .into_iter()
            .filter(|s| s.fresh <= REFILL_THRESHOLD && s.configuration_id != ANCHOR_CONFIGURATION)
            .map(|s| RefillSignal {
                issuer: s.issuer,
                vct: s.vct,
                configuration_id: s.configuration_id,
                fresh: s.fresh,
            })
            .collect())
    }
}
