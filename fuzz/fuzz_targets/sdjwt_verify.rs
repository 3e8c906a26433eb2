//! SD-JWT VC + KB-JWT verification (`sdjwt_vc::verify`) with the fixture issuer's key, the
//! fixed instant, audience and nonce. Oracle: an accepted presentation yields only claims the
//! issuer signed, of the expected `vct`, with a KB-JWT for this audience and nonce.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::{credential, input, oracle};
use myna_vc_core::sdjwt::{SdJwt, UnverifiedSdJwt};
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};

fuzz_target!(|data: &[u8]| {
    let Some(presentation) = input::text(data) else {
        return;
    };
    // The unverified readings a wallet or a verifier's trust-list lookup makes first.
    if let Ok(mut parsed) = UnverifiedSdJwt::parse(presentation) {
        let _ = parsed.unverified_payload();
    }
    if let Ok(sd) = SdJwt::parse(presentation) {
        let _ = sd.unverified_claims();
    }
    let options = VcVerifyOptions::at(credential::now(), credential::key_binding_rule())
        .expect_vct(credential::vct());
    let Ok(verified) = sdjwt_vc::verify(
        presentation,
        credential::provider(),
        credential::issuer_key(),
        &options,
    ) else {
        return;
    };
    oracle::assert_accepted_presentation(&verified);
});
