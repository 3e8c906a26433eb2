//! The consent messages the `consent` target knows: a holder's record and action requests, a
//! recipient's use report and the registry's receipt, each signed (in the seeds) by a fixed
//! key. A message accepted under one of these keys must be one of these.

use std::sync::OnceLock;

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{
    ConsentAction, ConsentActionRequest, ConsentId, ConsentReceipt, ConsentRecord, ConsentTerms,
    ConsentUse, ConsentUseReport, Purpose, Recipient,
};
use myna_vc_core::crypto::{PublicKey, SecretKey};
use myna_vc_core::did::key::DidKey;
use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
use myna_vc_core::Result;

use crate::{credential, keys};

/// The consent's identifier.
pub const ID: [u8; 16] = *b"fuzz-consent-id!";

/// The holder's key (signs the record and the action requests).
pub fn holder_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| keys::fixed(0x60))
}

/// The recipient's key (its did:key signs use reports).
pub fn recipient_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| keys::fixed(0x61))
}

/// The registry's key (signs receipts).
pub fn registry_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| keys::fixed(0x62))
}

/// The registry's public key, which the target pins.
pub fn registry_key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| registry_secret().public_key())
}

/// The recipient (a did:key).
pub fn recipient() -> Result<Recipient> {
    let did = DidKey::from_public_key(&recipient_secret().public_key())?;
    Recipient::parse(did.did().as_str())
}

/// The terms the holder agreed to.
pub fn terms() -> Result<ConsentTerms> {
    let now = credential::now();
    Ok(ConsentTerms {
        id: ConsentId::from_bytes(ID),
        recipient: recipient()?,
        purpose: Purpose::new("見守り (family away)")?,
        vct: credential::vct().clone(),
        claims: vec![
            ClaimPath::key("given_name"),
            ClaimPath::key("address").then_key("locality"),
        ],
        not_before: now.minus_seconds(60),
        not_after: Some(now.plus_seconds(30 * 86_400)),
        usage: ConsentUse::OneTime,
    })
}

/// The signed record.
pub fn record() -> Result<ConsentRecord> {
    let signer = credential::provider().signer(holder_secret())?;
    ConsentRecord::sign(terms()?, &*signer, credential::now().minus_seconds(30))
}

/// The action requests the holder signed.
pub fn actions() -> Vec<ConsentActionRequest> {
    let iat = credential::now();
    [
        ConsentAction::Pause,
        ConsentAction::Resume,
        ConsentAction::Withdraw,
    ]
    .into_iter()
    .zip(1u64..)
    .map(|(action, seq)| ConsentActionRequest {
        consent: ConsentId::from_bytes(ID),
        action,
        seq,
        iat,
    })
    .collect()
}

/// The recipient's use report.
pub fn use_report() -> ConsentUseReport {
    ConsentUseReport {
        consent: ConsentId::from_bytes(ID),
        iat: credential::now(),
    }
}

/// The registry's receipt for the record.
pub fn receipt() -> Result<ConsentReceipt> {
    let status = StatusReference::new(
        StatusIndex::new(42),
        StatusListUri::new("https://city.example.jp/consent-status/1")?,
    );
    Ok(ConsentReceipt::for_record(
        &record()?,
        status,
        credential::now(),
    ))
}
