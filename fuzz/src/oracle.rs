//! The oracle of the verifier targets: an input the verifier accepted must not yield a claim
//! the issuer did not sign. Disclosing less is allowed (that is selective disclosure); a value
//! that differs, a claim that was never there, or an array element out of nowhere is a finding.

use serde_json::{Map, Value};

/// Panics (the fuzzer's crash) unless every claim of `accepted` is a sub-value of the claim of
/// the same name in `signed` (see [`is_sub_value`]).
pub fn assert_claims_signed(accepted: &Map<String, Value>, signed: &Map<String, Value>) {
    for (name, value) in accepted {
        let Some(original) = signed.get(name) else {
            panic!("accepted claim `{name}` was never signed by the issuer");
        };
        if !is_sub_value(value, original) {
            panic!("accepted claim `{name}` = {value} differs from the signed {original}");
        }
    }
}

/// Whether `got` is `signed` with, at most, some object members and array elements left out:
/// equal scalars; an object whose members are each a sub-value of the same member of
/// `signed`; an array whose elements are sub-values of elements of `signed`, in order.
pub fn is_sub_value(got: &Value, signed: &Value) -> bool {
    match (got, signed) {
        (Value::Object(got), Value::Object(signed)) => got
            .iter()
            .all(|(k, v)| signed.get(k).is_some_and(|s| is_sub_value(v, s))),
        (Value::Array(got), Value::Array(signed)) => {
            // Greedy subsequence match: each element of `got` takes the first element of
            // `signed` after the previous match that it is a sub-value of.
            let mut rest = signed.iter();
            got.iter().all(|g| rest.any(|s| is_sub_value(g, s)))
        }
        _ => got == signed,
    }
}

/// The whole oracle for an accepted presentation of the fixture credential: claims signed by
/// the issuer, the expected `vct`, and a KB-JWT for the expected audience and nonce.
pub fn assert_accepted_presentation(verified: &myna_vc_core::sdjwt_vc::VerifiedCredential) {
    use crate::credential;
    assert_claims_signed(verified.claims(), credential::signed_claims());
    assert_eq!(verified.vct(), credential::vct(), "accepted another vct");
    let Some(kb) = verified.disclosed().key_binding() else {
        panic!("accepted without the required KB-JWT");
    };
    assert_eq!(
        kb.audience,
        credential::AUDIENCE,
        "accepted a KB-JWT for another audience"
    );
    assert_eq!(
        kb.nonce,
        credential::NONCE,
        "accepted a KB-JWT with another nonce"
    );
}

/// Panics unless a parsed OpenID4VCI message prints (`to_json`) to JSON that parses back to
/// an equal message: what the issuer or wallet sends on is what it read.
pub fn assert_message_round_trip<M>(message: &M)
where
    M: myna_vc_core::oid4vci::Message + PartialEq + core::fmt::Debug,
{
    let json = match message.to_json() {
        Ok(json) => json,
        Err(e) => panic!("{} parsed but does not print: {e}", M::WHAT),
    };
    match M::from_json(json.as_bytes()) {
        Ok(again) => assert_eq!(
            &again,
            message,
            "{} changed through to_json\n{json}",
            M::WHAT
        ),
        Err(e) => panic!(
            "{} printed to JSON that does not parse: {e}\n{json}",
            M::WHAT
        ),
    }
}
