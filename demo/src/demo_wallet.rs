//! The demo's way to an issuer for the wallet commands: the in-process [`DemoIssuer`] (its
//! state beside the wallet, in `<data-dir>/demo-issuer/`), a virtual card made by a test CA,
//! and the demo issuer's consent registry. Plugged into the product's wallet commands
//! (`myna::wallet`) as their [`Issuers`].

use anyhow::{bail, Result};
use myna_vc_core::oid4vci::CredentialOffer;
use myna_wallet::consent::ConsentRegistry;
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
        let (demo, card) = DemoIssuer::with_virtual_card(session.dir(), session.now())?;
        let issuer = demo.issuer();
        let pinned = issuer.pinned();
        // The card's signature key certifies the holder's facts, so the anchoring answers an
        // offer of the credentials they support.
        let (credential, grant) = wallet.anchor_with_facts(
            issuer,
            issuer.id(),
            &card.authentication,
            Some(&card.signature),
            &check(&pinned, issuer),
            session.now(),
        )?;
        Ok(Anchored {
            credential,
            offer: grant.credential_offer,
        })
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
        let demo = DemoIssuer::open(session.dir(), session.now())?;
        let issuer = demo.issuer();
        let pinned = issuer.pinned();
        // The issuer is also the status source: it signs its list when asked, after issuance,
        // when the new credentials' entries exist.
        let check = check(&pinned, issuer);
        Ok(wallet.receive(issuer, offer, tx_code, &check, session.now())?)
    }

    fn with_registry<T>(
        &self,
        session: &Session,
        _: &NoFlags,
        action: impl FnOnce(&dyn ConsentRegistry) -> Result<T>,
    ) -> Result<T> {
        let mut demo = DemoIssuer::open(session.dir(), session.now())?;
        let registry = demo.registry()?;
        let out = action(&registry)?;
        demo.save_registry(&registry)?;
        Ok(out)
    }
}
