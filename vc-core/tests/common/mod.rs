//! Shared test support: paths into ../shared and YAML loading of the spec example inputs.
#![allow(
    dead_code,
    reason = "each test binary uses its own part of these fixtures"
)]
#![cfg(test)]

use std::path::{Path, PathBuf};

use myna_vc_core::claim_path::{ClaimPath, PathSegment};
use myna_vc_core::crypto::SecretKey;
use serde_json::{Map, Value};
use serde_norway::Value as Yaml;

/// `../shared/<rel>` from the workspace root.
pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(rel)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn read_yaml(path: &Path) -> Yaml {
    serde_norway::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_sd(tagged: &serde_norway::value::TaggedValue) -> bool {
    tagged.tag == "sd"
}

/// A YAML value with the reference implementation's `!sd` tags, turned into plain JSON and the
/// list of claim paths the tags mark as selectively disclosable.
pub fn yaml_claims(yaml: &Yaml) -> (Map<String, Value>, Vec<ClaimPath>) {
    let mut paths = Vec::new();
    let value = convert(yaml, &mut Vec::new(), &mut paths);
    let Value::Object(map) = value else {
        panic!("user_claims is not a mapping")
    };
    (map, paths)
}

fn to_path(segments: &[PathSegment]) -> ClaimPath {
    segments.iter().fold(ClaimPath::root(), |p, s| match s {
        PathSegment::Key(k) => p.then_key(k.clone()),
        PathSegment::Index(i) => p.then_index(*i),
        PathSegment::AnyIndex => p.then_any(),
    })
}

fn convert(yaml: &Yaml, path: &mut Vec<PathSegment>, sd: &mut Vec<ClaimPath>) -> Value {
    match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                Value::from(n.as_f64().unwrap())
            }
        }
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    path.push(PathSegment::Index(i));
                    let inner = match item {
                        Yaml::Tagged(t) if is_sd(t) => {
                            sd.push(to_path(path));
                            &t.value
                        }
                        other => other,
                    };
                    let v = convert(inner, path, sd);
                    path.pop();
                    v
                })
                .collect(),
        ),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let (name, tagged) = match k {
                    Yaml::Tagged(t) if is_sd(t) => (key_string(&t.value), true),
                    other => (key_string(other), false),
                };
                path.push(PathSegment::Key(name.clone()));
                if tagged {
                    sd.push(to_path(path));
                }
                out.insert(name, convert(v, path, sd));
                path.pop();
            }
            Value::Object(out)
        }
        Yaml::Tagged(t) => panic!("unexpected tag {} outside a key or sequence item", t.tag),
    }
}

fn key_string(key: &Yaml) -> String {
    match key {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        other => panic!("unsupported mapping key {other:?}"),
    }
}

/// `holder_disclosed_claims` as claim paths, read as the reference implementation reads it: a
/// claim is disclosed when its value is `true` or a non-empty object or list (which is then
/// recursed into); `false`, `null` and empty containers disclose nothing.
pub fn holder_selection(yaml: &Yaml) -> Vec<ClaimPath> {
    let mut out = Vec::new();
    select(yaml, &mut Vec::new(), &mut out);
    out
}

fn select(yaml: &Yaml, path: &mut Vec<PathSegment>, out: &mut Vec<ClaimPath>) {
    match yaml {
        Yaml::Bool(true) => out.push(to_path(path)),
        Yaml::Mapping(map) if !map.is_empty() => {
            if !path.is_empty() {
                out.push(to_path(path));
            }
            for (k, v) in map {
                path.push(PathSegment::Key(key_string(k)));
                select(v, path, out);
                path.pop();
            }
        }
        Yaml::Sequence(items) if !items.is_empty() => {
            if !path.is_empty() {
                out.push(to_path(path));
            }
            for (i, v) in items.iter().enumerate() {
                path.push(PathSegment::Index(i));
                select(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A YAML mapping of JWK members as a JSON value.
pub fn yaml_to_json(yaml: &Yaml) -> Value {
    let (map, _) = yaml_claims(yaml);
    Value::Object(map)
}

/// A secret key from a YAML JWK (settings.yml).
pub fn secret_key(yaml: &Yaml) -> SecretKey {
    SecretKey::from_jwk(&yaml_to_json(yaml)).unwrap()
}
