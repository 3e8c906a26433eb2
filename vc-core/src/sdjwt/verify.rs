use serde_json::{Map, Value};

use super::present::take_sd_alg;
use super::resolve::resolve;
use super::{HashAlg, SdJwt, KB_JWT_TYP};
use crate::claim_path::ClaimPath;
use crate::crypto::{CryptoProvider, PublicKey};
use crate::error::{Error, Result};
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
        holder_key(&self.claims)
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
    let sd_jwt = SdJwt::parse(presentation)?;
    let jws = Jws::parse(sd_jwt.jwt())?;
    check_typ(jws.header(), options.typ)?;
    jws.verify(provider, issuer_key)?;
    let mut payload = jws.payload_object("SD-JWT payload")?;
    options.time.check(&payload)?;
    let alg = take_sd_alg(&mut payload)?;
    let resolution = resolve(payload, sd_jwt.disclosures(), alg)?;
    let key_binding = match (sd_jwt.kb_jwt(), options.key_binding) {
        (None, KeyBindingRule::Optional) => None,
        (None, KeyBindingRule::Required { .. }) => return Err(Error::KeyBindingMissing),
        (Some(kb), rule) => {
            let key = holder_key(&resolution.claims)?.ok_or(Error::NoHolderKey)?;
            let input = KbInput {
                sd_jwt: &sd_jwt,
                alg,
                key: &key,
                rule,
                time: &options.time,
            };
            Some(check_key_binding(provider, kb, &input)?)
        }
    };
    Ok(Disclosed {
        header: jws.header().clone(),
        claims: resolution.claims,
        disclosed_paths: resolution.paths,
        key_binding,
    })
}

fn check_typ(header: &JwsHeader, expected: Option<&str>) -> Result<()> {
    let Some(expected) = expected else {
        return Ok(());
    };
    if header.typ.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(Error::WrongType {
        expected: expected.to_owned(),
        found: header.typ.clone().unwrap_or_default(),
    })
}

/// `cnf.jwk` if present. A `cnf` that is present but unusable is an error, not "no key".
fn holder_key(payload: &Map<String, Value>) -> Result<Option<PublicKey>> {
    let Some(cnf) = payload.get("cnf") else {
        return Ok(None);
    };
    let cnf = cnf.as_object().ok_or_else(|| Error::InvalidClaim {
        claim: "cnf",
        detail: "must be an object".into(),
    })?;
    match cnf.get("jwk") {
        Some(jwk) => Ok(Some(PublicKey::from_jwk(jwk)?)),
        None if cnf.contains_key("kid") => Ok(None),
        None => Err(Error::InvalidClaim {
            claim: "cnf",
            detail: "has neither `jwk` nor `kid`".into(),
        }),
    }
}

struct KbInput<'a> {
    sd_jwt: &'a SdJwt,
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
    let claims = jws.payload_object("KB-JWT")?;
    let sd_hash = string_claim(&claims, "sd_hash")?;
    let expected_hash = input
        .alg
        .digest_b64(input.sd_jwt.without_key_binding().as_bytes());
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        sd_hash.as_bytes(),
        expected_hash.as_bytes(),
    )) {
        return Err(Error::SdHashMismatch);
    }
    let audience = string_claim(&claims, "aud")?;
    let nonce = string_claim(&claims, "nonce")?;
    let issued_at = date_claim(&claims, "iat")?.ok_or(Error::MissingClaim("iat"))?;
    input.time.check(&claims)?;
    if let KeyBindingRule::Required {
        audience: aud,
        nonce: n,
        max_age_secs,
    } = input.rule
    {
        if audience != aud {
            return Err(Error::AudienceMismatch);
        }
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            nonce.as_bytes(),
            n.as_bytes(),
        )) {
            return Err(Error::NonceMismatch);
        }
        let now = input.time.now;
        if issued_at < now.minus_seconds(max_age_secs) {
            return Err(Error::KeyBindingStale {
                iat: issued_at,
                now,
            });
        }
    }
    Ok(KeyBindingClaims {
        audience: audience.to_owned(),
        nonce: nonce.to_owned(),
        issued_at,
    })
}

fn string_claim<'a>(claims: &'a Map<String, Value>, name: &'static str) -> Result<&'a str> {
    match claims.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Error::InvalidClaim {
            claim: name,
            detail: "must be a string".into(),
        }),
        None => Err(Error::MissingClaim(name)),
    }
}
