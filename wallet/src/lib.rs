//! # myna-wallet
//!
//! The resident's wallet: pairwise holder keys derived from one master secret, an encrypted
//! credential store, dynamic opt-in consent records and minimal-disclosure presentations
//! (OpenID4VP with DCQL, and a compact QR form), all built on [`myna_vc_core`].
//!
//! * [`keys`]: the master secret, HKDF-derived P-256 keys per verifier and per credential
//!   slot, and the [`HolderKeys`](keys::HolderKeys) seam for a secure element.
//! * [`sealed`]: Argon2id + ChaCha20-Poly1305 sealing under a passphrase.
//! * [`store`]: the [`WalletStore`](store::WalletStore) trait, redb and in-memory.
//! * [`records`]: every record encrypted at rest under a key from the master secret.
//! * [`wallet`]: the [`Wallet`] — create, open, restore, export, import.
//! * [`backup_file`]: an export with a checksum, so damage is not taken for a wrong passphrase.
//! * [`receipt`]: checks on every received credential (issuer key, status, schema).
//! * [`receive`]: the OpenID4VCI client flow over an
//!   [`IssuerTransport`](receive::IssuerTransport), or in steps (key proofs, keep) for callers
//!   that do the HTTP themselves.
//! * `anchor` (feature `card`, default): anchoring to a My Number card through `myna-jpki`.
//! * [`readable`]: reading a table when a record is damaged: the rest, and the damaged named.
//! * [`batch_status`]: each batch's last known status on its issuer's list, kept for offline.
//! * [`credentials`]: batches of single-use credentials, one verifier per instance, refill.
//! * [`freshness`]: claims gone stale before `exp` (an `age_over_20: false` on the 20th
//!   birthday), found on the device from the credential's own birth date, to refresh.
//! * [`refresh`]: stale age copies renewed at their issuer on the wallet's own initiative.
//! * [`pseudonym`]: the holder's own pseudonym in a context, asked for and bound to the
//!   anchored key.
//! * [`consent`]: dynamic opt-in — holder-signed consents, registry, withdraw / pause /
//!   resume, who holds what.
//! * [`consent_steps`]: the same consents in steps, for a caller that does the HTTP itself.
//! * [`present`]: answering a DCQL query with the fewest disclosures, previewed before
//!   signing; the OpenID4VP response and the compact QR form.
//! * [`ballot`]: a vote in a poll, the poll's pseudonym presented with the choice in its
//!   KB-JWT nonce.
//! * [`history`]: the append-only, hash-chained log.
//! * `http` (feature `http`): the transports over HTTP, with a private CA, an insecure
//!   loopback route for development, and errors that name their cause.
//! * `in_process` (feature `test-util`, off by default): the issuer transport over the
//!   issuer library's endpoint layer in the same process, for tests and demos.
//!
//! Feature `test-util` (off by default; demos and tests only) adds hooks no production build
//! should link: the in-process issuer and a history tamperer.
#![forbid(unsafe_code)]

#[cfg(feature = "card")]
pub mod anchor;
pub mod backup_file;
pub mod ballot;
pub mod batch_status;
pub mod consent;
pub mod consent_steps;
pub mod credentials;
mod error;
pub mod freshness;
pub mod history;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "test-util")]
pub mod in_process;
pub mod keys;
pub mod present;
pub mod pseudonym;
pub mod readable;
pub mod receipt;
pub mod receive;
pub mod records;
pub mod refresh;
pub mod sealed;
pub mod store;
pub mod wallet;

pub use error::{Error, Result, TransportCause};
pub use myna_vc_core as core;
pub use wallet::Wallet;
