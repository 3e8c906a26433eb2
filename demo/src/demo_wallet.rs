//! The demo's way to an issuer for the wallet commands: the in-process [`DemoIssuer`] (its
//! state beside the wallet, in `<data-dir>/demo-issuer/`), a virtual card made by a test CA,
//! and the demo issuer's consent registry. Plugged into the product's wallet commands
//! (`myna::wallet`) as their [`Issuers`].

use anyhow::{anyhow, bail, Result};
use myna_vc_core::crypto::PublicKey;
use myna_vc_core::oid4vci::CredentialOffer;
use myna_vc_core::status_list::{StatusListUri, VerifiedStatusList};
use myna_vc_core::time::NumericDate;
use myna_wallet::consent::ConsentRegistry;
use myna_wallet::receipt::{PinnedIssuer, StatusSource};
use myna_wallet::receive::ReceivedBatch;

use crate::demo_issuer::{DemoIssuer, DEMO_ISS};
use myna::wallet::{check, Anchored, Issuers, Session};

/// The demo issuer, reached in-process.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoIssuers;

/// The flags of `myna-demo wallet anchor`.
#[derive(Debug, clap::Args)]
pub struct VirtualCard {
    /// Use a virtual card from a test JPKI CA, at the demo issuer (a real card and issuer:
    /// `myna wallet anchor --issuer …`).
    #[arg(long, required = true)]
    pub virtual_card: bool,
}

/// No flags: the demo issuer and its registry need no URL and no pinned key file.
#[derive(Debug, clap::Args)]
pub struct NoFlags {}

impl Issuers for DemoIssuers {
    type Anchor = VirtualCard;
    type Receive = NoFlags;
    type Registry = NoFlags;

    fn anchor(&self, session: &Session, _: &VirtualCard) -> Result<Anchored> {
        let wallet = session.open_wallet()?;
        eprintln!("making a test JPKI CA and a virtual card (a few seconds)…");
        let demo = DemoIssuer::open(session.dir(), session.now())
            .and_then(DemoIssuer::with_virtual_card)
            .map_err(anyhow::Error::msg)?;
        let card = demo.card().ok_or_else(|| anyhow!("no virtual card"))?;
        let pinned = PinnedIssuer::new(DEMO_ISS, demo.key().clone());
        let status = demo.status().map_err(anyhow::Error::msg)?;
        let id = demo.id().map_err(anyhow::Error::msg)?;
        let (credential, offer) =
            wallet.anchor(&demo, &id, card, &check(&pinned, &status), session.now())?;
        Ok(Anchored { credential, offer })
    }

    fn receive(
        &self,
        session: &Session,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
        _: &NoFlags,
    ) -> Result<Vec<ReceivedBatch>> {
        if offer.credential_issuer.as_str() != DEMO_ISS {
            bail!(
                "`myna-demo wallet receive` redeems the demo issuer's offers only; \
                 `myna wallet receive --issuer-key …` redeems a real issuer's"
            );
        }
        let wallet = session.open_wallet()?;
        let demo = DemoIssuer::open(session.dir(), session.now()).map_err(anyhow::Error::msg)?;
        let pinned = PinnedIssuer::new(DEMO_ISS, demo.key().clone());
        // The demo issuer's list is read after issuance, when the new entries exist.
        let status = LateStatus(&demo);
        let check = check(&pinned, &status);
        Ok(wallet.receive(&demo, offer, tx_code, &check, session.now())?)
    }

    fn with_registry<T>(
        &self,
        session: &Session,
        _: &NoFlags,
        action: impl FnOnce(&dyn ConsentRegistry) -> Result<T>,
    ) -> Result<T> {
        let demo = DemoIssuer::open(session.dir(), session.now()).map_err(anyhow::Error::msg)?;
        let registry = demo.registry().map_err(anyhow::Error::msg)?;
        let out = action(&registry)?;
        demo.save_registry(&registry).map_err(anyhow::Error::msg)?;
        Ok(out)
    }
}

/// The demo issuer's status list, signed when asked.
struct LateStatus<'a>(&'a DemoIssuer);

impl StatusSource for LateStatus<'_> {
    fn status_list(
        &self,
        uri: &StatusListUri,
        key: &PublicKey,
        now: NumericDate,
    ) -> myna_wallet::Result<VerifiedStatusList> {
        let tokens = self.0.status().map_err(|e| myna_wallet::Error::Remote {
            party: "demo issuer",
            detail: e,
        })?;
        tokens.status_list(uri, key, now)
    }
}
