//! The declarations of myna-vc's credential types: their `vct`, which claims are always in the
//! clear and which are selectively disclosable, which are mandatory, and the JSON Schema from
//! `specs/credential-types/` (compiled in, so declaration and schema cannot drift apart).
//!
//! ```
//! use myna_issuer::credential_types::{self, Kind};
//! let resident = credential_types::declaration(Kind::Resident)?;
//! assert_eq!(resident.vct().as_str(), "urn:myna-vc:vct:resident:1");
//! let claims = serde_json::json!({"municipality_code": "281000", "prefecture_code": "28",
//!     "name": "神戸　太郎", "address": "兵庫県神戸市中央区加納町６丁目５番１号", "birthdate": "1990-05-01"});
//! resident.check_claims(claims.as_object().unwrap())?;
//! # Ok::<(), myna_issuer::Error>(())
//! ```

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, Vct};

use crate::error::Result;

/// The credential types the issuer can issue.
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
    pub const ALL: [Kind; 7] = [
        Kind::Anchor,
        Kind::Resident,
        Kind::Age,
        Kind::ChildMedicalSubsidy,
        Kind::FanClubMembership,
        Kind::ShelterRegistration,
        Kind::ContextPseudonym,
    ];

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
    /// The service's configuration enforces this (a non-municipal operator configured for a
    /// municipal kind is refused), and so does a verifier's trust list (an operator's entry
    /// does not allow these `vct`s). At the library level [`CredentialIssuer`] refuses
    /// resident and subsidy credentials without a municipality ([`Error::NotAMunicipality`]);
    /// its age credential takes the birth date it is given and does not check who calls it.
    ///
    /// [`CredentialIssuer`]: crate::issuance::CredentialIssuer
    /// [`Error::NotAMunicipality`]: crate::Error::NotAMunicipality
    ///
    /// ```
    /// use myna_issuer::credential_types::Kind;
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

    /// The `vct`.
    pub const fn vct(self) -> &'static str {
        match self {
            Kind::Anchor => "urn:myna-vc:vct:anchor:1",
            Kind::Resident => "urn:myna-vc:vct:resident:1",
            Kind::Age => "urn:myna-vc:vct:age:1",
            Kind::ChildMedicalSubsidy => "urn:myna-vc:vct:child-medical-subsidy:1",
            Kind::FanClubMembership => "urn:myna-vc:vct:fan-club-membership:1",
            Kind::ShelterRegistration => "urn:myna-vc:vct:shelter-registration:1",
            Kind::ContextPseudonym => "urn:myna-vc:vct:context-pseudonym:1",
        }
    }

    fn schema_text(self) -> &'static str {
        match self {
            Kind::Anchor => include_str!("../../specs/credential-types/anchor.schema.json"),
            Kind::Resident => include_str!("../../specs/credential-types/resident.schema.json"),
            Kind::Age => include_str!("../../specs/credential-types/age.schema.json"),
            Kind::ChildMedicalSubsidy => {
                include_str!("../../specs/credential-types/child-medical-subsidy.schema.json")
            }
            Kind::FanClubMembership => {
                include_str!("../../specs/credential-types/fan-club-membership.schema.json")
            }
            Kind::ShelterRegistration => {
                include_str!("../../specs/credential-types/shelter-registration.schema.json")
            }
            Kind::ContextPseudonym => {
                include_str!("../../specs/credential-types/context-pseudonym.schema.json")
            }
        }
    }

    /// `(claim, disclosure, mandatory)` for every top-level claim.
    fn claims(self) -> &'static [(&'static str, DisclosureRule, bool)] {
        use DisclosureRule::{Always, Selective};
        match self {
            Kind::Anchor => &[
                ("assurance_level", Always, true),
                ("anchored_on", Always, true),
            ],
            Kind::Resident => &[
                ("municipality_code", Always, true),
                ("prefecture_code", Always, true),
                ("name", Selective, true),
                ("address", Selective, true),
                ("birthdate", Selective, true),
            ],
            Kind::Age => &[
                ("birthdate", Selective, true),
                ("age_over_4", Selective, false),
                ("age_over_15", Selective, false),
                ("age_over_18", Selective, true),
                ("age_over_20", Selective, true),
                ("age_over_65", Selective, true),
            ],
            Kind::ChildMedicalSubsidy => &[
                ("municipality_code", Always, true),
                ("payer_number", Always, true),
                ("recipient_number", Always, true),
                ("child_name", Selective, true),
                ("child_birthdate", Selective, true),
                ("outpatient_until", Always, true),
                ("inpatient_until", Always, true),
                ("copay", Always, true),
            ],
            Kind::FanClubMembership => &[
                ("club_id", Always, true),
                ("member_number", Always, true),
                ("tier", Always, true),
            ],
            Kind::ShelterRegistration => &[
                ("shelter_id", Always, true),
                ("municipality_code", Always, true),
                ("checked_in_at", Always, true),
                ("care_level", Selective, false),
                ("medication", Selective, false),
                ("allergies", Selective, false),
            ],
            Kind::ContextPseudonym => &[("context", Always, true), ("pseudonym", Always, true)],
        }
    }
}

/// The declaration of `kind`, with its JSON Schema attached.
pub fn declaration(kind: Kind) -> Result<CredentialType> {
    let schema =
        myna_vc_core::json::parse(kind.schema_text().as_bytes(), "credential type schema")?;
    let mut declared = CredentialType::new(Vct::parse(kind.vct())?).with_schema(schema);
    for (name, disclosure, mandatory) in kind.claims() {
        declared = declared.claim(ClaimPath::key(*name), *disclosure, *mandatory);
    }
    Ok(declared)
}
