//! DCQL from and to JSON, with the structural rules of OpenID4VP 1.0 §6. Unknown members are
//! ignored, as §6 requires ("Implementations MUST ignore any unknown properties").

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{
    ClaimId, ClaimQuery, CredentialQuery, CredentialSetQuery, DcqlQuery, Format, QueryId,
    TrustedAuthority, SD_JWT_VC_FORMAT,
};
use crate::claim_path::ClaimPath;
use crate::error::{DcqlError, Error, Oid4vpError, Result};
use crate::sdjwt_vc::Vct;

/// What a DCQL query is called in errors.
pub(super) const WHAT: &str = "DCQL query";

pub(super) fn query(object: &Map<String, Value>) -> Result<DcqlQuery> {
    let credentials = non_empty_array(object, "credentials")?
        .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("credentials")))?
        .iter()
        .map(credential)
        .collect::<Result<Vec<_>>>()?;
    let mut seen = BTreeSet::new();
    if let Some(dup) = credentials.iter().find(|c| !seen.insert(c.id.as_str())) {
        return Err(Error::Dcql(DcqlError::DuplicateId {
            kind: "credential",
            id: dup.id.0.clone(),
        }));
    }
    let credential_sets = match non_empty_array(object, "credential_sets")? {
        None => Vec::new(),
        Some(sets) => sets
            .iter()
            .map(|s| credential_set(s, &seen))
            .collect::<Result<_>>()?,
    };
    Ok(DcqlQuery {
        credentials,
        credential_sets,
    })
}

fn credential(value: &Value) -> Result<CredentialQuery> {
    let object = as_object(value, "credentials[]")?;
    let id = QueryId::parse(required_str(object, "id")?)?;
    let format = format(object, &id)?;
    let claims = match non_empty_array(object, "claims")? {
        None => Vec::new(),
        Some(items) => items.iter().map(|c| claim(c, &id)).collect::<Result<_>>()?,
    };
    check_claims(&claims, &id)?;
    let claim_sets = claim_sets(object, &claims, &id)?;
    let trusted_authorities = match non_empty_array(object, "trusted_authorities")? {
        None => Vec::new(),
        Some(items) => items.iter().map(trusted_authority).collect::<Result<_>>()?,
    };
    Ok(CredentialQuery {
        format,
        multiple: bool_or(object, "multiple", false)?,
        require_cryptographic_holder_binding: bool_or(
            object,
            "require_cryptographic_holder_binding",
            true,
        )?,
        trusted_authorities,
        claims,
        claim_sets,
        id,
    })
}

fn format(object: &Map<String, Value>, id: &QueryId) -> Result<Format> {
    let name = required_str(object, "format")?;
    let meta = match object.get("meta") {
        Some(Value::Object(meta)) => meta,
        Some(_) => return Err(Error::member_type(WHAT, "meta", "an object")),
        None => return Err(Error::Oid4vp(Oid4vpError::MissingParameter("meta"))),
    };
    if name != SD_JWT_VC_FORMAT {
        return Ok(Format::Other {
            format: name.to_owned(),
            meta: meta.clone(),
        });
    }
    let missing = || {
        Error::Dcql(DcqlError::MissingMeta {
            credential: id.0.clone(),
            member: "vct_values",
        })
    };
    let values = match meta.get("vct_values") {
        Some(Value::Array(values)) if !values.is_empty() => values,
        _ => return Err(missing()),
    };
    let vct_values = values
        .iter()
        .map(|v| v.as_str().ok_or_else(missing).and_then(Vct::parse))
        .collect::<Result<_>>()?;
    Ok(Format::SdJwtVc { vct_values })
}

fn claim(value: &Value, credential: &QueryId) -> Result<ClaimQuery> {
    let object = as_object(value, "claims[]")?;
    let id = optional_str(object, "id")?
        .map(ClaimId::parse)
        .transpose()?;
    let path = ClaimPath::parse_json(object.get("path").unwrap_or(&Value::Null))?;
    let values = match non_empty_array(object, "values")? {
        None => Vec::new(),
        Some(values) => values.clone(),
    };
    let scalar = |v: &Value| match v {
        Value::String(_) | Value::Bool(_) => true,
        Value::Number(n) => n.is_i64() || n.is_u64(),
        _ => false,
    };
    if !values.iter().all(scalar) {
        return Err(Error::Dcql(DcqlError::InvalidValue(credential.0.clone())));
    }
    Ok(ClaimQuery { id, path, values })
}

/// Claim ids unique, claim paths not repeated.
fn check_claims(claims: &[ClaimQuery], credential: &QueryId) -> Result<()> {
    let mut ids = BTreeSet::new();
    if let Some(dup) = claims
        .iter()
        .filter_map(|c| c.id.as_ref())
        .find(|id| !ids.insert(id.as_str()))
    {
        return Err(Error::Dcql(DcqlError::DuplicateId {
            kind: "claim",
            id: dup.0.clone(),
        }));
    }
    let mut paths = BTreeSet::new();
    if let Some(dup) = claims.iter().find(|c| !paths.insert(&c.path)) {
        return Err(Error::Dcql(DcqlError::DuplicateClaimPath {
            credential: credential.0.clone(),
            path: dup.path.to_string(),
        }));
    }
    Ok(())
}

fn claim_sets(
    object: &Map<String, Value>,
    claims: &[ClaimQuery],
    credential: &QueryId,
) -> Result<Vec<Vec<ClaimId>>> {
    let Some(sets) = non_empty_array(object, "claim_sets")? else {
        return Ok(Vec::new());
    };
    if claims.is_empty() {
        return Err(Error::Dcql(DcqlError::ClaimSetsWithoutClaims(
            credential.0.clone(),
        )));
    }
    if claims.iter().any(|c| c.id.is_none()) {
        return Err(Error::Dcql(DcqlError::ClaimWithoutId(credential.0.clone())));
    }
    let known = |id: &ClaimId| claims.iter().any(|c| c.id.as_ref() == Some(id));
    sets.iter()
        .map(|set| {
            let ids = id_list(set, "claim_sets[]", ClaimId::parse)?;
            match ids.iter().find(|id| !known(id)) {
                Some(unknown) => Err(Error::Dcql(DcqlError::UnknownClaimId {
                    credential: credential.0.clone(),
                    claim: unknown.0.clone(),
                })),
                None => Ok(ids),
            }
        })
        .collect()
}

fn credential_set(value: &Value, known: &BTreeSet<&str>) -> Result<CredentialSetQuery> {
    let object = as_object(value, "credential_sets[]")?;
    let options = non_empty_array(object, "options")?
        .ok_or(Error::Dcql(DcqlError::Empty("options")))?
        .iter()
        .map(|option| {
            let ids = id_list(option, "options[]", QueryId::parse)?;
            match ids.iter().find(|id| !known.contains(id.as_str())) {
                Some(unknown) => Err(Error::Dcql(DcqlError::UnknownCredentialId(
                    unknown.0.clone(),
                ))),
                None => Ok(ids),
            }
        })
        .collect::<Result<_>>()?;
    Ok(CredentialSetQuery {
        options,
        required: bool_or(object, "required", true)?,
    })
}

fn trusted_authority(value: &Value) -> Result<TrustedAuthority> {
    let object = as_object(value, "trusted_authorities[]")?;
    let kind = required_str(object, "type")?.to_owned();
    let values = non_empty_array(object, "values")?
        .ok_or(Error::Dcql(DcqlError::Empty("values")))?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| Error::member_type(WHAT, "values", "an array of strings"))
        })
        .collect::<Result<_>>()?;
    Ok(TrustedAuthority { kind, values })
}

/// A non-empty array of id strings.
fn id_list<T>(value: &Value, member: &'static str, parse: fn(&str) -> Result<T>) -> Result<Vec<T>> {
    let items = value
        .as_array()
        .ok_or_else(|| Error::member_type(WHAT, member, "an array of ids"))?;
    if items.is_empty() {
        return Err(Error::Dcql(DcqlError::Empty(member)));
    }
    items
        .iter()
        .map(|item| match item {
            Value::String(id) => parse(id),
            _ => Err(Error::member_type(WHAT, member, "an array of ids")),
        })
        .collect()
}

fn as_object<'a>(value: &'a Value, member: &str) -> Result<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| Error::member_type(WHAT, member, "an object"))
}

/// `Ok(None)` when absent; an error when present but not a non-empty array.
fn non_empty_array<'a>(
    object: &'a Map<String, Value>,
    member: &'static str,
) -> Result<Option<&'a Vec<Value>>> {
    match object.get(member) {
        None => Ok(None),
        Some(Value::Array(items)) if items.is_empty() => Err(Error::Dcql(DcqlError::Empty(member))),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(_) => Err(Error::member_type(WHAT, member, "a non-empty array")),
    }
}

fn optional_str<'a>(object: &'a Map<String, Value>, member: &str) -> Result<Option<&'a str>> {
    match object.get(member) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::member_type(WHAT, member, "a string")),
    }
}

fn required_str<'a>(object: &'a Map<String, Value>, member: &'static str) -> Result<&'a str> {
    optional_str(object, member)?.ok_or(Error::Oid4vp(Oid4vpError::MissingParameter(member)))
}

fn bool_or(object: &Map<String, Value>, member: &str, default: bool) -> Result<bool> {
    match object.get(member) {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(Error::member_type(WHAT, member, "a boolean")),
    }
}

// ---- to JSON --------------------------------------------------------------------------------

pub(super) fn to_value(query: &DcqlQuery) -> Value {
    let mut object = Map::new();
    let credentials = query.credentials.iter().map(credential_to_value).collect();
    object.insert("credentials".into(), Value::Array(credentials));
    if !query.credential_sets.is_empty() {
        let sets = query
            .credential_sets
            .iter()
            .map(|set| {
                let mut out = Map::new();
                let options = set.options.iter().map(|o| ids_to_value(o, |i| &i.0));
                out.insert("options".into(), Value::Array(options.collect()));
                if !set.required {
                    out.insert("required".into(), Value::Bool(false));
                }
                Value::Object(out)
            })
            .collect();
        object.insert("credential_sets".into(), Value::Array(sets));
    }
    Value::Object(object)
}

fn credential_to_value(query: &CredentialQuery) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), Value::String(query.id.0.clone()));
    out.insert(
        "format".into(),
        Value::String(query.format.identifier().to_owned()),
    );
    let meta = match &query.format {
        Format::SdJwtVc { vct_values } => {
            let values = vct_values
                .iter()
                .map(|v| Value::String(v.as_str().to_owned()));
            let mut meta = Map::new();
            meta.insert("vct_values".into(), Value::Array(values.collect()));
            meta
        }
        Format::Other { meta, .. } => meta.clone(),
    };
    out.insert("meta".into(), Value::Object(meta));
    if query.multiple {
        out.insert("multiple".into(), Value::Bool(true));
    }
    if !query.require_cryptographic_holder_binding {
        out.insert(
            "require_cryptographic_holder_binding".into(),
            Value::Bool(false),
        );
    }
    if !query.trusted_authorities.is_empty() {
        let authorities = query
            .trusted_authorities
            .iter()
            .map(|t| serde_json::json!({"type": t.kind, "values": t.values}));
        out.insert(
            "trusted_authorities".into(),
            Value::Array(authorities.collect()),
        );
    }
    if !query.claims.is_empty() {
        let claims = query.claims.iter().map(claim_to_value).collect();
        out.insert("claims".into(), Value::Array(claims));
    }
    if !query.claim_sets.is_empty() {
        let sets = query.claim_sets.iter().map(|s| ids_to_value(s, |i| &i.0));
        out.insert("claim_sets".into(), Value::Array(sets.collect()));
    }
    Value::Object(out)
}

fn claim_to_value(claim: &ClaimQuery) -> Value {
    let mut out = Map::new();
    if let Some(id) = &claim.id {
        out.insert("id".into(), Value::String(id.0.clone()));
    }
    out.insert("path".into(), claim.path.to_json());
    if !claim.values.is_empty() {
        out.insert("values".into(), Value::Array(claim.values.clone()));
    }
    Value::Object(out)
}

fn ids_to_value<T>(ids: &[T], text: fn(&T) -> &String) -> Value {
    Value::Array(ids.iter().map(|i| Value::String(text(i).clone())).collect())
}
