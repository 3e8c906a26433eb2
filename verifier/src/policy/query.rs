//! The one place a policy's requirements become the query a wallet receives: a DCQL query
//! (OpenID4VP 1.0 §6) with one credential query per [`Requirement`], format `dc+sd-jwt`, the
//! `vct` in `meta.vct_values` and one claims query per required claim.
//!
//! ```
//! use myna_verifier::policy::{age::AgeCheck, query::dcql_query, Policy};
//! let query = dcql_query(AgeCheck::over_20()?.requirements());
//! assert_eq!(query["credentials"][0]["id"], "age");
//! assert_eq!(query["credentials"][0]["meta"]["vct_values"][0], "urn:myna-vc:vct:age:1");
//! assert_eq!(query["credentials"][0]["claims"][0]["path"][0], "age_over_20");
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::Result;
use serde_json::{json, Value};

use super::Requirement;

/// The credential format every myna-vc credential uses.
pub const FORMAT: &str = "dc+sd-jwt";

/// The DCQL query (JSON) asking for `requirements`.
pub fn dcql_query(requirements: &[Requirement]) -> Value {
    let credentials: Vec<Value> = requirements
        .iter()
        .map(|r| {
            let claims: Vec<Value> = r
                .claims
                .iter()
                .map(|path| json!({ "path": path.to_json() }))
                .collect();
            json!({
                "id": r.id,
                "format": FORMAT,
                "meta": { "vct_values": [r.vct.as_str()] },
                "claims": claims,
            })
        })
        .collect();
    json!({ "credentials": credentials })
}

/// The DCQL query for a policy's requirements, parsed (what a request or a wallet carries).
///
/// ```
/// use myna_verifier::policy::{child_entry::ChildEntry, Policy};
/// let query = myna_verifier::policy::query::dcql(ChildEntry::himeji()?.requirements())?;
/// assert_eq!(query.credentials().len(), 2);
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn dcql(requirements: &[Requirement]) -> Result<DcqlQuery> {
    DcqlQuery::from_value(&dcql_query(requirements))
}
