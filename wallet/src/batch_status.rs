//! The last known status of each batch, checked against the issuers' Token Status Lists and
//! kept in the wallet (table `batches`), so that a wallet offline can still say "revoked, as
//! of &lt;when&gt;".
//!
//! [`Wallet::check_status`] reads each held credential's status reference, verifies each list
//! once with the issuer key the caller trusts ([`IssuerKeys`]), and records one
//! [`BatchStatus`] per batch: the worst state among its copies (any revoked copy makes the
//! batch revoked, else any suspended one suspended). A list that cannot be had or verified is
//! reported in [`StatusCheck::failed`] and the batches on it keep their previous status.
//!
//! ```
//! use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
//! use myna_wallet::receipt::{PinnedIssuer, StatusTokens};
//! use myna_vc_core::{crypto::SecretKey, time::NumericDate};
//! let now = NumericDate::from_unix(1_800_000_000);
//! let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
//! let issuers = PinnedIssuer::new("https://city.example", SecretKey::generate_p256()?.public_key());
//! let check = wallet.check_status(&issuers, &StatusTokens::new(), now)?;
//! assert!(check.checked.is_empty() && check.failed.is_empty()); // nothing held yet
//! assert!(wallet.status_uris()?.is_empty());
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use myna_vc_core::crypto::PublicKey;
use myna_vc_core::jws::Jws;
use myna_vc_core::sdjwt::SdJwt;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::{Status, StatusListUri, StatusReference, VerifiedStatusList};
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};

use crate::credentials::StoredCredential;
use crate::error::{Error, Result};
use crate::readable::Readable;
use crate::receipt::{IssuerKeys, StatusSource};
use crate::store::{Table, WalletStore};
use crate::wallet::Wallet;

/// A batch's state on its status list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// Every copy is valid.
    Valid,
    /// A copy is suspended (and none revoked).
    Suspended,
    /// A copy is revoked — or has a status value this wallet does not know (fail closed).
    Revoked,
}

impl BatchState {
    /// The state of one Token Status List value.
    ///
    /// ```
    /// use myna_wallet::batch_status::BatchState;
    /// use myna_vc_core::status_list::Status;
    /// assert_eq!(BatchState::of(Status::VALID), BatchState::Valid);
    /// assert_eq!(BatchState::of(Status::SUSPENDED), BatchState::Suspended);
    /// assert_eq!(BatchState::of(Status::new(0x0c)), BatchState::Revoked); // unknown: not valid
    /// ```
    pub fn of(status: Status) -> Self {
        match status {
            Status::VALID => BatchState::Valid,
            Status::SUSPENDED => BatchState::Suspended,
            _ => BatchState::Revoked,
        }
    }

    /// `valid`, `suspended` or `revoked`.
    ///
    /// ```
    /// assert_eq!(myna_wallet::batch_status::BatchState::Revoked.as_str(), "revoked");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            BatchState::Valid => "valid",
            BatchState::Suspended => "suspended",
            BatchState::Revoked => "revoked",
        }
    }
}

/// A batch's status as last checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchStatus {
    /// The batch.
    pub batch: String,
    /// Its state.
    pub state: BatchState,
    /// When the lists were checked (Unix seconds).
    pub checked_at: i64,
}

/// A status list that could not be used.
#[derive(Debug)]
pub struct StatusFailure {
    /// The list's URI.
    pub uri: String,
    /// Why (no token, a bad signature, an expired list, an issuer no longer trusted, …).
    pub error: Error,
}

/// What [`Wallet::check_status`] found (and recorded).
#[derive(Debug, Default)]
pub struct StatusCheck {
    /// The batches whose status was recorded.
    pub checked: Vec<BatchStatus>,
    /// The lists that could not be used.
    pub failed: Vec<StatusFailure>,
}

/// The status lists verified in one check, by URI and issuer key (`None`: it failed).
type ListCache = BTreeMap<(String, String), Option<VerifiedStatusList>>;

/// Where a credential's status is, and who signs it.
struct StatusSite {
    reference: StatusReference,
    iss: String,
    kid: Option<String>,
    vct: Vct,
}

/// The credential's status reference and issuer, from its issuer-signed payload (`None`: the
/// credential has no status, so it cannot be revoked).
fn status_site(credential: &StoredCredential) -> Result<Option<StatusSite>> {
    let parsed = SdJwt::parse(&credential.sd_jwt)?;
    let jws = Jws::parse(parsed.jwt())?;
    let payload = jws.payload_object("credential payload")?;
    if !payload.contains_key("status") {
        return Ok(None);
    }
    Ok(Some(StatusSite {
        reference: StatusReference::from_claims(&payload)?,
        iss: credential.issuer.clone(),
        kid: jws.header().kid.clone(),
        vct: Vct::parse(&credential.vct)?,
    }))
}

impl<S: WalletStore> Wallet<S> {
    /// The status lists the held credentials point to, each once, in order (unreadable
    /// records are skipped).
    pub fn status_uris(&self) -> Result<Vec<StatusListUri>> {
        let mut uris = BTreeSet::new();
        for credential in self.credentials_readable()?.items {
            if let Ok(Some(site)) = status_site(&credential) {
                uris.insert(site.reference.uri.as_str().to_owned());
            }
        }
        uris.into_iter()
            .map(StatusListUri::new)
            .map(|u| Ok(u?))
            .collect()
    }

    /// Checks every held batch on its issuers' status lists (`status`, each verified with
    /// the key `issuers` gives for the credential's issuer) and records each batch's state
    /// at `now` in one write. See the [module docs](self).
    pub fn check_status(
        &self,
        issuers: &dyn IssuerKeys,
        status: &dyn StatusSource,
        now: NumericDate,
    ) -> Result<StatusCheck> {
        let mut lists: ListCache = BTreeMap::new();
        let mut states: BTreeMap<String, Option<BatchState>> = BTreeMap::new();
        let mut failed: BTreeMap<String, Error> = BTreeMap::new();
        let mut spoiled: BTreeSet<String> = BTreeSet::new();
        for credential in self.credentials_readable()?.items {
            let site = match status_site(&credential) {
                Ok(Some(site)) => site,
                Ok(None) => {
                    let state = states.entry(credential.batch.clone()).or_insert(None);
                    *state = (*state).max(Some(BatchState::Valid));
                    continue;
                }
                // The credential was checked on receipt; if its payload no longer parses the
                // record is damaged, which `credentials_readable` would have said.
                Err(_) => continue,
            };
            let uri = site.reference.uri.as_str().to_owned();
            let found = self.status_on_list(issuers, status, &site, &mut lists, now);
            match found {
                Ok(Some(value)) => {
                    let state = states.entry(credential.batch.clone()).or_insert(None);
                    *state = (*state).max(Some(BatchState::of(value)));
                }
                Ok(None) => {
                    spoiled.insert(credential.batch.clone());
                }
                Err(error) => {
                    spoiled.insert(credential.batch.clone());
                    failed.entry(uri).or_insert(error);
                }
            }
        }
        // A batch with one copy on a failed list is not recorded: half a check is no check.
        let checked: Vec<BatchStatus> = states
            .into_iter()
            .filter(|(batch, _)| !spoiled.contains(batch))
            .filter_map(|(batch, state)| {
                state.map(|state| BatchStatus {
                    batch,
                    state,
                    checked_at: now.as_unix(),
                })
            })
            .collect();
        let ops = checked
            .iter()
            .map(|s| self.put_op(Table::Batches, &s.batch, s))
            .collect::<Result<Vec<_>>>()?;
        if !ops.is_empty() {
            self.store.write(ops)?;
        }
        Ok(StatusCheck {
            checked,
            failed: failed
                .into_iter()
                .map(|(uri, error)| StatusFailure { uri, error })
                .collect(),
        })
    }

    /// The credential's entry on its list: `Ok(None)` when that list already failed (and was
    /// reported), an error the first time a list or the issuer's key cannot be had.
    fn status_on_list(
        &self,
        issuers: &dyn IssuerKeys,
        status: &dyn StatusSource,
        site: &StatusSite,
        lists: &mut ListCache,
        now: NumericDate,
    ) -> Result<Option<Status>> {
        let key: PublicKey = issuers.issuer_key(&site.iss, site.kid.as_deref(), &site.vct, now)?;
        let slot = (
            site.reference.uri.as_str().to_owned(),
            key.to_jwk().to_string(),
        );
        if let Some(cached) = lists.get(&slot) {
            return cached
                .as_ref()
                .map(|list| list.status_of(&site.reference).map_err(Error::from))
                .transpose();
        }
        match status.status_list(&site.reference.uri, &key, now) {
            Ok(list) => {
                let value = list.status_of(&site.reference)?;
                lists.insert(slot, Some(list));
                Ok(Some(value))
            }
            Err(error) => {
                lists.insert(slot, None);
                Err(error)
            }
        }
    }

    /// Every batch status recorded, and the records that cannot be read.
    pub fn batch_statuses(&self) -> Result<Readable<BatchStatus>> {
        self.all_readable(Table::Batches)
    }
}
