//! # myna-escrow
//!
//! Escrow for due process: the link pseudonym → person is sealed so that only a quorum of
//! trustees can open it. The primitives of both sides — the issuer that seals and opens, the
//! trustees that release their shares — in a crate that builds for `wasm32-unknown-unknown`
//! (no storage, no async runtime, no native crypto), so that a trustee can release its share
//! in the staff console's browser (npm `myna-vc/trustee`) with the same code as `myna trustee
//! release`.
//!
//! Each sealed link gets its own random data key. The link is encrypted under it
//! (ChaCha20-Poly1305), the data key is split with Shamir's secret sharing (threshold *t* of
//! *n*), and each share is sealed to one trustee's X25519 key with HPKE (RFC 9180, base mode).
//! The issuer keeps only the sealed record: it holds no trustee key, so it cannot open anything
//! alone, and neither can any single trustee. Opening one record reveals that record's data key
//! only — no long-term secret is ever reassembled.
//!
//! HPKE `info` and the AEAD associated data bind every share to its record and trustee, so
//! shares cannot be moved between records or trustees.
//!
//! ## A short tour
//!
//! * [`trustee`]: [`TrusteeKey`] (held by a trustee), [`TrusteePublicKey`] (what the issuer
//!   seals to), [`TrusteeKey::release`].
//! * [`policy`]: [`EscrowPolicy`], who holds shares and how many must cooperate.
//! * [`link`]: [`seal`] and [`open`]. The link is opaque bytes here: the issuer's
//!   `myna_issuer::escrow` encodes its `EscrowedLink` (context, pseudonym, person) into them,
//!   so this crate needs none of the issuer's types and the trustees' build carries none.
//! * [`sealed_link`]: [`SealedLink`], what the issuer stores, and its byte format;
//!   [`released_share`]: [`ReleasedShare`], what a trustee hands to an opening, and the body
//!   it posts ([`ReleasedShare::post_body`]).
//! * [`key_file`]: the trustee's key file ([`TrusteeKeyFile`]), its secret sealed under a
//!   passphrase.
//!
//! ## Where the passphrase sealing lives
//!
//! A key file seals its secret with [`myna_vc_core::sealed`] (Argon2id, ChaCha20-Poly1305),
//! the format the wallet seals its master secret with. That code moved from `myna-wallet` to
//! `myna-vc-core` (feature `sealed`; `myna_wallet::sealed` remains, over it): data flows card
//! → issuer → wallet → verifier and a crate depends only on crates to its left and on vc-core
//! (DESIGN.md). The escrow belongs to the issuer's side (`myna-issuer` re-exports it), so it
//! may not depend on the wallet, and the wallet has no business depending on the escrow; the
//! one crate both already depend on is vc-core, which also holds the passphrase rule
//! ([`myna_vc_core::passphrase`]) the sealing enforces.
//!
//! ```
//! use myna_escrow::{open, seal, EscrowPolicy, TrusteeKey};
//! let city = TrusteeKey::generate("maebashi-city")?;
//! let committee = TrusteeKey::generate("data-governance-committee")?;
//! let court = TrusteeKey::generate("court-appointed")?;
//! let policy = EscrowPolicy::new(vec![city.public(), committee.public(), court.public()], 2)?;
//! let sealed = seal(&policy, b"pseudonym P in context C is person H")?;
//!
//! // One trustee alone cannot open it; two can.
//! assert!(open(&sealed, &[city.release(&sealed)?]).is_err());
//! let opened = open(&sealed, &[city.release(&sealed)?, court.release(&sealed)?])?;
//! assert_eq!(opened.link.as_slice(), b"pseudonym P in context C is person H");
//! # Ok::<(), myna_escrow::Error>(())
//! ```
#![forbid(unsafe_code)]

mod error;
pub mod key_file;
pub mod link;
pub mod policy;
pub mod released_share;
pub mod sealed_link;
pub mod trustee;

pub use error::{Error, Result};
pub use key_file::{TrusteeKeyFile, TrusteeSecret, KEY_FILE_KIND, KEY_FILE_VERSION};
pub use link::{open, seal, Unsealed};
pub use policy::EscrowPolicy;
pub use released_share::ReleasedShare;
pub use sealed_link::{SealedLink, SealedShare, SEALED_LINK_VERSION};
pub use trustee::{TrusteeId, TrusteeKey, TrusteePublicKey};
