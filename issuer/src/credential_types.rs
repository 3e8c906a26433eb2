//! The credential types the issuer issues, as declared by `myna-vocabulary` (the one place
//! their `vct`, claims, disclosure rules and JSON Schemas are written down). This module only
//! re-exports it, so `myna_issuer::credential_types::{declaration, Kind}` keep working.
//!
//! Who may issue which kind is [`Kind::municipal_only`]. Besides the service's configuration
//! and a verifier's trust list, at the library level [`CredentialIssuer`] refuses resident and
//! subsidy credentials without a municipality ([`Error::NotAMunicipality`]); its age credential
//! takes the birth date it is given and does not check who calls it.
//!
//! [`CredentialIssuer`]: crate::issuance::CredentialIssuer
//! [`Error::NotAMunicipality`]: crate::Error::NotAMunicipality
//!
//! ```
//! use myna_issuer::credential_types::{self, Kind};
//! let resident = credential_types::declaration(Kind::Resident)?;
//! assert_eq!(resident.vct().as_str(), "urn:myna-vc:vct:resident:1");
//! let claims = serde_json::json!({"municipality_code": "281000", "prefecture_code": "28",
//!     "name": "神戸　太郎", "address": "兵庫県神戸市中央区加納町６丁目５番１号", "birthdate": "1990-05-01"});
//! resident.check_claims(claims.as_object().unwrap())?;
//! # Ok::<(), myna_issuer::Error>(())
//! ```

pub use myna_vocabulary::{claim, declaration, declarations, schema_text, vct, Kind};
