//! Checking a credential on receipt, before it is stored: the issuer's signature with a key
//! from a trust list (or one pinned issuer key), the issuer's right to issue that type, the
//! binding to the holder key the wallet asked for, the credential's status in its Token
//! Status List, and the claims against the type's declaration (JSON Schema) — by default the
//! declarations of `myna-vocabulary`, so every credential is checked against its type's schema
//! unless the caller says otherwise ([`ReceiptCheck::without_type_checks`]).
//!
//! ```
//! use myna_wallet::receipt::{IssuerKeys, PinnedIssuer};
//! use myna_vc_core::{crypto::SecretKey, sdjwt_vc::Vct, time::NumericDate};
//! let key = SecretKey::generate_p256()?.public_key();
//! let pinned = PinnedIssuer::new("https://city.example", key.clone());
//! let vct = Vct::parse(myna_vocabulary::vct::AGE)?;
//! assert_eq!(pinned.issuer_key("https://city.example", None, &vct, NumericDate::from_unix(0))?, key);
//! assert!(pinned.issuer_key("https://other.example", None, &vct, NumericDate::from_unix(0)).is_err());
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use std::collections::HashMap;

use myna_vc_core::crypto::{default_provider, PublicKey};
use myna_vc_core::jws::Jws;
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::sdjwt::{KeyBindingRule, SdJwt};
use myna_vc_core::sdjwt_vc::{self, CredentialType, VcVerifyOptions, Vct};
use myna_vc_core::status_list::{Status, StatusListToken, StatusListUri, VerifiedStatusList};
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::VerifiedTrustList;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Claims the issuer sets around the type's own claims (not part of the declaration).
const ENVELOPE_CLAIMS: [&str; 7] = ["iss", "vct", "iat", "exp", "nbf", "cnf", "status"];

/// Which key verifies `iss`'s credentials of type `vct`, and whether `iss` may issue them.
pub trait IssuerKeys {
    /// The key for `iss` (with the credential header's `kid`), if `iss` may issue `vct` at
    /// `now`.
    fn issuer_key(
        &self,
        iss: &str,
        kid: Option<&str>,
        vct: &Vct,
        now: NumericDate,
    ) -> Result<PublicKey>;
}

impl IssuerKeys for VerifiedTrustList {
    fn issuer_key(
        &self,
        iss: &str,
        kid: Option<&str>,
        vct: &Vct,
        now: NumericDate,
    ) -> Result<PublicKey> {
        self.authorize(iss, vct, now)?;
        Ok(VerifiedTrustList::issuer_key(self, iss, kid)?.clone())
    }
}

/// One issuer trusted for every type, with one key (a wallet that talks to its own
/// municipality only, or tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedIssuer {
    iss: String,
    key: PublicKey,
}

impl PinnedIssuer {
    /// Trusts `iss` with `key`.
    pub fn new(iss: &str, key: PublicKey) -> Self {
        PinnedIssuer {
            iss: iss.to_owned(),
            key,
        }
    }
}

impl IssuerKeys for PinnedIssuer {
    fn issuer_key(&self, iss: &str, _: Option<&str>, _: &Vct, _: NumericDate) -> Result<PublicKey> {
        if iss != self.iss {
            return Err(Error::Refused(format!(
                "issuer {} is not the pinned issuer",
                iss.chars().take(64).collect::<String>()
            )));
        }
        Ok(self.key.clone())
    }
}

/// Where the status lists come from (fetched ahead by the caller; nothing here touches the
/// network).
pub trait StatusSource {
    /// The list at `uri`, verified with the issuer's `key` at `now`.
    fn status_list(
        &self,
        uri: &StatusListUri,
        key: &PublicKey,
        now: NumericDate,
    ) -> Result<VerifiedStatusList>;
}

/// Status List Tokens (compact JWTs) by URI, verified when asked for.
#[derive(Debug, Clone, Default)]
pub struct StatusTokens {
    tokens: HashMap<String, String>,
}

impl StatusTokens {
    /// No tokens: any credential with a status is refused (fail closed).
    ///
    /// ```
    /// use myna_wallet::receipt::{StatusSource, StatusTokens};
    /// use myna_vc_core::{crypto::SecretKey, status_list::StatusListUri, time::NumericDate};
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// let key = SecretKey::generate_p256()?.public_key();
    /// assert!(StatusTokens::new().status_list(&uri, &key, NumericDate::from_unix(0)).is_err());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the token for `uri`.
    pub fn with(mut self, uri: &StatusListUri, token: impl Into<String>) -> Self {
        self.tokens.insert(uri.as_str().to_owned(), token.into());
        self
    }
}

impl StatusSource for StatusTokens {
    fn status_list(
        &self,
        uri: &StatusListUri,
        key: &PublicKey,
        now: NumericDate,
    ) -> Result<VerifiedStatusList> {
        let token = self
            .tokens
            .get(uri.as_str())
            .ok_or_else(|| Error::Refused(format!("no status list for {}", uri.as_str())))?;
        Ok(StatusListToken::verify(
            token,
            default_provider(),
            key,
            &TimeRules::at(now),
            uri,
        )?)
    }
}

/// What a received credential is checked against: issuer keys and rights, status lists, and
/// the declarations of the credential types.
///
/// The type check is on by default ([`ReceiptCheck::new`]): every credential must be of a type
/// in `myna-vocabulary` and satisfy its declaration and JSON Schema; a credential of a type
/// the wallet does not know is refused. A wallet that knows other types names them
/// ([`ReceiptCheck::with_types`]); skipping the check is an explicit choice
/// ([`ReceiptCheck::without_type_checks`]).
#[derive(Clone, Copy)]
pub struct ReceiptCheck<'a> {
    issuers: &'a dyn IssuerKeys,
    status: &'a dyn StatusSource,
    types: TypeCheck<'a>,
}

/// Which declarations a received credential's claims are checked against.
#[derive(Clone, Copy)]
enum TypeCheck<'a> {
    /// myna-vc's own types ([`myna_vocabulary::declarations`]).
    Vocabulary,
    /// These declarations only.
    Only(&'a [CredentialType]),
    /// None: the caller chose to store credentials unchecked.
    Skipped,
}

/// What a credential that passed its checks says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// `iss`.
    pub issuer: String,
    /// `vct`.
    pub vct: Vct,
    /// `exp`.
    pub expires_at: Option<NumericDate>,
}

impl<'a> ReceiptCheck<'a> {
    /// Checks against `issuers` and `status`, and every credential against the declaration of
    /// its type in `myna-vocabulary` (claims declared, mandatory claims present, JSON Schema
    /// satisfied); a credential of any other type is refused.
    ///
    /// ```
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_vc_core::crypto::SecretKey;
    /// let key = SecretKey::generate_p256()?.public_key();
    /// let (issuers, status) = (PinnedIssuer::new("https://city.example", key), StatusTokens::new());
    /// let check = ReceiptCheck::new(&issuers, &status);
    /// assert!(check.checks_types());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn new(issuers: &'a dyn IssuerKeys, status: &'a dyn StatusSource) -> Self {
        ReceiptCheck {
            issuers,
            status,
            types: TypeCheck::Vocabulary,
        }
    }

    /// Checks credentials against `types` instead of myna-vc's own declarations (a wallet
    /// that holds other types, or only some); a credential of a type not in `types` is
    /// refused.
    ///
    /// ```
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_vc_core::{crypto::SecretKey, sdjwt_vc::{CredentialType, Vct}};
    /// let key = SecretKey::generate_p256()?.public_key();
    /// let (issuers, status) = (PinnedIssuer::new("https://club.example", key), StatusTokens::new());
    /// let types = [CredentialType::new(Vct::parse("urn:example:club:1")?)];
    /// let check = ReceiptCheck::new(&issuers, &status).with_types(&types);
    /// assert!(check.checks_types());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn with_types(self, types: &'a [CredentialType]) -> Self {
        ReceiptCheck {
            types: TypeCheck::Only(types),
            ..self
        }
    }

    /// Stores credentials without checking their claims against any declaration (signature,
    /// issuer rights, holder binding and status are still checked). Only for a caller that
    /// checks the claims itself, or tests of the other checks.
    ///
    /// ```
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_vc_core::crypto::SecretKey;
    /// let key = SecretKey::generate_p256()?.public_key();
    /// let (issuers, status) = (PinnedIssuer::new("https://city.example", key), StatusTokens::new());
    /// assert!(!ReceiptCheck::new(&issuers, &status).without_type_checks().checks_types());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn without_type_checks(self) -> Self {
        ReceiptCheck {
            types: TypeCheck::Skipped,
            ..self
        }
    }

    /// Whether credentials are checked against declarations of their type.
    ///
    /// ```
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_vc_core::crypto::SecretKey;
    /// let key = SecretKey::generate_p256()?.public_key();
    /// let (issuers, status) = (PinnedIssuer::new("https://city.example", key), StatusTokens::new());
    /// assert!(ReceiptCheck::new(&issuers, &status).checks_types());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn checks_types(&self) -> bool {
        !matches!(self.types, TypeCheck::Skipped)
    }

    /// Checks `compact` (issued with every disclosure) at `now`, bound to `holder_key`.
    ///
    /// ```
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_vc_core::{crypto::SecretKey, time::NumericDate};
    /// let key = SecretKey::generate_p256()?.public_key();
    /// let (issuers, status) = (PinnedIssuer::new("https://city.example", key.clone()), StatusTokens::new());
    /// let check = ReceiptCheck::new(&issuers, &status);
    /// assert!(check.check("not~a~credential", &key, NumericDate::from_unix(0)).is_err());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn check(
        &self,
        compact: &str,
        holder_key: &PublicKey,
        now: NumericDate,
    ) -> Result<Accepted> {
        let parsed = SdJwt::parse(compact)?;
        let jws = Jws::parse(parsed.jwt())?;
        let payload = jws.payload_object("credential payload")?;
        let iss = string_claim(&payload, "iss")?;
        let vct = Vct::parse(string_claim(&payload, "vct")?)?;
        let key = self
            .issuers
            .issuer_key(iss, jws.header().kid.as_deref(), &vct, now)?;
        let options = VcVerifyOptions::at(now, KeyBindingRule::Optional).expect_vct(&vct);
        let verified = sdjwt_vc::verify(compact, default_provider(), &key, &options)?;
        let bound = verified.disclosed().holder_key()?;
        if bound.as_ref() != Some(holder_key) {
            return Err(Error::Refused(
                "the credential is not bound to the holder key the wallet proved".into(),
            ));
        }
        if let Some(reference) = verified.status()? {
            let list = self.status.status_list(&reference.uri, &key, now)?;
            let status = list.status_of(&reference)?;
            if status != Status::VALID {
                return Err(Error::Refused(format!(
                    "its status is {status:?}, not valid"
                )));
            }
        }
        self.check_schema(&vct, verified.claims())?;
        Ok(Accepted {
            issuer: iss.to_owned(),
            vct,
            expires_at: verified
                .claims()
                .get("exp")
                .and_then(NumericDate::from_json),
        })
    }

    fn check_schema(&self, vct: &Vct, claims: &Map<String, Value>) -> Result<()> {
        let types = match self.types {
            TypeCheck::Vocabulary => myna_vocabulary::declarations()?,
            TypeCheck::Only(types) => types,
            TypeCheck::Skipped => return Ok(()),
        };
        // Fail closed: a type the wallet cannot check is not stored.
        let Some(declaration) = types.iter().find(|t| t.vct() == vct) else {
            return Err(Error::Refused(format!(
                "credential type {} is not one this wallet knows; its claims cannot be checked",
                vct.as_str().chars().take(100).collect::<String>()
            )));
        };
        let mut own = claims.clone();
        for name in ENVELOPE_CLAIMS {
            own.remove(name);
        }
        Ok(declaration.check_claims(&own)?)
    }
}

fn string_claim<'c>(claims: &'c Map<String, Value>, name: &'static str) -> Result<&'c str> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .ok_or(Error::Core(myna_vc_core::Error::Jwt(
            myna_vc_core::JwtError::MissingClaim(name),
        )))
}
