//! The checks on receipt, each refusing what it must: a revoked or suspended status, a claim
//! set outside the type's declaration (by default myna-vc's own, with their JSON Schemas), a
//! credential of a type the wallet does not know, a credential bound to another key.
#![cfg(test)]

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey};
use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct};
use myna_vc_core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
};
use myna_vc_core::time::NumericDate;
use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
use myna_wallet::Error;
use serde_json::json;

const ISS: &str = "https://city.example";
const LIST: &str = "https://city.example/status/1";
const T: NumericDate = NumericDate::from_unix(1_800_000_000);

struct Issuer {
    key: SecretKey,
    holder: PublicKey,
}

impl Issuer {
    fn new() -> Self {
        Issuer {
            key: SecretKey::generate_p256().unwrap(),
            holder: SecretKey::generate_p256().unwrap().public_key(),
        }
    }

    fn issue(&self, ctype: &CredentialType, claims: serde_json::Value, index: u64) -> String {
        let signer = default_provider().signer(&self.key).unwrap();
        let status =
            StatusReference::new(StatusIndex::new(index), StatusListUri::new(LIST).unwrap());
        SdJwtVcIssuer::new(&*signer, ISS)
            .issue(&VcRequest {
                credential_type: ctype,
                claims: claims.as_object().unwrap(),
                holder_key: &self.holder,
                issued_at: T,
                expires_at: Some(T.plus_seconds(86_400)),
                status: Some(&status),
            })
            .unwrap()
            .to_string()
    }

    fn list(&self, statuses: &[(u64, Status)]) -> StatusTokens {
        let mut list = StatusList::new(StatusBits::Two, 64).unwrap();
        for (index, status) in statuses {
            list.set(StatusIndex::new(*index), *status).unwrap();
        }
        let uri = StatusListUri::new(LIST).unwrap();
        let token = StatusListToken::new(uri.clone(), T, list)
            .sign(&*default_provider().signer(&self.key).unwrap(), None)
            .unwrap();
        StatusTokens::new().with(&uri, token)
    }
}

fn age_type() -> CredentialType {
    CredentialType::new(Vct::parse("urn:myna-vc:vct:age:1").unwrap()).claim(
        ClaimPath::key("age_over_20"),
        DisclosureRule::Selective,
        true,
    )
}

fn check(
    issuer: &Issuer,
    status: &StatusTokens,
    types: &[CredentialType],
    credential: &str,
) -> Result<(), Error> {
    let pinned = PinnedIssuer::new(ISS, issuer.key.public_key());
    ReceiptCheck::new(&pinned, status)
        .with_types(types)
        .check(credential, &issuer.holder, T.plus_seconds(60))
        .map(|_| ())
}

#[test]
fn a_valid_credential_is_accepted() {
    let issuer = Issuer::new();
    let credential = issuer.issue(&age_type(), json!({"age_over_20": true}), 3);
    check(&issuer, &issuer.list(&[]), &[age_type()], &credential).unwrap();
}

#[test]
fn a_revoked_or_suspended_credential_is_refused() {
    let issuer = Issuer::new();
    let credential = issuer.issue(&age_type(), json!({"age_over_20": true}), 3);
    for status in [Status::INVALID, Status::SUSPENDED] {
        let err = check(
            &issuer,
            &issuer.list(&[(3, status)]),
            &[age_type()],
            &credential,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::Refused(ref why) if why.contains("status")),
            "{err}"
        );
    }
    // Another entry's status does not matter.
    check(
        &issuer,
        &issuer.list(&[(4, Status::INVALID)]),
        &[age_type()],
        &credential,
    )
    .unwrap();
}

#[test]
fn a_status_list_signed_by_someone_else_is_refused() {
    let issuer = Issuer::new();
    let credential = issuer.issue(&age_type(), json!({"age_over_20": true}), 3);
    let other = Issuer::new();
    let err = check(&issuer, &other.list(&[]), &[age_type()], &credential).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::Jose(
                myna_vc_core::JoseError::SignatureInvalid
            ))
        ),
        "{err}"
    );
}

#[test]
fn claims_outside_the_declaration_are_refused() {
    let issuer = Issuer::new();
    // Issued under a looser declaration than the wallet knows for this type.
    let loose = age_type().claim(
        ClaimPath::key("favourite_colour"),
        DisclosureRule::Selective,
        false,
    );
    let credential = issuer.issue(
        &loose,
        json!({"age_over_20": true, "favourite_colour": "red"}),
        3,
    );
    let err = check(&issuer, &issuer.list(&[]), &[age_type()], &credential).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::SdJwtVc(
                myna_vc_core::SdJwtVcError::SchemaViolation { .. }
            ))
        ),
        "{err}"
    );
    // Only a named choice skips the step.
    let pinned = PinnedIssuer::new(ISS, issuer.key.public_key());
    let status = issuer.list(&[]);
    ReceiptCheck::new(&pinned, &status)
        .without_type_checks()
        .check(&credential, &issuer.holder, T.plus_seconds(60))
        .unwrap();
}

/// A claim set that passes the test's loose declaration but not the real age credential's
/// JSON Schema: `age_over_20` as a string, and the mandatory claims of the real type.
fn real_age_claims(age_over_20: serde_json::Value) -> serde_json::Value {
    json!({"birthdate": "2000-01-01", "age_over_18": true, "age_over_20": age_over_20,
        "age_over_65": false})
}

/// The real age type's claim names, every one declared, none checked by schema: the issuer
/// side of a credential that breaks the age schema only in a value's type.
fn loose_age_type() -> CredentialType {
    ["birthdate", "age_over_18", "age_over_20", "age_over_65"]
        .into_iter()
        .fold(
            CredentialType::new(Vct::parse(myna_vocabulary::vct::AGE).unwrap()),
            |t, name| t.claim(ClaimPath::key(name), DisclosureRule::Selective, true),
        )
}

#[test]
fn by_default_a_credential_is_checked_against_its_types_json_schema() {
    let issuer = Issuer::new();
    let pinned = PinnedIssuer::new(ISS, issuer.key.public_key());
    let status = issuer.list(&[]);
    let default = ReceiptCheck::new(&pinned, &status);
    assert!(default.checks_types());

    let good = issuer.issue(&loose_age_type(), real_age_claims(json!(true)), 3);
    let accepted = default
        .check(&good, &issuer.holder, T.plus_seconds(60))
        .unwrap();
    assert_eq!(accepted.vct.as_str(), myna_vocabulary::vct::AGE);

    let bad = issuer.issue(&loose_age_type(), real_age_claims(json!("yes")), 3);
    let err = default
        .check(&bad, &issuer.holder, T.plus_seconds(60))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::SdJwtVc(myna_vc_core::SdJwtVcError::SchemaViolation { ref detail, .. }))
                if detail.contains("age_over_20")
        ),
        "{err}"
    );
}

#[test]
fn a_credential_of_a_type_the_wallet_does_not_know_is_refused() {
    let issuer = Issuer::new();
    let club = CredentialType::new(Vct::parse("urn:example:club:1").unwrap()).claim(
        ClaimPath::key("tier"),
        DisclosureRule::Always,
        true,
    );
    let credential = issuer.issue(&club, json!({"tier": "gold"}), 3);
    let status = issuer.list(&[]);
    let err = check(&issuer, &status, &[age_type()], &credential).unwrap_err();
    assert!(
        matches!(err, Error::Refused(ref why) if why.contains("urn:example:club:1")),
        "{err}"
    );
    let pinned = PinnedIssuer::new(ISS, issuer.key.public_key());
    let err = ReceiptCheck::new(&pinned, &status)
        .check(&credential, &issuer.holder, T.plus_seconds(60))
        .unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err}");
    // A wallet that knows the type names it.
    check(&issuer, &status, &[club], &credential).unwrap();
}

#[test]
fn a_credential_bound_to_another_key_is_refused() {
    let issuer = Issuer::new();
    let credential = issuer.issue(&age_type(), json!({"age_over_20": true}), 3);
    let pinned = PinnedIssuer::new(ISS, issuer.key.public_key());
    let status = issuer.list(&[]);
    let types = [age_type()];
    let check = ReceiptCheck::new(&pinned, &status).with_types(&types);
    let stranger = SecretKey::generate_p256().unwrap().public_key();
    let err = check.check(&credential, &stranger, T).unwrap_err();
    assert!(
        matches!(err, Error::Refused(ref why) if why.contains("holder key")),
        "{err}"
    );
}

#[test]
fn an_expired_credential_is_refused() {
    let issuer = Issuer::new();
    let credential = issuer.issue(&age_type(), json!({"age_over_20": true}), 3);
    let pinned = PinnedIssuer::new(ISS, issuer.key.public_key());
    let status = issuer.list(&[]);
    let types = [age_type()];
    let check = ReceiptCheck::new(&pinned, &status).with_types(&types);
    let err = check
        .check(&credential, &issuer.holder, T.plus_seconds(2 * 86_400))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::Jwt(
                myna_vc_core::JwtError::Expired { .. }
            ))
        ),
        "{err}"
    );
}

#[test]
fn a_trust_list_decides_which_issuer_may_issue_which_type() {
    use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
    let issuer = Issuer::new();
    let credential = issuer.issue(&age_type(), json!({"age_over_20": true}), 3);
    let authority = SecretKey::generate_p256().unwrap();
    let list = |vct: &str| {
        let token = TrustList::new("municipalities", 1, T, T.plus_seconds(86_400))
            .with_issuer(
                TrustedIssuer::municipality(ISS, "神戸市", "281000".parse().unwrap())
                    .with_key("k1", issuer.key.public_key())
                    .allowing(Vct::parse(vct).unwrap()),
            )
            .sign(&*default_provider().signer(&authority).unwrap())
            .unwrap();
        TrustList::verify(&token, default_provider(), &authority.public_key(), T).unwrap()
    };
    let status = issuer.list(&[]);
    let trusted = list("urn:myna-vc:vct:age:1");
    let types = [age_type()];
    let check = ReceiptCheck::new(&trusted, &status).with_types(&types);
    check
        .check(&credential, &issuer.holder, T.plus_seconds(60))
        .unwrap();
    let other_type = list("urn:myna-vc:vct:resident:1");
    let check = ReceiptCheck::new(&other_type, &status).with_types(&types);
    let err = check
        .check(&credential, &issuer.holder, T.plus_seconds(60))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::TrustList(
                myna_vc_core::TrustListError::VctNotAllowed { .. }
            ))
        ),
        "{err}"
    );
}
