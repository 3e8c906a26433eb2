//! The Status List Token in JWT form (`typ: statuslist+jwt`, draft §5.1): signing one, and
//! verifying one into a [`VerifiedStatusList`] that answers status look-ups.

use core::num::NonZeroU64;

use serde_json::{Map, Value};

use crate::crypto::{CryptoProvider, PublicKey, Signer};
use crate::error::{Error, JwtError, Result, StatusListError};
use crate::jws::{Jws, JwsHeader};
use crate::jwt::{self, TimeRules};
use crate::time::NumericDate;

use super::list::StatusList;
use super::reference::StatusReference;
use super::status::Status;
use super::uri::StatusListUri;

/// The JWS `typ` of a Status List Token.
///
/// ```
/// assert_eq!(myna_vc_core::status_list::STATUS_LIST_JWT_TYP, "statuslist+jwt");
/// ```
pub const STATUS_LIST_JWT_TYP: &str = "statuslist+jwt";

/// The claims this type interprets; everything else is kept in `other_claims`.
const REGISTERED: [&str; 5] = ["sub", "iat", "exp", "ttl", "status_list"];

/// The claims of a Status List Token.
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::jwt::TimeRules;
/// use myna_vc_core::status_list::{Status, StatusBits, StatusIndex, StatusList, StatusListToken,
///                                 StatusListUri, StatusReference};
/// use myna_vc_core::time::NumericDate;
///
/// // Issuer side: revoke entry 5 and publish.
/// let uri = StatusListUri::new("https://city.example/statuslists/1")?;
/// let mut list = StatusList::new(StatusBits::One, 1024)?;
/// list.set(StatusIndex::new(5), Status::INVALID)?;
/// let key = SecretKey::generate_p256()?;
/// let signer = default_provider().signer(&key)?;
/// let jwt = StatusListToken::new(uri.clone(), NumericDate::from_unix(1_700_000_000), list)
///     .with_expiry(NumericDate::from_unix(1_700_086_400))
///     .sign(&*signer, Some("status-key-1"))?;
///
/// // Verifier side: the credential says `{"status_list": {"idx": 5, "uri": …}}`.
/// let reference = StatusReference::new(StatusIndex::new(5), uri.clone());
/// let rules = TimeRules::at(NumericDate::from_unix(1_700_000_100));
/// let verified = StatusListToken::verify(&jwt, default_provider(), &key.public_key(),
///                                        &rules, &reference.uri)?;
/// assert_eq!(verified.status_of(&reference)?, Status::INVALID);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StatusListToken {
    /// `sub`: the URI of this Status List Token.
    pub uri: StatusListUri,
    /// `iat`.
    pub issued_at: NumericDate,
    /// `exp`, recommended.
    pub expires_at: Option<NumericDate>,
    /// `ttl`: how long, in seconds, a consumer may cache the token; recommended.
    pub ttl: Option<NonZeroU64>,
    /// `status_list`.
    pub list: StatusList,
    /// Every other claim (`iss`, …), untouched.
    pub other_claims: Map<String, Value>,
}

impl StatusListToken {
    /// The claims for `list` published at `uri`, issued at `issued_at`, without `exp` or `ttl`.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList, StatusListToken, StatusListUri};
    /// use myna_vc_core::time::NumericDate;
    /// let token = StatusListToken::new(StatusListUri::new("https://city.example/s/1")?,
    ///                                  NumericDate::from_unix(1_700_000_000),
    ///                                  StatusList::new(StatusBits::One, 8)?);
    /// assert_eq!(token.expires_at, None);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn new(uri: StatusListUri, issued_at: NumericDate, list: StatusList) -> Self {
        StatusListToken {
            uri,
            issued_at,
            expires_at: None,
            ttl: None,
            list,
            other_claims: Map::new(),
        }
    }

    /// Sets `exp`.
    ///
    /// ```
    /// # use myna_vc_core::status_list::{StatusBits, StatusList, StatusListToken, StatusListUri};
    /// # use myna_vc_core::time::NumericDate;
    /// # let token = StatusListToken::new(StatusListUri::new("https://city.example/s/1")?,
    /// #     NumericDate::from_unix(1_700_000_000), StatusList::new(StatusBits::One, 8)?);
    /// let token = token.with_expiry(NumericDate::from_unix(1_700_086_400));
    /// assert_eq!(token.to_claims()?["exp"], 1_700_086_400);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn with_expiry(mut self, exp: NumericDate) -> Self {
        self.expires_at = Some(exp);
        self
    }

    /// Sets `ttl` in seconds (the draft requires a positive number, hence `NonZeroU64`).
    ///
    /// ```
    /// # use myna_vc_core::status_list::{StatusBits, StatusList, StatusListToken, StatusListUri};
    /// # use myna_vc_core::time::NumericDate;
    /// # let token = StatusListToken::new(StatusListUri::new("https://city.example/s/1")?,
    /// #     NumericDate::from_unix(1_700_000_000), StatusList::new(StatusBits::One, 8)?);
    /// let token = token.with_ttl(core::num::NonZeroU64::new(43_200).unwrap());
    /// assert_eq!(token.to_claims()?["ttl"], 43_200);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn with_ttl(mut self, seconds: NonZeroU64) -> Self {
        self.ttl = Some(seconds);
        self
    }

    /// Adds another claim (such as `iss`). The claims this type owns (`sub`, `iat`, `exp`,
    /// `ttl`, `status_list`) cannot be overridden this way.
    ///
    /// ```
    /// # use myna_vc_core::status_list::{StatusBits, StatusList, StatusListToken, StatusListUri};
    /// # use myna_vc_core::time::NumericDate;
    /// # let token = StatusListToken::new(StatusListUri::new("https://city.example/s/1")?,
    /// #     NumericDate::from_unix(1_700_000_000), StatusList::new(StatusBits::One, 8)?);
    /// let token = token.with_claim("iss", "https://city.example".into())
    ///                  .with_claim("sub", "https://elsewhere.example".into());
    /// let claims = token.to_claims()?;
    /// assert_eq!(claims["iss"], "https://city.example");
    /// assert_eq!(claims["sub"], "https://city.example/s/1");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn with_claim(mut self, name: impl Into<String>, value: Value) -> Self {
        self.other_claims.insert(name.into(), value);
        self
    }

    /// The JWT claim set (this compresses the list).
    ///
    /// ```
    /// # use myna_vc_core::status_list::{StatusBits, StatusList, StatusListToken, StatusListUri};
    /// # use myna_vc_core::time::NumericDate;
    /// let token = StatusListToken::new(StatusListUri::new("https://city.example/s/1")?,
    ///     NumericDate::from_unix(1_700_000_000), StatusList::new(StatusBits::One, 8)?);
    /// let claims = token.to_claims()?;
    /// assert_eq!(claims["sub"], "https://city.example/s/1");
    /// assert_eq!(claims["iat"], 1_700_000_000);
    /// assert_eq!(claims["status_list"]["bits"], 1);
    /// assert_eq!(StatusListToken::from_claims(&claims)?, token);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_claims(&self) -> Result<Map<String, Value>> {
        let mut claims = self.other_claims.clone();
        for name in REGISTERED {
            claims.remove(name);
        }
        claims.insert("sub".into(), Value::String(self.uri.as_str().into()));
        claims.insert("iat".into(), Value::from(self.issued_at.as_unix()));
        if let Some(exp) = self.expires_at {
            claims.insert("exp".into(), Value::from(exp.as_unix()));
        }
        if let Some(ttl) = self.ttl {
            claims.insert("ttl".into(), Value::from(ttl.get()));
        }
        claims.insert("status_list".into(), Value::Object(self.list.to_json()?));
        Ok(claims)
    }

    /// Reads the claims of a Status List Token. This checks presence and types only; the time
    /// rules and the signature are [`StatusListToken::verify`]'s business.
    ///
    /// A missing `sub`, `iat` or `status_list` is [`JwtError::MissingClaim`]; a `sub` that is not a
    /// URI, a non-numeric date or a `ttl` that is not a positive integer is
    /// [`JwtError::InvalidClaim`]; a bad `status_list` gets the errors of
    /// [`StatusList::from_json`].
    ///
    /// ```
    /// use myna_vc_core::{status_list::StatusListToken, Error};
    /// let claims = serde_json::json!({"sub": "https://example.com/statuslists/1",
    ///                                 "status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}});
    /// assert_eq!(StatusListToken::from_claims(claims.as_object().unwrap()),
    ///            Err(Error::Jwt(myna_vc_core::JwtError::MissingClaim("iat"))));
    /// ```
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Self> {
        let uri = match claims.get("sub") {
            None => return Err(Error::Jwt(JwtError::MissingClaim("sub"))),
            Some(Value::String(sub)) => {
                StatusListUri::new(sub.as_str()).map_err(|e| invalid("sub", e.to_string()))?
            }
            Some(_) => return Err(invalid("sub", "must be a string")),
        };
        let issued_at =
            jwt::date_claim(claims, "iat")?.ok_or(Error::Jwt(JwtError::MissingClaim("iat")))?;
        let expires_at = jwt::date_claim(claims, "exp")?;
        let ttl = claims
            .get("ttl")
            .map(|v| {
                v.as_u64()
                    .and_then(NonZeroU64::new)
                    .ok_or_else(|| invalid("ttl", "must be a positive integer number of seconds"))
            })
            .transpose()?;
        let list = StatusList::from_json(
            claims
                .get("status_list")
                .ok_or(Error::Jwt(JwtError::MissingClaim("status_list")))?,
        )?;
        let mut other_claims = claims.clone();
        for name in REGISTERED {
            other_claims.remove(name);
        }
        Ok(StatusListToken {
            uri,
            issued_at,
            expires_at,
            ttl,
            list,
            other_claims,
        })
    }

    /// Signs the token with `typ: statuslist+jwt` and, if given, `kid`.
    ///
    /// See the [type's example](StatusListToken) for the whole round trip.
    pub fn sign(&self, signer: &dyn Signer, kid: Option<&str>) -> Result<String> {
        let header = JwsHeader::new(signer.algorithm());
        let header = match kid {
            Some(kid) => header.with_kid(kid),
            None => header,
        };
        self.sign_with_header(header, signer)
    }

    /// Signs with a header of the caller's (for `x5c`, say); `typ` is always set to
    /// `statuslist+jwt` and `alg` to the signer's.
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, jws::{Jws, JwsHeader}};
    /// # use myna_vc_core::status_list::{StatusBits, StatusList, StatusListToken, StatusListUri};
    /// # use myna_vc_core::time::NumericDate;
    /// # let token = StatusListToken::new(StatusListUri::new("https://city.example/s/1")?,
    /// #     NumericDate::from_unix(1_700_000_000), StatusList::new(StatusBits::One, 8)?);
    /// let key = SecretKey::generate_ed25519()?;
    /// let signer = default_provider().signer(&key)?;
    /// let header = JwsHeader::new(signer.algorithm()).with_typ("jwt").with_kid("k1");
    /// let jwt = token.sign_with_header(header, &*signer)?;
    /// assert_eq!(Jws::parse(&jwt)?.header().typ.as_deref(), Some("statuslist+jwt"));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn sign_with_header(&self, header: JwsHeader, signer: &dyn Signer) -> Result<String> {
        let header = header.with_typ(STATUS_LIST_JWT_TYP);
        jwt::sign(&header, &self.to_claims()?, signer)
    }

    /// Verifies a Status List Token in JWT form for the list at `expected_uri`, in this order:
    /// the JWS header rules; `typ` ([`JwtError::WrongType`]); the signature with `key`
    /// ([`JoseError::SignatureInvalid`](crate::JoseError::SignatureInvalid), [`JoseError::AlgorithmKeyMismatch`](crate::JoseError::AlgorithmKeyMismatch)); the claims as in
    /// [`StatusListToken::from_claims`]; `iat`/`nbf`/`exp` under `rules` ([`JwtError::Expired`],
    /// …); and `sub` equal to `expected_uri` ([`StatusListError::UriMismatch`]).
    ///
    /// `typ` is compared as a media type (RFC 7515 §4.1.9): `statuslist+jwt` and
    /// `application/statuslist+jwt` are the same, in any letter case.
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, jwt::TimeRules, Error};
    /// use myna_vc_core::status_list::{StatusBits, StatusList, StatusListToken, StatusListUri};
    /// use myna_vc_core::time::NumericDate;
    /// let key = SecretKey::generate_p256()?;
    /// let signer = default_provider().signer(&key)?;
    /// let uri = StatusListUri::new("https://city.example/s/1")?;
    /// let jwt = StatusListToken::new(uri, NumericDate::from_unix(1_000),
    ///                                StatusList::new(StatusBits::One, 8)?)
    ///     .sign(&*signer, None)?;
    /// let other = StatusListUri::new("https://city.example/s/2")?;
    /// let rules = TimeRules::at(NumericDate::from_unix(2_000));
    /// let err = StatusListToken::verify(&jwt, default_provider(), &key.public_key(), &rules, &other)
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::StatusList(myna_vc_core::StatusListError::UriMismatch { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn verify(
        compact: &str,
        provider: &dyn CryptoProvider,
        key: &PublicKey,
        rules: &TimeRules,
        expected_uri: &StatusListUri,
    ) -> Result<VerifiedStatusList> {
        let jws = Jws::parse(compact)?;
        check_typ(jws.header())?;
        jws.verify(provider, key)?;
        let claims = jws.payload_object("JWT claims")?;
        let token = Self::from_claims(&claims)?;
        rules.check(&claims)?;
        check_uri_match(expected_uri, &token.uri)?;
        Ok(VerifiedStatusList {
            header: jws.header().clone(),
            token,
        })
    }
}

/// A Status List Token whose signature, type, claims, time and subject have been checked; only
/// [`StatusListToken::verify`] makes one.
///
/// ```
/// use myna_vc_core::{crypto::{default_provider, SecretKey}, jwt::TimeRules, Error};
/// use myna_vc_core::status_list::{Status, StatusBits, StatusIndex, StatusList, StatusListToken,
///                                 StatusListUri, StatusReference};
/// use myna_vc_core::time::NumericDate;
/// let key = SecretKey::generate_ed25519()?;
/// let signer = default_provider().signer(&key)?;
/// let uri = StatusListUri::new("https://city.example/s/1")?;
/// let mut list = StatusList::new(StatusBits::Two, 16)?;
/// list.set(StatusIndex::new(9), Status::SUSPENDED)?;
/// let jwt = StatusListToken::new(uri.clone(), NumericDate::from_unix(1_000), list)
///     .sign(&*signer, Some("k1"))?;
///
/// let rules = TimeRules::at(NumericDate::from_unix(1_010));
/// let verified = StatusListToken::verify(&jwt, default_provider(), &key.public_key(), &rules, &uri)?;
/// assert_eq!(verified.header().kid.as_deref(), Some("k1"));
/// assert_eq!(verified.token().issued_at, NumericDate::from_unix(1_000));
/// assert_eq!(verified.list().len(), 16);
/// let status = |i| verified.status_of(&StatusReference::new(StatusIndex::new(i), uri.clone()));
/// assert_eq!(status(9)?, Status::SUSPENDED);
/// assert_eq!(status(8)?, Status::VALID);
/// assert!(matches!(status(16), Err(Error::StatusList(myna_vc_core::StatusListError::IndexOutOfRange { .. }))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct VerifiedStatusList {
    header: JwsHeader,
    token: StatusListToken,
}

impl VerifiedStatusList {
    /// The checked JWS header (for `kid`, `x5c`). See the [type's example](VerifiedStatusList).
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The checked claims. See the [type's example](VerifiedStatusList).
    pub fn token(&self) -> &StatusListToken {
        &self.token
    }

    /// The Status List. See the [type's example](VerifiedStatusList).
    pub fn list(&self) -> &StatusList {
        &self.token.list
    }

    /// The status of the Referenced Token that carries `reference`. A `reference.uri` other
    /// than this token's `sub` is [`StatusListError::UriMismatch`], and an index past the end
    /// is [`StatusListError::IndexOutOfRange`]: in both cases no statement can be made and the
    /// draft says to reject the Referenced Token.
    ///
    /// See the [type's example](VerifiedStatusList).
    pub fn status_of(&self, reference: &StatusReference) -> Result<Status> {
        check_uri_match(&reference.uri, &self.token.uri)?;
        self.token.list.get(reference.index)
    }
}

fn check_typ(header: &JwsHeader) -> Result<()> {
    let typ = header.typ.as_deref().unwrap_or("");
    let media_type = typ
        .get(..12)
        .filter(|p| p.eq_ignore_ascii_case("application/"));
    let subtype = media_type.and_then(|_| typ.get(12..)).unwrap_or(typ);
    if subtype.eq_ignore_ascii_case(STATUS_LIST_JWT_TYP) {
        return Ok(());
    }
    Err(Error::Jwt(JwtError::WrongType {
        expected: STATUS_LIST_JWT_TYP.to_owned(),
        found: typ.chars().take(64).collect(),
    }))
}

fn check_uri_match(expected: &StatusListUri, found: &StatusListUri) -> Result<()> {
    if expected == found {
        return Ok(());
    }
    Err(Error::StatusList(StatusListError::UriMismatch {
        expected: expected.as_str().into(),
        found: found.as_str().into(),
    }))
}

fn invalid(claim: &'static str, detail: impl Into<String>) -> Error {
    Error::Jwt(JwtError::InvalidClaim {
        claim,
        detail: detail.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(typ: Option<&str>) -> JwsHeader {
        let header = JwsHeader::new(crate::crypto::Algorithm::Es256);
        match typ {
            Some(typ) => header.with_typ(typ),
            None => header,
        }
    }

    #[test]
    fn typ_is_compared_as_a_media_type() {
        for ok in [
            "statuslist+jwt",
            "application/statuslist+jwt",
            "StatusList+JWT",
        ] {
            assert_eq!(check_typ(&header(Some(ok))), Ok(()), "{ok}");
        }
        for bad in [
            "jwt",
            "application/jwt",
            "statuslist+cwt",
            "application/",
            "x/statuslist+jwt",
        ] {
            assert!(
                matches!(
                    check_typ(&header(Some(bad))),
                    Err(Error::Jwt(JwtError::WrongType { .. }))
                ),
                "{bad}"
            );
        }
        assert_eq!(
            check_typ(&header(None)),
            Err(Error::Jwt(JwtError::WrongType {
                expected: STATUS_LIST_JWT_TYP.to_owned(),
                found: String::new()
            }))
        );
    }
}
