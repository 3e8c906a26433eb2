//! JWT claims (RFC 7519): signing a claim set, and verifying one with its time rules against an
//! injected instant.
//!
//! ```
//! use myna_vc_core::{crypto::{default_provider, SecretKey}, jws::JwsHeader, jwt::{self, TimeRules}};
//! use myna_vc_core::time::NumericDate;
//! let key = SecretKey::generate_p256()?;
//! let signer = default_provider().signer(&key)?;
//! let claims = serde_json::json!({"iss": "https://city.example", "iat": 1000, "exp": 2000});
//! let token = jwt::sign(&JwsHeader::new(signer.algorithm()), claims.as_object().unwrap(), &*signer)?;
//!
//! let at = |t| TimeRules::at(NumericDate::from_unix(t));
//! let verified = jwt::verify(&token, default_provider(), &key.public_key(), &at(1500))?;
//! assert_eq!(verified.claims["iss"], "https://city.example");
//! assert!(matches!(jwt::verify(&token, default_provider(), &key.public_key(), &at(2100)),
//!                  Err(myna_vc_core::Error::Jwt(myna_vc_core::JwtError::Expired { .. }))));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use serde_json::{Map, Value};

use crate::crypto::{CryptoProvider, PublicKey, Signer};
use crate::error::{Error, JwtError, Result};
use crate::jws::{self, Jws, JwsHeader};
use crate::time::NumericDate;

/// The default clock-skew allowance: 60 seconds.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;

/// How `iat`, `nbf` and `exp` are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRules {
    /// The verification instant.
    pub now: NumericDate,
    /// Allowed clock skew, in seconds, in either direction.
    pub leeway_secs: u64,
    /// Whether a token without `exp` is refused.
    pub require_exp: bool,
}

impl TimeRules {
    /// The rules at `now` with the default leeway, `exp` optional.
    pub fn at(now: NumericDate) -> Self {
        TimeRules {
            now,
            leeway_secs: DEFAULT_LEEWAY_SECS,
            require_exp: false,
        }
    }

    /// Checks `iat`, `nbf` and `exp` of `claims`.
    ///
    /// ```
    /// use myna_vc_core::{jwt::TimeRules, time::NumericDate, Error};
    /// let claims = serde_json::json!({"nbf": 100});
    /// let rules = TimeRules { leeway_secs: 0, ..TimeRules::at(NumericDate::from_unix(99)) };
    /// assert!(matches!(rules.check(claims.as_object().unwrap()), Err(Error::Jwt(myna_vc_core::JwtError::NotYetValid { .. }))));
    /// ```
    pub fn check(&self, claims: &Map<String, Value>) -> Result<()> {
        let now = self.now;
        if let Some(iat) = date_claim(claims, "iat")? {
            if iat > now.plus_seconds(self.leeway_secs) {
                return Err(Error::Jwt(JwtError::IssuedInFuture { iat, now }));
            }
        }
        if let Some(nbf) = date_claim(claims, "nbf")? {
            if nbf > now.plus_seconds(self.leeway_secs) {
                return Err(Error::Jwt(JwtError::NotYetValid { nbf, now }));
            }
        }
        match date_claim(claims, "exp")? {
            Some(exp) if exp <= now.minus_seconds(self.leeway_secs) => {
                Err(Error::Jwt(JwtError::Expired { exp, now }))
            }
            None if self.require_exp => Err(Error::Jwt(JwtError::MissingClaim("exp"))),
            _ => Ok(()),
        }
    }
}

/// Reads a NumericDate claim; a present claim that is not a number is an error — JSON `null`
/// included. (Only the KB-JWT's `exp` and `nbf` read `null` as absent, for interoperability
/// with SpruceID `ssi`; see [`crate::sdjwt`].)
///
/// ```
/// use myna_vc_core::{jwt::date_claim, Error};
/// let claims = serde_json::json!({"iat": 1000, "exp": null});
/// let claims = claims.as_object().unwrap();
/// assert_eq!(date_claim(claims, "iat")?.map(|t| t.as_unix()), Some(1000));
/// assert_eq!(date_claim(claims, "nbf")?, None);
/// assert!(matches!(date_claim(claims, "exp"), Err(Error::Jwt(myna_vc_core::JwtError::InvalidClaim { claim: "exp", .. }))));
/// # Ok::<(), Error>(())
/// ```
pub fn date_claim(claims: &Map<String, Value>, name: &'static str) -> Result<Option<NumericDate>> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => NumericDate::from_json(v).map(Some).ok_or_else(|| {
            Error::Jwt(JwtError::InvalidClaim {
                claim: name,
                detail: "must be a NumericDate".into(),
            })
        }),
    }
}

/// A JWT whose signature and time claims have been checked.
#[derive(Debug, Clone)]
pub struct VerifiedJwt {
    /// The checked header.
    pub header: JwsHeader,
    /// The claim set.
    pub claims: Map<String, Value>,
}

/// Signs a claim set as a JWT.
pub fn sign(
    header: &JwsHeader,
    claims: &Map<String, Value>,
    signer: &dyn Signer,
) -> Result<String> {
    let payload = serde_json::to_vec(claims).map_err(|e| Error::json("JWT claims", &e))?;
    jws::sign(header, &payload, signer)
}

/// Parses and verifies a JWT: header rules, signature with `key`, then the time rules.
pub fn verify(
    compact: &str,
    provider: &dyn CryptoProvider,
    key: &PublicKey,
    rules: &TimeRules,
) -> Result<VerifiedJwt> {
    let jws = Jws::parse(compact)?;
    jws.verify(provider, key)?;
    let claims = jws.payload_object("JWT claims")?;
    rules.check(&claims)?;
    Ok(VerifiedJwt {
        header: jws.header().clone(),
        claims,
    })
}
