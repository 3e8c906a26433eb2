//! Fan-club sale: member of club Y **and** age ≥ 20, and one purchase per person per sale.
//!
//! "Per person" is the holder's context pseudonym for the sale (the issuer derives one value
//! per person and context, so a second wallet or card gives the same value); the
//! [`RedemptionLedger`] remembers which pseudonyms bought in which sale. Shops of one sale
//! share a ledger ([`RedbLedger`](crate::ledger::RedbLedger) or any implementation over a
//! shared store) so the same member is refused at the second shop.
//!
//! Membership, age and pseudonym must all be bound to one holder key — the key the member
//! anchored with their card at the club's issuer, which binds the membership and the
//! pseudonym to it and issues the age credential to it as well. The
//! [`Verifier`](crate::verifier::Verifier) enforces that for every policy, before
//! [`Policy::check`] runs: a pseudonym or an age credential borrowed from a friend's wallet is
//! refused with [`Reason::HolderMismatch`] (see `specs/holder-binding.md`).
//!
//! ```
//! use std::sync::Arc;
//! use myna_verifier::ledger::MemoryLedger;
//! use myna_verifier::policy::{fan_club::FanClubSale, Policy};
//! let sale = FanClubSale::new("izu-fan-club", "izu-limited-sake-2026", "shop-1", Arc::new(MemoryLedger::new()))?;
//! let ids: Vec<&str> = sale.requirements().iter().map(|r| r.id.as_str()).collect();
//! assert_eq!(ids, ["membership", "age", "pseudonym"]);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vocabulary::claim;
use std::sync::Arc;

use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;

use super::age::{age_requirement, require_flag, AGE_ID};
use super::once_per_person::{pseudonym_requirement, Once};
use super::{vct, Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};
use crate::ledger::RedemptionLedger;

/// The query id of the membership credential.
pub const MEMBERSHIP_ID: &str = "membership";
pub use super::once_per_person::PSEUDONYM_ID;

/// One sale of a club's partner shops.
pub struct FanClubSale {
    name: String,
    club: String,
    once: Once,
    requirements: Vec<Requirement>,
}

impl core::fmt::Debug for FanClubSale {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FanClubSale")
            .field("club", &self.club)
            .field("sale", &self.once.context)
            .field("shop", &self.once.place)
            .finish_non_exhaustive()
    }
}

impl FanClubSale {
    /// The sale `sale` (also the pseudonym context) for members of `club`, at `shop`,
    /// recording purchases in `ledger`.
    pub fn new(
        club: &str,
        sale: &str,
        shop: &str,
        ledger: Arc<dyn RedemptionLedger>,
    ) -> Result<Self> {
        Ok(FanClubSale {
            name: format!("fan-club-sale-{sale}"),
            club: club.to_owned(),
            once: Once {
                context: sale.to_owned(),
                place: shop.to_owned(),
                ledger,
                repeated: Reason::AlreadyRedeemed,
            },
            requirements: vec![
                Requirement::new(
                    MEMBERSHIP_ID,
                    vct::FAN_CLUB_MEMBERSHIP,
                    &[claim::fan_club_membership::CLUB_ID],
                )?,
                age_requirement(&[claim::age::AGE_OVER_20])?,
                pseudonym_requirement()?,
            ],
        })
    }
}

impl Policy for FanClubSale {
    fn name(&self) -> &str {
        &self.name
    }

    fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    fn check(
        &self,
        presented: &Presented,
        now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        let membership = presented.get(MEMBERSHIP_ID)?;
        if membership.text(claim::fan_club_membership::CLUB_ID)? != self.club {
            return Err(Rejection::new(Reason::NotMember).for_credential(MEMBERSHIP_ID));
        }
        require_flag(presented, AGE_ID, claim::age::AGE_OVER_20, Reason::UnderAge)?;
        // One holder for membership, age and pseudonym: checked by the verifier already.
        self.once.check(presented, now)
    }
}
