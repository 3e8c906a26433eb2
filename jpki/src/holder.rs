//! The holder's four facts (基本4情報) as a signature certificate carries them: name and address
//! with their substitute-character maps, sex and date of birth.
//!
//! Each type is parsed from the certificate's string encoding at the edge and trusted inside:
//! a [`BirthDate`] is a real calendar date whose era digit agrees with it, a [`SubstituteMap`]
//! has exactly one flag per character of its text.
//!
//! ```
//! use myna_jpki::holder::{BirthDate, Era, Sex};
//! let born = BirthDate::parse("520200101")?; // 令和2年1月1日
//! assert_eq!(born.era(), Era::Reiwa);
//! assert_eq!(Sex::from_certificate_code("1")?, Sex::from_card_text_code("1")?);
//! # Ok::<(), myna_jpki::Error>(())
//! ```

use core::fmt;

use myna_vc_core::age;
pub use myna_vc_core::calendar::CalendarDate;

use crate::error::{Error, Result};

/// The attribute names used in errors, with their `otherName` OIDs.
pub(crate) mod attribute {
    pub const NAME: &str = "name (1.2.392.200149.8.5.5.1)";
    pub const NAME_SUBSTITUTES: &str = "name substitute map (1.2.392.200149.8.5.5.2)";
    pub const SEX: &str = "sex (1.2.392.200149.8.5.5.3)";
    pub const BIRTH_DATE: &str = "date of birth (1.2.392.200149.8.5.5.4)";
    pub const ADDRESS: &str = "address (1.2.392.200149.8.5.5.5)";
    pub const ADDRESS_SUBSTITUTES: &str = "address substitute map (1.2.392.200149.8.5.5.6)";
}

/// The longest address the profile allows, in characters.
pub const MAX_ADDRESS_CHARS: usize = 200;
/// A guard on names (the profile sets no figure; real names are far shorter).
pub const MAX_NAME_CHARS: usize = 200;

/// The four facts of a signature certificate.
///
/// ```
/// use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
/// let facts = HolderFacts {
///     name: HolderName::plain("前橋　花子")?,
///     sex: Sex::Female,
///     birth_date: BirthDate::parse("419900505")?,
///     address: Address::plain("群馬県前橋市大手町二丁目１２番１号")?,
/// };
/// assert_eq!(facts.birth_date.japanese_year(), Some(2)); // 平成2年
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderFacts {
    /// 氏名.
    pub name: HolderName,
    /// 性別.
    pub sex: Sex,
    /// 生年月日.
    pub birth_date: BirthDate,
    /// 住所.
    pub address: Address,
}

/// Which characters of a text are substitutes (代替文字) for characters outside JIS X 0208 /
/// JIS X 0212: `1` at a position means the character there stands in for another.
///
/// ```
/// use myna_jpki::holder::SubstituteMap;
/// let map = SubstituteMap::parse("10000", 5, "test")?;
/// assert_eq!(map.positions().collect::<Vec<_>>(), vec![0]);
/// assert_eq!(map.encode(), "10000");
/// assert!(SubstituteMap::parse("10x00", 5, "test").is_err());
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubstituteMap(Vec<bool>);

impl SubstituteMap {
    /// A map with no substitutes over `len` characters.
    pub fn none(len: usize) -> Self {
        SubstituteMap(vec![false; len])
    }

    /// A map of `len` characters with substitutes at `positions` (0-based character indices).
    pub fn with_positions(len: usize, positions: &[usize]) -> Result<Self> {
        let mut flags = vec![false; len];
        for &p in positions {
            let flag = flags.get_mut(p).ok_or_else(|| {
                Error::malformed(
                    "substitute map",
                    format!("position {p} is beyond {len} characters"),
                )
            })?;
            *flag = true;
        }
        Ok(SubstituteMap(flags))
    }

    /// Parses a string of `0`/`1` that must have one flag per character of a `len`-character
    /// text; `attribute` names it in errors.
    pub fn parse(text: &str, len: usize, attribute: &'static str) -> Result<Self> {
        let flags = text
            .chars()
            .map(|c| match c {
                '0' => Ok(false),
                '1' => Ok(true),
                _ => Err(Error::malformed(
                    attribute,
                    "only the characters 0 and 1 may appear",
                )),
            })
            .collect::<Result<Vec<bool>>>()?;
        if flags.len() != len {
            return Err(Error::malformed(
                attribute,
                format!("{} flags for a text of {len} characters", flags.len()),
            ));
        }
        Ok(SubstituteMap(flags))
    }

    /// The string of `0`/`1` the certificate carries.
    pub fn encode(&self) -> String {
        self.0.iter().map(|&s| if s { '1' } else { '0' }).collect()
    }

    /// The character positions that are substitutes.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, s)| **s)
            .map(|(i, _)| i)
    }

    /// The number of characters covered.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it covers no characters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Checks a name or address text and its map: non-empty, no control characters, at most
/// `max_chars` characters, one map flag per character.
fn check_text(
    text: &str,
    map: &SubstituteMap,
    max_chars: usize,
    attribute: &'static str,
) -> Result<()> {
    let chars = text.chars().count();
    if chars == 0 {
        return Err(Error::malformed(attribute, "is empty"));
    }
    if chars > max_chars {
        return Err(Error::malformed(
            attribute,
            format!("{chars} characters, at most {max_chars} allowed"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::malformed(attribute, "contains control characters"));
    }
    if map.len() != chars {
        return Err(Error::malformed(
            attribute,
            format!(
                "substitute map has {} flags for {chars} characters",
                map.len()
            ),
        ));
    }
    Ok(())
}

macro_rules! substituted_text {
    ($(#[$doc:meta])* $name:ident, $max:expr, $attribute:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            text: String,
            substitutes: SubstituteMap,
        }

        impl $name {
            /// The text with its substitute map, checked against each other.
            pub fn new(text: impl Into<String>, substitutes: SubstituteMap) -> Result<Self> {
                let text = text.into();
                check_text(&text, &substitutes, $max, $attribute)?;
                Ok($name { text, substitutes })
            }

            /// The text with no substitute characters.
            pub fn plain(text: impl Into<String>) -> Result<Self> {
                let text = text.into();
                let map = SubstituteMap::none(text.chars().count());
                Self::new(text, map)
            }

            /// The text as recorded (substitutes included).
            pub fn text(&self) -> &str {
                &self.text
            }

            /// Which characters are substitutes.
            pub fn substitutes(&self) -> &SubstituteMap {
                &self.substitutes
            }

            /// Whether any character is a substitute.
            pub fn has_substitutes(&self) -> bool {
                self.substitutes.positions().next().is_some()
            }
        }
    };
}

substituted_text!(
    /// The holder's name: surname, full-width space (U+3000), given name.
    ///
    /// ```
    /// use myna_jpki::holder::{HolderName, SubstituteMap};
    /// // 髙 is outside JIS X 0208, so the card records 高 and flags it.
    /// let name = HolderName::new("高橋　一郎", SubstituteMap::with_positions(5, &[0])?)?;
    /// assert_eq!(name.surname(), Some("高橋"));
    /// assert_eq!(name.given_name(), Some("一郎"));
    /// assert!(name.has_substitutes());
    /// # Ok::<(), myna_jpki::Error>(())
    /// ```
    HolderName,
    MAX_NAME_CHARS,
    attribute::NAME
);

substituted_text!(
    /// The holder's address, from the prefecture down, at most 200 characters.
    ///
    /// ```
    /// use myna_jpki::holder::Address;
    /// let a = Address::plain("兵庫県神戸市中央区加納町６丁目５番１号")?;
    /// assert!(!a.has_substitutes());
    /// assert!(Address::plain("あ".repeat(201)).is_err());
    /// # Ok::<(), myna_jpki::Error>(())
    /// ```
    Address,
    MAX_ADDRESS_CHARS,
    attribute::ADDRESS
);

impl HolderName {
    /// The surname: the text before the first full-width space, if there is one.
    pub fn surname(&self) -> Option<&str> {
        self.text.split_once('\u{3000}').map(|(s, _)| s)
    }

    /// The given name: the text after the first full-width space, if there is one.
    pub fn given_name(&self) -> Option<&str> {
        self.text.split_once('\u{3000}').map(|(_, g)| g)
    }
}

/// Sex as the resident register records it.
///
/// The certificate writes 1/2/3, the card's text AP 1/2/9 (ISO 5218); both normalise here.
///
/// ```
/// use myna_jpki::holder::Sex;
/// assert_eq!(Sex::from_certificate_code("3")?, Sex::NotKnown);
/// assert_eq!(Sex::from_card_text_code("9")?, Sex::NotKnown);
/// assert_eq!(Sex::Female.certificate_code(), "2");
/// assert!(Sex::from_certificate_code("9").is_err());
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// 男.
    Male,
    /// 女.
    Female,
    /// 不明 / not applicable.
    NotKnown,
}

impl Sex {
    /// From the certificate's `otherName` 1.2.392.200149.8.5.5.3: `1`, `2` or `3`.
    pub fn from_certificate_code(code: &str) -> Result<Sex> {
        match code {
            "1" => Ok(Sex::Male),
            "2" => Ok(Sex::Female),
            "3" => Ok(Sex::NotKnown),
            _ => Err(Error::malformed(attribute::SEX, "must be 1, 2 or 3")),
        }
    }

    /// From the card's text AP: `1`, `2` or `9`.
    pub fn from_card_text_code(code: &str) -> Result<Sex> {
        match code {
            "1" => Ok(Sex::Male),
            "2" => Ok(Sex::Female),
            "9" => Ok(Sex::NotKnown),
            _ => Err(Error::malformed("sex (card text AP)", "must be 1, 2 or 9")),
        }
    }

    /// The certificate's code.
    pub const fn certificate_code(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
            Sex::NotKnown => "3",
        }
    }
}

/// The Japanese era of a date of birth, as the first digit of `EYYYYMMDD`.
///
/// ```
/// use myna_jpki::holder::{CalendarDate, Era};
/// assert_eq!(Era::for_date(CalendarDate::from_ymd(2019, 4, 30)?), Era::Heisei);
/// assert_eq!(Era::for_date(CalendarDate::from_ymd(2019, 5, 1)?), Era::Reiwa);
/// assert_eq!(Era::Showa.first_day().map(|d| d.to_string()).as_deref(), Some("1926-12-25"));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    /// `0`: the register does not know the era.
    Unknown,
    /// `1` 明治.
    Meiji,
    /// `2` 大正, from 1912-07-30.
    Taisho,
    /// `3` 昭和, from 1926-12-25.
    Showa,
    /// `4` 平成, from 1989-01-08.
    Heisei,
    /// `5` 令和, from 2019-05-01.
    Reiwa,
}

impl Era {
    const NAMED: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// The era digit of `EYYYYMMDD`.
    pub const fn digit(self) -> u8 {
        match self {
            Era::Unknown => 0,
            Era::Meiji => 1,
            Era::Taisho => 2,
            Era::Showa => 3,
            Era::Heisei => 4,
            Era::Reiwa => 5,
        }
    }

    /// The era of a digit, if the digit is 0 to 5.
    pub fn from_digit(digit: u8) -> Option<Era> {
        [
            Era::Unknown,
            Era::Meiji,
            Era::Taisho,
            Era::Showa,
            Era::Heisei,
            Era::Reiwa,
        ]
        .into_iter()
        .find(|e| e.digit() == digit)
    }

    /// The first day of the era (Meiji: 1868-10-23 in the Gregorian calendar).
    pub fn first_day(self) -> Option<CalendarDate> {
        match self {
            Era::Unknown => None,
            Era::Meiji => CalendarDate::from_ymd(1868, 10, 23).ok(),
            Era::Taisho => CalendarDate::from_ymd(1912, 7, 30).ok(),
            Era::Showa => CalendarDate::from_ymd(1926, 12, 25).ok(),
            Era::Heisei => CalendarDate::from_ymd(1989, 1, 8).ok(),
            Era::Reiwa => CalendarDate::from_ymd(2019, 5, 1).ok(),
        }
    }

    /// The era a date falls in (Meiji for anything before Taishō).
    pub fn for_date(date: CalendarDate) -> Era {
        Self::NAMED
            .into_iter()
            .rev()
            .find(|era| era.first_day().is_some_and(|first| first <= date))
            .unwrap_or(Era::Meiji)
    }
}

/// A date of birth with its era, as `EYYYYMMDD` encodes it (the year is Gregorian).
///
/// ```
/// use myna_jpki::holder::{BirthDate, CalendarDate, Era};
/// let showa = BirthDate::parse("319640815")?;
/// assert_eq!(showa.era(), Era::Showa);
/// assert_eq!(showa.japanese_year(), Some(39)); // 昭和39年
/// assert_eq!(showa.encode(), "319640815");
/// assert_eq!(showa.age_on(CalendarDate::from_ymd(2024, 8, 15)?), 60);
/// assert!(BirthDate::parse("519640815").is_err()); // Reiwa does not fit 1964
/// assert!(BirthDate::parse("420230229").is_err()); // no 29 February in 2023
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BirthDate {
    era: Era,
    date: CalendarDate,
}

impl BirthDate {
    /// A date of birth in the era it falls in.
    pub fn from_date(date: CalendarDate) -> BirthDate {
        BirthDate {
            era: Era::for_date(date),
            date,
        }
    }

    /// A date of birth with an explicit era, which must be [`Era::Unknown`] or the date's era.
    pub fn new(era: Era, date: CalendarDate) -> Result<BirthDate> {
        if era != Era::Unknown && era != Era::for_date(date) {
            return Err(Error::malformed(
                attribute::BIRTH_DATE,
                format!("era digit {} does not fit {date}", era.digit()),
            ));
        }
        Ok(BirthDate { era, date })
    }

    /// Parses `EYYYYMMDD`.
    pub fn parse(text: &str) -> Result<BirthDate> {
        let bytes = text.as_bytes();
        if bytes.len() != 9 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(Error::malformed(
                attribute::BIRTH_DATE,
                "must be nine digits EYYYYMMDD",
            ));
        }
        let number = |range: core::ops::Range<usize>| -> u16 {
            bytes
                .get(range)
                .unwrap_or_default()
                .iter()
                .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'))
        };
        let era_digit = u8::try_from(number(0..1)).unwrap_or(u8::MAX);
        let era = Era::from_digit(era_digit)
            .ok_or_else(|| Error::malformed(attribute::BIRTH_DATE, "era digit must be 0 to 5"))?;
        let (month, day) = (number(5..7), number(7..9));
        let date = CalendarDate::from_ymd(
            i32::from(number(1..5)),
            u8::try_from(month).unwrap_or(0),
            u8::try_from(day).unwrap_or(0),
        )
        .map_err(|_| Error::malformed(attribute::BIRTH_DATE, "is not a calendar date"))?;
        BirthDate::new(era, date)
    }

    /// `EYYYYMMDD`.
    pub fn encode(&self) -> String {
        format!(
            "{}{:04}{:02}{:02}",
            self.era.digit(),
            self.date.year(),
            self.date.month(),
            self.date.day()
        )
    }

    /// The era as recorded.
    pub fn era(&self) -> Era {
        self.era
    }

    /// The Gregorian date.
    pub fn date(&self) -> CalendarDate {
        self.date
    }

    /// The year within the era (元年 = 1), when the era is known.
    pub fn japanese_year(&self) -> Option<u16> {
        let first = self.era.first_day()?;
        // The era was checked against the date, so the difference is small and non-negative.
        u16::try_from(self.date.year() - first.year() + 1).ok()
    }

    /// The age in whole years on `date` (one is N from 00:00 of the Nth birthday; a
    /// 29 February birth is N from 1 March in common years), 0 before the birth.
    pub fn age_on(&self, date: CalendarDate) -> u32 {
        age::age_on(self.date, date)
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.date.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_boundaries() {
        let cases = [
            ("219120730", Era::Taisho),
            ("119120729", Era::Meiji),
            ("319261225", Era::Showa),
            ("219261224", Era::Taisho),
            ("419890108", Era::Heisei),
            ("319890107", Era::Showa),
            ("520190501", Era::Reiwa),
            ("420190430", Era::Heisei),
            ("020190501", Era::Unknown),
        ];
        for (text, era) in cases {
            let parsed = BirthDate::parse(text).unwrap();
            assert_eq!(parsed.era(), era, "{text}");
            assert_eq!(parsed.encode(), text);
        }
        assert!(BirthDate::parse("419890107").is_err());
        assert!(BirthDate::parse("620200101").is_err());
        assert!(BirthDate::parse("52019050").is_err());
        assert!(BirthDate::parse("5２019050").is_err());
    }

    #[test]
    fn a_leap_day_birth_ages_on_1_march_in_common_years() {
        let born = BirthDate::parse("420040229").unwrap();
        let on = |y, m, d| CalendarDate::from_ymd(y, m, d).unwrap();
        assert_eq!(born.age_on(on(2024, 2, 28)), 19);
        assert_eq!(born.age_on(on(2024, 2, 29)), 20);
        assert_eq!(born.age_on(on(2023, 2, 28)), 18);
        assert_eq!(born.age_on(on(2023, 3, 1)), 19);
        assert_eq!(born.age_on(on(2004, 2, 29)), 0);
        assert_eq!(born.age_on(on(2000, 1, 1)), 0, "not yet born");
    }

    #[test]
    fn texts_are_checked_against_their_maps() {
        let err = HolderName::new("山田　太郎", SubstituteMap::none(4)).unwrap_err();
        assert!(matches!(
            err,
            Error::MalformedAttribute {
                attribute: attribute::NAME,
                ..
            }
        ));
        assert!(HolderName::plain("").is_err());
        assert!(HolderName::plain("山田\n太郎").is_err());
        assert!(Address::plain("あ".repeat(200)).is_ok());
    }
}
