//! The one credential the verifier targets know: fixed issuer and holder keys, a fixed
//! instant, audience and nonce, and the claims the issuer signs. The seeds are presentations
//! of it; a target verifies its input against the issuer's public key at [`NOW`] and hands
//! whatever is accepted to the [`oracle`](crate::oracle).
//!
//! The issuer key signs nothing else in these targets, so "the issuer signed it" means "it is
//! in [`signed_claims`]".

use std::sync::OnceLock;

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{CryptoProvider, PublicKey, SecretKey};
use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule, SdJwt};
use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct};
use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use serde_json::{json, Map, Value};

/// The verification instant (2027-01-15), injected: no target reads the clock.
pub const NOW: i64 = 1_800_000_000;
/// The issuer identifier (`iss`).
pub const ISSUER: &str = "https://city.example.jp";
/// The credential type (`vct`).
pub const VCT: &str = "https://city.example.jp/vct/resident";
/// The verifier's identifier, the KB-JWT `aud` it expects.
pub const AUDIENCE: &str = "https://shop.example";
/// The nonce the verifier handed out, the KB-JWT `nonce` it expects.
pub const NONCE: &str = "fuzz-nonce-4kQ2";
/// How old a KB-JWT may be.
pub const KB_MAX_AGE_SECS: u64 = 300;

/// The verifier instant as a [`NumericDate`].
pub fn now() -> NumericDate {
    NumericDate::from_unix(NOW)
}

/// The provider every target verifies with (pure Rust: see the fuzz crate's Cargo.toml).
pub fn provider() -> &'static dyn CryptoProvider {
    myna_vc_core::crypto::default_provider()
}

/// The issuer's signing key (Ed25519, from a fixed seed: the fuzzer cannot sign with it).
pub fn issuer_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| crate::keys::fixed(0x15))
}

/// The issuer's public key, which the verifier targets trust.
pub fn issuer_key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| issuer_secret().public_key())
}

/// The holder's key (`cnf.jwk`), which signs the KB-JWTs of the seeds.
pub fn holder_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| crate::keys::fixed(0x40))
}

/// The key-binding rule of the verifier targets.
pub fn key_binding_rule() -> KeyBindingRule<'static> {
    KeyBindingRule::Required {
        audience: AUDIENCE,
        nonce: NONCE,
        max_age_secs: KB_MAX_AGE_SECS,
    }
}

/// The expected `vct`.
pub fn vct() -> &'static Vct {
    static VCT_VALUE: OnceLock<Vct> = OnceLock::new();
    VCT_VALUE.get_or_init(|| match Vct::parse(VCT) {
        Ok(vct) => vct,
        Err(e) => panic!("the fixed vct parses: {e}"),
    })
}

/// The credential type: flat, nested (address) and array (nationalities) claims, each
/// selectively disclosable, so mutations can reach every kind of disclosure.
pub fn credential_type() -> CredentialType {
    let address = ClaimPath::key("address");
    CredentialType::new(vct().clone())
        .claim(
            ClaimPath::key("given_name"),
            DisclosureRule::Selective,
            true,
        )
        .claim(
            ClaimPath::key("family_name"),
            DisclosureRule::Selective,
            true,
        )
        .claim(
            ClaimPath::key("birthdate"),
            DisclosureRule::Selective,
            false,
        )
        .claim(
            ClaimPath::key("age_over_20"),
            DisclosureRule::Selective,
            false,
        )
        .claim(ClaimPath::key("resident"), DisclosureRule::Always, true)
        .claim(address.clone(), DisclosureRule::Selective, false)
        .claim(
            address.clone().then_key("region"),
            DisclosureRule::Selective,
            false,
        )
        .claim(
            address.then_key("locality"),
            DisclosureRule::Selective,
            false,
        )
        .claim(
            ClaimPath::key("nationalities"),
            DisclosureRule::Selective,
            false,
        )
        .claim(
            ClaimPath::key("nationalities").then_any(),
            DisclosureRule::Selective,
            false,
        )
}

/// The credential-specific claims the issuer signs.
pub fn subject_claims() -> Map<String, Value> {
    let claims = json!({
        "given_name": "花子",
        "family_name": "山田",
        "birthdate": "2001-04-02",
        "age_over_20": true,
        "resident": true,
        "address": {"region": "兵庫県", "locality": "神戸市"},
        "nationalities": ["JP", "FR"],
    });
    match claims {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// Issues the credential (fresh salts each time; the signed claim values are always the same).
pub fn issue() -> Result<SdJwt> {
    let signer = provider().signer(issuer_secret())?;
    let status = StatusReference::new(
        StatusIndex::new(1993),
        StatusListUri::new("https://city.example.jp/status/1")?,
    );
    SdJwtVcIssuer::new(&*signer, ISSUER).issue(&VcRequest {
        credential_type: &credential_type(),
        claims: &subject_claims(),
        holder_key: &holder_secret().public_key(),
        issued_at: now(),
        expires_at: Some(now().plus_seconds(86_400)),
        status: Some(&status),
    })
}

/// Every claim the issuer signed, with every disclosure applied: the most a presentation of
/// this credential can show.
pub fn signed_claims() -> &'static Map<String, Value> {
    static CLAIMS: OnceLock<Map<String, Value>> = OnceLock::new();
    CLAIMS.get_or_init(|| match issue().and_then(|sd| sd.unverified_claims()) {
        Ok(claims) => claims,
        Err(e) => panic!("the fixture credential issues and resolves: {e}"),
    })
}

/// Presentations of the credential bound for the verifier: every disclosure, a few selections
/// and nothing at all, each with a KB-JWT for [`AUDIENCE`] and [`NONCE`] at [`NOW`].
pub fn presentations() -> Result<Vec<String>> {
    let issued = issue()?;
    let holder = provider().signer(holder_secret())?;
    let binding = KeyBinding {
        audience: AUDIENCE,
        nonce: NONCE,
        issued_at: now(),
        signer: &*holder,
    };
    let address = ClaimPath::key("address");
    let selections: [Vec<ClaimPath>; 5] = [
        vec![ClaimPath::root()],
        vec![ClaimPath::key("age_over_20")],
        vec![
            address.clone().then_key("locality"),
            ClaimPath::key("given_name"),
        ],
        vec![
            ClaimPath::key("nationalities").then_index(1),
            ClaimPath::key("birthdate"),
        ],
        vec![],
    ];
    let mut out = Vec::new();
    for wanted in &selections {
        let chosen = if wanted.first().is_some_and(ClaimPath::is_root) {
            issued.select_with_contents(wanted)?
        } else {
            issued.select(wanted)?
        };
        out.push(chosen.bind(&binding)?.to_string());
    }
    Ok(out)
}
