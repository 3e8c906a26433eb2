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

/// Values to put in each claim: every JSON type, both sides of each length, pattern, range and
/// item-count bound the schemas use, and every `enum` value.
fn candidate_values(schema: &Value) -> Vec<Value> {
    let text = |c: &str, n: usize| Value::String(c.repeat(n));
    let mut values = vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.0),
        json!(1.5),
        json!(9_007_199_254_740_993u64),
        json!(""),
        json!("281000"),
        json!("28100"),
        json!("2810000"),
        json!("28"),
        json!("48"),
        json!("1234566"),
        json!("88421003"),
        json!("2026-11-21"),
        json!("not a date"),
        json!("２８１０００"),
        json!("281000\n"),
        json!("NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o"),
        json!("NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6"),
        json!("NLUWVW+kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o"),
        json!([]),
        json!(["buckwheat"]),
        json!([1]),
        Value::Array(vec![json!("x"); 32]),
        Value::Array(vec![json!("x"); 33]),
        json!({}),
        json!({"per_visit_yen": 200}),
        json!({"per_visit_yen": 0, "monthly_cap_yen": 5000}),
        json!({"per_visit_yen": -1}),
        json!({"per_visit_yen": 1.5}),
        json!({"per_visit_yen": 200.0}),
        json!({"monthly_cap_yen": 5000}),
        json!({"per_visit_yen": 200, "other": 1}),
    ];
    for n in [1, 63, 64, 65, 99, 100, 101, 199, 200, 201] {
        values.push(text("x", n));
        values.push(text("神", n));
    }
    collect_enum_values(schema, &mut values);
    values
}

fn collect_enum_values(schema: &Value, into: &mut Vec<Value>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get("enum") {
                into.extend(values.iter().cloned());
            }
            map.values().for_each(|v| collect_enum_values(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_enum_values(v, into)),
        _ => {}
    }
}

/// The npm wallet checks claims with vc-core's small validator (feature `schema-lite`),
/// native builds with `jsonschema` (feature `schema`): for every type's schema, over the
/// example with each claim removed, replaced by each candidate value, and an extra claim,
/// both give the same answer.
#[test]
fn both_schema_validators_agree_on_every_schema() {
    let (mut accepted, mut refused, mut disagreements) = (0, 0, Vec::new());
    for kind in Kind::ALL {
        let schema: Value = serde_json::from_str(myna_vocabulary::schema_text(kind)).unwrap();
        let native = jsonschema::validator_for(&schema).unwrap();
        let lite = myna_vc_core::json_schema::Schema::compile(&schema)
            .unwrap_or_else(|e| panic!("{kind:?}: the wasm validator refuses the schema: {e}"));
        let good = example(kind);
        let mut instances = vec![good.clone(), json!({}), json!([]), json!("claims")];
        let mut extra = good.clone();
        extra["my_number"] = json!("123456789012");
        instances.push(extra);
        for name in schema["properties"].as_object().unwrap().keys() {
            let mut without = good.clone();
            without.as_object_mut().unwrap().remove(name);
            instances.push(without);
            for value in candidate_values(&schema) {
                let mut changed = good.clone();
                changed[name] = value;
                instances.push(changed);
            }
        }
        for instance in instances {
            let by_native = native.is_valid(&instance);
            let by_lite = lite.first_violation(&instance).is_none();
            if by_native != by_lite {
                disagreements.push(format!(
                    "{kind:?}: jsonschema {by_native}, lite {by_lite} on {instance}"
                ));
            }
            if by_native {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // Both answers occur often: the comparison is not vacuous.
    assert!(
        accepted > 50 && refused > 500,
        "{accepted} accepted, {refused} refused"
    );
}
