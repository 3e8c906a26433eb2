//! # myna-jpki
//!
//! The only crate that touches the My Number card: JPKI certificate parsing and validation
//! against pinned J-LIS roots, CRLs, linking information, a PC/SC reader (feature `pcsc`), JWS
//! signed by the card, and for tests and demos (feature `test-ca`, off by default) a test CA and
//! a virtual card that speaks the JPKI application over APDUs.
//!
//! | module | concept |
//! |---|---|
//! | [`profile`] | the JPKI profile as data: types, environments, OIDs, names, key usages |
//! | [`certificate`] | parsing an end-entity certificate into its typed profile |
//! | [`holder`] | the four facts: name, address (with substitute maps), sex, date of birth |
//! | [`roots`] | pinned production roots, test roots, the root set of a deployment |
//! | [`crl`] | CRLs: lean index, signature check, lookup with reason and date |
//! | [`validate`] | the validator: purpose, environment, chain, time, revocation |
//! | [`linking`] | signature ↔ authentication and old → new certificate links |
//! | `test_ca` | test roots, card certificates and CRLs with the production profile, saved to and loaded from a state file (feature `test-ca`) |
//! | [`apdu`] | ISO 7816-4 command and response APDUs |
//! | [`card`] | the `Card` trait, PINs and the JPKI AP protocol over a transport |
//! | `virtual_card` | a virtual card answering APDUs, kept in a card file between uses (feature `test-ca`) |
//! | `vpcd` | the virtual card inserted into a real PC/SC stack through vsmartcard's vpcd (feature `test-ca`) |
//! | [`card_jws`] | RS256 JWS signed by the card, verified through the validator |
//!
//! The card's text AP, which holds the 12-digit My Number, is never selected by this crate.
#![forbid(unsafe_code)]

pub mod apdu;
pub mod card;
pub mod card_jws;
pub mod certificate;
pub mod crl;
mod error;
// Value types the error carries, kept free of it (no module cycle) and re-exported where a
// reader looks for them: `apdu::StatusWord`, `certificate::SerialNumber`,
// `crl::RevocationReason`, `roots::Fingerprint`, `card::ReaderProblem`.
mod fingerprint;
pub mod holder;
pub mod linking;
#[cfg(feature = "pcsc")]
pub mod pcsc;
pub mod profile;
mod reader_problem;
mod revocation_reason;
pub mod roots;
mod serial;
mod status_word;
#[cfg(feature = "test-ca")]
pub mod test_ca;
#[cfg(feature = "test-ca")]
mod test_file;
mod tlv;
pub mod validate;
#[cfg(feature = "test-ca")]
pub mod virtual_card;
#[cfg(feature = "test-ca")]
pub mod vpcd;

pub use error::{Error, Result};
