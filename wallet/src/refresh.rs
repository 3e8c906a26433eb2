//! Refreshing stale age copies at their issuer, without staff or card.
//!
//! When [`Wallet::stale_credentials`] finds age copies whose `false` flag has turned true (see
//! [`freshness`](crate::freshness)), [`Wallet::refresh_stale`] asks their issuer for a fresh
//! batch on its own:
//!
//! 1. it asks the issuer for a refresh offer ([`IssuerTransport::refresh_offer`]; over HTTP
//!    `POST {issuer}/refresh-offers` with `{"credential": "age"}`);
//! 2. redeems it, presenting one stale copy that no verifier has seen, with its `birthdate`
//!    disclosed and key-bound to the request's `c_nonce` ([`REFRESH_PRESENTATION`]) — the
//!    issuer recomputes the flags for today from it. A copy bound to a fresh batch key is
//!    replaced by a fresh batch; a copy bound to the key anchored at that issuer (the age
//!    credential a fan-club sale shows with the membership) by one copy on the same key, so
//!    the credentials shown together still share one holder key
//!    (`specs/holder-binding.md`);
//! 3. stores the new batch and removes every stale copy of that issuer: a stale copy can
//!    only make a verifier refuse its holder, and marking it as shown instead would retire
//!    its holder key — with the key anchored at the issuer, the fan-club membership and
//!    pseudonym bound to it too.
//!
//! The issuer revokes the presented copy, so a copy refreshes once, and the new copies end
//! no later than the old ones would have: a refresh renews claims, never validity.

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::oid4vci::{build_key_proof, CredentialOffer, CredentialRequest, IssuerId};
use myna_vc_core::time::NumericDate;
use serde_json::Value;

use crate::credentials::StoredCredential;
use crate::error::{Error, Result};
use crate::keys::KeyLabel;
use crate::receipt::ReceiptCheck;
use crate::receive::{random_id, redeem_code, IssuerTransport, ReceivedBatch};
use crate::store::{Table, WalletStore, WriteOp};
use crate::Wallet;

/// The credential request member carrying the copy to refresh.
pub const REFRESH_PRESENTATION: &str = "refresh_presentation";

/// The vct of age credentials, the only ones refreshed this way.
const AGE_VCT: &str = myna_vocabulary::vct::AGE;
/// Their credential configuration id.
const AGE_CONFIGURATION: &str = "age";

impl<S: WalletStore> Wallet<S> {
    /// Refreshes the stale age copies from `issuer` (see the [module docs](self)): `None`
    /// when none is stale, else the new batch.
    ///
    /// A stale copy already shown to a verifier is never shown to the issuer (that would let
    /// the two match it); if every stale copy was shown, this is [`Error::Refused`]: ask the
    /// issuer for a new offer at the desk.
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use myna_vc_core::crypto::SecretKey;
    /// use myna_vc_core::oid4vci::IssuerId;
    /// use myna_vc_core::time::NumericDate;
    /// use myna_wallet::http::HttpIssuer;
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let city = IssuerId::new("https://city.mishima.example")?;
    /// let pinned = PinnedIssuer::new(city.as_str(), SecretKey::generate_p256()?.public_key());
    /// let status = StatusTokens::new();
    /// let check = ReceiptCheck::new(&pinned, &status);
    /// // Nothing stale: nothing is asked of the issuer.
    /// assert!(wallet.refresh_stale(&HttpIssuer::new()?, &city, &check, now)?.is_none());
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refresh_stale(
        &self,
        transport: &dyn IssuerTransport,
        issuer: &IssuerId,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<Option<ReceivedBatch>> {
        let stale: Vec<StoredCredential> = self
            .stale_credentials(now)?
            .into_iter()
            .filter(|c| c.issuer == issuer.as_str() && c.vct == AGE_VCT)
            .collect();
        if stale.is_empty() {
            return Ok(None);
        }
        let unseen = stale.iter().find(|c| c.shown_to.is_none()).ok_or_else(|| {
            Error::Refused(
                "every stale age copy was shown to a verifier already: ask the issuer for a \
                 new offer"
                    .into(),
            )
        })?;
        let offer = transport.refresh_offer(issuer, AGE_CONFIGURATION)?;
        let batch = self.redeem_refresh(transport, &offer, unseen, check, now)?;
        self.remove_stale(&stale)?;
        Ok(Some(batch))
    }

    fn redeem_refresh(
        &self,
        transport: &dyn IssuerTransport,
        offer: &CredentialOffer,
        copy: &StoredCredential,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        let (metadata, token) = redeem_code(transport, offer, None)?;
        let nonce = transport.nonce(&metadata)?;
        let batch = random_id()?;
        let issuer = &metadata.credential_issuer;
        let anchored = self
            .anchor_for(issuer)
            .is_ok_and(|anchor| anchor.key == copy.key);
        let (slots, proofs) = if anchored {
            let signer = self.keys.signer(&copy.key)?;
            let proof = build_key_proof(&*signer, issuer, Some(&nonce.c_nonce), now)?;
            (vec![(0, copy.key.clone())], vec![proof])
        } else {
            let size = u32::try_from(metadata.batch_size().clamp(1, 1024)).unwrap_or(1);
            let slots = (0..size)
                .map(|i| (i, KeyLabel::credential(&batch, i)))
                .collect();
            let proofs = self.key_proofs(&batch, size, issuer, Some(&nonce.c_nonce), now)?;
            (slots, proofs)
        };
        let birthdate = [ClaimPath::key(myna_vocabulary::claim::age::BIRTHDATE)];
        let presentation = self.present_to_issuer(copy, &birthdate, issuer, &nonce.c_nonce, now)?;
        let mut request = CredentialRequest::for_configuration(AGE_CONFIGURATION, proofs);
        request
            .other
            .insert(REFRESH_PRESENTATION.into(), Value::String(presentation));
        let response = transport.credential(&metadata, &token.access_token, &request)?;
        let issued: Vec<String> = response
            .credential_strings()
            .into_iter()
            .map(str::to_owned)
            .collect();
        self.keep_for(&batch, slots, AGE_CONFIGURATION, &issued, check, now)
    }

    /// Removes the stale copies, replaced by the refreshed batch.
    fn remove_stale(&self, stale: &[StoredCredential]) -> Result<()> {
        let ops: Vec<WriteOp> = stale
            .iter()
            .map(|c| WriteOp::Remove(Table::Credentials, c.id.clone()))
            .collect();
        self.store.write(ops)
    }
}
