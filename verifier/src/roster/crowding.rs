//! The crowding count (混雑状況) the disaster HQ publishes: per shelter how many are present,
//! its capacity and a level, so people spread over shelters ("避難所の混雑状況を配信すること
//! で、特定の避難所に避難者が集中しない分散避難を促す",
//! `../shared/seeds/000_2cab3622a7b836b8.txt:2512`; Gunma publishes "避難所の位置、混雑状況、
//! 避難者数等" through its data platform, `../shared/seeds/000_2cab3622a7b836b8.txt:982`).
//!
//! The report is made of counts only — no name, date of birth, holder key or entry id — so it
//! can be published as it is (`GET /roster/crowding` needs no token). Present means checked in
//! (with a credential or entered by staff) and not checked out.
//!
//! ```
//! use myna_verifier::crowding::{CrowdingLevel, CrowdingReport};
//! use myna_verifier::operator::ShelterRegistry;
//! use myna_verifier::core::time::NumericDate;
//! let registry = ShelterRegistry::from_json(br#"{"shelters": [{"id": "a", "capacity": 10},
//!                                                             {"id": "b", "capacity": 4}]}"#)?;
//! let report = CrowdingReport::new(&[("a".into(), 3), ("b".into(), 4)], Some(&registry),
//!                                  NumericDate::from_unix(1_000));
//! assert_eq!(report.shelters[0].level, CrowdingLevel::Open);
//! assert_eq!(report.shelters[1].level, CrowdingLevel::Full);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::Serialize;

use myna_vc_core::time::NumericDate;

use crate::roster::operator::ShelterRegistry;

/// From this share of the capacity present (in percent) a shelter is [`CrowdingLevel::Crowded`].
pub const CROWDED_PERCENT: u64 = 70;

/// How full a shelter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrowdingLevel {
    /// Below 70 % of its capacity (空きあり).
    Open,
    /// 70 % or more (混雑).
    Crowded,
    /// At or over capacity (満員).
    Full,
    /// No capacity registered for it.
    Unknown,
}

impl CrowdingLevel {
    /// The level of `present` people in a shelter of `capacity`.
    ///
    /// ```
    /// use myna_verifier::crowding::CrowdingLevel;
    /// assert_eq!(CrowdingLevel::of(69, Some(100)), CrowdingLevel::Open);
    /// assert_eq!(CrowdingLevel::of(70, Some(100)), CrowdingLevel::Crowded);
    /// assert_eq!(CrowdingLevel::of(100, Some(100)), CrowdingLevel::Full);
    /// assert_eq!(CrowdingLevel::of(5, None), CrowdingLevel::Unknown);
    /// ```
    pub fn of(present: u64, capacity: Option<u32>) -> Self {
        let Some(capacity) = capacity.map(u64::from).filter(|c| *c > 0) else {
            return CrowdingLevel::Unknown;
        };
        if present >= capacity {
            return CrowdingLevel::Full;
        }
        if present.saturating_mul(100) >= capacity.saturating_mul(CROWDED_PERCENT) {
            return CrowdingLevel::Crowded;
        }
        CrowdingLevel::Open
    }
}

/// One shelter's line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShelterCrowding {
    /// The shelter.
    pub shelter_id: String,
    /// People present now.
    pub present: u64,
    /// Its capacity, if registered.
    pub capacity: Option<u32>,
    /// How full it is.
    pub level: CrowdingLevel,
}

/// The published document: counts per shelter, as of a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrowdingReport {
    /// When it was made (Unix seconds).
    #[serde(serialize_with = "unix")]
    pub at: NumericDate,
    /// Every registered shelter and every shelter with someone present, by id.
    pub shelters: Vec<ShelterCrowding>,
}

fn unix<S: serde::Serializer>(t: &NumericDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.as_unix())
}

impl CrowdingReport {
    /// The report from the HQ's present counts (shelter id, present) and the registry's
    /// capacities; a registered shelter with nobody present appears with 0.
    pub fn new(
        present: &[(String, u64)],
        registry: Option<&ShelterRegistry>,
        at: NumericDate,
    ) -> Self {
        let mut counts: std::collections::BTreeMap<&str, u64> = present
            .iter()
            .map(|(shelter, count)| (shelter.as_str(), *count))
            .collect();
        for (shelter, _) in registry.into_iter().flat_map(ShelterRegistry::shelters) {
            counts.entry(shelter).or_insert(0);
        }
        let shelters = counts
            .into_iter()
            .map(|(shelter, present)| {
                let capacity = registry.and_then(|r| r.capacity(shelter));
                ShelterCrowding {
                    shelter_id: shelter.to_owned(),
                    present,
                    capacity,
                    level: CrowdingLevel::of(present, capacity),
                }
            })
            .collect();
        CrowdingReport { at, shelters }
    }
}
