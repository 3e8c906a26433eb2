//! Shelter desk (避難所受付): check-in of a resident of **any** trusted municipality
//! (evacuees from other prefectures too), producing a [`RosterEntry`](crate::roster::RosterEntry)
//! for the disaster HQ.
//!
//! Desks work offline: the cached status lists may be days old (the tolerance defaults to
//! 7 days here), and roster entries wait in a [`RosterQueue`](crate::roster::RosterQueue)
//! until the network returns.
//!
//! ```
//! use myna_verifier::policy::{shelter::ShelterDesk, Policy};
//! let desk = ShelterDesk::new("kobe-chuo-es-01")?;
//! assert_eq!(desk.max_status_staleness_secs(), Some(7 * 86_400));
//! assert_eq!(desk.requirements()[0].claims.len(), 3);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use myna_vocabulary::claim;

use super::residency::{resident_requirement, RESIDENT_ID};
use super::{residence_of, Policy, Presented, Requirement};
use crate::decision::Rejection;

/// The default tolerance for stale status data at a shelter desk: 7 days.
pub const SHELTER_STATUS_STALENESS_SECS: u64 = 7 * 86_400;

/// One shelter's reception desk.
#[derive(Debug, Clone)]
pub struct ShelterDesk {
    name: String,
    shelter_id: String,
    max_staleness: u64,
    requirements: Vec<Requirement>,
}

impl ShelterDesk {
    /// The desk of shelter `shelter_id`; asks for municipality, name and date of birth (what
    /// the HQ needs for 安否確認).
    pub fn new(shelter_id: &str) -> Result<Self> {
        Ok(ShelterDesk {
            name: format!("shelter-{shelter_id}"),
            shelter_id: shelter_id.to_owned(),
            max_staleness: SHELTER_STATUS_STALENESS_SECS,
            requirements: vec![resident_requirement(&[
                claim::resident::MUNICIPALITY_CODE,
                claim::resident::NAME,
                claim::resident::BIRTHDATE,
            ])?],
        })
    }

    /// Changes the tolerance for stale status data.
    pub fn with_max_status_staleness(mut self, secs: u64) -> Self {
        self.max_staleness = secs;
        self
    }

    /// The shelter id.
    pub fn shelter_id(&self) -> &str {
        &self.shelter_id
    }
}

impl Policy for ShelterDesk {
    fn name(&self) -> &str {
        &self.name
    }

    fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    fn max_status_staleness_secs(&self) -> Option<u64> {
        Some(self.max_staleness)
    }

    fn check(
        &self,
        presented: &Presented,
        _now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        residence_of(presented.get(RESIDENT_ID)?).map(|_| ())
    }
}
