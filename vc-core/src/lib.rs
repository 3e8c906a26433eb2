//! # myna-vc-core
//!
//! The formats and rules everything else in myna-vc stands on: JOSE, DIDs, SD-JWT (RFC 9901),
//! SD-JWT VC and the IETF Token Status List. It does no I/O and starts no runtime: verification
//! takes bytes, an instant, keys and cached status lists and returns a decision or a typed
//! [`Error`]. It builds for `wasm32-unknown-unknown` with the pure-Rust crypto provider.
//!
//! ## A short tour
//!
//! * [`crypto`]: the [`CryptoProvider`](crypto::CryptoProvider) trait (rustls-style) with a
//!   pure-Rust and a native (AWS-LC or *ring*) implementation; keys and the [`Signer`](crypto::Signer) trait.
//! * [`jwk`], [`jws`], [`jwt`]: JSON Web Keys with RFC 7638 thumbprints, compact JWS with strict
//!   header rules, JWT time claims against an injected [`time::NumericDate`].
//! * [`jwe`]: compact JWE with ECDH-ES on P-256 and A128GCM/A256GCM, the encryption of
//!   OpenID4VP responses (`direct_post.jwt`, `dc_api.jwt`).
//! * [`x509`]: certificate chains from `x5c` (leaf hash, DNS names, P-256 key) and their path
//!   validation to trust anchors at an injected instant, for signed Digital Credentials API requests.
//! * [`did`]: did:key, did:jwk and did:web (through a fetcher trait with an offline cache).
//! * [`sdjwt`]: SD-JWT issuance, presentation and verification with Key Binding.
//! * [`sdjwt_vc`]: the `dc+sd-jwt` profile and typed credential-type declarations.
//! * [`oid4vci`]: OpenID4VCI 1.0 messages for the pre-authorized-code flow (issuer metadata,
//!   credential offers, token, nonce and credential requests and responses) and key proof JWTs.
//! * [`dcql`]: the Digital Credentials Query Language — parsing with every structural rule
//!   checked, choosing credentials and claims in the wallet, checking presentations at the verifier.
//! * [`oid4vp`]: OpenID4VP 1.0 Authorization Requests (URL, by reference, signed Request
//!   Object), `direct_post` and encrypted `direct_post.jwt` responses with the VP Token, error
//!   responses, and requests and responses over the Digital Credentials API
//!   ([`oid4vp::dc_api`], unsigned or signed with an X.509 chain).
//! * [`compact`]: the compact in-person presentation for a QR code (`MV1:` + base45 of a
//!   deflated binary packing) and how it is bound without a request (verifier nonce, gate nonce).
//! * [`status_list`]: Token Status Lists (1, 2, 4, 8 bits), their JWTs and the `status` claim.
//! * [`trust_list`]: the signed list of trusted issuers (keys, municipality, allowed `vct`s) a
//!   verifier pins to an authority key and consults offline.
//! * [`trust_entry`]: an issuer's own entry for that list, signed with the key it lists (proof
//!   of possession), which the authority verifies before it signs the list.
//! * [`consent`]: dynamic opt-in — holder-signed consent records, their status on a 2-bit
//!   status list (active, withdrawn, paused, used), holder status changes, recipient use
//!   reports and registry receipts.
//! * `sealed` (feature `sealed`): data sealed under a passphrase (Argon2id, ChaCha20-Poly1305),
//!   shared by the wallet at rest and the escrow trustees' key files.
//! * Japanese domain rules: [`calendar`] days (JST decides the day), [`age`] under 年齢計算ニ関スル
//!   法律 with `age_over_NN` claims, compulsory [`school_year`] age (小中学生, by school year),
//!   child medical [`subsidy`] periods, [`public_expense`] payer and recipient numbers, and
//!   [`municipality`] codes, prefectures and certified addresses.
//!
//! Every parser refuses input over 1 MiB ([`json::MAX_INPUT_BYTES`]) and JSON nested deeper
//! than [`json::MAX_DEPTH`], with a typed error rather than a panic.
//!
//! Errors: one [`Error`] with a variant per area ([`JoseError`], [`SdJwtError`],
//! [`StatusListError`], [`DcqlError`], [`ConsentError`], …); each says what went wrong and
//! why, and [`Error::code`] gives it a stable code from the table on [`Error`].
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod age;
pub mod b64;
pub mod ballot;
pub mod calendar;
pub mod claim_path;
pub mod compact;
pub mod consent;
pub mod crypto;
pub mod dcql;
mod deflate;
pub mod did;
mod digit_code;
mod error;
pub mod json;
#[cfg(feature = "schema-lite")]
pub mod json_schema;
pub mod jwe;
pub mod jwk;
pub mod jws;
pub mod jwt;
pub mod markup;
pub mod municipality;
pub mod oid4vci;
pub mod oid4vp;
pub mod passphrase;
pub mod public_expense;
pub mod school_year;
pub mod sdjwt;
pub mod sdjwt_vc;
#[cfg(feature = "sealed")]
pub mod sealed;
pub mod status_list;
pub mod subsidy;
pub mod time;
pub mod trust_entry;
pub mod trust_list;
pub mod x509;

pub use error::{
    CalendarError, ClaimPathError, CompactError, ConsentError, DcqlError, DidError, Error,
    InputError, JoseError, JweError, JwtError, MunicipalError, Oid4vciError, Oid4vpError, Result,
    SdJwtError, SdJwtVcError, StatusListError, TrustListError,
};

/// The repository README's Rust snippets, compiled as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
