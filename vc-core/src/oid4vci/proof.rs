//! The `jwt` key proof (OpenID4VCI 1.0 §F.1): the wallet proves possession of each holder key
//! it wants a credential bound to; the issuer checks every proof and gets the keys back.

use serde_json::{Map, Value};

use super::{shorten, CNonce, IssuerId, Proofs};
use crate::crypto::{Algorithm, CryptoProvider, PublicKey, Signer};
use crate::error::{Error, JwtError, Oid4vciError, Result};
use crate::jwk::Jwk;
use crate::jws::{Jws, JwsHeader};
use crate::jwt::{self, date_claim, TimeRules, DEFAULT_LEEWAY_SECS};
use crate::time::NumericDate;

/// The `typ` of a key proof JWT.
pub const PROOF_JWT_TYP: &str = "openid4vci-proof+jwt";

/// How old a key proof's `iat` may be by default: 5 minutes. The `c_nonce` is the real
/// replay guard; the window bounds how long a captured proof stays useful.
pub const DEFAULT_PROOF_MAX_AGE_SECS: u64 = 300;

const ALL_ALGORITHMS: &[Algorithm] = &[Algorithm::Es256, Algorithm::EdDsa, Algorithm::Rs256];

/// Signs a key proof for the signer's key: header `typ`, `alg` and `jwk` (the public key being
/// proven); claims `aud` (the issuer), `iat` and, when the issuer has a nonce endpoint, `nonce`.
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::oid4vci::{build_key_proof, verify_key_proof, CNonce, IssuerId, ProofRules};
/// use myna_vc_core::time::NumericDate;
/// let holder = default_provider().signer(&SecretKey::generate_p256()?)?;
/// let issuer = IssuerId::new("https://city.example")?;
/// let nonce = CNonce::new("LarRGSbmUPYtRYO6BQ4yn8");
/// let now = NumericDate::from_unix(1_701_960_444);
/// let proof = build_key_proof(&*holder, &issuer, Some(&nonce), now)?;
/// let key = verify_key_proof(default_provider(), &proof, &ProofRules::new(&issuer, &nonce, now))?;
/// assert_eq!(key, holder.public_key());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn build_key_proof(
    signer: &dyn Signer,
    issuer: &IssuerId,
    c_nonce: Option<&CNonce>,
    iat: NumericDate,
) -> Result<String> {
    let mut header = JwsHeader::new(signer.algorithm()).with_typ(PROOF_JWT_TYP);
    header.jwk = Some(Jwk::new(signer.public_key()));
    let mut claims = Map::new();
    claims.insert("aud".into(), Value::String(issuer.as_str().to_owned()));
    claims.insert("iat".into(), Value::from(iat.as_unix()));
    if let Some(nonce) = c_nonce {
        claims.insert("nonce".into(), Value::String(nonce.as_str().to_owned()));
    }
    jwt::sign(&header, &claims, signer)
}

/// What an issuer requires of key proofs.
///
/// ```
/// use myna_vc_core::oid4vci::{CNonce, IssuerId, ProofRules, DEFAULT_PROOF_MAX_AGE_SECS};
/// use myna_vc_core::{crypto::Algorithm, time::NumericDate};
/// let issuer = IssuerId::new("https://city.example")?;
/// let nonce = CNonce::new("n");
/// let rules = ProofRules { allowed_algs: &[Algorithm::Es256], batch_size: 10,
///                          ..ProofRules::new(&issuer, &nonce, NumericDate::from_unix(0)) };
/// assert_eq!(rules.max_age_secs, DEFAULT_PROOF_MAX_AGE_SECS);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ProofRules<'a> {
    /// The issuer's identifier: every proof's `aud`.
    pub issuer: &'a IssuerId,
    /// The `c_nonce` handed out; `None` only for an issuer without a nonce endpoint.
    pub c_nonce: Option<&'a CNonce>,
    /// The verification instant.
    pub now: NumericDate,
    /// How far in the past `iat` may be.
    pub max_age_secs: u64,
    /// Allowed clock skew for an `iat` in the future (and `exp`/`nbf` if present).
    pub leeway_secs: u64,
    /// The `proof_signing_alg_values_supported` of the configuration; empty allows none.
    pub allowed_algs: &'a [Algorithm],
    /// How many proofs one request may carry ([`CredentialIssuerMetadata::batch_size`]).
    ///
    /// [`CredentialIssuerMetadata::batch_size`]: super::CredentialIssuerMetadata::batch_size
    pub batch_size: usize,
}

impl<'a> ProofRules<'a> {
    /// Rules requiring `c_nonce`, with the default age and leeway, every algorithm this crate
    /// implements, and one proof per request.
    pub fn new(issuer: &'a IssuerId, c_nonce: &'a CNonce, now: NumericDate) -> Self {
        ProofRules {
            issuer,
            c_nonce: Some(c_nonce),
            now,
            max_age_secs: DEFAULT_PROOF_MAX_AGE_SECS,
            leeway_secs: DEFAULT_LEEWAY_SECS,
            allowed_algs: ALL_ALGORITHMS,
            batch_size: 1,
        }
    }
}

/// Verifies one key proof JWT and returns the holder key it proves: `typ`, the `jwk` header
/// key (no `kid`/`x5c`), an allowed `alg`, the signature by that key, `aud`, `nonce` (constant
/// time) and `iat` within the window.
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::oid4vci::{build_key_proof, verify_key_proof, CNonce, IssuerId, ProofRules};
/// use myna_vc_core::{time::NumericDate, Error};
/// let holder = default_provider().signer(&SecretKey::generate_ed25519()?)?;
/// let issuer = IssuerId::new("https://city.example")?;
/// let now = NumericDate::from_unix(1_700_000_000);
/// let proof = build_key_proof(&*holder, &issuer, Some(&CNonce::new("old")), now)?;
/// let fresh = CNonce::new("new");
/// assert_eq!(verify_key_proof(default_provider(), &proof, &ProofRules::new(&issuer, &fresh, now)),
///            Err(Error::Oid4vci(myna_vc_core::Oid4vciError::ProofNonceMismatch)));
/// # Ok::<(), Error>(())
/// ```
pub fn verify_key_proof(
    provider: &dyn CryptoProvider,
    compact: &str,
    rules: &ProofRules<'_>,
) -> Result<PublicKey> {
    let jws = Jws::parse(compact)?;
    let header = jws.header();
    if header.typ.as_deref() != Some(PROOF_JWT_TYP) {
        return Err(Error::Jwt(JwtError::WrongType {
            expected: PROOF_JWT_TYP.into(),
            found: header.typ.as_deref().map(shorten).unwrap_or_default(),
        }));
    }
    let key = header_key(header)?;
    if !rules.allowed_algs.contains(&header.alg) {
        return Err(Error::Oid4vci(Oid4vciError::ProofAlgorithmNotAllowed(
            header.alg.jose_name(),
        )));
    }
    jws.verify(provider, &key)?;
    check_claims(&jws.payload_object("key proof claims")?, rules)?;
    Ok(key)
}

/// The key a proof proves: its `jwk` header, which must be the only key reference.
fn header_key(header: &JwsHeader) -> Result<PublicKey> {
    if header.kid.is_some() {
        return Err(Error::Oid4vci(Oid4vciError::ProofKeyNotJwk(
            "`kid` is not resolved",
        )));
    }
    if !header.x5c.is_empty() {
        return Err(Error::Oid4vci(Oid4vciError::ProofKeyNotJwk(
            "`x5c` is not resolved",
        )));
    }
    match &header.jwk {
        Some(jwk) => Ok(jwk.key.clone()),
        None => Err(Error::Oid4vci(Oid4vciError::ProofKeyNotJwk(
            "no `jwk` header",
        ))),
    }
}

fn check_claims(claims: &Map<String, Value>, rules: &ProofRules<'_>) -> Result<()> {
    match claims.get("aud") {
        Some(Value::String(aud)) if aud == rules.issuer.as_str() => {}
        Some(Value::String(_)) => return Err(Error::Oid4vci(Oid4vciError::ProofAudienceMismatch)),
        Some(_) => return Err(invalid("aud", "must be a string")),
        None => return Err(Error::Jwt(JwtError::MissingClaim("aud"))),
    }
    if let Some(expected) = rules.c_nonce {
        let nonce = match claims.get("nonce") {
            Some(Value::String(nonce)) => nonce,
            Some(_) => return Err(invalid("nonce", "must be a string")),
            None => return Err(Error::Jwt(JwtError::MissingClaim("nonce"))),
        };
        let equal = subtle::ConstantTimeEq::ct_eq(nonce.as_bytes(), expected.as_str().as_bytes());
        if !bool::from(equal) {
            return Err(Error::Oid4vci(Oid4vciError::ProofNonceMismatch));
        }
    }
    let iat = date_claim(claims, "iat")?.ok_or(Error::Jwt(JwtError::MissingClaim("iat")))?;
    let time = TimeRules {
        leeway_secs: rules.leeway_secs,
        ..TimeRules::at(rules.now)
    };
    time.check(claims)?;
    if iat < rules.now.minus_seconds(rules.max_age_secs) {
        return Err(Error::Oid4vci(Oid4vciError::ProofStale {
            iat,
            now: rules.now,
        }));
    }
    Ok(())
}

fn invalid(claim: &'static str, detail: &str) -> Error {
    Error::Jwt(JwtError::InvalidClaim {
        claim,
        detail: detail.into(),
    })
}

/// Verifies every key proof of a request and returns the holder keys in order, refusing more
/// proofs than `batch_size`, other proof types, and the same key twice (each credential of a
/// batch needs its own key, or the credentials could be linked).
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::oid4vci::*;
/// use myna_vc_core::{time::NumericDate, Error};
/// let issuer = IssuerId::new("https://city.example")?;
/// let nonce = CNonce::new("n0nce");
/// let now = NumericDate::from_unix(1_700_000_000);
/// let holder = default_provider().signer(&SecretKey::generate_p256()?)?;
/// let proof = build_key_proof(&*holder, &issuer, Some(&nonce), now)?;
/// let request = CredentialRequest::for_configuration("resident", vec![proof.clone(), proof]);
/// let rules = ProofRules { batch_size: 10, ..ProofRules::new(&issuer, &nonce, now) };
/// assert_eq!(verify_key_proofs(default_provider(), request.proofs.as_ref().unwrap(), &rules),
///            Err(Error::Oid4vci(myna_vc_core::Oid4vciError::DuplicateProofKey { first: 0, second: 1 })));
/// # Ok::<(), Error>(())
/// ```
pub fn verify_key_proofs(
    provider: &dyn CryptoProvider,
    proofs: &Proofs,
    rules: &ProofRules<'_>,
) -> Result<Vec<PublicKey>> {
    if let Some(name) = proofs.other.keys().next() {
        return Err(Error::Oid4vci(Oid4vciError::UnsupportedProofType(shorten(
            name,
        ))));
    }
    if proofs.jwt.is_empty() {
        return Err(Error::member_type(
            "credential request",
            "proofs.jwt",
            "a non-empty array",
        ));
    }
    if proofs.jwt.len() > rules.batch_size {
        return Err(Error::Oid4vci(Oid4vciError::TooManyProofs {
            count: proofs.jwt.len(),
            limit: rules.batch_size,
        }));
    }
    let mut keys: Vec<PublicKey> = Vec::with_capacity(proofs.jwt.len());
    let mut thumbprints = Vec::with_capacity(proofs.jwt.len());
    for (second, proof) in proofs.jwt.iter().enumerate() {
        let key = verify_key_proof(provider, proof, rules)?;
        let thumbprint = key.thumbprint().0;
        if let Some(first) = thumbprints.iter().position(|t| *t == thumbprint) {
            return Err(Error::Oid4vci(Oid4vciError::DuplicateProofKey {
                first,
                second,
            }));
        }
        thumbprints.push(thumbprint);
        keys.push(key);
    }
    Ok(keys)
}
