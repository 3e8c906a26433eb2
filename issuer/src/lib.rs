//! # myna-issuer
//!
//! The municipality's side of myna-vc: it checks a resident's My Number card once (through
//! `myna-jpki`), anchors a pseudonymous DID to it, issues the five credentials (resident, age,
//! child medical subsidy, fan-club membership, shelter registration) as SD-JWT VCs built with
//! [`myna_vc_core`], publishes Token Status Lists and revokes credentials when the certified
//! facts change.
//!
//! This crate is filled by the issuer issues; today it only fixes its place in the workspace:
//! data flows card → issuer → wallet → verifier, and the issuer depends on `myna-vc-core` and
//! `myna-jpki` only.
#![forbid(unsafe_code)]

pub use myna_vc_core as core;
