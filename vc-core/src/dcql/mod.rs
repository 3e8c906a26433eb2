//! The Digital Credentials Query Language (DCQL, OpenID4VP 1.0 §6 and §7): how a verifier
//! says which credentials and claims it wants, and how a wallet and a verifier evaluate that.
//!
//! * [`DcqlQuery::from_json`] parses a query through the guarded JSON parser and checks every
//!   structural rule of §6, each with its own [`Error`] variant (ids, non-empty arrays,
//!   `claim_sets` and `credential_sets` references, scalar `values`, `vct_values` for
//!   `dc+sd-jwt`). Formats other than `dc+sd-jwt` parse (and round-trip) but are reported as
//!   [`DcqlError::UnsupportedFormat`] when evaluated.
//! * Wallet side: [`CredentialQuery::evaluate`] says which claims of one credential a query
//!   needs (§6.4.1: the *first* satisfiable `claim_sets` option, the verifier's preference), and
//!   [`DcqlQuery::select`] picks which of the wallet's credentials answers which query,
//!   honouring `credential_sets` (§6.4.2).
//! * Verifier side: [`DcqlQuery::check_presented`] checks that the verified presentations of a
//!   VP Token satisfy the query, naming the failing Credential Query.
//!
//! ```
//! use myna_vc_core::dcql::{CredentialView, DcqlQuery};
//! use myna_vc_core::sdjwt_vc::Vct;
//! let query = DcqlQuery::from_json(br#"{"credentials": [{
//!     "id": "age", "format": "dc+sd-jwt",
//!     "meta": {"vct_values": ["urn:myna:resident:1"]},
//!     "claims": [{"path": ["age_over_20"], "values": [true]}]}]}"#)?;
//!
//! // The wallet: which credential, and which claims of it?
//! let vct = Vct::parse("urn:myna:resident:1")?;
//! let claims = serde_json::json!({"age_over_20": true, "birthdate": "2000-01-01"});
//! let wallet = [CredentialView { vct: &vct, claims: claims.as_object().unwrap(), holder_binding: true }];
//! let answers = query.select(&wallet)?;
//! assert_eq!(answers[0].query.as_str(), "age");
//! assert_eq!(answers[0].credential, 0);
//! assert_eq!(answers[0].claims[0].to_string(), r#"["age_over_20"]"#);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

mod evaluate;
mod parse;

use core::fmt;

use serde_json::{Map, Value};

pub use evaluate::{Answer, ClaimSelection, CredentialView, HeldCredential, Presented};

use crate::claim_path::ClaimPath;
use crate::error::{DcqlError, Error, Result};
use crate::json;
use crate::sdjwt_vc::Vct;

/// The Credential Format Identifier of SD-JWT VC, the one format this crate evaluates.
pub const SD_JWT_VC_FORMAT: &str = crate::oid4vci::SD_JWT_VC_FORMAT;

/// The id of a Credential Query: non-empty ASCII letters, digits, `_` and `-`. It keys the
/// VP Token of the response.
///
/// ```
/// use myna_vc_core::{dcql::QueryId, Error};
/// assert_eq!(QueryId::parse("my_credential-1")?.as_str(), "my_credential-1");
/// assert!(matches!(QueryId::parse("a b"), Err(Error::Dcql(myna_vc_core::DcqlError::InvalidId { .. }))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueryId(String);

impl QueryId {
    /// Checks and wraps a Credential Query id.
    pub fn parse(id: &str) -> Result<Self> {
        check_id("credential", id).map(QueryId)
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QueryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of a Claims Query, unique within its Credential Query; same character rules as
/// [`QueryId`].
///
/// ```
/// use myna_vc_core::{dcql::ClaimId, Error};
/// assert_eq!(ClaimId::parse("a")?.as_str(), "a");
/// assert!(matches!(ClaimId::parse(""), Err(Error::Dcql(myna_vc_core::DcqlError::InvalidId { kind: "claim", .. }))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimId(String);

impl ClaimId {
    /// Checks and wraps a Claims Query id.
    pub fn parse(id: &str) -> Result<Self> {
        check_id("claim", id).map(ClaimId)
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_id(kind: &'static str, id: &str) -> Result<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if id.is_empty() || !id.chars().all(allowed) {
        return Err(Error::Dcql(DcqlError::InvalidId {
            kind,
            id: shorten(id),
        }));
    }
    Ok(id.to_owned())
}

/// At most 32 characters of an untrusted string, for error messages.
fn shorten(text: &str) -> String {
    text.chars().take(32).collect()
}

/// A DCQL query (OpenID4VP 1.0 §6). See the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct DcqlQuery {
    credentials: Vec<CredentialQuery>,
    credential_sets: Vec<CredentialSetQuery>,
}

/// What format a Credential Query asks for, with its format-specific `meta`.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// `dc+sd-jwt` with `meta.vct_values` (no type inheritance: a credential matches when its
    /// `vct` is one of the values exactly).
    SdJwtVc {
        /// The acceptable credential types.
        vct_values: Vec<Vct>,
    },
    /// Any other format, kept as given; evaluating it is [`DcqlError::UnsupportedFormat`].
    Other {
        /// The Credential Format Identifier.
        format: String,
        /// The `meta` object, untouched.
        meta: Map<String, Value>,
    },
}

impl Format {
    /// The Credential Format Identifier.
    ///
    /// ```
    /// use myna_vc_core::dcql::Format;
    /// assert_eq!(Format::SdJwtVc { vct_values: vec![] }.identifier(), "dc+sd-jwt");
    /// ```
    pub fn identifier(&self) -> &str {
        match self {
            Format::SdJwtVc { .. } => SD_JWT_VC_FORMAT,
            Format::Other { format, .. } => format,
        }
    }
}

/// A Credential Query (§6.1).
///
/// ```
/// use myna_vc_core::dcql::DcqlQuery;
/// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "ticket", "format": "dc+sd-jwt",
///     "meta": {"vct_values": ["urn:ticket"]}, "multiple": true,
///     "require_cryptographic_holder_binding": false}]}"#)?;
/// let ticket = &query.credentials()[0];
/// assert!(ticket.multiple() && !ticket.require_cryptographic_holder_binding());
/// assert!(ticket.claims().is_empty() && ticket.claim_sets().is_empty());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialQuery {
    id: QueryId,
    format: Format,
    multiple: bool,
    trusted_authorities: Vec<TrustedAuthority>,
    require_cryptographic_holder_binding: bool,
    claims: Vec<ClaimQuery>,
    claim_sets: Vec<Vec<ClaimId>>,
}

impl CredentialQuery {
    /// `id`.
    pub fn id(&self) -> &QueryId {
        &self.id
    }

    /// `format` and `meta`.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// `multiple` (default `false`, §6.1): whether the VP Token may carry more than one
    /// presentation for this query.
    pub fn multiple(&self) -> bool {
        self.multiple
    }

    /// `trusted_authorities`, kept for the wallet's UI and policy. This crate does not match
    /// them: a verifier checks issuers against its own trust list.
    pub fn trusted_authorities(&self) -> &[TrustedAuthority] {
        &self.trusted_authorities
    }

    /// `require_cryptographic_holder_binding` (default `true`).
    pub fn require_cryptographic_holder_binding(&self) -> bool {
        self.require_cryptographic_holder_binding
    }

    /// `claims` (empty when absent: only the claims that are always disclosed are asked for).
    pub fn claims(&self) -> &[ClaimQuery] {
        &self.claims
    }

    /// `claim_sets` (empty when absent).
    pub fn claim_sets(&self) -> &[Vec<ClaimId>] {
        &self.claim_sets
    }
}

/// A Claims Query (§6.3).
///
/// ```
/// use myna_vc_core::dcql::DcqlQuery;
/// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "c", "format": "dc+sd-jwt",
///     "meta": {"vct_values": ["urn:x"]},
///     "claims": [{"id": "zip", "path": ["postal_code"], "values": ["90210", "90211"]}]}]}"#)?;
/// let claim = &query.credentials()[0].claims()[0];
/// assert_eq!(claim.id().map(|i| i.as_str()), Some("zip"));
/// assert_eq!(claim.path().to_string(), r#"["postal_code"]"#);
/// assert_eq!(claim.values().len(), 2);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimQuery {
    id: Option<ClaimId>,
    path: ClaimPath,
    values: Vec<Value>,
}

impl ClaimQuery {
    /// `id`, required when the Credential Query has `claim_sets`.
    pub fn id(&self) -> Option<&ClaimId> {
        self.id.as_ref()
    }

    /// `path`, the claims path pointer.
    pub fn path(&self) -> &ClaimPath {
        &self.path
    }

    /// `values` (empty when absent): strings, integers and booleans, matched by type and value.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// A Credential Set Query (§6.2).
///
/// ```
/// use myna_vc_core::dcql::DcqlQuery;
/// let query = DcqlQuery::from_json(br#"{"credentials": [
///     {"id": "a", "format": "mso_mdoc", "meta": {}}, {"id": "b", "format": "mso_mdoc", "meta": {}}],
///     "credential_sets": [{"options": [["a"], ["b"]], "required": false}]}"#)?;
/// let set = &query.credential_sets()[0];
/// assert_eq!(set.options().len(), 2);
/// assert!(!set.required());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialSetQuery {
    options: Vec<Vec<QueryId>>,
    required: bool,
}

impl CredentialSetQuery {
    /// `options`: each a set of Credential Query ids that together satisfy the use case.
    pub fn options(&self) -> &[Vec<QueryId>] {
        &self.options
    }

    /// `required` (default `true`).
    pub fn required(&self) -> bool {
        self.required
    }
}

/// A Trusted Authorities Query (§6.1.1): a `type` (`aki`, `etsi_tl`, `openid_federation`, …)
/// and its non-empty `values`.
///
/// ```
/// use myna_vc_core::dcql::DcqlQuery;
/// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "c", "format": "dc+sd-jwt",
///     "meta": {"vct_values": ["urn:x"]},
///     "trusted_authorities": [{"type": "etsi_tl", "values": ["https://lotl.example.com"]}]}]}"#)?;
/// let authority = &query.credentials()[0].trusted_authorities()[0];
/// assert_eq!((authority.kind(), authority.values()), ("etsi_tl", &["https://lotl.example.com".to_owned()][..]));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedAuthority {
    kind: String,
    values: Vec<String>,
}

impl TrustedAuthority {
    /// `type`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// `values`.
    pub fn values(&self) -> &[String] {
        &self.values
    }
}

impl DcqlQuery {
    /// Parses and checks a DCQL query from JSON bytes (at most 1 MiB, nested at most 64 deep).
    ///
    /// ```
    /// use myna_vc_core::{dcql::DcqlQuery, Error};
    /// let err = DcqlQuery::from_json(br#"{"credentials": []}"#).unwrap_err();
    /// assert_eq!(err, Error::Dcql(myna_vc_core::DcqlError::Empty("credentials")));
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let object = json::parse_object(bytes, parse::WHAT)?;
        parse::query(&object)
    }

    /// Parses and checks a DCQL query that is already JSON (e.g. the `dcql_query` member of a
    /// Request Object that went through the guarded parser).
    ///
    /// ```
    /// use myna_vc_core::dcql::DcqlQuery;
    /// let value = serde_json::json!({"credentials": [{"id": "pid", "format": "dc+sd-jwt",
    ///     "meta": {"vct_values": ["urn:eudi:pid:1"]}}]});
    /// let query = DcqlQuery::from_value(&value)?;
    /// assert_eq!(query.to_value(), value);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_value(value: &Value) -> Result<Self> {
        let object = value
            .as_object()
            .ok_or_else(|| Error::not_an_object(parse::WHAT))?;
        parse::query(object)
    }

    /// The query as JSON (defaults are written out only where they differ from the spec's).
    pub fn to_value(&self) -> Value {
        parse::to_value(self)
    }

    /// The query as compact JSON text.
    ///
    /// ```
    /// use myna_vc_core::dcql::DcqlQuery;
    /// let text = r#"{"credentials":[{"format":"dc+sd-jwt","id":"a","meta":{"vct_values":["urn:x"]}}]}"#;
    /// assert_eq!(DcqlQuery::from_json(text.as_bytes())?.to_json(), text);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// `credentials`.
    pub fn credentials(&self) -> &[CredentialQuery] {
        &self.credentials
    }

    /// `credential_sets` (empty when absent).
    pub fn credential_sets(&self) -> &[CredentialSetQuery] {
        &self.credential_sets
    }

    /// The Credential Query with this id.
    ///
    /// ```
    /// use myna_vc_core::dcql::DcqlQuery;
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "pid", "format": "mso_mdoc", "meta": {}}]}"#)?;
    /// assert_eq!(query.credential("pid").map(|c| c.format().identifier()), Some("mso_mdoc"));
    /// assert!(query.credential("other").is_none());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn credential(&self, id: &str) -> Option<&CredentialQuery> {
        self.credentials.iter().find(|c| c.id.as_str() == id)
    }
}
