//! A certificate made outside our code, by the `openssl` command line from a config file that
//! sets the same subjectAltName otherNames, parses to the same four facts.
#![cfg(test)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use myna_jpki::certificate::Certificate;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex, SubstituteMap};
use myna_jpki::profile::{CertificateType, Environment};
use myna_jpki::Error;

fn work_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Fails the test, rather than skipping it, when the `openssl` command is missing: a check
/// that did not run must not count as passed (scripts/test installs Debian's `openssl`).
fn require_openssl() {
    let works = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        works,
        "these tests need the `openssl` command (Debian package `openssl`)"
    );
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// A self-signed certificate under the JPKI-TEST signature-root name with the JPKI test
/// policy and the six otherNames; the address as an OCTET STRING, the rest as UTF8String.
fn openssl_certificate(dir: &std::path::Path, facts: &HolderFacts) -> Vec<u8> {
    openssl_certificate_with(dir, facts, &["-newkey", "rsa:2048", "-sha256"])
}

/// The same, with other key and digest options.
fn openssl_certificate_with(
    dir: &std::path::Path,
    facts: &HolderFacts,
    key_options: &[&str],
) -> Vec<u8> {
    let config = format!(
        "[req]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only
x509_extensions = v3_jpki
[dn]
C = JP
O = JPKI-TEST
0.OU = JPKI for digital signature
1.OU = Japan Agency for Local Authority Information Systems
[v3_jpki]
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = critical, 1.2.392.200149.8.5.1.0.20
subjectAltName = @san
[san]
otherName.1 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8String:{name}
otherName.2 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8String:{birth}
otherName.3 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8String:{sex}
otherName.4 = 1.2.392.200149.8.5.5.5;FORMAT:HEX,OCTETSTRING:{address}
otherName.5 = 1.2.392.200149.8.5.5.2;FORMAT:UTF8,UTF8String:{name_map}
otherName.6 = 1.2.392.200149.8.5.5.6;FORMAT:UTF8,UTF8String:{address_map}
",
        name = facts.name.text(),
        birth = facts.birth_date.encode(),
        sex = facts.sex.certificate_code(),
        address = hex(facts.address.text()),
        name_map = facts.name.substitutes().encode(),
        address_map = facts.address.substitutes().encode(),
    );
    let config_path = dir.join("jpki.cnf");
    std::fs::write(&config_path, config).unwrap();
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.der"));
    let output = Command::new("openssl")
        .args(["req", "-x509", "-nodes", "-days", "30", "-outform", "DER"])
        .args(key_options)
        .arg("-config")
        .arg(&config_path)
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "openssl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(&cert).unwrap()
}

fn example_facts() -> HolderFacts {
    HolderFacts {
        name: HolderName::new(
            "高橋　一郎",
            SubstituteMap::with_positions(5, &[0]).unwrap(),
        )
        .unwrap(),
        sex: Sex::Male,
        birth_date: BirthDate::parse("319640815").unwrap(),
        address: Address::new(
            "東京都千代田区霞が関二丁目１番２号",
            SubstituteMap::with_positions(17, &[6]).unwrap(),
        )
        .unwrap(),
    }
}

#[test]
fn openssl_certificates_with_other_keys_or_digests_are_refused() {
    require_openssl();
    let facts = example_facts();
    let dir = work_dir("openssl-other-keys");
    let rsa3072 = openssl_certificate_with(&dir, &facts, &["-newkey", "rsa:3072", "-sha256"]);
    let err = Certificate::parse(&rsa3072).unwrap_err();
    assert!(matches!(err, Error::UnsupportedKey(_)), "{err:?}");
    let sha384 = openssl_certificate_with(&dir, &facts, &["-newkey", "rsa:2048", "-sha384"]);
    assert_eq!(
        Certificate::parse(&sha384).unwrap_err(),
        Error::UnsupportedAlgorithm {
            what: "certificate",
            found: "1.2.840.113549.1.1.12".into()
        }
    );
    let p256 = openssl_certificate_with(
        &dir,
        &facts,
        &[
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-sha256",
        ],
    );
    assert!(matches!(
        Certificate::parse(&p256),
        Err(Error::UnsupportedAlgorithm { ref found, .. }) if found == "1.2.840.10045.4.3.2"
    ));
}

#[test]
fn an_openssl_certificate_parses_to_the_same_four_facts() {
    require_openssl();
    let facts = HolderFacts {
        name: HolderName::new(
            "高橋　一郎",
            SubstituteMap::with_positions(5, &[0]).unwrap(),
        )
        .unwrap(),
        sex: Sex::Male,
        birth_date: BirthDate::parse("319640815").unwrap(),
        address: Address::new(
            "東京都千代田区霞が関二丁目１番２号",
            SubstituteMap::with_positions(17, &[6]).unwrap(),
        )
        .unwrap(),
    };
    let der = openssl_certificate(&work_dir("openssl-sign"), &facts);
    let cert = Certificate::parse(&der).unwrap();
    assert_eq!(cert.certificate_type(), CertificateType::Signature);
    assert_eq!(cert.environment(), Environment::Test);
    assert_eq!(cert.holder(), Some(&facts));
    assert_eq!(
        cert.holder().unwrap().birth_date.date().to_string(),
        "1964-08-15"
    );
}

#[test]
fn openssl_reads_our_signature_certificate_as_jpki() {
    require_openssl();
    let card = common::issue(&mut common::ca(), &common::showa_resident());
    let dir = work_dir("openssl-ours");
    let path = dir.join("sign.der");
    std::fs::write(&path, card.signature_certificate().unwrap()).unwrap();
    let output = Command::new("openssl")
        .args([
            "x509", "-inform", "DER", "-noout", "-text", "-nameopt", "utf8", "-in",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "Issuer: C=JP, O=JPKI-TEST, OU=JPKI for digital signature, OU=Japan Agency for Local Authority Information Systems",
        "X509v3 Key Usage: critical",
        "Digital Signature, Non Repudiation",
        "Policy: 1.2.392.200149.8.5.1.0.20",
        "othername: 1.2.392.200149.8.5.5.1::高橋　一郎",
        "othername: 1.2.392.200149.8.5.5.4::319640815",
        "othername: 1.2.392.200149.8.5.5.3::1",
        "othername: 1.2.392.200149.8.5.5.2::10000",
        "Public-Key: (2048 bit)",
        "Signature Algorithm: sha256WithRSAEncryption",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}
