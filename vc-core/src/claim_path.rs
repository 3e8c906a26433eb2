//! Claim paths: how SD-JWT VC type metadata, DCQL queries and this crate's issuance and
//! presentation APIs point at a claim.
//!
//! A path is a non-empty list of segments, each a claim name (into an object), an index (into
//! an array) or "every element" (`null` in JSON). This is the JSON form of SD-JWT VC §"Claim
//! Path" and of OpenID4VP DCQL `claims.path`.
//!
//! ```
//! use myna_vc_core::claim_path::ClaimPath;
//! let path = ClaimPath::parse_json(&serde_json::json!(["address", "locality"]))?;
//! assert_eq!(path.to_string(), r#"["address","locality"]"#);
//! assert_eq!(path, ClaimPath::key("address").then_key("locality"));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use core::fmt;

use serde_json::{Map, Value};

use crate::error::{ClaimPathError, Error, Result};

/// One step of a [`ClaimPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSegment {
    /// A claim name in an object.
    Key(String),
    /// One element of an array.
    Index(usize),
    /// Every element of an array (`null`).
    AnyIndex,
}

impl PathSegment {
    /// Whether this (pattern) segment selects the concrete segment `other`.
    pub fn matches(&self, other: &PathSegment) -> bool {
        match (self, other) {
            (PathSegment::AnyIndex, PathSegment::Index(_) | PathSegment::AnyIndex) => true,
            (a, b) => a == b,
        }
    }
}

/// A path to a claim. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ClaimPath(Vec<PathSegment>);

impl ClaimPath {
    /// The empty path (the whole claim set).
    pub fn root() -> Self {
        ClaimPath(Vec::new())
    }

    /// A one-segment path naming a top-level claim.
    pub fn key(name: impl Into<String>) -> Self {
        ClaimPath(vec![PathSegment::Key(name.into())])
    }

    /// This path extended by a claim name.
    pub fn then_key(mut self, name: impl Into<String>) -> Self {
        self.0.push(PathSegment::Key(name.into()));
        self
    }

    /// This path extended by an array index.
    pub fn then_index(mut self, index: usize) -> Self {
        self.0.push(PathSegment::Index(index));
        self
    }

    /// This path extended by "every element".
    pub fn then_any(mut self) -> Self {
        self.0.push(PathSegment::AnyIndex);
        self
    }

    /// The segments.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }

    /// Whether this is the empty path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `self` (a pattern, possibly with [`PathSegment::AnyIndex`]) selects exactly the
    /// concrete path `concrete`.
    pub fn matches(&self, concrete: &ClaimPath) -> bool {
        self.0.len() == concrete.0.len()
            && self.0.iter().zip(&concrete.0).all(|(p, c)| p.matches(c))
    }

    /// Whether `self` (a pattern) selects `concrete` or one of its ancestors, i.e. `concrete`
    /// lies inside what `self` selects.
    pub fn covers(&self, concrete: &ClaimPath) -> bool {
        self.0.len() <= concrete.0.len()
            && self.0.iter().zip(&concrete.0).all(|(p, c)| p.matches(c))
    }

    /// Whether `concrete` is a strict ancestor of what `self` (a pattern) selects.
    pub fn passes_through(&self, concrete: &ClaimPath) -> bool {
        concrete.0.len() < self.0.len() && self.0.iter().zip(&concrete.0).all(|(p, c)| p.matches(c))
    }

    /// Parses the JSON array form (strings, non-negative integers, `null`).
    ///
    /// ```
    /// use myna_vc_core::claim_path::ClaimPath;
    /// assert!(ClaimPath::parse_json(&serde_json::json!([])).is_err());
    /// assert!(ClaimPath::parse_json(&serde_json::json!(["a", -1])).is_err());
    /// assert!(ClaimPath::parse_json(&serde_json::json!(["degrees", null, "type"])).is_ok());
    /// ```
    pub fn parse_json(value: &Value) -> Result<Self> {
        let items = value
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or(Error::ClaimPath(ClaimPathError::Empty))?;
        let segments = items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(PathSegment::Key(s.clone())),
                Value::Null => Ok(PathSegment::AnyIndex),
                Value::Number(n) => n
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .map(PathSegment::Index)
                    .ok_or(Error::ClaimPath(ClaimPathError::InvalidSegment)),
                _ => Err(Error::ClaimPath(ClaimPathError::InvalidSegment)),
            })
            .collect::<Result<_>>()?;
        Ok(ClaimPath(segments))
    }

    /// The JSON array form.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|s| match s {
                    PathSegment::Key(k) => Value::String(k.clone()),
                    PathSegment::Index(i) => Value::from(*i),
                    PathSegment::AnyIndex => Value::Null,
                })
                .collect(),
        )
    }

    /// The value this concrete path points at in `root`, if any.
    ///
    /// ```
    /// use myna_vc_core::claim_path::ClaimPath;
    /// let claims = serde_json::json!({"a": [{"b": 1}]});
    /// assert_eq!(ClaimPath::key("a").then_index(0).then_key("b").lookup(&claims), Some(&serde_json::json!(1)));
    /// ```
    pub fn lookup<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        walk(root, &self.0)
    }

    /// [`lookup`](Self::lookup) in a claims object, without copying it into a [`Value`]
    /// first. The root path would select the object itself, which is not a `Value`: `None`.
    ///
    /// ```
    /// use myna_vc_core::claim_path::ClaimPath;
    /// let claims = serde_json::json!({"a": [{"b": 1}]});
    /// let claims = claims.as_object().unwrap();
    /// assert_eq!(ClaimPath::key("a").then_index(0).then_key("b").lookup_in(claims), Some(&serde_json::json!(1)));
    /// assert_eq!(ClaimPath::key("b").lookup_in(claims), None);
    /// assert_eq!(ClaimPath::root().lookup_in(claims), None);
    /// ```
    pub fn lookup_in<'a>(&self, claims: &'a Map<String, Value>) -> Option<&'a Value> {
        let (PathSegment::Key(first), rest) = self.0.split_first()? else {
            return None;
        };
        walk(claims.get(first)?, rest)
    }

    pub(crate) fn push(&mut self, seg: PathSegment) {
        self.0.push(seg);
    }

    pub(crate) fn pop(&mut self) {
        self.0.pop();
    }
}

fn walk<'a>(root: &'a Value, segments: &[PathSegment]) -> Option<&'a Value> {
    segments.iter().try_fold(root, |node, seg| match seg {
        PathSegment::Key(k) => node.as_object()?.get(k),
        PathSegment::Index(i) => node.as_array()?.get(*i),
        PathSegment::AnyIndex => None,
    })
}

impl fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

impl From<&[&str]> for ClaimPath {
    fn from(keys: &[&str]) -> Self {
        ClaimPath(
            keys.iter()
                .map(|k| PathSegment::Key((*k).to_owned()))
                .collect(),
        )
    }
}

// ---- claims path pointer processing (OpenID4VP 1.0 §7.1.1), used by DCQL ----------------
impl ClaimPath {
    /// Applies this path to a JSON credential exactly as OpenID4VP 1.0 §7.1.1 processes a
    /// claims path pointer, returning every selected element with its concrete path (no
    /// [`PathSegment::AnyIndex`] in it).
    ///
    /// A key applied to a non-object, or an index or `null` applied to a non-array, aborts
    /// with [`ClaimPathError::TypeMismatch`]; an empty selection is
    /// [`ClaimPathError::Unknown`].
    ///
    /// ```
    /// use myna_vc_core::{claim_path::ClaimPath, Error};
    /// let claims = serde_json::json!({"degrees": [{"type": "BSc"}, {"type": "MSc"}], "name": "A"});
    /// let types = ClaimPath::key("degrees").then_any().then_key("type");
    /// let found: Vec<String> = types.select(&claims)?.iter().map(|(p, _)| p.to_string()).collect();
    /// assert_eq!(found, [r#"["degrees",0,"type"]"#, r#"["degrees",1,"type"]"#]);
    /// assert!(matches!(ClaimPath::key("name").then_any().select(&claims), Err(Error::ClaimPath(myna_vc_core::ClaimPathError::TypeMismatch(_)))));
    /// assert!(matches!(ClaimPath::key("age").select(&claims), Err(Error::ClaimPath(myna_vc_core::ClaimPathError::Unknown(_)))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn select<'v>(&self, root: &'v Value) -> Result<Vec<(ClaimPath, &'v Value)>> {
        let mut selected = vec![(ClaimPath::root(), root)];
        for segment in &self.0 {
            let mut next = Vec::with_capacity(selected.len());
            for (path, node) in selected {
                self.step(segment, path, node, &mut next)?;
            }
            selected = next;
        }
        if selected.is_empty() {
            return Err(Error::ClaimPath(ClaimPathError::Unknown(self.to_string())));
        }
        Ok(selected)
    }

    /// One processing step of [`ClaimPath::select`] on one selected element.
    fn step<'v>(
        &self,
        segment: &PathSegment,
        path: ClaimPath,
        node: &'v Value,
        out: &mut Vec<(ClaimPath, &'v Value)>,
    ) -> Result<()> {
        let mismatch = || Error::ClaimPath(ClaimPathError::TypeMismatch(self.to_string()));
        match segment {
            PathSegment::Key(key) => {
                let object = node.as_object().ok_or_else(mismatch)?;
                if let Some(child) = object.get(key) {
                    out.push((path.then_key(key.clone()), child));
                }
            }
            PathSegment::Index(index) => {
                let array = node.as_array().ok_or_else(mismatch)?;
                if let Some(child) = array.get(*index) {
                    out.push((path.then_index(*index), child));
                }
            }
            PathSegment::AnyIndex => {
                let array = node.as_array().ok_or_else(mismatch)?;
                out.extend(
                    array
                        .iter()
                        .enumerate()
                        .map(|(i, child)| (path.clone().then_index(i), child)),
                );
            }
        }
        Ok(())
    }
}
