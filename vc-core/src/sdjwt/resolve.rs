//! The digest walk shared by holder and verifier: match every disclosure to exactly one digest
//! in the payload (or in another disclosure), enforcing RFC 9901 §7.1 step 3 on the way, and
//! refusing `...` as a claim name in any object at any depth (RFC 9901 §4.1 reserves it for
//! array element digests `{"...": "<digest>"}`).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::{Disclosure, DisclosureKind, HashAlg};
use crate::claim_path::{ClaimPath, PathSegment};
use crate::error::{Error, Result, SdJwtError};
use crate::json::check_depth;

/// The payload with the disclosures substituted in.
pub(crate) struct Resolution {
    /// The processed claims (no `_sd`, no `_sd_alg`, no array digests).
    pub claims: Map<String, Value>,
    /// For each disclosure (same order as given), the payload path where it was placed.
    /// Array indices are positions in the payload's arrays, decoys and hidden elements included.
    pub paths: Vec<ClaimPath>,
}

/// Resolves `payload` (with `_sd_alg` already removed) against `disclosures`.
pub(crate) fn resolve(
    payload: Map<String, Value>,
    disclosures: &[Disclosure],
    alg: HashAlg,
) -> Result<Resolution> {
    let mut walker = Walker::new(disclosures, alg)?;
    let claims = walker.object(payload, 0)?;
    let paths = walker
        .placed
        .into_iter()
        .zip(&walker.digests)
        .map(|(placed, digest)| {
            placed.ok_or_else(|| Error::SdJwt(SdJwtError::UnreferencedDisclosure(digest.clone())))
        })
        .collect::<Result<_>>()?;
    Ok(Resolution { claims, paths })
}

struct Walker<'a> {
    disclosures: &'a [Disclosure],
    digests: Vec<String>,
    by_digest: HashMap<String, usize>,
    seen: HashSet<String>,
    placed: Vec<Option<ClaimPath>>,
    path: ClaimPath,
}

impl<'a> Walker<'a> {
    fn new(disclosures: &'a [Disclosure], alg: HashAlg) -> Result<Self> {
        let digests: Vec<String> = disclosures.iter().map(|d| d.digest(alg)).collect();
        let mut by_digest = HashMap::with_capacity(digests.len());
        for (i, digest) in digests.iter().enumerate() {
            if by_digest.insert(digest.clone(), i).is_some() {
                return Err(Error::SdJwt(SdJwtError::DuplicateDigest(digest.clone())));
            }
        }
        Ok(Walker {
            disclosures,
            placed: vec![None; digests.len()],
            digests,
            by_digest,
            seen: HashSet::new(),
            path: ClaimPath::root(),
        })
    }

    fn value(&mut self, value: Value, depth: usize) -> Result<Value> {
        match value {
            Value::Object(map) => Ok(Value::Object(self.object(map, depth)?)),
            Value::Array(items) => Ok(Value::Array(self.array(items, depth)?)),
            other => Ok(other),
        }
    }

    fn object(&mut self, mut map: Map<String, Value>, depth: usize) -> Result<Map<String, Value>> {
        check_depth("SD-JWT claims", depth)?;
        if map.contains_key("_sd_alg") {
            return Err(Error::SdJwt(SdJwtError::MisplacedSdAlg));
        }
        // `...` only ever keys an array element digest object, which `array` takes apart
        // before it could get here; as the name of a claim it is refused (RFC 9901 §4.1).
        if map.contains_key("...") {
            let at = if self.path.is_root() {
                "the top level".to_owned()
            } else {
                self.path.to_string()
            };
            return Err(Error::SdJwt(SdJwtError::ReservedClaimInPayload(at)));
        }
        let sd = map.remove("_sd");
        // Resolved in place: only objects and arrays can hold digests, so scalars (most
        // claims) are left as they are, without a path entry or a copy.
        for (name, value) in map.iter_mut() {
            if !is_container(value) {
                continue;
            }
            self.path.push(PathSegment::Key(name.clone()));
            *value = self.value(core::mem::take(value), depth + 1)?;
            self.path.pop();
        }
        let Some(sd) = sd else { return Ok(map) };
        let Value::Array(digests) = sd else {
            return Err(Error::SdJwt(SdJwtError::InvalidSdArray));
        };
        self.seen.reserve(digests.len());
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(Error::SdJwt(SdJwtError::InvalidSdArray));
            };
            let Some(index) = self.claim(digest)? else {
                continue;
            };
            let DisclosureKind::Property { name, value } = self.kind(index)? else {
                return Err(mismatch(
                    self.digest(index),
                    "object property",
                    "array element",
                ));
            };
            if map.contains_key(name) {
                return Err(Error::SdJwt(SdJwtError::ClaimNameCollision(name.clone())));
            }
            self.path.push(PathSegment::Key(name.clone()));
            let resolved = self.place(index, value.clone(), depth)?;
            self.path.pop();
            map.insert(name.clone(), resolved);
        }
        Ok(map)
    }

    fn array(&mut self, items: Vec<Value>, depth: usize) -> Result<Vec<Value>> {
        check_depth("SD-JWT claims", depth)?;
        let mut out = Vec::with_capacity(items.len());
        for (position, item) in items.into_iter().enumerate() {
            self.path.push(PathSegment::Index(position));
            let resolved = match array_digest(&item)? {
                Some(digest) => self.array_element(digest, depth)?,
                None => Some(self.value(item, depth + 1)?),
            };
            self.path.pop();
            out.extend(resolved);
        }
        Ok(out)
    }

    fn array_element(&mut self, digest: &str, depth: usize) -> Result<Option<Value>> {
        let Some(index) = self.claim(digest.to_owned())? else {
            return Ok(None);
        };
        let DisclosureKind::ArrayElement { value } = self.kind(index)? else {
            return Err(mismatch(
                self.digest(index),
                "array element",
                "object property",
            ));
        };
        Ok(Some(self.place(index, value.clone(), depth)?))
    }

    /// Records a digest as seen (each may appear once) and finds its disclosure, if presented.
    fn claim(&mut self, digest: String) -> Result<Option<usize>> {
        let index = self.by_digest.get(&digest).copied();
        match self.seen.replace(digest) {
            Some(again) => Err(Error::SdJwt(SdJwtError::DuplicateDigest(again))),
            None => Ok(index),
        }
    }

    /// The digest of disclosure `index`, for error messages.
    fn digest(&self, index: usize) -> String {
        self.digests.get(index).cloned().unwrap_or_default()
    }

    fn kind(&self, index: usize) -> Result<&'a DisclosureKind> {
        let disclosures: &'a [Disclosure] = self.disclosures;
        // `index` comes from `by_digest`, built from this very slice, so this cannot miss.
        disclosures
            .get(index)
            .map(Disclosure::kind)
            .ok_or_else(|| Error::SdJwt(SdJwtError::UnreferencedDisclosure(self.digest(index))))
    }

    fn place(&mut self, index: usize, value: Value, depth: usize) -> Result<Value> {
        if let Some(slot) = self.placed.get_mut(index) {
            *slot = Some(self.path.clone());
        }
        self.value(value, depth + 1)
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

/// `Some(digest)` when `item` is an array-element digest object `{"...": "<digest>"}`.
fn array_digest(item: &Value) -> Result<Option<&str>> {
    let Value::Object(map) = item else {
        return Ok(None);
    };
    let Some(digest) = map.get("...") else {
        return Ok(None);
    };
    match (map.len(), digest) {
        (1, Value::String(d)) => Ok(Some(d)),
        _ => Err(Error::SdJwt(SdJwtError::InvalidArrayDigest)),
    }
}

fn mismatch(digest: String, expected: &'static str, found: &'static str) -> Error {
    Error::SdJwt(SdJwtError::DisclosureKindMismatch {
        digest,
        expected,
        found,
    })
}
