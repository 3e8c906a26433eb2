//! Each kind's declaration: which claims are always in the clear and which are selectively
//! disclosable, which are mandatory, and its JSON Schema (compiled in from this crate's
//! `schemas/`, so the declaration and the schema ship together). The padding of the
//! top-level `_sd` array follows from the declaration
//! ([`CredentialType::padding`]).
//!
//! ```
//! use myna_vocabulary::{declaration, Kind};
//! let resident = declaration(Kind::Resident)?;
//! assert_eq!(resident.vct().as_str(), "urn:myna-vc:vct:resident:1");
//! let claims = serde_json::json!({"municipality_code": "281000", "prefecture_code": "28",
//!     "name": "神戸　太郎", "address": "兵庫県神戸市中央区加納町６丁目５番１号", "birthdate": "1990-05-01"});
//! resident.check_claims(claims.as_object().unwrap())?;
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use std::sync::OnceLock;

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, Vct};
use myna_vc_core::Result;

use crate::claim::{
    age, anchor, child_medical_subsidy, context_pseudonym, fan_club_membership, resident,
    shelter_registration,
};
use crate::Kind;

/// The declaration of `kind`, with its JSON Schema attached.
///
/// # Errors
///
/// Only if a compiled-in schema did not parse, which this crate's tests rule out.
pub fn declaration(kind: Kind) -> Result<CredentialType> {
    let schema = myna_vc_core::json::parse(schema_text(kind).as_bytes(), "credential type schema")?;
    let mut declared = CredentialType::new(Vct::parse(kind.vct())?).with_schema(schema);
    for (name, disclosure, mandatory) in claims(kind) {
        declared = declared.claim(ClaimPath::key(*name), *disclosure, *mandatory);
    }
    Ok(declared)
}

/// The declarations of every kind ([`Kind::ALL`]), built once per process and shared, so each
/// schema is compiled once however many credentials are checked against it.
///
/// ```
/// use myna_vocabulary::{declarations, Kind};
/// let all = declarations()?;
/// assert_eq!(all.len(), Kind::ALL.len());
/// assert!(all.iter().any(|t| t.vct().as_str() == Kind::Age.vct()));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
///
/// # Errors
///
/// As [`declaration`]; a failure is not remembered, the next call tries again.
pub fn declarations() -> Result<&'static [CredentialType]> {
    static ALL: OnceLock<Vec<CredentialType>> = OnceLock::new();
    if let Some(all) = ALL.get() {
        return Ok(all);
    }
    let built = Kind::ALL
        .into_iter()
        .map(declaration)
        .collect::<Result<Vec<_>>>()?;
    Ok(ALL.get_or_init(|| built))
}

/// The JSON Schema of `kind`'s claims, as shipped in `schemas/<name>.schema.json`.
///
/// ```
/// use myna_vocabulary::{schema_text, Kind};
/// assert!(schema_text(Kind::Age).contains("\"age_over_20\""));
/// ```
pub const fn schema_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Anchor => include_str!("../schemas/anchor.schema.json"),
        Kind::Resident => include_str!("../schemas/resident.schema.json"),
        Kind::Age => include_str!("../schemas/age.schema.json"),
        Kind::ChildMedicalSubsidy => include_str!("../schemas/child-medical-subsidy.schema.json"),
        Kind::FanClubMembership => include_str!("../schemas/fan-club-membership.schema.json"),
        Kind::ShelterRegistration => include_str!("../schemas/shelter-registration.schema.json"),
        Kind::ContextPseudonym => include_str!("../schemas/context-pseudonym.schema.json"),
    }
}

/// `(claim, disclosure, mandatory)` for every top-level claim of `kind`.
fn claims(kind: Kind) -> &'static [(&'static str, DisclosureRule, bool)] {
    use DisclosureRule::{Always, Selective};
    match kind {
        Kind::Anchor => &[
            (anchor::ASSURANCE_LEVEL, Always, true),
            (anchor::ANCHORED_ON, Always, true),
        ],
        Kind::Resident => &[
            (resident::MUNICIPALITY_CODE, Always, true),
            (resident::PREFECTURE_CODE, Always, true),
            (resident::NAME, Selective, true),
            (resident::ADDRESS, Selective, true),
            (resident::BIRTHDATE, Selective, true),
        ],
        Kind::Age => &[
            (age::BIRTHDATE, Selective, true),
            (age::AGE_OVER_4, Selective, false),
            (age::AGE_OVER_15, Selective, false),
            (age::AGE_OVER_18, Selective, true),
            (age::AGE_OVER_20, Selective, true),
            (age::AGE_OVER_65, Selective, true),
        ],
        Kind::ChildMedicalSubsidy => &[
            (child_medical_subsidy::MUNICIPALITY_CODE, Always, true),
            (child_medical_subsidy::PAYER_NUMBER, Always, true),
            (child_medical_subsidy::RECIPIENT_NUMBER, Always, true),
            (child_medical_subsidy::CHILD_NAME, Selective, true),
            (child_medical_subsidy::CHILD_BIRTHDATE, Selective, true),
            (child_medical_subsidy::OUTPATIENT_UNTIL, Always, true),
            (child_medical_subsidy::INPATIENT_UNTIL, Always, true),
            (child_medical_subsidy::COPAY, Always, true),
        ],
        Kind::FanClubMembership => &[
            (fan_club_membership::CLUB_ID, Always, true),
            (fan_club_membership::MEMBER_NUMBER, Always, true),
            (fan_club_membership::TIER, Always, true),
        ],
        Kind::ShelterRegistration => &[
            (shelter_registration::SHELTER_ID, Always, true),
            (shelter_registration::MUNICIPALITY_CODE, Always, true),
            (shelter_registration::CHECKED_IN_AT, Always, true),
            (shelter_registration::CARE_LEVEL, Selective, false),
            (shelter_registration::MEDICATION, Selective, false),
            (shelter_registration::ALLERGIES, Selective, false),
        ],
        Kind::ContextPseudonym => &[
            (context_pseudonym::CONTEXT, Always, true),
            (context_pseudonym::PSEUDONYM, Always, true),
        ],
    }
}
