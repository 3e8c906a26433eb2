//! Fixed-length codes of ASCII decimal digits, the shape shared by 公費負担者番号, 受給者番号
//! and 全国地方公共団体コード. Only the reading and writing live here; each code's check digit
//! rule lives with the code.

use crate::MunicipalError;
use crate::{Error, Result};

/// Reads exactly `N` ASCII digits (as values 0–9). Errors never echo the input: some of these
/// numbers identify a person.
pub(crate) fn parse<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N]> {
    if text.len() != N {
        return Err(Error::Municipal(MunicipalError::CodeLength {
            what,
            expected: N,
            found: text.chars().count(),
        }));
    }
    let mut digits = [0u8; N];
    for (position, (slot, c)) in digits.iter_mut().zip(text.chars()).enumerate() {
        let value = c.to_digit(10).filter(|_| c.is_ascii_digit());
        *slot = value
            .and_then(|v| u8::try_from(v).ok())
            .ok_or(Error::Municipal(MunicipalError::CodeNotDigit {
                what,
                position,
            }))?;
    }
    // N bytes with fewer than N chars means a multi-byte character the loop did not reach.
    if text.chars().count() != N {
        let position = text.chars().take_while(char::is_ascii_digit).count();
        return Err(Error::Municipal(MunicipalError::CodeNotDigit {
            what,
            position,
        }));
    }
    Ok(digits)
}

/// The payload digits followed by `check`, as an array of `N` digits.
pub(crate) fn with_check<const N: usize>(payload: &[u8], check: u8) -> Option<[u8; N]> {
    let mut digits = [0u8; N];
    let (body, last) = digits.split_at_mut(N.checked_sub(1)?);
    if body.len() != payload.len() {
        return None;
    }
    body.copy_from_slice(payload);
    *last.first_mut()? = check;
    Some(digits)
}

/// The digits as a string of ASCII digits.
pub(crate) fn to_string(digits: &[u8]) -> String {
    digits.iter().map(|&d| char::from(b'0' + d)).collect()
}

/// The value of a run of digits read as one decimal number.
pub(crate) fn value(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |acc, &d| acc * 10 + u32::from(d))
}

/// `Display`, `FromStr` and the `String` conversions serde uses (`try_from`/`into`), for a
/// newtype over an array of digits with a `parse(&str) -> Result<Self>` constructor.
macro_rules! text_conversions {
    ($ty:ty) => {
        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&$crate::digit_code::to_string(&self.0))
            }
        }

        impl core::str::FromStr for $ty {
            type Err = $crate::Error;

            fn from_str(text: &str) -> $crate::Result<Self> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::Error;

            fn try_from(text: String) -> $crate::Result<Self> {
                Self::parse(&text)
            }
        }

        impl From<$ty> for String {
            fn from(code: $ty) -> Self {
                code.to_string()
            }
        }
    };
}
pub(crate) use text_conversions;
