//! Guarded JSON parsing: every parser in this crate reads JSON through here, so size and depth
//! limits hold everywhere and a hostile input gets a typed error instead of a stack overflow.

use serde_json::{Map, Value};

use crate::error::{Error, InputError, Result};

/// The largest input any parser in this crate accepts: 1 MiB.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// The deepest JSON nesting any parser in this crate follows.
pub const MAX_DEPTH: usize = 64;

/// Refuses inputs over [`MAX_INPUT_BYTES`].
pub(crate) fn check_size(what: &'static str, size: usize) -> Result<()> {
    if size > MAX_INPUT_BYTES {
        return Err(Error::Input(InputError::TooLarge {
            what,
            size,
            limit: MAX_INPUT_BYTES,
        }));
    }
    Ok(())
}

/// Parses JSON after checking its size and bracket depth.
///
/// ```
/// use myna_vc_core::{json, Error};
/// assert!(json::parse(b"{\"a\":[1,2]}", "example").is_ok());
/// let deep = "[".repeat(100) + &"]".repeat(100);
/// assert!(matches!(json::parse(deep.as_bytes(), "example"), Err(Error::Input(myna_vc_core::InputError::NestingTooDeep { .. }))));
/// ```
pub fn parse(bytes: &[u8], what: &'static str) -> Result<Value> {
    check_size(what, bytes.len())?;
    if may_exceed_depth(bytes) && depth(bytes) > MAX_DEPTH {
        return Err(Error::Input(InputError::NestingTooDeep {
            what,
            limit: MAX_DEPTH,
        }));
    }
    serde_json::from_slice(bytes).map_err(|e| Error::json(what, &e))
}

/// Parses a JSON object (anything else is [`InputError::Json`]).
pub fn parse_object(bytes: &[u8], what: &'static str) -> Result<Map<String, Value>> {
    match parse(bytes, what)? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::Input(InputError::Json {
            what,
            detail: "expected a JSON object".into(),
        })),
    }
}

/// Whether `bytes` has more than [`MAX_DEPTH`] opening brackets at all, inside strings or not.
/// Nesting can never be deeper than that count, so most documents (a JWT payload has a
/// handful) skip the exact walk below; the count is a branch-free loop the compiler
/// vectorises, several times cheaper than the walk on the verifier's hot path.
fn may_exceed_depth(bytes: &[u8]) -> bool {
    let opening = bytes
        .iter()
        .map(|&b| usize::from(b == b'[' || b == b'{'))
        .sum::<usize>();
    opening > MAX_DEPTH
}

/// The maximum bracket depth of `bytes`, ignoring brackets inside strings. It runs before
/// serde_json so that depth errors are ours and precise.
fn depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Refuses a recursion deeper than [`MAX_DEPTH`] while walking assembled JSON.
pub(crate) fn check_depth(what: &'static str, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::Input(InputError::NestingTooDeep {
            what,
            limit: MAX_DEPTH,
        }));
    }
    Ok(())
}

pub(crate) use crate::error::shown;

/// Refuses members this version does not know: a rule an old reader ignored would fail open.
pub(crate) fn check_members(
    obj: &Map<String, Value>,
    known: &[&str],
    what: &'static str,
) -> Result<()> {
    match obj.keys().find(|name| !known.contains(&name.as_str())) {
        Some(name) => Err(Error::Input(InputError::UnknownMember {
            what,
            member: shown(name),
        })),
        None => Ok(()),
    }
}

/// `value` as a string, or an [`InputError::MemberType`] naming `member`.
pub(crate) fn as_str<'a>(value: &'a Value, member: &str, what: &'static str) -> Result<&'a str> {
    value
        .as_str()
        .ok_or_else(|| Error::member_type(what, member, "a string"))
}

/// The required string member `name`.
pub(crate) fn required_str<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    what: &'static str,
) -> Result<&'a str> {
    match obj.get(name) {
        Some(value) => as_str(value, name, what),
        None => Err(Error::missing_member(what, name)),
    }
}

/// The optional NumericDate member `name`.
pub(crate) fn optional_date(
    obj: &Map<String, Value>,
    name: &str,
    what: &'static str,
) -> Result<Option<crate::time::NumericDate>> {
    obj.get(name)
        .map(|value| {
            crate::time::NumericDate::from_json(value)
                .ok_or_else(|| Error::member_type(what, name, "a NumericDate"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> String {
        format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn the_depth_limit_is_exact() {
        assert!(parse(nested(MAX_DEPTH).as_bytes(), "x").is_ok());
        assert!(matches!(
            parse(nested(MAX_DEPTH + 1).as_bytes(), "x"),
            Err(Error::Input(InputError::NestingTooDeep { .. }))
        ));
    }

    #[test]
    fn brackets_inside_strings_do_not_count_as_nesting() {
        // Over MAX_DEPTH opening brackets, so the exact walk runs, and it must see that all
        // but one sit inside a string.
        let text = format!(r#"{{"a": "{}", "b": "\"[{{"}}"#, "[{".repeat(MAX_DEPTH));
        assert!(may_exceed_depth(text.as_bytes()));
        assert_eq!(depth(text.as_bytes()), 1);
        assert!(parse_object(text.as_bytes(), "x")
            .unwrap()
            .contains_key("b"));
    }

    #[test]
    fn few_brackets_skip_the_walk_and_many_do_not() {
        assert!(!may_exceed_depth(nested(MAX_DEPTH).as_bytes()));
        assert!(may_exceed_depth(nested(MAX_DEPTH + 1).as_bytes()));
        let mixed = format!("{}{}", "{\"a\":".repeat(40), "[".repeat(25));
        assert!(may_exceed_depth(mixed.as_bytes()));
    }
}
