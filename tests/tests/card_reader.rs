//! The PC/SC path for real: the project's virtual My Number card in a virtual reader of a real
//! `pcscd` (vsmartcard's vpcd driver, through `myna_jpki::vpcd::VpcdBridge`), read with
//! `myna_jpki::pcsc::PcscTransport` exactly as a card in a USB reader is — select the JPKI AP,
//! read both certificates, verify PINs (and the lock-out after wrong ones), sign — and a wallet
//! anchored at an issuer through it.
//!
//! Each test starts its own `pcscd` (see `pcscd/mod.rs`) and stops it when done. Without the
//! Debian packages `pcscd` and `vsmartcard-vpcd` the tests fail and say to install them.
#![cfg(test)]

mod pcscd;

use std::sync::{Arc, Mutex, OnceLock};

use myna_issuer::endpoint::{JpkiSetup, Setup};
use myna_issuer::store::MemoryStore as IssuerStore;
use myna_jpki::apdu::{Command, StatusWord};
use myna_jpki::card::{
    AuthPin, Card, DigestInfo, JpkiCard, PinKind, ReaderProblem, SignPin, Transport,
};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::certificate::Certificate;
use myna_jpki::crl::Crl;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::pcsc::PcscTransport;
use myna_jpki::profile::{CertificateType, JPKI_AID};
use myna_jpki::test_ca::{IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_jpki::virtual_card::VirtualCard;
use myna_jpki::Error;
use myna_vc_core::crypto::{default_provider, Algorithm, PublicKey, SecretKey};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::time::{FixedClock, NumericDate};
use myna_wallet::credentials::ANCHOR_CONFIGURATION;
use myna_wallet::in_process::InProcessIssuer;
use myna_wallet::receipt::ReceiptCheck;
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::MemoryStore;
use myna_wallet::Wallet;
use pcscd::{Outcome, Pcscd, Slot};

/// 2023-11-14T22:13:20Z: the CA's roots and the card start here.
const T0: NumericDate = NumericDate::from_unix(1_700_000_000);
/// An hour later: when the tests run, on every clock they inject.
const NOW: NumericDate = NumericDate::from_unix(1_700_003_600);
const ISS: &str = "https://city.maebashi.example";
const AUTH_PIN: &str = "1234";
const SIGN_PIN: &str = "ABC123";

/// The test CA and one resident's card, made once (RSA key generation is slow).
struct Fixture {
    ca: Mutex<TestCa>,
    card: IssuedCard,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let key = TestKey::generate().unwrap();
        let mut ca = TestCa::new(key.clone(), key.clone(), T0).unwrap();
        let facts = HolderFacts {
            name: HolderName::plain("前橋　花子").unwrap(),
            sex: Sex::Female,
            birth_date: BirthDate::parse("419900505").unwrap(),
            address: Address::plain("群馬県前橋市大手町二丁目１２番１号").unwrap(),
        };
        let card = ca.issue_card(&facts, key.clone(), key, T0).unwrap();
        Fixture {
            ca: Mutex::new(ca),
            card,
        }
    })
}

/// A fresh card (full PIN counters) holding the fixture's certificates and keys.
fn virtual_card() -> Outcome<VirtualCard> {
    Ok(VirtualCard::new(
        &fixture().card,
        AuthPin::new(AUTH_PIN)?,
        SignPin::new(SIGN_PIN)?,
    ))
}

fn auth_pin() -> AuthPin {
    AuthPin::new(AUTH_PIN).unwrap()
}

fn sign_pin() -> SignPin {
    SignPin::new(SIGN_PIN).unwrap()
}

/// The card's signature over `message` verifies with the key of `certificate`, and not over
/// another message.
fn assert_signed_by(certificate: &[u8], message: &[u8], signature: &[u8]) -> Outcome {
    let key = PublicKey::Rsa(Certificate::parse(certificate)?.public_key().clone());
    default_provider().verify(Algorithm::Rs256, &key, message, signature)?;
    assert!(default_provider()
        .verify(Algorithm::Rs256, &key, b"another message", signature)
        .is_err());
    Ok(())
}

#[test]
fn the_jpki_ap_is_selected_read_and_signs_through_pcscd() -> Outcome {
    let mut daemon = Pcscd::start()?;
    let inserted = daemon.insert(Slot::First, virtual_card()?)?;
    let issued = &fixture().card;

    let mut transport = PcscTransport::connect(daemon.reader(Slot::First))?;
    let select = Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(JPKI_AID.to_vec());
    assert_eq!(transport.transmit(&select)?.status, StatusWord::SUCCESS);
    // An application the card does not have is not found (through the reader too).
    let other_ap = Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(vec![0xD3, 0x92, 0x10, 0x00]);
    assert_eq!(
        transport.transmit(&other_ap)?.status,
        StatusWord::FILE_NOT_FOUND
    );

    let mut card = JpkiCard::new(transport);
    let auth_certificate = card.read_auth_certificate()?;
    assert_eq!(auth_certificate, issued.authentication_certificate());
    let sign_certificate = card.read_sign_certificate(&sign_pin())?;
    assert_eq!(
        Some(sign_certificate.as_slice()),
        issued.signature_certificate()
    );
    assert_eq!(
        card.pin_tries_left(PinKind::Authentication)?,
        AuthPin::TRIES
    );
    assert_eq!(card.pin_tries_left(PinKind::Signature)?, SignPin::TRIES);

    let message = b"signed through pcscd";
    let signature = card.sign_with_auth_key(&auth_pin(), &DigestInfo::sha256(message))?;
    assert_signed_by(&auth_certificate, message, &signature)?;
    let signature = card.sign_with_sign_key(&sign_pin(), &DigestInfo::sha256(message))?;
    assert_signed_by(&sign_certificate, message, &signature)?;

    daemon.remove(inserted)?;
    Ok(())
}

#[test]
fn wrong_pins_count_down_then_lock_the_card_for_good() -> Outcome {
    let mut daemon = Pcscd::start()?;
    let inserted = daemon.insert(Slot::First, virtual_card()?)?;
    let mut card = JpkiCard::new(PcscTransport::connect(daemon.reader(Slot::First))?);
    let digest = DigestInfo::sha256(b"x");

    let wrong_auth = AuthPin::new("0000")?;
    for tries_left in (1..AuthPin::TRIES).rev() {
        assert_eq!(
            card.sign_with_auth_key(&wrong_auth, &digest),
            Err(Error::WrongPin { tries_left })
        );
        assert_eq!(card.pin_tries_left(PinKind::Authentication)?, tries_left);
    }
    assert_eq!(
        card.sign_with_auth_key(&wrong_auth, &digest),
        Err(Error::PinLocked)
    );
    // Locked: the right PIN is refused too.
    assert_eq!(
        card.sign_with_auth_key(&auth_pin(), &digest),
        Err(Error::PinLocked)
    );
    assert_eq!(card.pin_tries_left(PinKind::Authentication)?, 0);

    let wrong_sign = SignPin::new("WRONG1")?;
    for tries_left in (1..SignPin::TRIES).rev() {
        assert_eq!(
            card.read_sign_certificate(&wrong_sign),
            Err(Error::WrongPin { tries_left })
        );
    }
    assert_eq!(
        card.read_sign_certificate(&wrong_sign),
        Err(Error::PinLocked)
    );
    assert_eq!(
        card.read_sign_certificate(&sign_pin()),
        Err(Error::PinLocked)
    );
    drop(card);

    // Out of the reader and in again (power cycle): the card is still locked.
    let locked = daemon.remove(inserted)?;
    let inserted = daemon.insert(Slot::First, locked)?;
    let mut card = JpkiCard::new(PcscTransport::connect(daemon.reader(Slot::First))?);
    assert_eq!(
        card.sign_with_auth_key(&auth_pin(), &digest),
        Err(Error::PinLocked)
    );
    assert_eq!(card.pin_tries_left(PinKind::Signature)?, 0);
    // Reading the authentication certificate needs no PIN, locked or not.
    assert_eq!(
        card.read_auth_certificate()?,
        fixture().card.authentication_certificate()
    );
    drop(card);
    daemon.remove(inserted)?;
    Ok(())
}

#[test]
fn connect_first_takes_the_reader_with_the_card_and_reader_errors_say_what_to_do() -> Outcome {
    let mut daemon = Pcscd::start()?;

    // Two readers, no card: the error lists the readers looked at.
    match PcscTransport::connect_first() {
        Err(Error::CardReader(ReaderProblem::NoCard { readers })) => {
            assert_eq!(readers, daemon.reader_names());
        }
        other => panic!("no card inserted: {other:?}"),
    }

    // The card goes into the second reader: the empty first one is passed over.
    let inserted = daemon.insert(Slot::Second, virtual_card()?)?;
    let mut card = JpkiCard::new(PcscTransport::connect_first()?);
    assert_eq!(
        card.read_auth_certificate()?,
        fixture().card.authentication_certificate()
    );
    let empty = daemon.reader(Slot::First).to_string_lossy().into_owned();
    match PcscTransport::connect(daemon.reader(Slot::First)) {
        Err(Error::CardReader(ReaderProblem::NoCard { readers })) => assert_eq!(readers, [empty]),
        other => panic!("the empty slot: {other:?}"),
    }
    let unknown = c"No Such Reader 00 00";
    match PcscTransport::connect(unknown) {
        Err(Error::CardReader(ReaderProblem::UnknownReader { reader, known })) => {
            assert_eq!(reader, "No Such Reader 00 00");
            assert_eq!(known, daemon.reader_names());
        }
        other => panic!("a reader that does not exist: {other:?}"),
    }

    // The card is pulled out mid-session: the next command says so.
    daemon.remove(inserted)?;
    let err = card.read_auth_certificate().unwrap_err();
    assert_eq!(err, Error::CardReader(ReaderProblem::CardRemoved));
    assert!(err.to_string().contains("insert it again"), "{err}");
    drop(card);

    // No daemon at all (checked before the next test may start one).
    let _stopped = daemon.stop();
    let err = PcscTransport::connect_first().unwrap_err();
    assert_eq!(err, Error::CardReader(ReaderProblem::NoService));
    assert!(err.to_string().contains("start it"), "{err}");
    Ok(())
}

/// The city's issuer in this process (the issuer library's endpoints behind the wallet's
/// transport), trusting the test CA's roots and CRLs, on a clock fixed at [`NOW`].
fn maebashi() -> Outcome<InProcessIssuer> {
    let mut ca = fixture().ca.lock().map_err(|_| "the CA lock is poisoned")?;
    let validator = Validator::new(ca.root_set(default_provider())?, default_provider());
    let crls = CertificateType::ALL
        .into_iter()
        .map(|ty| {
            let der = ca.crl(ty, NOW, NOW.plus_seconds(86_400))?;
            Ok(Crl::parse(&der, validator.roots(), default_provider())?)
        })
        .collect::<Outcome<Vec<_>>>()?;
    let key = SecretKey::generate_p256()?;
    let municipality = Municipality::new("102016".parse()?, "群馬県", "前橋市")?;
    let mut setup = Setup::new(
        IssuerStore::new(),
        default_provider().signer(&key)?,
        IssuerId::new(ISS)?,
        Some(municipality),
    )?;
    setup.jpki = Some(JpkiSetup {
        validator,
        linking: Arc::new(ca.linking().clone()),
    });
    setup.crls = crls;
    Ok(InProcessIssuer::new(setup, Arc::new(FixedClock(NOW)))?)
}

#[test]
fn a_wallet_anchors_with_the_card_in_a_pcsc_reader() -> Outcome {
    let mut daemon = Pcscd::start()?;
    let inserted = daemon.insert(Slot::First, virtual_card()?)?;
    let issuer = maebashi()?;

    // Two handles on the one card (PC/SC shares it): the authentication key anchors, the
    // signature key lets the issuer read the certified facts.
    let auth = CardSigner::authentication(
        JpkiCard::new(PcscTransport::connect(daemon.reader(Slot::First))?),
        auth_pin(),
    )?;
    let facts = CardSigner::signature(
        JpkiCard::new(PcscTransport::connect(daemon.reader(Slot::First))?),
        sign_pin(),
    )?;
    assert_eq!(
        auth.certificate().der(),
        fixture().card.authentication_certificate()
    );

    let wallet = Wallet::create(
        MemoryStore::new(),
        "test wallet passphrase",
        KdfParams::new(64, 1, 1)?,
        NOW,
    )?;
    let (pinned, status) = (issuer.pinned(), issuer.status()?);
    let check = ReceiptCheck::new(&pinned, &status);
    let (anchor, grant) =
        wallet.anchor_with_facts(&issuer, issuer.id(), &auth, Some(&facts), &check, NOW)?;

    assert_eq!(anchor.configuration_id, ANCHOR_CONFIGURATION);
    assert_eq!(anchor.issuer, ISS);
    let held = wallet.credentials()?;
    assert!(held.iter().any(|c| c.id == anchor.id), "{held:?}");
    let offer = grant
        .credential_offer
        .ok_or("the facts were read: the issuer should offer credentials")?;
    let mut offered = offer.credential_configuration_ids.clone();
    offered.sort();
    assert_eq!(offered, ["age", "resident"]);
    drop((auth, facts));
    daemon.remove(inserted)?;
    Ok(())
}
