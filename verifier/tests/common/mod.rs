//! A small world for the verifier's tests and benches: a trust authority, four issuers
//! (Kobe, Himeji, Osaka, an Izu tourism DMO), their status lists, credentials built from the
//! issuer crate's declarations, holders and a verifier with a clock the test moves.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "shared by the tests and a benchmark (not test code to clippy), each using its own part; a fixture that cannot be built must stop the run loudly"
)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use myna_issuer::credential_types::{self, Kind};
use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::crypto::{default_provider, SecretKey, Signer};
use myna_verifier::core::sdjwt::{KeyBinding, SdJwt};
use myna_verifier::core::sdjwt_vc::{SdJwtVcIssuer, VcRequest, Vct};
use myna_verifier::core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
};
use myna_verifier::core::time::{Clock, NumericDate};
use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
use myna_verifier::submission::{Challenge, Submission};
use myna_verifier::trust::Trust;
use myna_verifier::verifier::{Verifier, VerifierConfig};
use serde_json::{json, Value};

#[cfg(feature = "service")]
pub mod http;

/// 2026-11-21 10:00 JST.
pub const T0: i64 = 1_795_222_800;
pub const AUDIENCE: &str = "x509_san_dns:shop.example";
pub const KOBE: &str = "did:web:city.kobe.example";
pub const HIMEJI: &str = "did:web:city.himeji.example";
pub const OSAKA: &str = "did:web:city.osaka.example";
/// 加古川市 (282103), a member of the Harima region with Himeji (tests/regions.rs).
pub const KAKOGAWA: &str = "did:web:city.kakogawa.example";
pub const DMO: &str = "https://dmo.izu.example";
pub const SALE: &str = "izu-limited-sake-2026";
pub const CLUB: &str = "izu-fan-club";

/// A clock the test sets.
#[derive(Debug)]
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn set(&self, t: NumericDate) {
        self.0.store(t.as_unix(), Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> NumericDate {
        NumericDate::from_unix(self.0.load(Ordering::SeqCst))
    }
}

pub struct Issuer {
    pub id: &'static str,
    pub key: SecretKey,
    pub signer: Box<dyn Signer>,
    pub uri: StatusListUri,
    pub list: StatusList,
}

impl Issuer {
    fn new(id: &'static str) -> Issuer {
        let key = SecretKey::generate_p256().unwrap();
        let signer = default_provider().signer(&key).unwrap();
        let host = id
            .trim_start_matches("did:web:")
            .trim_start_matches("https://");
        Issuer {
            id,
            key,
            signer,
            uri: StatusListUri::new(format!("https://{host}/status/1")).unwrap(),
            list: StatusList::new(StatusBits::Two, 1024).unwrap(),
        }
    }

    /// The signed status list token as of `at` (1 hour ttl).
    pub fn status_token(&self, at: NumericDate) -> String {
        StatusListToken::new(self.uri.clone(), at, self.list.clone())
            .with_ttl(core::num::NonZeroU64::new(3_600).unwrap())
            .sign(&*self.signer, Some("k1"))
            .unwrap()
    }
}

pub struct Holder {
    pub key: SecretKey,
    pub signer: Box<dyn Signer>,
}

impl Holder {
    pub fn new() -> Holder {
        let key = SecretKey::generate_p256().unwrap();
        let signer = default_provider().signer(&key).unwrap();
        Holder { key, signer }
    }
}

pub struct World {
    pub authority: SecretKey,
    pub issuers: Vec<Issuer>,
    pub trust_token: String,
    pub clock: Arc<TestClock>,
    pub verifier: Arc<Verifier>,
    next_index: std::cell::Cell<u64>,
}

pub fn t(offset: i64) -> NumericDate {
    NumericDate::from_unix(T0 + offset)
}

pub fn trust_list(authority: &SecretKey, issuers: &[Issuer], version: u64) -> String {
    trust_list_until(authority, issuers, version, None)
}

/// Like [`trust_list`], with Kobe trusted only until `kobe_until`.
pub fn trust_list_until(
    authority: &SecretKey,
    issuers: &[Issuer],
    version: u64,
    kobe_until: Option<NumericDate>,
) -> String {
    let resident = Vct::parse(Kind::Resident.vct()).unwrap();
    let age = Vct::parse(Kind::Age.vct()).unwrap();
    let subsidy = Vct::parse(Kind::ChildMedicalSubsidy.vct()).unwrap();
    let pseudonym = Vct::parse(Kind::ContextPseudonym.vct()).unwrap();
    let membership = Vct::parse(Kind::FanClubMembership.vct()).unwrap();
    let mut list = TrustList::new("jp-trust", version, t(-86_400), t(30 * 86_400));
    for (issuer, code, name) in [
        (&issuers[0], "281000", "神戸市"),
        (&issuers[1], "282014", "姫路市"),
        (&issuers[2], "271004", "大阪市"),
    ] {
        let until = if issuer.id == KOBE { kobe_until } else { None };
        list = list.with_issuer(
            TrustedIssuer::municipality(issuer.id, name, code.parse().unwrap())
                .valid_between(None, until)
                .with_key("k1", issuer.key.public_key())
                .allowing(resident.clone())
                .allowing(age.clone())
                .allowing(subsidy.clone())
                .allowing(pseudonym.clone()),
        );
    }
    list = list.with_issuer(
        TrustedIssuer::operator(issuers[3].id, "伊豆観光協会")
            .with_key("k1", issuers[3].key.public_key())
            .allowing(membership),
    );
    if let Some(kakogawa) = issuers.get(4) {
        list = list.with_issuer(
            TrustedIssuer::municipality(kakogawa.id, "加古川市", "282103".parse().unwrap())
                .with_key("k1", kakogawa.key.public_key())
                .allowing(resident.clone())
                .allowing(age.clone()),
        );
    }
    list.sign(&*default_provider().signer(authority).unwrap())
        .unwrap()
}

impl World {
    pub fn new() -> World {
        let authority = SecretKey::generate_p256().unwrap();
        let issuers = vec![
            Issuer::new(KOBE),
            Issuer::new(HIMEJI),
            Issuer::new(OSAKA),
            Issuer::new(DMO),
            Issuer::new(KAKOGAWA),
        ];
        let trust_token = trust_list(&authority, &issuers, 1);
        let clock = Arc::new(TestClock(AtomicI64::new(T0)));
        let trust = Trust::new(
            authority.public_key(),
            &trust_token,
            default_provider(),
            t(0),
        )
        .unwrap();
        let verifier = Arc::new(Verifier::new(
            VerifierConfig::new(AUDIENCE),
            trust,
            clock.clone(),
        ));
        let world = World {
            authority,
            issuers,
            trust_token,
            clock,
            verifier,
            next_index: std::cell::Cell::new(1),
        };
        world.publish_all();
        world
    }

    pub fn issuer(&self, id: &str) -> &Issuer {
        self.issuers.iter().find(|i| i.id == id).unwrap()
    }

    pub fn issuer_mut(&mut self, id: &str) -> &mut Issuer {
        self.issuers.iter_mut().find(|i| i.id == id).unwrap()
    }

    /// Publishes every issuer's status list into the verifier's cache at the clock's time.
    pub fn publish_all(&self) {
        let now = self.clock.now();
        for issuer in &self.issuers {
            self.verifier
                .store_status_list(issuer.id, &issuer.uri, &issuer.status_token(now))
                .unwrap();
        }
    }

    pub fn set_status(&mut self, issuer: &str, index: StatusIndex, status: Status) {
        self.issuer_mut(issuer).list.set(index, status).unwrap();
        self.publish_all();
    }

    pub fn next_index(&self) -> StatusIndex {
        let i = self.next_index.get();
        self.next_index.set(i + 1);
        StatusIndex::new(i)
    }

    /// Issues a credential of `kind` with `claims` by `issuer` to `holder`, with a fresh
    /// status entry; returns it and its status index.
    pub fn issue(
        &self,
        issuer: &str,
        kind: Kind,
        claims: Value,
        holder: &Holder,
    ) -> (SdJwt, StatusIndex) {
        self.issue_timed(issuer, kind, claims, holder, t(-3_600), t(365 * 86_400))
    }

    /// Like [`issue`](Self::issue) with the given `iat` and `exp`.
    pub fn issue_timed(
        &self,
        issuer: &str,
        kind: Kind,
        claims: Value,
        holder: &Holder,
        iat: NumericDate,
        exp: NumericDate,
    ) -> (SdJwt, StatusIndex) {
        let index = self.next_index();
        let issuer = self.issuer(issuer);
        let declaration = credential_types::declaration(kind).unwrap();
        let status = StatusReference::new(index, issuer.uri.clone());
        let sd = SdJwtVcIssuer::new(&*issuer.signer, issuer.id)
            .with_kid("k1")
            .issue(&VcRequest {
                credential_type: &declaration,
                claims: claims.as_object().unwrap(),
                holder_key: &holder.key.public_key(),
                issued_at: iat,
                expires_at: Some(exp),
                status: Some(&status),
            })
            .unwrap();
        (sd, index)
    }

    /// A presentation of `sd` disclosing `claims`, bound to the verifier and `nonce` now.
    pub fn present(&self, sd: &SdJwt, holder: &Holder, claims: &[&str], nonce: &str) -> String {
        present_at(sd, holder, claims, AUDIENCE, nonce, self.clock.now())
    }
}

pub fn present_at(
    sd: &SdJwt,
    holder: &Holder,
    claims: &[&str],
    audience: &str,
    nonce: &str,
    at: NumericDate,
) -> String {
    let paths: Vec<ClaimPath> = claims.iter().map(|c| ClaimPath::key(*c)).collect();
    sd.select(&paths)
        .unwrap()
        .bind(&KeyBinding {
            audience,
            nonce,
            issued_at: at,
            signer: &*holder.signer,
        })
        .unwrap()
        .to_string()
}

pub fn resident_claims(code: &str, pref: &str) -> Value {
    json!({"municipality_code": code, "prefecture_code": pref, "name": "神戸　太郎",
           "address": "兵庫県神戸市中央区加納町６丁目５番１号", "birthdate": "1990-05-01"})
}

pub fn age_claims(birthdate: &str, over: &[(u32, bool)]) -> Value {
    let mut claims = json!({"birthdate": birthdate});
    for (age, flag) in over {
        claims[format!("age_over_{age}")] = json!(flag);
    }
    claims
}

pub fn adult_age_claims() -> Value {
    age_claims(
        "1990-05-01",
        &[(18, true), (20, true), (65, false), (4, true), (15, true)],
    )
}

pub fn single(id: &str, presentation: &str) -> Submission {
    Submission::single(id, presentation)
}

pub fn nonce(n: &str) -> Challenge {
    Challenge::single_use(n)
}
