use serde_json::{Map, Value};

use super::present::take_sd_alg;
use super::resolve::resolve;
use super::{HashAlg, Parts, KB_JWT_TYP};
use crate::claim_path::ClaimPath;
use crate::crypto::{CryptoProvider, PublicKey};
use crate::error::{Error, JwtError, Result, SdJwtError};
use crate::jws::{Jws, JwsHeader};
use crate::jwt::{date_claim, TimeRules};
use crate::time::NumericDate;

/// Whether and how a KB-JWT is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyBindingRule<'a> {
    /// A KB-JWT is not required. If one is present it is still checked (type, signature by the
    /// `cnf` key, `sd_hash`, `iat` not in the future): a broken one is never ignored.
    Optional,
    /// A KB-JWT is required, for this audience and nonce, issued at most `max_age_secs` ago.
    Required {
        /// The verifier's identifier, expected in `aud`.
        audience: &'a str,
        /// The nonce the verifier handed out, expected in `nonce`.
        nonce: &'a str,
        /// How old the KB-JWT's `iat` may be.
        max_age_secs: u64,
    },
}

/// What [`verify`] checks besides the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions<'a> {
    /// The instant and leeway for `iat`/`nbf`/`exp` of the SD-JWT and the KB-JWT.
    pub time: TimeRules,
    /// The required `typ` of the issuer-signed JWT; `None` accepts any.
    pub typ: Option<&'a str>,
    /// Key binding.
    pub key_binding: KeyBindingRule<'a>,
}

impl<'a> VerifyOptions<'a> {
    /// Checks at `now` with the default leeway, any `typ`, key binding optional.
    pub fn at(now: NumericDate) -> Self {
        VerifyOptions {
            time: TimeRules::at(now),
            typ: None,
            key_binding: KeyBindingRule::Optional,
        }
    }

    /// Requires this `typ`.
    pub fn typ(mut self, typ: &'a str) -> Self {
        self.typ = Some(typ);
        self
    }

    /// Sets the key-binding rule.
    pub fn key_binding(mut self, rule: KeyBindingRule<'a>) -> Self {
        self.key_binding = rule;
        self
    }
}

/// The claims of a KB-JWT that passed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindingClaims {
    /// `aud`.
    pub audience: String,
    /// `nonce`.
    pub nonce: String,
    /// `iat`.
    pub issued_at: NumericDate,
}

/// A verified SD-JWT: the disclosed claims and what was checked.
///
/// It can only be obtained from [`verify`], so holding one means the signature, every digest
/// and (if present or required) the key binding were checked.
#[derive(Debug, Clone)]
pub struct Disclosed {
    header: JwsHeader,
    claims: Map<String, Value>,
    disclosed_paths: Vec<ClaimPath>,
    key_binding: Option<KeyBindingClaims>,
    /// The `cnf.jwk` key the KB-JWT was verified with, kept so it is decoded only once.
    bound_key: Option<PublicKey>,
}

impl Disclosed {
    /// The issuer-signed JWT's header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The processed claims: always-visible claims plus the disclosed ones, without `_sd`,
    /// `_sd_alg` or digests.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Consumes the result, keeping the claims.
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }

    /// The payload paths of the claims that came from disclosures, in presentation order.
    pub fn disclosed_paths(&self) -> &[ClaimPath] {
        &self.disclosed_paths
    }

    /// The holder key from `cnf.jwk`: `Ok(None)` without `cnf` or with a `kid`-only `cnf`,
    /// an error when `cnf` is present but unusable. (It is read on demand because a
    /// presentation without key binding may carry a `cnf` the verifier has no use for.)
    pub fn holder_key(&self) -> Result<Option<PublicKey>> {
        match &self.bound_key {
            Some(key) => Ok(Some(key.clone())),
            None => holder_key(&self.claims),
        }
    }

    /// The checked KB-JWT claims, if the presentation had one.
    pub fn key_binding(&self) -> Option<&KeyBindingClaims> {
        self.key_binding.as_ref()
    }
}

/// Verifies an SD-JWT or SD-JWT+KB presentation (RFC 9901 §7.1 and §7.3) with the issuer's
/// key, returning the disclosed claims.
///
/// Checked, in order: shape; issuer JWT header rules, `typ`, signature; `iat`/`nbf`/`exp`;
/// `_sd_alg`; every digest and disclosure (each digest at most once, each disclosure referenced
/// exactly once and of the right kind, no reserved or colliding names); then the key binding.
pub fn verify(
    presentation: &str,
    provider: &dyn CryptoProvider,
    issuer_key: &PublicKey,
    options: &VerifyOptions<'_>,
) -> Result<Disclosed> {
    UnverifiedSdJwt::parse(presentation)?.verify(provider, issuer_key, options)
}

/// An SD-JWT presentation split and parsed (shape and the issuer JWT's header rules checked),
/// nothing of it verified yet.
///
/// It lets a verifier read the unverified `iss` and `kid` to pick the issuer key, then verify
/// without splitting, decoding and parsing the presentation a second time. [`verify`] is
/// `parse` then [`UnverifiedSdJwt::verify`].
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::sdjwt::{SdJwtIssuer, UnverifiedSdJwt, VerifyOptions};
/// use myna_vc_core::time::NumericDate;
/// let key = SecretKey::generate_p256()?;
/// let signer = default_provider().signer(&key)?;
/// let claims = serde_json::json!({"iss": "https://city.example", "age_over_20": true});
/// let issued = SdJwtIssuer::new(&*signer).issue(claims.as_object().unwrap(), &[], None)?;
///
/// let presentation = issued.to_string();
/// let mut parsed = UnverifiedSdJwt::parse(&presentation)?;
/// // Only a hint for choosing the key: nothing here is believed before `verify`.
/// assert_eq!(parsed.unverified_payload()?["iss"], "https://city.example");
/// let now = NumericDate::from_unix(1_800_000_000);
/// let disclosed = parsed.verify(default_provider(), &key.public_key(), &VerifyOptions::at(now))?;
/// assert_eq!(disclosed.claims()["age_over_20"], true);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug)]
pub struct UnverifiedSdJwt<'a> {
    parts: Parts<'a>,
    jws: Jws,
    /// The payload once [`UnverifiedSdJwt::unverified_payload`] parsed it, reused by `verify`.
    payload: Option<Map<String, Value>>,
}

impl<'a> UnverifiedSdJwt<'a> {
    /// Splits the presentation, decodes its disclosures and parses the issuer JWT, enforcing
    /// the JWS header rules.
    pub fn parse(presentation: &'a str) -> Result<Self> {
        let parts = Parts::split(presentation)?;
        let jws = Jws::parse(parts.jwt)?;
        Ok(UnverifiedSdJwt {
            parts,
            jws,
            payload: None,
        })
    }

    /// The issuer JWT's header (its rules are checked; its signature is not yet).
    pub fn header(&self) -> &JwsHeader {
        self.jws.header()
    }

    /// The issuer JWT's payload, parsed on first use (size and depth guarded) and kept for
    /// [`UnverifiedSdJwt::verify`]. Not yet verified: use it only to find the issuer key.
    pub fn unverified_payload(&mut self) -> Result<&Map<String, Value>> {
        let payload = match self.payload.take() {
            Some(payload) => payload,
            None => self.jws.payload_object("SD-JWT payload")?,
        };
        Ok(self.payload.insert(payload))
    }

    /// Verifies with the issuer's key; the checks and their order are those of [`verify`].
    pub fn verify(
        self,
        provider: &dyn CryptoProvider,
        issuer_key: &PublicKey,
        options: &VerifyOptions<'_>,
    ) -> Result<Disclosed> {
        let UnverifiedSdJwt {
            parts,
            jws,
            payload,
        } = self;
        check_typ(jws.header(), options.typ)?;
        jws.verify(provider, issuer_key)?;
        let mut payload = match payload {
            Some(payload) => payload,
            None => jws.payload_object("SD-JWT payload")?,
        };
        options.time.check(&payload)?;
        let alg = take_sd_alg(&mut payload)?;
        let resolution = resolve(payload, &parts.disclosures, alg)?;
        let (key_binding, bound_key) = match (parts.kb_jwt, options.key_binding) {
            (None, KeyBindingRule::Optional) => (None, None),
            (None, KeyBindingRule::Required { .. }) => {
                return Err(Error::SdJwt(SdJwtError::KeyBindingMissing))
            }
            (Some(kb), rule) => {
                let key =
                    holder_key(&resolution.claims)?.ok_or(Error::SdJwt(SdJwtError::NoHolderKey))?;
                let input = KbInput {
                    without_key_binding: parts.without_key_binding,
                    alg,
                    key: &key,
                    rule,
                    time: &options.time,
                };
                (Some(check_key_binding(provider, kb, &input)?), Some(key))
            }
        };
        Ok(Disclosed {
            header: jws.into_header(),
            claims: resolution.claims,
            disclosed_paths: resolution.paths,
            key_binding,
            bound_key,
        })
    }
}

fn check_typ(header: &JwsHeader, expected: Option<&str>) -> Result<()> {
    let Some(expected) = expected else {
        return Ok(());
    };
    if header.typ.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(Error::Jwt(JwtError::WrongType {
        expected: expected.to_owned(),
        found: header.typ.clone().unwrap_or_default(),
    }))
}

/// `cnf.jwk` if present. A `cnf` that is present but unusable is an error, not "no key".
fn holder_key(payload: &Map<String, Value>) -> Result<Option<PublicKey>> {
    let Some(cnf) = payload.get("cnf") else {
        return Ok(None);
    };
    let cnf = cnf.as_object().ok_or_else(|| {
        Error::Jwt(JwtError::InvalidClaim {
            claim: "cnf",
            detail: "must be an object".into(),
        })
    })?;
    match cnf.get("jwk") {
        Some(jwk) => Ok(Some(PublicKey::from_jwk(jwk)?)),
        None if cnf.contains_key("kid") => Ok(None),
        None => Err(Error::Jwt(JwtError::InvalidClaim {
            claim: "cnf",
            detail: "has neither `jwk` nor `kid`".into(),
        })),
    }
}

struct KbInput<'a> {
    /// The presentation up to the KB-JWT, as presented: what `sd_hash` covers.
    without_key_binding: &'a str,
    alg: HashAlg,
    key: &'a PublicKey,
    rule: KeyBindingRule<'a>,
    time: &'a TimeRules,
}

fn check_key_binding(
    provider: &dyn CryptoProvider,
    kb: &str,
    input: &KbInput<'_>,
) -> Result<KeyBindingClaims> {
    let jws = Jws::parse(kb)?;
    check_typ(jws.header(), Some(KB_JWT_TYP))?;
    jws.verify(provider, input.key)?;
    let mut claims = jws.payload_object("KB-JWT")?;
    drop_null_optional_times(&mut claims);
    let sd_hash = string_claim(&claims, "sd_hash")?;
    let expected_hash = input.alg.digest_b64(input.without_key_binding.as_bytes());
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        sd_hash.as_bytes(),
        expected_hash.as_bytes(),
    )) {
        return Err(Error::SdJwt(SdJwtError::SdHashMismatch));
    }
    let audience = string_claim(&claims, "aud")?;
    let nonce = string_claim(&claims, "nonce")?;
    let issued_at = date_claim(&claims, "iat")?.ok_or(Error::Jwt(JwtError::MissingClaim("iat")))?;
    input.time.check(&claims)?;
    if let KeyBindingRule::Required {
        audience: aud,
        nonce: n,
        max_age_secs,
    } = input.rule
    {
        if audience != aud {
            return Err(Error::SdJwt(SdJwtError::AudienceMismatch));
        }
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            nonce.as_bytes(),
            n.as_bytes(),
        )) {
            return Err(Error::SdJwt(SdJwtError::NonceMismatch));
        }
        let now = input.time.now;
        if issued_at < now.minus_seconds(max_age_secs) {
            return Err(Error::SdJwt(SdJwtError::KeyBindingStale {
                iat: issued_at,
                now,
            }));
        }
    }
    Ok(KeyBindingClaims {
        audience: audience.to_owned(),
        nonce: nonce.to_owned(),
        issued_at,
    })
}

/// The KB-JWT's OPTIONAL time claims whose JSON `null` is read as absent.
const KB_JWT_NULLABLE_TIMES: [&str; 2] = ["exp", "nbf"];

/// Removes `exp` and `nbf` from a KB-JWT claim set when their value is JSON `null`.
///
/// SpruceID `ssi` 0.16 serializes the unset optional time claims of its KB-JWTs as `null`;
/// a `null` states no expiry and no start, exactly like an absent claim, so reading it as
/// absent loses nothing and lets those presentations verify. `iat` is REQUIRED in a KB-JWT
/// and is not touched: a `null` `iat` is still refused. Any other non-number stays an error.
fn drop_null_optional_times(claims: &mut Map<String, Value>) {
    for name in KB_JWT_NULLABLE_TIMES {
        if claims.get(name).is_some_and(Value::is_null) {
            claims.remove(name);
        }
    }
}

fn string_claim<'a>(claims: &'a Map<String, Value>, name: &'static str) -> Result<&'a str> {
    match claims.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Error::Jwt(JwtError::InvalidClaim {
            claim: name,
            detail: "must be a string".into(),
        })),
        None => Err(Error::Jwt(JwtError::MissingClaim(name))),
    }
}
