//! The top-level claim names of every credential type, one module per type, for code that
//! reads or asks for a claim by name (the issuer building claims, a verifier's policy).
//!
//! ```
//! use myna_vocabulary::{claim, declaration, Kind};
//! assert_eq!(claim::age::AGE_OVER_20, "age_over_20");
//! let age = declaration(Kind::Age)?;
//! assert!(age.claims().iter().any(|c| c.path.to_string().contains(claim::age::AGE_OVER_20)));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

/// Claims of the anchor credential ([`Kind::Anchor`](crate::Kind::Anchor)).
pub mod anchor {
    /// How the card was checked (`jpki-authentication`).
    pub const ASSURANCE_LEVEL: &str = "assurance_level";
    /// The day the card was checked.
    pub const ANCHORED_ON: &str = "anchored_on";
}

/// Claims of the resident credential ([`Kind::Resident`](crate::Kind::Resident)).
pub mod resident {
    /// 全国地方公共団体コード of the issuing municipality, with check digit.
    pub const MUNICIPALITY_CODE: &str = "municipality_code";
    /// JIS X 0401 prefecture code.
    pub const PREFECTURE_CODE: &str = "prefecture_code";
    /// Name as certified.
    pub const NAME: &str = "name";
    /// Address as certified.
    pub const ADDRESS: &str = "address";
    /// Date of birth.
    pub const BIRTHDATE: &str = "birthdate";
}

/// Claims of the age credential ([`Kind::Age`](crate::Kind::Age)).
pub mod age {
    /// Date of birth.
    pub const BIRTHDATE: &str = "birthdate";
    /// Aged 4 or over (child entry).
    pub const AGE_OVER_4: &str = "age_over_4";
    /// Aged 15 or over (child entry).
    pub const AGE_OVER_15: &str = "age_over_15";
    /// Aged 18 or over.
    pub const AGE_OVER_18: &str = "age_over_18";
    /// Aged 20 or over (alcohol, tobacco).
    pub const AGE_OVER_20: &str = "age_over_20";
    /// Aged 65 or over.
    pub const AGE_OVER_65: &str = "age_over_65";
}

/// Claims of the child medical subsidy credential
/// ([`Kind::ChildMedicalSubsidy`](crate::Kind::ChildMedicalSubsidy)).
pub mod child_medical_subsidy {
    /// The paying municipality's code.
    pub const MUNICIPALITY_CODE: &str = "municipality_code";
    /// 公費負担者番号.
    pub const PAYER_NUMBER: &str = "payer_number";
    /// 受給者番号.
    pub const RECIPIENT_NUMBER: &str = "recipient_number";
    /// The child's name.
    pub const CHILD_NAME: &str = "child_name";
    /// The child's date of birth.
    pub const CHILD_BIRTHDATE: &str = "child_birthdate";
    /// Last day of outpatient coverage.
    pub const OUTPATIENT_UNTIL: &str = "outpatient_until";
    /// Last day of inpatient coverage.
    pub const INPATIENT_UNTIL: &str = "inpatient_until";
    /// What the guardian pays.
    pub const COPAY: &str = "copay";
}

/// Claims of the fan-club membership credential
/// ([`Kind::FanClubMembership`](crate::Kind::FanClubMembership)).
pub mod fan_club_membership {
    /// The club.
    pub const CLUB_ID: &str = "club_id";
    /// The member number.
    pub const MEMBER_NUMBER: &str = "member_number";
    /// The membership tier.
    pub const TIER: &str = "tier";
}

/// Claims of the shelter registration credential
/// ([`Kind::ShelterRegistration`](crate::Kind::ShelterRegistration)).
pub mod shelter_registration {
    /// The shelter.
    pub const SHELTER_ID: &str = "shelter_id";
    /// The shelter's municipality.
    pub const MUNICIPALITY_CODE: &str = "municipality_code";
    /// When the evacuee checked in.
    pub const CHECKED_IN_AT: &str = "checked_in_at";
    /// Care needed.
    pub const CARE_LEVEL: &str = "care_level";
    /// Medication taken.
    pub const MEDICATION: &str = "medication";
    /// Allergies.
    pub const ALLERGIES: &str = "allergies";
}

/// Claims of the context pseudonym credential
/// ([`Kind::ContextPseudonym`](crate::Kind::ContextPseudonym)).
pub mod context_pseudonym {
    /// The context (a forum, a sale).
    pub const CONTEXT: &str = "context";
    /// The one pseudonym of the holder in that context.
    pub const PSEUDONYM: &str = "pseudonym";
}
