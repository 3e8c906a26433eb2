//! Trust: the signed trust list, pinned to one authority key, and the questions a verifier
//! asks it ("whose key checks this credential?", "may this issuer issue this type?").
//!
//! Only a list signed by the pinned key is ever used, and an update may not roll back to an
//! older version (a replayed old list could still trust a since-removed issuer).
//!
//! ```
//! use myna_verifier::core::crypto::{default_provider, SecretKey};
//! use myna_verifier::core::time::NumericDate;
//! use myna_verifier::core::trust_list::TrustList;
//! use myna_verifier::trust::Trust;
//! let authority = SecretKey::generate_p256()?;
//! let t = NumericDate::from_unix(1_000);
//! let v1 = TrustList::new("jp", 1, t, t.plus_seconds(600)).sign(&*default_provider().signer(&authority)?)?;
//! let v2 = TrustList::new("jp", 2, t, t.plus_seconds(600)).sign(&*default_provider().signer(&authority)?)?;
//! let trust = Trust::new(authority.public_key(), &v2, default_provider(), t)?;
//! assert_eq!(trust.version(), 2);
//! assert!(trust.update(&v1, default_provider(), t).is_err()); // rollback refused
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use std::sync::{Arc, RwLock};

use myna_vc_core::crypto::{CryptoProvider, PublicKey};
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::{TrustList, VerifiedTrustList};
use myna_vc_core::{Error, Result, TrustListError};

/// The verifier's trust anchor: the pinned authority key and the newest verified list.
#[derive(Debug)]
pub struct Trust {
    authority: PublicKey,
    current: RwLock<Arc<VerifiedTrustList>>,
}

impl Trust {
    /// Verifies `signed_list` with the pinned `authority` key at `now`.
    pub fn new(
        authority: PublicKey,
        signed_list: &str,
        provider: &dyn CryptoProvider,
        now: NumericDate,
    ) -> Result<Self> {
        let list = TrustList::verify(signed_list, provider, &authority, now)?;
        Ok(Trust {
            authority,
            current: RwLock::new(Arc::new(list)),
        })
    }

    /// Replaces the list with a newer (or the same) version signed by the pinned key. On any
    /// error the current list stays.
    pub fn update(
        &self,
        signed_list: &str,
        provider: &dyn CryptoProvider,
        now: NumericDate,
    ) -> Result<u64> {
        let seen = self.version();
        let list = TrustList::verify_newer_than(signed_list, provider, &self.authority, now, seen)?;
        let version = list.version();
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        // Checked again under the lock: two concurrent updates must not roll back either.
        if version < current.version() {
            return Err(Error::TrustList(TrustListError::Rollback {
                seen: current.version(),
                found: version,
            }));
        }
        *current = Arc::new(list);
        Ok(version)
    }

    /// The list in force (cheap: a shared pointer).
    pub fn list(&self) -> Arc<VerifiedTrustList> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            // A writer panicked mid-swap; the stored pointer is still a whole, verified list.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The version in force.
    pub fn version(&self) -> u64 {
        self.list().version()
    }

    /// The pinned authority key.
    pub fn authority(&self) -> &PublicKey {
        &self.authority
    }
}
