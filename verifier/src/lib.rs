//! # myna-verifier
//!
//! The verifier SDK for merchants, gates, shelter desks and clinics: ready policies (age ≥ 20,
//! residency, fan-club membership, child entry, shelter check-in, medical subsidy, consent
//! guard), a signed trust list, an offline status-list cache and a replay guard. Verification is
//! sans-I/O: bytes, a time, a trust list and cached status lists in; a decision with a reason a
//! cashier can act on out.
//!
//! This crate is filled by the verifier issue; it depends on `myna-vc-core` only, because
//! merchants never see My Number card data.
#![forbid(unsafe_code)]

pub use myna_vc_core as core;
