//! Issue 14 §5 at the verifier: a non-municipal issuer (the Izu DMO) is trusted for what its
//! signed trust-list entry allows — memberships — and a resident credential signed with its
//! key is refused for the trust-list reason, whatever municipality the credential names.

mod common;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::Error;
use myna_verifier::core::TrustListError;
use myna_verifier::decision::Reason;
use myna_verifier::policy::residency::Residency;

#[test]
fn a_resident_credential_signed_by_the_dmo_is_refused_by_the_trust_list() {
    let world = World::new();
    // Atami's residents (222054) and Kobe's (281000): the DMO speaks for neither.
    for (code, prefecture) in [("222054", "22"), ("281000", "28")] {
        let policy = Residency::of(code.parse().unwrap()).unwrap();
        let holder = Holder::new();
        let (forged, _) = world.issue(
            DMO,
            Kind::Resident,
            resident_claims(code, prefecture),
            &holder,
        );
        let presentation = world.present(&forged, &holder, &[], "dmo-1");
        let decision =
            world
                .verifier
                .verify(&policy, &single("resident", &presentation), &nonce("dmo-1"));
        assert_eq!(decision.reason(), Some(Reason::IssuerNotAllowed), "{code}");
        let cause = decision.rejection().and_then(|r| r.cause.as_ref());
        assert!(
            matches!(cause, Some(Error::TrustList(TrustListError::VctNotAllowed { issuer, vct }))
                if issuer == DMO && vct == Kind::Resident.vct()),
            "{cause:?}"
        );
    }
    // The same key's own credential type is trusted.
    assert!(world
        .verifier
        .trust()
        .list()
        .authorize(
            DMO,
            &myna_verifier::core::sdjwt_vc::Vct::parse(Kind::FanClubMembership.vct()).unwrap(),
            t(0)
        )
        .is_ok());
}
