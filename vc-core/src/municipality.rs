//! Municipalities and prefectures: 全国地方公共団体コード (local government codes), the 47
//! prefectures (JIS X 0401), municipalities built from an issuer's configuration
//! ([`Municipality::new`]: any of Japan's municipalities, Tokyo's special wards and designated
//! cities' wards), a small table of the municipalities in this project's scenarios (demo and
//! test data), and whether a certified address lies in a municipality.
//!
//! # The check digit (検査数字)
//!
//! A local government code is 6 digits: prefecture 2 + municipality 3 + check digit (JIS X
//! 0402). With the first five digits d₁…d₅: S = 6·d₁ + 5·d₂ + 4·d₃ + 3·d₄ + 2·d₅,
//! r = S mod 11, and the check digit is the last digit of 11 − r, i.e. (11 − r) mod 10. So
//! r = 0 gives 1 and r = 1 gives 0 (11 − 0 = 11 → 1; 11 − 1 = 10 → 0).
//!
//! Source for the r = 0 / r = 1 cases: the table in "地方公共団体コードのチェックデジット検証"
//! (<https://wiki.hgotoh.jp/documents/code/code-014>), which states the check digit is the
//! last digit of 11 − r and lists r = 0 → 1, r = 1 → 0, and the same formula
//! `(11 - (sum % 11)) % 10` in a published converter of 5-digit to 6-digit codes. These are
//! secondary sources describing the 総務省 / JIS X 0402 rule; the JIS text itself was not
//! available here. The rule reproduces every code in [`SCENARIO_MUNICIPALITIES`] (e.g. Kobe
//! 28100: S = 56, r = 1 → 0 → 281000), and it differs from the My Number (個人番号) rule,
//! which maps r ≤ 1 to 0. Because r = 0 and r = 10 both give 1, a single wrong digit that
//! moves r between 0 and 10 goes unnoticed (Sapporo Chūō-ku 011011 and Minami-ku 011061 differ
//! in one digit); every other single-digit error is caught.
//!
//! # Addresses
//!
//! A JPKI signature certificate carries the address from the prefecture down, in full-width
//! Japanese (e.g. `兵庫県神戸市中央区加納町６丁目５番１号`). [`address_in`] decides membership
//! by name: prefecture name, then (for towns and villages) an optional county (郡) segment,
//! then the municipality name. Limitations: it matches names, not codes, so it knows nothing
//! of mergers or renamings, spelling variants (ケ/ヶ, 旧字体) or addresses written without the
//! prefecture; a designated city's wards are inside the city by construction, but a ward given
//! as the municipality (e.g. `中央区`) is only found if the address names it right after the
//! prefecture (Tokyo's special wards) — so a designated city's ward is named with its city
//! (`神戸市中央区`), which [`Municipality::new`] enforces. It is exact for the municipalities
//! in [`SCENARIO_MUNICIPALITIES`].

use crate::MunicipalError;
use core::fmt;
use core::str::FromStr;
use std::borrow::Cow;

use crate::digit_code;
use crate::{Error, Result};

const CODE: &str = "local government code (全国地方公共団体コード)";
const PREFECTURE: &str = "prefecture code (都道府県コード)";

/// The 47 prefectures in JIS X 0401 order: (Japanese name, romaji).
const PREFECTURES: [(&str, &str); 47] = [
    ("北海道", "Hokkaido"),
    ("青森県", "Aomori"),
    ("岩手県", "Iwate"),
    ("宮城県", "Miyagi"),
    ("秋田県", "Akita"),
    ("山形県", "Yamagata"),
    ("福島県", "Fukushima"),
    ("茨城県", "Ibaraki"),
    ("栃木県", "Tochigi"),
    ("群馬県", "Gunma"),
    ("埼玉県", "Saitama"),
    ("千葉県", "Chiba"),
    ("東京都", "Tokyo"),
    ("神奈川県", "Kanagawa"),
    ("新潟県", "Niigata"),
    ("富山県", "Toyama"),
    ("石川県", "Ishikawa"),
    ("福井県", "Fukui"),
    ("山梨県", "Yamanashi"),
    ("長野県", "Nagano"),
    ("岐阜県", "Gifu"),
    ("静岡県", "Shizuoka"),
    ("愛知県", "Aichi"),
    ("三重県", "Mie"),
    ("滋賀県", "Shiga"),
    ("京都府", "Kyoto"),
    ("大阪府", "Osaka"),
    ("兵庫県", "Hyogo"),
    ("奈良県", "Nara"),
    ("和歌山県", "Wakayama"),
    ("鳥取県", "Tottori"),
    ("島根県", "Shimane"),
    ("岡山県", "Okayama"),
    ("広島県", "Hiroshima"),
    ("山口県", "Yamaguchi"),
    ("徳島県", "Tokushima"),
    ("香川県", "Kagawa"),
    ("愛媛県", "Ehime"),
    ("高知県", "Kochi"),
    ("福岡県", "Fukuoka"),
    ("佐賀県", "Saga"),
    ("長崎県", "Nagasaki"),
    ("熊本県", "Kumamoto"),
    ("大分県", "Oita"),
    ("宮崎県", "Miyazaki"),
    ("鹿児島県", "Kagoshima"),
    ("沖縄県", "Okinawa"),
];

/// A prefecture code (都道府県コード, JIS X 0401), 01–47. Serialized as its two-digit string.
///
/// ```
/// use myna_vc_core::municipality::PrefectureCode;
/// let hyogo: PrefectureCode = "28".parse()?;
/// assert_eq!((hyogo.get(), hyogo.name_ja(), hyogo.name_romaji()), (28, "兵庫県", "Hyogo"));
/// assert_eq!(hyogo.to_string(), "28");
/// assert!(PrefectureCode::new(48).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct PrefectureCode(u8);

impl PrefectureCode {
    /// The prefecture with code `code`, if it is 1–47.
    ///
    /// ```
    /// use myna_vc_core::{municipality::PrefectureCode, Error};
    /// assert_eq!(PrefectureCode::new(13)?.name_ja(), "東京都");
    /// assert!(matches!(PrefectureCode::new(0), Err(Error::Municipal(myna_vc_core::MunicipalError::UnknownPrefecture(0)))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(code: u8) -> Result<Self> {
        if (1..=47).contains(&code) {
            Ok(PrefectureCode(code))
        } else {
            Err(Error::Municipal(MunicipalError::UnknownPrefecture(code)))
        }
    }

    /// Parses exactly two ASCII digits, `01`–`47`.
    ///
    /// ```
    /// use myna_vc_core::{municipality::PrefectureCode, Error};
    /// assert_eq!(PrefectureCode::parse("04")?.name_romaji(), "Miyagi");
    /// assert!(matches!(PrefectureCode::parse("4"), Err(Error::Municipal(myna_vc_core::MunicipalError::CodeLength { .. }))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let digits = digit_code::parse::<2>(text, PREFECTURE)?;
        Self::new(u8::try_from(digit_code::value(&digits)).unwrap_or(0))
    }

    /// The code, 1–47.
    ///
    /// ```
    /// # use myna_vc_core::municipality::PrefectureCode;
    /// assert_eq!(PrefectureCode::new(10)?.get(), 10);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn get(self) -> u8 {
        self.0
    }

    /// The name in Japanese with its suffix (都, 道, 府 or 県), as addresses write it.
    ///
    /// ```
    /// # use myna_vc_core::municipality::PrefectureCode;
    /// assert_eq!(PrefectureCode::new(1)?.name_ja(), "北海道");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn name_ja(self) -> &'static str {
        self.entry().0
    }

    /// The name in romaji without macrons or suffix (`Hyogo`, `Tokyo`).
    ///
    /// ```
    /// # use myna_vc_core::municipality::PrefectureCode;
    /// assert_eq!(PrefectureCode::new(22)?.name_romaji(), "Shizuoka");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn name_romaji(self) -> &'static str {
        self.entry().1
    }

    /// All 47 prefectures in code order.
    ///
    /// ```
    /// # use myna_vc_core::municipality::PrefectureCode;
    /// assert_eq!(PrefectureCode::all().count(), 47);
    /// ```
    pub fn all() -> impl Iterator<Item = PrefectureCode> {
        (1..=47).map(PrefectureCode)
    }

    fn entry(self) -> (&'static str, &'static str) {
        // The constructor admits only 1..=47, which index the 47-entry table.
        PREFECTURES
            .get(usize::from(self.0).wrapping_sub(1))
            .copied()
            .unwrap_or(("", ""))
    }
}

impl fmt::Display for PrefectureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl FromStr for PrefectureCode {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text)
    }
}

impl TryFrom<String> for PrefectureCode {
    type Error = Error;

    fn try_from(text: String) -> Result<Self> {
        Self::parse(&text)
    }
}

impl From<PrefectureCode> for String {
    fn from(code: PrefectureCode) -> Self {
        code.to_string()
    }
}

/// The check digit of a five-digit local government code (see the module docs).
///
/// ```
/// use myna_vc_core::municipality::check_digit;
/// assert_eq!(check_digit(&[2, 8, 1, 0, 0]), 0); // Kobe: 56 mod 11 = 1 → 10 → 0
/// assert_eq!(check_digit(&[1, 0, 2, 0, 1]), 6); // Maebashi: 16 mod 11 = 5 → 6
/// assert_eq!(check_digit(&[0, 4, 1, 0, 0]), 9); // Sendai: 24 mod 11 = 2 → 9
/// assert_eq!(check_digit(&[0, 1, 1, 0, 1]), 1); // Sapporo Chūō-ku 011011: 11 mod 11 = 0 → 11 → 1
/// ```
pub fn check_digit(first_five: &[u8; 5]) -> u8 {
    let sum: u32 = first_five
        .iter()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    // (11 − r) mod 10 is below 10 and fits in a u8.
    u8::try_from((11 - sum % 11) % 10).unwrap_or(0)
}

/// A 全国地方公共団体コード: 6 digits, prefecture 01–47 first, a valid check digit last.
/// Serialized as its six-digit string.
///
/// ```
/// use myna_vc_core::municipality::MunicipalityCode;
/// let kobe: MunicipalityCode = "281000".parse()?;
/// assert_eq!(kobe.prefecture().name_ja(), "兵庫県");
/// assert_eq!(kobe.five_digit(), "28100");
/// assert_eq!(MunicipalityCode::from_five_digit("10201")?.to_string(), "102016");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityCode([u8; 6]);

impl MunicipalityCode {
    /// Parses six ASCII digits and checks the prefecture and the check digit.
    ///
    /// ```
    /// use myna_vc_core::{municipality::MunicipalityCode, Error};
    /// assert!(MunicipalityCode::parse("041009").is_ok());
    /// assert!(matches!(MunicipalityCode::parse("041008"), Err(Error::Municipal(myna_vc_core::MunicipalError::CheckDigitMismatch { .. }))));
    /// assert!(matches!(MunicipalityCode::parse("481001"), Err(Error::Municipal(myna_vc_core::MunicipalError::UnknownPrefecture(48)))));
    /// assert!(matches!(MunicipalityCode::parse("28100"), Err(Error::Municipal(myna_vc_core::MunicipalError::CodeLength { .. }))));
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let digits = digit_code::parse::<6>(text, CODE)?;
        let [a, b, c, d, e, check] = digits;
        Self::prefecture_of(a, b)?;
        if check_digit(&[a, b, c, d, e]) != check {
            return Err(Error::Municipal(MunicipalError::CheckDigitMismatch {
                what: CODE,
            }));
        }
        Ok(MunicipalityCode(digits))
    }

    /// The code from its five-digit form (without check digit), computing the check digit.
    ///
    /// ```
    /// use myna_vc_core::municipality::MunicipalityCode;
    /// assert_eq!(MunicipalityCode::from_five_digit("04100")?.to_string(), "041009");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_five_digit(text: &str) -> Result<Self> {
        let [a, b, c, d, e] = digit_code::parse::<5>(text, CODE)?;
        Self::prefecture_of(a, b)?;
        let check = check_digit(&[a, b, c, d, e]);
        Ok(MunicipalityCode([a, b, c, d, e, check]))
    }

    /// The prefecture (first two digits).
    ///
    /// ```
    /// # use myna_vc_core::municipality::MunicipalityCode;
    /// assert_eq!(MunicipalityCode::parse("102016")?.prefecture().name_romaji(), "Gunma");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn prefecture(&self) -> PrefectureCode {
        let [a, b, ..] = self.0;
        // Checked at construction.
        PrefectureCode(a * 10 + b)
    }

    /// The five-digit form without the check digit, as statistics tables use it.
    ///
    /// ```
    /// # use myna_vc_core::municipality::MunicipalityCode;
    /// assert_eq!(MunicipalityCode::parse("222062")?.five_digit(), "22206");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn five_digit(&self) -> String {
        digit_code::to_string(self.0.get(..5).unwrap_or_default())
    }

    fn prefecture_of(a: u8, b: u8) -> Result<PrefectureCode> {
        PrefectureCode::new(a * 10 + b)
    }
}

crate::digit_code::text_conversions!(MunicipalityCode);

/// A municipality: its code, and its name as addresses write it after the prefecture.
///
/// Any of Japan's municipalities (and Tokyo's special wards, and a designated city's wards)
/// can be one: [`Municipality::new`] builds it from an issuer's configuration, checking the
/// name against the code's prefecture. The few in [`SCENARIO_MUNICIPALITIES`] are demo and
/// test data ([`Municipality::lookup`]); nothing requires a municipality to be in that table.
///
/// ```
/// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
/// let atami = Municipality::new(MunicipalityCode::parse("222054")?, "静岡県", "熱海市")?;
/// assert_eq!((atami.name_ja(), atami.prefecture().name_ja()), ("熱海市", "静岡県"));
/// assert!(atami.contains_address("静岡県熱海市中央町１番１号"));
/// assert!(!atami.contains_address("静岡県伊東市大原２丁目１番１号"));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Municipality {
    code: MunicipalityCode,
    name_ja: Cow<'static, str>,
    name_romaji: Option<&'static str>,
}

/// Why a municipality name was refused by [`Municipality::new`] (inside
/// [`MunicipalError::InvalidMunicipalityName`]).
///
/// ```
/// use myna_vc_core::municipality::MunicipalityNameProblem;
/// assert!(MunicipalityNameProblem::Suffix.to_string().contains("市"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MunicipalityNameProblem {
    /// The name is empty.
    Empty,
    /// The name is longer than [`MAX_NAME_CHARS`] characters.
    TooLong,
    /// The name has whitespace or control characters (addresses are compared without them).
    Whitespace,
    /// The name does not end in 市, 区, 町 or 村.
    Suffix,
    /// The name is only a suffix (`市`).
    NoStem,
    /// The name starts with its prefecture's name: give only what follows it.
    StartsWithPrefecture,
    /// A ward outside Tokyo without its city: a designated city's ward is written with its
    /// city (`神戸市中央区`), as addresses write it.
    WardWithoutCity,
}

impl fmt::Display for MunicipalityNameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MunicipalityNameProblem::Empty => "is empty",
            MunicipalityNameProblem::TooLong => "is too long (at most 32 characters)",
            MunicipalityNameProblem::Whitespace => {
                "contains whitespace or control characters"
            }
            MunicipalityNameProblem::Suffix => "does not end in 市, 区, 町 or 村",
            MunicipalityNameProblem::NoStem => "has nothing before its suffix",
            MunicipalityNameProblem::StartsWithPrefecture => {
                "starts with the prefecture name; give the name that follows it (熱海市, not 静岡県熱海市)"
            }
            MunicipalityNameProblem::WardWithoutCity => {
                "is a ward outside Tokyo without its city; write it as addresses do (神戸市中央区)"
            }
        })
    }
}

/// The longest municipality name [`Municipality::new`] accepts, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// The municipalities of this project's scenarios, every code verified against
/// [`check_digit`] (a test re-derives each one). Demo and test data only: an issuer's own
/// municipality comes from its configuration ([`Municipality::new`]).
pub const SCENARIO_MUNICIPALITIES: [Municipality; 11] = [
    scenario([2, 8, 1, 0, 0, 0], "神戸市", "Kobe"),
    scenario([1, 0, 2, 0, 1, 6], "前橋市", "Maebashi"),
    scenario([2, 2, 2, 0, 6, 2], "三島市", "Mishima"),
    scenario([2, 8, 2, 0, 1, 4], "姫路市", "Himeji"),
    scenario([2, 7, 1, 0, 0, 4], "大阪市", "Osaka"),
    scenario([0, 4, 1, 0, 0, 9], "仙台市", "Sendai"),
    scenario([3, 8, 2, 0, 6, 0], "西条市", "Saijo"),
    scenario([4, 2, 2, 0, 5, 3], "大村市", "Omura"),
    scenario([1, 7, 2, 1, 0, 3], "能美市", "Nomi"),
    scenario([2, 8, 2, 2, 2, 7], "養父市", "Yabu"),
    scenario([1, 1, 2, 0, 2, 0], "熊谷市", "Kumagaya"),
];

/// [`SCENARIO_MUNICIPALITIES`] in one place in memory, for [`Municipality::lookup`].
static SCENARIOS: [Municipality; 11] = SCENARIO_MUNICIPALITIES;

const fn scenario(code: [u8; 6], name_ja: &'static str, name_romaji: &'static str) -> Municipality {
    Municipality {
        code: MunicipalityCode(code),
        name_ja: Cow::Borrowed(name_ja),
        name_romaji: Some(name_romaji),
    }
}

impl Municipality {
    /// The municipality with local government code `code`, in prefecture `prefecture_name`
    /// (`静岡県`, exactly as addresses write it), called `name` as addresses write it after
    /// the prefecture: `熱海市`, `函南町` (without its county), Tokyo's special wards as
    /// `千代田区`, a designated city's ward with its city as `神戸市中央区`.
    ///
    /// The code's check digit was checked when it was parsed; here the prefecture name must be
    /// that of the code's first two digits ([`MunicipalError::PrefectureMismatch`]) and the name must
    /// be one an address can contain ([`MunicipalError::InvalidMunicipalityName`]: non-empty, at most
    /// [`MAX_NAME_CHARS`] characters, no whitespace, ending in 市, 区, 町 or 村, not starting
    /// with the prefecture, a ward outside Tokyo written with its city). Whether this code
    /// really belongs to this name is not checked: no table of Japan's ~1,741 municipalities
    /// is built in, the configuration is trusted for that.
    ///
    /// ```
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode, MunicipalityNameProblem};
    /// use myna_vc_core::Error;
    /// let chiyoda = Municipality::new(MunicipalityCode::parse("131016")?, "東京都", "千代田区")?;
    /// assert!(chiyoda.contains_address("東京都千代田区丸の内１丁目１番１号"));
    /// let kobe_chuo = Municipality::new(MunicipalityCode::parse("281018")?, "兵庫県", "神戸市中央区")?;
    /// assert!(kobe_chuo.contains_address("兵庫県神戸市中央区加納町６丁目５番１号"));
    /// assert!(!kobe_chuo.contains_address("兵庫県神戸市東灘区住吉東町５丁目２番１号"));
    ///
    /// let atami = MunicipalityCode::parse("222054")?;
    /// assert!(matches!(Municipality::new(atami, "神奈川県", "熱海市"),
    ///     Err(Error::Municipal(myna_vc_core::MunicipalError::PrefectureMismatch { expected: "静岡県", .. }))));
    /// assert!(matches!(Municipality::new(atami, "静岡県", "熱海"),
    ///     Err(Error::Municipal(myna_vc_core::MunicipalError::InvalidMunicipalityName { problem: MunicipalityNameProblem::Suffix, .. }))));
    /// assert!(matches!(Municipality::new(atami, "静岡県", ""),
    ///     Err(Error::Municipal(myna_vc_core::MunicipalError::InvalidMunicipalityName { problem: MunicipalityNameProblem::Empty, .. }))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(code: MunicipalityCode, prefecture_name: &str, name: &str) -> Result<Self> {
        let prefecture = code.prefecture();
        if prefecture_name != prefecture.name_ja() {
            return Err(Error::Municipal(MunicipalError::PrefectureMismatch {
                code,
                expected: prefecture.name_ja(),
                found: prefecture_name.chars().take(MAX_NAME_CHARS).collect(),
            }));
        }
        if let Some(problem) = name_problem(prefecture, name) {
            return Err(Error::Municipal(MunicipalError::InvalidMunicipalityName {
                name: name.chars().take(MAX_NAME_CHARS).collect(),
                problem,
            }));
        }
        Ok(Municipality {
            code,
            name_ja: Cow::Owned(name.to_owned()),
            name_romaji: None,
        })
    }

    /// The scenario municipality with this code, if it is in [`SCENARIO_MUNICIPALITIES`]
    /// (demo and test data; an issuer uses the municipality of its configuration).
    ///
    /// ```
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
    /// let code = MunicipalityCode::parse("282014")?;
    /// assert_eq!(Municipality::lookup(code).map(|m| m.name_ja()), Some("姫路市"));
    /// assert!(Municipality::lookup(MunicipalityCode::parse("131016")?).is_none());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn lookup(code: MunicipalityCode) -> Option<&'static Municipality> {
        SCENARIOS.iter().find(|m| m.code == code)
    }

    /// The local government code.
    ///
    /// ```
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
    /// let code = MunicipalityCode::parse("222054")?;
    /// assert_eq!(Municipality::new(code, "静岡県", "熱海市")?.code(), code);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn code(&self) -> MunicipalityCode {
        self.code
    }

    /// The prefecture (from the code).
    ///
    /// ```
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
    /// let atami = Municipality::new(MunicipalityCode::parse("222054")?, "静岡県", "熱海市")?;
    /// assert_eq!(atami.prefecture().get(), 22);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn prefecture(&self) -> PrefectureCode {
        self.code.prefecture()
    }

    /// The name as addresses write it after the prefecture, with its suffix (市, 区, 町, 村).
    ///
    /// ```
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
    /// let kobe = Municipality::lookup(MunicipalityCode::parse("281000")?).unwrap();
    /// assert_eq!(kobe.name_ja(), "神戸市");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn name_ja(&self) -> &str {
        &self.name_ja
    }

    /// The name in romaji without macrons or suffix, known only for the scenario table.
    ///
    /// ```
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
    /// let kobe = Municipality::lookup(MunicipalityCode::parse("281000")?).unwrap();
    /// assert_eq!(kobe.name_romaji(), Some("Kobe"));
    /// let atami = Municipality::new(MunicipalityCode::parse("222054")?, "静岡県", "熱海市")?;
    /// assert_eq!(atami.name_romaji(), None);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn name_romaji(&self) -> Option<&str> {
        self.name_romaji
    }

    /// Whether a certified address lies in this municipality (see [`address_in`]).
    ///
    /// ```
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
    /// let himeji = Municipality::lookup(MunicipalityCode::parse("282014")?).unwrap();
    /// assert!(!himeji.contains_address("兵庫県神戸市中央区加納町６丁目５番１号"));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn contains_address(&self, address: &str) -> bool {
        address_in(address, self.code.prefecture(), &self.name_ja)
    }
}

impl fmt::Display for Municipality {
    /// `静岡県熱海市 (222054)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} ({})",
            self.prefecture().name_ja(),
            self.name_ja,
            self.code
        )
    }
}

/// What is wrong with `name` as the name of a municipality in `prefecture`, if anything.
fn name_problem(prefecture: PrefectureCode, name: &str) -> Option<MunicipalityNameProblem> {
    use MunicipalityNameProblem as P;
    let chars = name.chars().count();
    let problem = if name.is_empty() {
        P::Empty
    } else if chars > MAX_NAME_CHARS {
        P::TooLong
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        P::Whitespace
    } else if !name.ends_with(['市', '区', '町', '村']) {
        P::Suffix
    } else if chars < 2 {
        P::NoStem
    } else if name.starts_with(prefecture.name_ja()) {
        P::StartsWithPrefecture
    } else if name.ends_with('区') && prefecture.get() != TOKYO && !ward_with_city(name) {
        P::WardWithoutCity
    } else {
        return None;
    };
    Some(problem)
}

/// Tokyo's prefecture code: its special wards (特別区) are municipalities on their own.
const TOKYO: u8 = 13;

/// `神戸市中央区`: a city name (…市, not empty) before the ward.
fn ward_with_city(name: &str) -> bool {
    name.trim_end_matches('区')
        .split_once('市')
        .is_some_and(|(city, ward)| !city.is_empty() && !ward.is_empty())
}

/// Whether `address` (a certified address from the prefecture down) lies in the municipality
/// called `municipality_name` (with its suffix: 神戸市, 函南町, …) of `prefecture`.
///
/// Whitespace (ASCII and the full-width space U+3000) is ignored. The address must start with
/// the prefecture's name; after it, a town or village (name ending in 町 or 村) may be preceded
/// by its county (…郡). Anything else after the prefecture must start with the municipality
/// name — so a designated city's wards (`神戸市中央区…`) are inside the city. An empty
/// municipality name matches nothing (fail closed). See the module docs for the limits.
///
/// ```
/// use myna_vc_core::municipality::{address_in, PrefectureCode};
/// let shizuoka = PrefectureCode::new(22)?;
/// assert!(address_in("静岡県田方郡函南町仁田１番地", shizuoka, "函南町"));
/// assert!(address_in("静岡県三島市北田町４番４７号", shizuoka, "三島市"));
/// assert!(!address_in("静岡県三島市北田町４番４７号", shizuoka, "函南町"));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn address_in(address: &str, prefecture: PrefectureCode, municipality_name: &str) -> bool {
    if municipality_name.is_empty() {
        return false;
    }
    let compact: String = address.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(rest) = compact.strip_prefix(prefecture.name_ja()) else {
        return false;
    };
    if rest.starts_with(municipality_name) {
        return true;
    }
    is_town_or_village(municipality_name)
        && rest.split_once('郡').is_some_and(|(county, after)| {
            !county.is_empty() && after.starts_with(municipality_name)
        })
}

fn is_town_or_village(name: &str) -> bool {
    name.ends_with('町') || name.ends_with('村')
}
