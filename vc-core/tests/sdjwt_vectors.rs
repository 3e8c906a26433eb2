//! RFC 9901's own examples, as produced by the reference implementation, read in place from
//! `../shared/vectors/sd-jwt`: each must verify to exactly `verified_contents.json`, each
//! tampering must fail with its own error, and our issuer fed the same inputs must produce
//! SD-JWTs that verify to the same contents. Everything runs once per crypto provider.
#![cfg(test)]

mod common;

use myna_vc_core::{JoseError, SdJwtError};
use std::path::PathBuf;

use common::{holder_selection, read, read_json, read_yaml, secret_key, shared, yaml_claims};
use myna_vc_core::crypto::{providers, CryptoProvider, PublicKey, SecretKey};
use myna_vc_core::sdjwt::{
    self, Decoys, KeyBinding, KeyBindingRule, SdJwt, SdJwtIssuer, VerifyOptions,
};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, Error};
use serde_json::Value;

const NONCE: &str = "1234567890";
const AUDIENCE: &str = "https://verifier.example.org";

struct Example {
    name: String,
    dir: PathBuf,
}

impl Example {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    fn presentation(&self) -> String {
        read(&self.file("sd_jwt_presentation.txt"))
            .trim()
            .to_owned()
    }
    fn issuance(&self) -> String {
        read(&self.file("sd_jwt_issuance.txt")).trim().to_owned()
    }
    fn kb_payload(&self) -> Option<Value> {
        let path = self.file("kb_jwt_payload.json");
        path.exists().then(|| read_json(&path))
    }
    fn expected(&self) -> Value {
        read_json(&self.file("verified_contents.json"))
    }
    /// The instant to verify at: the KB-JWT's `iat` where there is one (the README says so),
    /// otherwise a moment inside the credentials' iat..exp.
    fn now(&self) -> NumericDate {
        let iat = self
            .kb_payload()
            .map(|kb| kb["iat"].as_i64().unwrap())
            .unwrap_or(1_700_000_000);
        NumericDate::from_unix(iat)
    }
    fn options(&self) -> VerifyOptions<'static> {
        let rule = if self.kb_payload().is_some() {
            KeyBindingRule::Required {
                audience: AUDIENCE,
                nonce: NONCE,
                max_age_secs: 300,
            }
        } else {
            KeyBindingRule::Optional
        };
        VerifyOptions::at(self.now()).key_binding(rule)
    }
}

fn examples() -> Vec<Example> {
    let root = shared("vectors/sd-jwt/generated");
    let mut all: Vec<Example> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("sd_jwt_presentation.txt").exists())
        .map(|dir| Example {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
        })
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(
        all.len() >= 13,
        "expected the 13 generated examples, found {}",
        all.len()
    );
    all
}

fn settings() -> serde_norway::Value {
    read_yaml(&shared("vectors/sd-jwt/examples/settings.yml"))
}

fn issuer_secret() -> SecretKey {
    secret_key(&settings()["key_settings"]["issuer_keys"][0])
}

fn holder_secret() -> SecretKey {
    secret_key(&settings()["key_settings"]["holder_key"])
}

fn issuer_key() -> PublicKey {
    issuer_secret().public_key()
}

fn verify(p: &dyn CryptoProvider, ex: &Example, presentation: &str) -> Result<Value, Error> {
    sdjwt::verify(presentation, p, &issuer_key(), &ex.options())
        .map(|d| Value::Object(d.into_claims()))
}

#[test]
fn every_generated_presentation_reveals_exactly_the_verified_contents() {
    for p in providers() {
        for ex in examples() {
            let got = verify(p, &ex, &ex.presentation())
                .unwrap_or_else(|e| panic!("{} [{}]: {e}", ex.name, p.name()));
            assert_eq!(got, ex.expected(), "{} [{}]", ex.name, p.name());
        }
    }
}

#[test]
fn key_binding_is_checked_where_the_example_has_one() {
    let with_kb: Vec<_> = examples()
        .into_iter()
        .filter(|e| e.kb_payload().is_some())
        .collect();
    assert!(
        with_kb.len() >= 4,
        "simple, arf-pid, jsonld and w3c-vc carry a KB-JWT"
    );
    for p in providers() {
        for ex in &with_kb {
            let d = sdjwt::verify(&ex.presentation(), p, &issuer_key(), &ex.options()).unwrap();
            let kb = d.key_binding().expect("KB-JWT checked");
            assert_eq!((kb.nonce.as_str(), kb.audience.as_str()), (NONCE, AUDIENCE));
            assert_eq!(
                d.holder_key().unwrap(),
                Some(holder_secret().public_key()),
                "{}",
                ex.name
            );
        }
    }
}

#[test]
fn issuance_with_every_disclosure_reveals_all_user_claims() {
    let p = providers()[0];
    for ex in examples() {
        let options = VerifyOptions::at(ex.now());
        let claims = sdjwt::verify(&ex.issuance(), p, &issuer_key(), &options)
            .unwrap()
            .into_claims();
        let user = read_json(&ex.file("user_claims.json"));
        for (k, v) in user.as_object().unwrap() {
            assert_eq!(claims.get(k), Some(v), "{}: claim {k}", ex.name);
        }
        let extra: Vec<_> = claims
            .keys()
            .filter(|k| !user.as_object().unwrap().contains_key(*k))
            .filter(|k| !["iss", "iat", "exp", "cnf"].contains(&k.as_str()))
            .collect();
        assert!(extra.is_empty(), "{}: unexpected claims {extra:?}", ex.name);
    }
}

/// Replaces the `index`-th `~`-separated part.
fn replace_part(presentation: &str, index: usize, with: &str) -> String {
    let mut parts: Vec<&str> = presentation.split('~').collect();
    parts[index] = with;
    parts.join("~")
}

fn flip_last_signature_byte(jwt: &str) -> String {
    let (head, sig) = jwt.rsplit_once('.').unwrap();
    let mut bytes = b64::decode(sig, "test").unwrap();
    *bytes.last_mut().unwrap() ^= 0x01;
    format!("{head}.{}", b64::encode(bytes))
}

#[test]
fn a_flipped_issuer_signature_byte_is_rejected() {
    for p in providers() {
        for ex in examples() {
            let presentation = ex.presentation();
            let jwt = presentation.split('~').next().unwrap();
            let tampered = replace_part(&presentation, 0, &flip_last_signature_byte(jwt));
            assert_eq!(
                verify(p, &ex, &tampered),
                Err(Error::Jose(JoseError::SignatureInvalid)),
                "{}",
                ex.name
            );
        }
    }
}

#[test]
fn a_tampered_disclosure_is_rejected() {
    for ex in examples()
        .into_iter()
        .filter(|e| e.presentation().split('~').count() > 2)
    {
        let presentation = ex.presentation();
        let original = presentation.split('~').nth(1).unwrap();
        // Change the disclosed value but keep the salt and name: the digest no longer matches.
        let mut array: Value =
            serde_json::from_slice(&b64::decode(original, "test").unwrap()).unwrap();
        let last = array.as_array_mut().unwrap().last_mut().unwrap();
        *last = Value::String("forged".into());
        let forged = b64::encode(serde_json::to_vec(&array).unwrap());
        let tampered = replace_part(&presentation, 1, &forged);
        let err = verify(providers()[0], &ex, &tampered).unwrap_err();
        // With a KB-JWT the sd_hash breaks first? No: disclosures are matched before the KB-JWT
        // is looked at, so the forged disclosure is what is reported.
        assert!(
            matches!(err, Error::SdJwt(SdJwtError::UnreferencedDisclosure(_))),
            "{}: {err}",
            ex.name
        );
    }
}

#[test]
fn a_tampered_kb_jwt_is_rejected_for_each_reason() {
    let p = providers()[0];
    for ex in examples().into_iter().filter(|e| e.kb_payload().is_some()) {
        let presentation = ex.presentation();
        let (sd, kb) = presentation.rsplit_once('~').unwrap();
        let key = issuer_key();

        let bad_sig = format!("{sd}~{}", flip_last_signature_byte(kb));
        assert_eq!(
            verify(p, &ex, &bad_sig),
            Err(Error::Jose(JoseError::SignatureInvalid)),
            "{}",
            ex.name
        );

        let run = |rule| {
            sdjwt::verify(
                &presentation,
                p,
                &key,
                &VerifyOptions::at(ex.now()).key_binding(rule),
            )
        };
        let wrong_nonce = KeyBindingRule::Required {
            audience: AUDIENCE,
            nonce: "other",
            max_age_secs: 300,
        };
        assert!(
            matches!(
                run(wrong_nonce),
                Err(Error::SdJwt(SdJwtError::NonceMismatch))
            ),
            "{}",
            ex.name
        );
        let wrong_aud = KeyBindingRule::Required {
            audience: "https://evil.example",
            nonce: NONCE,
            max_age_secs: 300,
        };
        assert!(
            matches!(
                run(wrong_aud),
                Err(Error::SdJwt(SdJwtError::AudienceMismatch))
            ),
            "{}",
            ex.name
        );

        let later =
            VerifyOptions::at(ex.now().plus_seconds(3600)).key_binding(KeyBindingRule::Required {
                audience: AUDIENCE,
                nonce: NONCE,
                max_age_secs: 300,
            });
        assert!(matches!(
            sdjwt::verify(&presentation, p, &key, &later),
            Err(Error::SdJwt(SdJwtError::KeyBindingStale { .. }))
        ));

        // Dropping a leaf disclosure keeps every digest valid but breaks sd_hash.
        let paths = SdJwt::parse(&presentation)
            .unwrap()
            .disclosure_paths()
            .unwrap();
        let leaf =
            (0..paths.len()).find(|&i| !paths.iter().any(|q| q != &paths[i] && paths[i].covers(q)));
        if let Some(leaf) = leaf {
            let mut parts: Vec<&str> = presentation.split('~').collect();
            parts.remove(leaf + 1);
            assert_eq!(
                verify(p, &ex, &parts.join("~")),
                Err(Error::SdJwt(SdJwtError::SdHashMismatch)),
                "{}",
                ex.name
            );
        }

        let without_kb = format!("{sd}~");
        assert_eq!(
            verify(p, &ex, &without_kb),
            Err(Error::SdJwt(SdJwtError::KeyBindingMissing)),
            "{}",
            ex.name
        );
    }
}

/// Our issuer, fed each example's `specification.yml` (its claims, `!sd` choices, holder
/// selection, key binding and header parameters), produces SD-JWTs whose presentations verify
/// to the same `verified_contents.json` the reference implementation's do.
#[test]
fn our_issuer_reproduces_every_example() {
    let settings = settings();
    let iat = settings["iat"].as_i64().unwrap();
    let exp = settings["exp"].as_i64().unwrap();
    let issuer_id = settings["identifiers"]["issuer"]
        .as_str()
        .unwrap()
        .to_owned();
    for p in providers() {
        let issuer_signer = p.signer(&issuer_secret()).unwrap();
        let holder_signer = p.signer(&holder_secret()).unwrap();
        for ex in examples() {
            let spec = read_yaml(
                &shared("vectors/sd-jwt/examples")
                    .join(&ex.name)
                    .join("specification.yml"),
            );
            let (mut claims, sd_paths) = yaml_claims(&spec["user_claims"]);
            if spec.get("include_default_claims").and_then(|v| v.as_bool()) != Some(false) {
                claims
                    .entry("iss")
                    .or_insert(Value::String(issuer_id.clone()));
                claims.entry("iat").or_insert(iat.into());
                claims.entry("exp").or_insert(exp.into());
            }
            let key_binding = spec["key_binding"].as_bool().unwrap_or(false);
            let mut issuer = SdJwtIssuer::new(&*issuer_signer);
            if spec.get("add_decoy_claims").and_then(|v| v.as_bool()) == Some(true) {
                issuer = issuer.with_decoys(Decoys::UpTo(5));
            }
            if let Some(serde_norway::Value::Mapping(extra)) = spec.get("extra_header_parameters") {
                for (k, v) in extra {
                    issuer = issuer.with_header_param(
                        k.as_str().unwrap(),
                        Value::String(v.as_str().unwrap().into()),
                    );
                }
            }
            let holder_public = holder_secret().public_key();
            let issued = issuer
                .issue(&claims, &sd_paths, key_binding.then_some(&holder_public))
                .unwrap();
            assert_eq!(
                issued.disclosures().len(),
                sd_paths.len(),
                "{}: one disclosure per !sd",
                ex.name
            );

            // The reference implementation ignores selected claims that do not exist (the
            // slide-deck example selects `credentialSubject`, which its claims lack); our
            // `select` refuses them, so drop those here and check that only that example had any.
            let (selection, unknown): (Vec<_>, Vec<_>) =
                holder_selection(&spec["holder_disclosed_claims"])
                    .into_iter()
                    .partition(|path| issued.select(std::slice::from_ref(path)).is_ok());
            assert!(
                unknown.is_empty() || ex.name == "w3c-vc_for_slide_deck",
                "{}: {unknown:?}",
                ex.name
            );
            let mut presentation = issued.select(&selection).unwrap();
            let now = ex.now();
            if key_binding {
                let kb = KeyBinding {
                    audience: AUDIENCE,
                    nonce: NONCE,
                    issued_at: now,
                    signer: &*holder_signer,
                };
                presentation = presentation.bind(&kb).unwrap();
            }
            let got = verify(p, &ex, &presentation.to_string())
                .unwrap_or_else(|e| panic!("{} [{}]: {e}", ex.name, p.name()));
            assert_eq!(got, ex.expected(), "{} [{}]", ex.name, p.name());
            assert_eq!(
                SdJwt::parse(&presentation.to_string()).unwrap(),
                presentation
            );
        }
    }
}
