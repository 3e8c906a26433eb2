//! OpenID for Verifiable Credential Issuance 1.0: the messages of the pre-authorized-code flow
//! with SD-JWT VC (`dc+sd-jwt`), and the `jwt` key proof.
//!
//! Sans-I/O: the issuer's HTTP server and the wallet's client parse and serialize exactly these
//! types; nothing here opens a socket or reads a clock. The flow, and where each type sits:
//!
//! 1. The issuer publishes [`CredentialIssuerMetadata`] at [`WELL_KNOWN_ISSUER_PATH`].
//! 2. It hands the wallet a [`CredentialOffer`] with a pre-authorized code, usually as an
//!    [`OfferLink`] (`openid-credential-offer://?credential_offer=…`) in a QR code.
//! 3. The wallet redeems the code with a form-encoded [`TokenRequest`] and gets a
//!    [`TokenResponse`].
//! 4. It fetches a [`NonceResponse`], signs one key proof per holder key with
//!    [`build_key_proof`], and sends a [`CredentialRequest`].
//! 5. The issuer checks the proofs with [`verify_key_proofs`] (distinct keys, right audience,
//!    right nonce, fresh) and answers with a [`CredentialResponse`] or an [`ErrorResponse`].
//!
//! Every JSON message implements [`Message`]: parsing goes through the guarded
//! [`crate::json`] parser (1 MiB, depth 64) and then checks the rules serde cannot express
//! (non-empty arrays, mutually exclusive members). Unknown members are kept in `other` so that a
//! message round-trips unchanged.
//!
//! ```
//! use myna_vc_core::oid4vci::{CredentialOffer, Message, OfferLink};
//! let offer = CredentialOffer::from_json(br#"{
//!   "credential_issuer": "https://city.example",
//!   "credential_configuration_ids": ["resident"],
//!   "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code":
//!              {"pre-authorized_code": "c0de", "tx_code": {"length": 4}}}
//! }"#)?;
//! let url = OfferLink::ByValue(Box::new(offer.clone())).to_url()?;
//! assert!(url.starts_with("openid-credential-offer://?credential_offer=%7B"));
//! assert_eq!(OfferLink::parse(&url)?, OfferLink::ByValue(Box::new(offer)));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

mod credential;
pub(crate) mod error_response;
pub(crate) mod form;
mod issuer_id;
mod metadata;
mod offer;
mod proof;
mod token;

pub use credential::{
    CNonce, CredentialRequest, CredentialResponse, IssuedCredential, NonceResponse, Proofs,
};
pub use error_response::{ErrorCode, ErrorResponse};
pub use issuer_id::IssuerId;
pub use metadata::{
    BatchCredentialIssuance, CredentialConfiguration, CredentialIssuerMetadata, ProofTypeMetadata,
    SD_JWT_VC_FORMAT,
};
pub use offer::{
    CredentialOffer, Grants, InputMode, OfferLink, PreAuthorizedCode, PreAuthorizedCodeGrant,
    TxCode, OFFER_SCHEME,
};
pub use proof::{
    build_key_proof, verify_key_proof, verify_key_proofs, ProofRules, DEFAULT_PROOF_MAX_AGE_SECS,
    PROOF_JWT_TYP,
};
pub use token::{AccessToken, AuthorizationDetail, TokenRequest, TokenResponse, TxCodeValue};

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::json;

/// Where an issuer publishes its metadata, relative to its identifier.
pub const WELL_KNOWN_ISSUER_PATH: &str = "/.well-known/openid-credential-issuer";

/// The grant type of the Pre-Authorized Code Flow.
pub const PRE_AUTHORIZED_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// A JSON message of the protocol: parsed through the guarded JSON parser, then checked.
///
/// ```
/// use myna_vc_core::{oid4vci::{Message, NonceResponse}, Error};
/// let nonce = NonceResponse::from_json(br#"{"c_nonce": "wKI4LT17ac15ES9bw8ac4"}"#)?;
/// assert_eq!(nonce.c_nonce.as_str(), "wKI4LT17ac15ES9bw8ac4");
/// assert_eq!(NonceResponse::from_json(&nonce.to_json()?.into_bytes())?, nonce);
/// assert!(matches!(NonceResponse::from_json(b"[]"), Err(Error::Input(myna_vc_core::InputError::Json { .. }))));
/// # Ok::<(), Error>(())
/// ```
pub trait Message: Serialize + DeserializeOwned {
    /// What the message is called in errors.
    const WHAT: &'static str;

    /// Rules the serde shape cannot express; run after every parse.
    fn check(&self) -> Result<()> {
        Ok(())
    }

    /// Parses the message from JSON bytes (at most 1 MiB, nested at most 64 deep).
    fn from_json(bytes: &[u8]) -> Result<Self> {
        let object = json::parse_object(bytes, Self::WHAT)?;
        let message: Self = serde_json::from_value(Value::Object(object))
            .map_err(|e| Error::json(Self::WHAT, &e))?;
        message.check()?;
        Ok(message)
    }

    /// Serializes the message as compact JSON, after checking it as a parse would.
    fn to_json(&self) -> Result<String> {
        self.check()?;
        serde_json::to_string(self).map_err(|e| Error::json(Self::WHAT, &e))
    }
}

/// Refuses an empty array member: the spec makes each of these "a non-empty array".
fn require_non_empty<T>(items: &[T], what: &'static str, member: &str) -> Result<()> {
    if items.is_empty() {
        return Err(Error::member_type(what, member, "a non-empty array"));
    }
    Ok(())
}

/// At most 32 characters of an untrusted name, for error messages.
fn shorten(text: &str) -> String {
    text.chars().take(32).collect()
}
