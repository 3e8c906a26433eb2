use serde_json::{Map, Value};

use super::disclosure::new_salt;
use super::{Disclosure, HashAlg, SdJwt};
use crate::claim_path::{ClaimPath, PathSegment};
use crate::crypto::{PublicKey, Signer};
use crate::error::{ClaimPathError, Error, JwtError, Result, SdJwtError};
use crate::json::check_depth;
use crate::jws::JwsHeader;
use crate::{b64, jws};

/// Decoy digests added to each `_sd` array, so that the number of hidden claims is hidden too
/// (RFC 9901 §4.2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Decoys {
    /// No decoys.
    #[default]
    None,
    /// A random number of decoys, from 1 to `max`, in every object that has an `_sd` array.
    UpTo(u8),
    /// The top-level `_sd` array always exists and holds a random total of digests, uniform
    /// in `min..=min + spread`, however many claims are really hidden — so its length says
    /// nothing about *which* optional claims a holder has (a shelter registration with or
    /// without medication). Choose `min` above the most claims that can be hidden; if more
    /// are, 1 to `spread` decoys are added instead. Nested `_sd` arrays get 1 to `spread`
    /// decoys, as with [`Decoys::UpTo`].
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, claim_path::ClaimPath};
    /// use myna_vc_core::sdjwt::{Decoys, SdJwtIssuer};
    /// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
    /// let issuer = SdJwtIssuer::new(&*signer).with_decoys(Decoys::Padded { min: 5, spread: 2 });
    /// let none = serde_json::json!({"shelter_id": "s-1"});
    /// let issued = issuer.issue(none.as_object().unwrap(), &[], None)?;
    /// let payload = myna_vc_core::jws::Jws::parse(issued.jwt())?.payload_object("payload")?;
    /// let sd = payload["_sd"].as_array().unwrap().len();
    /// assert!((5..=7).contains(&sd), "{sd} digests, none of them real");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    Padded {
        /// The fewest digests.
        min: u8,
        /// How many more there may be.
        spread: u8,
    },
}

/// Issues SD-JWTs. See the [module docs](super) for a full round trip.
///
/// ```
/// use myna_vc_core::{crypto::{default_provider, SecretKey}, claim_path::ClaimPath};
/// use myna_vc_core::sdjwt::{Decoys, SdJwtIssuer};
/// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
/// let claims = serde_json::json!({"address": {"locality": "Kobe", "postal_code": "650-0001"}});
/// let issued = SdJwtIssuer::new(&*signer)
///     .with_typ("example+sd-jwt")
///     .with_decoys(Decoys::UpTo(3))
///     .issue(claims.as_object().unwrap(), &[ClaimPath::key("address").then_key("locality")], None)?;
/// assert_eq!(issued.disclosures().len(), 1);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub struct SdJwtIssuer<'a> {
    signer: &'a dyn Signer,
    hash: HashAlg,
    decoys: Decoys,
    header: JwsHeader,
}

impl<'a> SdJwtIssuer<'a> {
    /// An issuer signing with `signer`, SHA-256 digests, no decoys, no `typ`.
    pub fn new(signer: &'a dyn Signer) -> Self {
        SdJwtIssuer {
            signer,
            hash: HashAlg::Sha256,
            decoys: Decoys::None,
            header: JwsHeader::new(signer.algorithm()),
        }
    }

    /// Sets the JWT `typ` header (`dc+sd-jwt` for SD-JWT VCs).
    pub fn with_typ(mut self, typ: &str) -> Self {
        self.header.typ = Some(typ.to_owned());
        self
    }

    /// Sets the JWT `kid` header.
    pub fn with_kid(mut self, kid: &str) -> Self {
        self.header.kid = Some(kid.to_owned());
        self
    }

    /// Sets another JWT header parameter.
    pub fn with_header_param(mut self, name: &str, value: Value) -> Self {
        self.header = self.header.with_param(name, value);
        self
    }

    /// Sets the digest algorithm (`_sd_alg`).
    pub fn with_hash(mut self, hash: HashAlg) -> Self {
        self.hash = hash;
        self
    }

    /// Sets the decoy policy.
    pub fn with_decoys(mut self, decoys: Decoys) -> Self {
        self.decoys = decoys;
        self
    }

    /// Issues `claims`, making each claim that a path in `disclosable` selects selectively
    /// disclosable (object properties and array elements, at any depth; a disclosable claim
    /// may contain disclosable claims). With `holder_key`, the payload gets `cnf.jwk`.
    ///
    /// Every path in `disclosable` must select at least one claim ([`ClaimPathError::Unknown`]);
    /// the claim names `_sd`, `_sd_alg` and `...` are refused.
    pub fn issue(
        &self,
        claims: &Map<String, Value>,
        disclosable: &[ClaimPath],
        holder_key: Option<&PublicKey>,
    ) -> Result<SdJwt> {
        let mut encoder = Encoder {
            plan: disclosable,
            matched: vec![false; disclosable.len()],
            hash: self.hash,
            decoys: self.decoys,
            disclosures: Vec::new(),
            path: ClaimPath::root(),
        };
        let mut payload = encoder.object(claims, 0)?;
        if let Some(unmatched) = encoder.matched.iter().position(|m| !m) {
            let path = disclosable
                .get(unmatched)
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(Error::ClaimPath(ClaimPathError::Unknown(path)));
        }
        payload.insert("_sd_alg".into(), Value::String(self.hash.name().into()));
        if let Some(key) = holder_key {
            if payload.contains_key("cnf") {
                return Err(Error::Jwt(JwtError::InvalidClaim {
                    claim: "cnf",
                    detail: "given both as a claim and as the holder key".into(),
                }));
            }
            payload.insert("cnf".into(), serde_json::json!({ "jwk": key.to_jwk() }));
        }
        let bytes = serde_json::to_vec(&payload).map_err(|e| Error::json("SD-JWT payload", &e))?;
        Ok(SdJwt {
            jwt: jws::sign(&self.header, &bytes, self.signer)?,
            disclosures: encoder.disclosures,
            kb_jwt: None,
        })
    }
}

struct Encoder<'p> {
    plan: &'p [ClaimPath],
    matched: Vec<bool>,
    hash: HashAlg,
    decoys: Decoys,
    disclosures: Vec<Disclosure>,
    path: ClaimPath,
}

impl Encoder<'_> {
    fn value(&mut self, value: &Value, depth: usize) -> Result<Value> {
        match value {
            Value::Object(map) => Ok(Value::Object(self.object(map, depth)?)),
            Value::Array(items) => self.array(items, depth).map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn object(&mut self, map: &Map<String, Value>, depth: usize) -> Result<Map<String, Value>> {
        check_depth("SD-JWT claims", depth)?;
        let mut out = Map::new();
        let mut digests = Vec::new();
        for (name, value) in map {
            if matches!(name.as_str(), "_sd" | "_sd_alg" | "...") {
                return Err(Error::SdJwt(SdJwtError::ReservedClaimName(name.clone())));
            }
            self.path.push(PathSegment::Key(name.clone()));
            let encoded = self.value(value, depth + 1)?;
            let disclosable = self.selected();
            self.path.pop();
            if disclosable {
                let disclosure = Disclosure::property(new_salt()?, name.clone(), encoded)?;
                digests.push(self.push(disclosure));
            } else {
                out.insert(name.clone(), encoded);
            }
        }
        let padded = depth == 0 && matches!(self.decoys, Decoys::Padded { .. });
        if !digests.is_empty() || padded {
            let real = digests.len();
            digests.extend(self.decoy_digests(real, depth)?);
            // Sorted, so the order of the digests says nothing about the order of the claims.
            digests.sort_unstable();
            out.insert(
                "_sd".into(),
                Value::Array(digests.into_iter().map(Value::String).collect()),
            );
        }
        Ok(out)
    }

    fn array(&mut self, items: &[Value], depth: usize) -> Result<Vec<Value>> {
        check_depth("SD-JWT claims", depth)?;
        let mut out = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            self.path.push(PathSegment::Index(position));
            let encoded = self.value(item, depth + 1)?;
            let disclosable = self.selected();
            self.path.pop();
            if disclosable {
                let digest = self.push(Disclosure::array_element(new_salt()?, encoded)?);
                out.push(serde_json::json!({ "...": digest }));
            } else {
                out.push(encoded);
            }
        }
        Ok(out)
    }

    /// Whether the current path is selected by the plan (and records which patterns matched).
    fn selected(&mut self) -> bool {
        let mut any = false;
        for (pattern, matched) in self.plan.iter().zip(self.matched.iter_mut()) {
            if pattern.matches(&self.path) {
                *matched = true;
                any = true;
            }
        }
        any
    }

    fn push(&mut self, disclosure: Disclosure) -> String {
        let digest = disclosure.digest(self.hash);
        self.disclosures.push(disclosure);
        digest
    }

    /// Decoys for an `_sd` array of `real` digests at `depth` (0: the top-level object).
    fn decoy_digests(&self, real: usize, depth: usize) -> Result<Vec<String>> {
        let count = match self.decoys {
            Decoys::None => 0,
            Decoys::UpTo(max) => 1 + random_below(usize::from(max.max(1)))?,
            Decoys::Padded { min, spread } => {
                let total = usize::from(min) + random_below(usize::from(spread) + 1)?;
                if depth == 0 && total > real {
                    total - real
                } else {
                    1 + random_below(usize::from(spread.max(1)))?
                }
            }
        };
        (0..count)
            .map(|_| {
                let mut noise = [0u8; 32];
                crate::crypto::fill_random(&mut noise)?;
                Ok(self.hash.digest_b64(b64::encode(noise).as_bytes()))
            })
            .collect()
    }
}

/// A random number in `0..n` (`n` at most 256, so one byte; the slight modulo bias of a
/// decoy count reveals nothing).
fn random_below(n: usize) -> Result<usize> {
    let mut byte = [0u8; 1];
    crate::crypto::fill_random(&mut byte)?;
    Ok(usize::from(byte[0]) % n.max(1))
}
