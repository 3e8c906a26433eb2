//! Failures as JS `Error`s with a stable `code`.
//!
//! A [`Failure`] is a [`myna_vc_core::Error`], a wallet error (feature `wallet`) or a bad
//! argument from JS. The code of an error is its variant name in `snake_case` (`SignatureInvalid` → `signature_invalid`):
//! variant names are public API of vc-core, so the codes change only when that API does, and
//! no hand-kept table can drift from it. Bad arguments have the code `invalid_argument`.

use myna_vc_core::time::NumericDate;
use myna_vc_core::Error;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

/// Why a call failed.
#[derive(Debug)]
pub enum Failure {
    /// Refused by myna-vc's rules or parsers.
    Core(Error),
    /// Refused by the wallet (wrong passphrase, nothing to present, a batch used up, …).
    #[cfg(feature = "wallet")]
    Wallet(myna_wallet::Error),
    /// A JS argument of the wrong shape (a negative index, a fractional time, …).
    Argument(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

impl Failure {
    /// The stable code.
    ///
    /// ```
    /// use myna_wasm::js_error::Failure;
    /// use myna_vc_core::Error;
    /// assert_eq!(Failure::Core(Error::SignatureInvalid).code(), "signature_invalid");
    /// assert_eq!(Failure::Argument("x".into()).code(), "invalid_argument");
    /// ```
    pub fn code(&self) -> String {
        match self {
            Failure::Core(error) => code(error),
            #[cfg(feature = "wallet")]
            Failure::Wallet(error) => variant_code(error),
            Failure::Argument(_) => "invalid_argument".to_owned(),
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> String {
        match self {
            Failure::Core(error) => error.to_string(),
            #[cfg(feature = "wallet")]
            Failure::Wallet(error) => error.to_string(),
            Failure::Argument(message) => message.clone(),
        }
    }

    /// A JS `Error` with `message` and `code` (only callable inside a wasm32 host).
    pub fn into_js(self) -> JsValue {
        let js = js_sys::Error::new(&self.message());
        // Setting a property on a fresh Error object cannot fail; were it to, the error
        // would still carry its message.
        let _ = js_sys::Reflect::set(
            &js,
            &JsValue::from_str("code"),
            &JsValue::from_str(&self.code()),
        );
        js.into()
    }
}

/// The stable code of a core error: its variant name in `snake_case`.
///
/// ```
/// use myna_vc_core::Error;
/// assert_eq!(myna_wasm::js_error::code(&Error::ConsentPaused), "consent_paused");
/// ```
pub fn code(error: &Error) -> String {
    variant_code(error)
}

/// The `snake_case` name of an enum value's variant, read from its `Debug` form.
fn variant_code(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    let mut out = String::new();
    for (i, c) in debug
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .enumerate()
    {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Checks a JS number used as an index or a time: whole, non-negative and at most
/// 2^53 − 1 (the largest integer a JS number holds exactly).
///
/// ```
/// use myna_wasm::js_error::whole_number;
/// assert_eq!(whole_number(42.0, "index").ok(), Some(42));
/// assert!(whole_number(-1.0, "index").is_err());
/// assert!(whole_number(0.5, "index").is_err());
/// assert!(whole_number(f64::NAN, "index").is_err());
/// ```
pub fn whole_number(value: f64, name: &str) -> Result<u64, Failure> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !(value.is_finite() && (0.0..=MAX_SAFE).contains(&value) && value.fract() == 0.0) {
        return Err(Failure::Argument(format!(
            "`{name}` must be a whole number between 0 and 2^53 - 1"
        )));
    }
    Ok(value as u64)
}

/// A JS time in seconds since 1970 (see [`whole_number`]).
///
/// ```
/// use myna_wasm::js_error::unix_time;
/// assert_eq!(unix_time(1_800_000_000.0, "nowUnix").ok().map(|t| t.as_unix()), Some(1_800_000_000));
/// assert!(unix_time(-5.0, "nowUnix").is_err());
/// ```
pub fn unix_time(value: f64, name: &str) -> Result<NumericDate, Failure> {
    // At most 2^53 - 1, so the conversion to i64 is exact.
    Ok(NumericDate::from_unix(whole_number(value, name)? as i64))
}

/// The member `name` of a JSON object passed from JS, or `invalid_argument`.
pub(crate) fn member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a Value, Failure> {
    obj.get(name)
        .ok_or_else(|| Failure::Argument(format!("`{name}` is missing")))
}

/// The string member `name`, or `invalid_argument`.
pub(crate) fn text<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str, Failure> {
    member(obj, name)?
        .as_str()
        .ok_or_else(|| Failure::Argument(format!("`{name}` must be a string")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_variant_names() {
        assert_eq!(code(&Error::SignatureInvalid), "signature_invalid");
        let too_large = Error::InputTooLarge {
            what: "x",
            size: 2,
            limit: 1,
        };
        assert_eq!(code(&too_large), "input_too_large");
        let grant = Error::UnsupportedGrantType("g".into());
        assert_eq!(code(&grant), "unsupported_grant_type");
        let dots = Error::ReservedClaimInPayload("the top level".into());
        assert_eq!(code(&dots), "reserved_claim_in_payload");
    }
}
