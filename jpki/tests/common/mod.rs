//! Shared fixtures: a few RSA keys made once per test binary, a test CA, residents, instants.
#![cfg(test)]
#![allow(
    dead_code,
    reason = "each test binary uses its own part of these fixtures"
)]

use std::sync::OnceLock;

use myna_jpki::certificate::Certificate;
use myna_jpki::crl::Crl;
use myna_jpki::holder::CalendarDate;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex, SubstituteMap};
use myna_jpki::profile::CertificateType;
use myna_jpki::roots::RootSet;
use myna_jpki::test_ca::{IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::{default_provider, CryptoProvider};
use myna_vc_core::time::NumericDate;

/// RSA-2048 key generation is the slow part: four keys per test binary, reused in every role
/// (two roots, a card's authentication and signature keys).
pub fn keys() -> &'static [TestKey; 4] {
    static KEYS: OnceLock<[TestKey; 4]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            TestKey::generate().unwrap(),
            TestKey::generate().unwrap(),
            TestKey::generate().unwrap(),
            TestKey::generate().unwrap(),
        ]
    })
}

pub fn date(y: i32, m: u8, d: u8) -> CalendarDate {
    CalendarDate::from_ymd(y, m, d).unwrap()
}

/// 2035-04-01 00:00 JST: the roots of the main test CA become valid.
pub fn t0() -> NumericDate {
    date(2035, 4, 1).start_jst()
}

pub fn days(n: u64) -> u64 {
    n * 86_400
}

/// Cards are issued a day after the roots.
pub fn issued_at() -> NumericDate {
    t0().plus_seconds(days(1))
}

/// Validation happens a month after issuance.
pub fn now() -> NumericDate {
    t0().plus_seconds(days(30))
}

/// The main test CA (roots from keys 0 and 1), as a fresh clone per test.
pub fn ca() -> TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::new(keys()[0].clone(), keys()[1].clone(), t0()).unwrap())
        .clone()
}

/// Another generation (or another CA altogether): the same names, the card keys as roots.
pub fn other_ca() -> TestCa {
    TestCa::new(keys()[2].clone(), keys()[3].clone(), t0()).unwrap()
}

/// A Shōwa-born resident whose name has a substitute character (髙 recorded as 高).
pub fn showa_resident() -> HolderFacts {
    HolderFacts {
        name: HolderName::new(
            "高橋　一郎",
            SubstituteMap::with_positions(5, &[0]).unwrap(),
        )
        .unwrap(),
        sex: Sex::Male,
        birth_date: BirthDate::parse("319640815").unwrap(),
        address: Address::plain("兵庫県神戸市中央区加納町６丁目５番１号").unwrap(),
    }
}

/// A Reiwa-born resident (15 on 2034-05-01) with a 200-character address.
pub fn reiwa_resident() -> HolderFacts {
    // 𠮷 (outside JIS) is recorded as 吉 and flagged.
    let mut address = String::from("群馬県前橋市大手町二丁目１２番１号");
    let mut substitutes = Vec::new();
    for i in address.chars().count()..200 {
        if i % 2 == 0 {
            address.push('吉');
            substitutes.push(i);
        } else {
            address.push('野');
        }
    }
    HolderFacts {
        name: HolderName::plain("前橋　花子").unwrap(),
        sex: Sex::Female,
        birth_date: BirthDate::parse("520190501").unwrap(),
        address: Address::new(
            address,
            SubstituteMap::with_positions(200, &substitutes).unwrap(),
        )
        .unwrap(),
    }
}

pub fn issue(ca: &mut TestCa, facts: &HolderFacts) -> IssuedCard {
    ca.issue_card(facts, keys()[2].clone(), keys()[3].clone(), issued_at())
        .unwrap()
}

pub fn validator(ca: &TestCa) -> Validator {
    validator_with(ca, default_provider())
}

pub fn validator_with(ca: &TestCa, provider: &'static dyn CryptoProvider) -> Validator {
    Validator::new(ca.root_set(provider).unwrap(), provider)
}

/// A current CRL of `certificate_type` from `ca`: issued a day before `now()`, due a day after.
pub fn crl(ca: &mut TestCa, certificate_type: CertificateType, roots: &RootSet) -> Crl {
    let der = ca
        .crl(
            certificate_type,
            now().minus_seconds(days(1)),
            now().plus_seconds(days(1)),
        )
        .unwrap();
    Crl::parse(&der, roots, default_provider()).unwrap()
}

/// Both current CRLs of `ca`.
pub fn crls(ca: &mut TestCa, roots: &RootSet) -> Vec<Crl> {
    CertificateType::ALL
        .into_iter()
        .map(|ty| crl(ca, ty, roots))
        .collect()
}

pub fn parse(der: &[u8]) -> Certificate {
    Certificate::parse(der).unwrap()
}

/// PEM → DER for the vectors in ../shared (standard base64 between the armour lines).
pub fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// The production roots from `shared/vectors/jpki-roots`: (file stem, DER).
pub fn production_roots() -> Vec<(&'static str, Vec<u8>)> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/jpki-roots"
    );
    [
        "auth_ca_2015",
        "auth_ca_2023",
        "sign_ca_2015",
        "sign_ca_2023",
    ]
    .into_iter()
    .map(|stem| {
        let pem = std::fs::read_to_string(format!("{dir}/{stem}.pem")).unwrap();
        (stem, pem_to_der(&pem))
    })
    .collect()
}
