//! The credential types of myna-vc, as one enum: what each is called, its `vct`, and who may
//! issue it.
//!
//! ```
//! use myna_vocabulary::Kind;
//! assert_eq!(Kind::from_vct("urn:myna-vc:vct:resident:1"), Some(Kind::Resident));
//! assert_eq!(Kind::Resident.name(), "resident");
//! assert_eq!(Kind::from_vct("urn:example:other"), None);
//! ```

use crate::vct;

/// One of myna-vc's credential types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// A real, unique person controls the holder key; no personal data.
    Anchor,
    /// Resident of the issuing municipality.
    Resident,
    /// Age thresholds.
    Age,
    /// Child medical subsidy recipient certificate.
    ChildMedicalSubsidy,
    /// Fan-club membership (non-municipal issuer).
    FanClubMembership,
    /// Shelter registration.
    ShelterRegistration,
    /// One pseudonym per person per context.
    ContextPseudonym,
}

impl Kind {
    /// Every kind.
    ///
    /// ```
    /// use myna_vocabulary::Kind;
    /// assert!(Kind::ALL.iter().all(|k| Kind::from_vct(k.vct()) == Some(*k)));
    /// ```
    pub const ALL: [Kind; 7] = [
        Kind::Anchor,
        Kind::Resident,
        Kind::Age,
        Kind::ChildMedicalSubsidy,
        Kind::FanClubMembership,
        Kind::ShelterRegistration,
        Kind::ContextPseudonym,
    ];

    /// The `vct`.
    ///
    /// ```
    /// use myna_vocabulary::{vct, Kind};
    /// assert_eq!(Kind::Anchor.vct(), vct::ANCHOR);
    /// ```
    pub const fn vct(self) -> &'static str {
        match self {
            Kind::Anchor => vct::ANCHOR,
            Kind::Resident => vct::RESIDENT,
            Kind::Age => vct::AGE,
            Kind::ChildMedicalSubsidy => vct::CHILD_MEDICAL_SUBSIDY,
            Kind::FanClubMembership => vct::FAN_CLUB_MEMBERSHIP,
            Kind::ShelterRegistration => vct::SHELTER_REGISTRATION,
            Kind::ContextPseudonym => vct::CONTEXT_PSEUDONYM,
        }
    }

    /// The kind whose `vct` is `vct`, or `None` for a type myna-vc does not declare.
    ///
    /// ```
    /// use myna_vocabulary::Kind;
    /// assert_eq!(Kind::from_vct("urn:myna-vc:vct:age:1"), Some(Kind::Age));
    /// assert_eq!(Kind::from_vct("urn:myna-vc:vct:age:2"), None);
    /// ```
    pub fn from_vct(vct: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.vct() == vct)
    }

    /// The type's short name: the `vct`'s name segment, and the stem of its JSON Schema
    /// (`schemas/<name>.schema.json`) and of its page (`specs/credential-types/<name>.md`).
    ///
    /// ```
    /// use myna_vocabulary::Kind;
    /// assert_eq!(Kind::ChildMedicalSubsidy.name(), "child-medical-subsidy");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Anchor => "anchor",
            Kind::Resident => "resident",
            Kind::Age => "age",
            Kind::ChildMedicalSubsidy => "child-medical-subsidy",
            Kind::FanClubMembership => "fan-club-membership",
            Kind::ShelterRegistration => "shelter-registration",
            Kind::ContextPseudonym => "context-pseudonym",
        }
    }

    /// Why only a municipality may issue this kind, or `None` when any issuer may (a DMO, a
    /// residents' association running a shelter, a forum operator).
    ///
    /// | kind | who may issue | why |
    /// |---|---|---|
    /// | `Anchor` | any issuer with JPKI roots | it states only that a card anchored the key |
    /// | `Resident` | a municipality | residence is decided against the issuer's own municipality |
    /// | `Age` | a municipality | it restates the certified date of birth, resident-register data |
    /// | `ChildMedicalSubsidy` | a municipality | the grant and its numbers are the municipality's |
    /// | `FanClubMembership` | any | no personal data; bound to an anchored key |
    /// | `ShelterRegistration` | any | residents run shelters; the shelter's municipality is a fact of the check-in |
    /// | `ContextPseudonym` | any | one pseudonym per person and context, escrowed |
    ///
    /// The issuer service's configuration enforces this (a non-municipal operator configured
    /// for a municipal kind is refused), and so does a verifier's trust list (an operator's
    /// entry does not allow these `vct`s).
    ///
    /// ```
    /// use myna_vocabulary::Kind;
    /// assert!(Kind::Resident.municipal_only().is_some());
    /// assert!(Kind::FanClubMembership.municipal_only().is_none());
    /// ```
    pub const fn municipal_only(self) -> Option<&'static str> {
        match self {
            Kind::Resident => Some("residence is decided against the issuer's own municipality"),
            Kind::Age => Some(
                "it restates the certified date of birth, which only a municipality issues from",
            ),
            Kind::ChildMedicalSubsidy => {
                Some("the grant and its payer and recipient numbers are the municipality's")
            }
            Kind::Anchor
            | Kind::FanClubMembership
            | Kind::ShelterRegistration
            | Kind::ContextPseudonym => None,
        }
    }
}
