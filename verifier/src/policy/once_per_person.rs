//! Once per person in a context: a forum that allows one account per person, a sale that
//! allows one purchase per person.
//!
//! "Person" is the holder's context pseudonym: the issuer derives one value per person and
//! context, whatever wallet or card they use, and different contexts get unlinkable values.
//! The [`RedemptionLedger`] remembers which pseudonyms were already seen in which context;
//! places that share a context share a ledger. [`OncePerPerson`] is the policy on its own (a
//! forum's sign-up); [`FanClubSale`](super::fan_club::FanClubSale) adds membership and age.
//!
//! ```
//! use std::sync::Arc;
//! use myna_verifier::ledger::MemoryLedger;
//! use myna_verifier::policy::{once_per_person::OncePerPerson, Policy};
//! let forum = OncePerPerson::sign_up("maebashi-forum", "forum.maebashi.example", Arc::new(MemoryLedger::new()))?;
//! assert_eq!(forum.name(), "once-per-person-maebashi-forum");
//! assert_eq!(forum.requirements()[0].id, "pseudonym");
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use myna_vocabulary::claim;
use std::sync::Arc;

use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;

use super::{vct, Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};
use crate::ledger::{Redemption, RedemptionLedger};

/// The query id of the context pseudonym credential.
pub const PSEUDONYM_ID: &str = "pseudonym";

/// The requirement for the holder's context pseudonym (context and value disclosed).
pub(crate) fn pseudonym_requirement() -> Result<Requirement> {
    Requirement::new(
        PSEUDONYM_ID,
        vct::CONTEXT_PSEUDONYM,
        &[
            claim::context_pseudonym::CONTEXT,
            claim::context_pseudonym::PSEUDONYM,
        ],
    )
}

/// A context in which each person is let in once, and the ledger that remembers who was.
pub(crate) struct Once {
    /// The context (sale, forum): also the pseudonym's context.
    pub(crate) context: String,
    /// Where this check happens (a shop, a site), recorded with the first use.
    pub(crate) place: String,
    /// Shared by every place of the context.
    pub(crate) ledger: Arc<dyn RedemptionLedger>,
    /// The reason given to a person seen before.
    pub(crate) repeated: Reason,
}

impl Once {
    /// Checks the presented pseudonym is for this context and records its first use; a
    /// pseudonym seen before is refused with `repeated`.
    pub(crate) fn check(
        &self,
        presented: &Presented,
        now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        let pseudonym = presented.get(PSEUDONYM_ID)?;
        if pseudonym.text(claim::context_pseudonym::CONTEXT)? != self.context {
            return Err(Rejection::new(Reason::WrongContext).for_credential(PSEUDONYM_ID));
        }
        let person = pseudonym.text(claim::context_pseudonym::PSEUDONYM)?;
        match self.ledger.redeem(&self.context, person, &self.place, now) {
            Ok(Redemption::First) => Ok(()),
            Ok(Redemption::Already { .. }) => {
                Err(Rejection::new(self.repeated).for_credential(PSEUDONYM_ID))
            }
            Err(_) => Err(Rejection::noted(
                Reason::TryAgain,
                "redemption ledger unavailable",
            )),
        }
    }
}

/// One account (or one entry) per person in a context, and nothing else asked.
pub struct OncePerPerson {
    name: String,
    once: Once,
    requirements: Vec<Requirement>,
}

impl core::fmt::Debug for OncePerPerson {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OncePerPerson")
            .field("context", &self.once.context)
            .field("place", &self.once.place)
            .finish_non_exhaustive()
    }
}

impl OncePerPerson {
    /// A sign-up for `context` at `site`: a person who already has an account in the context
    /// (by the ledger) is refused with [`Reason::AlreadyRegistered`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// use myna_verifier::ledger::MemoryLedger;
    /// use myna_verifier::policy::{once_per_person::OncePerPerson, Policy};
    /// let ledger = Arc::new(MemoryLedger::new());
    /// let forum = OncePerPerson::sign_up("maebashi-forum", "web", ledger)?;
    /// assert_eq!(forum.requirements().len(), 1);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn sign_up(context: &str, site: &str, ledger: Arc<dyn RedemptionLedger>) -> Result<Self> {
        Ok(OncePerPerson {
            name: format!("once-per-person-{context}"),
            once: Once {
                context: context.to_owned(),
                place: site.to_owned(),
                ledger,
                repeated: Reason::AlreadyRegistered,
            },
            requirements: vec![pseudonym_requirement()?],
        })
    }
}

impl Policy for OncePerPerson {
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
        self.once.check(presented, now)
    }
}
