//! The Referenced Token side: the `status` claim that points at one entry of one Status List.

use serde_json::{Map, Value};

use crate::error::{Error, JwtError, Result};

use super::status::StatusIndex;
use super::uri::StatusListUri;

const STATUS: &str = "status";
const STATUS_LIST: &str = "status.status_list";
const IDX: &str = "status.status_list.idx";
const URI: &str = "status.status_list.uri";

/// Where a Referenced Token's status lives: entry `index` of the Status List Token at `uri`
/// (the `status.status_list` claim, draft §6.2).
///
/// ```
/// use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
/// let claims = serde_json::json!({
///     "status": {"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}}
/// });
/// let reference = StatusReference::from_claims(claims.as_object().unwrap())?;
/// assert_eq!(reference.index, StatusIndex::new(0));
/// assert_eq!(reference.uri.as_str(), "https://example.com/statuslists/1");
/// assert_eq!(reference.to_status_claim(), claims["status"]);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusReference {
    /// `idx`: the entry of this token.
    pub index: StatusIndex,
    /// `uri`: the Status List Token to fetch; its `sub` must equal this.
    pub uri: StatusListUri,
}

impl StatusReference {
    /// A reference to entry `index` of the list at `uri`.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
    /// let uri = StatusListUri::new("https://city.example/status/3")?;
    /// let reference = StatusReference::new(StatusIndex::new(42), uri);
    /// assert_eq!(reference.index.get(), 42);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn new(index: StatusIndex, uri: StatusListUri) -> Self {
        StatusReference { index, uri }
    }

    /// Reads `status.status_list` from a Referenced Token's claims. Each missing level is
    /// [`JwtError::MissingClaim`] naming the path; a wrong type, a negative or fractional `idx`
    /// or a `uri` that is not a URI is [`JwtError::InvalidClaim`]. Other members of `status`
    /// (other status mechanisms) and of `status_list` are ignored.
    ///
    /// ```
    /// use myna_vc_core::{status_list::StatusReference, Error};
    /// let claims = serde_json::json!({"status": {"status_list": {"idx": -1, "uri": "https://x.example"}}});
    /// assert!(matches!(StatusReference::from_claims(claims.as_object().unwrap()),
    ///                  Err(Error::Jwt(myna_vc_core::JwtError::InvalidClaim { claim: "status.status_list.idx", .. }))));
    /// let claims = serde_json::json!({"iss": "https://x.example"});
    /// assert_eq!(StatusReference::from_claims(claims.as_object().unwrap()),
    ///            Err(Error::Jwt(myna_vc_core::JwtError::MissingClaim("status"))));
    /// ```
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Self> {
        let status = object_member(claims, "status", STATUS)?;
        let status_list = object_member(status, "status_list", STATUS_LIST)?;
        let index = status_list
            .get("idx")
            .ok_or(Error::Jwt(JwtError::MissingClaim(IDX)))?
            .as_u64()
            .ok_or_else(|| invalid(IDX, "must be a non-negative integer"))?;
        let uri = match status_list.get("uri") {
            None => return Err(Error::Jwt(JwtError::MissingClaim(URI))),
            Some(Value::String(uri)) => {
                StatusListUri::new(uri.as_str()).map_err(|e| invalid(URI, e.to_string()))?
            }
            Some(_) => return Err(invalid(URI, "must be a string")),
        };
        Ok(StatusReference {
            index: StatusIndex::new(index),
            uri,
        })
    }

    /// The value of the `status` claim: `{"status_list": {"idx": …, "uri": …}}`.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
    /// let reference = StatusReference::new(StatusIndex::new(7),
    ///                                      StatusListUri::new("https://city.example/s/1")?);
    /// assert_eq!(reference.to_status_claim(),
    ///            serde_json::json!({"status_list": {"idx": 7, "uri": "https://city.example/s/1"}}));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_status_claim(&self) -> Value {
        let mut status = Map::new();
        status.insert("status_list".into(), self.status_list_object());
        Value::Object(status)
    }

    /// Writes `status.status_list` into a claim set, keeping any other status mechanisms
    /// already in `status`. A `status` claim that is not an object is [`JwtError::InvalidClaim`].
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
    /// let reference = StatusReference::new(StatusIndex::new(3),
    ///                                      StatusListUri::new("https://city.example/s/1")?);
    /// let mut claims = serde_json::json!({"vct": "x", "status": {"other_mechanism": {}}});
    /// reference.insert_into(claims.as_object_mut().unwrap())?;
    /// assert_eq!(claims["status"]["status_list"]["idx"], 3);
    /// assert!(claims["status"]["other_mechanism"].is_object());
    /// assert_eq!(StatusReference::from_claims(claims.as_object().unwrap())?, reference);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn insert_into(&self, claims: &mut Map<String, Value>) -> Result<()> {
        let status = claims
            .entry("status")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(status) = status else {
            return Err(invalid(STATUS, "must be a JSON object"));
        };
        status.insert("status_list".into(), self.status_list_object());
        Ok(())
    }

    fn status_list_object(&self) -> Value {
        let mut status_list = Map::new();
        status_list.insert("idx".into(), Value::from(self.index.get()));
        status_list.insert("uri".into(), Value::String(self.uri.as_str().into()));
        Value::Object(status_list)
    }
}

/// `parent[name]`, which must be present and a JSON object; `path` names it in errors.
fn object_member<'a>(
    parent: &'a Map<String, Value>,
    name: &str,
    path: &'static str,
) -> Result<&'a Map<String, Value>> {
    parent
        .get(name)
        .ok_or(Error::Jwt(JwtError::MissingClaim(path)))?
        .as_object()
        .ok_or_else(|| invalid(path, "must be a JSON object"))
}

fn invalid(claim: &'static str, detail: impl Into<String>) -> Error {
    Error::Jwt(JwtError::InvalidClaim {
        claim,
        detail: detail.into(),
    })
}
