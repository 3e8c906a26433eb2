//! # myna-issuer
//!
//! The municipality's side of myna-vc: it checks a resident's My Number card once (through
//! `myna-jpki`), anchors a pseudonymous DID to it, issues the five credentials (resident, age,
//! child medical subsidy, fan-club membership, shelter registration) as SD-JWT VCs built with
//! [`myna_vc_core`], publishes Token Status Lists and revokes credentials when the certified
//! facts change.
//!
//! Data flows card → issuer → wallet → verifier; the issuer depends on `myna-vc-core`,
//! `myna-vocabulary` (the credential types) and `myna-jpki` only.
//!
//! ## A short tour
//!
//! * [`credential_types`]: the declarations (vct, disclosure rules, JSON Schema) of the
//!   anchor, resident, age, child medical subsidy, fan-club, shelter and context-pseudonym
//!   credentials, re-exported from `myna-vocabulary`.
//! * [`issuance`]: the credentials built by the rules (residence in the municipality, the
//!   Japanese age rules, subsidy end dates), recorded durably with a random status entry, then
//!   signed — one transaction per batch.
//! * [`cohort`]: the times a verifier sees in the clear (`iat`, `exp`) are shared by everyone
//!   issued on one JST day, never derived from a birth date or a certificate's expiry.
//! * [`lapse`]: personal limits (a card certificate's expiry) enforced through the status list.
//! * [`pseudonym`]: context pseudonyms — one stable, unlinkable pseudonym per person per
//!   context (HMAC-SHA-256 of the person handle and the context id).
//! * [`escrow`]: the pseudonym → person link sealed for due process: t-of-n trustees (Shamir
//!   shares, each HPKE-sealed to one trustee) must cooperate to open a record. Pseudonym
//!   issuance stores the sealed link with the credential's record; every opening through the
//!   store ([`Store::open_sealed_link`](store::Store::open_sealed_link)) is audited.
//! * [`store`]: the [`Store`](store::Store) trait — every operation one atomic transaction —
//!   with [`RedbStore`](store::RedbStore) (one crash-safe file), `PgStore` (feature
//!   `postgres`: a PostgreSQL database several instances share, writers serialised by one
//!   advisory lock), [`MemoryStore`](store::MemoryStore) (tests, wasm) and
//!   [`AnyStore`](store::AnyStore), whichever a deployment configured.
//! * [`record`]: what is kept per credential — an id, its status entry, a pseudonymous subject
//!   handle and the kinds of fact it depends on; no personal data.
//! * [`status_lists`]: the stored Token Status Lists, random entry assignment, versions.
//! * [`publication`]: status lists signed whole as `statuslist+jwt` (herd privacy), re-signed
//!   when their version moves.
//! * [`revocation`]: revoke / suspend / resume with a reason, audited.
//! * [`challenge`]: single-use nonces with an expiry.
//! * [`anchor`]: binding a wallet's holder key to a My Number card — a challenge, the card's
//!   authentication signature checked through `myna-jpki`, a person handle that survives
//!   card renewal, and an anchor credential without personal data.
//! * [`cascade`]: importing a CRL — renewed certificates keep their person, moving house
//!   revokes residence credentials, a lost or renewed card revokes its anchors.
//! * [`audit`]: the append-only, hash-chained audit log.
//! * [`endpoint`]: the protocol endpoints without HTTP (sans-I/O) — offers, token, nonce,
//!   credential, card anchoring, self-service pseudonym and refresh offers: typed requests
//!   and the time in, typed responses or OAuth error codes out. What the HTTP service adapts
//!   and what tests and demos call in-process.
//! * `service` (feature `service`): the issuer as an HTTP service (an axum adapter over
//!   [`endpoint`]) — OpenID4VCI, publication,
//!   consent registry, admin API, batch offers — run by `myna issuer serve`.
//! * [`Error`]: the crate's one error type.
#![forbid(unsafe_code)]

pub mod anchor;
mod anchor_rejection;
pub mod audit;
pub mod cascade;
pub mod challenge;
pub mod cohort;
pub mod credential_types;
pub mod endpoint;
mod error;
pub mod escrow;
mod fact;
mod fact_rejection;
mod identifier;
pub mod issuance;
pub mod lapse;
pub mod pseudonym;
pub mod publication;
pub mod record;
pub mod revocation;
#[cfg(feature = "service")]
pub mod service;
mod status_change;
pub mod status_lists;
pub mod store;
mod tables;

pub use error::{AnchorRejection, ChallengeRejection, Error, FactRejection, Result, StorageError};
pub use identifier::IdentifierError;
pub use myna_vc_core as core;
