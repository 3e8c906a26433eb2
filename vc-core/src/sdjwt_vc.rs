//! SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): the `dc+sd-jwt` profile of SD-JWT, and a typed way
//! to declare a credential type.
//!
//! On top of [`crate::sdjwt`] this module fixes the header `typ` to `dc+sd-jwt`, requires
//! `vct`, keeps the registered claims that must never be selectively disclosed (`iss`, `nbf`,
//! `exp`, `cnf`, `vct`, `vct#integrity`, `status`) in the clear — the issuer refuses to hide
//! them and the verifier refuses a presentation that discloses them — and binds every
//! credential to a holder key (`cnf.jwk`).
//!
//! A [`CredentialType`] declares a credential: its [`Vct`], which claims are always in the
//! clear, which are selectively disclosable, which are mandatory, and (feature `schema`) a JSON
//! Schema the claims must satisfy. The schemas of myna-vc's own credentials live under
//! `specs/` in the repository.
//!
//! ```
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! use myna_vc_core::claim_path::ClaimPath;
//! use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule};
//! use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, SdJwtVcIssuer, Vct, VcRequest, VcVerifyOptions};
//! use myna_vc_core::time::NumericDate;
//! let provider = default_provider();
//! let (issuer_key, holder_key) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
//! let (issuer, holder) = (provider.signer(&issuer_key)?, provider.signer(&holder_key)?);
//!
//! let age = CredentialType::new(Vct::parse("https://vc.example.jp/age")?)
//!     .claim(ClaimPath::key("age_over_20"), DisclosureRule::Selective, true)
//!     .claim(ClaimPath::key("birthdate"), DisclosureRule::Selective, false);
//! let now = NumericDate::from_unix(1_800_000_000);
//! let claims = serde_json::json!({"age_over_20": true, "birthdate": "2001-04-02"});
//! let vc = SdJwtVcIssuer::new(&*issuer, "https://city.example.jp").issue(&VcRequest {
//!     credential_type: &age,
//!     claims: claims.as_object().unwrap(),
//!     holder_key: &holder_key.public_key(),
//!     issued_at: now,
//!     expires_at: Some(now.plus_seconds(86_400)),
//!     status: None,
//! })?;
//!
//! let presentation = vc.select(&[ClaimPath::key("age_over_20")])?
//!     .bind(&KeyBinding { audience: "https://shop.example", nonce: "abc", issued_at: now, signer: &*holder })?
//!     .to_string();
//! let rule = KeyBindingRule::Required { audience: "https://shop.example", nonce: "abc", max_age_secs: 300 };
//! let verified = myna_vc_core::sdjwt_vc::verify(
//!     &presentation, provider, &issuer_key.public_key(),
//!     &VcVerifyOptions::at(now, rule).expect_vct(age.vct()))?;
//! assert_eq!(verified.vct(), age.vct());
//! assert_eq!(verified.claims()["age_over_20"], true);
//! assert!(verified.claims().get("birthdate").is_none());
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use core::fmt;

use serde_json::{Map, Value};

use crate::claim_path::{ClaimPath, PathSegment};
use crate::crypto::{CryptoProvider, PublicKey, Signer};
use crate::error::{Error, JwtError, Result, SdJwtError, SdJwtVcError};
use crate::sdjwt::{
    Decoys, Disclosed, KeyBindingRule, SdJwt, SdJwtIssuer, UnverifiedSdJwt, VerifyOptions,
};
use crate::status_list::StatusReference;
use crate::time::NumericDate;

/// The `typ` of an SD-JWT VC.
pub const TYP: &str = "dc+sd-jwt";

/// Registered claims that must never be selectively disclosed in an SD-JWT VC.
pub const NEVER_DISCLOSABLE: [&str; 7] =
    ["iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"];

/// The longest `vct` accepted.
pub const MAX_VCT_LEN: usize = 2048;

/// A credential type identifier (`vct`): a non-empty, case-sensitive string or URI.
///
/// ```
/// use myna_vc_core::sdjwt_vc::Vct;
/// assert_eq!(Vct::parse("urn:eudi:pid:1")?.as_str(), "urn:eudi:pid:1");
/// assert!(Vct::parse("").is_err());
/// assert!(Vct::parse("bad\nvct").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Vct(String);

impl Vct {
    /// Checks and wraps a `vct` value.
    pub fn parse(value: &str) -> Result<Self> {
        if value.is_empty() || value.len() > MAX_VCT_LEN || value.chars().any(char::is_control) {
            return Err(Error::Jwt(JwtError::InvalidClaim {
                claim: "vct",
                detail: format!("must be 1 to {MAX_VCT_LEN} characters with no control characters"),
            }));
        }
        Ok(Vct(value.to_owned()))
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Vct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a declared claim may be disclosed (the `sd` of SD-JWT VC claim metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisclosureRule {
    /// Always in the clear (`sd: never`): every presentation shows it.
    Always,
    /// Selectively disclosable (`sd: always`): the holder decides per presentation.
    Selective,
}

/// One declared claim of a [`CredentialType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimDeclaration {
    /// Where the claim is (may use "every element" for arrays).
    pub path: ClaimPath,
    /// How it may be disclosed.
    pub disclosure: DisclosureRule,
    /// Whether the issuer must include it.
    pub mandatory: bool,
}

/// A declared credential type. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct CredentialType {
    vct: Vct,
    claims: Vec<ClaimDeclaration>,
    schema: Option<Value>,
    /// The schema compiled once, on first use (compiling costs far more than validating).
    #[cfg(any(feature = "schema", feature = "schema-lite"))]
    compiled:
        std::sync::Arc<std::sync::OnceLock<core::result::Result<schema_engine::Compiled, String>>>,
}

impl CredentialType {
    /// A type with no declared claims yet.
    pub fn new(vct: Vct) -> Self {
        CredentialType {
            vct,
            claims: Vec::new(),
            schema: None,
            #[cfg(any(feature = "schema", feature = "schema-lite"))]
            compiled: Default::default(),
        }
    }

    /// Declares a claim.
    pub fn claim(mut self, path: ClaimPath, disclosure: DisclosureRule, mandatory: bool) -> Self {
        self.claims.push(ClaimDeclaration {
            path,
            disclosure,
            mandatory,
        });
        self
    }

    /// Attaches a JSON Schema (draft 2020-12 unless `$schema` says otherwise) that the claims
    /// handed to the issuer must satisfy. Checked only with the `schema` feature (the
    /// `jsonschema` crate) or `schema-lite` (the `json_schema` module's subset, for
    /// small wasm builds; `schema` wins when both are on).
    pub fn with_schema(mut self, schema: Value) -> Self {
        self.schema = Some(schema);
        #[cfg(any(feature = "schema", feature = "schema-lite"))]
        {
            self.compiled = Default::default();
        }
        self
    }

    /// The type identifier.
    pub fn vct(&self) -> &Vct {
        &self.vct
    }

    /// The declared claims.
    pub fn claims(&self) -> &[ClaimDeclaration] {
        &self.claims
    }

    /// The attached JSON Schema, if any.
    pub fn schema(&self) -> Option<&Value> {
        self.schema.as_ref()
    }

    /// Checks `claims` (the credential-specific claims, without `iss`, `vct`, …) against the
    /// declaration: every top-level claim declared, every mandatory claim present, and the
    /// JSON Schema (feature `schema`) satisfied.
    ///
    /// ```
    /// use myna_vc_core::{claim_path::ClaimPath, sdjwt_vc::{CredentialType, DisclosureRule, Vct}, Error};
    /// let t = CredentialType::new(Vct::parse("urn:example:t")?)
    ///     .claim(ClaimPath::key("a"), DisclosureRule::Always, true);
    /// assert!(t.check_claims(serde_json::json!({"a": 1}).as_object().unwrap()).is_ok());
    /// assert!(matches!(t.check_claims(serde_json::json!({}).as_object().unwrap()), Err(Error::SdJwtVc(myna_vc_core::SdJwtVcError::SchemaViolation { .. }))));
    /// assert!(matches!(t.check_claims(serde_json::json!({"a": 1, "b": 2}).as_object().unwrap()), Err(Error::SdJwtVc(myna_vc_core::SdJwtVcError::SchemaViolation { .. }))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn check_claims(&self, claims: &Map<String, Value>) -> Result<()> {
        for name in claims.keys() {
            let declared = self.claims.iter().any(
                |c| matches!(c.path.segments().first(), Some(PathSegment::Key(k)) if k == name),
            );
            if !declared {
                return Err(self.violation(format!("claim `{name}` is not declared")));
            }
        }
        let root = Value::Object(claims.clone());
        if let Some(missing) = self
            .claims
            .iter()
            .find(|c| c.mandatory && !has_any_index(&c.path) && c.path.lookup(&root).is_none())
        {
            return Err(self.violation(format!("mandatory claim {} is missing", missing.path)));
        }
        self.check_schema(&root)
    }

    #[cfg(any(feature = "schema", feature = "schema-lite"))]
    fn check_schema(&self, root: &Value) -> Result<()> {
        let Some(schema) = &self.schema else {
            return Ok(());
        };
        let compiled = self.compiled.get_or_init(|| schema_engine::compile(schema));
        let validator = compiled
            .as_ref()
            .map_err(|e| self.violation(format!("the type's JSON Schema is invalid: {e}")))?;
        match schema_engine::first_violation(validator, root) {
            Some(detail) => Err(self.violation(detail)),
            None => Ok(()),
        }
    }

    #[cfg(not(any(feature = "schema", feature = "schema-lite")))]
    fn check_schema(&self, _root: &Value) -> Result<()> {
        Ok(())
    }

    fn violation(&self, detail: String) -> Error {
        Error::SdJwtVc(SdJwtVcError::SchemaViolation {
            vct: self.vct.0.clone(),
            detail,
        })
    }

    /// The decoy policy that hides which optional claims a holder has: a top-level `_sd`
    /// array of 1 to 4 more digests than the type declares top-level selectively disclosable
    /// claims, whether or not they are present ([`Decoys::Padded`]).
    ///
    /// ```
    /// use myna_vc_core::claim_path::ClaimPath;
    /// use myna_vc_core::sdjwt::Decoys;
    /// use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule::*, Vct};
    /// let shelter = CredentialType::new(Vct::parse("urn:example:shelter")?)
    ///     .claim(ClaimPath::key("shelter_id"), Always, true)
    ///     .claim(ClaimPath::key("medication"), Selective, false)
    ///     .claim(ClaimPath::key("allergies"), Selective, false);
    /// assert_eq!(shelter.padding(), Decoys::Padded { min: 3, spread: 3 });
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn padding(&self) -> Decoys {
        let top_level = self
            .claims
            .iter()
            .filter(|c| c.disclosure == DisclosureRule::Selective && c.path.segments().len() == 1)
            .count();
        let min = u8::try_from(top_level + 1).unwrap_or(u8::MAX - 3);
        Decoys::Padded { min, spread: 3 }
    }

    /// The selectively disclosable paths that select something in `claims`.
    fn disclosable_paths(&self, claims: &Value) -> Vec<ClaimPath> {
        self.claims
            .iter()
            .filter(|c| c.disclosure == DisclosureRule::Selective)
            .filter(|c| has_any_index(&c.path) || c.path.lookup(claims).is_some())
            .map(|c| c.path.clone())
            .collect()
    }

    /// The SD-JWT VC Type Metadata document for this type (`vct` and claim metadata with
    /// `path`, `sd` and `mandatory`).
    pub fn type_metadata(&self) -> Value {
        let claims: Vec<Value> = self
            .claims
            .iter()
            .map(|c| {
                serde_json::json!({
                    "path": c.path.to_json(),
                    "sd": match c.disclosure { DisclosureRule::Always => "never", DisclosureRule::Selective => "always" },
                    "mandatory": c.mandatory,
                })
            })
            .collect();
        serde_json::json!({ "vct": self.vct.as_str(), "claims": claims })
    }
}

fn has_any_index(path: &ClaimPath) -> bool {
    path.segments().contains(&PathSegment::AnyIndex)
}

/// What to issue: a type, its claims, the holder key and the validity.
pub struct VcRequest<'a> {
    /// The credential type (its declaration decides what is selectively disclosable).
    pub credential_type: &'a CredentialType,
    /// The credential-specific claims (no `iss`, `vct`, `cnf`, `status`, `iat`, `exp`, `nbf`).
    pub claims: &'a Map<String, Value>,
    /// The holder key the credential is bound to (`cnf.jwk`).
    pub holder_key: &'a PublicKey,
    /// `iat`.
    pub issued_at: NumericDate,
    /// `exp`, if the credential expires.
    pub expires_at: Option<NumericDate>,
    /// Where the credential's status lives in a Token Status List, if it can be revoked.
    pub status: Option<&'a StatusReference>,
}

/// Issues SD-JWT VCs for one issuer identifier.
pub struct SdJwtVcIssuer<'a> {
    signer: &'a dyn Signer,
    iss: String,
    kid: Option<String>,
    /// `None`: padded to the credential type ([`CredentialType::padding`]).
    decoys: Option<Decoys>,
}

impl<'a> SdJwtVcIssuer<'a> {
    /// An issuer with identifier `iss` (its did:web DID or HTTPS URL) signing with `signer`.
    /// Decoys default to [`CredentialType::padding`]: the top-level `_sd` array has the same
    /// length distribution for every holder of a type, whichever optional claims they have.
    pub fn new(signer: &'a dyn Signer, iss: &str) -> Self {
        SdJwtVcIssuer {
            signer,
            iss: iss.to_owned(),
            kid: None,
            decoys: None,
        }
    }

    /// Sets the `kid` header (e.g. `did:web:city.example#key-1`).
    pub fn with_kid(mut self, kid: &str) -> Self {
        self.kid = Some(kid.to_owned());
        self
    }

    /// Sets the decoy policy.
    pub fn with_decoys(mut self, decoys: Decoys) -> Self {
        self.decoys = Some(decoys);
        self
    }

    /// Issues one credential.
    pub fn issue(&self, request: &VcRequest<'_>) -> Result<SdJwt> {
        let reserved = [
            "iss",
            "iat",
            "nbf",
            "exp",
            "cnf",
            "vct",
            "vct#integrity",
            "status",
            "_sd",
            "_sd_alg",
        ];
        if let Some(name) = reserved.iter().find(|n| request.claims.contains_key(**n)) {
            return Err(Error::Jwt(JwtError::InvalidClaim {
                claim: "claims",
                detail: format!("`{name}` is set by the issuer, not passed as a claim"),
            }));
        }
        let ctype = request.credential_type;
        ctype.check_claims(request.claims)?;
        let disclosable = ctype.disclosable_paths(&Value::Object(request.claims.clone()));
        let mut claims = request.claims.clone();
        claims.insert("iss".into(), Value::String(self.iss.clone()));
        claims.insert("vct".into(), Value::String(ctype.vct.0.clone()));
        claims.insert("iat".into(), request.issued_at.as_unix().into());
        if let Some(exp) = request.expires_at {
            claims.insert("exp".into(), exp.as_unix().into());
        }
        if let Some(status) = request.status {
            status.insert_into(&mut claims)?;
        }
        let mut issuer = SdJwtIssuer::new(self.signer)
            .with_typ(TYP)
            .with_decoys(self.decoys.unwrap_or_else(|| ctype.padding()));
        if let Some(kid) = &self.kid {
            issuer = issuer.with_kid(kid);
        }
        issuer.issue(&claims, &disclosable, Some(request.holder_key))
    }
}

/// What [`verify`] checks.
#[derive(Debug, Clone, Copy)]
pub struct VcVerifyOptions<'a> {
    /// The SD-JWT checks (its `typ` is forced to `dc+sd-jwt`).
    pub sd: VerifyOptions<'a>,
    /// The expected credential type, if the verifier wants one.
    pub vct: Option<&'a Vct>,
}

impl<'a> VcVerifyOptions<'a> {
    /// At `now`, with the given key-binding rule, any `vct`.
    pub fn at(now: NumericDate, key_binding: KeyBindingRule<'a>) -> Self {
        VcVerifyOptions {
            sd: VerifyOptions::at(now).key_binding(key_binding),
            vct: None,
        }
    }

    /// Requires this `vct`.
    pub fn expect_vct(mut self, vct: &'a Vct) -> Self {
        self.vct = Some(vct);
        self
    }
}

/// A verified SD-JWT VC presentation.
#[derive(Debug, Clone)]
pub struct VerifiedCredential {
    vct: Vct,
    disclosed: Disclosed,
}

impl VerifiedCredential {
    /// The credential type.
    pub fn vct(&self) -> &Vct {
        &self.vct
    }

    /// `iss`, if present.
    pub fn issuer(&self) -> Option<&str> {
        self.claims().get("iss").and_then(Value::as_str)
    }

    /// The Token Status List reference: `Ok(None)` without a `status` claim, an error when
    /// the claim is present but not a valid `status_list` reference (fail closed: a verifier
    /// must not treat a broken reference as "never revoked").
    pub fn status(&self) -> Result<Option<StatusReference>> {
        if !self.claims().contains_key("status") {
            return Ok(None);
        }
        StatusReference::from_claims(self.claims()).map(Some)
    }

    /// The disclosed claims (see [`Disclosed::claims`]).
    pub fn claims(&self) -> &Map<String, Value> {
        self.disclosed.claims()
    }

    /// The underlying SD-JWT verification result.
    pub fn disclosed(&self) -> &Disclosed {
        &self.disclosed
    }
}

/// Verifies an SD-JWT VC presentation: everything [`crate::sdjwt::verify`] checks, plus `typ`
/// `dc+sd-jwt`, a valid `vct` (the expected one, if given), and none of
/// [`NEVER_DISCLOSABLE`] arriving through a disclosure.
pub fn verify(
    presentation: &str,
    provider: &dyn CryptoProvider,
    issuer_key: &PublicKey,
    options: &VcVerifyOptions<'_>,
) -> Result<VerifiedCredential> {
    verify_parsed(
        UnverifiedSdJwt::parse(presentation)?,
        provider,
        issuer_key,
        options,
    )
}

/// [`verify`] for a presentation already parsed, e.g. to read its unverified `iss` and `kid`
/// and pick the issuer key from a trust list without parsing it twice.
///
/// ```
/// # use myna_vc_core::crypto::{default_provider, SecretKey};
/// # use myna_vc_core::claim_path::ClaimPath;
/// # use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule, UnverifiedSdJwt};
/// # use myna_vc_core::sdjwt_vc::{self, CredentialType, DisclosureRule, SdJwtVcIssuer, Vct, VcRequest, VcVerifyOptions};
/// # use myna_vc_core::time::NumericDate;
/// # let provider = default_provider();
/// # let (issuer_key, holder_key) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
/// # let (issuer, holder) = (provider.signer(&issuer_key)?, provider.signer(&holder_key)?);
/// # let age = CredentialType::new(Vct::parse("https://vc.example.jp/age")?)
/// #     .claim(ClaimPath::key("age_over_20"), DisclosureRule::Selective, true);
/// # let now = NumericDate::from_unix(1_800_000_000);
/// # let claims = serde_json::json!({"age_over_20": true});
/// # let vc = SdJwtVcIssuer::new(&*issuer, "https://city.example.jp").issue(&VcRequest {
/// #     credential_type: &age, claims: claims.as_object().unwrap(), holder_key: &holder_key.public_key(),
/// #     issued_at: now, expires_at: None, status: None })?;
/// # let presentation = vc.select(&[ClaimPath::key("age_over_20")])?
/// #     .bind(&KeyBinding { audience: "https://shop.example", nonce: "abc", issued_at: now, signer: &*holder })?
/// #     .to_string();
/// let mut parsed = UnverifiedSdJwt::parse(&presentation)?;
/// let iss = parsed.unverified_payload()?["iss"].as_str().unwrap_or_default().to_owned();
/// assert_eq!(iss, "https://city.example.jp"); // look its key up by this; here we know it
/// let rule = KeyBindingRule::Required { audience: "https://shop.example", nonce: "abc", max_age_secs: 300 };
/// let verified = sdjwt_vc::verify_parsed(parsed, provider, &issuer_key.public_key(),
///     &VcVerifyOptions::at(now, rule).expect_vct(age.vct()))?;
/// assert_eq!(verified.issuer(), Some(iss.as_str()));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn verify_parsed(
    presentation: UnverifiedSdJwt<'_>,
    provider: &dyn CryptoProvider,
    issuer_key: &PublicKey,
    options: &VcVerifyOptions<'_>,
) -> Result<VerifiedCredential> {
    let sd_options = options.sd.typ(TYP);
    let disclosed = presentation.verify(provider, issuer_key, &sd_options)?;
    if let Some(name) = disclosed
        .disclosed_paths()
        .iter()
        .find_map(never_disclosable)
    {
        return Err(Error::SdJwt(SdJwtError::NotDisclosable(name.to_owned())));
    }
    let vct = match disclosed.claims().get("vct") {
        Some(Value::String(v)) => Vct::parse(v)?,
        Some(_) => {
            return Err(Error::Jwt(JwtError::InvalidClaim {
                claim: "vct",
                detail: "must be a string".into(),
            }))
        }
        None => return Err(Error::Jwt(JwtError::MissingClaim("vct"))),
    };
    if let Some(expected) = options.vct {
        if &vct != expected {
            return Err(Error::SdJwtVc(SdJwtVcError::WrongVct {
                expected: expected.0.clone(),
                found: vct.0,
            }));
        }
    }
    Ok(VerifiedCredential { vct, disclosed })
}

fn never_disclosable(path: &ClaimPath) -> Option<&str> {
    match path.segments() {
        [PathSegment::Key(name)] if NEVER_DISCLOSABLE.contains(&name.as_str()) => Some(name),
        _ => None,
    }
}

/// The JSON Schema validator behind [`CredentialType::check_claims`]: `jsonschema` (feature
/// `schema`), else this crate's small [`json_schema`](crate::json_schema) (feature
/// `schema-lite`, for the npm wallet). Either way the detail names the keyword and the
/// instance path, never the value (personal data).
#[cfg(feature = "schema")]
mod schema_engine {
    use serde_json::Value;

    pub(super) type Compiled = jsonschema::Validator;

    pub(super) fn compile(schema: &Value) -> Result<Compiled, String> {
        jsonschema::validator_for(schema).map_err(|e| e.to_string())
    }

    pub(super) fn first_violation(validator: &Compiled, root: &Value) -> Option<String> {
        validator.iter_errors(root).next().map(|err| {
            format!(
                "schema: {} at {}",
                err.kind().keyword(),
                err.instance_path()
            )
        })
    }
}

/// See the `schema` variant above.
#[cfg(all(feature = "schema-lite", not(feature = "schema")))]
mod schema_engine {
    use serde_json::Value;

    pub(super) type Compiled = crate::json_schema::Schema;

    pub(super) fn compile(schema: &Value) -> Result<Compiled, String> {
        Compiled::compile(schema).map_err(|e| e.to_string())
    }

    pub(super) fn first_violation(validator: &Compiled, root: &Value) -> Option<String> {
        validator
            .first_violation(root)
            .map(|v| format!("schema: {} at {}", v.keyword, v.instance_path))
    }
}
