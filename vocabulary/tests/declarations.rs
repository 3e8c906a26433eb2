//! Every declared credential type: its schema parses, accepts a well-formed example, refuses
//! malformed ones, and its declaration agrees with its schema.
#![cfg(test)]

use myna_vc_core::claim_path::PathSegment;
use myna_vc_core::sdjwt_vc::DisclosureRule;
use myna_vc_core::Error as CoreError;
use myna_vocabulary::{declaration, Kind};
use serde_json::{json, Value};

fn example(kind: Kind) -> Value {
    match kind {
        Kind::Anchor => {
            json!({"assurance_level": "jpki-authentication", "anchored_on": "2026-11-21"})
        }
        Kind::Resident => {
            json!({"municipality_code": "281000", "prefecture_code": "28", "name": "神戸　太郎",
            "address": "兵庫県神戸市中央区加納町６丁目５番１号", "birthdate": "1990-05-01"})
        }
        Kind::Age => {
            json!({"birthdate": "2006-04-02", "age_over_18": true, "age_over_20": true, "age_over_65": false})
        }
        Kind::ChildMedicalSubsidy => {
            json!({"municipality_code": "422053", "payer_number": "88421003", "recipient_number": "1234566",
            "child_name": "大村　花子", "child_birthdate": "2015-06-01", "outpatient_until": "2031-03-31",
            "inpatient_until": "2034-03-31", "copay": {"per_visit_yen": 200}})
        }
        Kind::FanClubMembership => {
            json!({"club_id": "izu-fan-club", "member_number": "000123", "tier": "gold"})
        }
        Kind::ShelterRegistration => {
            json!({"shelter_id": "nomi-spot-17", "municipality_code": "172103", "checked_in_at": 1_800_000_000,
            "allergies": ["buckwheat"]})
        }
        Kind::ContextPseudonym => {
            json!({"context": "maebashi-forum", "pseudonym": "NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o"})
        }
        _ => panic!("add an example for {kind:?}"),
    }
}

fn violation(result: Result<(), CoreError>) -> bool {
    matches!(
        result,
        Err(CoreError::SdJwtVc(
            myna_vc_core::SdJwtVcError::SchemaViolation { .. }
        ))
    )
}

#[test]
fn every_example_fits_its_declaration_and_schema() {
    for kind in Kind::ALL {
        let declared = declaration(kind).unwrap();
        assert_eq!(declared.vct().as_str(), kind.vct());
        declared
            .check_claims(example(kind).as_object().unwrap())
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
}

#[test]
fn schemas_refuse_missing_wrong_and_extra_claims() {
    for kind in Kind::ALL {
        let declared = declaration(kind).unwrap();
        let good = example(kind);
        let first = good.as_object().unwrap().keys().next().unwrap().clone();
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove(&first);
        let mandatory = declared
            .claims()
            .iter()
            .any(|c| c.mandatory && c.path.segments() == [PathSegment::Key(first.clone())]);
        if mandatory {
            assert!(
                violation(declared.check_claims(missing.as_object().unwrap())),
                "{kind:?} without {first}"
            );
        }
        let mut wrong_type = good.clone();
        wrong_type[&first] = json!({"unexpected": ["shape"]});
        assert!(
            violation(declared.check_claims(wrong_type.as_object().unwrap())),
            "{kind:?}: {first} as object"
        );
        let mut extra = good.clone();
        extra["my_number"] = json!("123456789012");
        assert!(
            violation(declared.check_claims(extra.as_object().unwrap())),
            "{kind:?} with an undeclared claim"
        );
    }
}

#[test]
fn every_schema_property_is_declared_and_vice_versa() {
    for kind in Kind::ALL {
        let declared = declaration(kind).unwrap();
        let schema = declared.schema().unwrap();
        let mut properties: Vec<&String> =
            schema["properties"].as_object().unwrap().keys().collect();
        let mut names: Vec<String> = declared
            .claims()
            .iter()
            .map(|c| match c.path.segments() {
                [PathSegment::Key(k)] => k.clone(),
                other => panic!("{kind:?}: nested declaration {other:?}"),
            })
            .collect();
        properties.sort();
        names.sort();
        assert_eq!(properties, names.iter().collect::<Vec<_>>(), "{kind:?}");
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for c in declared.claims() {
            let [PathSegment::Key(k)] = c.path.segments() else {
                unreachable!()
            };
            assert_eq!(
                c.mandatory,
                required.contains(&k.as_str()),
                "{kind:?}: {k} mandatory vs required"
            );
        }
    }
}

#[test]
fn privacy_rules_of_the_pages_hold() {
    let selective = |kind: Kind, claim: &str| {
        declaration(kind).unwrap().claims().iter().any(|c| {
            c.path.segments() == [PathSegment::Key(claim.into())]
                && c.disclosure == DisclosureRule::Selective
        })
    };
    for claim in ["name", "address", "birthdate"] {
        assert!(
            selective(Kind::Resident, claim),
            "resident {claim} must be selectively disclosable"
        );
    }
    assert!(!selective(Kind::Resident, "municipality_code"));
    for claim in ["birthdate", "age_over_18", "age_over_20", "age_over_65"] {
        assert!(selective(Kind::Age, claim));
    }
    for claim in ["care_level", "medication", "allergies"] {
        assert!(selective(Kind::ShelterRegistration, claim));
    }
    // No declared type has a claim for the My Number itself.
    for kind in Kind::ALL {
        let d = declaration(kind).unwrap();
        assert!(
            d.claims()
                .iter()
                .all(|c| !format!("{}", c.path).contains("my_number")),
            "{kind:?}"
        );
    }
}
