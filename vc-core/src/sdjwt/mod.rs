//! SD-JWT (RFC 9901): selective disclosure for JWTs.
//!
//! An issuer signs a JWT whose selectively disclosable claims are replaced by digests of
//! *disclosures* (`[salt, name, value]`); the holder presents the JWT with the disclosures it
//! chooses, optionally bound to its key by a KB-JWT; the verifier checks the signature, matches
//! every disclosure to exactly one digest and rebuilds the disclosed claims.
//!
//! * [`SdJwtIssuer`] issues, with any object property or array element disclosable (nested and
//!   recursive too) and optional decoy digests;
//! * [`SdJwt::select`] and [`SdJwt::bind`] build a presentation on the holder's side;
//! * [`verify`] checks a presentation and returns the [`Disclosed`] claims, refusing every case
//!   RFC 9901 §7 says a verifier MUST refuse, each with its own [`Error`] variant.
//!
//! Two rules beyond the letter of §7:
//!
//! * **`...` is never a claim name.** RFC 9901 §4.1 reserves it for array element digests
//!   (`{"...": "<digest>"}`). An object of the issuer-signed payload — or of a disclosed value —
//!   that has a claim named `...`, at any depth, is refused with
//!   [`SdJwtError::ReservedClaimInPayload`]; a disclosure naming `...` (or `_sd`) with
//!   [`SdJwtError::ReservedClaimName`]. Neither ever reaches the verified claims.
//! * **A `null` KB-JWT `exp` or `nbf` is an absent one.** SpruceID `ssi` 0.16 writes the unset
//!   optional time claims of its KB-JWTs as JSON `null`; refusing them ("must be a NumericDate")
//!   would refuse every presentation it makes. A `null` carries no claim — no expiry, no start —
//!   so reading it as absent changes no decision. The exception is deliberately narrow: `iat`
//!   is REQUIRED in a KB-JWT and a `null` `iat` is refused; a string or other non-number
//!   `exp`/`nbf` is refused; and the issuer-signed JWT keeps the strict rule of
//!   [`jwt::TimeRules`](crate::jwt::TimeRules) (its `exp` decides how long a credential lives,
//!   no issuer we interoperate with writes `null` there, and an issuer that does should hear
//!   about it rather than have it silently read as "never expires").
//!
//! ```
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! use myna_vc_core::claim_path::ClaimPath;
//! use myna_vc_core::sdjwt::{self, KeyBinding, KeyBindingRule, SdJwtIssuer, VerifyOptions};
//! use myna_vc_core::time::NumericDate;
//! let provider = default_provider();
//! let issuer_key = SecretKey::generate_p256()?;
//! let holder_key = SecretKey::generate_p256()?;
//! let issuer = provider.signer(&issuer_key)?;
//! let holder = provider.signer(&holder_key)?;
//!
//! let claims = serde_json::json!({"iss": "https://city.example", "age_over_20": true, "birthdate": "2000-01-01"});
//! let sd = [ClaimPath::key("age_over_20"), ClaimPath::key("birthdate")];
//! let issued = SdJwtIssuer::new(&*issuer)
//!     .issue(claims.as_object().unwrap(), &sd, Some(&holder_key.public_key()))?;
//!
//! let now = NumericDate::from_unix(1_800_000_000);
//! let presentation = issued
//!     .select(&[ClaimPath::key("age_over_20")])?
//!     .bind(&KeyBinding { audience: "https://shop.example", nonce: "n-0S6_WzA2Mj", issued_at: now, signer: &*holder })?
//!     .to_string();
//!
//! let rule = KeyBindingRule::Required { audience: "https://shop.example", nonce: "n-0S6_WzA2Mj", max_age_secs: 300 };
//! let disclosed = sdjwt::verify(&presentation, provider, &issuer_key.public_key(), &VerifyOptions::at(now).key_binding(rule))?;
//! assert_eq!(disclosed.claims()["age_over_20"], true);
//! assert!(disclosed.claims().get("birthdate").is_none());
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

mod disclosure;
mod issue;
mod present;
mod resolve;
mod verify;

use core::fmt;

use sha2::Digest as _;

pub use disclosure::{Disclosure, DisclosureKind};
pub use issue::{Decoys, SdJwtIssuer};
pub use present::KeyBinding;
pub use verify::{
    verify, Disclosed, KeyBindingClaims, KeyBindingRule, UnverifiedSdJwt, VerifyOptions,
};

use crate::error::{Error, Result, SdJwtError};
use crate::{b64, json};

/// The `typ` of a Key Binding JWT.
pub const KB_JWT_TYP: &str = "kb+jwt";

/// The hash function named by `_sd_alg` (IANA "Named Information Hash Algorithm" names).
///
/// ```
/// use myna_vc_core::sdjwt::HashAlg;
/// assert_eq!(HashAlg::from_name("sha-256")?, HashAlg::Sha256);
/// assert!(HashAlg::from_name("md5").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlg {
    /// `sha-256`, the default when `_sd_alg` is absent.
    #[default]
    Sha256,
    /// `sha-384`.
    Sha384,
    /// `sha-512`.
    Sha512,
}

impl HashAlg {
    /// The `_sd_alg` name.
    pub const fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha-256",
            HashAlg::Sha384 => "sha-384",
            HashAlg::Sha512 => "sha-512",
        }
    }

    /// Parses an `_sd_alg` name.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "sha-256" => Ok(HashAlg::Sha256),
            "sha-384" => Ok(HashAlg::Sha384),
            "sha-512" => Ok(HashAlg::Sha512),
            other => Err(Error::SdJwt(SdJwtError::UnsupportedSdAlg(
                other.chars().take(32).collect(),
            ))),
        }
    }

    /// `base64url(hash(input))`: the digest form used for disclosures and `sd_hash`.
    pub fn digest_b64(self, input: &[u8]) -> String {
        match self {
            HashAlg::Sha256 => b64::encode(sha2::Sha256::digest(input)),
            HashAlg::Sha384 => b64::encode(sha2::Sha384::digest(input)),
            HashAlg::Sha512 => b64::encode(sha2::Sha512::digest(input)),
        }
    }
}

/// An SD-JWT in compact form: the issuer-signed JWT, the disclosures, and an optional KB-JWT.
///
/// Parsing checks the shape only; [`verify`] checks everything else. `Display` gives the
/// serialization `<jwt>~<disclosure>~…~<disclosure>~[<kb-jwt>]`.
///
/// ```
/// use myna_vc_core::{sdjwt::SdJwt, Error};
/// assert!(matches!(SdJwt::parse("eyJ.eyJ.sig"), Err(Error::SdJwt(myna_vc_core::SdJwtError::NotAnSdJwt(_)))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwt {
    jwt: String,
    disclosures: Vec<Disclosure>,
    kb_jwt: Option<String>,
}

impl SdJwt {
    /// Splits a compact SD-JWT or SD-JWT+KB and decodes its disclosures.
    pub fn parse(compact: &str) -> Result<Self> {
        let parts = Parts::split(compact)?;
        Ok(SdJwt {
            jwt: parts.jwt.to_owned(),
            disclosures: parts.disclosures,
            kb_jwt: parts.kb_jwt.map(str::to_owned),
        })
    }

    /// The issuer-signed JWT (compact JWS).
    pub fn jwt(&self) -> &str {
        &self.jwt
    }

    /// The disclosures, in presentation order.
    pub fn disclosures(&self) -> &[Disclosure] {
        &self.disclosures
    }

    /// The KB-JWT, if any.
    pub fn kb_jwt(&self) -> Option<&str> {
        self.kb_jwt.as_deref()
    }

    /// The `sd_hash` a KB-JWT for this SD-JWT carries: the digest of
    /// [`without_key_binding`](Self::without_key_binding).
    pub(crate) fn sd_hash(&self, alg: HashAlg) -> String {
        alg.digest_b64(self.without_key_binding().as_bytes())
    }

    /// The serialization without the KB-JWT, ending in `~`: the input of `sd_hash`.
    pub fn without_key_binding(&self) -> String {
        let mut out = String::with_capacity(
            self.jwt.len()
                + self
                    .disclosures
                    .iter()
                    .map(|d| d.as_str().len() + 1)
                    .sum::<usize>()
                + 1,
        );
        out.push_str(&self.jwt);
        out.push('~');
        for d in &self.disclosures {
            out.push_str(d.as_str());
            out.push('~');
        }
        out
    }
}

/// A compact SD-JWT split into its parts, borrowing the text: the shape checks and the
/// disclosure decoding of [`SdJwt::parse`], shared with the verifier, which needs no copy.
#[derive(Debug)]
pub(crate) struct Parts<'a> {
    /// The issuer-signed JWT.
    pub jwt: &'a str,
    /// The decoded disclosures, in presentation order.
    pub disclosures: Vec<Disclosure>,
    /// The KB-JWT, if any.
    pub kb_jwt: Option<&'a str>,
    /// Everything before the KB-JWT, ending in `~`: the input of `sd_hash`, as presented.
    pub without_key_binding: &'a str,
}

impl<'a> Parts<'a> {
    pub(crate) fn split(compact: &'a str) -> Result<Self> {
        json::check_size("SD-JWT", compact.len())?;
        let Some((jwt, rest)) = compact.split_once('~') else {
            return Err(Error::SdJwt(SdJwtError::NotAnSdJwt(
                "no `~` separator".into(),
            )));
        };
        if jwt.is_empty() {
            return Err(Error::SdJwt(SdJwtError::NotAnSdJwt(
                "the issuer-signed JWT is empty".into(),
            )));
        }
        // The last part is the KB-JWT or empty; between the first and the last `~` are the
        // disclosures, each `~`-terminated.
        let (listed, last) = match rest.rsplit_once('~') {
            Some((listed, last)) => (Some(listed), last),
            None => (None, rest),
        };
        let kb_jwt = (!last.is_empty()).then_some(last);
        let without_key_binding = compact
            .get(..compact.len().saturating_sub(last.len()))
            .unwrap_or(compact);
        let disclosures = listed
            .into_iter()
            .flat_map(|listed| listed.split('~'))
            .map(|p| {
                if p.is_empty() {
                    return Err(Error::SdJwt(SdJwtError::NotAnSdJwt(
                        "empty disclosure between `~~`".into(),
                    )));
                }
                Disclosure::parse(p)
            })
            .collect::<Result<_>>()?;
        Ok(Parts {
            jwt,
            disclosures,
            kb_jwt,
            without_key_binding,
        })
    }
}

impl fmt::Display for SdJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.without_key_binding())?;
        if let Some(kb) = &self.kb_jwt {
            f.write_str(kb)?;
        }
        Ok(())
    }
}
