//! Self-service refresh of stale age credentials: `POST /refresh-offers` (routed in
//! [`oid4vci`](super::oid4vci); the logic is [`crate::endpoint::refresh`]).
//!
//! An age credential carries its cohort's `exp` ([`crate::cohort`]), so an `age_over_20:
//! false` can turn true before it. The wallet notices on its own — it holds the birth date —
//! and asks for a fresh batch without staff or card:
//!
//! 1. `POST /refresh-offers` with `{"credential": "age"}` → `201` and a credential offer (no
//!    PIN; the offer names nobody);
//! 2. the wallet redeems it like any offer; its `age` credential request carries
//!    [`REFRESH_PRESENTATION`]: one of its current age copies from this issuer, disclosing
//!    `birthdate`, key-bound to this issuer and the request's `c_nonce`.
//!
//! The issuer checks that copy (its own signature, the age vct, unexpired, valid status),
//! finds its record and revokes it as superseded — so one copy refreshes once — then issues
//! the new batch computed for today, for the same person, with the cohort's `exp` of today and
//! the old record's limit as its personal limit: a refresh renews the claims, never the
//! validity ([`crate::lapse`] ends the new copies when the old ones would have ended).

pub use crate::endpoint::refresh::REFRESH_PRESENTATION;
