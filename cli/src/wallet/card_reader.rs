//! The My Number card for `myna wallet anchor`: a virtual card file from `myna jpki test-ca
//! card` (`--card FILE`, every build), or a card in a PC/SC reader (`--reader NAME`, when
//! `myna` is built with feature `pcsc`; without it, anchoring explains how to get a build that
//! can).
//!
//! A virtual card file is written back after every use, whatever happened: a wrong PIN spends
//! a try and a locked PIN stays locked, as on a real card.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use myna_jpki::apdu::{Command, Response};
use myna_jpki::card::{AuthPin, JpkiCard, SignPin, Transport};
use myna_jpki::card_jws::CardSigner;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::time::NumericDate;
use myna_wallet::receipt::ReceiptCheck;
use myna_wallet::receive::IssuerTransport;
use myna_wallet::store::RedbStore;
use myna_wallet::Wallet;

use super::Anchored;

/// What a build without card reader support says when asked for a reader.
#[cfg(not(feature = "pcsc"))]
const NO_READER: &str = "this build of myna has no card reader support, and --reader needs \
    it: build myna with the `pcsc` feature (`cargo install --path cli --features pcsc`; it \
    needs the PC/SC library, libpcsclite-dev and pkg-config on Debian), or anchor with a \
    virtual card file (--card FILE) in a test environment";

/// Which card anchors the wallet.
#[derive(Debug, Clone, Copy)]
pub(super) enum CardSource<'a> {
    /// A virtual card file (`myna jpki test-ca card`).
    File(&'a Path),
    /// A card in the PC/SC reader of that name (only a build with feature `pcsc` has one).
    #[cfg(feature = "pcsc")]
    Reader(&'a str),
}

/// The card `--card` or `--reader` names; says what to do when neither is given or this build
/// cannot use a reader (before the passphrase is asked).
pub(super) fn source<'a>(
    card: Option<&'a Path>,
    reader: Option<&'a str>,
) -> Result<CardSource<'a>> {
    match (card, reader) {
        (Some(file), None) => Ok(CardSource::File(file)),
        (None, Some(name)) => {
            #[cfg(not(feature = "pcsc"))]
            {
                let _ = name;
                bail!(NO_READER)
            }
            #[cfg(feature = "pcsc")]
            Ok(CardSource::Reader(name))
        }
        (Some(_), Some(_)) => bail!("give one card: --card FILE or --reader NAME, not both"),
        (None, None) => bail!(
            "say which card anchors the wallet: --card FILE for a virtual card file (a test \
             environment's card, made by `myna jpki test-ca card`), or --reader NAME for a My \
             Number card in a PC/SC reader (a build with the `pcsc` feature)"
        ),
    }
}

/// Anchors `wallet` at `issuer` with the card `source` names; with `with_facts` the card's
/// signature key also signs its certified facts, so the issuer can offer resident and age
/// credentials.
pub(super) fn anchor(
    wallet: &Wallet<RedbStore>,
    transport: &dyn IssuerTransport,
    issuer: &IssuerId,
    check: &ReceiptCheck<'_>,
    source: CardSource<'_>,
    with_facts: bool,
    now: NumericDate,
) -> Result<Anchored> {
    let at = Anchoring {
        wallet,
        transport,
        issuer,
        check,
        with_facts,
        now,
    };
    match source {
        CardSource::File(path) => at.with_card_file(path),
        #[cfg(feature = "pcsc")]
        CardSource::Reader(name) => at.with_reader(name),
    }
}

/// One anchoring's parties, whatever the card.
struct Anchoring<'a> {
    wallet: &'a Wallet<RedbStore>,
    transport: &'a dyn IssuerTransport,
    issuer: &'a IssuerId,
    check: &'a ReceiptCheck<'a>,
    with_facts: bool,
    now: NumericDate,
}

impl Anchoring<'_> {
    /// With a virtual card file, which is written back afterwards (its PIN counters).
    fn with_card_file(&self, path: &Path) -> Result<Anchored> {
        let card = Shared::new(crate::jpki::read_card(path)?);
        let anchored = self.with_card(&card);
        let saved = card
            .0
            .lock()
            .map_err(|_| anyhow!("the virtual card was poisoned by a panic"))
            .and_then(|card| crate::jpki::write_card(path, &card));
        match (anchored, saved) {
            (Ok(anchored), Ok(())) => Ok(anchored),
            (Ok(_), Err(e)) => {
                Err(e.context("anchored, but the card file's PIN counters could not be saved"))
            }
            (Err(e), Ok(())) => Err(e),
            (Err(e), Err(saving)) => Err(e.context(format!(
                "and the card file's PIN counters could not be saved: {saving:#}"
            ))),
        }
    }

    /// With the card in a PC/SC reader.
    #[cfg(feature = "pcsc")]
    fn with_reader(&self, name: &str) -> Result<Anchored> {
        use myna_jpki::pcsc::PcscTransport;
        let name = std::ffi::CString::new(name).context("--reader")?;
        // The reader error says what is wrong (no PC/SC service, no such reader, no card).
        let connected = PcscTransport::connect(&name).with_context(|| {
            format!(
                "connecting to the card in the reader {}",
                name.to_string_lossy()
            )
        })?;
        self.with_card(&Shared::new(connected))
    }

    /// Signs with the card's authentication key (and, for the facts, its signature key).
    fn with_card<T: Transport + Send>(&self, card: &Shared<T>) -> Result<Anchored> {
        let auth_pin = AuthPin::new(&crate::passphrase::secret_from_env_or_prompt(
            "MYNA_CARD_PIN",
            "card authentication PIN (4 digits)",
        )?)
        .context("the authentication PIN")?;
        let auth = CardSigner::authentication(JpkiCard::new(card.clone()), auth_pin)
            .context("reading the card's authentication certificate")?;
        if !self.with_facts {
            let (credential, offer) =
                self.wallet
                    .anchor(self.transport, self.issuer, &auth, self.check, self.now)?;
            return Ok(Anchored { credential, offer });
        }
        let sign_pin = SignPin::new(&crate::passphrase::secret_from_env_or_prompt(
            "MYNA_CARD_SIGN_PIN",
            "card signature PIN (6 to 16 of A-Z and 0-9)",
        )?)
        .context("the signature PIN")?;
        let sign = CardSigner::signature(JpkiCard::new(card.clone()), sign_pin)
            .context("reading the card's signature certificate with the signature PIN")?;
        let (credential, grant) = self.wallet.anchor_with_facts(
            self.transport,
            self.issuer,
            &auth,
            Some(&sign),
            self.check,
            self.now,
        )?;
        Ok(Anchored {
            credential,
            offer: grant.credential_offer,
        })
    }
}

/// One card under both signers of an anchoring with facts, as one reader session is.
struct Shared<T>(Arc<Mutex<T>>);

impl<T> Shared<T> {
    fn new(transport: T) -> Self {
        Shared(Arc::new(Mutex::new(transport)))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T: Transport> Transport for Shared<T> {
    fn transmit(&mut self, command: &Command) -> myna_jpki::Result<Response> {
        let mut card = self.0.lock().map_err(|_| {
            myna_jpki::Error::Reader("the card was poisoned by a panic in another thread".into())
        })?;
        card.transmit(command)
    }
}
