//! SD-JWT VC: the draft's own examples (`../shared/specs/sd-jwt-vc/examples`, inputs only —
//! the draft publishes no signed outputs) issued by us, presented per the example's holder
//! selection and verified under the `dc+sd-jwt` rules; plus the profile's refusals.
#![cfg(test)]

mod common;

use common::{holder_selection, read_yaml, secret_key, shared, yaml_claims};
use myna_vc_core::claim_path::{ClaimPath, PathSegment};
use myna_vc_core::crypto::{default_provider, providers, SecretKey};
use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule, SdJwtIssuer};
use myna_vc_core::sdjwt_vc::{
    self, CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct,
};
use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Error;
use myna_vc_core::{JwtError, SdJwtError, SdJwtVcError};
use serde_json::{json, Map, Value};
use serde_norway::Value as Yaml;

const EXAMPLES: [&str; 3] = ["01", "02", "03-pid"];

fn example_spec(name: &str) -> Yaml {
    read_yaml(
        &shared("specs/sd-jwt-vc/examples")
            .join(name)
            .join("specification.yml"),
    )
}

fn settings() -> Yaml {
    read_yaml(&shared("specs/sd-jwt-vc/examples/settings.yml"))
}

/// What a verifier must see, computed from the YAML independently of the library: plain
/// claims always; an `!sd` claim only when the holder selection names it (`true` or a
/// non-empty container), and inside it only what the selection names.
fn inner(sel: Option<&Yaml>) -> Option<&Yaml> {
    sel.filter(|s| !matches!(s, Yaml::Bool(_)))
}

fn expected(yaml: &Yaml, selection: Option<&Yaml>) -> Value {
    let chosen = |sel: Option<&Yaml>| match sel {
        Some(Yaml::Bool(true)) => true,
        Some(Yaml::Mapping(m)) => !m.is_empty(),
        Some(Yaml::Sequence(s)) => !s.is_empty(),
        _ => false,
    };
    match yaml {
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let (name, sd) = match k {
                    Yaml::Tagged(t) => (t.value.as_str().unwrap().to_owned(), true),
                    other => (other.as_str().unwrap().to_owned(), false),
                };
                let sel = selection.and_then(|s| s.get(name.as_str()));
                if sd && !chosen(sel) {
                    continue;
                }
                out.insert(name, expected(v, inner(sel)));
            }
            Value::Object(out)
        }
        Yaml::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let sel = selection.and_then(|s| s.get(i));
                    match item {
                        Yaml::Tagged(_) if !chosen(sel) => None,
                        Yaml::Tagged(t) => Some(expected(&t.value, inner(sel))),
                        other => Some(expected(other, inner(sel))),
                    }
                })
                .collect(),
        ),
        other => common::yaml_to_json(&Yaml::Mapping(
            [(Yaml::String("v".into()), other.clone())]
                .into_iter()
                .collect(),
        ))["v"]
            .clone(),
    }
}

#[test]
fn the_drafts_examples_issue_present_and_verify_under_the_profile() {
    let s = settings();
    let issuer_key = secret_key(&s["key_settings"]["issuer_key"]);
    let holder_key = secret_key(&s["key_settings"]["holder_key"]);
    let (iat, exp) = (s["iat"].as_i64().unwrap(), s["exp"].as_i64().unwrap());
    let iss = s["identifiers"]["issuer"].as_str().unwrap();
    let aud = s["identifiers"]["verifier"].as_str().unwrap();
    let nonce = s["key_binding_nonce"].as_str().unwrap();
    let now = NumericDate::from_unix(iat + 1000);
    for p in providers() {
        let (issuer, holder) = (
            p.signer(&issuer_key).unwrap(),
            p.signer(&holder_key).unwrap(),
        );
        for name in EXAMPLES {
            let spec = example_spec(name);
            let (mut claims, sd) = yaml_claims(&spec["user_claims"]);
            claims.insert("iss".into(), iss.into());
            claims.insert("iat".into(), iat.into());
            claims.insert("exp".into(), exp.into());
            let kb = spec["key_binding"].as_bool().unwrap();
            let mut builder = SdJwtIssuer::new(&*issuer);
            for (k, v) in spec["extra_header_parameters"].as_mapping().unwrap() {
                builder =
                    builder.with_header_param(k.as_str().unwrap(), v.as_str().unwrap().into());
            }
            let issued = builder
                .issue(&claims, &sd, Some(&holder_key.public_key()))
                .unwrap();
            let mut shown = issued
                .select(&holder_selection(&spec["holder_disclosed_claims"]))
                .unwrap();
            let rule = if kb {
                shown = shown
                    .bind(&KeyBinding {
                        audience: aud,
                        nonce,
                        issued_at: now,
                        signer: &*holder,
                    })
                    .unwrap();
                KeyBindingRule::Required {
                    audience: aud,
                    nonce,
                    max_age_secs: 60,
                }
            } else {
                KeyBindingRule::Optional
            };
            let vct = Vct::parse(claims["vct"].as_str().unwrap()).unwrap();
            let options = VcVerifyOptions::at(now, rule).expect_vct(&vct);
            let verified =
                sdjwt_vc::verify(&shown.to_string(), p, &issuer_key.public_key(), &options)
                    .unwrap_or_else(|e| panic!("{name} [{}]: {e}", p.name()));

            let mut want = expected(&spec["user_claims"], Some(&spec["holder_disclosed_claims"]));
            let want_map = want.as_object_mut().unwrap();
            want_map.insert("iss".into(), iss.into());
            want_map.insert("iat".into(), iat.into());
            want_map.insert("exp".into(), exp.into());
            want_map.insert(
                "cnf".into(),
                json!({"jwk": holder_key.public_key().to_jwk()}),
            );
            assert_eq!(
                &Value::Object(verified.claims().clone()),
                &want,
                "{name} [{}]",
                p.name()
            );
            assert_eq!(verified.issuer(), Some(iss));
            assert_eq!(verified.disclosed().key_binding().is_some(), kb);
        }
    }
}

/// The same examples through the typed path: a `CredentialType` declared from the example's
/// `!sd` marks, issued with `SdJwtVcIssuer`.
#[test]
fn a_declared_credential_type_issues_the_same_shape() {
    let s = settings();
    let issuer_key = secret_key(&s["key_settings"]["issuer_key"]);
    let holder_key = secret_key(&s["key_settings"]["holder_key"]);
    let p = default_provider();
    let signer = p.signer(&issuer_key).unwrap();
    let now = NumericDate::from_unix(1_700_000_000);
    for name in EXAMPLES {
        let spec = example_spec(name);
        let (mut claims, sd) = yaml_claims(&spec["user_claims"]);
        let vct = Vct::parse(claims.remove("vct").unwrap().as_str().unwrap()).unwrap();
        claims.remove("iss");
        let mut ctype = CredentialType::new(vct.clone());
        for path in &sd {
            ctype = ctype.claim(path.clone(), DisclosureRule::Selective, false);
        }
        for key in claims.keys() {
            if !sd.contains(&ClaimPath::key(key.clone())) {
                ctype = ctype.claim(ClaimPath::key(key.clone()), DisclosureRule::Always, true);
            }
        }
        let metadata = ctype.type_metadata();
        assert_eq!(metadata["vct"], vct.as_str());
        assert_eq!(
            metadata["claims"].as_array().unwrap().len(),
            ctype.claims().len()
        );

        let issued = SdJwtVcIssuer::new(&*signer, "https://example.com/issuer")
            .issue(&VcRequest {
                credential_type: &ctype,
                claims: &claims,
                holder_key: &holder_key.public_key(),
                issued_at: now,
                expires_at: Some(now.plus_seconds(3600)),
                status: None,
            })
            .unwrap();
        assert_eq!(issued.disclosures().len(), sd.len(), "{name}");
        let options = VcVerifyOptions::at(now, KeyBindingRule::Optional).expect_vct(&vct);
        let verified =
            sdjwt_vc::verify(&issued.to_string(), p, &issuer_key.public_key(), &options).unwrap();
        for (k, v) in &claims {
            assert_eq!(verified.claims().get(k), Some(v), "{name}: {k}");
        }
        // Nothing selectively disclosable is visible without being presented.
        let hidden = issued.select(&[]).unwrap().to_string();
        let verified = sdjwt_vc::verify(&hidden, p, &issuer_key.public_key(), &options).unwrap();
        for path in sd.iter().filter(|p| p.segments().len() == 1) {
            let PathSegment::Key(k) = &path.segments()[0] else {
                unreachable!()
            };
            assert!(verified.claims().get(k).is_none(), "{name}: {k} leaked");
        }
    }
}

struct Fixture {
    issuer: SecretKey,
    holder: SecretKey,
    now: NumericDate,
}

fn fixture() -> Fixture {
    Fixture {
        issuer: SecretKey::generate_p256().unwrap(),
        holder: SecretKey::generate_p256().unwrap(),
        now: NumericDate::from_unix(1_800_000_000),
    }
}

fn issue_raw(f: &Fixture, typ: &str, claims: Value, sd: &[ClaimPath]) -> String {
    let signer = default_provider().signer(&f.issuer).unwrap();
    SdJwtIssuer::new(&*signer)
        .with_typ(typ)
        .issue(
            claims.as_object().unwrap(),
            sd,
            Some(&f.holder.public_key()),
        )
        .unwrap()
        .to_string()
}

fn check(
    f: &Fixture,
    presentation: &str,
    vct: Option<&Vct>,
) -> Result<sdjwt_vc::VerifiedCredential, Error> {
    let mut options = VcVerifyOptions::at(f.now, KeyBindingRule::Optional);
    options.vct = vct;
    sdjwt_vc::verify(
        presentation,
        default_provider(),
        &f.issuer.public_key(),
        &options,
    )
}

#[test]
fn the_profile_refuses_what_it_must() {
    let f = fixture();
    let good = json!({"iss": "https://i.example", "vct": "urn:t", "a": 1});

    let wrong_typ = issue_raw(&f, "example+sd-jwt", good.clone(), &[]);
    assert!(matches!(
        check(&f, &wrong_typ, None),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));
    let legacy_typ = issue_raw(&f, "vc+sd-jwt", good.clone(), &[]);
    assert!(matches!(
        check(&f, &legacy_typ, None),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));

    let no_vct = issue_raw(&f, "dc+sd-jwt", json!({"iss": "https://i.example"}), &[]);
    assert!(matches!(
        check(&f, &no_vct, None),
        Err(Error::Jwt(JwtError::MissingClaim("vct")))
    ));

    let ok = issue_raw(&f, "dc+sd-jwt", good.clone(), &[]);
    let other = Vct::parse("urn:other").unwrap();
    assert!(matches!(
        check(&f, &ok, Some(&other)),
        Err(Error::SdJwtVc(SdJwtVcError::WrongVct { .. }))
    ));
    assert_eq!(
        check(&f, &ok, Some(&Vct::parse("urn:t").unwrap()))
            .unwrap()
            .vct()
            .as_str(),
        "urn:t"
    );

    for name in ["exp", "iss", "vct", "status"] {
        let mut claims = good.clone();
        claims[name] = match name {
            "exp" => json!(1_900_000_000),
            "status" => json!({"status_list": {"idx": 1, "uri": "https://i.example/sl"}}),
            _ => claims[name].clone(),
        };
        let hidden = issue_raw(&f, "dc+sd-jwt", claims, &[ClaimPath::key(name)]);
        assert!(
            matches!(check(&f, &hidden, None), Err(Error::SdJwt(SdJwtError::NotDisclosable(n))) if n == name),
            "{name}"
        );
    }
}

#[test]
fn the_issuer_refuses_reserved_and_undeclared_claims() {
    let f = fixture();
    let signer = default_provider().signer(&f.issuer).unwrap();
    let ctype = CredentialType::new(Vct::parse("urn:t").unwrap())
        .claim(ClaimPath::key("a"), DisclosureRule::Selective, true)
        .with_schema(
            json!({"type": "object", "properties": {"a": {"type": "integer", "minimum": 0}}}),
        );
    let issue = |claims: Value| {
        SdJwtVcIssuer::new(&*signer, "https://i.example").issue(&VcRequest {
            credential_type: &ctype,
            claims: claims.as_object().unwrap(),
            holder_key: &f.holder.public_key(),
            issued_at: f.now,
            expires_at: None,
            status: None,
        })
    };
    assert!(issue(json!({"a": 1})).is_ok());
    // A status reference lands in the clear and reads back typed.
    let reference = StatusReference::new(
        StatusIndex::new(4711),
        StatusListUri::new("https://i.example/status/1").unwrap(),
    );
    let with_status = SdJwtVcIssuer::new(&*signer, "https://i.example")
        .issue(&VcRequest {
            credential_type: &ctype,
            claims: json!({"a": 1}).as_object().unwrap(),
            holder_key: &f.holder.public_key(),
            issued_at: f.now,
            expires_at: None,
            status: Some(&reference),
        })
        .unwrap();
    let verified = check(&f, &with_status.select(&[]).unwrap().to_string(), None).unwrap();
    assert_eq!(verified.status().unwrap(), Some(reference));
    assert!(matches!(
        issue(json!({"a": 1, "exp": 5})),
        Err(Error::Jwt(JwtError::InvalidClaim { .. }))
    ));
    assert!(matches!(
        issue(json!({"a": 1, "cnf": {}})),
        Err(Error::Jwt(JwtError::InvalidClaim { .. }))
    ));
    assert!(matches!(
        issue(json!({"a": 1, "b": 2})),
        Err(Error::SdJwtVc(SdJwtVcError::SchemaViolation { .. }))
    ));
    assert!(matches!(
        issue(json!({})),
        Err(Error::SdJwtVc(SdJwtVcError::SchemaViolation { .. }))
    ));
    // Either validator (`jsonschema`, or the small one of `schema-lite` that the tests always
    // have) names the keyword.
    assert!(
        matches!(issue(json!({"a": -1})), Err(Error::SdJwtVc(SdJwtVcError::SchemaViolation { detail, .. })) if detail.contains("minimum"))
    );
}
