//! Stale age flags: the issuer's `exp` is the cohort's, so a `false` may turn true before it;
//! the wallet finds such copies on its own, from the birth date it holds (issue 14, point 1).

mod common;

use common::{new_wallet, City};
use myna_issuer::issuance::AgeRequest;
use myna_issuer::record::SubjectHandle;
use myna_vc_core::calendar::CalendarDate;
use myna_wallet::keys::KeyLabel;
use myna_wallet::receipt::ReceiptCheck;

#[test]
fn an_age_credential_whose_false_flag_turned_true_is_listed_stale_until_exp() {
    let issuer = City::new();
    let wallet = new_wallet();
    let now = issuer.now; // 2023-11-15 JST
                          // Kenta is 19 today and turns 20 on 2024-01-10, long before the cohort's `exp`.
    let birth = CalendarDate::parse("2004-01-10").unwrap();
    let city = issuer.credential_issuer();
    let key = wallet
        .holder_keys()
        .public_key(&KeyLabel::credential("kenta", 0))
        .unwrap();
    let issued = city
        .age(
            &AgeRequest {
                subject: SubjectHandle::random().unwrap(),
                birth,
                holder_key: &key,
                not_after: now.plus_seconds(3 * 365 * 86_400),
            },
            now,
        )
        .unwrap();
    let claims = issued.credential.unverified_claims().unwrap();
    assert_eq!(claims["age_over_20"], false);
    let (pinned, status) = (issuer.pinned(), issuer.status());
    let check = ReceiptCheck::new(&pinned, &status);
    wallet
        .keep(
            "kenta",
            1,
            "age",
            &[issued.credential.to_string()],
            &check,
            now,
        )
        .unwrap();

    let day = |d: &str| CalendarDate::parse(d).unwrap().start_jst();
    // The eve of the birthday: nothing stale.
    assert!(wallet
        .stale_credentials(day("2024-01-09").plus_seconds(3600))
        .unwrap()
        .is_empty());
    // From the 20th birthday the `false` is stale: listed, to refresh at the issuer.
    let stale = wallet.stale_credentials(day("2024-01-10")).unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].vct, "urn:myna-vc:vct:age:1");
    assert_eq!(
        myna_wallet::freshness::stale_claims_of(&stale[0], day("2024-01-10")).unwrap(),
        ["age_over_20"]
    );
    // A stale copy is not presented (it could only get Kenta refused); the day before it is.
    let query = br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
        "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}, "claims": [{"path": ["age_over_20"]}]}]}"#;
    let request = || myna_wallet::present::PresentationRequest {
        verifier: myna_wallet::keys::VerifierId::new("https://konbini.example").unwrap(),
        nonce: "n-0S6_WzA2Mj".into(),
        query: myna_vc_core::dcql::DcqlQuery::from_json(query).unwrap(),
        state: None,
    };
    assert!(wallet.prepare(request(), day("2024-01-09")).is_ok());
    assert!(wallet.prepare(request(), day("2024-01-10")).is_err());

    // Once expired it is no longer a refresh candidate (it is simply expired).
    let exp = claims["exp"].as_i64().unwrap();
    assert!(wallet
        .stale_credentials(myna_vc_core::time::NumericDate::from_unix(exp))
        .unwrap()
        .is_empty());
}
