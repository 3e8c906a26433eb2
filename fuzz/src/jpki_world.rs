//! The fixed JPKI world the jpki targets check against: a test CA whose root and card keys come
//! from fixed seeds (so the seed generator and every target process rebuild the same keys), the
//! cards it issued at a fixed instant, the revocations it recorded and the CRLs it signed.
//!
//! What the CA signed is known here, so a target can tell an accepted mutation from a forgery:
//! a certificate that validates must certify [`World::card_key`] for one of
//! [`World::residents`], and a CRL that verifies must say what one of [`World::crls`] says.

use std::sync::OnceLock;

use base64::Engine as _;
use myna_jpki::certificate::{Certificate, SerialNumber};
use myna_jpki::crl::{Crl, RevocationReason};
use myna_jpki::holder::Sex;
use myna_jpki::holder::{Address, BirthDate, CalendarDate, HolderFacts, HolderName, SubstituteMap};
use myna_jpki::profile::CertificateType;
use myna_jpki::roots::RootSet;
use myna_jpki::test_ca::{CrlEntry, IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::CryptoProvider;
use myna_vc_core::time::NumericDate;
use rsa::pkcs8::DecodePrivateKey;

/// The card's 4-digit authentication PIN.
pub const AUTH_PIN: &str = "1234";
/// The card's signature PIN.
pub const SIGN_PIN: &str = "ABC123";

/// 2035-04-01 00:00 JST: the roots become valid (ten years).
pub fn roots_from() -> NumericDate {
    day(2035, 4, 1).start_jst()
}

/// A day later the cards are issued.
pub fn issued_at() -> NumericDate {
    roots_from().plus_seconds(86_400)
}

/// The verification instant, a month after issuance: injected, no target reads the clock.
pub fn now() -> NumericDate {
    roots_from().plus_seconds(30 * 86_400)
}

/// The provider every target verifies with (pure Rust: see the fuzz crate's Cargo.toml).
pub fn provider() -> &'static dyn CryptoProvider {
    myna_vc_core::crypto::default_provider()
}

fn day(y: i32, m: u8, d: u8) -> CalendarDate {
    CalendarDate::from_ymd(y, m, d).expect("a fixed calendar date")
}

/// A CRL the CA signed: its DER and what it says.
#[derive(Debug, Clone)]
pub struct SignedCrl {
    /// The DER.
    pub der: Vec<u8>,
    /// Whose certificates it covers.
    pub certificate_type: CertificateType,
    /// thisUpdate.
    pub this_update: NumericDate,
    /// nextUpdate.
    pub next_update: NumericDate,
    /// Its entries.
    pub entries: Vec<CrlEntry>,
}

/// Everything the jpki targets know.
pub struct World {
    /// The CA (kept to cross-check with [`TestCa::issued`]).
    pub ca: TestCa,
    /// Its two roots.
    pub roots: RootSet,
    /// A validator over them.
    pub validator: Validator,
    /// The one key every card certificate certifies.
    pub card_key: TestKey,
    /// Its public half, to check the card's signatures with.
    pub card_public: rsa::RsaPublicKey,
    /// The residents the CA issued cards to.
    pub residents: Vec<HolderFacts>,
    /// An adult's card: authentication and signature certificates.
    pub adult: IssuedCard,
    /// A child's card (under 15): authentication certificate only.
    pub child: IssuedCard,
    /// A card reported lost: both certificates revoked.
    pub lost: IssuedCard,
    /// The CRLs it signed (the current one of each type first).
    pub crls: Vec<SignedCrl>,
    /// The current CRL of each type, parsed and verified.
    pub current_crls: Vec<Crl>,
}

/// The world, built once per process.
pub fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| build().expect("the fixed JPKI world builds"))
}

/// A fixed RSA-2048 key: PKCS#8 DER, base64. Generating RSA keys in an instrumented build
/// takes most of a minute, so the two keys are written out once here (made by
/// `rsa::RsaPrivateKey::new` over `ChaCha20Rng::from_seed([seed; 32])`, seeds 0x4A and 0x4B).
/// They are test keys of a test CA that nothing trusts; the fuzzer cannot see them.
fn fixed_key(pkcs8_base64: &str) -> myna_jpki::Result<(TestKey, rsa::RsaPublicKey)> {
    let der = base64::engine::general_purpose::STANDARD
        .decode(pkcs8_base64)
        .expect("the fixed key is base64");
    let private = rsa::RsaPrivateKey::from_pkcs8_der(&der).expect("the fixed key is PKCS#8");
    Ok((TestKey::from_pkcs8_der(&der)?, private.to_public_key()))
}

/// The key of both roots (seed 0x4A).
const ROOT_KEY: &str = concat!(
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCetMwWx83EklkeH4QzFRmd26eZmkMJ33IoPQUY",
    "kmAMBIlXbOgvR9n5/7drimJh7FeygiSCmKeS3kb5rqY/rVY6UaoJwJ3Xxl9LQo4Ne+CifivemedptywGWZZqjkNp",
    "rrfgJMzcUqHRdMYtwd6FIBP10gG8grvKO52QdEQ0vjc9yiY8GPLLk+eJihtwE7ctkLAA+yMeE2arM0rCKPx69AsC",
    "jXXML9ezDqmhGzwVCGTJi2Zm5HFOcylkC1wkaBcdfI+41hzhoSkbhrr2RTdP3maecOY6EonjaOykNfYYzhpftY8o",
    "wyYL5QTCVeEL3M2QJppjjJycdwzxWSolBni8AZN9AgMBAAECggEAIFTGqvFjSuNhglB7Vwi6Yj1IRHN3qsA5elcL",
    "/bh8FpaqAARwvIkPr+1XSXI0nqxOJVB77Zr5sGLV5LGerqQ6R8ExObFitn10FlnlpHuTBKddeoix6whk0JpZmTWI",
    "KDRuwxvcHBo9WvVGFjZDha1GQ7LXpbagWQ+SBsaYyoHhsRV2UL/2W0aWNOReMxTU9tI6wxpcsD1P/kpjbN7sWzTq",
    "GbILCWBnpNUadHACYmw011Da/7KBTcNNXvtCsztwHhlJlxANvzgznqYwgbhCqiilHC37O2qG8EDSbmIAc5d33xWq",
    "KtvwCZKb1idYqoUt335fpOaYq3y/kCX2/OjIaOKbpQKBgQDDlF/rzUAAhnezx2asT/e5+KX0DyHcvxde3/Spchmt",
    "l9T+BHbtPh4+ufKMflr/2jFNK3wz90eBCyPDLQ8JdZMOdhalLFfiLDKK7UjCQp8TXoxAxvJ2sWVgo94Ve1nMd51i",
    "3b+4Ey/i1hspDtOM/8Y0ZCRNcLXzG5URxDUYB42hMwKBgQDPvEDglQqH+TlsZ9OtqiESAHzq5nwvj1+YEQWmJ2l/",
    "UzWzyeFublQoh4HU/WwyEu04HJpme+qnNeYgjzooB6SiwIVaYoyBnKu8YC1w4gCyIPthJGYmvQ2tV49pAwEm6gBp",
    "LnXdk7jEkPRtl/Ndz75tkP7bc10HGnpFOuAxj5lYjwKBgD1mtKKUApbnoGb5oBtS08Q38unnYksqVwz7JJWZ88PT",
    "GhRRlICw8s/gkuxWsv0GJFpE36504Kb7t1OMLt9aYTu2CS/79u9Tzt5c1m3eepCbK08e5norAVfQumVmH3AY0Xl7",
    "grgole0SKN6//9yRZEmIcvk4/HaBX1B/l+eeX3GPAoGAEyk9HroAn6woVMx65PDlXgC3hP8/gy+JVMB1Me8+tuTY",
    "9j1v0rzQfHCLVDcP7Mp8IQnaYAucCFJbaLNtXNXfpLd3VW/zn9zwpk6Ewn3GLKgIJ9ywo3Aau9twufHyAEHjSdBk",
    "RMzkZRUtxpIWe5e26+pM57cLZKVXk90rYsbpERcCgYEAl5FbMMBf12mMkzBL7JRHmJam5o4MOZ9mNISIUG3QPDFm",
    "B9rspbP/D/Km2jD44wFrbrEJFGK6HvL/wBMynjAvhhiwNuoAsUGu/CKwpJ2h7cRX/6+ZBiBlsBjKmF69CwwLb70m",
    "qkjl4U4nqbSEv3+ue2eGSG+zVohdRNfsOJaFdmA=",
);

/// The key of every card certificate (seed 0x4B).
const CARD_KEY: &str = concat!(
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCsFmTsMnBoalkitgmCN+vyDl5pAZ//HHdhreeA",
    "QyWILgG4SsMd9s8FxgkUBLpkQ9hIW8R52OHCfOofMO1oZIV6BxVH2pkAz5HikU+8wFHXY+pyKZi1QdF19QL1tI0u",
    "4qrrVImEtLq1MMi7RIg55Mu3VRbj+KV69WIZNfNE+9BVSp5UT001ck8E6ri/Jg3zkjeBqXskQCuKuLJPuaq+TFSM",
    "UT9OWaLINtuPpGhTPA4N79YCee8C59MoXEVsWWEdhq5yNfTWrQPg8ysdhSzgZbhlR8Rv/OhcvZzJXgRdL/uxRs97",
    "3o+c6kNpxzjY+8aNzK3XKMNkqzTwx+vHyE5ScDC9AgMBAAECggEAQ8eqRpHzTl0c8JwMkLqf9z4Ll4ZpU10N9G4/",
    "sXhBDys3yDPCOEoe7mI67ySRma5TQOTMNUXkXes/d7uYtrZpEFA75IpIG1amWjvr0Sda1OBo1kBmAnaDHte7K7XK",
    "qf3jXj90zs00gOtPFNuAYHUqe/JKys4Dt7NwyQdD4xbfzseowYz4XpipZlmp2MPds0uLIGrPZpSTs0qxygLIG/NE",
    "hjg5Ktulkefv+KhpjKXbYO4cZ5Sr/atyEdf5zZO6zOYF5QGFdqbjAy3PVQtpEZnscKO1idSbQuOCCC9vJH71yyB6",
    "hAjZ6cfqa7eZdPnouxVRB5gE//gaDC32Fcr1YHqXTQKBgQDMlENlY9Jd5eELXkDnRQiBEJsIjIbUXUCZF+LeSN73",
    "Qrn/Gh9AXs++euhIz78HMFJhX7fVD3Vg/PvGeuvyezXQ8ainqd0UmOglWjKwQtDEJzP76wkxqkKLC9i3nL0o6hTs",
    "9sulSLyybY3hCAfkU2OUv2l/JRsMMyNlBaWOSpBxpwKBgQDXV3CJ/mv24hggBTX5VmOQ2tEt4Wa0jVFUjCRVFakF",
    "9Y11WdtZ0VU+Vpzmm0Q4HjZzBbRFTotzVjrcznuezpRQ6+odUkv+7jjgOgwFnZT5NynO6SglgBUWrqjhZ9W1LG4J",
    "tWh2zb+KL3y9kuU1b5j39ZdA6oeUkh/qx1J4q41u+wKBgEW/ptrClc59uaRuliJDXwrh5nmbr7xnrsaDZk3y+lHC",
    "5jcbaNxBdwKyVM++RJrm1q9sOvjhNFvE5PJepmMdrtN2ENJZD48eMsfJYM7HePXnh8mz8IaGTfmqKFExlyyD4m6I",
    "FhZcHjmXMHAwlMA7zg/A0u8Ob5JRPRgMPM2ujmCxAoGABHBqAn47LYi1pJtW5H/yZ38LRt3ZpykunwaQjSx4IoZQ",
    "VzX1/qEBF9rjOyHCQ0HkL3TTpYYb+9GwPvMGu1xY1F44okgbBvNUOtMXglogQw7vDrPhvvwn8yLAmnzwe96hmhOi",
    "RqixJSEbejD4BqT5S0tFxfHPv7FPdSCMw64NqVcCgYBJbty165KNkUxGm4VEpGSIu8LxSf5CjYs+2knh5nj+ALE+",
    "Lv4ePnqd6Y24e6axtSKyQm7gBiHMUniE4cDgvR3gl1fBD/1VXrn3UWBV64ZxcRF76+jCp62G5CSSdkUq66tuR/SY",
    "L1ybHwPys4oYpV9KKl3AQbFIdttoQMcabIeYPA==",
);

/// The residents: a Shōwa-born man with a substitute character in his name, a Reiwa-born
/// child, a Heisei-born resident (sex not recorded) whose card is lost.
pub fn residents() -> myna_jpki::Result<Vec<HolderFacts>> {
    Ok(vec![
        HolderFacts {
            name: HolderName::new("高橋　一郎", SubstituteMap::with_positions(5, &[0])?)?,
            sex: Sex::Male,
            birth_date: BirthDate::parse("319640815")?,
            address: Address::plain("兵庫県神戸市中央区加納町６丁目５番１号")?,
        },
        HolderFacts {
            name: HolderName::plain("前橋　花子")?,
            sex: Sex::Female,
            birth_date: BirthDate::parse("520250501")?,
            address: Address::plain("群馬県前橋市大手町二丁目１２番１号")?,
        },
        HolderFacts {
            name: HolderName::plain("佐藤　美咲")?,
            sex: Sex::NotKnown,
            birth_date: BirthDate::parse("420000229")?,
            address: Address::new(
                "東京都千代田区吉野町１番地",
                SubstituteMap::with_positions(13, &[7])?,
            )?,
        },
    ])
}

fn build() -> myna_jpki::Result<World> {
    let (root_key, _) = fixed_key(ROOT_KEY)?;
    let (card_key, card_public) = fixed_key(CARD_KEY)?;
    let mut ca = TestCa::new(root_key.clone(), root_key, roots_from())?;
    let residents = residents()?;
    let [adult_facts, child_facts, lost_facts] = residents.as_slice() else {
        unreachable!("three residents")
    };
    let issue = |ca: &mut TestCa, facts| {
        ca.issue_card(facts, card_key.clone(), card_key.clone(), issued_at())
    };
    let adult = issue(&mut ca, adult_facts)?;
    let child = issue(&mut ca, child_facts)?;
    let lost = issue(&mut ca, lost_facts)?;
    let reported = issued_at().plus_seconds(3 * 86_400);
    ca.revoke(
        CertificateType::Authentication,
        lost.authentication_serial(),
        RevocationReason::LOSS,
        reported,
    );
    if let Some(serial) = lost.signature_serial() {
        ca.revoke(
            CertificateType::Signature,
            serial,
            RevocationReason::LOSS,
            reported,
        );
    }
    let crls = signed_crls(&mut ca)?;
    let roots = ca.root_set(provider())?;
    let current_crls = crls
        .iter()
        .take(2)
        .map(|c| Crl::parse(&c.der, &roots, provider()))
        .collect::<myna_jpki::Result<_>>()?;
    let validator = Validator::new(roots.clone(), provider());
    Ok(World {
        ca,
        roots,
        validator,
        card_key,
        card_public,
        residents,
        adult,
        child,
        lost,
        crls,
        current_crls,
    })
}

/// The current CRL of each type (a day before [`now`] to a day after), then for each type an
/// empty one and one with 40 entries of every reason and serial size.
fn signed_crls(ca: &mut TestCa) -> myna_jpki::Result<Vec<SignedCrl>> {
    let this_update = now().minus_seconds(86_400);
    let next_update = now().plus_seconds(86_400);
    let mut out = Vec::new();
    for certificate_type in CertificateType::ALL {
        let entries: Vec<CrlEntry> = ca
            .revocations()
            .filter(|(ty, _)| *ty == certificate_type)
            .map(|(_, e)| *e)
            .collect();
        let der = ca.crl(certificate_type, this_update, next_update)?;
        out.push(SignedCrl {
            der,
            certificate_type,
            this_update,
            next_update,
            entries,
        });
    }
    for certificate_type in CertificateType::ALL {
        let der = ca.crl_with_entries(certificate_type, [], this_update, next_update)?;
        out.push(SignedCrl {
            der,
            certificate_type,
            this_update,
            next_update,
            entries: Vec::new(),
        });
        let entries = many_entries()?;
        let der =
            ca.crl_with_entries(certificate_type, entries.clone(), this_update, next_update)?;
        out.push(SignedCrl {
            der,
            certificate_type,
            this_update,
            next_update,
            entries,
        });
    }
    Ok(out)
}

/// 40 entries: serials of 1 to 20 octets, every reason code, dates a day apart.
fn many_entries() -> myna_jpki::Result<Vec<CrlEntry>> {
    let reasons: Vec<RevocationReason> = (0..=10).filter_map(RevocationReason::from_code).collect();
    (0..40u8)
        .map(|i| {
            let octets = usize::from(i % 20) + 1;
            let mut magnitude = vec![0x5A ^ i; octets];
            if let Some(first) = magnitude.first_mut() {
                *first = (*first & 0x7F).max(1);
            }
            Ok(CrlEntry {
                serial: SerialNumber::from_der_content(&magnitude)?,
                revoked_at: roots_from().plus_seconds(u64::from(i) * 86_400),
                reason: reasons[usize::from(i) % reasons.len()],
            })
        })
        .collect()
}

impl World {
    /// Whether `signature` is the card key's PKCS#1 v1.5 signature of `digest_info` (the card
    /// pads the DigestInfo it is given; no hash is added).
    pub fn card_signs(&self, digest_info: &[u8], signature: &[u8]) -> bool {
        self.card_public
            .verify(rsa::Pkcs1v15Sign::new_unprefixed(), digest_info, signature)
            .is_ok()
    }

    /// Whether `certificate` says only what the CA signed for one of its cards: the card key,
    /// one of the residents (signature certificates), and the CA's own signature over it.
    pub fn is_issued(&self, certificate: &Certificate) -> bool {
        let holder_known = match certificate.holder() {
            None => certificate.certificate_type() == CertificateType::Authentication,
            Some(holder) => self.residents.contains(holder),
        };
        holder_known
            && certificate.public_key() == &self.card_key.public_key()
            && self.ca.issued(certificate, provider())
    }

    /// Whether a verified `crl` says what one of the CRLs the CA signed says.
    pub fn is_signed_crl(&self, crl: &Crl) -> bool {
        self.crls.iter().any(|signed| {
            signed.certificate_type == crl.certificate_type()
                && signed.this_update == crl.this_update()
                && signed.next_update == crl.next_update()
                && signed.entries.len() == crl.len()
                && signed.entries.iter().all(|e| {
                    crl.lookup(&e.serial)
                        .is_some_and(|r| r.revoked_at == e.revoked_at && r.reason == e.reason)
                })
        })
    }
}
