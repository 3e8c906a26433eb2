//! The hostile-input corpus: presentations (and trust or status data) built to be refused,
//! each with the exact reason and cause it must be refused with. Zero false accepts: every
//! case asserts a rejection; no case may panic (a panic fails the test).
#![cfg(test)]

mod common;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::b64;
use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::compact::{self, GateId, GateKey};
use myna_verifier::core::crypto::{default_provider, Algorithm, SecretKey};
use myna_verifier::core::jws::{self, JwsHeader};
use myna_verifier::core::sdjwt::{SdJwt, SdJwtIssuer};
use myna_verifier::core::status_list::Status;
use myna_verifier::core::time::Clock;
use myna_verifier::core::Error;
use myna_verifier::core::{
    CompactError, InputError, JoseError, JwtError, SdJwtError, SdJwtVcError, StatusListError,
    TrustListError,
};
use myna_verifier::decision::{Decision, Reason, Rejection};
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::submission::Challenge;
use myna_verifier::transport::{submission_from_compact, Gate};
use myna_verifier::trust::Trust;
use proptest::prelude::*;
use serde_json::{json, Value};

const N: &str = "nonce-1";

/// What a case hands the verifier.
enum Input {
    /// A presentation answering the `age` query, bound to nonce `N`.
    Age(String),
    /// Raw `vp_token` bytes.
    Bytes(Vec<u8>),
    /// Compact QR text (`MV1:…`) shown in person.
    Compact(String),
    /// Compact QR text at the unattended gate `GATE` with key `[7; 32]`.
    AtGate(String),
}

const GATE: &str = "did:web:city.kobe.example:gate:1";

fn gate() -> Gate {
    Gate::new(GateId::parse(GATE).unwrap(), GateKey::from_bytes([7; 32]))
}

struct Case {
    name: &'static str,
    build: fn(&mut World) -> Input,
    reason: Reason,
    cause: fn(&Option<Error>) -> bool,
}

/// The valid age presentation every tampering starts from.
fn valid(world: &World) -> (String, SdJwt, Holder) {
    let holder = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    (world.present(&sd, &holder, &["age_over_20"], N), sd, holder)
}

fn parts(presentation: &str) -> Vec<String> {
    presentation.split('~').map(str::to_owned).collect()
}

/// Rewrites the issuer JWT's payload with `edit` and re-signs it with `signer` (or keeps the
/// old signature when `None`).
fn edit_payload(
    presentation: &str,
    edit: impl Fn(&mut Value),
    header: Option<Value>,
    signer: Option<&dyn myna_verifier::core::crypto::Signer>,
) -> String {
    let mut p = parts(presentation);
    let jwt: Vec<&str> = p[0].split('.').collect();
    let mut payload: Value = serde_json::from_slice(&b64::decode(jwt[1], "p").unwrap()).unwrap();
    edit(&mut payload);
    let payload_b64 = b64::encode(serde_json::to_vec(&payload).unwrap());
    let header_b64 = header
        .map(|h| b64::encode(serde_json::to_vec(&h).unwrap()))
        .unwrap_or_else(|| jwt[0].to_owned());
    p[0] = match signer {
        Some(signer) => {
            let input = format!("{header_b64}.{payload_b64}");
            format!(
                "{input}.{}",
                b64::encode(signer.sign(input.as_bytes()).unwrap())
            )
        }
        None => format!("{header_b64}.{payload_b64}.{}", jwt[2]),
    };
    p.join("~")
}

/// Re-binds a presentation (its KB-JWT dropped) for the verifier and `N`, keeping every
/// disclosure.
fn rebind(world: &World, presentation: &str, holder: &Holder) -> String {
    let s = parts(presentation);
    let body = format!("{}~", s[..s.len() - 1].join("~"));
    SdJwt::parse(&body)
        .unwrap()
        .bind(&myna_verifier::core::sdjwt::KeyBinding {
            audience: AUDIENCE,
            nonce: N,
            issued_at: world.clock.now(),
            signer: &*holder.signer,
        })
        .unwrap()
        .to_string()
}

/// A valid presentation whose issuer JWT was edited, re-signed by Kobe (optionally with
/// another header) and bound again by the holder: only the edit is wrong.
fn resigned(world: &World, edit: impl Fn(&mut Value), header: Option<Value>) -> Input {
    let (p, _, holder) = valid(world);
    let edited = edit_payload(&p, edit, header, Some(kobe_signer(world)));
    age(rebind(world, &edited, &holder))
}

fn kobe_signer(world: &World) -> &dyn myna_verifier::core::crypto::Signer {
    &*world.issuer(KOBE).signer
}

fn age(p: String) -> Input {
    Input::Age(p)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "tampered payload (age_over_20 flipped in the clear)",
            reason: Reason::Tampered,
            build: |w| {
                let (p, ..) = valid(w);
                age(edit_payload(
                    &p,
                    |v| {
                        v["iat"] = json!(T0);
                    },
                    None,
                    None,
                ))
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::SignatureInvalid))),
        },
        Case {
            name: "tampered signature",
            reason: Reason::Tampered,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let mut jwt: Vec<String> = s[0].split('.').map(str::to_owned).collect();
                let mut sig = b64::decode(&jwt[2], "s").unwrap();
                sig[10] ^= 1;
                jwt[2] = b64::encode(sig);
                s[0] = jwt.join(".");
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::SignatureInvalid))),
        },
        Case {
            name: "tampered disclosure (value swapped)",
            reason: Reason::Tampered,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let d: Value = serde_json::from_slice(&b64::decode(&s[1], "d").unwrap()).unwrap();
                s[1] = b64::encode(serde_json::to_vec(&json!([d[0], d[1], false])).unwrap());
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::UnreferencedDisclosure(_)))),
        },
        Case {
            name: "foreign disclosure added",
            reason: Reason::Tampered,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                s.insert(1, b64::encode(br#"["c2FsdHNhbHQ","age_over_65",true]"#));
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::UnreferencedDisclosure(_)))),
        },
        Case {
            name: "duplicate disclosure",
            reason: Reason::Tampered,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let d = s[1].clone();
                s.insert(1, d);
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::DuplicateDigest(_)))),
        },
        Case {
            name: "garbage disclosure",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                s[1] = "!!!not-base64!!!".into();
                age(s.join("~"))
            },
            cause: |c| {
                matches!(
                    c,
                    Some(
                        Error::Input(InputError::Base64 { .. })
                            | Error::SdJwt(SdJwtError::MalformedDisclosure(_))
                    )
                )
            },
        },
        Case {
            name: "alg none",
            reason: Reason::UnsupportedFormat,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let jwt: Vec<&str> = s[0].split('.').collect();
                let h = b64::encode(br#"{"alg":"none","typ":"dc+sd-jwt","kid":"k1"}"#);
                s[0] = format!("{h}.{}.", jwt[1]);
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::AlgNone))),
        },
        Case {
            name: "unknown alg",
            reason: Reason::UnsupportedFormat,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let jwt: Vec<&str> = s[0].split('.').collect();
                let h = b64::encode(br#"{"alg":"HS256","typ":"dc+sd-jwt","kid":"k1"}"#);
                s[0] = format!("{h}.{}.{}", jwt[1], jwt[2]);
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::UnsupportedAlgorithm(_)))),
        },
        Case {
            name: "wrong typ (re-signed by the real issuer as plain JWT)",
            reason: Reason::WrongCredentialType,
            build: |w| {
                resigned(
                    w,
                    |_| {},
                    Some(json!({"alg": "ES256", "typ": "JWT", "kid": "k1"})),
                )
            },
            cause: |c| matches!(c, Some(Error::Jwt(JwtError::WrongType { .. }))),
        },
        Case {
            name: "expired credential",
            reason: Reason::Expired,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue_timed(
                    KOBE,
                    Kind::Age,
                    adult_age_claims(),
                    &h,
                    t(-86_400),
                    t(-3_600),
                );
                age(w.present(&sd, &h, &["age_over_20"], N))
            },
            cause: |c| matches!(c, Some(Error::Jwt(JwtError::Expired { .. }))),
        },
        Case {
            name: "not yet valid (issued in the future)",
            reason: Reason::NotYetValid,
            build: |w| {
                let h = Holder::new();
                let (sd, _) =
                    w.issue_timed(KOBE, Kind::Age, adult_age_claims(), &h, t(3_600), t(86_400));
                age(w.present(&sd, &h, &["age_over_20"], N))
            },
            cause: |c| matches!(c, Some(Error::Jwt(JwtError::IssuedInFuture { .. }))),
        },
        Case {
            name: "not yet valid (nbf in the future)",
            reason: Reason::NotYetValid,
            build: |w| {
                resigned(
                    w,
                    |v| {
                        v["nbf"] = json!(T0 + 7_200);
                    },
                    None,
                )
            },
            cause: |c| matches!(c, Some(Error::Jwt(JwtError::NotYetValid { .. }))),
        },
        Case {
            name: "revoked",
            reason: Reason::Revoked,
            build: |w| {
                let h = Holder::new();
                let (sd, i) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                w.set_status(KOBE, i, Status::INVALID);
                age(w.present(&sd, &h, &["age_over_20"], N))
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "suspended",
            reason: Reason::Suspended,
            build: |w| {
                let h = Holder::new();
                let (sd, i) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                w.set_status(KOBE, i, Status::SUSPENDED);
                age(w.present(&sd, &h, &["age_over_20"], N))
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "application-specific status value",
            reason: Reason::Revoked,
            build: |w| {
                let h = Holder::new();
                let (sd, i) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                w.set_status(KOBE, i, Status::new(3));
                age(w.present(&sd, &h, &["age_over_20"], N))
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "untrusted issuer",
            reason: Reason::UntrustedIssuer,
            build: |w| {
                let (p, ..) = valid(w);
                let rogue = default_provider()
                    .signer(&SecretKey::generate_p256().unwrap())
                    .unwrap();
                age(edit_payload(
                    &p,
                    |v| {
                        v["iss"] = json!("did:web:evil.example");
                    },
                    None,
                    Some(&*rogue),
                ))
            },
            cause: |c| {
                matches!(
                    c,
                    Some(Error::TrustList(TrustListError::UntrustedIssuer(_)))
                )
            },
        },
        Case {
            name: "missing iss",
            reason: Reason::UntrustedIssuer,
            build: |w| {
                resigned(
                    w,
                    |v| {
                        v.as_object_mut().unwrap().remove("iss");
                    },
                    None,
                )
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "trusted issuer id, signed by another trusted issuer",
            reason: Reason::Tampered,
            build: |w| {
                let (p, ..) = valid(w);
                age(edit_payload(
                    &p,
                    |_| {},
                    None,
                    Some(&*w.issuer(OSAKA).signer),
                ))
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::SignatureInvalid))),
        },
        Case {
            name: "unknown kid",
            reason: Reason::UntrustedIssuer,
            build: |w| {
                resigned(
                    w,
                    |_| {},
                    Some(json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k9"})),
                )
            },
            cause: |c| {
                matches!(
                    c,
                    Some(Error::TrustList(TrustListError::UnknownIssuerKey { .. }))
                )
            },
        },
        Case {
            name: "vct not allowed for that issuer (DMO issues an age credential)",
            reason: Reason::IssuerNotAllowed,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(DMO, Kind::Age, adult_age_claims(), &h);
                age(w.present(&sd, &h, &["age_over_20"], N))
            },
            cause: |c| {
                matches!(
                    c,
                    Some(Error::TrustList(TrustListError::VctNotAllowed { .. }))
                )
            },
        },
        Case {
            name: "wrong credential type for the query",
            reason: Reason::WrongCredentialType,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Resident, resident_claims("281000", "28"), &h);
                age(w.present(&sd, &h, &[], N))
            },
            cause: |c| matches!(c, Some(Error::SdJwtVc(SdJwtVcError::WrongVct { .. }))),
        },
        Case {
            name: "required claim not disclosed",
            reason: Reason::MissingClaim,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                age(w.present(&sd, &h, &["age_over_18"], N))
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "never-disclosable claim (vct) hidden in a disclosure",
            reason: Reason::Tampered,
            build: |w| {
                let h = Holder::new();
                let claims = json!({"iss": KOBE, "vct": "urn:myna-vc:vct:age:1", "iat": T0 - 60, "age_over_20": true});
                let sd = SdJwtIssuer::new(kobe_signer(w))
                    .with_typ("dc+sd-jwt")
                    .with_kid("k1")
                    .issue(
                        claims.as_object().unwrap(),
                        &[ClaimPath::key("vct")],
                        Some(&h.key.public_key()),
                    )
                    .unwrap();
                age(present_at(&sd, &h, &["vct"], AUDIENCE, N, w.clock.now()))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::NotDisclosable(_)))),
        },
        Case {
            name: "unsupported _sd_alg",
            reason: Reason::UnsupportedFormat,
            build: |w| {
                let (p, ..) = valid(w);
                age(edit_payload(
                    &p,
                    |v| {
                        v["_sd_alg"] = json!("md5");
                    },
                    None,
                    Some(kobe_signer(w)),
                ))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::UnsupportedSdAlg(_)))),
        },
        Case {
            name: "no cnf holder key",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                resigned(
                    w,
                    |v| {
                        v.as_object_mut().unwrap().remove("cnf");
                    },
                    None,
                )
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::NoHolderKey))),
        },
        Case {
            name: "key binding missing",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                let (p, ..) = valid(w);
                let s = parts(&p);
                age(format!("{}~", s[..s.len() - 1].join("~")))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::KeyBindingMissing))),
        },
        Case {
            name: "key binding nonce mismatch",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                age(w.present(&sd, &h, &["age_over_20"], "other-nonce"))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::NonceMismatch))),
        },
        Case {
            name: "key binding audience mismatch",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                age(present_at(
                    &sd,
                    &h,
                    &["age_over_20"],
                    "x509_san_dns:other-shop.example",
                    N,
                    w.clock.now(),
                ))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::AudienceMismatch))),
        },
        Case {
            name: "key binding sd_hash mismatch (disclosure dropped after binding)",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                let p = w.present(&sd, &h, &["age_over_20", "age_over_18"], N);
                let mut s = parts(&p);
                s.remove(2);
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::SdHashMismatch))),
        },
        Case {
            name: "key binding too old",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                age(present_at(&sd, &h, &["age_over_20"], AUDIENCE, N, t(-600)))
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::KeyBindingStale { .. }))),
        },
        Case {
            name: "key binding from the future",
            reason: Reason::NotYetValid,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                age(present_at(&sd, &h, &["age_over_20"], AUDIENCE, N, t(600)))
            },
            cause: |c| matches!(c, Some(Error::Jwt(JwtError::IssuedInFuture { .. }))),
        },
        Case {
            name: "key binding signed by another key",
            reason: Reason::Tampered,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                age(w.present(&sd, &Holder::new(), &["age_over_20"], N))
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::SignatureInvalid))),
        },
        Case {
            name: "key binding with wrong typ",
            reason: Reason::WrongCredentialType,
            build: |w| {
                let (p, sd, h) = valid(w);
                let s = parts(&p);
                let body = format!("{}~", s[..s.len() - 1].join("~"));
                let _ = sd;
                let claims = json!({"iat": T0, "aud": AUDIENCE, "nonce": N,
                    "sd_hash": myna_verifier::core::sdjwt::HashAlg::Sha256.digest_b64(body.as_bytes())});
                let kb = myna_verifier::core::jwt::sign(
                    &JwsHeader::new(Algorithm::Es256).with_typ("JWT"),
                    claims.as_object().unwrap(),
                    &*h.signer,
                )
                .unwrap();
                age(format!("{body}{kb}"))
            },
            cause: |c| matches!(c, Some(Error::Jwt(JwtError::WrongType { .. }))),
        },
        Case {
            name: "key binding alg none",
            reason: Reason::UnsupportedFormat,
            build: |w| {
                let (p, ..) = valid(w);
                let s = parts(&p);
                let body = format!("{}~", s[..s.len() - 1].join("~"));
                let kb = format!(
                    "{}.{}.",
                    b64::encode(br#"{"alg":"none","typ":"kb+jwt"}"#),
                    b64::encode(br#"{"nonce":"nonce-1"}"#)
                );
                age(format!("{body}{kb}"))
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::AlgNone))),
        },
        Case {
            name: "status index past the end of the list",
            reason: Reason::StatusUnavailable,
            build: |w| {
                resigned(
                    w,
                    |v| {
                        v["status"]["status_list"]["idx"] = json!(5_000);
                    },
                    None,
                )
            },
            cause: |c| {
                matches!(
                    c,
                    Some(Error::StatusList(StatusListError::IndexOutOfRange { .. }))
                )
            },
        },
        Case {
            name: "status list not cached",
            reason: Reason::StatusUnavailable,
            build: |w| {
                resigned(
                    w,
                    |v| {
                        v["status"]["status_list"]["uri"] =
                            json!("https://city.kobe.example/status/99");
                    },
                    None,
                )
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "status claim malformed",
            reason: Reason::Tampered,
            build: |w| {
                resigned(
                    w,
                    |v| {
                        v["status"] = json!({"status_list": "x"});
                    },
                    None,
                )
            },
            cause: |c| matches!(c, Some(Error::Jwt(JwtError::InvalidClaim { .. }))),
        },
        Case {
            name: "status list signed by the wrong key",
            reason: Reason::StatusUnavailable,
            build: |w| {
                // The credential points at Kobe list 2; the only token offered for it is signed
                // by Osaka's key. It is refused, and an unknown list is not "never revoked".
                let uri = myna_verifier::core::status_list::StatusListUri::new(
                    "https://city.kobe.example/status/2",
                )
                .unwrap();
                let forged = myna_verifier::core::status_list::StatusListToken::new(
                    uri.clone(),
                    w.clock.now(),
                    w.issuer(KOBE).list.clone(),
                )
                .sign(&*w.issuer(OSAKA).signer, Some("k1"))
                .unwrap();
                assert_eq!(
                    w.verifier.store_status_list(KOBE, &uri, &forged),
                    Err(Error::Jose(JoseError::SignatureInvalid))
                );
                resigned(
                    w,
                    |v| {
                        v["status"]["status_list"]["uri"] = json!(uri.as_str());
                    },
                    None,
                )
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "status list cached for another issuer",
            reason: Reason::StatusUnavailable,
            build: |w| {
                // Osaka publishes a list at a URI a Kobe credential names: it never answers for Kobe.
                let uri = myna_verifier::core::status_list::StatusListUri::new(
                    "https://city.kobe.example/status/3",
                )
                .unwrap();
                let osaka = w.issuer(OSAKA);
                let token = myna_verifier::core::status_list::StatusListToken::new(
                    uri.clone(),
                    w.clock.now(),
                    osaka.list.clone(),
                )
                .sign(&*osaka.signer, Some("k1"))
                .unwrap();
                w.verifier.store_status_list(OSAKA, &uri, &token).unwrap();
                resigned(
                    w,
                    |v| {
                        v["status"]["status_list"]["uri"] = json!(uri.as_str());
                    },
                    None,
                )
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "status data beyond the policy's staleness",
            reason: Reason::StatusTooStale,
            build: |w| {
                w.clock.set(t(3 * 86_400));
                let (p, ..) = valid(w);
                age(p)
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "garbage presentation",
            reason: Reason::Unreadable,
            build: |_| age("this is not an SD-JWT".into()),
            cause: |c| {
                matches!(
                    c,
                    Some(
                        Error::SdJwt(SdJwtError::NotAnSdJwt(_))
                            | Error::Jose(JoseError::NotCompact)
                            | Error::Input(InputError::Base64 { .. })
                    )
                )
            },
        },
        Case {
            name: "empty presentation",
            reason: Reason::Unreadable,
            build: |_| age(String::new()),
            cause: |c| {
                matches!(
                    c,
                    Some(
                        Error::Jose(JoseError::NotCompact)
                            | Error::SdJwt(SdJwtError::NotAnSdJwt(_))
                    )
                )
            },
        },
        Case {
            name: "truncated presentation",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                age(p[..p.find('.').unwrap() + 5].to_owned())
            },
            cause: |c| {
                matches!(
                    c,
                    Some(
                        Error::Jose(JoseError::NotCompact)
                            | Error::SdJwt(SdJwtError::NotAnSdJwt(_))
                            | Error::Input(InputError::Base64 { .. })
                            | Error::Input(InputError::Json { .. })
                    )
                )
            },
        },
        Case {
            name: "truncated key binding",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                // The KB-JWT's ES256 signature is 86 base64url characters; 65 left is never
                // valid base64 (65 mod 4 = 1). Cutting 20 left 66, which decodes whenever the
                // last character's spare bits happen to be zero (1 run in 16): a "tampered"
                // signature, not an unreadable one.
                age(p[..p.len() - 21].to_owned())
            },
            cause: |c| {
                matches!(
                    c,
                    Some(
                        Error::Jose(JoseError::NotCompact)
                            | Error::Input(InputError::Base64 { .. })
                    )
                )
            },
        },
        Case {
            name: "oversize presentation (> 1 MiB)",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                age(format!("{p}{}", "A".repeat(1 << 20)))
            },
            cause: |c| matches!(c, Some(Error::Input(InputError::TooLarge { .. }))),
        },
        Case {
            name: "oversize vp_token (> 1 MiB)",
            reason: Reason::Unreadable,
            build: |_| {
                Input::Bytes(format!(r#"{{"age": ["{}"]}}"#, "A".repeat(1 << 20)).into_bytes())
            },
            cause: |c| matches!(c, Some(Error::Input(InputError::TooLarge { .. }))),
        },
        Case {
            name: "deeply nested vp_token",
            reason: Reason::Unreadable,
            build: |_| {
                Input::Bytes(
                    format!(r#"{{"age": {}{}}}"#, "[".repeat(200), "]".repeat(200)).into_bytes(),
                )
            },
            cause: |c| matches!(c, Some(Error::Input(InputError::NestingTooDeep { .. }))),
        },
        Case {
            name: "deeply nested issuer payload",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let jwt: Vec<&str> = s[0].split('.').collect();
                let deep = b64::encode(format!(
                    r#"{{"iss":"{KOBE}","x":{}1{}}}"#,
                    "[".repeat(100),
                    "]".repeat(100)
                ));
                s[0] = format!("{}.{deep}.{}", jwt[0], jwt[2]);
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::Input(InputError::NestingTooDeep { .. }))),
        },
        Case {
            name: "invalid UTF-8 vp_token",
            reason: Reason::Unreadable,
            build: |_| Input::Bytes(b"{\"age\": [\"\xff\xfe\xfd\"]}".to_vec()),
            cause: |c| matches!(c, Some(Error::Input(InputError::NotUtf8 { .. }))),
        },
        Case {
            name: "invalid UTF-8 inside the payload",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let jwt: Vec<&str> = s[0].split('.').collect();
                let mut bytes = format!(r#"{{"iss":"{KOBE}","x":"#).into_bytes();
                bytes.extend_from_slice(b"\"\xff\"}");
                s[0] = format!("{}.{}.{}", jwt[0], b64::encode(bytes), jwt[2]);
                age(s.join("~"))
            },
            cause: |c| matches!(c, Some(Error::Input(InputError::Json { .. }))),
        },
        Case {
            name: "vp_token not an object",
            reason: Reason::Unreadable,
            build: |_| Input::Bytes(br#"["eyJ.e30.sig~"]"#.to_vec()),
            cause: |c| matches!(c, Some(Error::Input(InputError::NotAnObject { .. }))),
        },
        Case {
            name: "vp_token with two presentations for one query",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                Input::Bytes(serde_json::to_vec(&json!({"age": [p.clone(), p]})).unwrap())
            },
            cause: |c| matches!(c, Some(Error::Input(InputError::MemberType { .. }))),
        },
        Case {
            name: "compact form with a wrong prefix",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                Input::Compact(compact::encode(&p).unwrap().replacen("MV1:", "MV9:", 1))
            },
            cause: |c| matches!(c, Some(Error::Compact(CompactError::Prefix(_)))),
        },
        Case {
            name: "compact form with bad base45",
            reason: Reason::Unreadable,
            build: |_| Input::Compact("MV1:abc".into()),
            cause: |c| matches!(c, Some(Error::Compact(CompactError::Base45))),
        },
        Case {
            name: "truncated compact form",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                let qr = compact::encode(&p).unwrap();
                Input::Compact(qr[..qr.len() / 2 / 3 * 3].to_owned())
            },
            cause: |c| {
                matches!(
                    c,
                    Some(
                        Error::Compact(CompactError::Compression(_))
                            | Error::Compact(CompactError::Truncated(_))
                            | Error::Compact(CompactError::Base45)
                    )
                )
            },
        },
        Case {
            name: "compact form of a tampered presentation",
            reason: Reason::Tampered,
            build: |w| {
                let (p, ..) = valid(w);
                let mut s = parts(&p);
                let mut jwt: Vec<String> = s[0].split('.').map(str::to_owned).collect();
                let mut sig = b64::decode(&jwt[2], "s").unwrap();
                sig[3] ^= 0x40;
                jwt[2] = b64::encode(sig);
                s[0] = jwt.join(".");
                Input::Compact(compact::encode(&s.join("~")).unwrap())
            },
            cause: |c| matches!(c, Some(Error::Jose(JoseError::SignatureInvalid))),
        },
        Case {
            name: "gate nonce from an expired window",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                let old = gate().challenge(t(-120)).unwrap();
                let p = present_at(&sd, &h, &["age_over_20"], GATE, old.nonce().as_str(), t(0));
                Input::AtGate(compact::encode(&p).unwrap())
            },
            cause: |c| matches!(c, Some(Error::Compact(CompactError::GateNonceMismatch))),
        },
        Case {
            name: "gate presentation bound to another audience",
            reason: Reason::NotBoundToRequest,
            build: |w| {
                let h = Holder::new();
                let (sd, _) = w.issue(KOBE, Kind::Age, adult_age_claims(), &h);
                let now = gate().challenge(t(0)).unwrap();
                let p = present_at(
                    &sd,
                    &h,
                    &["age_over_20"],
                    AUDIENCE,
                    now.nonce().as_str(),
                    t(0),
                );
                Input::AtGate(compact::encode(&p).unwrap())
            },
            cause: |c| matches!(c, Some(Error::SdJwt(SdJwtError::AudienceMismatch))),
        },
        Case {
            name: "issuer no longer trusted (trust period ended)",
            reason: Reason::UntrustedIssuer,
            build: |w| {
                let v2 = trust_list_until(&w.authority, &w.issuers, 2, Some(t(-1)));
                assert_eq!(w.verifier.update_trust_list(&v2), Ok(2));
                let (p, ..) = valid(w);
                age(p)
            },
            cause: |c| {
                matches!(
                    c,
                    Some(Error::TrustList(TrustListError::IssuerExpired { .. }))
                )
            },
        },
        Case {
            name: "vp_token with a credential that was not asked for",
            reason: Reason::Unreadable,
            build: |w| {
                let (p, ..) = valid(w);
                let h = Holder::new();
                let (r, _) = w.issue(KOBE, Kind::Resident, resident_claims("281000", "28"), &h);
                let extra = w.present(&r, &h, &["name", "address"], N);
                Input::Bytes(serde_json::to_vec(&json!({"age": [p], "resident": [extra]})).unwrap())
            },
            cause: |c| c.is_none(),
        },
        Case {
            name: "vp_token without the requested credential",
            reason: Reason::MissingCredential,
            build: |w| {
                let (p, ..) = valid(w);
                Input::Bytes(serde_json::to_vec(&json!({"resident": [p]})).unwrap())
            },
            cause: |c| c.is_none(),
        },
    ]
}

fn run(world: &World, input: Input) -> Decision {
    let policy = AgeCheck::over_20().unwrap();
    match input {
        Input::Age(p) => world
            .verifier
            .verify(&policy, &single("age", &p), &nonce(N)),
        Input::Bytes(bytes) => world.verifier.verify_bytes(&policy, &bytes, &nonce(N)),
        Input::Compact(text) => match submission_from_compact(&policy, &text) {
            Ok(submission) => world.verifier.verify(&policy, &submission, &nonce(N)),
            Err(e) => world.verifier.reject(&policy, Rejection::from_error(e)),
        },
        Input::AtGate(text) => gate().verify(&world.verifier, &policy, &text),
    }
}

#[test]
fn the_valid_baseline_is_accepted() {
    let world = World::new();
    let (p, ..) = valid(&world);
    let decision = run(&world, Input::Age(p));
    assert!(decision.accepted(), "{:?}", decision.outcome);
}

#[test]
fn every_hostile_presentation_is_refused_with_its_reason() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for case in cases {
        let mut world = World::new();
        let input = (case.build)(&mut world);
        let decision = run(&world, input);
        let rejection = decision
            .rejection()
            .unwrap_or_else(|| panic!("FALSE ACCEPT: {}", case.name));
        assert_eq!(
            rejection.reason, case.reason,
            "{}: {rejection:?}",
            case.name
        );
        assert!(
            (case.cause)(&rejection.cause),
            "{}: wrong cause {rejection:?}",
            case.name
        );
    }
}

#[test]
fn the_valid_compact_and_gate_forms_are_accepted() {
    let world = World::new();
    let (p, ..) = valid(&world);
    assert!(run(&world, Input::Compact(compact::encode(&p).unwrap())).accepted());
    let holder = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    // Shown 25 s before the clock's time: the previous window is still accepted.
    let shown = gate().challenge(t(-25)).unwrap();
    let p = present_at(
        &sd,
        &holder,
        &["age_over_20"],
        GATE,
        shown.nonce().as_str(),
        t(0),
    );
    let decision = run(&world, Input::AtGate(compact::encode(&p).unwrap()));
    assert!(decision.accepted(), "{:?}", decision.outcome);
}

#[test]
fn replay_of_the_same_presentation_is_refused() {
    let world = World::new();
    let (p, ..) = valid(&world);
    assert!(run(&world, Input::Age(p.clone())).accepted());
    let again = run(&world, Input::Age(p));
    assert_eq!(again.reason(), Some(Reason::Replayed));
    assert_eq!(again.rejection().unwrap().note, Some("nonce"));
}

#[test]
fn a_single_use_nonce_cannot_serve_a_second_presentation() {
    let world = World::new();
    let (p, ..) = valid(&world);
    assert!(run(&world, Input::Age(p)).accepted());
    let (other, ..) = valid(&world);
    assert_eq!(
        run(&world, Input::Age(other)).reason(),
        Some(Reason::Replayed)
    );
}

#[test]
fn at_a_gate_window_nonce_each_kb_jwt_is_still_used_once() {
    let world = World::new();
    let policy = AgeCheck::over_20().unwrap();
    let window = Challenge::shared(N);
    let (p1, ..) = valid(&world);
    let (p2, ..) = valid(&world);
    assert!(world
        .verifier
        .verify(&policy, &single("age", &p1), &window)
        .accepted());
    assert!(world
        .verifier
        .verify(&policy, &single("age", &p2), &window)
        .accepted());
    let replay = world.verifier.verify(&policy, &single("age", &p1), &window);
    assert_eq!(replay.reason(), Some(Reason::Replayed));
    assert_eq!(replay.rejection().unwrap().note, Some("key binding JWT"));
}

/// The same KB-JWT with its ECDSA signature's `s` replaced by `n − s`: equally valid.
fn malleated(presentation: &str) -> String {
    const ORDER: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    let (head, signature) = presentation.rsplit_once('.').unwrap();
    let mut sig = b64::decode(signature, "test").unwrap();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(ORDER[i]) - i16::from(sig[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        sig[32 + i] = d.rem_euclid(256) as u8;
    }
    format!("{head}.{}", b64::encode(sig))
}

#[test]
fn a_kb_jwt_with_its_ecdsa_signature_flipped_is_the_same_use() {
    let world = World::new();
    let policy = AgeCheck::over_20().unwrap();
    let window = Challenge::shared(N);
    let (p, ..) = valid(&world);
    let twin = malleated(&p);
    assert_ne!(twin, p);
    let verify = |text: &str| {
        world
            .verifier
            .verify(&policy, &single("age", text), &window)
    };
    // The twin is a valid signature (so keyed on the text it would pass as new) ...
    assert!(verify(&twin).accepted());
    // ... and it uses up the original, and the other way round on a fresh pair.
    let replay = verify(&p);
    assert_eq!(replay.reason(), Some(Reason::Replayed));
    assert_eq!(replay.rejection().unwrap().note, Some("key binding JWT"));
    let (q, ..) = valid(&world);
    assert!(verify(&q).accepted());
    assert_eq!(verify(&malleated(&q)).reason(), Some(Reason::Replayed));
}

#[test]
fn a_trust_list_signed_by_the_wrong_key_is_refused() {
    let world = World::new();
    let impostor = SecretKey::generate_p256().unwrap();
    let forged = trust_list(&impostor, &world.issuers, 2);
    let pinned = world.authority.public_key();
    assert_eq!(
        Trust::new(pinned.clone(), &forged, default_provider(), t(0)).unwrap_err(),
        Error::Jose(JoseError::SignatureInvalid)
    );
    assert_eq!(
        world.verifier.update_trust_list(&forged),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );
    assert_eq!(world.verifier.trust().version(), 1, "the pinned list stays");
}

#[test]
fn a_rolled_back_trust_list_is_refused() {
    let world = World::new();
    let v3 = trust_list(&world.authority, &world.issuers, 3);
    assert_eq!(world.verifier.update_trust_list(&v3), Ok(3));
    assert_eq!(
        world.verifier.update_trust_list(&world.trust_token),
        Err(Error::TrustList(TrustListError::Rollback {
            seen: 3,
            found: 1
        }))
    );
    assert!(matches!(
        world.verifier.update_trust_list(
            &jws::sign(
                &JwsHeader::new(Algorithm::Es256).with_typ("JWT"),
                b"{}",
                &*default_provider().signer(&world.authority).unwrap()
            )
            .unwrap()
        ),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));
}

#[test]
fn an_older_status_list_cannot_replace_a_newer_one() {
    let mut world = World::new();
    let holder = Holder::new();
    let (sd, index) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    let before = world.issuer(KOBE).status_token(t(-10));
    world.set_status(KOBE, index, Status::INVALID);
    assert!(world
        .verifier
        .store_status_list(KOBE, &world.issuer(KOBE).uri, &before)
        .is_err());
    let p = world.present(&sd, &holder, &["age_over_20"], N);
    assert_eq!(run(&world, Input::Age(p)).reason(), Some(Reason::Revoked));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_bytes_are_never_accepted(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let world = SHARED.with(|w| w.verifier.verify_bytes(&AgeCheck::over_20().unwrap(), &bytes, &nonce(N)));
        prop_assert!(!world.accepted());
    }

    #[test]
    fn arbitrary_compact_text_is_never_accepted(text in "MV1:[0-9A-Z $%*+./:-]{0,300}") {
        let decision = SHARED.with(|w| run(w, Input::Compact(text.clone())));
        prop_assert!(!decision.accepted());
        let at_gate = SHARED.with(|w| run(w, Input::AtGate(text)));
        prop_assert!(!at_gate.accepted());
    }

    #[test]
    fn arbitrary_presentation_text_is_never_accepted(text in "[A-Za-z0-9_.~-]{0,400}") {
        let decision = SHARED.with(|w| w.verifier.verify(&AgeCheck::over_20().unwrap(), &single("age", &text), &nonce(N)));
        prop_assert!(!decision.accepted());
    }
}

thread_local! {
    static SHARED: World = World::new();
}
