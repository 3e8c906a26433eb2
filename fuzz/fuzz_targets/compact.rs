//! The compact in-person form: `MV1:` presentations (`compact::decode`), `MVC1:` challenges
//! (`InPersonChallenge::parse`), gate nonces and the KB-JWT nonce reader. Oracles: a decoded
//! presentation compacts back to a text that decodes to the same presentation; a parsed
//! challenge prints back to a text that parses to the same challenge; and a decoded
//! presentation the verifier accepts yields only what the issuer signed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::{credential, input, oracle};
use myna_vc_core::compact::{self, GateId, GateKey, GateNonce, InPersonChallenge};
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};

fuzz_target!(|data: &[u8]| {
    let Some(text) = input::text(data) else {
        return;
    };
    if let Ok(challenge) = InPersonChallenge::parse(text) {
        let again = InPersonChallenge::parse(&challenge.to_string());
        assert_eq!(
            again.as_ref(),
            Ok(&challenge),
            "a challenge does not survive printing"
        );
    }
    let _ = compact::key_binding_nonce(text);
    if let Ok(gate) = GateId::parse("gate-1") {
        let _ = GateNonce::accept(
            &GateKey::from_bytes([9; 32]),
            &gate,
            text,
            credential::now(),
        );
    }
    let Ok(presentation) = compact::decode(text) else {
        return;
    };
    assert!(
        presentation.len() <= compact::MAX_PACKED_BYTES * 2,
        "decoded beyond the bound"
    );
    if let Ok(again) = compact::encode(&presentation) {
        assert_eq!(
            compact::decode(&again).as_deref(),
            Ok(presentation.as_str()),
            "compact round trip changed the presentation"
        );
    }
    let options = VcVerifyOptions::at(credential::now(), credential::key_binding_rule())
        .expect_vct(credential::vct());
    if let Ok(verified) = sdjwt_vc::verify(
        &presentation,
        credential::provider(),
        credential::issuer_key(),
        &options,
    ) {
        oracle::assert_accepted_presentation(&verified);
    }
});
