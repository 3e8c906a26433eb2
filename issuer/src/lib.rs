//! # myna-issuer
//!
//! The municipality's side of myna-vc: it checks a resident's My Number card once (through
//! `myna-jpki`), anchors a pseudonymous DID to it, issues the five credentials (resident, age,
//! child medical subsidy, fan-club membership, shelter registration) as SD-JWT VCs built with
//! [`myna_vc_core`], publishes Token Status Lists and revokes credentials when the certified
//! facts change.
//!
//! Data flows card → issuer → wallet → verifier, and the issuer depends on `myna-vc-core` and
//! `myna-jpki` only.
//!
//! ## Tour
//!
//! * [`store`]: the [`Store`](store::Store) trait — every operation one atomic transaction —
//!   with [`RedbStore`](store::RedbStore) (one crash-safe file) and
//!   [`MemoryStore`](store::MemoryStore) (tests, wasm).
//! * [`record`]: what is kept per credential — an id, its status entry, a pseudonymous subject
//!   handle and the kinds of fact it depends on; no personal data.
//! * [`status_lists`]: the stored Token Status Lists, random entry assignment, versions.
//! * [`revocation`]: revoke / suspend / resume with a reason, audited.
//! * [`challenge`]: single-use nonces with an expiry.
//! * [`audit`]: the append-only, hash-chained audit log.
//! * [`Error`]: the crate's one error type.
#![forbid(unsafe_code)]

pub use myna_vc_core as core;

pub mod audit;
pub mod challenge;
mod error;
pub mod record;
pub mod revocation;
pub mod status_lists;
pub mod store;

pub use error::{ChallengeRejection, Error, Result};
