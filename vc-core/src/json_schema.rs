//! A small JSON Schema (draft 2020-12) validator for credential claims: the validation keywords
//! the credential types of this project use, and nothing else (feature `schema-lite`).
//!
//! Why it exists: the npm wallet checks every received credential against its type's schema,
//! and the `jsonschema` crate (feature `schema`) with its regular-expression, URI and big-number
//! stack made up two thirds of that `.wasm` (about 700 KB of the 1.07 MB gzipped, see
//! BENCHMARKS). Native builds keep `jsonschema`; the wasm wallet uses this one; a test in
//! `myna-vocabulary` runs both over every credential type's schema and many good and bad
//! claim sets and requires the same answer.
//!
//! What it enforces, exactly as `jsonschema` does with its default options:
//! `type` (a name or a list; `integer` includes numbers like `1.0`), `enum` and `const` (JSON
//! equality, `1` equals `1.0`), `minLength`/`maxLength` (in Unicode scalar values), `pattern`
//! (a search, not anchored; [`regex_lite`] syntax), `minimum`/`maximum`/`exclusiveMinimum`/
//! `exclusiveMaximum` (exact comparison of integers and floats), `properties`, `required`,
//! `additionalProperties`, `items` (one schema for every element), `minItems`/`maxItems`, and
//! boolean schemas. `format` is an annotation in draft 2020-12 and not asserted (as
//! `jsonschema` does by default); `$schema` (2020-12 only), `$id`, `$comment`, `title`,
//! `description`, `examples`, `default`, `deprecated`, `readOnly` and `writeOnly` are
//! annotations too.
//!
//! It fails closed: a schema with any other keyword (`$ref`, `allOf`, `patternProperties`, …),
//! another dialect, or a pattern [`regex_lite`] cannot compile (look-around, back-references,
//! Unicode classes such as `\p{L}`) is refused at compile time, so no credential is ever
//! accepted against a rule that was silently skipped. Patterns differ from ECMA-262 only where
//! the schemas here never go: `\s` and `\w` are ASCII, `.` also matches `\r` and U+2028/9.
//!
//! ```
//! use myna_vc_core::json_schema::Schema;
//! use serde_json::json;
//! let schema = Schema::compile(&json!({
//!     "type": "object",
//!     "properties": { "code": { "type": "string", "pattern": "^[0-9]{6}$" } },
//!     "required": ["code"],
//!     "additionalProperties": false
//! }))?;
//! assert!(schema.first_violation(&json!({"code": "281000"})).is_none());
//! let v = schema.first_violation(&json!({"code": "28100"})).unwrap();
//! assert_eq!((v.keyword, v.instance_path.as_str()), ("pattern", "/code"));
//! # Ok::<(), myna_vc_core::json_schema::SchemaError>(())
//! ```

use core::cmp::Ordering;
use core::fmt;

use serde_json::{Map, Number, Value};

/// The one dialect accepted in `$schema`.
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keywords that only annotate: accepted and not checked (as in `jsonschema`'s defaults).
const ANNOTATIONS: &[&str] = &[
    "$id",
    "$comment",
    "title",
    "description",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
];

/// A compiled schema. See the [module docs](self).
#[derive(Debug)]
pub struct Schema {
    root: Node,
}

/// Why a schema was refused: malformed, or using what this validator does not enforce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(String);

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

/// The first rule an instance breaks: which keyword, and where (a JSON Pointer, `""` for the
/// root). The value itself is not carried (it may be personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The keyword, as spelled in the schema (`"pattern"`, `"required"`, …; `"false"` for a
    /// `false` schema).
    pub keyword: &'static str,
    /// Where in the instance, as a JSON Pointer.
    pub instance_path: String,
}

impl Schema {
    /// Compiles `schema`, refusing what this validator would not enforce.
    ///
    /// ```
    /// use myna_vc_core::json_schema::Schema;
    /// use serde_json::json;
    /// assert!(Schema::compile(&json!({"type": "string", "maxLength": 3})).is_ok());
    /// assert!(Schema::compile(&json!({"allOf": [{"type": "string"}]})).is_err());
    /// assert!(Schema::compile(&json!({"pattern": "(?=a)"})).is_err());
    /// ```
    pub fn compile(schema: &Value) -> Result<Schema, SchemaError> {
        if let Some(dialect) = schema.get("$schema") {
            if dialect.as_str() != Some(DRAFT_2020_12) {
                return Err(SchemaError(format!(
                    "only JSON Schema draft 2020-12 is supported, not {dialect}"
                )));
            }
        }
        Ok(Schema {
            root: Node::compile(schema, true)?,
        })
    }

    /// The first rule `instance` breaks, or `None` if it satisfies the schema.
    ///
    /// ```
    /// use myna_vc_core::json_schema::Schema;
    /// use serde_json::json;
    /// let s = Schema::compile(&json!({"type": "integer", "minimum": 0}))?;
    /// assert!(s.first_violation(&json!(3.0)).is_none());
    /// assert_eq!(s.first_violation(&json!(-1)).unwrap().keyword, "minimum");
    /// # Ok::<(), myna_vc_core::json_schema::SchemaError>(())
    /// ```
    pub fn first_violation(&self, instance: &Value) -> Option<Violation> {
        self.root.check(instance).map(|broken| Violation {
            keyword: broken.keyword,
            instance_path: pointer(&broken.reversed_path),
        })
    }
}

/// A broken rule: its keyword, and the path to the value that broke it, innermost segment
/// first (each level adds its own segment on the way out).
struct Broken {
    keyword: &'static str,
    reversed_path: Vec<String>,
}

impl Broken {
    fn at(keyword: &'static str) -> Option<Broken> {
        Some(Broken {
            keyword,
            reversed_path: Vec::new(),
        })
    }

    fn inside(mut self, segment: String) -> Broken {
        self.reversed_path.push(segment);
        self
    }
}

/// A schema: `true`, `false` or an object of rules.
#[derive(Debug)]
enum Node {
    Bool(bool),
    Rules(Box<Rules>),
}

/// The rules of one schema object; `None`/empty means the keyword is absent.
#[derive(Debug, Default)]
struct Rules {
    types: Option<Vec<JsonType>>,
    one_of_values: Option<Vec<Value>>,
    constant: Option<Value>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<regex_lite::Regex>,
    minimum: Option<Number>,
    maximum: Option<Number>,
    exclusive_minimum: Option<Number>,
    exclusive_maximum: Option<Number>,
    properties: Vec<(String, Node)>,
    required: Vec<String>,
    additional: Option<Node>,
    items: Option<Node>,
    min_items: Option<u64>,
    max_items: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    Integer,
    String,
}

impl Node {
    fn compile(schema: &Value, root: bool) -> Result<Node, SchemaError> {
        match schema {
            Value::Bool(b) => Ok(Node::Bool(*b)),
            Value::Object(map) => Ok(Node::Rules(Box::new(Rules::compile(map, root)?))),
            other => Err(SchemaError(format!(
                "a schema must be an object or a boolean, not {other}"
            ))),
        }
    }

    /// The first broken rule, if any.
    fn check(&self, instance: &Value) -> Option<Broken> {
        match self {
            Node::Bool(true) => None,
            Node::Bool(false) => Broken::at("false"),
            Node::Rules(rules) => rules.check(instance),
        }
    }
}

impl Rules {
    fn compile(map: &Map<String, Value>, root: bool) -> Result<Rules, SchemaError> {
        let mut rules = Rules::default();
        for (keyword, value) in map {
            rules.take(keyword, value, root)?;
        }
        Ok(rules)
    }

    /// Compiles one keyword into `self`.
    fn take(&mut self, keyword: &str, value: &Value, root: bool) -> Result<(), SchemaError> {
        match keyword {
            "type" => self.types = Some(types(value)?),
            "enum" => self.one_of_values = Some(array(keyword, value)?.clone()),
            "const" => self.constant = Some(value.clone()),
            "minLength" => self.min_length = Some(count(keyword, value)?),
            "maxLength" => self.max_length = Some(count(keyword, value)?),
            "pattern" => self.pattern = Some(pattern(value)?),
            "minimum" => self.minimum = Some(number(keyword, value)?),
            "maximum" => self.maximum = Some(number(keyword, value)?),
            "exclusiveMinimum" => self.exclusive_minimum = Some(number(keyword, value)?),
            "exclusiveMaximum" => self.exclusive_maximum = Some(number(keyword, value)?),
            "properties" => self.properties = properties(value)?,
            "required" => self.required = names(value)?,
            "additionalProperties" => self.additional = Some(Node::compile(value, false)?),
            "items" => self.items = Some(Node::compile(value, false)?),
            "minItems" => self.min_items = Some(count(keyword, value)?),
            "maxItems" => self.max_items = Some(count(keyword, value)?),
            // Checked once, on the root, by `Schema::compile`; a nested one would start a new
            // resource, which this validator does not follow.
            "$schema" if root => {}
            k if ANNOTATIONS.contains(&k) => {}
            other => {
                return Err(SchemaError(format!(
                    "keyword `{other}` is not supported by this validator"
                )))
            }
        }
        Ok(())
    }

    fn check(&self, instance: &Value) -> Option<Broken> {
        let here = self.check_value(instance).or_else(|| match instance {
            Value::String(s) => self.check_string(s),
            Value::Number(n) => self.check_number(n),
            _ => None,
        });
        if let Some(keyword) = here {
            return Broken::at(keyword);
        }
        match instance {
            Value::Object(map) => self.check_object(map),
            Value::Array(items) => self.check_array(items),
            _ => None,
        }
    }

    /// `type`, `enum`, `const`: rules on any value.
    fn check_value(&self, instance: &Value) -> Option<&'static str> {
        if let Some(types) = &self.types {
            if !types.iter().any(|t| t.matches(instance)) {
                return Some("type");
            }
        }
        if let Some(values) = &self.one_of_values {
            if !values.iter().any(|v| json_equal(v, instance)) {
                return Some("enum");
            }
        }
        match &self.constant {
            Some(c) if !json_equal(c, instance) => Some("const"),
            _ => None,
        }
    }

    fn check_string(&self, s: &str) -> Option<&'static str> {
        let length = || s.chars().count() as u64;
        if self.min_length.is_some_and(|min| length() < min) {
            return Some("minLength");
        }
        if self.max_length.is_some_and(|max| length() > max) {
            return Some("maxLength");
        }
        match &self.pattern {
            Some(re) if !re.is_match(s) => Some("pattern"),
            _ => None,
        }
    }

    fn check_number(&self, n: &Number) -> Option<&'static str> {
        let is = |bound: &Option<Number>, wanted: &[Ordering]| {
            bound
                .as_ref()
                .is_some_and(|b| compare(n, b).is_some_and(|o| wanted.contains(&o)))
        };
        if is(&self.minimum, &[Ordering::Less]) {
            Some("minimum")
        } else if is(&self.maximum, &[Ordering::Greater]) {
            Some("maximum")
        } else if is(&self.exclusive_minimum, &[Ordering::Less, Ordering::Equal]) {
            Some("exclusiveMinimum")
        } else if is(
            &self.exclusive_maximum,
            &[Ordering::Greater, Ordering::Equal],
        ) {
            Some("exclusiveMaximum")
        } else {
            None
        }
    }

    fn check_object(&self, map: &Map<String, Value>) -> Option<Broken> {
        if self.required.iter().any(|name| !map.contains_key(name)) {
            return Broken::at("required");
        }
        map.iter().find_map(|(name, value)| {
            let declared = self.properties.iter().find(|(n, _)| n == name);
            let node = match (declared, &self.additional) {
                (Some((_, node)), _) => node,
                (None, Some(Node::Bool(false))) => return Broken::at("additionalProperties"),
                (None, Some(node)) => node,
                (None, None) => return None,
            };
            node.check(value).map(|b| b.inside(name.clone()))
        })
    }

    fn check_array(&self, items: &[Value]) -> Option<Broken> {
        let n = items.len() as u64;
        if self.min_items.is_some_and(|min| n < min) {
            return Broken::at("minItems");
        }
        if self.max_items.is_some_and(|max| n > max) {
            return Broken::at("maxItems");
        }
        let node = self.items.as_ref()?;
        items
            .iter()
            .enumerate()
            .find_map(|(i, item)| node.check(item).map(|b| b.inside(i.to_string())))
    }
}

impl JsonType {
    fn parse(name: &str) -> Option<JsonType> {
        Some(match name {
            "null" => JsonType::Null,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "string" => JsonType::String,
            _ => return None,
        })
    }

    fn matches(self, value: &Value) -> bool {
        match (self, value) {
            (JsonType::Null, Value::Null)
            | (JsonType::Boolean, Value::Bool(_))
            | (JsonType::Object, Value::Object(_))
            | (JsonType::Array, Value::Array(_))
            | (JsonType::Number, Value::Number(_))
            | (JsonType::String, Value::String(_)) => true,
            // Draft 2020-12: any number with a zero fractional part is an integer.
            (JsonType::Integer, Value::Number(n)) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        }
    }
}

fn types(value: &Value) -> Result<Vec<JsonType>, SchemaError> {
    let one = |v: &Value| {
        v.as_str()
            .and_then(JsonType::parse)
            .ok_or_else(|| SchemaError(format!("`type` names no JSON type: {v}")))
    };
    match value {
        Value::Array(list) => list.iter().map(one).collect(),
        single => Ok(vec![one(single)?]),
    }
}

fn array<'v>(keyword: &str, value: &'v Value) -> Result<&'v Vec<Value>, SchemaError> {
    value
        .as_array()
        .ok_or_else(|| SchemaError(format!("`{keyword}` must be an array")))
}

fn count(keyword: &str, value: &Value) -> Result<u64, SchemaError> {
    match value {
        Value::Number(n) if n.as_f64().is_some_and(|f| f >= 0.0 && f.fract() == 0.0) => {
            // A non-negative integer written as a float (`2.0`) counts too.
            Ok(n.as_u64()
                .unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as u64))
        }
        _ => Err(SchemaError(format!(
            "`{keyword}` must be a non-negative integer"
        ))),
    }
}

fn number(keyword: &str, value: &Value) -> Result<Number, SchemaError> {
    match value {
        Value::Number(n) => Ok(n.clone()),
        _ => Err(SchemaError(format!("`{keyword}` must be a number"))),
    }
}

fn pattern(value: &Value) -> Result<regex_lite::Regex, SchemaError> {
    let text = value
        .as_str()
        .ok_or_else(|| SchemaError("`pattern` must be a string".into()))?;
    regex_lite::Regex::new(text)
        .map_err(|e| SchemaError(format!("`pattern` cannot be enforced here: {e}")))
}

fn properties(value: &Value) -> Result<Vec<(String, Node)>, SchemaError> {
    let map = value
        .as_object()
        .ok_or_else(|| SchemaError("`properties` must be an object".into()))?;
    map.iter()
        .map(|(name, schema)| Ok((name.clone(), Node::compile(schema, false)?)))
        .collect()
}

fn names(value: &Value) -> Result<Vec<String>, SchemaError> {
    array("required", value)?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| SchemaError("`required` must list strings".into()))
        })
        .collect()
}

/// JSON equality as JSON Schema means it: numbers by value (`1` equals `1.0`).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Exact order of two JSON numbers, integers and floats mixed (`None` only for NaN, which
/// JSON cannot carry).
fn compare(a: &Number, b: &Number) -> Option<Ordering> {
    match (integer(a), integer(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        (Some(x), None) => compare_integer_float(x, b.as_f64()?),
        (None, Some(y)) => compare_integer_float(y, a.as_f64()?).map(Ordering::reverse),
        (None, None) => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

fn integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// `i` against `f` without rounding `i` to a float (which would make 2^53 + 1 equal 2^53).
fn compare_integer_float(i: i128, f: f64) -> Option<Ordering> {
    // 2^127: beyond it no i128 reaches.
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if f.is_nan() {
        return None;
    }
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f < -LIMIT {
        return Some(Ordering::Greater);
    }
    let floor = f.floor();
    // Exact: `floor` is integral and within i128's range.
    match i.cmp(&(floor as i128)) {
        Ordering::Equal if f > floor => Some(Ordering::Less),
        order => Some(order),
    }
}

/// A JSON Pointer (RFC 6901) of the path segments, given innermost first.
fn pointer(reversed_path: &[String]) -> String {
    reversed_path
        .iter()
        .rev()
        .map(|segment| format!("/{}", segment.replace('~', "~0").replace('/', "~1")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violation(schema: Value, instance: Value) -> Option<(&'static str, String)> {
        Schema::compile(&schema)
            .unwrap()
            .first_violation(&instance)
            .map(|v| (v.keyword, v.instance_path))
    }

    #[test]
    fn each_keyword_refuses_what_it_should() {
        let cases = [
            (json!({"type": "string"}), json!(1), "type"),
            (json!({"type": ["string", "null"]}), json!(true), "type"),
            (json!({"type": "integer"}), json!(1.5), "type"),
            (json!({"enum": ["a", 1]}), json!("b"), "enum"),
            (json!({"const": {"a": [1]}}), json!({"a": [2]}), "const"),
            (json!({"minLength": 2}), json!("é"), "minLength"),
            (json!({"maxLength": 2}), json!("神戸市"), "maxLength"),
            (json!({"pattern": "^[0-9]{2}$"}), json!("123"), "pattern"),
            (json!({"minimum": 0}), json!(-0.5), "minimum"),
            (
                json!({"maximum": 9007199254740992u64}),
                json!(9007199254740993u64),
                "maximum",
            ),
            (
                json!({"exclusiveMinimum": 1}),
                json!(1.0),
                "exclusiveMinimum",
            ),
            (
                json!({"exclusiveMaximum": 1.5}),
                json!(2),
                "exclusiveMaximum",
            ),
            (json!({"required": ["a"]}), json!({"b": 1}), "required"),
            (
                json!({"additionalProperties": false}),
                json!({"b": 1}),
                "additionalProperties",
            ),
            (json!({"minItems": 1}), json!([]), "minItems"),
            (json!({"maxItems": 1}), json!([1, 2]), "maxItems"),
            (json!(false), json!(null), "false"),
        ];
        for (schema, instance, keyword) in cases {
            assert_eq!(
                violation(schema.clone(), instance.clone()).map(|v| v.0),
                Some(keyword),
                "{schema} on {instance}"
            );
        }
    }

    #[test]
    fn each_keyword_accepts_what_it_should() {
        let cases = [
            (json!({"type": "integer"}), json!(2.0)),
            (json!({"type": "number"}), json!(2)),
            (json!({"enum": [1.0]}), json!(1)),
            (json!({"minLength": 1, "maxLength": 1}), json!("神")),
            (json!({"pattern": "[0-9]"}), json!("ab1")),
            (json!({"minimum": 0, "exclusiveMaximum": 1}), json!(0.999)),
            (
                json!({"type": "string", "format": "date"}),
                json!("not a date"),
            ),
            (json!({"items": {"type": "string"}}), json!(["a", "b"])),
            (json!({"type": "string"}), json!("x")),
            (json!(true), json!({"anything": 1})),
        ];
        for (schema, instance) in cases {
            assert_eq!(
                violation(schema.clone(), instance.clone()),
                None,
                "{schema} on {instance}"
            );
        }
    }

    #[test]
    fn the_path_names_the_claim_and_escapes_it() {
        let schema = json!({
            "properties": {
                "a/b": {"properties": {"c~": {"items": {"type": "integer"}}}}
            }
        });
        assert_eq!(
            violation(schema, json!({"a/b": {"c~": [1, "x"]}})),
            Some(("type", "/a~1b/c~0/1".to_owned()))
        );
    }

    #[test]
    fn what_it_cannot_enforce_is_refused_at_compile_time() {
        for schema in [
            json!({"$ref": "#/$defs/x"}),
            json!({"properties": {"a": {"anyOf": []}}}),
            json!({"patternProperties": {}}),
            json!({"$schema": "http://json-schema.org/draft-07/schema#"}),
            json!({"properties": {"a": {"$schema": DRAFT_2020_12}}}),
            json!({"pattern": "(a)\\1"}),
            json!({"pattern": "\\p{L}"}),
            json!({"type": "text"}),
            json!({"minLength": -1}),
            json!({"required": [1]}),
            json!(3),
        ] {
            assert!(Schema::compile(&schema).is_err(), "{schema}");
        }
    }

    #[test]
    fn integers_and_floats_compare_exactly() {
        let n = |v: Value| match v {
            Value::Number(n) => n,
            _ => unreachable!(),
        };
        assert_eq!(
            compare(
                &n(json!(9007199254740993u64)),
                &n(json!(9007199254740992.0))
            ),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(&n(json!(-1)), &n(json!(-0.5))),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(&n(json!(1.5)), &n(json!(1))),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&n(json!(3)), &n(json!(3.0))), Some(Ordering::Equal));
        assert_eq!(
            compare(&n(json!(u64::MAX)), &n(json!(1e300))),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(&n(json!(i64::MIN)), &n(json!(-1e300))),
            Some(Ordering::Greater)
        );
    }
}
