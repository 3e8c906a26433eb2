//! Failures as JS `Error`s with a stable `code`.
//!
//! A [`Failure`] is a [`myna_vc_core::Error`], a wallet error (feature `wallet`) or a bad
//! argument from JS. Its code is the error's own stable code: [`myna_vc_core::Error::code`]
//! (documented and tested in the table on [`myna_vc_core::Error`]) or
//! `myna_wallet::Error::code`. Bad arguments have the code `invalid_argument`.

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
    /// A refusal of the bindings themselves, with its own stable code (`not_an_offer`,
    /// `invalid_pin`, `wrong_pin`, `qr_too_long`, …) and a message for a person.
    Coded(&'static str, String),
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
    /// use myna_vc_core::{Error, JoseError};
    /// assert_eq!(Failure::Core(Error::Jose(JoseError::SignatureInvalid)).code(), "signature_invalid");
    /// assert_eq!(Failure::Argument("x".into()).code(), "invalid_argument");
    /// assert_eq!(Failure::Coded("not_an_offer", "x".into()).code(), "not_an_offer");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Core(error) => error.code(),
            #[cfg(feature = "wallet")]
            Failure::Wallet(error) => error.code(),
            Failure::Argument(_) => "invalid_argument",
            Failure::Coded(code, _) => code,
        }
    }

    /// The human-readable message, with the chain of causes (a storage error's backend error).
    pub fn message(&self) -> String {
        match self {
            Failure::Core(error) => error.to_string(),
            #[cfg(feature = "wallet")]
            Failure::Wallet(error) => with_causes(error),
            Failure::Argument(message) | Failure::Coded(_, message) => message.clone(),
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
            &JsValue::from_str(self.code()),
        );
        js.into()
    }
}

/// `error`'s message followed by those of its sources, `: `-separated.
#[cfg(feature = "wallet")]
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
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

/// A plain JS value (an object an earlier call returned) as JSON, through `JSON.stringify`
/// (so only plain data passes) and vc-core's depth-limited parser. Something `JSON.stringify`
/// cannot write (`undefined`, a function) is `invalid_argument`.
pub(crate) fn js_json(value: &JsValue, name: &'static str) -> Result<Value, Failure> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Failure::Argument(format!("`{name}` must be a plain object")))?;
    Ok(myna_vc_core::json::parse(text.as_bytes(), name)?)
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
    use myna_vc_core::{Error, InputError, JoseError, Oid4vciError, SdJwtError};

    #[test]
    fn codes_are_the_errors_own_codes() {
        let cases = [
            (
                Error::Jose(JoseError::SignatureInvalid),
                "signature_invalid",
            ),
            (
                Error::Input(InputError::TooLarge {
                    what: "x",
                    size: 2,
                    limit: 1,
                }),
                "input_too_large",
            ),
            (
                Error::Oid4vci(Oid4vciError::UnsupportedGrantType("g".into())),
                "unsupported_grant_type",
            ),
            (
                Error::SdJwt(SdJwtError::ReservedClaimInPayload("the top level".into())),
                "reserved_claim_in_payload",
            ),
        ];
        for (error, code) in cases {
            assert_eq!(Failure::Core(error).code(), code);
        }
    }
}
