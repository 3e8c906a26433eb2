//! The My Number card for `myna wallet anchor`: in a PC/SC reader when `myna` is built with
//! feature `pcsc`; without it, anchoring explains how to get a build that can.

use anyhow::Result;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::time::NumericDate;
use myna_wallet::receipt::ReceiptCheck;
use myna_wallet::receive::IssuerTransport;
use myna_wallet::store::RedbStore;
use myna_wallet::Wallet;

use super::Anchored;

/// What a build without card reader support says when asked to anchor.
#[cfg(not(feature = "pcsc"))]
const NO_READER: &str = "this build of myna has no card reader support, and anchoring needs \
    your My Number card: build myna with the `pcsc` feature (`cargo install --path cli \
    --features pcsc`; it needs the PC/SC library, libpcsclite-dev and pkg-config on Debian)";

/// Fails when this build cannot read a card.
pub(super) fn ensure_supported() -> Result<()> {
    #[cfg(not(feature = "pcsc"))]
    anyhow::bail!(NO_READER);
    #[cfg(feature = "pcsc")]
    Ok(())
}

/// Anchors `wallet` at `issuer` with the card in `reader` (or the first reader with a card).
#[cfg(feature = "pcsc")]
pub(super) fn anchor(
    wallet: &Wallet<RedbStore>,
    transport: &dyn IssuerTransport,
    issuer: &IssuerId,
    check: &ReceiptCheck<'_>,
    reader: Option<&str>,
    now: NumericDate,
) -> Result<Anchored> {
    use anyhow::Context;
    use myna_jpki::card::JpkiCard;
    use myna_jpki::card_jws::CardSigner;
    use myna_jpki::pcsc::PcscTransport;

    let connected = match reader {
        Some(name) => {
            let name = std::ffi::CString::new(name).context("--reader")?;
            PcscTransport::connect(&name)
        }
        None => PcscTransport::connect_first(),
    }
    .context("no My Number card found in a PC/SC reader")?;
    let card = CardSigner::authentication(JpkiCard::new(connected), auth_pin()?)
        .context("reading the card's authentication certificate")?;
    let (credential, offer) = wallet.anchor(transport, issuer, &card, check, now)?;
    Ok(Anchored { credential, offer })
}

/// Without a reader there is no card: [`ensure_supported`] has already said so.
#[cfg(not(feature = "pcsc"))]
pub(super) fn anchor(
    _: &Wallet<RedbStore>,
    _: &dyn IssuerTransport,
    _: &IssuerId,
    _: &ReceiptCheck<'_>,
    _: Option<&str>,
    _: NumericDate,
) -> Result<Anchored> {
    anyhow::bail!(NO_READER)
}

/// The card's authentication PIN (4 digits), from MYNA_CARD_PIN or asked on standard input.
#[cfg(feature = "pcsc")]
fn auth_pin() -> Result<myna_jpki::card::AuthPin> {
    use std::io::{BufRead, Write};
    use zeroize::Zeroizing;

    let pin = match std::env::var("MYNA_CARD_PIN") {
        Ok(value) => Zeroizing::new(value),
        Err(_) => {
            eprint!("card authentication PIN (4 digits): ");
            std::io::stderr().flush()?;
            let mut line = Zeroizing::new(String::new());
            std::io::stdin().lock().read_line(&mut line)?;
            Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    };
    Ok(myna_jpki::card::AuthPin::new(&pin)?)
}
