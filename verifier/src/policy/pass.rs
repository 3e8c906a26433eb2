//! Applying for a pass or coupon once, then using it with nothing but a pseudonym.
//!
//! Sources: Kobe's 地下鉄海岸線 free pass, "有効期間6か月のフリーパス"
//! (`../shared/seeds/002_330378ace3b016db.txt:78`) for pupils, "手続き自体は保護者が行う"
//! (`../shared/seeds/002_330378ace3b016db.txt:73`) with "本人と保護者のマイ ナンバーカードの読取"
//! (`../shared/seeds/002_330378ace3b016db.txt:84`); and the facility coupons, "要件判定 … 割引
//! クーポンを配布 … 提示したクーポンを 職員が消込" (`../shared/seeds/002_330378ace3b016db.txt:56`–64)
//! with "利用回数制限を設ける場合" (`../shared/seeds/002_330378ace3b016db.txt:19`).
//!
//! * [`PassApplication`]: the eligibility policy's credentials **and** the holder's context
//!   pseudonym for the pass (context = the pass id), all bound to one holder key (the
//!   verifier enforces that). When eligible, the [`PassBook`] grants the pass to the
//!   pseudonym — the eligibility data (address, birth date) is seen this once only.
//! * [`PassGate`]: only the pseudonym; one use consumed. Refused `no_pass`,
//!   `uses_exhausted` or `pass_outside_period`.
//!
//! A guardian applying for a child uses the child's own wallet on the guardian's phone (the
//! child's card read into it): the child's resident credential and pseudonym share the
//! child's holder key. The guardian's own pseudonym mixed with the child's credentials is
//! refused as `holder_mismatch` before this policy runs.
//!
//! ```
//! use std::sync::Arc;
//! use myna_verifier::pass::{MemoryPassBook, PassId, PassTerms};
//! use myna_verifier::policy::pass::{PassApplication, PassGate};
//! use myna_verifier::policy::{residency::Residency, Policy};
//! let book = Arc::new(MemoryPassBook::new());
//! let pass = PassId::parse("kobe-kaigan-free-pass")?;
//! let apply = PassApplication::new(
//!     pass.clone(),
//!     PassTerms::parse("6m", "unlimited")?,
//!     Arc::new(Residency::kobe_pupil_pass()?),
//!     book.clone(),
//! )?;
//! let ids: Vec<&str> = apply.requirements().iter().map(|r| r.id.as_str()).collect();
//! assert_eq!(ids, ["resident", "pseudonym"]);
//! let gate = PassGate::new(pass, book)?;
//! assert_eq!(gate.requirements().len(), 1);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use std::sync::Arc;

use myna_vc_core::time::NumericDate;
use myna_vc_core::{Error, InputError, Result};
use myna_vocabulary::claim;

use super::once_per_person::{pseudonym_requirement, PSEUDONYM_ID};
use super::{Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};
use crate::pass::{PassBook, PassId, PassTerms, PassUse};

/// The application for a pass: eligibility once, then a grant to the pseudonym.
pub struct PassApplication {
    name: String,
    pass: PassId,
    terms: PassTerms,
    eligibility: Arc<dyn Policy>,
    book: Arc<dyn PassBook>,
    requirements: Vec<Requirement>,
}

impl core::fmt::Debug for PassApplication {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PassApplication")
            .field("pass", &self.pass)
            .field("terms", &self.terms)
            .field("eligibility", &self.eligibility.name())
            .finish_non_exhaustive()
    }
}

impl PassApplication {
    /// The application for `pass` under `terms`, judged by `eligibility`, granting in `book`.
    /// An eligibility policy that itself asks for a pseudonym is refused (one pseudonym per
    /// submission: the pass's).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use myna_verifier::ledger::MemoryLedger;
    /// use myna_verifier::pass::{MemoryPassBook, PassId, PassTerms};
    /// use myna_verifier::policy::once_per_person::OncePerPerson;
    /// use myna_verifier::policy::pass::PassApplication;
    /// let forum = OncePerPerson::sign_up("f", "s", Arc::new(MemoryLedger::new()))?;
    /// let bad = PassApplication::new(PassId::parse("p")?, PassTerms::parse("1m", "1")?,
    ///     Arc::new(forum), Arc::new(MemoryPassBook::new()));
    /// assert!(bad.is_err());
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn new(
        pass: PassId,
        terms: PassTerms,
        eligibility: Arc<dyn Policy>,
        book: Arc<dyn PassBook>,
    ) -> Result<Self> {
        if eligibility
            .requirements()
            .iter()
            .any(|r| r.id == PSEUDONYM_ID)
        {
            return Err(Error::Input(InputError::Repeated {
                what: "pass application (the eligibility policy asks for a pseudonym)",
                member: PSEUDONYM_ID.to_owned(),
            }));
        }
        let mut requirements = eligibility.requirements().to_vec();
        requirements.push(pseudonym_requirement()?);
        Ok(PassApplication {
            name: format!("pass-apply-{pass}"),
            pass,
            terms,
            eligibility,
            book,
            requirements,
        })
    }

    /// The pass applied for.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use myna_verifier::pass::{MemoryPassBook, PassId, PassTerms};
    /// # use myna_verifier::policy::{pass::PassApplication, age::AgeCheck};
    /// let apply = PassApplication::new(PassId::parse("senior-pool")?, PassTerms::parse("12m", "24")?,
    ///     Arc::new(AgeCheck::over_65()?), Arc::new(MemoryPassBook::new()))?;
    /// assert_eq!(apply.pass().as_str(), "senior-pool");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn pass(&self) -> &PassId {
        &self.pass
    }
}

impl Policy for PassApplication {
    fn name(&self) -> &str {
        &self.name
    }

    fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    fn max_status_staleness_secs(&self) -> Option<u64> {
        self.eligibility.max_status_staleness_secs()
    }

    fn check(
        &self,
        presented: &Presented,
        now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        self.eligibility.check(presented, now)?;
        let person = pass_pseudonym(presented, &self.pass)?;
        let grant = self
            .terms
            .grant_at(now)
            .map_err(|e| Rejection::from_error(e).for_credential(PSEUDONYM_ID))?;
        if now >= grant.valid_until {
            return Err(Rejection::noted(
                Reason::PassOutsidePeriod,
                "the offer's period has ended",
            ));
        }
        // A second application (another phone, same person) leaves the grant as it was.
        self.book
            .grant(&self.pass, person, &grant)
            .map(|_| ())
            .map_err(|_| Rejection::noted(Reason::TryAgain, "pass book unavailable"))
    }
}

/// A gate or desk that uses a pass once per presentation (消込).
pub struct PassGate {
    name: String,
    pass: PassId,
    book: Arc<dyn PassBook>,
    requirements: Vec<Requirement>,
}

impl core::fmt::Debug for PassGate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PassGate")
            .field("pass", &self.pass)
            .finish_non_exhaustive()
    }
}

impl PassGate {
    /// A gate for `pass`, using passes from `book`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use myna_verifier::pass::{MemoryPassBook, PassId};
    /// use myna_verifier::policy::{pass::PassGate, Policy};
    /// let gate = PassGate::new(PassId::parse("pool-coupon")?, Arc::new(MemoryPassBook::new()))?;
    /// assert_eq!(gate.name(), "pass-use-pool-coupon");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn new(pass: PassId, book: Arc<dyn PassBook>) -> Result<Self> {
        Ok(PassGate {
            name: format!("pass-use-{pass}"),
            pass,
            book,
            requirements: vec![pseudonym_requirement()?],
        })
    }
}

impl Policy for PassGate {
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
        let person = pass_pseudonym(presented, &self.pass)?;
        let outcome = self
            .book
            .use_once(&self.pass, person, now)
            .map_err(|_| Rejection::noted(Reason::TryAgain, "pass book unavailable"))?;
        let refused = match outcome {
            PassUse::Used { .. } => return Ok(()),
            PassUse::NoPass => Reason::NoPass,
            PassUse::Exhausted => Reason::UsesExhausted,
            PassUse::OutsidePeriod => Reason::PassOutsidePeriod,
        };
        Err(Rejection::new(refused).for_credential(PSEUDONYM_ID))
    }
}

/// The presented pseudonym, which must be for `pass` (its context).
fn pass_pseudonym<'a>(
    presented: &'a Presented,
    pass: &PassId,
) -> core::result::Result<&'a str, Rejection> {
    let pseudonym = presented.get(PSEUDONYM_ID)?;
    if pseudonym.text(claim::context_pseudonym::CONTEXT)? != pass.as_str() {
        return Err(Rejection::new(Reason::WrongContext).for_credential(PSEUDONYM_ID));
    }
    pseudonym.text(claim::context_pseudonym::PSEUDONYM)
}
