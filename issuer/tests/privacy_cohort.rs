//! Privacy: what a verifier sees in the clear tells no holder apart (issue 14, point 1).
//!
//! One issuer issues age, resident and child medical subsidy credentials to 1,000 synthetic
//! residents on one JST day, at different hours, with random birth dates (29 February and
//! birthdays on the issuance day among them) and card certificates expiring on personal dates.
//! Every value a verifier can read without a disclosure — the JOSE header and every claim of
//! the issuer-signed JWT — is collected per credential type. The only values that may differ
//! between residents are the claims the type always discloses (documented per type in
//! `specs/credential-types/`) and the values random per copy (`cnf`, the status index, the
//! `_sd` digests with their random number of decoys). Before the cohort rule, `exp` carried
//! the day a `false` age flag turns true and the certificate's expiry: the test failed there.
#![cfg(test)]

mod engine;

use std::collections::{BTreeMap, BTreeSet};

use myna_issuer::cohort::Cohort;
use myna_issuer::issuance::{AgeRequest, CredentialIssuer, IssuerProfile, SubsidyGrant};
use myna_issuer::lapse::lapse_due;
use myna_issuer::record::SubjectHandle;
use myna_issuer::store::{AnyStore, Store};
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_vc_core::age::AgeClaims;
use myna_vc_core::b64;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::public_expense::{PublicExpensePayerNumber, RecipientNumber};
use myna_vc_core::sdjwt::SdJwt;
use myna_vc_core::status_list::{Status, StatusListUri};
use myna_vc_core::time::NumericDate;
use serde_json::Value;

const RESIDENTS: usize = 1_000;
const LIFETIME_DAYS: u32 = 365;

/// Maebashi's issuer: an in-memory store with one status list, a signing key.
struct City {
    store: AnyStore,
    signer: Box<dyn Signer>,
}

impl City {
    fn maebashi() -> City {
        let store = engine::fresh_store();
        let list = StatusListUri::new("https://city.maebashi.example/status/1").unwrap();
        store.create_status_list(&list, 1 << 16).unwrap();
        let key = SecretKey::generate_p256().unwrap();
        City {
            store,
            signer: default_provider().signer(&key).unwrap(),
        }
    }

    fn issuer(&self) -> CredentialIssuer<'_, AnyStore> {
        let maebashi = Municipality::new("102016".parse().unwrap(), "群馬県", "前橋市").unwrap();
        let list = StatusListUri::new("https://city.maebashi.example/status/1").unwrap();
        let mut profile =
            IssuerProfile::municipality("https://city.maebashi.example", maebashi, list);
        profile.kid = Some("key-1".into());
        CredentialIssuer::new(&self.store, &*self.signer, profile)
            .unwrap()
            .with_lifetime_days(LIFETIME_DAYS)
    }
}

/// A small deterministic generator (xorshift64*): the population is the same on every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Resident {
    birth: CalendarDate,
    /// The card's signature certificate expiry: the fifth birthday after the card was issued.
    certificate_ends: NumericDate,
    /// When on the issuance day the credentials were issued.
    issued: NumericDate,
}

fn population(day: CalendarDate) -> Vec<Resident> {
    let mut dice = Dice(0x6d79_6e61_2d76_6301);
    let day_start = day.start_jst();
    (0..RESIDENTS)
        .map(|i| {
            let birth = match i {
                0 => CalendarDate::parse("2000-02-29").unwrap(),
                1 => CalendarDate::parse("2012-02-29").unwrap(),
                2 => CalendarDate::parse("2008-02-29").unwrap(),
                // Birthdays on the issuance day: turning 20, 18, 15 and 65 today.
                3 => CalendarDate::from_ymd(day.year() - 20, day.month(), day.day()).unwrap(),
                4 => CalendarDate::from_ymd(day.year() - 18, day.month(), day.day()).unwrap(),
                5 => CalendarDate::from_ymd(day.year() - 15, day.month(), day.day()).unwrap(),
                6 => CalendarDate::from_ymd(day.year() - 65, day.month(), day.day()).unwrap(),
                // Turning 20 tomorrow: the `false` flag that used to set `exp`.
                7 => CalendarDate::from_ymd(day.year() - 20, day.month(), day.day() + 1).unwrap(),
                _ => random_birth(&mut dice, day),
            };
            let issued_card_years_ago = 1 + dice.below(4) as i32; // 1..=4 years ago
            let certificate_ends = fifth_birthday_after(birth, day.year() - issued_card_years_ago);
            // Spread over the day, 00:00:00 to 23:59:59 JST.
            let issued = day_start.plus_seconds(dice.below(86_400));
            Resident {
                birth,
                certificate_ends,
                issued,
            }
        })
        .collect()
}

fn random_birth(dice: &mut Dice, day: CalendarDate) -> CalendarDate {
    loop {
        let year = day.year() - 1 - dice.below(90) as i32;
        let month = 1 + dice.below(12) as u8;
        let d = 1 + dice.below(31) as u8;
        if let Ok(date) = CalendarDate::from_ymd(year, month, d) {
            return date;
        }
    }
}

/// 00:00 JST of the holder's birthday in `issued_year + 5` (1 March for 29 February outside
/// leap years).
fn fifth_birthday_after(birth: CalendarDate, issued_year: i32) -> NumericDate {
    let year = issued_year + 5;
    CalendarDate::from_ymd(year, birth.month(), birth.day())
        .or_else(|_| CalendarDate::from_ymd(year, 3, 1))
        .unwrap()
        .start_jst()
}

fn facts(birth: CalendarDate) -> HolderFacts {
    HolderFacts {
        name: HolderName::plain("前橋　太郎").unwrap(),
        sex: Sex::Male,
        birth_date: BirthDate::from_date(birth),
        address: Address::plain("群馬県前橋市大手町２丁目１２番１号").unwrap(),
    }
}

fn grant(child_birth: CalendarDate) -> SubsidyGrant {
    SubsidyGrant {
        payer: PublicExpensePayerNumber::parse("88421003").unwrap(),
        recipient: RecipientNumber::parse("1234566").unwrap(),
        child_name: "前橋　花子".into(),
        child_birth,
        outpatient_age: 15,
        inpatient_age: 18,
        copay_per_visit_yen: 0,
        monthly_cap_yen: None,
    }
}

/// Every value of the issuer-signed JWT a verifier reads without any disclosure, by path
/// (`header.alg`, `exp`, `status.status_list.uri`, `_sd[]`, …).
fn visible(credential: &SdJwt) -> BTreeMap<String, Vec<String>> {
    let mut parts = credential.jwt().split('.');
    let mut out = BTreeMap::new();
    for prefix in ["header", "payload"] {
        let bytes = b64::decode(parts.next().unwrap(), "jwt part").unwrap();
        let json: Value = serde_json::from_slice(&bytes).unwrap();
        let root = if prefix == "header" { "header" } else { "" };
        flatten(root, &json, &mut out);
    }
    out
}

fn flatten(path: &str, value: &Value, out: &mut BTreeMap<String, Vec<String>>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| flatten(&join(k), v, out)),
        Value::Array(items) => items.iter().for_each(|v| flatten(&join("[]"), v, out)),
        leaf => out
            .entry(path.to_owned())
            .or_default()
            .push(leaf.to_string()),
    }
}

/// Values that are random per copy: the holder key, the status index, the digests.
fn random_per_copy(path: &str) -> bool {
    path.starts_with("cnf.") || path == "status.status_list.idx" || path.starts_with("_sd")
}

/// Per path, the set of distinct values over the population, less the allowed ones.
fn splitting_values(
    credentials: &[SdJwt],
    disclosed: &[&str],
) -> BTreeMap<String, BTreeSet<String>> {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for credential in credentials {
        for (path, values) in visible(credential) {
            if random_per_copy(&path) || disclosed.contains(&path.as_str()) {
                continue;
            }
            // The whole list of values at a path, so a different count also splits.
            seen.entry(path).or_default().insert(values.join(","));
        }
    }
    seen
}

fn assert_one_cohort(kind: &str, credentials: &[SdJwt], disclosed: &[&str]) {
    assert!(
        credentials.len() > 100,
        "{kind}: too few credentials to judge"
    );
    let seen = splitting_values(credentials, disclosed);
    for expected in ["header.alg", "header.typ", "iss", "iat", "exp", "vct"] {
        assert!(seen.contains_key(expected), "{kind}: {expected} not seen");
    }
    assert!(
        seen.contains_key("status.status_list.uri"),
        "{kind}: status URI not seen"
    );
    let splitting: Vec<String> = seen
        .iter()
        .filter(|(_, values)| values.len() > 1)
        .map(|(path, values)| format!("{path}: {} distinct values", values.len()))
        .collect();
    assert!(
        splitting.is_empty(),
        "{kind}: values in the clear tell holders apart: {splitting:?}"
    );
}

#[test]
fn privacy_values_in_the_clear_are_shared_by_the_issuance_day_cohort() {
    let city = City::maebashi();
    let issuer = city.issuer();

    let day = CalendarDate::parse("2027-04-01").unwrap();
    let residents = population(day);
    let (mut ages, mut residencies, mut subsidies) = (Vec::new(), Vec::new(), Vec::new());
    for r in &residents {
        let holder = SecretKey::generate_p256().unwrap().public_key();
        let subject = SubjectHandle::random().unwrap();
        let request = AgeRequest {
            subject,
            birth: r.birth,
            holder_key: &holder,
            not_after: r.certificate_ends,
        };
        ages.push(issuer.age(&request, r.issued).unwrap());
        let resident = issuer
            .resident(
                subject,
                &facts(r.birth),
                &holder,
                r.certificate_ends,
                r.issued,
            )
            .unwrap();
        residencies.push(resident);
        if let Ok(subsidy) =
            issuer.child_medical_subsidy(subject, &grant(r.birth), &holder, r.issued)
        {
            subsidies.push(subsidy);
        }
    }
    let credentials = |issued: &[myna_issuer::issuance::Issued]| -> Vec<SdJwt> {
        issued.iter().map(|i| i.credential.clone()).collect()
    };

    // Age: every claim is selectively disclosable; nothing in the clear may differ.
    assert_one_cohort("age", &credentials(&ages), &[]);
    // Resident: the municipality and prefecture codes are always disclosed (the same for the
    // whole municipality anyway).
    assert_one_cohort(
        "resident",
        &credentials(&residencies),
        &["municipality_code", "prefecture_code"],
    );
    // Subsidy: the clinic's billing facts are always disclosed; `exp` is not one of them.
    assert_one_cohort(
        "child medical subsidy",
        &credentials(&subsidies),
        &[
            "municipality_code",
            "payer_number",
            "recipient_number",
            "outpatient_until",
            "inpatient_until",
            "copay.per_visit_yen",
        ],
    );

    // The shared times: 00:00 JST of the day, and that plus the lifetime (subsidies: the
    // next 1 April).
    let cohort = Cohort::of(day.start_jst()).unwrap();
    let claims = ages[0].credential.unverified_claims().unwrap();
    assert_eq!(claims["iat"], cohort.issued_at().as_unix());
    assert_eq!(
        claims["exp"],
        cohort.after_days(LIFETIME_DAYS).unwrap().as_unix()
    );
    let claims = subsidies[0].credential.unverified_claims().unwrap();
    assert_eq!(claims["exp"], cohort.next_fiscal_year().unwrap().as_unix());
    assert!(
        subsidies.len() > 100,
        "too few children: {}",
        subsidies.len()
    );
}

#[test]
fn privacy_age_flags_are_never_wrong_in_the_dangerous_direction() {
    let city = City::maebashi();
    let issuer = city.issuer();
    let day = CalendarDate::parse("2027-04-01").unwrap();
    let holder = SecretKey::generate_p256().unwrap().public_key();
    let mut stale_false_seen = false;
    for r in population(day).iter().take(200) {
        let issued = issuer
            .age(
                &AgeRequest {
                    subject: SubjectHandle::random().unwrap(),
                    birth: r.birth,
                    holder_key: &holder,
                    not_after: r.certificate_ends,
                },
                r.issued,
            )
            .unwrap();
        let claims = issued.credential.unverified_claims().unwrap();
        let exp = NumericDate::from_unix(claims["exp"].as_i64().unwrap());
        // The last day the credential is valid.
        let last_day = CalendarDate::from_numeric_date_jst(exp.minus_seconds(1)).unwrap();
        let then = AgeClaims::compute(r.birth, last_day, &[4, 15, 18, 20, 65]).unwrap();
        for (years, truth) in then.iter() {
            let stated = claims[&format!("age_over_{years}")].as_bool().unwrap();
            // A stated `true` is still true on the last valid day…
            assert!(
                !stated || truth,
                "age_over_{years} true at issuance, false later"
            );
            stale_false_seen |= !stated && truth;
        }
    }
    // …while some `false` flags went stale (the holder is refused until the wallet refreshes).
    assert!(
        stale_false_seen,
        "the population should contain a false flag that goes stale"
    );
}

#[test]
fn privacy_a_certificate_expiring_before_exp_lapses_through_the_status_list() {
    let city = City::maebashi();
    let issuer = city.issuer();
    let store = &city.store;
    let now = CalendarDate::parse("2027-04-01")
        .unwrap()
        .start_jst()
        .plus_seconds(9 * 3600);
    let birth = CalendarDate::parse("1990-06-15").unwrap();
    let certificate_ends = CalendarDate::parse("2027-06-15").unwrap().start_jst();
    let holder = SecretKey::generate_p256().unwrap().public_key();
    let subject = SubjectHandle::random().unwrap();
    let soon = issuer
        .resident(subject, &facts(birth), &holder, certificate_ends, now)
        .unwrap();
    let later = issuer
        .resident(
            subject,
            &facts(birth),
            &holder,
            now.plus_seconds(900 * 86_400),
            now,
        )
        .unwrap();
    // Both carry the cohort's `exp`, a year on, not 2027-06-15.
    let exp = |i: &myna_issuer::issuance::Issued| {
        i.credential.unverified_claims().unwrap()["exp"].clone()
    };
    assert_eq!(exp(&soon), exp(&later));
    assert!(exp(&soon).as_i64().unwrap() > certificate_ends.as_unix());
    // The record keeps the personal limit, and lapsing enforces it through the status list.
    assert_eq!(soon.record.expires_at, certificate_ends);
    assert_eq!(
        lapse_due(store, certificate_ends.minus_seconds(1)).unwrap(),
        0
    );
    assert_eq!(lapse_due(store, certificate_ends).unwrap(), 1);
    assert_eq!(
        store.credential_status(&soon.record.id).unwrap(),
        Status::INVALID
    );
    assert_eq!(
        store.credential_status(&later.record.id).unwrap(),
        Status::VALID
    );
    assert_eq!(lapse_due(store, certificate_ends).unwrap(), 0, "idempotent");
}

#[test]
fn privacy_the_number_of_digests_does_not_tell_which_optional_claims_a_holder_has() {
    use myna_issuer::issuance::ShelterCheckIn;
    let city = City::maebashi();
    let issuer = city.issuer();
    let now = CalendarDate::parse("2027-04-01")
        .unwrap()
        .start_jst()
        .plus_seconds(9 * 3600);
    let holder = SecretKey::generate_p256().unwrap().public_key();
    // Per group, the lengths of the top-level `_sd` array seen over 120 registrations.
    let mut lengths = [BTreeSet::new(), BTreeSet::new()];
    for i in 0..240 {
        let health = i % 2 == 1;
        let check_in = ShelterCheckIn {
            shelter_id: "kobe-chuo-es".into(),
            municipality: "281000".parse().unwrap(),
            checked_in_at: now,
            care_level: health.then(|| "要介護2".to_owned()),
            medication: if health {
                vec!["インスリン".into()]
            } else {
                Vec::new()
            },
            allergies: if health {
                vec!["卵".into()]
            } else {
                Vec::new()
            },
        };
        let issued = issuer
            .shelter_registration(
                SubjectHandle::random().unwrap(),
                &check_in,
                &holder,
                now.plus_seconds(30 * 86_400),
                now,
            )
            .unwrap();
        let sd = visible(&issued.credential)
            .remove("_sd.[]")
            .unwrap_or_default();
        lengths[usize::from(health)].insert(sd.len());
    }
    // Three optional claims or none: the same lengths, 4 to 7 (three declared, plus 1 to 4).
    let expected: BTreeSet<usize> = (4..=7).collect();
    assert_eq!(lengths[0], expected, "without health information");
    assert_eq!(
        lengths[1], expected,
        "with care level, medication and allergies"
    );
}
