//! Public medical expense numbers (公費負担医療): the payer number (公費負担者番号) and the
//! recipient number (受給者番号) printed on a subsidy recipient certificate (受給者証).
//!
//! * 公費負担者番号: 8 digits = law code (法別番号) 2 + prefecture 2 + body (実施機関) 3 +
//!   check digit.
//! * 受給者番号: 7 digits = 6 + check digit.
//!
//! Both use the same check digit ([`check_digit`]): from the rightmost payload digit, weights
//! 2, 1, 2, 1, …; add the *digit sums* of the products; check = (10 − sum mod 10) mod 10. Law
//! codes are not checked against a list (new ones appear; municipalities' own programmes use
//! local codes), only the format and the check digit.
//!
//! Parsing accepts ASCII digits only (convert full-width digits at the edge, knowingly).

use crate::MunicipalError;
use core::fmt;

use crate::digit_code;
use crate::municipality::PrefectureCode;
use crate::{Error, Result};

const PAYER: &str = "public expense payer number (公費負担者番号)";
const RECIPIENT: &str = "recipient number (受給者番号)";

/// The check digit of `payload` (digits 0–9, most significant first) under the
/// modulus-10, weights 2-1, digit-sum rule.
///
/// ```
/// use myna_vc_core::public_expense::check_digit;
/// // 1 2 2 8 1 0 0, weights from the right 2,1,2,1,2,1,2:
/// // 1·2=2, 2·1=2, 2·2=4, 8·1=8, 1·2=2, 0·1=0, 0·2=0 → 18 → (10 − 8) mod 10 = 2
/// assert_eq!(check_digit(&[1, 2, 2, 8, 1, 0, 0]), 2);
/// ```
pub fn check_digit(payload: &[u8]) -> u8 {
    let sum: u32 = payload
        .iter()
        .rev()
        .zip([2u32, 1].into_iter().cycle())
        .map(|(&d, w)| {
            let product = u32::from(d) * w;
            product / 10 + product % 10
        })
        .sum();
    // The result is below 10 and so fits in a u8.
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// Reads `N` digits whose last one must be the [`check_digit`] of the others.
fn parse_checked<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N]> {
    let digits = digit_code::parse::<N>(text, what)?;
    let (payload, check) = digits.split_at(N.saturating_sub(1));
    if check != [check_digit(payload)] {
        return Err(Error::Municipal(MunicipalError::CheckDigitMismatch {
            what,
        }));
    }
    Ok(digits)
}

/// Appends the check digit to a payload of `N − 1` digits.
fn complete<const N: usize>(payload: &str, what: &'static str) -> Result<[u8; N]> {
    let expected = N.saturating_sub(1);
    if payload.len() != expected {
        return Err(Error::Municipal(MunicipalError::CodeLength {
            what,
            expected,
            found: payload.chars().count(),
        }));
    }
    // Reuse the digit reader by reading the payload padded with a placeholder check digit.
    let padded = format!("{payload}0");
    let digits = digit_code::parse::<N>(&padded, what)?;
    let body = digits.get(..expected).unwrap_or_default();
    digit_code::with_check(body, check_digit(body)).ok_or(Error::Municipal(
        MunicipalError::CodeLength {
            what,
            expected,
            found: payload.chars().count(),
        },
    ))
}

/// A 公費負担者番号: 8 digits with a valid check digit. Serialized as its digit string.
///
/// ```
/// use myna_vc_core::public_expense::PublicExpensePayerNumber;
/// // Payload 8128100: weights from the right 2,1,2,1,2,1,2 →
/// // 0·2=0, 0·1=0, 1·2=2, 8·1=8, 2·2=4, 1·1=1, 8·2=16 (1+6=7) → 22 → (10 − 2) mod 10 = 8.
/// let payer: PublicExpensePayerNumber = "81281008".parse()?;
/// assert_eq!(payer.law_code(), 81);
/// assert_eq!(payer.prefecture_digits(), 28);
/// assert_eq!(payer.prefecture()?.name_ja(), "兵庫県");
/// assert_eq!(payer.body_code(), 100);
/// assert!("81281009".parse::<PublicExpensePayerNumber>().is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct PublicExpensePayerNumber([u8; 8]);

impl PublicExpensePayerNumber {
    /// Parses 8 ASCII digits and checks the check digit.
    ///
    /// ```
    /// use myna_vc_core::{public_expense::PublicExpensePayerNumber, Error};
    /// assert!(matches!(PublicExpensePayerNumber::parse("8128100"), Err(Error::Municipal(myna_vc_core::MunicipalError::CodeLength { .. }))));
    /// assert!(matches!(PublicExpensePayerNumber::parse("8128100x"), Err(Error::Municipal(myna_vc_core::MunicipalError::CodeNotDigit { position: 7, .. }))));
    /// assert!(matches!(PublicExpensePayerNumber::parse("81281000"), Err(Error::Municipal(myna_vc_core::MunicipalError::CheckDigitMismatch { .. }))));
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        parse_checked(text, PAYER).map(Self)
    }

    /// The number whose first seven digits are `payload`, with its check digit computed.
    ///
    /// ```
    /// use myna_vc_core::public_expense::PublicExpensePayerNumber;
    /// assert_eq!(PublicExpensePayerNumber::from_payload("8128100")?.to_string(), "81281008");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_payload(payload: &str) -> Result<Self> {
        complete(payload, PAYER).map(Self)
    }

    /// The law code (法別番号), digits 1–2.
    ///
    /// ```
    /// # use myna_vc_core::public_expense::PublicExpensePayerNumber;
    /// assert_eq!(PublicExpensePayerNumber::parse("81281008")?.law_code(), 81);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn law_code(&self) -> u8 {
        self.part(0..2)
    }

    /// The prefecture digits (都道府県番号), digits 3–4, as written (not checked to be 01–47).
    ///
    /// ```
    /// # use myna_vc_core::public_expense::PublicExpensePayerNumber;
    /// assert_eq!(PublicExpensePayerNumber::parse("81281008")?.prefecture_digits(), 28);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn prefecture_digits(&self) -> u8 {
        self.part(2..4)
    }

    /// The prefecture digits as a [`PrefectureCode`]; an error if they are not 01–47.
    ///
    /// ```
    /// # use myna_vc_core::public_expense::PublicExpensePayerNumber;
    /// assert_eq!(PublicExpensePayerNumber::parse("81281008")?.prefecture()?.name_romaji(), "Hyogo");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn prefecture(&self) -> Result<PrefectureCode> {
        PrefectureCode::new(self.prefecture_digits())
    }

    /// The body code (実施機関番号), digits 5–7.
    ///
    /// ```
    /// # use myna_vc_core::public_expense::PublicExpensePayerNumber;
    /// assert_eq!(PublicExpensePayerNumber::parse("81281008")?.body_code(), 100);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn body_code(&self) -> u16 {
        let digits = self.0.get(4..7).unwrap_or_default();
        u16::try_from(digit_code::value(digits)).unwrap_or(0)
    }

    fn part(&self, range: core::ops::Range<usize>) -> u8 {
        let digits = self.0.get(range).unwrap_or_default();
        u8::try_from(digit_code::value(digits)).unwrap_or(0)
    }
}

/// A 受給者番号: 7 digits with a valid check digit. Serialized as its digit string.
///
/// It identifies a person, so its `Debug` form is redacted; `Display` gives the digits.
///
/// ```
/// use myna_vc_core::public_expense::RecipientNumber;
/// // Payload 123456: weights from the right 2,1,2,1,2,1 →
/// // 6·2=12 (1+2=3), 5·1=5, 4·2=8, 3·1=3, 2·2=4, 1·1=1 → 24 → (10 − 4) mod 10 = 6.
/// let r: RecipientNumber = "1234566".parse()?;
/// assert_eq!(r.to_string(), "1234566");
/// assert_eq!(format!("{r:?}"), "RecipientNumber(<redacted>)");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct RecipientNumber([u8; 7]);

impl RecipientNumber {
    /// Parses 7 ASCII digits and checks the check digit.
    ///
    /// ```
    /// use myna_vc_core::{public_expense::RecipientNumber, Error};
    /// assert!(RecipientNumber::parse("1234566").is_ok());
    /// assert!(matches!(RecipientNumber::parse("1234567"), Err(Error::Municipal(myna_vc_core::MunicipalError::CheckDigitMismatch { .. }))));
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        parse_checked(text, RECIPIENT).map(Self)
    }

    /// The number whose first six digits are `payload`, with its check digit computed.
    ///
    /// ```
    /// use myna_vc_core::public_expense::RecipientNumber;
    /// assert_eq!(RecipientNumber::from_payload("123456")?.to_string(), "1234566");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_payload(payload: &str) -> Result<Self> {
        complete(payload, RECIPIENT).map(Self)
    }
}

impl fmt::Debug for RecipientNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecipientNumber(<redacted>)")
    }
}

impl fmt::Debug for PublicExpensePayerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicExpensePayerNumber({self})")
    }
}

crate::digit_code::text_conversions!(PublicExpensePayerNumber);
crate::digit_code::text_conversions!(RecipientNumber);
