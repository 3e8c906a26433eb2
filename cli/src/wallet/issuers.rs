//! The seam between the wallet commands and the issuers they talk to: [`Issuers`] says how
//! `anchor`, `receive` and `consent` reach an issuer or a consent registry, and which flags
//! they take for it.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use anyhow::Result;
use myna_vc_core::oid4vci::CredentialOffer;
use myna_vc_core::time::NumericDate;
use myna_wallet::consent::ConsentRegistry;
use myna_wallet::credentials::StoredCredential;
use myna_wallet::receive::ReceivedBatch;
use myna_wallet::store::RedbStore;
use myna_wallet::Wallet;

/// How the wallet commands reach issuers and consent registries, with the flags that say
/// which one.
///
/// The product binary reaches real issuers over HTTP ([`Http`](super::Http): `--issuer`,
/// `--issuer-key`, `--registry`, `--registry-key`); the demo binary plugs in its in-process
/// demo issuer. Everything else a wallet command does (the wallet file, the receipt checks,
/// what is printed) is the same code for both.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     wallet: myna::wallet::Args<myna::wallet::Http>,
/// }
/// let cli = Cli::try_parse_from(["myna", "receive", "--offer", "openid-credential-offer://?x",
///     "--issuer-key", "city.jwk"])?;
/// // Over HTTP, an offer's issuer is pinned by its key: `receive` needs `--issuer-key`.
/// assert!(Cli::try_parse_from(["myna", "receive", "--offer", "x"]).is_err());
/// # Ok::<(), clap::Error>(())
/// ```
pub trait Issuers {
    /// The flags of `anchor`: which issuer, and which card.
    type Anchor: clap::Args + Debug;
    /// The flags of `receive` that say how the offer's issuer is reached and pinned.
    type Receive: clap::Args + Debug;
    /// The flags of `consent give|withdraw|pause|resume`: which registry.
    type Registry: clap::Args + Debug;

    /// Anchors the session's wallet to a card at the issuer `args` name.
    fn anchor(&self, session: &Session, args: &Self::Anchor) -> Result<Anchored>;

    /// Redeems `offer` into the session's wallet, checking every credential on receipt.
    fn receive(
        &self,
        session: &Session,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
        args: &Self::Receive,
    ) -> Result<Vec<ReceivedBatch>>;

    /// Runs `action` against the consent registry `args` name (and keeps what it changed).
    fn with_registry<T>(
        &self,
        session: &Session,
        args: &Self::Registry,
        action: impl FnOnce(&dyn ConsentRegistry) -> Result<T>,
    ) -> Result<T>;
}

/// What anchoring gives: the anchor credential, and the issuer's offer of more credentials.
#[derive(Debug)]
pub struct Anchored {
    /// The anchor credential, as stored.
    pub credential: StoredCredential,
    /// The issuer's offer of further credentials, if it made one.
    pub offer: Option<CredentialOffer>,
}

/// One wallet command's context: the wallet's directory and the time of the command.
///
/// ```
/// use myna_vc_core::time::NumericDate;
/// let session = myna::wallet::Session::new("my-wallet".into(), NumericDate::from_unix(1_800_000_000));
/// assert_eq!(session.dir(), std::path::Path::new("my-wallet"));
/// assert!(session.open_wallet().is_err(), "no wallet there yet");
/// ```
#[derive(Debug, Clone)]
pub struct Session {
    dir: PathBuf,
    now: NumericDate,
    passphrase_file: Option<PathBuf>,
}

impl Session {
    /// The session for the wallet in `dir` at `now`.
    pub fn new(dir: PathBuf, now: NumericDate) -> Self {
        Session {
            dir,
            now,
            passphrase_file: None,
        }
    }

    /// Reads the passphrase from `file` (`--passphrase-file`) rather than the environment
    /// or a prompt.
    pub fn with_passphrase_file(mut self, file: Option<PathBuf>) -> Self {
        self.passphrase_file = file;
        self
    }

    /// The passphrase file given on the command line, if any.
    pub fn passphrase_file(&self) -> Option<&Path> {
        self.passphrase_file.as_deref()
    }

    /// The wallet's directory (other state may live beside `wallet.redb`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The time of the command.
    pub fn now(&self) -> NumericDate {
        self.now
    }

    /// Opens the wallet, asking for its passphrase (`--passphrase-file`,
    /// `MYNA_WALLET_PASSPHRASE`, `MYNA_WALLET_PASSPHRASE_FILE`, or a prompt without echo).
    pub fn open_wallet(&self) -> Result<Wallet<RedbStore>> {
        super::open(&self.dir, self.passphrase_file())
    }
}
