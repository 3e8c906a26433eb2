//! Evaluating a DCQL query (OpenID4VP 1.0 §6.4): against the wallet's credentials, to choose
//! what to present, and against verified presentations, to check what came back.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{ClaimQuery, CredentialQuery, DcqlQuery, Format, QueryId};
use crate::claim_path::ClaimPath;
use crate::error::{DcqlError, Error, JwtError, Result};
use crate::sdjwt::SdJwt;
use crate::sdjwt_vc::{Vct, VerifiedCredential};

/// A credential as DCQL sees it. In the wallet: the credential's `vct`, its claims with every
/// disclosure applied (`SdJwt::unverified_claims`) and whether it has a `cnf` key. In the
/// verifier: the verified presentation's `vct`, its disclosed claims and whether a KB-JWT was
/// verified.
#[derive(Debug, Clone, Copy)]
pub struct CredentialView<'a> {
    /// The credential type.
    pub vct: &'a Vct,
    /// The claims (the whole claim set in the wallet, the disclosed ones at the verifier).
    pub claims: &'a Map<String, Value>,
    /// Whether the credential is (wallet) or was proven (verifier) bound to a holder key.
    pub holder_binding: bool,
}

impl<'a> CredentialView<'a> {
    /// The verifier's view of a verified SD-JWT VC presentation: its `vct`, its disclosed
    /// claims, and holder binding if a KB-JWT was verified.
    ///
    /// ```
    /// use myna_vc_core::crypto::{default_provider, SecretKey};
    /// use myna_vc_core::dcql::CredentialView;
    /// use myna_vc_core::sdjwt::KeyBindingRule;
    /// use myna_vc_core::sdjwt_vc::{self, CredentialType, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct};
    /// use myna_vc_core::time::NumericDate;
    /// let (issuer, holder) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
    /// let signer = default_provider().signer(&issuer)?;
    /// let ctype = CredentialType::new(Vct::parse("urn:x")?);
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let claims = serde_json::Map::new();
    /// let sd = SdJwtVcIssuer::new(&*signer, "did:web:city.example").issue(&VcRequest {
    ///     credential_type: &ctype, claims: &claims, holder_key: &holder.public_key(),
    ///     issued_at: now, expires_at: None, status: None })?;
    /// let options = VcVerifyOptions::at(now, KeyBindingRule::Optional);
    /// let verified = sdjwt_vc::verify(&sd.to_string(), default_provider(), &issuer.public_key(), &options)?;
    /// let view = CredentialView::verified(&verified);
    /// assert_eq!(view.vct.as_str(), "urn:x");
    /// assert!(!view.holder_binding, "no KB-JWT was presented");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn verified(credential: &'a VerifiedCredential) -> Self {
        CredentialView {
            vct: credential.vct(),
            claims: credential.claims(),
            holder_binding: credential.disclosed().key_binding().is_some(),
        }
    }
}

/// A credential in the wallet as DCQL needs it: its `vct` and every claim with all
/// disclosures applied, and whether it names a holder key (`cnf`). Read from the wallet's own
/// stored SD-JWT, without verifying the issuer signature again.
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::claim_path::ClaimPath;
/// use myna_vc_core::dcql::HeldCredential;
/// use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct};
/// use myna_vc_core::time::NumericDate;
/// let (issuer, holder) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
/// let signer = default_provider().signer(&issuer)?;
/// let ctype = CredentialType::new(Vct::parse("urn:myna-vc:vct:age:1")?)
///     .claim(ClaimPath::key("age_over_20"), DisclosureRule::Selective, true);
/// let claims = serde_json::json!({"age_over_20": true});
/// let sd = SdJwtVcIssuer::new(&*signer, "did:web:city.example").issue(&VcRequest {
///     credential_type: &ctype, claims: claims.as_object().unwrap(), holder_key: &holder.public_key(),
///     issued_at: NumericDate::from_unix(1_800_000_000), expires_at: None, status: None })?;
/// let held = HeldCredential::from_sd_jwt(&sd)?;
/// let view = held.view();
/// assert_eq!(view.vct.as_str(), "urn:myna-vc:vct:age:1");
/// assert_eq!(view.claims["age_over_20"], true);
/// assert!(view.holder_binding);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HeldCredential {
    vct: Vct,
    claims: Map<String, Value>,
}

impl HeldCredential {
    /// Reads the `vct` and the claims of a stored credential.
    pub fn from_sd_jwt(credential: &SdJwt) -> Result<Self> {
        let claims = credential.unverified_claims()?;
        let vct = match claims.get("vct") {
            Some(Value::String(vct)) => Vct::parse(vct)?,
            Some(_) => {
                return Err(Error::Jwt(JwtError::InvalidClaim {
                    claim: "vct",
                    detail: "must be a string".into(),
                }))
            }
            None => return Err(Error::Jwt(JwtError::MissingClaim("vct"))),
        };
        Ok(HeldCredential { vct, claims })
    }

    /// The view [`DcqlQuery::select`] takes.
    pub fn view(&self) -> CredentialView<'_> {
        CredentialView {
            vct: &self.vct,
            claims: &self.claims,
            holder_binding: self.claims.contains_key("cnf"),
        }
    }
}

/// The claims one credential discloses to answer one Credential Query: concrete claim paths
/// (array wildcards expanded), ready for `SdJwt::select_with_contents`.
///
/// ```
/// use myna_vc_core::dcql::{CredentialView, DcqlQuery};
/// use myna_vc_core::sdjwt_vc::Vct;
/// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "c", "format": "dc+sd-jwt",
///     "meta": {"vct_values": ["urn:x"]}, "claims": [{"path": ["nationalities", null]}]}]}"#)?;
/// let vct = Vct::parse("urn:x")?;
/// let claims = serde_json::json!({"nationalities": ["JP", "US"]});
/// let view = CredentialView { vct: &vct, claims: claims.as_object().unwrap(), holder_binding: true };
/// let selection = query.credentials()[0].evaluate(&view)?;
/// let paths: Vec<String> = selection.paths().iter().map(ToString::to_string).collect();
/// assert_eq!(paths, [r#"["nationalities",0]"#, r#"["nationalities",1]"#]);
/// assert_eq!(selection.claim_set(), None);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClaimSelection {
    paths: Vec<ClaimPath>,
    claim_set: Option<usize>,
}

impl ClaimSelection {
    /// The claim paths to disclose (empty: only what is never selectively disclosable).
    pub fn paths(&self) -> &[ClaimPath] {
        &self.paths
    }

    /// The index of the `claim_sets` option used, if the query has `claim_sets`.
    pub fn claim_set(&self) -> Option<usize> {
        self.claim_set
    }

    /// The claim paths, by value.
    pub fn into_paths(self) -> Vec<ClaimPath> {
        self.paths
    }
}

/// The wallet's answer to one Credential Query: which of its credentials, disclosing what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The Credential Query answered (the VP Token key).
    pub query: QueryId,
    /// The index of the credential in the slice given to [`DcqlQuery::select`].
    pub credential: usize,
    /// The claims to disclose. Present them with `SdJwt::select_with_contents`: a DCQL path
    /// to an object selects the object *with* its sub-claims (§7.3), and for leaf paths it is
    /// the same as `SdJwt::select`.
    pub claims: Vec<ClaimPath>,
}

/// Verified presentations by Credential Query id, as a verifier holds them after checking
/// each presentation of a VP Token.
pub type Presented<'a> = BTreeMap<String, Vec<CredentialView<'a>>>;

impl CredentialQuery {
    /// The claims `credential` must disclose to satisfy this query, or
    /// [`DcqlError::Unsatisfied`] saying why it cannot ([`DcqlError::UnsupportedFormat`] for
    /// formats other than `dc+sd-jwt`).
    ///
    /// Rules (§6.4.1): the `vct` must be one of `meta.vct_values`; a holder binding is needed
    /// unless `require_cryptographic_holder_binding` is `false`; without `claims` nothing
    /// selectively disclosable is asked for; with `claims` but no `claim_sets` every claim is
    /// needed; with `claim_sets` the *first* option that can be satisfied is used (the order is
    /// the verifier's preference, and the spec asks wallets to follow it). A claim with
    /// `values` counts only where its value equals one of them in type and value, and only
    /// those array elements are disclosed.
    ///
    /// ```
    /// use myna_vc_core::dcql::{CredentialView, DcqlQuery};
    /// use myna_vc_core::sdjwt_vc::Vct;
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "pid", "format": "dc+sd-jwt",
    ///   "meta": {"vct_values": ["urn:pid"]},
    ///   "claims": [{"id": "over", "path": ["age_over_20"]}, {"id": "born", "path": ["birthdate"]}],
    ///   "claim_sets": [["over"], ["born"]]}]}"#)?;
    /// let vct = Vct::parse("urn:pid")?;
    /// let claims = serde_json::json!({"birthdate": "2000-01-01"});
    /// let view = CredentialView { vct: &vct, claims: claims.as_object().unwrap(), holder_binding: true };
    /// let selection = query.credentials()[0].evaluate(&view)?;
    /// assert_eq!(selection.claim_set(), Some(1));
    /// assert_eq!(selection.paths()[0].to_string(), r#"["birthdate"]"#);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn evaluate(&self, credential: &CredentialView<'_>) -> Result<ClaimSelection> {
        self.check_type(credential.vct)?;
        if self.require_cryptographic_holder_binding && !credential.holder_binding {
            return Err(self.unsatisfied("a cryptographic holder binding is required"));
        }
        if self.claims.is_empty() {
            return Ok(ClaimSelection::default());
        }
        let root = Value::Object(credential.claims.clone());
        if self.claim_sets.is_empty() {
            let paths = self.resolve_all(self.claims.iter(), &root)?;
            return Ok(ClaimSelection {
                paths,
                claim_set: None,
            });
        }
        for (index, set) in self.claim_sets.iter().enumerate() {
            let claims = set.iter().filter_map(|id| {
                self.claims
                    .iter()
                    .find(|c| c.id.as_ref().is_some_and(|c| c == id))
            });
            if let Ok(paths) = self.resolve_all(claims, &root) {
                return Ok(ClaimSelection {
                    paths,
                    claim_set: Some(index),
                });
            }
        }
        Err(self.unsatisfied("no option of `claim_sets` can be satisfied"))
    }

    /// The format is ours and the type one of the requested.
    fn check_type(&self, vct: &Vct) -> Result<()> {
        match &self.format {
            Format::SdJwtVc { vct_values } if vct_values.contains(vct) => Ok(()),
            Format::SdJwtVc { .. } => Err(self.unsatisfied("the credential type is not requested")),
            Format::Other { format, .. } => Err(Error::Dcql(DcqlError::UnsupportedFormat {
                credential: self.id.0.clone(),
                format: super::shorten(format),
            })),
        }
    }

    /// Every claim's concrete paths, in query order without repeats.
    fn resolve_all<'q>(
        &self,
        claims: impl Iterator<Item = &'q ClaimQuery>,
        root: &Value,
    ) -> Result<Vec<ClaimPath>> {
        let mut paths: Vec<ClaimPath> = Vec::new();
        for claim in claims {
            for path in self.resolve(claim, root)? {
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
        Ok(paths)
    }

    /// One claim's concrete paths, keeping only elements whose value is requested.
    fn resolve(&self, claim: &ClaimQuery, root: &Value) -> Result<Vec<ClaimPath>> {
        let selected = claim
            .path
            .select(root)
            .map_err(|_| self.unsatisfied(&format!("claim {} is not present", claim.path)))?;
        let kept: Vec<ClaimPath> = selected
            .into_iter()
            .filter(|(_, value)| claim.values.is_empty() || claim.values.contains(value))
            .map(|(path, _)| path)
            .collect();
        if kept.is_empty() {
            return Err(self.unsatisfied(&format!(
                "claim {} does not have a requested value",
                claim.path
            )));
        }
        Ok(kept)
    }

    fn unsatisfied(&self, reason: &str) -> Error {
        Error::Dcql(DcqlError::Unsatisfied {
            query: self.id.0.clone(),
            reason: reason.to_owned(),
        })
    }

    /// The first of the wallet's credentials that satisfies this query, with its claims. The
    /// error explains the failure of a credential of a requested type, if there is one.
    fn first_match(&self, wallet: &[CredentialView<'_>]) -> Result<(usize, ClaimSelection)> {
        let mut failure = self.unsatisfied("no credential of a requested type is in the wallet");
        for (index, credential) in wallet.iter().enumerate() {
            match self.evaluate(credential) {
                Ok(selection) => return Ok((index, selection)),
                Err(err @ Error::Dcql(DcqlError::UnsupportedFormat { .. })) => return Err(err),
                Err(err) if self.check_type(credential.vct).is_ok() => failure = err,
                Err(_) => {}
            }
        }
        Err(failure)
    }
}

impl DcqlQuery {
    /// Chooses which of the wallet's credentials answers which Credential Query (§6.4.2).
    ///
    /// Without `credential_sets` every query must be answered; with them, every required set
    /// is answered by its first option whose queries can all be answered, and an optional set
    /// by its first such option if there is one. Each query takes the first matching
    /// credential in `wallet` order (one presentation even when `multiple` is allowed); the
    /// answers come in the order of `credentials`. If a required query or set cannot be
    /// answered, nothing is returned but the error naming it (§6.4.2: "MUST NOT return any
    /// Credential(s)").
    ///
    /// ```
    /// use myna_vc_core::dcql::{CredentialView, DcqlQuery};
    /// use myna_vc_core::{sdjwt_vc::Vct, Error};
    /// let query = DcqlQuery::from_json(br#"{
    ///   "credentials": [
    ///     {"id": "mynumber", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:jpki"]}},
    ///     {"id": "resident", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:resident"]}}],
    ///   "credential_sets": [{"options": [["mynumber"], ["resident"]]}]}"#)?;
    /// let vct = Vct::parse("urn:resident")?;
    /// let claims = serde_json::Map::new();
    /// let wallet = [CredentialView { vct: &vct, claims: &claims, holder_binding: true }];
    /// let answers = query.select(&wallet)?;
    /// assert_eq!(answers.len(), 1);
    /// assert_eq!(answers[0].query.as_str(), "resident");
    /// assert!(matches!(query.select(&[]), Err(Error::Dcql(myna_vc_core::DcqlError::Unsatisfied { .. }))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn select(&self, wallet: &[CredentialView<'_>]) -> Result<Vec<Answer>> {
        let results: Vec<Result<(usize, ClaimSelection)>> = self
            .credentials
            .iter()
            .map(|q| q.first_match(wallet))
            .collect();
        let answered = |id: &QueryId| {
            self.position(id)
                .and_then(|i| results.get(i))
                .is_some_and(Result::is_ok)
        };
        let chosen = self.choose(answered, |id| {
            self.position(id)
                .and_then(|i| results.get(i))
                .and_then(|r| r.as_ref().err().cloned())
                .unwrap_or(Error::Dcql(DcqlError::MissingPresentation(id.0.clone())))
        })?;
        let mut answers = Vec::new();
        for (query, result) in self.credentials.iter().zip(results) {
            if !chosen.contains(&query.id) {
                continue;
            }
            let (credential, selection) = result?;
            answers.push(Answer {
                query: query.id.clone(),
                credential,
                claims: selection.into_paths(),
            });
        }
        Ok(answers)
    }

    /// Checks, at the verifier, that verified presentations satisfy this query (§8.6 step 3):
    /// every key a Credential Query id, one presentation per query unless `multiple`, each
    /// presentation satisfying its query (type, holder binding, claims, and `values` — we
    /// enforce `values` because our wallet honours them; the spec lets wallets ignore them, so
    /// a verifier must never rely on a *missing* check), and every required query or credential
    /// set answered.
    ///
    /// ```
    /// use myna_vc_core::dcql::{CredentialView, DcqlQuery, Presented};
    /// use myna_vc_core::{sdjwt_vc::Vct, Error};
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
    ///   "meta": {"vct_values": ["urn:resident"]}, "claims": [{"path": ["age_over_20"], "values": [true]}]}]}"#)?;
    /// let vct = Vct::parse("urn:resident")?;
    /// let adult = serde_json::json!({"age_over_20": true});
    /// let minor = serde_json::json!({"age_over_20": false});
    /// let view = CredentialView { vct: &vct, claims: adult.as_object().unwrap(), holder_binding: true };
    /// query.check_presented(&Presented::from([("age".to_owned(), vec![view])]))?;
    /// let view = CredentialView { vct: &vct, claims: minor.as_object().unwrap(), holder_binding: true };
    /// let err = query.check_presented(&Presented::from([("age".to_owned(), vec![view])])).unwrap_err();
    /// assert!(matches!(err, Error::Dcql(myna_vc_core::DcqlError::Unsatisfied { .. })));
    /// assert!(matches!(query.check_presented(&Presented::new()), Err(Error::Dcql(myna_vc_core::DcqlError::MissingPresentation(_)))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn check_presented(&self, presented: &Presented<'_>) -> Result<()> {
        for (id, views) in presented {
            let query = self.credential(id).ok_or_else(|| {
                Error::Dcql(DcqlError::UnexpectedPresentation(super::shorten(id)))
            })?;
            let allowed = if query.multiple {
                "one or more"
            } else {
                "exactly one"
            };
            if views.is_empty() || (views.len() > 1 && !query.multiple) {
                return Err(Error::Dcql(DcqlError::PresentationCount {
                    query: id.clone(),
                    count: views.len(),
                    allowed,
                }));
            }
            for view in views {
                query.evaluate(view)?;
            }
        }
        let answered = |id: &QueryId| presented.contains_key(id.as_str());
        self.choose(answered, |id| {
            Error::Dcql(DcqlError::MissingPresentation(id.0.clone()))
        })
        .map(|_| ())
    }

    /// The Credential Queries to answer given which can be answered (§6.4.2), or the error
    /// `missing` gives for the first query of a requirement that cannot be met.
    fn choose(
        &self,
        answered: impl Fn(&QueryId) -> bool,
        missing: impl Fn(&QueryId) -> Error,
    ) -> Result<Vec<QueryId>> {
        if self.credential_sets.is_empty() {
            return match self.credentials.iter().find(|q| !answered(&q.id)) {
                Some(query) => Err(missing(&query.id)),
                None => Ok(self.credentials.iter().map(|q| q.id.clone()).collect()),
            };
        }
        let mut chosen: Vec<QueryId> = Vec::new();
        for set in &self.credential_sets {
            let option = set.options.iter().find(|o| o.iter().all(&answered));
            match (option, set.required) {
                (Some(option), _) => chosen.extend(option.iter().cloned()),
                (None, false) => {}
                (None, true) => {
                    let first = set
                        .options
                        .first()
                        .and_then(|o| o.iter().find(|id| !answered(id)));
                    return Err(first.map_or(Error::Dcql(DcqlError::Empty("options")), missing));
                }
            }
        }
        Ok(chosen)
    }

    fn position(&self, id: &QueryId) -> Option<usize> {
        self.credentials.iter().position(|q| &q.id == id)
    }
}
