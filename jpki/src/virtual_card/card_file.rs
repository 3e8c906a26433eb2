//! A virtual card kept in a file between uses: its certificates, the roots, its private keys,
//! its PINs and their retry counters, as JSON.
//!
//! It stands in for a resident's plastic card in a **test** environment. Everything a real
//! card guards is in it in the clear (keys, PINs), so it is for test environments only and
//! must be kept like a key file (the command line writes it with mode 0600). What a real card
//! remembers between uses, it remembers too: a wrong PIN spends a try, a locked PIN stays
//! locked, once the caller writes the card back with [`VirtualCard::to_file_json`].

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{PinState, SignatureApp, VirtualCard};
use crate::card::{AuthPin, SignPin};
use crate::certificate::Certificate;
use crate::error::{Error, Result};
use crate::profile::CertificateType;
use crate::test_ca::TestKey;
use crate::test_file::{decode, decode_secret, encode_secret, to_secret_json, SecretText};

/// The `format` of the file; another value is refused rather than misread.
const FORMAT: &str = "myna-jpki/virtual-card/1";
/// What the file says about itself, for whoever opens it.
const NOTICE: &str =
    "TEST virtual My Number card: private keys and PINs in the clear; for test environments only";
/// The largest card file read (two certificates, two roots and two keys are ~10 KB).
const MAX_CARD_FILE_BYTES: usize = 256 * 1024;
const WHAT: &str = "virtual card file";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardFile {
    format: String,
    notice: String,
    authentication: AppFile,
    /// None on a card of a child under 15.
    signature: Option<AppFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AppFile {
    /// base64 DER of the end-entity certificate.
    certificate: String,
    /// base64 DER of the root that issued it (the card's CA EF).
    root: String,
    /// base64 PKCS#8 DER of the card key.
    private_key: SecretText,
    pin: SecretText,
    pin_tries_left: u8,
}

fn bad(detail: impl Into<String>) -> Error {
    Error::TestFile {
        what: WHAT,
        detail: detail.into(),
    }
}

impl PinState {
    /// The PIN as text (PINs are ASCII: digits, or upper-case letters and digits).
    fn text(&self) -> SecretText {
        let pin = self.secret.get(..usize::from(self.len)).unwrap_or_default();
        SecretText(Zeroizing::new(String::from_utf8_lossy(pin).into_owned()))
    }

    /// A PIN read back from a file with the tries it had left.
    fn restored(pin: &[u8], max_tries: u8, tries_left: u8, field: &str) -> Result<PinState> {
        if tries_left > max_tries {
            return Err(bad(format!(
                "{field}: {tries_left} tries left, more than the card's {max_tries}"
            )));
        }
        let mut state = PinState::new(pin, max_tries);
        state.tries_left = tries_left;
        Ok(state)
    }
}

impl VirtualCard {
    /// The card as JSON (see the module `virtual_card::card_file`): keys and PINs in the
    /// clear, so keep it like a key file. The PIN counters are saved as they stand now; a
    /// PIN verified in this session is not (a card loaded back starts unverified, as a real
    /// card does when it is inserted again).
    ///
    /// ```
    /// # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, card::*, virtual_card::VirtualCard};
    /// # use myna_vc_core::time::NumericDate;
    /// # let t = NumericDate::from_unix(1_700_000_000);
    /// # let key = TestKey::generate()?;
    /// # let mut ca = TestCa::new(key.clone(), key.clone(), t)?;
    /// # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
    /// #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市")? };
    /// # let issued = ca.issue_card(&facts, key.clone(), key, t)?;
    /// let mut card = JpkiCard::new(VirtualCard::new(&issued, AuthPin::new("1234")?, SignPin::new("ABC123")?));
    /// assert!(card.sign_with_auth_key(&AuthPin::new("0000")?, &DigestInfo::sha256(b"x")).is_err());
    /// // Saved and loaded back, the card still counts the wrong PIN.
    /// let file = card.into_inner().to_file_json()?;
    /// let mut again = JpkiCard::new(VirtualCard::from_file_json(file.as_bytes())?);
    /// assert_eq!(again.pin_tries_left(PinKind::Authentication)?, 2);
    /// assert_eq!(again.read_auth_certificate()?, issued.authentication_certificate());
    /// # Ok::<(), myna_jpki::Error>(())
    /// ```
    pub fn to_file_json(&self) -> Result<Zeroizing<String>> {
        let app = |certificate: &[u8], root: &[u8], key: &TestKey, pin: &PinState| {
            Ok::<_, Error>(AppFile {
                certificate: base64::engine::general_purpose::STANDARD.encode(certificate),
                root: base64::engine::general_purpose::STANDARD.encode(root),
                private_key: encode_secret(&key.to_pkcs8_der()?),
                pin: pin.text(),
                pin_tries_left: pin.tries_left,
            })
        };
        let file = CardFile {
            format: FORMAT.to_owned(),
            notice: NOTICE.to_owned(),
            authentication: app(
                &self.auth_certificate,
                &self.auth_ca,
                &self.auth_key,
                &self.auth_pin,
            )?,
            signature: self
                .signature
                .as_ref()
                .map(|s| app(&s.certificate, &s.ca, &s.key, &s.pin))
                .transpose()?,
        };
        to_secret_json(&file, 32 * 1024, WHAT)
    }

    /// Loads a card saved by [`to_file_json`](Self::to_file_json). Each certificate must be
    /// of its slot's type and certify the key saved with it, each PIN must have its kind's
    /// format and its counter at most the kind's tries; anything else is
    /// [`Error::TestFile`] saying what (never the PIN or key).
    pub fn from_file_json(json: &[u8]) -> Result<VirtualCard> {
        Error::check_size(WHAT, json.len(), MAX_CARD_FILE_BYTES)?;
        let file: CardFile = serde_json::from_slice(json).map_err(|e| bad(e.to_string()))?;
        if file.format != FORMAT {
            return Err(bad(format!("format {:.40} is not {FORMAT}", file.format)));
        }
        let auth = load_app(&file.authentication, CertificateType::Authentication)?;
        let auth_pin = AuthPin::new(&file.authentication.pin.0)
            .map_err(|e| bad(format!("authentication: {e}")))?;
        let signature = match &file.signature {
            None => None,
            Some(app) => {
                let (certificate, ca, key) = load_app(app, CertificateType::Signature)?;
                let pin = SignPin::new(&app.pin.0).map_err(|e| bad(format!("signature: {e}")))?;
                Some(SignatureApp {
                    certificate,
                    ca,
                    key,
                    pin: PinState::restored(
                        pin.as_bytes(),
                        SignPin::TRIES,
                        app.pin_tries_left,
                        "signature PIN",
                    )?,
                })
            }
        };
        let (auth_certificate, auth_ca, auth_key) = auth;
        Ok(VirtualCard {
            ap_selected: false,
            current: None,
            auth_certificate,
            auth_ca,
            auth_key,
            auth_pin: PinState::restored(
                auth_pin.as_bytes(),
                AuthPin::TRIES,
                file.authentication.pin_tries_left,
                "authentication PIN",
            )?,
            signature,
        })
    }
}

/// One application's certificate, root and key, checked against each other.
fn load_app(app: &AppFile, slot: CertificateType) -> Result<(Vec<u8>, Vec<u8>, TestKey)> {
    let certificate = decode(&app.certificate, "certificate").map_err(bad)?;
    let root = decode(&app.root, "root").map_err(bad)?;
    let key =
        TestKey::from_pkcs8_der(&decode_secret(&app.private_key, "private key").map_err(bad)?)?;
    let parsed = Certificate::parse(&certificate).map_err(|e| bad(format!("{slot}: {e}")))?;
    if parsed.certificate_type() != slot {
        return Err(bad(format!(
            "the {slot} slot holds a {} certificate",
            parsed.certificate_type()
        )));
    }
    if parsed.public_key() != &key.public_key() {
        return Err(bad(format!(
            "the {slot} certificate does not certify the saved key"
        )));
    }
    Ok((certificate, root, key))
}
