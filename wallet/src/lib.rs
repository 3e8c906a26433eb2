//! # myna-wallet
//!
//! The resident's wallet: pairwise holder keys derived from one master secret, an encrypted
//! credential store, dynamic opt-in consent records and minimal-disclosure presentations
//! (OpenID4VP with DCQL, and a compact QR form), all built on [`myna_vc_core`].
//!
//! This crate is filled by the wallet issue; it depends on `myna-vc-core` (and later on the
//! card trait of `myna-jpki` for anchoring).
#![forbid(unsafe_code)]

pub use myna_vc_core as core;
