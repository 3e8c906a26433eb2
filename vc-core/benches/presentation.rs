//! The in-person and OpenID4VP presentation paths: compacting an `age_over_20` SD-JWT+KB
//! presentation for a QR code and reading it back, and a wallet's DCQL selection over a few
//! held credentials. Prints the compact and plain sizes first.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::compact;
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::dcql::{DcqlQuery, HeldCredential};
use myna_vc_core::sdjwt::{Decoys, KeyBinding, SdJwt};
use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct};
use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use serde_json::{json, Value};

const AGES: [&str; 5] = [
    "age_over_4",
    "age_over_15",
    "age_over_18",
    "age_over_20",
    "age_over_65",
];

fn issue(vct: &str, claims: Value, holder: &SecretKey) -> SdJwt {
    let issuer = SecretKey::p256_from_bytes(&[3; 32]).unwrap();
    let signer = default_provider().signer(&issuer).unwrap();
    let mut ctype = CredentialType::new(Vct::parse(vct).unwrap());
    for name in claims.as_object().unwrap().keys() {
        ctype = ctype.claim(
            ClaimPath::key(name.clone()),
            DisclosureRule::Selective,
            false,
        );
    }
    let status = StatusReference::new(
        StatusIndex::new(48_213),
        StatusListUri::new("https://city.example/status/7").unwrap(),
    );
    let now = NumericDate::from_unix(1_800_000_000);
    SdJwtVcIssuer::new(&*signer, "did:web:city.example")
        .with_kid("did:web:city.example#key-1")
        .with_decoys(Decoys::None)
        .issue(&VcRequest {
            credential_type: &ctype,
            claims: claims.as_object().unwrap(),
            holder_key: &holder.public_key(),
            issued_at: now,
            expires_at: Some(now.plus_seconds(365 * 86_400)),
            status: Some(&status),
        })
        .unwrap()
}

fn age_claims() -> Value {
    Value::Object(
        AGES.iter()
            .map(|a| ((*a).to_owned(), json!(true)))
            .collect(),
    )
}

fn presentation(c: &mut Criterion) {
    let holder = SecretKey::p256_from_bytes(&[5; 32]).unwrap();
    let signer = default_provider().signer(&holder).unwrap();
    let credential = issue("urn:myna-vc:vct:age:1", age_claims(), &holder);
    let plain = credential
        .select(&[ClaimPath::key("age_over_20")])
        .unwrap()
        .bind(&KeyBinding {
            audience: "did:web:shop.example",
            nonce: "Hq3vZ0bR8kYl5cN2mT7xWw",
            issued_at: NumericDate::from_unix(1_800_000_000),
            signer: &*signer,
        })
        .unwrap()
        .to_string();
    let qr = compact::encode(&plain).unwrap();
    println!(
        "age_over_20 presentation without decoys: {} characters plain, {} compact",
        plain.len(),
        qr.len()
    );
    c.bench_function("compact encode (age_over_20 SD-JWT+KB)", |b| {
        b.iter(|| compact::encode(black_box(&plain)).unwrap())
    });
    c.bench_function("compact decode (age_over_20 SD-JWT+KB)", |b| {
        b.iter(|| compact::decode(black_box(&qr)).unwrap())
    });

    let query = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/specs/openid4vp/examples/query_lang/credentials_alternatives.json"
    ));
    let held: Vec<HeldCredential> = [
        ("https://cred.example/residence_credential", json!({"postal_code": "650-0001", "locality": "Kobe", "region": "Hyogo"})),
        ("https://credentials.example.com/reduced_identity_credential", json!({"given_name": "Taro", "family_name": "Yamada"})),
        ("https://credentials.example.com/identity_credential", json!({"given_name": "Taro", "family_name": "Yamada", "address": {"street_address": "1-1"}})),
        ("https://company.example/company_rewards", json!({"rewards_number": 7})),
    ]
    .into_iter()
    .map(|(vct, claims)| HeldCredential::from_sd_jwt(&issue(vct, claims, &holder)).unwrap())
    .collect();
    c.bench_function(
        "dcql parse + select (spec credential_sets example, 4 credentials)",
        |b| {
            b.iter(|| {
                let query = DcqlQuery::from_json(black_box(query.as_bytes())).unwrap();
                let views: Vec<_> = held.iter().map(HeldCredential::view).collect();
                query.select(&views).unwrap()
            })
        },
    );
}

criterion_group!(benches, presentation);
criterion_main!(benches);
