//! Ready policies by name, for configuration files and the command line:
//!
//! | spec                                   | policy                                   |
//! |----------------------------------------|------------------------------------------|
//! | `age-over-20`, `age-over-18`, `age-over-65` | [`AgeCheck`]                        |
//! | `resident:<code>`                      | [`Residency::of`]                        |
//! | `resident-of-region:<region>`          | [`Residency::of_region`]                 |
//! | `kobe-pupil-pass`                      | [`Residency::kobe_pupil_pass`]           |
//! | `child-entry:<code\|region>`, `himeji-child-entry` (Harima) | [`ChildEntry`]     |
//! | `senior:<code\|region>`, `kobe-senior`, `himeji-senior` | [`Senior`]              |
//! | `fan-club:<club>:<sale>:<shop>`        | [`FanClubSale`] (ledger given separately) |
//! | `once-per-person:<context>:<site>`     | [`OncePerPerson::sign_up`] (ledger given separately) |
//! | `shelter:<shelter-id>`                 | [`ShelterDesk`]                          |
//! | `clinic:<clinic-id>:<outpatient\|inpatient>` | [`Clinic`]                         |
//! | `pass-apply:<pass-id>:<validity>:<uses>:<eligibility>` | [`PassApplication`] (pass book given separately) |
//! | `pass-use:<pass-id>`                   | [`PassGate`] (pass book given separately) |
//!
//! A pass's `<validity>` is `<n>m` (n months from the grant) or `YYYY-MM-DD..YYYY-MM-DD`,
//! its `<uses>` `unlimited` or a number, and `<eligibility>` any other spec of this table
//! (it may contain `:`), e.g. `pass-apply:kobe-kaigan-free-pass:6m:unlimited:kobe-pupil-pass`
//! or `pass-apply:pool-coupon-2026:2026-04-01..2027-03-31:10:age-over-65`.
//!
//! ```
//! use std::sync::Arc;
//! use myna_verifier::ledger::MemoryLedger;
//! use myna_verifier::policy::catalog::policy_from_spec;
//! let ledger = Arc::new(MemoryLedger::new());
//! assert_eq!(policy_from_spec("resident:281000", ledger.clone())?.name(), "resident-of-281000");
//! assert_eq!(policy_from_spec("himeji-child-entry", ledger.clone())?.name(), "child-entry-harima");
//! assert_eq!(policy_from_spec("senior:harima", ledger.clone())?.name(), "senior-harima");
//! assert!(policy_from_spec("bogus", ledger).is_err());
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```
//!
//! A `<region>` is a region name ([`crate::region`]): [`policy_from_spec`] knows the built-in
//! ones ([`Regions::builtin`]), [`policy_from_spec_with`] those of a regions file too.

use std::sync::Arc;

use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::{Error, InputError, Result};

use super::age::AgeCheck;
use super::child_entry::ChildEntry;
use super::clinic::{Care, Clinic};
use super::fan_club::FanClubSale;
use super::once_per_person::OncePerPerson;
use super::pass::{PassApplication, PassGate};
use super::residency::Residency;
use super::senior::Senior;
use super::shelter::ShelterDesk;
use super::{Policy, Presented, Requirement};
use crate::decision::Rejection;
use crate::ledger::{MemoryLedger, RedemptionLedger};
use crate::pass::{MemoryPassBook, PassBook, PassId, PassTerms};
use crate::region::{Area, Region, RegionName, Regions};
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::time::NumericDate;

/// Builds the policy named by `spec` (see the [module docs](self)); fan-club sales record
/// purchases and once-per-person contexts their sign-ups in `ledger`, passes go to a fresh
/// in-memory book, and a `<region>` is one of the built-in regions. [`policy_from_spec_with`]
/// takes a shared pass book and a regions file. The policy remembers its spec
/// ([`Policy::spec`]).
pub fn policy_from_spec(spec: &str, ledger: Arc<dyn RedemptionLedger>) -> Result<Arc<dyn Policy>> {
    policy_from_spec_with(spec, &PolicyStores::new(ledger))
}

/// What catalog policies keep and look up besides their spec: the ledger of sales and
/// sign-ups, the pass book of passes and coupons, and the regions a `<region>` may name.
///
/// ```
/// use std::sync::Arc;
/// use myna_verifier::ledger::MemoryLedger;
/// use myna_verifier::pass::MemoryPassBook;
/// use myna_verifier::policy::catalog::{policy_from_spec_with, PolicyStores};
/// use myna_verifier::region::Regions;
/// let file = r#"{"regions": [{"name": "tobu", "name_ja": "東部", "source": "our list",
///   "members": [{"code": "222062", "name_ja": "三島市"}]}]}"#;
/// let stores = PolicyStores::new(Arc::new(MemoryLedger::new()))
///     .with_passes(Arc::new(MemoryPassBook::new()))
///     .with_regions(Regions::builtin().with_file(file)?);
/// assert_eq!(policy_from_spec_with("resident-of-region:tobu", &stores)?.name(),
///     "resident-of-region-tobu");
/// assert!(policy_from_spec_with("resident-of-region:kanto", &stores).is_err());
/// let apply = policy_from_spec_with(
///     "pass-apply:kobe-kaigan-free-pass:6m:unlimited:kobe-pupil-pass", &stores)?;
/// assert_eq!(apply.name(), "pass-apply-kobe-kaigan-free-pass");
/// let gate = policy_from_spec_with("pass-use:kobe-kaigan-free-pass", &stores)?;
/// assert_eq!(gate.requirements().len(), 1);
/// assert!(policy_from_spec_with("pass-apply:p:6m:0:age-over-65", &stores).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PolicyStores {
    /// Where fan-club sales and once-per-person contexts record who was seen.
    pub ledger: Arc<dyn RedemptionLedger>,
    /// Where `pass-apply:…` grants passes and `pass-use:…` uses them (消込): one book shared by
    /// an offer's application desk and every gate.
    pub passes: Arc<dyn PassBook>,
    /// The regions a `<region>` may name: the built-in ones and those of a regions file.
    pub regions: Regions,
}

impl PolicyStores {
    /// `ledger`, a fresh in-memory pass book and the built-in regions.
    pub fn new(ledger: Arc<dyn RedemptionLedger>) -> Self {
        PolicyStores {
            ledger,
            passes: Arc::new(MemoryPassBook::new()),
            regions: Regions::builtin().clone(),
        }
    }

    /// The same, with passes kept in `passes`.
    pub fn with_passes(self, passes: Arc<dyn PassBook>) -> Self {
        PolicyStores { passes, ..self }
    }

    /// The same, with `<region>` looked up in `regions`.
    pub fn with_regions(self, regions: Regions) -> Self {
        PolicyStores { regions, ..self }
    }
}

/// Builds the policy named by `spec` over `stores` (see [`PolicyStores`]); an unknown region
/// is an error.
pub fn policy_from_spec_with(spec: &str, stores: &PolicyStores) -> Result<Arc<dyn Policy>> {
    Ok(Arc::new(Cataloged {
        spec: spec.to_owned(),
        inner: built_policy(
            spec,
            stores.ledger.clone(),
            stores.passes.clone(),
            RegionLookup::Known(&stores.regions),
        )?,
    }))
}

/// How a spec's `<region>` is resolved.
enum RegionLookup<'a> {
    /// Among these regions; an unknown one is an error.
    Known(&'a Regions),
    /// Any well-formed name: for the query alone, which does not depend on the members.
    AnyName,
}

impl RegionLookup<'_> {
    /// The area `text` names: a municipality code or a region.
    fn area(&self, text: &str) -> Result<Area> {
        match self {
            RegionLookup::Known(regions) => Area::parse(text, regions),
            RegionLookup::AnyName if text.starts_with(|c: char| c.is_ascii_digit()) => {
                Area::parse(text, &Regions::default())
            }
            RegionLookup::AnyName => Ok(Area::Region(Region::unknown_members(RegionName::parse(
                text,
            )?))),
        }
    }

    /// The region `text` names.
    fn region(&self, text: &str) -> Result<Region> {
        match self {
            RegionLookup::Known(regions) => Ok(regions.get(text)?.clone()),
            RegionLookup::AnyName => Ok(Region::unknown_members(RegionName::parse(text)?)),
        }
    }
}

/// What a wallet asks for when a verifier's challenge names `spec`: the policy's DCQL query.
/// The ledger a sale or sign-up keeps is the verifier's; the query does not depend on it.
///
/// ```
/// use myna_verifier::policy::catalog::query_for_spec;
/// let query = query_for_spec("age-over-20")?;
/// assert_eq!(query.credentials()[0].id().as_str(), "age");
/// assert!(query_for_spec("bogus").is_err());
/// // a region the wallet does not know: the query is the same for every region
/// assert_eq!(query_for_spec("resident-of-region:tobu")?.credentials()[0].id().as_str(), "resident");
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn query_for_spec(spec: &str) -> Result<DcqlQuery> {
    // A wallet does not know the verifier's regions file, and needs not: the query is the same
    // for every region.
    let policy = built_policy(
        spec,
        Arc::new(MemoryLedger::new()),
        Arc::new(MemoryPassBook::new()),
        RegionLookup::AnyName,
    )?;
    super::query::dcql(policy.requirements())
}

/// A one-line description of what `spec` asks for, in Japanese and English, or `None` for a
/// spec not in the catalog (the pattern is matched by its first part, e.g. `resident:…`).
///
/// ```
/// use myna_verifier::policy::catalog::description;
/// let (ja, en) = description("resident:281000").unwrap();
/// assert!(ja.contains("住民"));
/// assert!(en.contains("resident"));
/// assert!(description("bogus").is_none());
/// ```
pub fn description(spec: &str) -> Option<(&'static str, &'static str)> {
    let head = spec.split(':').next()?;
    let index = SPECS
        .iter()
        .position(|(pattern, _)| pattern.split(':').next() == Some(head))?;
    Some((*SPECS_JA.get(index)?, SPECS.get(index)?.1))
}

/// A catalog policy with the spec it was built from.
struct Cataloged {
    spec: String,
    inner: Arc<dyn Policy>,
}

impl Policy for Cataloged {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn requirements(&self) -> &[Requirement] {
        self.inner.requirements()
    }

    fn spec(&self) -> Option<&str> {
        Some(&self.spec)
    }

    fn max_status_staleness_secs(&self) -> Option<u64> {
        self.inner.max_status_staleness_secs()
    }

    fn check(&self, presented: &Presented, now: NumericDate) -> std::result::Result<(), Rejection> {
        self.inner.check(presented, now)
    }
}

fn built_policy(
    spec: &str,
    ledger: Arc<dyn RedemptionLedger>,
    passes: Arc<dyn PassBook>,
    regions: RegionLookup<'_>,
) -> Result<Arc<dyn Policy>> {
    let parts: Vec<&str> = spec.split(':').collect();
    let policy: Arc<dyn Policy> = match parts.as_slice() {
        ["age-over-20"] => Arc::new(AgeCheck::over_20()?),
        ["age-over-18"] => Arc::new(AgeCheck::over_18()?),
        ["age-over-65"] => Arc::new(AgeCheck::over_65()?),
        ["resident", code] => Arc::new(Residency::of(MunicipalityCode::parse(code)?)?),
        ["resident-of-region", name] => Arc::new(Residency::of_region(regions.region(name)?)?),
        ["kobe-pupil-pass"] => Arc::new(Residency::kobe_pupil_pass()?),
        ["himeji-child-entry"] => Arc::new(ChildEntry::himeji()?),
        ["child-entry", area] => Arc::new(ChildEntry::in_area(regions.area(area)?)?),
        ["senior", area] => Arc::new(Senior::new(regions.area(area)?)?),
        ["kobe-senior"] => Arc::new(Senior::kobe()?),
        ["himeji-senior"] => Arc::new(Senior::himeji()?),
        ["fan-club", club, sale, shop] if ![club, sale, shop].iter().any(|p| p.is_empty()) => {
            Arc::new(FanClubSale::new(club, sale, shop, ledger)?)
        }
        ["once-per-person", context, site] if !context.is_empty() && !site.is_empty() => {
            Arc::new(OncePerPerson::sign_up(context, site, ledger)?)
        }
        ["shelter", _] => Arc::new(shelter_desk(spec).ok_or_else(|| unknown(spec))??),
        ["clinic", _, _] => Arc::new(clinic(spec).ok_or_else(|| unknown(spec))??),
        ["pass-apply", pass, validity, uses, eligibility @ ..] if !eligibility.is_empty() => {
            let eligibility =
                built_policy(&eligibility.join(":"), ledger, passes.clone(), regions)?;
            Arc::new(PassApplication::new(
                PassId::parse(pass)?,
                PassTerms::parse(validity, uses)?,
                eligibility,
                passes,
            )?)
        }
        ["pass-use", pass] => Arc::new(PassGate::new(PassId::parse(pass)?, passes)?),
        _ => return Err(unknown(spec)),
    };
    Ok(policy)
}

fn unknown(spec: &str) -> Error {
    Error::Input(InputError::UnknownValue {
        what: "policy spec (see `myna verify policies`)",
        value: spec.chars().take(64).collect(),
    })
}

/// The clinic reception `spec` names (`clinic:<clinic-id>:<outpatient|inpatient>`), or `None`
/// for a spec of another kind: what makes a clinic decision's billing record
/// ([`BillingRecord::for_spec`](crate::billing::BillingRecord::for_spec)).
///
/// ```
/// use myna_verifier::policy::{catalog::clinic, Policy};
/// assert_eq!(clinic("clinic:c-1:inpatient").unwrap()?.name(), "clinic-c-1-inpatient");
/// assert!(clinic("clinic:c-1:dental").is_none());
/// assert!(clinic("shelter:s-1").is_none());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn clinic(spec: &str) -> Option<Result<Clinic>> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (id, care) = match parts.as_slice() {
        ["clinic", id, "outpatient"] => (*id, Care::Outpatient),
        ["clinic", id, "inpatient"] => (*id, Care::Inpatient),
        _ => return None,
    };
    (!id.is_empty()).then(|| Clinic::new(id, care))
}

/// The shelter desk `spec` names (`shelter:<shelter-id>`), or `None` for a spec of another
/// kind: what makes a check-in's roster entry
/// ([`RosterEntry::for_spec`](crate::roster::RosterEntry::for_spec)).
///
/// ```
/// use myna_verifier::policy::catalog::shelter_desk;
/// assert_eq!(shelter_desk("shelter:kobe-chuo-01").unwrap()?.shelter_id(), "kobe-chuo-01");
/// assert!(shelter_desk("shelter:").is_none());
/// assert!(shelter_desk("age-over-20").is_none());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn shelter_desk(spec: &str) -> Option<Result<ShelterDesk>> {
    match spec.split(':').collect::<Vec<_>>().as_slice() {
        ["shelter", id] if !id.is_empty() => Some(ShelterDesk::new(id)),
        _ => None,
    }
}

/// The specs [`policy_from_spec`] understands, with a one-line description each.
pub const SPECS: [(&str, &str); 17] = [
    ("age-over-20", "merchant: age ≥ 20 (alcohol, tobacco)"),
    ("age-over-18", "merchant: age ≥ 18"),
    ("age-over-65", "merchant: age ≥ 65 (senior discounts)"),
    (
        "resident:<code>",
        "resident of the municipality with this 6-digit code",
    ),
    (
        "resident-of-region:<region>",
        "resident of any member of the region (see `myna verify regions`)",
    ),
    (
        "kobe-pupil-pass",
        "Kobe subway free pass: Kobe resident under 15",
    ),
    (
        "himeji-child-entry",
        "Himeji child entry: resident of the Harima region, 4 ≤ age < 15",
    ),
    (
        "child-entry:<code|region>",
        "child entry for residents of another municipality or region",
    ),
    (
        "senior:<code|region>",
        "elderly benefit: resident of the municipality or region, age ≥ 65",
    ),
    (
        "kobe-senior",
        "Kobe elderly discount: Kobe resident, age ≥ 65",
    ),
    (
        "himeji-senior",
        "Himeji elderly welfare entry: Himeji resident, age ≥ 65",
    ),
    (
        "fan-club:<club>:<sale>:<shop>",
        "club member, age ≥ 20, one purchase per person per sale",
    ),
    (
        "once-per-person:<context>:<site>",
        "one account per person in a context (a forum sign-up)",
    ),
    (
        "shelter:<shelter-id>",
        "shelter desk check-in of a resident of any trusted municipality",
    ),
    (
        "clinic:<clinic-id>:<outpatient|inpatient>",
        "child medical subsidy valid on the visit date",
    ),
    (
        "pass-apply:<pass-id>:<validity>:<uses>:<eligibility>",
        "apply once for a pass or coupon: eligibility, then granted to the pseudonym",
    ),
    (
        "pass-use:<pass-id>",
        "use a pass or coupon once (pseudonym only; period and uses left)",
    ),
];

/// The descriptions of [`SPECS`] in Japanese, in the same order.
pub const SPECS_JA: [&str; 17] = [
    "お店: 20歳以上（酒類・たばこ）",
    "お店: 18歳以上",
    "お店: 65歳以上（シニア割引）",
    "この6桁コードの市区町村の住民",
    "圏域（地域）のいずれかの市町村の住民（`myna verify regions` 参照）",
    "神戸市営地下鉄の無料パス: 15歳未満の神戸市民",
    "姫路市のこども入場: 播磨圏域の住民で4歳以上15歳未満",
    "他の市区町村・圏域の住民のこども入場",
    "高齢者優待: 市区町村・圏域の住民で65歳以上",
    "神戸市の高齢者割引: 神戸市民で65歳以上",
    "姫路市の高齢者福祉優待: 姫路市民で65歳以上",
    "ファンクラブ会員・20歳以上・販売ごとに一人一回",
    "一つの場で一人一アカウント（掲示板の登録など）",
    "避難所の受付: 信頼された市区町村の住民",
    "こども医療費助成: 受診日に有効",
    "定期券・クーポンの申込: 要件を一度確認し、仮名に交付",
    "定期券・クーポンの利用（消込）: 仮名のみ、有効期間と残り回数",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::MemoryLedger;

    /// `spec` with each `<placeholder>` filled with a value it accepts.
    fn filled(spec: &str) -> String {
        spec.split(':')
            .map(|part| match part {
                "<code>" => "281000",
                "<region>" | "<code|region>" => "harima",
                "<outpatient|inpatient>" => "outpatient",
                "<validity>" => "6m",
                "<uses>" => "10",
                "<eligibility>" => "kobe-pupil-pass",
                p if p.starts_with('<') => "x",
                p => p,
            })
            .collect::<Vec<_>>()
            .join(":")
    }

    /// What `myna verify policies` lists is exactly what `policy_from_spec` builds.
    #[test]
    fn every_listed_spec_builds_a_policy() {
        for (spec, _) in SPECS {
            let ledger = Arc::new(MemoryLedger::new());
            let built = policy_from_spec(&filled(spec), ledger);
            assert!(built.is_ok(), "{spec}: {:?}", built.err());
            assert_eq!(built.unwrap().spec(), Some(filled(spec).as_str()));
            assert!(
                description(&filled(spec)).is_some(),
                "{spec} has no description"
            );
            assert!(query_for_spec(&filled(spec)).is_ok(), "{spec}");
        }
        let senior = policy_from_spec("age-over-65", Arc::new(MemoryLedger::new())).unwrap();
        assert_eq!(senior.name(), "age-over-65");
    }
}
