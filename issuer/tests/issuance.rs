//! Issuing the credentials at library level: the rules of DOMAIN.md §4 (residence, age
//! boundaries, subsidy end dates, check digits), durable records before hand-out, and what a
//! verifier then sees.
#![cfg(test)]

mod engine;

use myna_issuer::audit::ActorRole;
use myna_issuer::escrow::{EscrowPolicy, TrusteeKey};
use myna_issuer::issuance::{
    verify_anchor, AgeRequest, CredentialIssuer, IssuerProfile, Membership, ShelterCheckIn,
    SubsidyGrant,
};
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::{Fact, SubjectHandle};
use myna_issuer::revocation::{RevocationReason, Transition};
use myna_issuer::store::{AnyStore, Store};
use myna_issuer::Error;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey, Signer};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::public_expense::{PublicExpensePayerNumber, RecipientNumber};
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions, Vct};
use myna_vc_core::status_list::{Status, StatusListUri};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Error as CoreError;
use serde_json::Value;

struct City {
    store: AnyStore,
    key: SecretKey,
    list: StatusListUri,
}

fn city() -> City {
    let store = engine::fresh_store();
    let list = StatusListUri::new("https://city.kobe.example/status/1").unwrap();
    store.create_status_list(&list, 1 << 12).unwrap();
    City {
        store,
        key: SecretKey::generate_p256().unwrap(),
        list,
    }
}

fn municipal<'a>(
    c: &'a City,
    signer: &'a dyn Signer,
    iss: &str,
    code: &str,
) -> CredentialIssuer<'a, AnyStore> {
    // The scenario table is test data here; any configured municipality works (see the
    // Atami and Chiyoda tests).
    let municipality = Municipality::lookup(code.parse().unwrap()).unwrap().clone();
    let profile = IssuerProfile::municipality(iss, municipality, c.list.clone());
    CredentialIssuer::new(&c.store, signer, profile).unwrap()
}

/// A 2-of-3 escrow policy (the trustees' secret keys are dropped: these tests never open).
fn escrow_policy() -> EscrowPolicy {
    let trustees = ["city", "committee", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2).unwrap()
}

fn holder() -> PublicKey {
    SecretKey::generate_p256().unwrap().public_key()
}

/// JST noon on a calendar day.
fn noon(date: &str) -> NumericDate {
    CalendarDate::parse(date)
        .unwrap()
        .start_jst()
        .plus_seconds(12 * 3600)
}

fn facts(address: &str, birth: &str) -> HolderFacts {
    HolderFacts {
        name: HolderName::plain("神戸　太郎").unwrap(),
        sex: Sex::Male,
        birth_date: BirthDate::parse(birth).unwrap(),
        address: Address::plain(address).unwrap(),
    }
}

/// Verifies `credential` with nothing selected and returns what a verifier sees.
fn seen(
    c: &City,
    credential: &myna_vc_core::sdjwt::SdJwt,
    shown: &[ClaimPath],
    vct: &str,
    now: NumericDate,
) -> serde_json::Map<String, Value> {
    let presentation = credential.select(shown).unwrap().to_string();
    let vct = Vct::parse(vct).unwrap();
    let options = VcVerifyOptions::at(now, KeyBindingRule::Optional).expect_vct(&vct);
    sdjwt_vc::verify(
        &presentation,
        default_provider(),
        &c.key.public_key(),
        &options,
    )
    .unwrap()
    .claims()
    .clone()
}

#[test]
fn a_resident_credential_needs_an_address_in_the_municipality() {
    let c = city();
    let signer = default_provider().signer(&c.key).unwrap();
    let kobe = municipal(&c, &*signer, "https://city.kobe.example", "281000");
    let now = noon("2026-11-21");
    let until = now.plus_seconds(365 * 86_400);
    let subject = SubjectHandle::random().unwrap();
    let resident = kobe
        .resident(
            subject,
            &facts("兵庫県神戸市中央区加納町６丁目５番１号", "419900505"),
            &holder(),
            until,
            now,
        )
        .unwrap();
    // A gate learns the municipality, not the address.
    let gate = seen(
        &c,
        &resident.credential,
        &[],
        "urn:myna-vc:vct:resident:1",
        now,
    );
    assert_eq!(gate["municipality_code"], "281000");
    assert_eq!(gate["prefecture_code"], "28");
    assert!(
        gate.get("address").is_none()
            && gate.get("name").is_none()
            && gate.get("birthdate").is_none()
    );
    let full = seen(
        &c,
        &resident.credential,
        &[ClaimPath::key("birthdate")],
        "urn:myna-vc:vct:resident:1",
        now,
    );
    assert_eq!(full["birthdate"], "1990-05-05");
    // `exp` is the cohort's (00:00 JST of the day plus a year); the certificate's own limit,
    // later here, is kept on the record only.
    let cohort_exp = CalendarDate::parse("2027-11-21").unwrap().start_jst();
    assert_eq!(gate["exp"], cohort_exp.as_unix());
    assert_eq!(resident.record.expires_at, cohort_exp.min(until));
    assert!(resident.record.facts.contains(Fact::Residence));
    assert!(resident.record.facts.contains(Fact::CardCertificate));
    assert_eq!(
        c.store
            .records_depending_on(&subject, Fact::Residence)
            .unwrap()
            .len(),
        1
    );

    let himeji = kobe.resident(
        subject,
        &facts("兵庫県姫路市安田４丁目１番地", "419900505"),
        &holder(),
        until,
        now,
    );
    assert!(matches!(himeji, Err(Error::NotResident(_))));
    let dmo = CredentialIssuer::new(
        &c.store,
        &*signer,
        IssuerProfile::operator("https://izu-dmo.example", c.list.clone()),
    )
    .unwrap();
    assert!(matches!(
        dmo.resident(
            subject,
            &facts("兵庫県神戸市中央区", "419900505"),
            &holder(),
            until,
            now
        ),
        Err(Error::NotAMunicipality)
    ));
}

/// A municipality outside the scenario table, configured by code, prefecture and name: Atami
/// (before this, its issuer refused every resident credential as an unknown municipality).
#[test]
fn any_configured_municipality_issues_resident_credentials() {
    let c = city();
    let signer = default_provider().signer(&c.key).unwrap();
    let atami = Municipality::new("222054".parse().unwrap(), "静岡県", "熱海市").unwrap();
    assert!(
        Municipality::lookup(atami.code()).is_none(),
        "not in the table"
    );
    let gate = resident_seen(&c, &*signer, atami, "静岡県熱海市中央町１番１号").unwrap();
    assert_eq!(gate["municipality_code"], "222054");
    assert_eq!(gate["prefecture_code"], "22");
    // Next door in Itō is not Atami.
    let atami = Municipality::new("222054".parse().unwrap(), "静岡県", "熱海市").unwrap();
    let ito = resident_seen(&c, &*signer, atami, "静岡県伊東市大原２丁目１番１号");
    assert!(
        matches!(ito, Err(Error::NotResident(code)) if code.to_string() == "222054"),
        "{ito:?}"
    );

    // Tokyo's special wards are municipalities of their own.
    let chiyoda = || Municipality::new("131016".parse().unwrap(), "東京都", "千代田区").unwrap();
    let gate = resident_seen(
        &c,
        &*signer,
        chiyoda(),
        "東京都千代田区丸の内１丁目１番１号",
    )
    .unwrap();
    assert_eq!(gate["municipality_code"], "131016");
    assert_eq!(gate["prefecture_code"], "13");
    let chuo = resident_seen(&c, &*signer, chiyoda(), "東京都中央区銀座１丁目１番１号");
    assert!(matches!(chuo, Err(Error::NotResident(_))), "{chuo:?}");

    // A designated city's ward, named with its city as addresses write it.
    let kobe_chuo =
        || Municipality::new("281018".parse().unwrap(), "兵庫県", "神戸市中央区").unwrap();
    let own = resident_seen(
        &c,
        &*signer,
        kobe_chuo(),
        "兵庫県神戸市中央区加納町６丁目５番１号",
    );
    assert!(own.is_ok());
    let higashinada = resident_seen(
        &c,
        &*signer,
        kobe_chuo(),
        "兵庫県神戸市東灘区住吉東町５丁目２番１号",
    );
    assert!(matches!(higashinada, Err(Error::NotResident(_))));
}

/// What a gate sees of the resident credential `municipality`'s issuer makes for a holder
/// certified at `address`, or the refusal.
fn resident_seen(
    c: &City,
    signer: &dyn Signer,
    municipality: Municipality,
    address: &str,
) -> Result<serde_json::Map<String, Value>, Error> {
    let now = noon("2026-11-21");
    let iss = format!("https://city-{}.example", municipality.code());
    let profile = IssuerProfile::municipality(&iss, municipality, c.list.clone());
    let issuer = CredentialIssuer::new(&c.store, signer, profile)?;
    let issued = issuer.resident(
        SubjectHandle::random().unwrap(),
        &facts(address, "419900505"),
        &holder(),
        now.plus_seconds(365 * 86_400),
        now,
    )?;
    Ok(seen(
        c,
        &issued.credential,
        &[],
        "urn:myna-vc:vct:resident:1",
        now,
    ))
}

fn age_claims(c: &City, birth: &str, today: &str) -> (serde_json::Map<String, Value>, NumericDate) {
    let signer = default_provider().signer(&c.key).unwrap();
    let issuer = municipal(c, &*signer, "https://city.kobe.example", "281000");
    let now = noon(today);
    let key = holder();
    let issued = issuer
        .age(
            &AgeRequest {
                subject: SubjectHandle::random().unwrap(),
                birth: CalendarDate::parse(birth).unwrap(),
                holder_key: &key,
                not_after: now.plus_seconds(10 * 365 * 86_400),
            },
            now,
        )
        .unwrap();
    let all: Vec<ClaimPath> = [
        "birthdate",
        "age_over_4",
        "age_over_15",
        "age_over_18",
        "age_over_20",
        "age_over_65",
    ]
    .map(ClaimPath::key)
    .to_vec();
    let claims = seen(c, &issued.credential, &all, "urn:myna-vc:vct:age:1", now);
    let exp = NumericDate::from_unix(claims["exp"].as_i64().unwrap());
    (claims, exp)
}

/// The `exp` every credential issued on `today` carries: 00:00 JST a year later.
fn cohort_exp(today: &str) -> NumericDate {
    CalendarDate::parse(today)
        .unwrap()
        .start_jst()
        .plus_seconds(365 * 86_400)
}

#[test]
fn age_claims_follow_the_japanese_age_rules_at_the_boundaries() {
    let c = city();
    // One is 20 from 00:00 of the 20th birthday.
    let (claims, exp) = age_claims(&c, "2006-11-21", "2026-11-21");
    assert_eq!(
        (claims["age_over_20"].clone(), claims["age_over_18"].clone()),
        (Value::Bool(true), Value::Bool(true))
    );
    assert_eq!(exp, cohort_exp("2026-11-21"));
    // The day before, not yet. `exp` does not move to the day the claim turns true (that
    // would tell the shop the birth date): it is the cohort's, and the `false` goes stale.
    let (claims, exp) = age_claims(&c, "2006-11-22", "2026-11-21");
    assert_eq!(claims["age_over_20"], false);
    assert_eq!(exp, cohort_exp("2026-11-21"));
    // Born 29 February: 20 from 1 March in a common year, the birthday in a leap year.
    let (claims, exp) = age_claims(&c, "2008-02-29", "2028-02-28");
    assert_eq!(claims["age_over_20"], false);
    assert_eq!(exp, cohort_exp("2028-02-28"));
    let (claims, _) = age_claims(&c, "2008-02-29", "2028-02-29");
    assert_eq!(
        claims["age_over_20"], true,
        "2028 is a leap year: the birthday itself"
    );
    let (claims, _) = age_claims(&c, "2007-02-28", "2027-02-28");
    assert_eq!(claims["age_over_20"], true);
    let (claims, exp) = age_claims(&c, "2004-02-29", "2023-02-28");
    assert_eq!(claims["age_over_18"], true);
    assert_eq!(claims["age_over_20"], false);
    assert_eq!(exp, cohort_exp("2023-02-28"));
    // A child of 4 at Himeji's gate, not yet 15.
    let (claims, _) = age_claims(&c, "2022-04-01", "2026-04-01");
    assert_eq!(
        (claims["age_over_4"].clone(), claims["age_over_15"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
}

#[test]
fn no_true_age_claim_turns_false_before_expiry() {
    let c = city();
    for (birth, today) in [
        ("2011-04-01", "2026-03-30"),
        ("2011-04-02", "2026-03-31"),
        ("1961-06-15", "2026-06-14"),
        ("2000-02-29", "2025-03-01"),
    ] {
        let (claims, exp) = age_claims(&c, birth, today);
        let last_day = CalendarDate::from_numeric_date_jst(exp.minus_seconds(1)).unwrap();
        for n in [4u32, 15, 18, 20, 65] {
            let truth =
                myna_vc_core::age::is_at_least(CalendarDate::parse(birth).unwrap(), n, last_day);
            // A `true` holds to the end; a `false` may go stale (safe: it only refuses).
            let stated = claims[&format!("age_over_{n}")].as_bool().unwrap();
            assert!(!stated || truth, "{birth} age_over_{n} on {last_day}");
        }
    }
}

fn grant(birth: &str) -> SubsidyGrant {
    SubsidyGrant {
        payer: PublicExpensePayerNumber::parse("88421003").unwrap(),
        recipient: RecipientNumber::parse("1234566").unwrap(),
        child_name: "大村　花子".into(),
        child_birth: CalendarDate::parse(birth).unwrap(),
        outpatient_age: 15,
        inpatient_age: 18,
        copay_per_visit_yen: 200,
        monthly_cap_yen: Some(1000),
    }
}

#[test]
fn the_subsidy_ends_on_the_first_31_march_after_reaching_the_age() {
    let c = city();
    let signer = default_provider().signer(&c.key).unwrap();
    let omura = municipal(&c, &*signer, "https://city.omura.example", "422053");
    let guardian = SubjectHandle::random().unwrap();
    let now = noon("2025-06-01");
    let shown = [ClaimPath::key("child_birthdate")];
    let a = omura
        .child_medical_subsidy(guardian, &grant("2011-04-01"), &holder(), now)
        .unwrap();
    let seen_a = seen(
        &c,
        &a.credential,
        &shown,
        "urn:myna-vc:vct:child-medical-subsidy:1",
        now,
    );
    assert_eq!(seen_a["outpatient_until"], "2026-03-31");
    assert_eq!(seen_a["inpatient_until"], "2029-03-31");
    assert_eq!(seen_a["payer_number"], "88421003");
    assert!(seen_a.get("child_name").is_none());
    let b = omura
        .child_medical_subsidy(guardian, &grant("2011-04-02"), &holder(), now)
        .unwrap();
    assert_eq!(
        seen(
            &c,
            &b.credential,
            &[],
            "urn:myna-vc:vct:child-medical-subsidy:1",
            now
        )["outpatient_until"],
        "2027-03-31"
    );
    // Coverage runs to 2029-03-31, but `exp` is the next 1 April for every grant issued
    // today: the fiscal year, not the child's birth date, sets it.
    let next_april = CalendarDate::parse("2026-04-01").unwrap().start_jst();
    assert_eq!(seen_a["exp"], next_april.as_unix());
    assert_eq!(a.record.expires_at, next_april);
    let old = omura.child_medical_subsidy(guardian, &grant("2005-01-01"), &holder(), now);
    assert!(matches!(old, Err(Error::CoverageEnded)));
    // Check digits are enforced where the numbers enter.
    assert!(matches!(
        PublicExpensePayerNumber::parse("88421004"),
        Err(CoreError::Municipal(
            myna_vc_core::MunicipalError::CheckDigitMismatch { .. }
        ))
    ));
    assert!(matches!(
        RecipientNumber::parse("1234567"),
        Err(CoreError::Municipal(
            myna_vc_core::MunicipalError::CheckDigitMismatch { .. }
        ))
    ));
}

#[test]
fn membership_shelter_and_pseudonym_credentials_carry_what_they_declare() {
    let c = city();
    let signer = default_provider().signer(&c.key).unwrap();
    let issuer = CredentialIssuer::new(
        &c.store,
        &*signer,
        IssuerProfile::operator("https://izu-dmo.example", c.list.clone()),
    )
    .unwrap()
    .with_escrow(escrow_policy());
    let now = noon("2026-11-21");
    let later = now.plus_seconds(86_400 * 30);
    let subject = SubjectHandle::random().unwrap();
    // The DMO checks the holder's anchor credential (from the municipality) first.
    let (anchor_key, holder_key) = (
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
    );
    let anchor_signer = default_provider().signer(&anchor_key).unwrap();
    let holder_signer = default_provider().signer(&holder_key).unwrap();
    let anchor_type =
        myna_issuer::credential_types::declaration(myna_issuer::credential_types::Kind::Anchor)
            .unwrap();
    let anchor_claims =
        serde_json::json!({"assurance_level": "jpki-authentication", "anchored_on": "2026-11-01"});
    let anchor =
        myna_vc_core::sdjwt_vc::SdJwtVcIssuer::new(&*anchor_signer, "https://city.mishima.example")
            .issue(&myna_vc_core::sdjwt_vc::VcRequest {
                credential_type: &anchor_type,
                claims: anchor_claims.as_object().unwrap(),
                holder_key: &holder_key.public_key(),
                issued_at: now,
                expires_at: Some(later),
                status: None,
            })
            .unwrap();
    let present = |nonce: &str| {
        let kb = myna_vc_core::sdjwt::KeyBinding {
            audience: "https://izu-dmo.example",
            nonce,
            issued_at: now,
            signer: &*holder_signer,
        };
        anchor.select(&[]).unwrap().bind(&kb).unwrap().to_string()
    };
    let evidence = verify_anchor(
        &present("n-42"),
        &anchor_key.public_key(),
        "https://izu-dmo.example",
        "n-42",
        now,
    )
    .unwrap();
    assert_eq!(evidence.holder_key(), &holder_key.public_key());
    assert!(verify_anchor(
        &present("n-42"),
        &anchor_key.public_key(),
        "https://izu-dmo.example",
        "n-43",
        now
    )
    .is_err());
    assert!(verify_anchor(
        &present("n-42"),
        &SecretKey::generate_p256().unwrap().public_key(),
        "https://izu-dmo.example",
        "n-42",
        now
    )
    .is_err());
    let member = issuer
        .fan_club_membership(
            &evidence,
            &Membership {
                club_id: "izu".into(),
                member_number: "000123".into(),
                tier: "gold".into(),
            },
            later,
            now,
        )
        .unwrap();
    let shop = seen(
        &c,
        &member.credential,
        &[],
        "urn:myna-vc:vct:fan-club-membership:1",
        now,
    );
    assert_eq!(
        (shop["club_id"].as_str(), shop["tier"].as_str()),
        (Some("izu"), Some("gold"))
    );
    assert_eq!(
        shop["cnf"]["jwk"],
        holder_key.public_key().to_jwk(),
        "bound to the anchored key"
    );

    let check_in = ShelterCheckIn {
        shelter_id: "nomi-spot-17".into(),
        municipality: "172103".parse().unwrap(),
        checked_in_at: now,
        care_level: Some("needs-wheelchair".into()),
        medication: vec![],
        allergies: vec!["buckwheat".into()],
    };
    let shelter = issuer
        .shelter_registration(subject, &check_in, &holder(), later, now)
        .unwrap();
    let desk = seen(
        &c,
        &shelter.credential,
        &[],
        "urn:myna-vc:vct:shelter-registration:1",
        now,
    );
    assert_eq!(desk["shelter_id"], "nomi-spot-17");
    assert!(
        desk.get("allergies").is_none() && desk.get("care_level").is_none(),
        "health data only when disclosed"
    );
    let helper = seen(
        &c,
        &shelter.credential,
        &[ClaimPath::key("allergies")],
        "urn:myna-vc:vct:shelter-registration:1",
        now,
    );
    assert_eq!(helper["allergies"], serde_json::json!(["buckwheat"]));
    // Check-out ends the registration: revoked, audited, final.
    let out = c
        .store
        .change_status(
            &shelter.record.id,
            Transition::Revoke,
            RevocationReason::HolderRequest,
            ActorRole::Operator,
            now.plus_seconds(3600),
        )
        .unwrap();
    assert_eq!(c.store.credential_status(&out.id).unwrap(), Status::INVALID);
    let resume = c.store.change_status(
        &out.id,
        Transition::Resume,
        RevocationReason::Other,
        ActorRole::Operator,
        now.plus_seconds(7200),
    );
    assert!(matches!(resume, Err(Error::IllegalTransition { .. })));

    let key = PseudonymKey::generate().unwrap();
    let forum = ContextId::parse("maebashi-forum").unwrap();
    let first = issuer
        .context_pseudonym(&key, subject, &forum, &holder(), later, now)
        .unwrap();
    let second_device = issuer
        .context_pseudonym(&key, subject, &forum, &holder(), later, now)
        .unwrap();
    let p = |i: &myna_issuer::issuance::Issued| {
        seen(
            &c,
            &i.credential,
            &[],
            "urn:myna-vc:vct:context-pseudonym:1",
            now,
        )["pseudonym"]
            .clone()
    };
    assert_eq!(p(&first), p(&second_device));
}

#[test]
fn every_credential_has_a_durable_record_and_its_own_status_entry() {
    let c = city();
    let signer = default_provider().signer(&c.key).unwrap();
    let issuer = municipal(&c, &*signer, "https://city.kobe.example", "281000");
    let now = noon("2026-11-21");
    let keys: Vec<PublicKey> = (0..50).map(|_| holder()).collect();
    let requests: Vec<AgeRequest> = keys
        .iter()
        .map(|k| AgeRequest {
            subject: SubjectHandle::random().unwrap(),
            birth: CalendarDate::parse("1980-01-01").unwrap(),
            holder_key: k,
            not_after: now.plus_seconds(86_400),
        })
        .collect();
    let issued = issuer.age_batch(&requests, now).unwrap();
    let mut indices: Vec<u64> = issued.iter().map(|i| i.record.status.index.get()).collect();
    indices.sort_unstable();
    indices.dedup();
    assert_eq!(indices.len(), 50);
    for i in &issued {
        assert_eq!(
            c.store.record(&i.record.id).unwrap().as_ref(),
            Some(&i.record)
        );
        assert_eq!(
            c.store.credential_status(&i.record.id).unwrap(),
            Status::VALID
        );
        let claims = i.credential.unverified_claims().unwrap();
        assert_eq!(
            claims["status"]["status_list"]["idx"],
            i.record.status.index.get()
        );
    }
    // An expiry in the past is refused before anything is recorded.
    let before = c.store.all_records().unwrap().len();
    let late = AgeRequest {
        not_after: now,
        ..requests[0]
    };
    assert!(matches!(issuer.age(&late, now), Err(Error::Invalid { .. })));
    assert_eq!(c.store.all_records().unwrap().len(), before);
}
