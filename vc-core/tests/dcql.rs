//! DCQL (OpenID4VP 1.0 §6, §7): every query example of the spec (its examples folder and the
//! JSON in its text) parsed and round-tripped, the spec's selection rules checked on them,
//! each structural rule's own error, and hostile input.
#![cfg(test)]

mod common;

use common::{read, shared};
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::dcql::{CredentialView, DcqlQuery, Format, Presented};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::Error;
use myna_vc_core::{ClaimPathError, DcqlError, InputError, Oid4vpError};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const SPEC: &str = "specs/openid4vp/openid-4-verifiable-presentations-1_0.md";

fn example(name: &str) -> DcqlQuery {
    let path = shared("specs/openid4vp/examples").join(name);
    DcqlQuery::from_json(read(&path).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every `.json` DCQL example of the spec's examples folder.
const EXAMPLES: [&str; 9] = [
    "query_lang/claims_alternatives.json",
    "query_lang/complex_mdoc.json",
    "query_lang/credentials_alternatives.json",
    "query_lang/multi_credentials.json",
    "query_lang/simple.json",
    "query_lang/simple_mdoc.json",
    "query_lang/value_matching_simple.json",
    "request/dcql_jwt_vc.json",
    "request/dcql_ldp_vc.json",
];

fn paths(list: &[ClaimPath]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn view<'a>(vct: &'a Vct, claims: &'a Value) -> CredentialView<'a> {
    CredentialView {
        vct,
        claims: claims.as_object().unwrap(),
        holder_binding: true,
    }
}

#[test]
fn every_example_file_parses_and_round_trips() {
    let dir = shared("specs/openid4vp/examples/query_lang");
    let on_disk = std::fs::read_dir(dir).unwrap().count();
    assert_eq!(on_disk, 7, "a new query_lang example: add it to EXAMPLES");
    for name in EXAMPLES {
        let query = example(name);
        let again = DcqlQuery::from_value(&query.to_value()).unwrap();
        assert_eq!(again, query, "{name}");
        let original: Value =
            serde_json::from_str(&read(&shared("specs/openid4vp/examples").join(name))).unwrap();
        assert_eq!(
            original["credentials"].as_array().unwrap().len(),
            query.credentials().len(),
            "{name}"
        );
    }
}

/// The JSON blocks of the spec text that are DCQL queries or carry one in `dcql_query`
/// (blocks with `...` placeholders are not JSON and are skipped).
#[test]
fn every_query_in_the_spec_text_parses() {
    let text = read(&shared(SPEC));
    let mut found = 0;
    for block in text.split("```json").skip(1) {
        let Some((body, _)) = block.split_once("```") else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<Value>(body) else {
            continue;
        };
        let query = if value.get("credentials").is_some() {
            &value
        } else if let Some(q) = value.get("dcql_query") {
            q
        } else {
            continue;
        };
        DcqlQuery::from_value(query).unwrap_or_else(|e| panic!("{e}: {body}"));
        found += 1;
    }
    assert!(found >= 1, "the spec text's request object example");
}

#[test]
fn the_simple_example_reads_as_the_spec_describes() {
    let query = example("query_lang/simple.json");
    let [credential] = query.credentials() else {
        panic!("one credential query")
    };
    assert_eq!(credential.id().as_str(), "my_credential");
    let Format::SdJwtVc { vct_values } = credential.format() else {
        panic!("dc+sd-jwt")
    };
    assert_eq!(
        vct_values[0].as_str(),
        "https://credentials.example.com/identity_credential"
    );
    // §6.1 defaults.
    assert!(!credential.multiple());
    assert!(credential.require_cryptographic_holder_binding());
    let claim_paths: Vec<ClaimPath> = credential
        .claims()
        .iter()
        .map(|c| c.path().clone())
        .collect();
    assert_eq!(
        paths(&claim_paths),
        [
            r#"["family_name"]"#,
            r#"["given_name"]"#,
            r#"["address","street_address"]"#
        ]
    );

    let vct = vct_values[0].clone();
    let full = json!({"family_name": "Doe", "given_name": "John",
                      "address": {"street_address": "1 Main St", "locality": "Anytown"},
                      "birthdate": "1940-01-01"});
    let selection = credential.evaluate(&view(&vct, &full)).unwrap();
    assert_eq!(paths(selection.paths()), paths(&claim_paths));
    let partial = json!({"family_name": "Doe", "given_name": "John"});
    assert!(matches!(
        credential.evaluate(&view(&vct, &partial)),
        Err(Error::Dcql(DcqlError::Unsatisfied { .. }))
    ));
    let other = Vct::parse("https://other.example/vct").unwrap();
    assert!(matches!(
        credential.evaluate(&view(&other, &full)),
        Err(Error::Dcql(DcqlError::Unsatisfied { .. }))
    ));
}

/// §6.4.1: the first satisfiable option of `claim_sets`; none satisfiable, no claims.
#[test]
fn claim_sets_take_the_first_option_the_credential_satisfies() {
    let query = example("query_lang/claims_alternatives.json");
    let credential = &query.credentials()[0];
    let vct = Vct::parse("https://credentials.example.com/identity_credential").unwrap();
    let everything = json!({"family_name": "Doe", "postal_code": "90210", "locality": "Beverly Hills",
                            "region": "CA", "date_of_birth": "1940-01-01"});
    let first = credential.evaluate(&view(&vct, &everything)).unwrap();
    assert_eq!(first.claim_set(), Some(0));
    assert_eq!(
        paths(first.paths()),
        [
            r#"["family_name"]"#,
            r#"["locality"]"#,
            r#"["region"]"#,
            r#"["date_of_birth"]"#
        ]
    );
    let no_region = json!({"family_name": "Doe", "postal_code": "90210", "locality": "Beverly Hills",
                           "date_of_birth": "1940-01-01"});
    let second = credential.evaluate(&view(&vct, &no_region)).unwrap();
    assert_eq!(second.claim_set(), Some(1));
    assert_eq!(
        paths(second.paths()),
        [
            r#"["family_name"]"#,
            r#"["postal_code"]"#,
            r#"["date_of_birth"]"#
        ]
    );
    let neither = json!({"family_name": "Doe", "date_of_birth": "1940-01-01"});
    assert!(matches!(
        credential.evaluate(&view(&vct, &neither)),
        Err(Error::Dcql(DcqlError::Unsatisfied { query, .. })) if query == "pid"
    ));
}

/// §6.4.2 on the spec's `credential_sets` example.
#[test]
fn credential_sets_choose_the_first_satisfiable_option_and_optional_extras() {
    let query = example("query_lang/credentials_alternatives.json");
    let vct = |v: &str| Vct::parse(v).unwrap();
    let pid = vct("https://credentials.example.com/identity_credential");
    let reduced = vct("https://credentials.example.com/reduced_identity_credential");
    let residence = vct("https://cred.example/residence_credential");
    let rewards = vct("https://company.example/company_rewards");
    let names =
        json!({"given_name": "J", "family_name": "D", "address": {"street_address": "1 Main"}});
    let place = json!({"postal_code": "1", "locality": "L", "region": "R"});
    let reward = json!({"rewards_number": 7});

    // Only the two reduced credentials: the third option, both of them, in query order.
    let wallet = [view(&residence, &place), view(&reduced, &names)];
    let answers = query.select(&wallet).unwrap();
    let answered: Vec<(&str, usize)> = answers
        .iter()
        .map(|a| (a.query.as_str(), a.credential))
        .collect();
    assert_eq!(
        answered,
        [("pid_reduced_cred_1", 1), ("pid_reduced_cred_2", 0)]
    );

    // The full PID is the first option; the optional rewards card comes along when held.
    let wallet = [
        view(&residence, &place),
        view(&reduced, &names),
        view(&pid, &names),
        view(&rewards, &reward),
    ];
    let answers = query.select(&wallet).unwrap();
    let answered: Vec<&str> = answers.iter().map(|a| a.query.as_str()).collect();
    assert_eq!(answered, ["pid", "nice_to_have"]);
    assert_eq!(answers[0].credential, 2);
    assert_eq!(paths(&answers[1].claims), [r#"["rewards_number"]"#]);

    // Only the optional credential: the required set fails, nothing is returned.
    let err = query.select(&[view(&rewards, &reward)]).unwrap_err();
    assert!(matches!(err, Error::Dcql(DcqlError::Unsatisfied { query, .. }) if query == "pid"));
}

#[test]
fn other_formats_parse_but_are_reported_unsupported_when_matched() {
    let query = example("query_lang/multi_credentials.json");
    assert_eq!(query.credentials()[1].format().identifier(), "mso_mdoc");
    let vct = Vct::parse("https://credentials.example.com/identity_credential").unwrap();
    let claims = json!({"given_name": "J", "family_name": "D", "address": {"street_address": "1"}});
    let err = query.select(&[view(&vct, &claims)]).unwrap_err();
    assert!(
        matches!(&err, Error::Dcql(DcqlError::UnsupportedFormat { credential, format }) if credential == "mdl" && format == "mso_mdoc"),
        "{err:?}"
    );
    // With credential sets the unsupported options are simply not satisfiable.
    let mdoc = example("query_lang/complex_mdoc.json");
    assert!(matches!(
        mdoc.select(&[view(&vct, &claims)]),
        Err(Error::Dcql(DcqlError::UnsupportedFormat { .. }))
    ));
}

#[test]
fn values_restrict_which_credentials_and_elements_match() {
    let query = example("query_lang/value_matching_simple.json");
    let credential = &query.credentials()[0];
    let vct = Vct::parse("https://credentials.example.com/identity_credential").unwrap();
    let base = |postal: Value| {
        json!({"family_name": "Doe", "given_name": "J", "address": {"street_address": "1"},
               "postal_code": postal})
    };
    assert!(credential
        .evaluate(&view(&vct, &base(json!("90211"))))
        .is_ok());
    // Wrong value, and right value with the wrong type (a number, not a string).
    for postal in [json!("12345"), json!(90210)] {
        assert!(matches!(
            credential.evaluate(&view(&vct, &base(postal))),
            Err(Error::Dcql(DcqlError::Unsatisfied { .. }))
        ));
    }

    // `null` selects all elements; only those with a requested value are disclosed.
    let query = DcqlQuery::from_value(&json!({"credentials": [{"id": "d", "format": "dc+sd-jwt",
        "meta": {"vct_values": ["urn:x"]},
        "claims": [{"path": ["degrees", null, "type"], "values": ["Master of Science"]}]}]}))
    .unwrap();
    let vct = Vct::parse("urn:x").unwrap();
    // The claims path pointer example of §7.3.
    let claims = json!({"name": "Arthur Dent",
        "degrees": [{"type": "Bachelor of Science", "university": "University of Betelgeuse"},
                    {"type": "Master of Science", "university": "University of Betelgeuse"}],
        "nationalities": ["British", "Betelgeusian"]});
    let selection = query.credentials()[0]
        .evaluate(&view(&vct, &claims))
        .unwrap();
    assert_eq!(paths(selection.paths()), [r#"["degrees",1,"type"]"#]);
}

#[test]
fn claims_path_pointer_processing_follows_section_7() {
    let claims = json!({"name": "Arthur Dent",
        "address": {"street_address": "42 Market Street", "locality": "Milliways"},
        "degrees": [{"type": "BSc"}, {"type": "MSc", "minor": "Physics"}],
        "nationalities": ["British", "Betelgeusian"]});
    let path = |v: Value| ClaimPath::parse_json(&v).unwrap();
    let values = |p: Value| -> Vec<Value> {
        path(p)
            .select(&claims)
            .unwrap()
            .into_iter()
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(values(json!(["name"])), [json!("Arthur Dent")]);
    assert_eq!(
        values(json!(["address", "street_address"])),
        [json!("42 Market Street")]
    );
    assert_eq!(
        values(json!(["degrees", null, "type"])),
        [json!("BSc"), json!("MSc")]
    );
    assert_eq!(values(json!(["nationalities", 1])), [json!("Betelgeusian")]);
    // Elements without the key drop out; an empty result is an error.
    assert_eq!(
        values(json!(["degrees", null, "minor"])),
        [json!("Physics")]
    );
    for missing in [
        json!(["nationalities", 2]),
        json!(["degrees", null, "year"]),
    ] {
        assert!(matches!(
            path(missing).select(&claims),
            Err(Error::ClaimPath(ClaimPathError::Unknown(_)))
        ));
    }
    // Applying a key to a non-object, or an index or null to a non-array, aborts.
    for wrong in [
        json!(["name", "first"]),
        json!(["address", 0]),
        json!(["name", null]),
    ] {
        assert!(matches!(
            path(wrong).select(&claims),
            Err(Error::ClaimPath(ClaimPathError::TypeMismatch(_)))
        ));
    }
}

#[test]
fn holder_binding_is_required_unless_the_query_waives_it() {
    let vct = Vct::parse("urn:ticket").unwrap();
    let claims = json!({"seat": "A1"});
    let unbound = CredentialView {
        vct: &vct,
        claims: claims.as_object().unwrap(),
        holder_binding: false,
    };
    let query = |waive: bool| {
        let mut q = json!({"credentials": [{"id": "t", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["urn:ticket"]}}]});
        if waive {
            q["credentials"][0]["require_cryptographic_holder_binding"] = json!(false);
        }
        DcqlQuery::from_value(&q).unwrap()
    };
    assert!(matches!(
        query(false).select(&[unbound]),
        Err(Error::Dcql(DcqlError::Unsatisfied { .. }))
    ));
    let answers = query(true).select(&[unbound]).unwrap();
    // No claims asked for: nothing selectively disclosable is disclosed.
    assert!(answers[0].claims.is_empty());
}

#[test]
fn the_verifier_checks_what_was_presented_against_the_query() {
    let query = example("query_lang/credentials_alternatives.json");
    let reduced =
        Vct::parse("https://credentials.example.com/reduced_identity_credential").unwrap();
    let residence = Vct::parse("https://cred.example/residence_credential").unwrap();
    let names = json!({"given_name": "J", "family_name": "D"});
    let place = json!({"postal_code": "1", "locality": "L", "region": "R"});
    let (names, place, reduced, residence) = (&names, &place, &reduced, &residence);

    let both = Presented::from([
        entry("pid_reduced_cred_1", vec![view(reduced, names)]),
        entry("pid_reduced_cred_2", vec![view(residence, place)]),
    ]);
    query.check_presented(&both).unwrap();

    // One half of an option does not satisfy the required set.
    let half = Presented::from([entry("pid_reduced_cred_1", vec![view(reduced, names)])]);
    assert!(matches!(
        query.check_presented(&half),
        Err(Error::Dcql(DcqlError::MissingPresentation(id))) if id == "pid"
    ));
    // A presentation that does not fit its query (wrong type).
    let swapped = Presented::from([
        entry("pid_reduced_cred_1", vec![view(residence, place)]),
        entry("pid_reduced_cred_2", vec![view(residence, place)]),
    ]);
    assert!(matches!(
        query.check_presented(&swapped),
        Err(Error::Dcql(DcqlError::Unsatisfied { query, .. })) if query == "pid_reduced_cred_1"
    ));
    // An id the query did not ask for, two presentations without `multiple`, none at all.
    let mut extra = both.clone();
    extra.insert("surprise".into(), vec![view(reduced, names)]);
    assert_eq!(
        query.check_presented(&extra),
        Err(Error::Dcql(DcqlError::UnexpectedPresentation(
            "surprise".into()
        )))
    );
    let mut twice = both.clone();
    twice.insert(
        "pid_reduced_cred_1".into(),
        vec![view(reduced, names), view(reduced, names)],
    );
    assert!(matches!(
        query.check_presented(&twice),
        Err(Error::Dcql(DcqlError::PresentationCount { count: 2, .. }))
    ));
    let mut empty = both;
    empty.insert("pid_reduced_cred_1".into(), Vec::new());
    assert!(matches!(
        query.check_presented(&empty),
        Err(Error::Dcql(DcqlError::PresentationCount { count: 0, .. }))
    ));
}

#[test]
fn multiple_allows_several_presentations() {
    let query = DcqlQuery::from_value(
        &json!({"credentials": [{"id": "kids", "format": "dc+sd-jwt",
        "multiple": true, "meta": {"vct_values": ["urn:child"]}}]}),
    )
    .unwrap();
    let vct = Vct::parse("urn:child").unwrap();
    let claims = json!({});
    let presented = Presented::from([(
        "kids".to_owned(),
        vec![view(&vct, &claims), view(&vct, &claims)],
    )]);
    query.check_presented(&presented).unwrap();
}

fn entry<'a>(id: &str, views: Vec<CredentialView<'a>>) -> (String, Vec<CredentialView<'a>>) {
    (id.to_owned(), views)
}

fn credential_with(member: &str, value: Value) -> Value {
    let mut credential = json!({"id": "c", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]},
        "claims": [{"id": "a", "path": ["a"]}]});
    credential[member] = value;
    json!({ "credentials": [credential] })
}

#[test]
fn each_structural_rule_has_its_own_error() {
    let cases: Vec<(Value, Error)> = vec![
        (
            json!({"credentials": []}),
            Error::Dcql(DcqlError::Empty("credentials")),
        ),
        (
            json!({}),
            Error::Oid4vp(Oid4vpError::MissingParameter("credentials")),
        ),
        (
            credential_with("id", json!("")),
            Error::Dcql(DcqlError::InvalidId {
                kind: "credential",
                id: String::new(),
            }),
        ),
        (
            credential_with("id", json!("a b")),
            Error::Dcql(DcqlError::InvalidId {
                kind: "credential",
                id: "a b".into(),
            }),
        ),
        (
            credential_with("id", json!("ｉｄ")),
            Error::Dcql(DcqlError::InvalidId {
                kind: "credential",
                id: "ｉｄ".into(),
            }),
        ),
        (
            json!({"credentials": [
                {"id": "c", "format": "mso_mdoc", "meta": {}},
                {"id": "c", "format": "mso_mdoc", "meta": {}}]}),
            Error::Dcql(DcqlError::DuplicateId {
                kind: "credential",
                id: "c".into(),
            }),
        ),
        (
            credential_with(
                "claims",
                json!([{"id": "a", "path": ["a"]}, {"id": "a", "path": ["b"]}]),
            ),
            Error::Dcql(DcqlError::DuplicateId {
                kind: "claim",
                id: "a".into(),
            }),
        ),
        (
            credential_with("claims", json!([{"id": "a!", "path": ["a"]}])),
            Error::Dcql(DcqlError::InvalidId {
                kind: "claim",
                id: "a!".into(),
            }),
        ),
        (
            credential_with("claims", json!([])),
            Error::Dcql(DcqlError::Empty("claims")),
        ),
        (
            credential_with("claim_sets", json!([])),
            Error::Dcql(DcqlError::Empty("claim_sets")),
        ),
        (
            credential_with("claim_sets", json!([[]])),
            Error::Dcql(DcqlError::Empty("claim_sets[]")),
        ),
        (
            json!({"credentials": [{"id": "c", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]},
                "claim_sets": [["a"]]}]}),
            Error::Dcql(DcqlError::ClaimSetsWithoutClaims("c".into())),
        ),
        (
            credential_with(
                "claims",
                json!([{"path": ["a"]}, {"id": "b", "path": ["b"]}]),
            )
            .pipe(|mut q| {
                q["credentials"][0]["claim_sets"] = json!([["b"]]);
                q
            }),
            Error::Dcql(DcqlError::ClaimWithoutId("c".into())),
        ),
        (
            credential_with("claim_sets", json!([["a"], ["z"]])),
            Error::Dcql(DcqlError::UnknownClaimId {
                credential: "c".into(),
                claim: "z".into(),
            }),
        ),
        (
            credential_with("claims", json!([{"path": ["a"], "values": [{"x": 1}]}])),
            Error::Dcql(DcqlError::InvalidValue("c".into())),
        ),
        (
            credential_with("claims", json!([{"path": ["a"], "values": [1.5]}])),
            Error::Dcql(DcqlError::InvalidValue("c".into())),
        ),
        (
            credential_with("claims", json!([{"path": ["a"], "values": [null]}])),
            Error::Dcql(DcqlError::InvalidValue("c".into())),
        ),
        (
            credential_with("claims", json!([{"path": ["a"], "values": []}])),
            Error::Dcql(DcqlError::Empty("values")),
        ),
        (
            credential_with("claims", json!([{"path": ["a"]}, {"path": ["a"]}])),
            Error::Dcql(DcqlError::DuplicateClaimPath {
                credential: "c".into(),
                path: r#"["a"]"#.into(),
            }),
        ),
        (
            credential_with("meta", json!({})),
            Error::Dcql(DcqlError::MissingMeta {
                credential: "c".into(),
                member: "vct_values",
            }),
        ),
        (
            credential_with("meta", json!({"vct_values": []})),
            Error::Dcql(DcqlError::MissingMeta {
                credential: "c".into(),
                member: "vct_values",
            }),
        ),
        (
            json!({"credentials": [{"id": "c", "format": "dc+sd-jwt"}]}),
            Error::Oid4vp(Oid4vpError::MissingParameter("meta")),
        ),
        (
            json!({"credentials": [{"id": "c", "meta": {}}]}),
            Error::Oid4vp(Oid4vpError::MissingParameter("format")),
        ),
        (
            json!({"credentials": [{"id": "c", "format": "mso_mdoc", "meta": {}}],
                   "credential_sets": [{"options": [["c"], ["d"]]}]}),
            Error::Dcql(DcqlError::UnknownCredentialId("d".into())),
        ),
        (
            json!({"credentials": [{"id": "c", "format": "mso_mdoc", "meta": {}}],
                   "credential_sets": [{"options": []}]}),
            Error::Dcql(DcqlError::Empty("options")),
        ),
        (
            json!({"credentials": [{"id": "c", "format": "mso_mdoc", "meta": {}}],
                   "credential_sets": []}),
            Error::Dcql(DcqlError::Empty("credential_sets")),
        ),
        (
            json!({"credentials": [{"id": "c", "format": "mso_mdoc", "meta": {}}],
                   "credential_sets": [{"options": [[]]}]}),
            Error::Dcql(DcqlError::Empty("options[]")),
        ),
        (
            credential_with("trusted_authorities", json!([])),
            Error::Dcql(DcqlError::Empty("trusted_authorities")),
        ),
        (
            credential_with(
                "trusted_authorities",
                json!([{"type": "aki", "values": []}]),
            ),
            Error::Dcql(DcqlError::Empty("values")),
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            DcqlQuery::from_value(&query).unwrap_err(),
            expected,
            "{query}"
        );
    }
}

/// Wrong JSON types are `MemberType` (or the claim path's own error), never accepted.
#[test]
fn wrong_member_types_are_refused() {
    for (member, value) in [
        ("multiple", json!("yes")),
        ("require_cryptographic_holder_binding", json!(1)),
        ("claims", json!({"path": ["a"]})),
        ("claim_sets", json!(["a"])),
        ("meta", json!([])),
        ("format", json!(7)),
        (
            "trusted_authorities",
            json!([{"type": "aki", "values": [1]}]),
        ),
    ] {
        let err = DcqlQuery::from_value(&credential_with(member, value)).unwrap_err();
        assert!(
            matches!(err, Error::Input(InputError::MemberType { .. })),
            "{member}: {err:?}"
        );
    }
    for path in [json!([]), json!(["a", -1]), json!(["a", 1.5]), json!("a")] {
        let query = credential_with("claims", json!([{ "path": path }]));
        assert!(
            matches!(
                DcqlQuery::from_value(&query),
                Err(Error::ClaimPath(
                    ClaimPathError::Empty | ClaimPathError::InvalidSegment
                ))
            ),
            "{path}"
        );
    }
}

#[test]
fn trusted_authorities_and_unknown_members_are_kept_or_ignored() {
    let query = DcqlQuery::from_value(&json!({"future": 1, "credentials": [{"id": "c",
        "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"], "future": true}, "future": [],
        "trusted_authorities": [{"type": "aki", "values": ["s9tIpPmhxdiuNkHMEWNpYim8S8Y"]}]}]}))
    .unwrap();
    let authorities = query.credentials()[0].trusted_authorities();
    assert_eq!(authorities[0].kind(), "aki");
    assert_eq!(authorities[0].values(), ["s9tIpPmhxdiuNkHMEWNpYim8S8Y"]);
    assert_eq!(
        query.to_value()["credentials"][0]["trusted_authorities"][0]["type"],
        "aki"
    );
}

#[test]
fn oversized_deep_and_truncated_queries_are_typed_errors() {
    let big = format!(r#"{{"credentials": [], "pad": "{}"}}"#, "a".repeat(1 << 20));
    assert!(matches!(
        DcqlQuery::from_json(big.as_bytes()),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    let deep = format!(
        r#"{{"credentials": {}1{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert!(matches!(
        DcqlQuery::from_json(deep.as_bytes()),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    let text = read(&shared(
        "specs/openid4vp/examples/query_lang/credentials_alternatives.json",
    ));
    let text = text.trim_end();
    for cut in 0..text.len() {
        let Some(prefix) = text.get(..cut) else {
            continue;
        };
        assert!(
            DcqlQuery::from_json(prefix.as_bytes()).is_err(),
            "cut at {cut}"
        );
    }
    assert!(matches!(
        DcqlQuery::from_json(b"[1, 2]"),
        Err(Error::Input(InputError::Json { .. }))
    ));
}

trait Pipe: Sized {
    fn pipe(self, f: impl FnOnce(Self) -> Self) -> Self {
        f(self)
    }
}
impl Pipe for Value {}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z_]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("credentials".to_owned()),
                    Just("id".to_owned()),
                    Just("format".to_owned()),
                    Just("meta".to_owned()),
                    Just("claims".to_owned()),
                    Just("path".to_owned()),
                    Just("claim_sets".to_owned()),
                    Just("credential_sets".to_owned()),
                    Just("options".to_owned()),
                    Just("values".to_owned()),
                    "[a-z]{1,3}",
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        // Almost all of these are not JSON; what parses must round-trip.
        if let Ok(query) = DcqlQuery::from_json(&bytes) {
            prop_assert_eq!(DcqlQuery::from_value(&query.to_value()).unwrap(), query);
        }
    }

    #[test]
    fn arbitrary_json_is_checked_and_what_passes_round_trips(value in arb_json()) {
        if let Ok(query) = DcqlQuery::from_value(&value) {
            prop_assert!(!query.credentials().is_empty());
            prop_assert_eq!(DcqlQuery::from_value(&query.to_value()).unwrap(), query);
        }
    }
}
