//! A Maebashi resident end to end at library level: anchored with a virtual card, resident and
//! age credentials issued from the signature certificate (read with the signature PIN and
//! validated through myna-jpki), the status list published, then the resident moves house: the
//! CRL import revokes the resident credential, the republished list says so, and the age
//! credential stays valid.

mod card_fixture;
mod engine;

use card_fixture::{
    holder, new_store, rsa_keys, sign_signer, World, DAY, ISS, MAEBASHI, T0, TAKASAKI,
};
use myna_issuer::anchor::subject_for_signature_certificate;
use myna_issuer::cascade::import_crl;
use myna_issuer::issuance::{AgeRequest, CredentialIssuer, IssuerProfile};
use myna_issuer::publication::{publish, republish_if_changed, PublishOptions};
use myna_issuer::store::Store;
use myna_issuer::Error;
use myna_jpki::card_jws;
use myna_jpki::profile::CertificateType;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::municipality::Municipality;
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};
use myna_vc_core::status_list::{Status, StatusListToken};
use myna_vc_core::time::NumericDate;

fn day(n: u64) -> NumericDate {
    T0.plus_seconds(n * DAY)
}

#[test]
fn a_resident_is_anchored_issued_published_and_revoked_when_moving_house() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let wallet = holder();
    let anchored = world.anchor(&store, &card, &*wallet, day(1)).unwrap();

    // The signature certificate, read with the signature PIN, signs the issuer's challenge.
    let crls = world.crls(day(1));
    let signed = card_jws::sign_payload(
        &sign_signer(&card),
        Some("myna-facts+jwt"),
        b"{\"nonce\":\"n-1\"}",
    )
    .unwrap();
    let verified = card_jws::verify(
        &signed,
        &world.validator,
        CertificateType::Signature,
        day(1),
        &crls,
    )
    .unwrap();
    let facts = verified.certificate.holder().unwrap().clone();
    let person = subject_for_signature_certificate(
        &store,
        world.ca.linking(),
        &verified.certificate.serial(),
        day(1),
    )
    .unwrap();
    assert_eq!(
        person, anchored.subject,
        "the signature certificate belongs to the anchored person"
    );

    let issuer_key = world.issuer_key.clone();
    let issuer_signer = default_provider().signer(&issuer_key).unwrap();
    let list_uri = world.uri.clone();
    let maebashi = CredentialIssuer::new(
        &store,
        &*issuer_signer,
        IssuerProfile::municipality(
            ISS,
            Municipality::new("102016".parse().unwrap(), "群馬県", "前橋市").unwrap(),
            list_uri.clone(),
        ),
    )
    .unwrap();
    let not_after = verified.certificate.validity().not_after;
    let holder_key = wallet.public_key();
    let resident = maebashi
        .resident(person, &facts, &holder_key, not_after, day(1))
        .unwrap();
    let claims = resident.credential.unverified_claims().unwrap();
    let birth = CalendarDate::parse(claims["birthdate"].as_str().unwrap()).unwrap();
    let age = maebashi
        .age(
            &AgeRequest {
                subject: person,
                birth,
                holder_key: &holder_key,
                not_after,
            },
            day(1),
        )
        .unwrap();
    assert!(resident.record.expires_at <= not_after && age.record.expires_at <= not_after);

    // A gate verifies offline: the credential, then its entry in the cached status list.
    let signer = &*issuer_signer;
    let published = publish(&store, &list_uri, signer, &PublishOptions::at(day(1))).unwrap();
    let status_at = |token: &str, credential: &myna_vc_core::sdjwt::SdJwt, at: NumericDate| {
        let options = VcVerifyOptions::at(at, KeyBindingRule::Optional);
        let vc = sdjwt_vc::verify(
            &credential.select(&[]).unwrap().to_string(),
            default_provider(),
            &issuer_key.public_key(),
            &options,
        )
        .unwrap();
        let reference = vc.status().unwrap().unwrap();
        let list = StatusListToken::verify(
            token,
            default_provider(),
            &issuer_key.public_key(),
            &TimeRules::at(at),
            &reference.uri,
        )
        .unwrap();
        list.status_of(&reference).unwrap()
    };
    assert_eq!(
        status_at(&published.token, &resident.credential, day(1)),
        Status::VALID
    );
    assert_eq!(
        republish_if_changed(
            &store,
            &list_uri,
            signer,
            &PublishOptions::at(day(2)),
            published.info.version
        )
        .unwrap(),
        None
    );

    // The resident moves to Takasaki: J-LIS revokes the signature certificate.
    let [_, _, sign_key] = rsa_keys().clone();
    let moved = world
        .ca
        .change_facts(&card, &card_fixture::facts(TAKASAKI), sign_key, day(20))
        .unwrap();
    let crl = world.crl(CertificateType::Signature, day(20));
    import_crl(&store, &crl, world.ca.linking(), day(20)).unwrap();
    let republished = republish_if_changed(
        &store,
        &list_uri,
        signer,
        &PublishOptions::at(day(20)),
        published.info.version,
    )
    .unwrap()
    .expect("the list changed");
    assert_eq!(
        status_at(&republished.token, &resident.credential, day(20)),
        Status::INVALID
    );
    assert_eq!(
        status_at(&republished.token, &age.credential, day(20)),
        Status::VALID
    );

    // Maebashi will not issue a resident credential for the Takasaki address.
    let new_facts =
        myna_jpki::certificate::Certificate::parse(moved.signature_certificate().unwrap())
            .unwrap()
            .holder()
            .unwrap()
            .clone();
    let refused = maebashi.resident(person, &new_facts, &holder_key, not_after, day(21));
    assert!(matches!(refused, Err(Error::NotResident(_))));
    assert!(store.verify_audit_chain().unwrap() > 0);
}
