//! Who may run `myna issuer serve` (issue 14 §5): any municipality from its configured code,
//! prefecture and name — Atami is in no built-in table — and non-municipal operators (a DMO)
//! that issue only the credential types their configuration lists, as their signed trust-list
//! entry then says.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::{World, ISS};
use myna_issuer::service::config::ServiceConfig;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::sdjwt::{KeyBinding, SdJwt};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::trust_entry;
use myna_vc_core::trust_list::{IssuerKind, TrustList, VerifiedTrustList};
use serde_json::{json, Value};
use service_support::*;

const ATAMI: &str = "静岡県熱海市中央町１番１号";
const ITO: &str = "静岡県伊東市大原２丁目１番１号";

/// The test service's configuration (tokens, trustees, small lists) as Atami's.
fn atami(admins: &Admins) -> ServiceConfig {
    let mut config = admins.config();
    config.municipality_code = Some("222054".into());
    config.prefecture = Some("静岡県".into());
    config.name = "熱海市".into();
    config
}

/// The same, as the Izu DMO: no municipality, fan-club memberships only.
fn dmo(admins: &Admins) -> ServiceConfig {
    let mut config = admins.config();
    config.municipality_code = None;
    config.name = "伊豆ファンクラブ".into();
    config.credentials = Some(vec!["fan_club_membership".into()]);
    config
}

async fn metadata_ids(server: &Server) -> Vec<String> {
    let (status, metadata) = json(
        client()
            .get(server.url("/.well-known/openid-credential-issuer"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{metadata}");
    let mut ids: Vec<String> = metadata["credential_configurations_supported"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    ids.sort();
    ids
}

async fn trust_list(server: &Server) -> VerifiedTrustList {
    let token = client()
        .get(server.url("/trust-list"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    TrustList::verify(
        &token,
        default_provider(),
        &server.service.authority_key(),
        START,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_atami_issuer_offers_resident_credentials_to_atami_residents() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let (resident, neighbour) = (world.issue_card(ATAMI), world.issue_card(ITO));
    let admins = Admins::new();
    let server = Server::start(dir.path(), atami(&admins), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let wallet = Wallet::new(&server);
    assert!(metadata_ids(&server).await.contains(&"resident".to_owned()));

    let (status, anchored) = json(wallet.anchor(&resident, &*signer(), START, true).await).await;
    assert_eq!(status, 200, "{anchored}");
    let offer = &anchored["credential_offer"];
    assert_eq!(
        offer["credential_configuration_ids"],
        json!(["resident", "age"])
    );
    let token = wallet.access_token(offer, None).await;
    let credentials = wallet
        .credentials(&token, "resident", &[&*signer()], START)
        .await;
    let vc = verify(&credentials[0], server.service.issuer_key(), START);
    assert_eq!(vc.claims()["municipality_code"], "222054");
    assert_eq!(vc.claims()["prefecture_code"], "22");
    assert_eq!(vc.claims()["address"], ATAMI);

    // A card from Itō next door gets no resident offer from Atami.
    let (status, anchored) = json(wallet.anchor(&neighbour, &*signer(), START, true).await).await;
    assert_eq!(status, 200, "{anchored}");
    assert_eq!(
        anchored["credential_offer"]["credential_configuration_ids"],
        json!(["age"])
    );
    // Nor from the desk: the staff's resident offer for an Itō address is refused when it is
    // made, naming the rule and not the address.
    let body = json!({"tx_code": false, "credentials": [{"credential": "resident",
        "name": "伊東　一郎", "address": ITO, "birthdate": "1990-05-05"}]});
    let refused = assert_error(
        admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await,
        400,
        "invalid_request",
    )
    .await;
    let description = refused["error_description"].as_str().unwrap();
    assert!(description.contains("222054"), "{refused}");
    assert!(
        !description.contains("伊東") && !description.contains("?"),
        "{refused}"
    );

    // The published trust list names Atami's code.
    let list = trust_list(&server).await;
    assert_eq!(list.municipality_of(ISS), Some("222054".parse().unwrap()));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dmo_issues_memberships_and_nothing_a_municipality_issues() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(ATAMI);
    let admins = Admins::new();
    let server = Server::start(dir.path(), dmo(&admins), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let wallet = Wallet::new(&server);
    assert_eq!(metadata_ids(&server).await, ["fan_club_membership"]);

    // Staff cannot offer what the DMO may not issue.
    for facts in [
        json!({"credential": "resident", "name": "熱海　花子", "address": ATAMI, "birthdate": "1990-05-05"}),
        json!({"credential": "age", "birthdate": "1990-05-05"}),
        json!({"credential": "shelter_registration", "shelter_id": "s-1",
            "checked_in_at": START.as_unix(), "municipality_code": "222054"}),
    ] {
        let body = json!({"tx_code": false, "credentials": [facts]});
        let (status, refused) =
            json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
        assert_eq!(status, 400, "{facts}: {refused}");
    }
    // Anchoring with the card's facts yields the anchor credential and no resident or age
    // offer.
    let holder = signer();
    let (status, anchored) = json(wallet.anchor(&card, &*holder, START, true).await).await;
    assert_eq!(status, 200, "{anchored}");
    assert!(anchored.get("credential_offer").is_none(), "{anchored}");
    let anchor = SdJwt::parse(anchored["anchor_credential"].as_str().unwrap()).unwrap();

    // A membership, for the anchored key.
    let body = json!({"tx_code": false, "credentials": [{"credential": "fan_club_membership",
        "club_id": "izu-fan-club", "member_number": "IZ-0001", "tier": "regular"}]});
    let created = staff_offer(&server, &admins.operator, &body).await;
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let nonce = wallet.nonce().await;
    let presentation = anchor
        .select(&[])
        .unwrap()
        .bind(&KeyBinding {
            audience: ISS,
            nonce: nonce.as_str(),
            issued_at: START,
            signer: &*holder,
        })
        .unwrap()
        .to_string();
    let request = json!({"credential_configuration_id": "fan_club_membership",
        "proofs": {"jwt": Wallet::proofs(&[&*holder], &nonce, START)},
        "anchor_presentation": presentation});
    let (status, body) = json(wallet.credential_request(&token, &request).await).await;
    assert_eq!(status, 200, "{body}");
    let vc = verify(
        body["credentials"][0]["credential"].as_str().unwrap(),
        server.service.issuer_key(),
        START,
    );
    assert_eq!(vc.claims()["club_id"], "izu-fan-club");

    // Its trust-list entry: an operator, no municipality, memberships (and anchors) only.
    let list = trust_list(&server).await;
    let entry = list.issuer(ISS).unwrap();
    assert_eq!(entry.kind, IssuerKind::Operator);
    assert!(entry.municipality.is_none());
    let mut vcts: Vec<&str> = entry.vcts.iter().map(Vct::as_str).collect();
    vcts.sort_unstable();
    assert_eq!(
        vcts,
        [
            "urn:myna-vc:vct:anchor:1",
            "urn:myna-vc:vct:fan-club-membership:1"
        ]
    );
    let resident = Vct::parse("urn:myna-vc:vct:resident:1").unwrap();
    assert!(list.authorize(ISS, &resident, START).is_err());
    server.stop().await;
}

/// `GET /trust-entry`: the issuer's own entry — the one its `/trust-list` describes — signed
/// with its issuer key, which the national authority verifies against the key inside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trust_entry_is_the_published_entry_signed_with_the_issuer_key() {
    for (name, config) in [
        ("atami", atami as fn(&Admins) -> ServiceConfig),
        ("dmo", dmo),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let world = World::new();
        let admins = Admins::new();
        let server =
            Server::start(dir.path(), config(&admins), ManualClock::at(START), &world).await;
        let response = client()
            .get(server.url("/trust-entry"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            response.headers()["content-type"],
            "application/trust-entry+jwt",
            "{name}"
        );
        let token = response.text().await.unwrap();
        let verified = trust_entry::verify(&token, default_provider(), START).unwrap();
        assert_eq!(verified.issued_at(), START, "{name}");
        let key = server.service.issuer_key();
        assert_eq!(verified.entry().key(None).unwrap(), key, "{name}");
        assert_eq!(
            verified.entry().keys[0].kid.as_deref(),
            Some(key.thumbprint().to_string().as_str()),
            "{name}"
        );
        let list = trust_list(&server).await;
        assert_eq!(verified.entry(), list.issuer(ISS).unwrap(), "{name}");
        // Not a trust list: the authority key did not sign it and its typ says so.
        assert!(TrustList::verify(
            &token,
            default_provider(),
            &server.service.authority_key(),
            START
        )
        .is_err());
        server.stop().await;
    }
}

/// A residents' association running a shelter: no municipality of its own, so each check-in
/// names the shelter's municipality.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_residents_association_registers_evacuees_at_its_shelter() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let mut config = dmo(&admins);
    config.name = "本町自治会".into();
    config.credentials = Some(vec!["shelter_registration".into()]);
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    let wallet = Wallet::new(&server);
    let check_in = |code: Option<&str>| {
        let mut facts = json!({"credential": "shelter_registration",
            "shelter_id": "honmachi-kominkan", "checked_in_at": START.as_unix()});
        if let Some(code) = code {
            facts["municipality_code"] = Value::String(code.into());
        }
        json!({"tx_code": false, "credentials": [facts]})
    };
    for missing_or_wrong in [None, Some("222055")] {
        let (status, refused) = json(
            admin_post(
                &server,
                "/admin/offers",
                Some(&admins.operator),
                &check_in(missing_or_wrong),
            )
            .await,
        )
        .await;
        assert_eq!(status, 400, "{missing_or_wrong:?}: {refused}");
    }
    let (status, created) = json(
        admin_post(
            &server,
            "/admin/offers",
            Some(&admins.operator),
            &check_in(Some("222054")),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let credentials = wallet
        .credentials(&token, "shelter_registration", &[&*signer()], START)
        .await;
    let vc = verify(&credentials[0], server.service.issuer_key(), START);
    assert_eq!(vc.claims()["municipality_code"], "222054");
    server.stop().await;
}
