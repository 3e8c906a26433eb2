//! # myna-verifier
//!
//! The verifier SDK for merchants, gates, shelter desks and clinics: ready policies (age ≥ 20,
//! residency, fan-club membership, child entry, shelter check-in, medical subsidy), a signed
//! trust list, an offline status-list cache and a replay guard. Verification is sans-I/O:
//! bytes, a time, a trust list and cached status lists in; a [`decision::Decision`] with a
//! reason a cashier can act on out.
//!
//! * [`verifier::Verifier`] ties together [`trust::Trust`], [`status_cache::StatusCache`],
//!   [`replay::ReplayGuard`] and an injected [`Clock`](myna_vc_core::time::Clock);
//! * [`policy`] holds the ready policies and the policy → DCQL query mapping;
//! * [`submission`] reads what a holder hands over, in every form (`vp_token` JSON, one
//!   compact `MV1:` QR text per credential, one SD-JWT), for the service, the CLI and Wasm;
//! * [`ledger`] (fan-club sales), [`roster`] (shelters; [`roster::RedbHq`] the disaster HQ's
//!   store) and [`billing`] (clinics) hold what the policies produce;
//! * [`dc_api`]: presentations through the browser's Digital Credentials API (a shop's own
//!   page; OpenID4VP Annex A), decided on the shop's server with a [`dc_api::DcApiSession`];
//!   [`transport`] also makes `direct_post.jwt` requests (the answer encrypted to a key of the
//!   request);
//! * [`poll`]: one ballot per person per poll with the poll's context pseudonym, a ballot box
//!   ([`poll::ballot_box::RedbBallotBox`]) and a recount anyone can run from the published
//!   ballots ([`poll::tally::recount`]);
//! * [`region`]: named sets of municipalities (the Harima region, the Izu area) as data,
//!   for offers to the residents of several municipalities;
//! * [`status_fetch`] fills the status cache, apart from verification;
//! * `ledger::PgLedger` and `replay::PgReplayGuard` (feature `postgres`): the ledger and the
//!   replay guard in PostgreSQL, shared by a fleet of shops and gates (`myna verify serve
//!   --database-url`);
//! * `service` (feature `service`) is the HTTP API behind `myna verify serve`; `pending` holds
//!   its open requests (bounded per client and in all), `register_token` the optional secret
//!   that point-of-sale systems present to create them.
//!
//! This crate depends on `myna-vc-core` only, because merchants never see My Number card data.
#![forbid(unsafe_code)]

pub use myna_vc_core as core;

pub mod billing;
pub mod consent_guard;
#[cfg(feature = "postgres")]
pub mod database;
pub mod dc_api;
pub mod decision;
pub mod ledger;
pub mod pass;
#[cfg(feature = "service")]
pub mod pending;
pub mod policy;
pub mod poll;
pub mod region;
#[cfg(feature = "service")]
pub mod register_token;
pub mod replay;
pub mod roster;
// The shelter's concepts live under the roster they serve; kept at the crate root too, where
// the shelter's users look for them.
pub use roster::{crowding, operator, questionnaire};
#[cfg(feature = "service")]
pub mod service;
pub mod status_cache;
pub mod status_fetch;
pub mod submission;
pub mod transport;
pub mod trust;
pub mod verifier;
