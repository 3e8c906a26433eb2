//! # myna-vocabulary
//!
//! The one place myna-vc's credential vocabulary is written down: the credential types, their
//! `vct`, their claim names, which claims are always in the clear, selectively disclosable or
//! mandatory, and the JSON Schema of their claims. The issuer issues by it, the wallets check
//! every received credential against it, the verifier's policies ask by its names. The
//! human documentation of each type is `specs/credential-types/<name>.md` in the repository;
//! a test of this crate proves the pages and the declarations agree.
//!
//! It depends on `myna-vc-core` only (for [`CredentialType`](myna_vc_core::sdjwt_vc::CredentialType)).
//! Checking claims against the schemas needs `myna-vc-core`'s `schema` feature, which the
//! checking crate (the wallet, the issuer) turns on.
//!
//! ## A short tour
//!
//! * [`Kind`]: the seven credential types, with their `vct`, short name and who may issue them.
//! * [`vct`]: the `vct` constants.
//! * [`claim_label`] and [`Kind::title_ja`] / [`Kind::title_en`]: what a wallet shows, in
//!   Japanese and English.
//! * [`claim`]: the claim-name constants, one module per type.
//! * [`messages`]: the six-language message catalogue (decision reasons, the wallet's and the
//!   counter's words): [`messages::Lang`], [`messages::reason_text`], [`messages::Section`].
//! * [`declaration()`] / [`declarations()`]: a type's declaration with its JSON Schema
//!   attached (`schemas/<name>.schema.json`, compiled in); [`schema_text`] the schema itself.
//!
//! ```
//! use myna_vocabulary::{claim, declaration, vct, Kind};
//! let age = declaration(Kind::from_vct(vct::AGE).unwrap())?;
//! let claims = serde_json::json!({"birthdate": "2000-01-01", "age_over_18": true,
//!     "age_over_20": true, "age_over_65": false});
//! assert!(age.check_claims(claims.as_object().unwrap()).is_ok());
//! assert_eq!(claim::age::AGE_OVER_20, "age_over_20");
//! # Ok::<(), myna_vc_core::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod claim;
mod declaration;
mod kind;
mod labels;
pub mod messages;
pub mod vct;

pub use declaration::{declaration, declarations, schema_text};
pub use kind::Kind;
pub use labels::{claim_label, ClaimLabel};
