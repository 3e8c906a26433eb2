//! card → issuer → wallet → verifier, through the public APIs only, for every credential type:
//! the anchor credential (the card's authentication key), resident and age (facts read from
//! the card), child medical subsidy, shelter registration and fan-club membership (facts from
//! staff), and context pseudonyms (self-service and staff). The issuers are the real HTTP
//! services on loopback ports; wallets check every credential on receipt (trust list, status
//! list, JSON Schema); verifiers decide offline from status lists fetched beforehand.
//!
//! Each test checks the verifier's decision, the claims it was shown (and that nothing else
//! about the person was), and at least one refusal.

mod world;

use std::sync::Arc;

use myna_issuer::credential_types::Kind;
use myna_jpki::crl::RevocationReason;
use myna_jpki::profile::CertificateType;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::time::NumericDate;
use myna_verifier::billing::BillingRecord;
use myna_verifier::decision::{Decision, Reason, Rejection};
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::age::{AgeCheck, AGE_ID};
use myna_verifier::policy::clinic::{Care, Clinic, SUBSIDY_ID};
use myna_verifier::policy::fan_club::{FanClubSale, MEMBERSHIP_ID};
use myna_verifier::policy::once_per_person::{OncePerPerson, PSEUDONYM_ID};
use myna_verifier::policy::residency::{Residency, RESIDENT_ID};
use myna_verifier::policy::{vct, Policy, Presented, Requirement};
use serde_json::{json, Map, Value};
use world::{
    ask, present, CitySpec, Outcome, Resident, World, HANAKO, HARUTO, KENTA, MAEBASHI, MISHIMA,
};

/// The claims of a person that no policy below asks for unless it needs them.
const PERSONAL: [&str; 4] = ["name", "address", "birthdate", "sex"];

/// `decision` accepted, and the credential answering `id` showed exactly `expected` among its
/// claims and none of the personal claims not in `expected`.
fn assert_shown(decision: &Decision, id: &str, expected: &Value) -> Outcome {
    assert!(decision.accepted(), "refused: {:?}", decision.outcome);
    let shown = &decision
        .credential(id)
        .ok_or_else(|| format!("no credential {id} in {:?}", decision.credentials))?
        .claims;
    let expected = expected
        .as_object()
        .ok_or("expected claims are an object")?;
    for (name, value) in expected {
        assert_eq!(
            shown.get(name),
            Some(value),
            "claim {name} of {id}: {shown:?}"
        );
    }
    for name in PERSONAL {
        if !expected.contains_key(name) {
            assert!(
                shown.get(name).is_none(),
                "{name} of {id} was shown: {shown:?}"
            );
        }
    }
    Ok(())
}

fn assert_refused(decision: &Decision, reason: Reason) {
    assert_eq!(decision.reason(), Some(reason), "{:?}", decision.outcome);
}

/// The claims of the only credential in `received` of type `vct`.
fn only<'a>(received: &'a [Map<String, Value>], vct: &str) -> Outcome<&'a Map<String, Value>> {
    let mut of_type = received
        .iter()
        .filter(|c| c.get("vct").and_then(Value::as_str) == Some(vct));
    let first = of_type.next().ok_or_else(|| format!("no {vct} received"))?;
    Ok(first)
}

/// The city revokes every copy of `vct` it issued to `resident` (a batch: each copy has its
/// own status entry, read here from the copies the wallet holds).
fn revoke_every_copy(world: &World, city: CitySpec, resident: &Resident, vct: &str) -> Outcome {
    let held = resident.held(vct)?;
    assert!(!held.is_empty(), "no {vct} held");
    for copy in &held {
        let status = world::resident::holder_view(copy)?
            .get("status")
            .and_then(|s| s.get("status_list"))
            .cloned()
            .ok_or("a copy has no status entry")?;
        world.city(city)?.revoke(&world.http, &status)?;
    }
    Ok(())
}

#[test]
fn resident_and_age_from_the_card_until_jlis_revokes_the_address() -> Outcome {
    let world = World::new(&[MAEBASHI], &[HANAKO])?;
    let hanako = world.resident(HANAKO)?;

    // The card: anchoring with the authentication key, the facts read with the signature key.
    let (offer, pin) = hanako
        .anchor(&world, MAEBASHI, true)?
        .ok_or("no offer after anchoring")?;
    let received = hanako.receive(&world, &offer, pin.as_deref())?;
    let resident = only(&received, vct::RESIDENT)?;
    assert_eq!(resident.get("address"), Some(&json!(HANAKO.address)));
    assert_eq!(resident.get("municipality_code"), Some(&json!("102016")));
    let age = only(&received, vct::AGE)?;
    assert_eq!(age.get("age_over_20"), Some(&json!(true)));
    assert_eq!(age.get("birthdate"), Some(&json!(HANAKO.birthdate)));
    assert_eq!(hanako.held(Kind::Anchor.vct())?.len(), 1);

    let pool = world.verifier("https://pool.city.maebashi.example")?;
    let residents_only = Residency::of("102016".parse()?)?;
    let decision = ask(&pool, hanako, &residents_only)?;
    assert_shown(
        &decision,
        RESIDENT_ID,
        &json!({"municipality_code": "102016"}),
    )?;
    let shop = world.verifier("https://sakaya.example")?;
    let decision = ask(&shop, hanako, &AgeCheck::over_20()?)?;
    assert_shown(&decision, AGE_ID, &json!({"age_over_20": true}))?;

    // She moves house: J-LIS revokes her signature certificate, the city imports the CRL and
    // revokes what rests on her address; her age credential rests on the birth date only.
    world.clock.advance(3_600);
    let serial = hanako
        .card
        .signature_serial()
        .ok_or("the card has no signature certificate")?;
    world.revoke_certificate(
        CertificateType::Signature,
        serial,
        RevocationReason::AffiliationChanged,
    )?;
    let pool = world.verifier("https://pool.city.maebashi.example")?;
    assert_refused(&ask(&pool, hanako, &residents_only)?, Reason::Revoked);
    let shop = world.verifier("https://sakaya.example")?;
    assert!(ask(&shop, hanako, &AgeCheck::over_20()?)?.accepted());
    Ok(())
}

#[test]
fn age_over_20_shows_one_flag_refuses_a_minor_and_a_forwarded_answer() -> Outcome {
    let world = World::new(&[MAEBASHI, MISHIMA], &[HANAKO, KENTA])?;
    for (spec, city) in [(HANAKO, MAEBASHI), (KENTA, MISHIMA)] {
        let resident = world.resident(spec)?;
        let (offer, pin) = resident
            .anchor(&world, city, true)?
            .ok_or("no offer after anchoring")?;
        resident.receive(&world, &offer, pin.as_deref())?;
    }
    let konbini = world.verifier("https://konbini.example")?;
    let over_20 = AgeCheck::over_20()?;
    let decision = ask(&konbini, world.resident(HANAKO)?, &over_20)?;
    assert_shown(&decision, AGE_ID, &json!({"age_over_20": true}))?;
    let issuer = decision.credentials.first().map(|c| c.issuer.as_str());
    assert_eq!(issuer, Some(MAEBASHI.iss));

    // Kenta is 19: refused, and the store learns no more than the flag.
    let decision = ask(&konbini, world.resident(KENTA)?, &over_20)?;
    assert_refused(&decision, Reason::UnderAge);

    // An answer made for another shop (its audience and nonce) is refused here.
    let (forwarded, _) = present(
        "https://other-shop.example",
        world.resident(HANAKO)?,
        &over_20,
        world.now(),
    )?;
    let (_, challenge) = myna_verifier::transport::in_person_challenge("https://konbini.example")?;
    let decision = konbini.verify(&over_20, &forwarded, &challenge);
    assert_refused(&decision, Reason::NotBoundToRequest);
    Ok(())
}

#[test]
fn child_medical_subsidy_from_the_desk_until_the_city_revokes_it() -> Outcome {
    let world = World::new(&[MAEBASHI], &[HARUTO])?;
    let haruto = world.resident(HARUTO)?;
    let maebashi = world.city(MAEBASHI)?;
    // A child's card certifies nothing: the register and the desk supply the facts.
    let grant = json!([{
        "credential": "child_medical_subsidy",
        "payer_number": "88421003", "recipient_number": "1234566",
        "child_name": HARUTO.name, "child_birthdate": HARUTO.birthdate,
        "outpatient_age": 15, "inpatient_age": 18,
        "copay_per_visit_yen": 500, "monthly_cap_yen": 1000,
    }]);
    let (offer, pin) = maebashi.staff_offer(&world.http, grant)?;
    assert!(pin.is_some(), "a desk offer has a PIN");
    // Without the PIN the offer gives nothing (the right PIN still works afterwards).
    assert!(haruto.receive(&world, &offer, None).is_err());
    let received = haruto.receive(&world, &offer, pin.as_deref())?;
    let subsidy = only(&received, vct::CHILD_MEDICAL_SUBSIDY)?;
    // Covered as an outpatient until the first 31 March after turning 15.
    assert_eq!(subsidy.get("outpatient_until"), Some(&json!("2031-03-31")));

    let reception = world.verifier("https://kodomo-clinic.maebashi.example")?;
    let clinic = Clinic::new("maebashi-kodomo-clinic", Care::Outpatient)?;
    let decision = ask(&reception, haruto, &clinic)?;
    assert_shown(
        &decision,
        SUBSIDY_ID,
        &json!({"payer_number": "88421003", "recipient_number": "1234566",
                "child_name": HARUTO.name, "child_birthdate": HARUTO.birthdate,
                "municipality_code": "102016"}),
    )?;
    let visit = CalendarDate::from_numeric_date_jst(world.now())?;
    let record =
        BillingRecord::from_decision("maebashi-kodomo-clinic", Care::Outpatient, visit, &decision)
            .ok_or("no billing record from an accepted decision")?;
    assert_eq!(
        record.to_json().get("copay_per_visit_yen"),
        Some(&json!(500))
    );

    // The family moves away: the city revokes the grant, the clinic's next list says so.
    revoke_every_copy(&world, MAEBASHI, haruto, vct::CHILD_MEDICAL_SUBSIDY)?;
    let reception = world.verifier("https://kodomo-clinic.maebashi.example")?;
    assert_refused(&ask(&reception, haruto, &clinic)?, Reason::Revoked);
    Ok(())
}

/// A shelter's helpers' station: it asks for the evacuee's shelter registration, to know the
/// allergies they chose to tell (no ready policy exists; the trait is public).
struct HelpersStation {
    shelter_id: &'static str,
    requirements: Vec<Requirement>,
}

impl HelpersStation {
    fn new(shelter_id: &'static str) -> Outcome<Self> {
        let requirement = Requirement::new(
            "registration",
            vct::SHELTER_REGISTRATION,
            &["shelter_id", "allergies"],
        )?;
        Ok(HelpersStation {
            shelter_id,
            requirements: vec![requirement],
        })
    }
}

impl Policy for HelpersStation {
    fn name(&self) -> &str {
        "helpers-station"
    }

    fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    fn check(&self, presented: &Presented, _now: NumericDate) -> Result<(), Rejection> {
        let registration = presented.get("registration")?;
        if registration.text("shelter_id")? == self.shelter_id {
            Ok(())
        } else {
            Err(Rejection::new(Reason::NotCovered))
        }
    }
}

#[test]
fn shelter_check_in_with_the_resident_credential_then_the_registration_until_check_out() -> Outcome
{
    let world = World::new(&[MISHIMA], &[KENTA])?;
    let kenta = world.resident(KENTA)?;
    let mishima = world.city(MISHIMA)?;
    let (offer, pin) = kenta
        .anchor(&world, MISHIMA, true)?
        .ok_or("no offer after anchoring")?;
    kenta.receive(&world, &offer, pin.as_deref())?;

    // Check-in: the desk reads the resident credential (municipality, name, birth date).
    let desk = world.verifier("https://shelter-desk.city.mishima.example")?;
    let check_in = myna_verifier::policy::shelter::ShelterDesk::new("mishima-kita-es")?;
    let decision = ask(&desk, kenta, &check_in)?;
    assert_shown(
        &decision,
        RESIDENT_ID,
        &json!({"municipality_code": "222062", "name": KENTA.name, "birthdate": KENTA.birthdate}),
    )?;
    let entry = check_in
        .roster_entry(&decision)
        .ok_or("no roster entry from an accepted check-in")?;
    assert_eq!(entry.shelter_id, "mishima-kita-es");

    // The desk registers him; his allergies go into his own wallet only.
    let (offer, pin) = mishima.staff_offer(
        &world.http,
        json!([{"credential": "shelter_registration", "shelter_id": "mishima-kita-es",
                "checked_in_at": world.now().as_unix(), "allergies": ["buckwheat", "egg"]}]),
    )?;
    let received = kenta.receive(&world, &offer, pin.as_deref())?;
    assert_eq!(
        only(&received, vct::SHELTER_REGISTRATION)?.get("allergies"),
        Some(&json!(["buckwheat", "egg"]))
    );
    let helpers = world.verifier("https://helpers.mishima-kita-es.example")?;
    let station = HelpersStation::new("mishima-kita-es")?;
    let decision = ask(&helpers, kenta, &station)?;
    assert_shown(
        &decision,
        "registration",
        &json!({"shelter_id": "mishima-kita-es", "allergies": ["buckwheat", "egg"]}),
    )?;
    // Another shelter's station does not take it.
    let other = HelpersStation::new("mishima-minami-es")?;
    assert_refused(&ask(&helpers, kenta, &other)?, Reason::NotCovered);

    // Check-out revokes the registration.
    revoke_every_copy(&world, MISHIMA, kenta, vct::SHELTER_REGISTRATION)?;
    let helpers = world.verifier("https://helpers.mishima-kita-es.example")?;
    assert_refused(&ask(&helpers, kenta, &station)?, Reason::Revoked);
    Ok(())
}

#[test]
fn fan_club_sale_membership_pseudonym_and_age_under_one_key_once_per_person() -> Outcome {
    let world = World::new(&[MISHIMA], &[HANAKO])?;
    let hanako = world.resident(HANAKO)?;
    let mishima = world.city(MISHIMA)?;
    // Not a resident of 三島市: anchoring with her facts yields an age offer only, redeemed
    // with the anchored key so that it shares that key with the membership and pseudonym.
    let (offer, pin) = hanako
        .anchor(&world, MISHIMA, true)?
        .ok_or("no offer after anchoring")?;
    let received = hanako.receive_anchored(&world, &offer, pin.as_deref())?;
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(
        only(&received, vct::AGE)?.get("age_over_20"),
        Some(&json!(true))
    );
    let (offer, pin) = mishima.staff_offer(
        &world.http,
        json!([{"credential": "fan_club_membership", "club_id": "izu-fan-club",
                "member_number": "IZU-0815", "tier": "gold"},
               {"credential": "context_pseudonym", "context": "izu-limited-sake-2027"}]),
    )?;
    let received = hanako.receive_anchored(&world, &offer, pin.as_deref())?;
    let membership = only(&received, vct::FAN_CLUB_MEMBERSHIP)?;
    assert_eq!(membership.get("member_number"), Some(&json!("IZU-0815")));
    let pseudonym = only(&received, vct::CONTEXT_PSEUDONYM)?
        .get("pseudonym")
        .cloned()
        .ok_or("no pseudonym")?;

    let ledger = Arc::new(MemoryLedger::new());
    let till = world.verifier("https://sale.izu-fan-club.example")?;
    let sale = FanClubSale::new(
        "izu-fan-club",
        "izu-limited-sake-2027",
        "shuzenji-sakaya",
        ledger.clone(),
    )?;
    let decision = ask(&till, hanako, &sale)?;
    assert_shown(&decision, AGE_ID, &json!({"age_over_20": true}))?;
    assert_shown(
        &decision,
        PSEUDONYM_ID,
        &json!({"context": "izu-limited-sake-2027", "pseudonym": pseudonym}),
    )?;
    // A membership always shows its number and tier (specs/credential-types): no person.
    assert_shown(
        &decision,
        MEMBERSHIP_ID,
        &json!({"club_id": "izu-fan-club", "member_number": "IZU-0815", "tier": "gold"}),
    )?;

    // One bottle per person: another shop of the same sale refuses her second purchase.
    let other_shop = FanClubSale::new(
        "izu-fan-club",
        "izu-limited-sake-2027",
        "ito-station-shop",
        ledger,
    )?;
    assert_refused(&ask(&till, hanako, &other_shop)?, Reason::AlreadyRedeemed);
    Ok(())
}

#[test]
fn context_pseudonym_is_one_per_person_and_anchoring_needs_a_valid_card() -> Outcome {
    let world = World::new(&[MAEBASHI], &[HANAKO])?;
    let hanako = world.resident(HANAKO)?;
    let maebashi = world.city(MAEBASHI)?;
    hanako.anchor(&world, MAEBASHI, false)?;
    // The forum's sign-up page links to the city's self-service offer; no staff, no PIN.
    let offer = maebashi.pseudonym_offer(&world.http, "maebashi-forum")?;
    let received = hanako.receive_anchored(&world, &offer, None)?;
    let first = only(&received, vct::CONTEXT_PSEUDONYM)?
        .get("pseudonym")
        .cloned()
        .ok_or("no pseudonym")?;

    let ledger = Arc::new(MemoryLedger::new());
    let forum = world.verifier("https://forum.maebashi.example")?;
    let sign_up = OncePerPerson::sign_up("maebashi-forum", "forum.maebashi.example", ledger)?;
    let decision = ask(&forum, hanako, &sign_up)?;
    assert_shown(
        &decision,
        PSEUDONYM_ID,
        &json!({"context": "maebashi-forum", "pseudonym": first}),
    )?;

    // Her second phone: a new wallet on the same card gets the same pseudonym, and a
    // second account is refused.
    let second_phone = hanako.new_device(world.now())?;
    second_phone.anchor(&world, MAEBASHI, false)?;
    let offer = maebashi.pseudonym_offer(&world.http, "maebashi-forum")?;
    let received = second_phone.receive_anchored(&world, &offer, None)?;
    let again = only(&received, vct::CONTEXT_PSEUDONYM)?.get("pseudonym");
    assert_eq!(again, Some(&first));
    assert_refused(
        &ask(&forum, &second_phone, &sign_up)?,
        Reason::AlreadyRegistered,
    );

    // The card is reported lost: J-LIS revokes its authentication certificate, and a third
    // wallet can no longer anchor to it.
    world.clock.advance(3_600);
    let serial = hanako.card.authentication_serial();
    world.revoke_certificate(
        CertificateType::Authentication,
        serial,
        RevocationReason::KeyCompromise,
    )?;
    let third_phone = hanako.new_device(world.now())?;
    let refused = third_phone.anchor(&world, MAEBASHI, false);
    assert!(refused.is_err(), "anchored with a revoked card");
    Ok(())
}

#[test]
fn a_consent_registers_for_a_holder_of_the_city_and_never_for_a_stranger() -> Outcome {
    use myna_vc_core::claim_path::ClaimPath;
    use myna_vc_core::consent::{ConsentUse, Purpose, Recipient};
    use myna_vc_core::crypto::SecretKey;
    use myna_vc_core::did::DidKey;
    use myna_vc_core::sdjwt_vc::Vct;
    use myna_wallet::consent::{check_access, ConsentRegistry, ConsentRequest};
    use myna_wallet::http::HttpRegistry;

    let world = World::new(&[MAEBASHI], &[HANAKO, KENTA])?;
    let maebashi = world.city(MAEBASHI)?;
    let registry = HttpRegistry::new(MAEBASHI.iss, maebashi.service.issuer_key().clone())?
        .with_loopback_route(maebashi.route()?);
    let clinic = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
    let request = || -> Outcome<ConsentRequest> {
        Ok(ConsentRequest {
            recipient: Recipient::parse(clinic.did().as_str())?,
            purpose: Purpose::new("健康相談")?,
            vct: Vct::parse(vct::AGE)?,
            claims: vec![ClaimPath::key("age_over_20")],
            not_before: world.now(),
            not_after: None,
            usage: ConsentUse::Ongoing,
        })
    };

    // Kenta holds nothing from 前橋市: the city keeps no consent of his.
    let kenta = world.resident(KENTA)?;
    let refused = kenta
        .wallet
        .give_consent(&registry, request()?, world.now())
        .err()
        .ok_or("a stranger's consent was registered")?;
    assert!(
        matches!(&refused, myna_wallet::Error::Transport {
            cause: myna_wallet::TransportCause::Status { status: 403, error: Some(code), .. },
            ..
        } if code == "unknown_holder"),
        "{refused}"
    );
    assert!(kenta.wallet.consent_holdings()?.is_empty());

    // Hanako anchored her card there: her wallet proves it with the anchored key, and the
    // clinic reads the consent's status from the city's list.
    let hanako = world.resident(HANAKO)?;
    hanako.anchor(&world, MAEBASHI, false)?;
    let consent = hanako
        .wallet
        .give_consent(&registry, request()?, world.now())?;
    let list = registry.status_list(&myna_vc_core::status_list::StatusListUri::new(format!(
        "{}/consent-status/1",
        MAEBASHI.iss
    ))?)?;
    check_access(
        &consent.record,
        &consent.receipt,
        maebashi.service.issuer_key(),
        &list,
        world.now(),
    )?;
    Ok(())
}
