//! Credentials shown together, with the `myna` binary alone against a real `myna issuer
//! serve` in a test environment (a test JPKI CA and a virtual card): `wallet receive
//! --anchored` binds a fan-club membership, the sale's pseudonym and the anchoring's age offer
//! to the key anchored with the card (a plain `receive` of the membership is refused by the
//! issuer), and `wallet present --out` answers the sale's policy, which asks for those three,
//! with one `MV1:` line per credential in the policy's order — which `myna verify check`
//! accepts.
#![cfg(test)]

mod support;

use std::path::Path;

use myna_vc_core::sdjwt::SdJwt;
use support::issuer::{myna, trustee_keygen, Issuer, OPERATOR, PASSPHRASE};
use support::{failed, get_body, hanako_card, ok, trust_list_sign, Myna, AUTHORITY_INIT};

const ISSUER: &str = "https://vc.city.maebashi.example";
const WALLET_PASSPHRASE: &str = "passphrase of the wallet";
const CLUB: &str = "maebashi-fan-club";
const SALE: &str = "maebashi-limited-2027";
const AUDIENCE: &str = "x509_san_dns:shop.example";

/// `myna trustee keygen` for `name` in `dir`: `name=<public key>` for `issuer init`.
fn trustee(dir: &Path, name: &str) -> String {
    format!("{name}={}", trustee_keygen(dir, name))
}

/// Hanako's wallet in `dir/hanako`, her card's PINs, and the development switch to `issuer`.
fn wallet(issuer: &Issuer) -> Myna {
    let address = issuer.url.trim_start_matches("http://");
    Myna::in_dir(issuer.dir.path())
        .args(["wallet", "--data-dir", "hanako"])
        .env("MYNA_WALLET_PASSPHRASE", WALLET_PASSPHRASE)
        .env("MYNA_CARD_PIN", "1234")
        .env("MYNA_CARD_SIGN_PIN", "HANAKO2027")
        .env("MYNA_INSECURE_LOOPBACK_HTTP", format!("{ISSUER}={address}"))
}

/// The operator's offer of the sale's membership and pseudonym, without a PIN: the link.
fn sale_offer(issuer: &Issuer, member: &str) -> String {
    let facts = issuer.dir.path().join("sale.json");
    let credentials = serde_json::json!([
        {"credential": "fan_club_membership", "club_id": CLUB, "member_number": member, "tier": "gold"},
        {"credential": "context_pseudonym", "context": SALE},
    ]);
    std::fs::write(&facts, credentials.to_string()).unwrap();
    let out = ok(&issuer.admin(
        OPERATOR,
        &["offer", "--facts", facts.to_str().unwrap(), "--no-pin"],
    ));
    out.lines()
        .find_map(|l| l.strip_prefix("offer link:"))
        .unwrap_or_else(|| panic!("no offer link in {out}"))
        .trim()
        .to_owned()
}

/// The `vct` of the credential a compact QR text carries.
fn vct_of(text: &str) -> String {
    let presentation = myna_vc_core::compact::decode(text).unwrap();
    let claims = SdJwt::parse(&presentation)
        .unwrap()
        .unverified_claims()
        .unwrap();
    claims["vct"].as_str().unwrap().to_owned()
}

#[test]
fn anchored_credentials_answer_a_sale_with_one_compact_line_each_in_the_policys_order() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    ok(&myna(dir, &["jpki", "test-ca", "init", "--dir", "testca"]));
    ok(&myna(dir, &hanako_card()));
    // Pseudonyms need escrow: two trustees.
    let trustees = [trustee(dir, "alice"), trustee(dir, "bob")];
    let mut issuer = Issuer::init_with(temp, &trustees, &["--jpki-test-ca", "testca"]);
    issuer.serve();
    let dir = issuer.dir.path().to_owned();
    let keys = || Myna::in_dir(&dir).env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE);
    keys().ok(&["issuer", "keys", "--data-dir", "city", "--out", "city.jwk"]);

    // Anchored with the card's facts; the offer that comes back redeemed with the anchored key.
    wallet(&issuer).ok(&["init"]);
    wallet(&issuer).ok(&[
        "anchor",
        "--issuer",
        ISSUER,
        "--issuer-key",
        "city.jwk",
        "--card",
        "hanako.card",
        "--with-facts",
        "--offer-out",
        "hanako.offer",
    ]);
    let offer = std::fs::read_to_string(dir.join("hanako.offer")).unwrap();
    let received = wallet(&issuer).ok(&[
        "receive",
        "--offer",
        offer.trim(),
        "--issuer-key",
        "city.jwk",
        "--anchored",
    ]);
    // One copy per credential: the anchored key is one key.
    assert!(
        received.contains("received 1 × urn:myna-vc:vct:age:1"),
        "{received}"
    );
    assert!(
        received.contains("received 1 × urn:myna-vc:vct:resident:1"),
        "{received}"
    );

    // A membership belongs to the anchored person: without --anchored the issuer refuses it.
    let link = sale_offer(&issuer, "MB-0001");
    let refused =
        failed(&wallet(&issuer).run(&["receive", "--offer", &link, "--issuer-key", "city.jwk"]));
    assert!(refused.contains("needs `anchor_presentation`"), "{refused}");
    let link = sale_offer(&issuer, "MB-0002");
    let received = wallet(&issuer).ok(&[
        "receive",
        "--offer",
        &link,
        "--issuer-key",
        "city.jwk",
        "--anchored",
    ]);
    assert!(
        received.contains("received 1 × urn:myna-vc:vct:fan-club-membership:1"),
        "{received}"
    );

    // The sale asks for membership, age and pseudonym together: three lines, in that order
    // (the vp_token keeps them by id: age, membership, pseudonym).
    let policy = format!("fan-club:{CLUB}:{SALE}:shop-1");
    let challenge = ok(&myna(
        &dir,
        &[
            "verify",
            "challenge",
            "--audience",
            AUDIENCE,
            "--policy",
            &policy,
        ],
    ));
    let challenge = challenge.trim();
    let shown = wallet(&issuer).ok(&[
        "present",
        "--challenge",
        challenge,
        "--yes",
        "--out",
        "sale.qr",
    ]);
    assert!(
        shown.contains(
            "wrote 3 compact QR forms to sale.qr, one line per credential in the order asked"
        ),
        "{shown}"
    );
    let text = std::fs::read_to_string(dir.join("sale.qr")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(text.ends_with('\n'));
    assert_eq!(
        lines.iter().map(|l| vct_of(l)).collect::<Vec<_>>(),
        [
            "urn:myna-vc:vct:fan-club-membership:1",
            "urn:myna-vc:vct:age:1",
            "urn:myna-vc:vct:context-pseudonym:1"
        ]
    );

    // The verifier reads them as they are: accepted.
    std::fs::write(dir.join("authority.pass"), "passphrase of the authority\n").unwrap();
    ok(&myna(&dir, &AUTHORITY_INIT));
    keys().ok(&[
        "issuer",
        "trust-entry",
        "--data-dir",
        "city",
        "--out",
        "city.entry",
    ]);
    ok(&myna(&dir, &trust_list_sign(&["city.entry"])));
    std::fs::write(
        dir.join("status.jwt"),
        get_body(issuer.url.trim_start_matches("http://"), "/status/1"),
    )
    .unwrap();
    let decision = ok(&myna(
        &dir,
        &[
            "verify",
            "check",
            "--trust-list",
            "trust-list.jwt",
            "--authority-key",
            "authority/authority.jwk",
            "--status-list",
            &format!("{ISSUER}=status.jwt"),
            "--audience",
            AUDIENCE,
            "--challenge",
            challenge,
            "--policy",
            &policy,
            "--json",
            "sale.qr",
        ],
    ));
    let decision: serde_json::Value = serde_json::from_str(&decision).unwrap();
    assert_eq!(decision["accepted"], true, "{decision}");
}
