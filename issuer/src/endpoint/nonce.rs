//! The nonce endpoint: a fresh `c_nonce` that expires after `rules.nonce_lifetime_secs`.
//!
//! Handing one out writes nothing: the value carries its expiry under the issuer's MAC
//! ([`crate::challenge`]), so a client asking in a loop cannot grow the store. The credential
//! endpoint checks the MAC and the expiry, verifies every key proof and the access token, and
//! only then redeems the nonce (the store keeps it, used, until it expires), so a replayed
//! proof meets a used nonce.

use myna_vc_core::oid4vci::{CNonce, NonceResponse};
use myna_vc_core::time::NumericDate;

use super::{EndpointError, Endpoints};
use crate::challenge::{ChallengePurpose, Nonce};
use crate::store::Store;

impl<S: Store> Endpoints<S> {
    /// A fresh `c_nonce`; the store is left as it was.
    ///
    /// ```
    /// # use myna_issuer::endpoint::{Endpoints, Setup};
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, oid4vci::IssuerId};
    /// use myna_issuer::store::Store;
    /// # let key = SecretKey::generate_p256()?;
    /// # let setup = Setup::new(myna_issuer::store::MemoryStore::new(),
    /// #     default_provider().signer(&key)?, IssuerId::new("https://dmo.example")?, None)?;
    /// let issuer = Endpoints::new(setup)?;
    /// let now = myna_vc_core::time::NumericDate::from_unix(1_800_000_000);
    /// let rows = issuer.store().row_count()?;
    /// assert_ne!(issuer.nonce(now)?.c_nonce, issuer.nonce(now)?.c_nonce);
    /// assert_eq!(issuer.store().row_count()?, rows);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nonce(&self, now: NumericDate) -> Result<NonceResponse, EndpointError> {
        let issued = self.challenge_key.issue(
            ChallengePurpose::CNonce,
            now,
            self.rules.nonce_lifetime_secs,
        )?;
        Ok(NonceResponse {
            c_nonce: CNonce::new(issued.nonce.to_text()),
        })
    }

    /// Checks that this issuer handed out `c_nonce` and that it has not expired, without
    /// writing anything; returns the nonce and its expiry, for
    /// [`redeem_nonce`](Self::redeem_nonce) once the request it guards is verified. Altered,
    /// forged or another purpose's value: `invalid_nonce`
    /// ([`ChallengeRejection::Unknown`](crate::ChallengeRejection::Unknown)); expired:
    /// [`ChallengeRejection::Expired`](crate::ChallengeRejection::Expired); already redeemed:
    /// [`ChallengeRejection::AlreadyUsed`](crate::ChallengeRejection::AlreadyUsed).
    ///
    /// ```
    /// # use myna_issuer::endpoint::{Endpoints, Setup};
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, oid4vci::IssuerId};
    /// use myna_issuer::{ChallengeRejection, Error};
    /// # let key = SecretKey::generate_p256()?;
    /// # let setup = Setup::new(myna_issuer::store::MemoryStore::new(),
    /// #     default_provider().signer(&key)?, IssuerId::new("https://dmo.example")?, None)?;
    /// let issuer = Endpoints::new(setup)?;
    /// let now = myna_vc_core::time::NumericDate::from_unix(1_800_000_000);
    /// let c_nonce = issuer.nonce(now)?.c_nonce;
    /// let (nonce, expires_at) = issuer.check_nonce(&c_nonce, now)?;
    /// issuer.redeem_nonce(&nonce, expires_at, now)?;
    /// let replayed = issuer.check_nonce(&c_nonce, now).unwrap_err();
    /// assert_eq!(replayed.code().code(), "invalid_nonce");
    /// assert!(matches!(replayed.cause(), Some(Error::Challenge(ChallengeRejection::AlreadyUsed))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_nonce(
        &self,
        c_nonce: &CNonce,
        now: NumericDate,
    ) -> Result<(Nonce, NumericDate), EndpointError> {
        let nonce = Nonce::from_text(c_nonce.as_str())?;
        let expires_at = self
            .challenge_key
            .check(ChallengePurpose::CNonce, &nonce, now)?;
        if self.store.challenge_used(&nonce)? {
            return Err(crate::Error::Challenge(crate::ChallengeRejection::AlreadyUsed).into());
        }
        Ok((nonce, expires_at))
    }

    /// Redeems a `c_nonce` that [`check_nonce`](Self::check_nonce) accepted: the one write
    /// of a nonce, made only for a verified request; a second redemption is `invalid_nonce`.
    pub fn redeem_nonce(
        &self,
        nonce: &Nonce,
        expires_at: NumericDate,
        now: NumericDate,
    ) -> Result<(), EndpointError> {
        Ok(self.store.redeem_challenge(nonce, expires_at, now)?)
    }
}
