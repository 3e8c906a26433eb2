//! What a wallet shows a person: each credential type's title and each claim's label, in
//! Japanese and English.
//!
//! ```
//! use myna_vocabulary::{claim_label, Kind};
//! assert_eq!(Kind::Age.title_ja(), "年齢確認証明書");
//! assert_eq!(claim_label(Kind::Age, "age_over_20").map(|l| l.en), Some("Aged 20 or over"));
//! assert!(claim_label(Kind::Age, "not_a_claim").is_none());
//! ```

use crate::claim::{
    age, anchor, child_medical_subsidy, context_pseudonym, fan_club_membership, resident,
    shelter_registration,
};
use crate::Kind;

/// A claim's label in Japanese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimLabel {
    /// Japanese.
    pub ja: &'static str,
    /// English.
    pub en: &'static str,
}

impl Kind {
    /// The type's title in Japanese.
    ///
    /// ```
    /// assert_eq!(myna_vocabulary::Kind::Resident.title_ja(), "住民証明書");
    /// ```
    pub const fn title_ja(self) -> &'static str {
        match self {
            Kind::Anchor => "本人確認済みの鍵",
            Kind::Resident => "住民証明書",
            Kind::Age => "年齢確認証明書",
            Kind::ChildMedicalSubsidy => "子ども医療費受給者証",
            Kind::FanClubMembership => "ファンクラブ会員証",
            Kind::ShelterRegistration => "避難所登録証",
            Kind::ContextPseudonym => "仮名（ハンドルネーム）",
        }
    }

    /// The type's title in English.
    ///
    /// ```
    /// assert_eq!(myna_vocabulary::Kind::Resident.title_en(), "Resident certificate");
    /// ```
    pub const fn title_en(self) -> &'static str {
        match self {
            Kind::Anchor => "Verified holder key",
            Kind::Resident => "Resident certificate",
            Kind::Age => "Age certificate",
            Kind::ChildMedicalSubsidy => "Child medical subsidy certificate",
            Kind::FanClubMembership => "Fan-club membership",
            Kind::ShelterRegistration => "Shelter registration",
            Kind::ContextPseudonym => "Pseudonym",
        }
    }
}

/// The label of `kind`'s top-level claim `name`, or `None` for a claim the type does not
/// declare. Every declared claim has one (a test of this crate checks it).
pub fn claim_label(kind: Kind, name: &str) -> Option<ClaimLabel> {
    let label = |ja, en| Some(ClaimLabel { ja, en });
    match (kind, name) {
        (Kind::Anchor, anchor::ASSURANCE_LEVEL) => label("確認方法", "Assurance level"),
        (Kind::Anchor, anchor::ANCHORED_ON) => label("確認日", "Checked on"),
        (Kind::Resident, resident::MUNICIPALITY_CODE) => {
            label("市区町村コード", "Municipality code")
        }
        (Kind::Resident, resident::PREFECTURE_CODE) => label("都道府県コード", "Prefecture code"),
        (Kind::Resident, resident::NAME) => label("氏名", "Name"),
        (Kind::Resident, resident::ADDRESS) => label("住所", "Address"),
        (Kind::Resident | Kind::Age, resident::BIRTHDATE) => label("生年月日", "Date of birth"),
        (Kind::Age, age::AGE_OVER_4) => label("4歳以上", "Aged 4 or over"),
        (Kind::Age, age::AGE_OVER_15) => label("15歳以上", "Aged 15 or over"),
        (Kind::Age, age::AGE_OVER_18) => label("18歳以上", "Aged 18 or over"),
        (Kind::Age, age::AGE_OVER_20) => label("20歳以上", "Aged 20 or over"),
        (Kind::Age, age::AGE_OVER_65) => label("65歳以上", "Aged 65 or over"),
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::MUNICIPALITY_CODE) => {
            label("市区町村コード", "Municipality code")
        }
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::PAYER_NUMBER) => {
            label("公費負担者番号", "Payer number")
        }
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::RECIPIENT_NUMBER) => {
            label("受給者番号", "Recipient number")
        }
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::CHILD_NAME) => {
            label("お子さんの氏名", "Child's name")
        }
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::CHILD_BIRTHDATE) => {
            label("お子さんの生年月日", "Child's date of birth")
        }
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::OUTPATIENT_UNTIL) => {
            label("通院の有効期限", "Outpatient cover until")
        }
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::INPATIENT_UNTIL) => {
            label("入院の有効期限", "Inpatient cover until")
        }
        (Kind::ChildMedicalSubsidy, child_medical_subsidy::COPAY) => {
            label("自己負担", "Co-payment")
        }
        (Kind::FanClubMembership, fan_club_membership::CLUB_ID) => label("クラブ", "Club"),
        (Kind::FanClubMembership, fan_club_membership::MEMBER_NUMBER) => {
            label("会員番号", "Member number")
        }
        (Kind::FanClubMembership, fan_club_membership::TIER) => label("会員区分", "Tier"),
        (Kind::ShelterRegistration, shelter_registration::SHELTER_ID) => label("避難所", "Shelter"),
        (Kind::ShelterRegistration, shelter_registration::MUNICIPALITY_CODE) => {
            label("市区町村コード", "Municipality code")
        }
        (Kind::ShelterRegistration, shelter_registration::CHECKED_IN_AT) => {
            label("受付日時", "Checked in at")
        }
        (Kind::ShelterRegistration, shelter_registration::CARE_LEVEL) => {
            label("必要な配慮", "Care needed")
        }
        (Kind::ShelterRegistration, shelter_registration::MEDICATION) => {
            label("服薬", "Medication")
        }
        (Kind::ShelterRegistration, shelter_registration::ALLERGIES) => {
            label("アレルギー", "Allergies")
        }
        (Kind::ContextPseudonym, context_pseudonym::CONTEXT) => label("利用先", "Context"),
        (Kind::ContextPseudonym, context_pseudonym::PSEUDONYM) => label("仮名", "Pseudonym"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_claim_has_a_label() {
        for kind in Kind::ALL {
            let declared = crate::declaration(kind).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            for claim in declared.claims() {
                let name = claim.path.to_string();
                let name = name.trim_start_matches("[\"").trim_end_matches("\"]");
                assert!(
                    claim_label(kind, name).is_some(),
                    "{kind:?}: {name} has no label"
                );
            }
            assert!(!kind.title_ja().is_empty() && !kind.title_en().is_empty());
        }
    }
}
