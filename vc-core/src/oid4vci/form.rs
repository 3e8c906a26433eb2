//! `application/x-www-form-urlencoded` (the WHATWG URL Standard's form encoding), used by
//! token requests and by the query of offer links. Percent-decoding itself is the
//! `percent-encoding` crate's; the pairs, `+` and the duplicate rule are ours because OAuth
//! (RFC 6749 §3.1) forbids repeating a parameter, which generic form parsers accept.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{Error, InputError, Result};
use crate::json;

/// Everything but the RFC 3986 unreserved characters is encoded.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes name/value pairs.
pub(crate) fn encode(pairs: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", escape(name), escape(value)))
        .collect();
    encoded.join("&")
}

fn escape(text: &str) -> String {
    utf8_percent_encode(text, FORM).to_string()
}

/// Decodes a form body into name/value pairs, refusing a repeated name, a pair without `=`
/// and anything that does not decode to UTF-8.
pub(crate) fn decode(body: &str, what: &'static str) -> Result<Vec<(String, String)>> {
    json::check_size(what, body.len())?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in body.split('&').filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once('=') else {
            return Err(Error::Input(InputError::Form {
                what,
                problem: "a parameter has no `=`",
            }));
        };
        let name = unescape(name, what)?;
        if pairs.iter().any(|(n, _)| *n == name) {
            return Err(Error::repeated(what, &name));
        }
        let value = unescape(value, what)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

fn unescape(text: &str, what: &'static str) -> Result<String> {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            Error::Input(InputError::Form {
                what,
                problem: "a parameter is not UTF-8 after percent-decoding",
            })
        })
}

/// Takes the value of `name` out of decoded pairs.
pub(crate) fn take(pairs: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let at = pairs.iter().position(|(n, _)| n == name)?;
    Some(pairs.swap_remove(at).1)
}
