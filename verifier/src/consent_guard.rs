//! The consent guard for data recipients: "may I use this consent now?".
//!
//! The holder hands the recipient a consent record (holder-signed) and the registry's receipt
//! (registry-signed, naming the status list entry of the consent). The guard answers yes only
//! when: the record verifies; the receipt verifies with the pinned registry key and is for
//! exactly this record; the consent names this recipient and covers the intended credential
//! type and claims; the time is inside its period; and the cached consent status says active
//! (not paused, not withdrawn, and not used if it was one-time). The status data must also be
//! fresh enough. No network: the consent status list is cached like credential status lists.
//!
//! ```
//! use myna_verifier::consent_guard::ConsentGuard;
//! use myna_verifier::core::{consent::Recipient, crypto::SecretKey, did::DidKey};
//! let me = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
//! let guard = ConsentGuard::new(SecretKey::generate_p256()?.public_key(), Recipient::parse(me.did().as_str())?, 3_600);
//! assert_eq!(guard.max_status_staleness_secs(), 3_600);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{ConsentId, ConsentReceipt, ConsentRecord, ConsentState, Recipient};
use myna_vc_core::crypto::{default_provider, CryptoProvider, PublicKey};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;

use crate::decision::{Reason, Rejection};
use crate::status_cache::StatusCache;

/// The name the registry's lists are cached under.
const REGISTRY: &str = "consent-registry";

/// What the recipient intends to read under the consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntendedUse {
    /// The credential type.
    pub vct: Vct,
    /// The claims (each must be covered by the consent).
    pub claims: Vec<ClaimPath>,
}

/// A consent that may be used now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsableConsent {
    /// The consent id.
    pub consent: ConsentId,
    /// Whether it is one-time (report the use to the registry after using it).
    pub one_time: bool,
    /// Seconds the consent status data was past fresh.
    pub status_staleness_secs: u64,
}

/// Answers "may I use this consent now?" for one recipient. See the [module docs](self).
#[derive(Debug)]
pub struct ConsentGuard {
    registry: PublicKey,
    recipient: Recipient,
    max_staleness: u64,
    status: StatusCache,
    provider: &'static dyn CryptoProvider,
}

impl ConsentGuard {
    /// A guard for `recipient` trusting receipts and status lists signed by `registry`,
    /// refusing status data more than `max_status_staleness_secs` past fresh.
    pub fn new(registry: PublicKey, recipient: Recipient, max_status_staleness_secs: u64) -> Self {
        ConsentGuard {
            registry,
            recipient,
            max_staleness: max_status_staleness_secs,
            status: StatusCache::new(max_status_staleness_secs),
            provider: default_provider(),
        }
    }

    /// The staleness tolerance.
    pub fn max_status_staleness_secs(&self) -> u64 {
        self.max_staleness
    }

    /// Verifies and caches the registry's consent status list fetched from `uri` at `fetched_at`.
    pub fn store_status_list(
        &self,
        uri: &StatusListUri,
        token: &str,
        fetched_at: NumericDate,
    ) -> Result<()> {
        self.status.store_signed_by(
            REGISTRY,
            &self.registry,
            uri,
            token,
            self.provider,
            fetched_at,
        )
    }

    /// May the consent (`record` and `receipt`, compact JWTs) be used for `intended` at `now`?
    pub fn may_use(
        &self,
        record: &str,
        receipt: &str,
        intended: &IntendedUse,
        now: NumericDate,
    ) -> core::result::Result<UsableConsent, Rejection> {
        let record = ConsentRecord::verify(record, self.provider)?;
        let receipt = ConsentReceipt::verify(receipt, self.provider, &self.registry)?;
        receipt.check_record(&record)?;
        self.check_scope(&record, intended)?;
        record.check_period(now)?;
        let check = self.status.check(REGISTRY, &receipt.status, now)?;
        if check.staleness_secs > self.max_staleness {
            return Err(Rejection::noted(
                Reason::StatusTooStale,
                "cached consent status list is older than allowed",
            ));
        }
        let state = ConsentState::from_status(check.status)?;
        record.check_usable(state, now)?;
        Ok(UsableConsent {
            consent: record.terms().id,
            one_time: record.terms().usage == myna_vc_core::consent::ConsentUse::OneTime,
            status_staleness_secs: check.staleness_secs,
        })
    }

    fn check_scope(
        &self,
        record: &ConsentRecord,
        intended: &IntendedUse,
    ) -> core::result::Result<(), Rejection> {
        let terms = record.terms();
        let not_applicable = |note| Err(Rejection::noted(Reason::ConsentNotApplicable, note));
        if terms.recipient != self.recipient {
            return not_applicable("the consent is for another recipient");
        }
        if terms.vct != intended.vct {
            return not_applicable("the consent is for another credential type");
        }
        if intended.claims.iter().any(|c| !terms.claims.contains(c)) {
            return not_applicable("the consent does not cover every intended claim");
        }
        Ok(())
    }
}
