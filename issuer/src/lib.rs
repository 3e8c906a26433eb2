//! # myna-issuer
//!
//! The municipality's side of myna-vc: it checks a resident's My Number card once (through
//! `myna-jpki`), anchors a pseudonymous DID to it, issues the five credentials (resident, age,
//! child medical subsidy, fan-club membership, shelter registration) as SD-JWT VCs built with
//! [`myna_vc_core`], publishes Token Status Lists and revokes credentials when the certified
//! facts change.
//!
//! Data flows card → issuer → wallet → verifier; the issuer depends on `myna-vc-core` and
//! `myna-jpki` only.
//!
//! ## A short tour (work in progress: the issuer issue is open)
//!
//! * [`pseudonym`]: context pseudonyms — one stable, unlinkable pseudonym per person per
//!   context (HMAC-SHA-256 of the person handle and the context id).
//! * [`escrow`]: the pseudonym → person link sealed for due process: t-of-n trustees (Shamir
//!   shares, each HPKE-sealed to one trustee) must cooperate to open a record.
#![forbid(unsafe_code)]

mod error;
pub mod escrow;
pub mod pseudonym;

pub use error::{Error, Result};
pub use myna_vc_core as core;
