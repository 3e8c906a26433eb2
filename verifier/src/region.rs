//! Regions: a named set of municipalities (by 全国地方公共団体コード), configured as data, so
//! that one offer can be for the residents of several municipalities.
//!
//! The seeds ask for it twice:
//!
//! * Himeji's どんぐりカード (free entry for children) is for 「4～15歳未満の子ども（姫路市民及び
//!   播磨圏域連携中枢都市圏の住民）」 (`../shared/seeds/000_2cab3622a7b836b8.txt:4023`, the card
//!   at :4038) — the residents of the 8 cities and 8 towns of the Harima region, not only of
//!   Himeji;
//! * the Izu fan club is run by 「静岡県三島市、熱海市、函南町その他伊豆関連エリア」
//!   (`../shared/seeds/000_2cab3622a7b836b8.txt:3099`) for visitors 「及び域内在住者」 (:3125).
//!
//! A [`Region`] is a [`RegionName`] (`harima`, `izu`: lowercase ASCII, for specs such as
//! `resident-of-region:harima`), a Japanese name, where its membership comes from, and its
//! members. [`Regions::builtin`] holds the seeds' two regions (the data file
//! `verifier/data/regions.json`); [`Regions::with_file`] adds (or replaces, by name) the
//! regions of a deployment's own file, which `myna verify check|serve --regions FILE` reads —
//! a region's membership changes with a new file, not with a new release.
//!
//! Residence in a region is still proved by the municipality's own resident credential: the
//! credential's `municipality_code` must be a member **and** its issuer must be that member's
//! own issuer in the trust list ([`residence_of`](crate::policy::residence_of)) — a member
//! cannot vouch for the residents of another member.
//!
//! ## The regions file
//!
//! ```json
//! { "regions": [
//!   { "name": "harima", "name_ja": "播磨圏域連携中枢都市圏",
//!     "source": "where the membership list comes from",
//!     "members": [ { "code": "282014", "name_ja": "姫路市" }, … ] } ] }
//! ```
//!
//! Every code's check digit must verify ([`MunicipalityCode::parse`]); a region has at least
//! one member and no member twice; a file names a region once and holds at most
//! [`MAX_REGIONS`] regions of at most [`MAX_MEMBERS`] members; unknown members are refused.
//! Whatever is wrong is a [`RegionsFileError`] naming the line and column and what is wrong.
//!
//! ```
//! use myna_verifier::region::Regions;
//! let regions = Regions::builtin();
//! let harima = regions.get("harima")?;
//! assert!(harima.contains("282103".parse()?)); // 加古川市
//! assert!(!harima.contains("281000".parse()?)); // 神戸市 is not in the Harima region
//! assert!(regions.get("kanto").is_err());
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;

use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::{Error, InputError, Result};
use serde::Deserialize;

/// The most regions one file may hold.
pub const MAX_REGIONS: usize = 256;

/// The most members one region may have (Japan has about 1,741 municipalities, and the wards
/// of its designated cities).
pub const MAX_MEMBERS: usize = 2_000;

/// The most characters of a [`RegionName`].
pub const MAX_NAME_CHARS: usize = 48;

/// The built-in regions, as data (`verifier/data/regions.json`).
const BUILTIN_JSON: &str = include_str!("../data/regions.json");

/// What names a region in specs and files: 1 to [`MAX_NAME_CHARS`] of `a-z`, `0-9` and `-`,
/// starting with a letter (so it never reads as a six-digit municipality code).
///
/// ```
/// use myna_verifier::region::RegionName;
/// assert_eq!(RegionName::parse("harima")?.as_str(), "harima");
/// assert!(RegionName::parse("Harima").is_err());
/// assert!(RegionName::parse("281000").is_err());
/// assert!(RegionName::parse("").is_err());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct RegionName(String);

impl RegionName {
    /// Parses a region name (see the type's docs), or [`InputError::UnknownValue`] saying
    /// what a region name may hold.
    pub fn parse(text: &str) -> Result<Self> {
        let mut chars = text.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !starts_with_letter || !rest_ok || text.chars().count() > MAX_NAME_CHARS {
            return Err(Error::Input(InputError::UnknownValue {
                what: "region name (a-z, 0-9 and -, starting with a letter, at most 48)",
                value: text.chars().take(64).collect(),
            }));
        }
        Ok(RegionName(text.to_owned()))
    }

    /// The name as text.
    ///
    /// ```
    /// # use myna_verifier::region::RegionName;
    /// assert_eq!(RegionName::parse("izu")?.as_str(), "izu");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegionName {
    type Error = Error;

    fn try_from(text: String) -> Result<Self> {
        Self::parse(&text)
    }
}

impl fmt::Display for RegionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One member of a region: its code and its name in Japanese (for people reading the list).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberEntry {
    code: MunicipalityCode,
    name_ja: String,
}

/// The members of a region: at least one, none twice, at most [`MAX_MEMBERS`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<MemberEntry>")]
struct Members(BTreeMap<MunicipalityCode, String>);

impl TryFrom<Vec<MemberEntry>> for Members {
    type Error = String;

    fn try_from(entries: Vec<MemberEntry>) -> core::result::Result<Self, String> {
        if entries.is_empty() {
            return Err("a region needs at least one member".to_owned());
        }
        if entries.len() > MAX_MEMBERS {
            return Err(format!(
                "{} members, more than the limit of {MAX_MEMBERS}",
                entries.len()
            ));
        }
        let mut members = BTreeMap::new();
        for entry in entries {
            if members.insert(entry.code, entry.name_ja).is_some() {
                return Err(format!("the member {} is listed twice", entry.code));
            }
        }
        Ok(Members(members))
    }
}

/// A named set of municipalities.
///
/// ```
/// use myna_verifier::region::Regions;
/// let izu = Regions::builtin().get("izu")?.clone();
/// assert_eq!(izu.name().as_str(), "izu");
/// assert!(izu.name_ja().contains("伊豆"));
/// assert_eq!(izu.members().count(), 3);
/// assert!(izu.source().contains("000_2cab3622a7b836b8.txt:3099"));
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    name: RegionName,
    name_ja: String,
    source: String,
    members: Members,
}

impl Region {
    /// The region's name in specs.
    pub fn name(&self) -> &RegionName {
        &self.name
    }

    /// The region's name in Japanese.
    pub fn name_ja(&self) -> &str {
        &self.name_ja
    }

    /// Where the membership list comes from (a seed line, a municipality's page).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The members, by code, with their names in Japanese.
    ///
    /// ```
    /// use myna_verifier::region::Regions;
    /// let harima = Regions::builtin().get("harima")?.clone();
    /// let names: Vec<&str> = harima.members().map(|(_, name)| name).collect();
    /// assert!(names.contains(&"加古川市"));
    /// assert_eq!(names.len(), 16); // 8 cities and 8 towns
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn members(&self) -> impl Iterator<Item = (MunicipalityCode, &str)> {
        self.members
            .0
            .iter()
            .map(|(code, name)| (*code, name.as_str()))
    }

    /// Whether `code` is a member.
    pub fn contains(&self, code: MunicipalityCode) -> bool {
        self.members.0.contains_key(&code)
    }

    /// A region with this name and no members: what a wallet builds a query from when it
    /// does not know the verifier's regions (the query does not depend on the members; such
    /// a region accepts nobody).
    pub(crate) fn unknown_members(name: RegionName) -> Self {
        Region {
            name_ja: name.as_str().to_owned(),
            name,
            source: String::new(),
            members: Members(BTreeMap::new()),
        }
    }
}

/// The regions file: a list of regions, each named once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    regions: RegionList,
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "Vec<Region>")]
struct RegionList(Vec<Region>);

impl TryFrom<Vec<Region>> for RegionList {
    type Error = String;

    fn try_from(regions: Vec<Region>) -> core::result::Result<Self, String> {
        if regions.len() > MAX_REGIONS {
            return Err(format!(
                "{} regions, more than the limit of {MAX_REGIONS}",
                regions.len()
            ));
        }
        let mut seen = BTreeSet::new();
        for region in &regions {
            if !seen.insert(region.name.clone()) {
                return Err(format!("the region `{}` is named twice", region.name));
            }
        }
        Ok(RegionList(regions))
    }
}

/// Why a regions file was refused: where (line and column, from 1) and what.
///
/// ```
/// use myna_verifier::region::Regions;
/// let bad = "{\"regions\": [\n {\"name\": \"x\", \"name_ja\": \"x\", \"source\": \"s\",\n  \"members\": [{\"code\": \"282015\", \"name_ja\": \"?\"}]}]}";
/// let error = Regions::from_json(bad).unwrap_err();
/// assert_eq!(error.line(), 3);
/// assert!(error.to_string().contains("line 3"));
/// assert!(error.problem().contains("check digit"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionsFileError {
    line: usize,
    column: usize,
    problem: String,
}

impl RegionsFileError {
    /// The line (from 1) where the problem was found.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (from 1) where the problem was found.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for RegionsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "regions file, line {} column {}: {}",
            self.line, self.column, self.problem
        )
    }
}

impl std::error::Error for RegionsFileError {}

impl From<serde_json::Error> for RegionsFileError {
    fn from(error: serde_json::Error) -> Self {
        // serde_json's message ends with " at line L column C"; the position is kept apart.
        let text = error.to_string();
        let problem = match text.rfind(" at line ") {
            Some(at) => text.get(..at).unwrap_or(&text).to_owned(),
            None => text.clone(),
        };
        RegionsFileError {
            line: error.line(),
            column: error.column(),
            problem,
        }
    }
}

/// Regions by name.
///
/// ```
/// use myna_verifier::region::Regions;
/// let file = r#"{"regions": [{"name": "izu", "name_ja": "伊豆半島", "source": "our list",
///   "members": [{"code": "222062", "name_ja": "三島市"}, {"code": "222089", "name_ja": "伊東市"}]}]}"#;
/// let regions = Regions::builtin().with_file(file)?;
/// assert!(regions.get("izu")?.contains("222089".parse()?)); // the file's izu replaced the built-in
/// assert!(regions.get("harima").is_ok()); // the other built-in stays
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Regions {
    regions: BTreeMap<RegionName, Region>,
}

/// The built-in regions, parsed once.
static BUILTIN: LazyLock<Regions> =
    // A test parses the built-in file; were it broken, no region would exist and every
    // region policy would refuse (fail closed), not accept.
    LazyLock::new(|| Regions::from_json(BUILTIN_JSON).unwrap_or_default());

impl Regions {
    /// The seeds' regions: `harima` (播磨圏域連携中枢都市圏, 8 cities and 8 towns) and `izu`
    /// (三島市, 熱海市, 函南町).
    ///
    /// ```
    /// use myna_verifier::region::Regions;
    /// let names: Vec<&str> = Regions::builtin().iter().map(|r| r.name().as_str()).collect();
    /// assert_eq!(names, ["harima", "izu"]);
    /// ```
    pub fn builtin() -> &'static Regions {
        &BUILTIN
    }

    /// The regions of a regions file (see the module docs), or where and why it is wrong.
    pub fn from_json(text: &str) -> core::result::Result<Regions, RegionsFileError> {
        let file: RegionsFile = serde_json::from_str(text)?;
        Ok(Regions {
            regions: file
                .regions
                .0
                .into_iter()
                .map(|region| (region.name.clone(), region))
                .collect(),
        })
    }

    /// These regions with those of a regions file added; a region of the file with the name
    /// of one of these replaces it.
    pub fn with_file(&self, text: &str) -> core::result::Result<Regions, RegionsFileError> {
        let mut regions = self.clone();
        regions.regions.extend(Self::from_json(text)?.regions);
        Ok(regions)
    }

    /// The region named `name`, or a typed error: [`InputError::UnknownValue`] for a name
    /// that is not a region name or names no region here.
    pub fn get(&self, name: &str) -> Result<&Region> {
        let name = RegionName::parse(name)?;
        self.regions.get(&name).ok_or_else(|| {
            Error::Input(InputError::UnknownValue {
                what: "region (see `myna verify regions`)",
                value: name.to_string(),
            })
        })
    }

    /// Every region, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }
}

/// Where an offer's residents live: one municipality, or a region.
///
/// ```
/// use myna_verifier::region::{Area, Regions};
/// let regions = Regions::builtin();
/// let kobe = Area::parse("281000", regions)?;
/// assert_eq!(kobe.label(), "281000");
/// let harima = Area::parse("harima", regions)?;
/// assert!(harima.contains("282014".parse()?));
/// assert!(Area::parse("281001", regions).is_err()); // a wrong check digit
/// assert!(Area::parse("kanto", regions).is_err()); // no such region
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// The residents of one municipality.
    Municipality(MunicipalityCode),
    /// The residents of any member of a region.
    Region(Region),
}

impl Area {
    /// A six-digit municipality code, or the name of one of `regions`.
    pub fn parse(text: &str, regions: &Regions) -> Result<Area> {
        if text.starts_with(|c: char| c.is_ascii_digit()) {
            return Ok(Area::Municipality(MunicipalityCode::parse(text)?));
        }
        Ok(Area::Region(regions.get(text)?.clone()))
    }

    /// Whether a resident of `code` lives here.
    pub fn contains(&self, code: MunicipalityCode) -> bool {
        match self {
            Area::Municipality(own) => *own == code,
            Area::Region(region) => region.contains(code),
        }
    }

    /// The code or the region name, as policy names carry it (`senior-281000`,
    /// `senior-harima`).
    pub fn label(&self) -> String {
        match self {
            Area::Municipality(code) => code.to_string(),
            Area::Region(region) => region.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in file parses (else [`Regions::builtin`] would be empty), with the seeds'
    /// two regions and every member's check digit verified by parsing.
    #[test]
    fn the_builtin_file_parses() {
        let regions = Regions::from_json(BUILTIN_JSON).unwrap();
        assert_eq!(regions.iter().count(), 2);
        assert_eq!(regions.get("harima").unwrap().members().count(), 16);
        assert_eq!(regions.get("izu").unwrap().members().count(), 3);
        assert_eq!(Regions::builtin(), &regions);
    }
}
