use serde_json::{Map, Value};

use super::resolve::resolve;
use super::{HashAlg, SdJwt, KB_JWT_TYP};
use crate::claim_path::ClaimPath;
use crate::crypto::Signer;
use crate::error::{ClaimPathError, Error, Result, SdJwtError};
use crate::jws::{Jws, JwsHeader};
use crate::jwt;
use crate::time::NumericDate;

/// What the holder binds a presentation to: the verifier, its nonce, the time, and the key.
pub struct KeyBinding<'a> {
    /// The verifier (`aud`).
    pub audience: &'a str,
    /// The verifier's fresh nonce.
    pub nonce: &'a str,
    /// `iat` of the KB-JWT.
    pub issued_at: NumericDate,
    /// The holder key named in the SD-JWT's `cnf`.
    pub signer: &'a dyn Signer,
}

impl SdJwt {
    /// Every disclosure with the claim path it discloses, resolved against the payload
    /// (the holder's view; the issuer signature is not checked here).
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, claim_path::ClaimPath, sdjwt::SdJwtIssuer};
    /// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
    /// let claims = serde_json::json!({"nationalities": ["JP", "US"]});
    /// let sd = SdJwtIssuer::new(&*signer)
    ///     .issue(claims.as_object().unwrap(), &[ClaimPath::key("nationalities").then_any()], None)?;
    /// let paths: Vec<String> = sd.disclosure_paths()?.iter().map(ToString::to_string).collect();
    /// assert_eq!(paths, [r#"["nationalities",0]"#, r#"["nationalities",1]"#]);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn disclosure_paths(&self) -> Result<Vec<ClaimPath>> {
        Ok(self.resolve_unverified()?.1)
    }

    /// The claims with every disclosure of this SD-JWT applied (the holder's view; the issuer
    /// signature is not checked here — verify on receipt with [`super::verify`]).
    pub fn unverified_claims(&self) -> Result<Map<String, Value>> {
        Ok(self.resolve_unverified()?.0)
    }

    fn resolve_unverified(&self) -> Result<(Map<String, Value>, Vec<ClaimPath>)> {
        let mut payload = Jws::parse(&self.jwt)?.payload_object("SD-JWT payload")?;
        let alg = take_sd_alg(&mut payload)?;
        let resolution = resolve(payload, &self.disclosures, alg)?;
        Ok((resolution.claims, resolution.paths))
    }

    /// A presentation revealing only what `wanted` selects: the disclosure of each wanted
    /// claim itself, plus those above it that must be opened to reach it. Selectively
    /// disclosable claims *inside* a wanted claim stay hidden unless named too (this is the
    /// reference implementation's reading; see [`SdJwt::select_with_contents`] for whole
    /// subtrees). Any KB-JWT is dropped (bind again with [`SdJwt::bind`]).
    ///
    /// Every wanted path must exist in the claims ([`ClaimPathError::Unknown`]).
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, claim_path::ClaimPath, sdjwt::SdJwtIssuer};
    /// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
    /// let claims = serde_json::json!({"address": {"locality": "Kobe", "street": "1-1"}});
    /// let address = ClaimPath::key("address");
    /// let sd = [address.clone(), address.clone().then_key("locality"), address.clone().then_key("street")];
    /// let issued = SdJwtIssuer::new(&*signer).issue(claims.as_object().unwrap(), &sd, None)?;
    /// let shown = issued.select(&[address.clone().then_key("locality")])?;
    /// assert_eq!(shown.unverified_claims()?["address"], serde_json::json!({"locality": "Kobe"}));
    /// assert_eq!(issued.select(&[address.clone()])?.unverified_claims()?["address"], serde_json::json!({}));
    /// assert_eq!(issued.select_with_contents(&[address])?.disclosures().len(), 3);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn select(&self, wanted: &[ClaimPath]) -> Result<SdJwt> {
        self.select_where(wanted, ClaimPath::matches)
    }

    /// Like [`SdJwt::select`], but each wanted claim is revealed with everything inside it.
    pub fn select_with_contents(&self, wanted: &[ClaimPath]) -> Result<SdJwt> {
        self.select_where(wanted, ClaimPath::covers)
    }

    fn select_where(
        &self,
        wanted: &[ClaimPath],
        reveals: fn(&ClaimPath, &ClaimPath) -> bool,
    ) -> Result<SdJwt> {
        let (claims, paths) = self.resolve_unverified()?;
        let claims = Value::Object(claims);
        for path in wanted {
            let reachable = paths
                .iter()
                .any(|p| path.covers(p) || path.passes_through(p));
            if !reachable && path.lookup(&claims).is_none() {
                return Err(Error::ClaimPath(ClaimPathError::Unknown(path.to_string())));
            }
        }
        let disclosures = self
            .disclosures
            .iter()
            .zip(&paths)
            .filter(|(_, p)| wanted.iter().any(|w| reveals(w, p) || w.passes_through(p)))
            .map(|(d, _)| d.clone())
            .collect();
        Ok(SdJwt {
            jwt: self.jwt.clone(),
            disclosures,
            kb_jwt: None,
        })
    }

    /// Adds a KB-JWT (RFC 9901 §4.3) over this presentation, replacing any earlier one.
    pub fn bind(mut self, binding: &KeyBinding<'_>) -> Result<SdJwt> {
        self.kb_jwt = None;
        let mut payload = Jws::parse(&self.jwt)?.payload_object("SD-JWT payload")?;
        let alg = take_sd_alg(&mut payload)?;
        let mut claims = Map::new();
        claims.insert("iat".into(), Value::from(binding.issued_at.as_unix()));
        claims.insert("aud".into(), Value::String(binding.audience.into()));
        claims.insert("nonce".into(), Value::String(binding.nonce.into()));
        claims.insert("sd_hash".into(), Value::String(self.sd_hash(alg)));
        let header = JwsHeader::new(binding.signer.algorithm()).with_typ(KB_JWT_TYP);
        self.kb_jwt = Some(jwt::sign(&header, &claims, binding.signer)?);
        Ok(self)
    }
}

/// Removes and parses `_sd_alg` from the top level of a payload (absent means SHA-256).
pub(crate) fn take_sd_alg(payload: &mut Map<String, Value>) -> Result<HashAlg> {
    match payload.remove("_sd_alg") {
        None => Ok(HashAlg::Sha256),
        Some(Value::String(name)) => HashAlg::from_name(&name),
        Some(_) => Err(Error::SdJwt(SdJwtError::UnsupportedSdAlg(
            "(not a string)".into(),
        ))),
    }
}
