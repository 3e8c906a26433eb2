//! A context pseudonym on the wallet's own initiative: the issuer's self-service offer of the
//! caller's pseudonym in one context (`POST /pseudonym-offers`, for the contexts it lists),
//! redeemed with the wallet's anchor at that issuer so that the pseudonym is bound to the
//! anchored key — what a forum's sign-up asks for with "once per person".
//!
//! The offer names nobody: the issuer learns who the pseudonym is for only when the anchored
//! wallet redeems it, and only because it anchored there already.

use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::time::NumericDate;

use crate::error::{Error, Result};
use crate::receipt::ReceiptCheck;
use crate::receive::{IssuerTransport, ReceivedBatch};
use crate::store::WalletStore;
use crate::wallet::Wallet;

impl<S: WalletStore> Wallet<S> {
    /// Asks `issuer` for this holder's pseudonym in `context` and receives it bound to the
    /// key anchored there ([`receive_anchored`](Self::receive_anchored)).
    ///
    /// Without an anchor at `issuer` this is [`Error::Refused`] before any request is sent
    /// (anchor first); an offer naming another issuer is [`Error::WrongIssuer`].
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use myna_vc_core::crypto::SecretKey;
    /// use myna_vc_core::oid4vci::IssuerId;
    /// use myna_vc_core::time::NumericDate;
    /// use myna_wallet::http::HttpIssuer;
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Error, Wallet};
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let city = IssuerId::new("https://city.maebashi.example")?;
    /// let pinned = PinnedIssuer::new(city.as_str(), SecretKey::generate_p256()?.public_key());
    /// let status = StatusTokens::new();
    /// let check = ReceiptCheck::new(&pinned, &status);
    /// let refused = wallet.receive_pseudonym(&HttpIssuer::new()?, &city, "maebashi-forum", &check, now);
    /// assert!(matches!(refused, Err(Error::Refused(why)) if why.contains("not anchored")));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn receive_pseudonym(
        &self,
        transport: &dyn IssuerTransport,
        issuer: &IssuerId,
        context: &str,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<Vec<ReceivedBatch>> {
        self.anchor_for(issuer)?;
        let offer = transport.pseudonym_offer(issuer, context)?;
        if offer.credential_issuer != *issuer {
            return Err(Error::WrongIssuer {
                expected: issuer.as_str().to_owned(),
                found: offer.credential_issuer.as_str().to_owned(),
            });
        }
        self.receive_anchored(transport, &offer, None, check, now)
    }
}
