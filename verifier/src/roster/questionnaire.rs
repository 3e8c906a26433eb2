//! The medical questionnaire (問診票) an evacuee fills in in their wallet: Yabu digitises it and
//! links it with the shelter roster ("問診票のシステム化・避難所名簿との情報連携の実現",
//! `../shared/seeds/002_330378ace3b016db.txt:744`); Nomi manages evacuees' particular needs
//! ("被災者の特性管理（障害の程度…）", `../shared/seeds/000_2cab3622a7b836b8.txt:2502`).
//!
//! Health data is the most sensitive thing a shelter handles, so the answers are **sealed in the
//! wallet** to the shelter's medical staff key (JWE, ECDH-ES P-256 + A256GCM, vc-core's
//! [`jwe`](myna_vc_core::jwe)) and only when the evacuee consents ([`Consent`]): the desk and
//! the disaster HQ carry a [`SealedQuestionnaire`] — the entry id, the shelter, an opaque blob —
//! and only medical staff, holding the private key, [open](SealedQuestionnaire::open) it. The
//! answers name their entry and shelter inside the ciphertext, so a blob moved to another
//! person's entry is refused when opened, not read as theirs.
//!
//! ```
//! use myna_verifier::questionnaire::{Consent, Questionnaire, SealedQuestionnaire};
//! use myna_verifier::core::jwe::{EncryptionKey, RecipientKey};
//! let medical = EncryptionKey::generate()?;                       // kept by medical staff
//! let public = RecipientKey::from_jwk(&medical.public_jwk())?;    // posted at the desk
//! let entry = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
//! let answers = Questionnaire { fever: Some(false), allergies: Some("そば".into()),
//!                               ..Questionnaire::default() };
//! let sealed = answers.seal(entry, "s-1", &public, Consent::given())?;
//! assert!(!serde_json::to_string(&sealed)?.contains("そば"));     // opaque to desk and HQ
//! assert_eq!(sealed.open(&medical)?.allergies.as_deref(), Some("そば"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use myna_vc_core::jwe::{encrypt, ContentEncryption, EncryptionKey, RecipientKey};
use myna_vc_core::{Error, InputError};

use crate::roster::{is_digest, is_shelter_id};

/// The longest free-text answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 500;
/// The longest sealed blob a desk or the HQ accepts, in bytes.
pub const MAX_SEALED_BYTES: usize = 16 * 1024;

/// The evacuee's answers. Every answer is optional: they answer what they choose to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// A fever now (発熱).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fever: Option<bool>,
    /// Other symptoms now (咳, 下痢 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symptoms: Option<String>,
    /// Chronic conditions (持病).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chronic_conditions: Option<String>,
    /// Medication they need (服薬).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medication: Option<String>,
    /// Allergies, food included (アレルギー).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allergies: Option<String>,
    /// Disability or care needs (障害・介護).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care_needs: Option<String>,
    /// Pregnant (妊娠中).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnant: Option<bool>,
}

/// The evacuee's consent to disclose their answers to the shelter's medical staff. Sealing
/// needs one, so every call site says where the consent came from (the wallet asks; the CLI
/// needs `--consent`).
#[derive(Debug, Clone, Copy)]
pub struct Consent(());

impl Consent {
    /// The evacuee agreed, just now, to disclose the answers to medical staff.
    ///
    /// ```
    /// let _ = myna_verifier::questionnaire::Consent::given();
    /// ```
    pub fn given() -> Self {
        Consent(())
    }
}

/// What the ciphertext holds: the answers with the entry and shelter they belong to.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Plaintext {
    entry_id: String,
    shelter_id: String,
    answers: Questionnaire,
}

/// Sealed answers as the desk and the HQ carry them: opaque but for the entry and the shelter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedQuestionnaire {
    /// The roster entry the answers belong to.
    pub entry_id: String,
    /// The shelter whose medical staff can open them.
    pub shelter_id: String,
    /// The compact JWE.
    pub jwe: String,
}

fn wrong(what: &'static str, member: &str, expected: &'static str) -> Error {
    Error::Input(InputError::MemberType {
        what,
        member: member.to_owned(),
        expected,
    })
}

impl Questionnaire {
    /// Checks the answers: each text of 1 to 500 characters without control characters other
    /// than line breaks.
    ///
    /// ```
    /// use myna_verifier::questionnaire::Questionnaire;
    /// let long = Questionnaire { symptoms: Some("咳".repeat(501)), ..Default::default() };
    /// assert!(long.check().unwrap_err().to_string().contains("symptoms"));
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let texts = [
            ("symptoms", &self.symptoms),
            ("chronic_conditions", &self.chronic_conditions),
            ("medication", &self.medication),
            ("allergies", &self.allergies),
            ("care_needs", &self.care_needs),
        ];
        for (member, text) in texts {
            let Some(text) = text else { continue };
            if text.is_empty()
                || text.chars().count() > MAX_ANSWER_CHARS
                || text.chars().any(|c| c.is_control() && c != '\n')
            {
                return Err(wrong(
                    "questionnaire",
                    member,
                    "1 to 500 characters, without control characters",
                ));
            }
        }
        Ok(())
    }

    /// Seals the answers for entry `entry_id` at `shelter_id` to the shelter's medical staff
    /// key, with the evacuee's `consent`.
    pub fn seal(
        &self,
        entry_id: &str,
        shelter_id: &str,
        medical_staff: &RecipientKey,
        _consent: Consent,
    ) -> Result<SealedQuestionnaire, Error> {
        self.check()?;
        check_envelope(entry_id, shelter_id)?;
        let plaintext = Zeroizing::new(
            serde_json::to_vec(&Plaintext {
                entry_id: entry_id.to_owned(),
                shelter_id: shelter_id.to_owned(),
                answers: self.clone(),
            })
            .map_err(|_| wrong("questionnaire", "answers", "answers that serialise"))?,
        );
        let jwe = encrypt(&plaintext, medical_staff, ContentEncryption::A256Gcm)?;
        Ok(SealedQuestionnaire {
            entry_id: entry_id.to_owned(),
            shelter_id: shelter_id.to_owned(),
            jwe,
        })
    }
}

fn check_envelope(entry_id: &str, shelter_id: &str) -> Result<(), Error> {
    if !is_digest(entry_id) {
        return Err(wrong(
            "sealed questionnaire",
            "entry_id",
            "an entry id (43 base64url characters)",
        ));
    }
    if !is_shelter_id(shelter_id) {
        return Err(wrong(
            "sealed questionnaire",
            "shelter_id",
            "1 to 64 of A-Z a-z 0-9 . _ -",
        ));
    }
    Ok(())
}

impl SealedQuestionnaire {
    /// Checks what the desk and the HQ can check without the key: the entry id, the shelter
    /// id, a compact JWE of five base64url parts within 16 KiB.
    ///
    /// ```
    /// use myna_verifier::questionnaire::SealedQuestionnaire;
    /// let sealed = SealedQuestionnaire { entry_id: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".into(),
    ///                                    shelter_id: "s-1".into(), jwe: "plain text".into() };
    /// assert!(sealed.check().unwrap_err().to_string().contains("jwe"));
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        check_envelope(&self.entry_id, &self.shelter_id)?;
        let parts = self.jwe.split('.').count();
        let base64url = self
            .jwe
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if parts != 5 || !base64url || self.jwe.len() > MAX_SEALED_BYTES {
            return Err(wrong(
                "sealed questionnaire",
                "jwe",
                "a compact JWE (five base64url parts) of at most 16 KiB",
            ));
        }
        Ok(())
    }

    /// Opens the answers with the medical staff's private key. Refused (typed error) when the
    /// key is not the one they were sealed to, the blob was altered, or the answers inside
    /// belong to another entry or shelter than the envelope says.
    ///
    /// ```
    /// use myna_verifier::questionnaire::{Consent, Questionnaire};
    /// use myna_verifier::core::jwe::{EncryptionKey, RecipientKey};
    /// let medical = EncryptionKey::generate()?;
    /// let public = RecipientKey::from_jwk(&medical.public_jwk())?;
    /// let a = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    /// let b = "AAbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    /// let mut sealed = Questionnaire::default().seal(a, "s-1", &public, Consent::given())?;
    /// sealed.entry_id = b.into();                       // moved to another person's entry
    /// assert!(sealed.open(&medical).unwrap_err().to_string().contains("entry_id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(&self, medical_staff: &EncryptionKey) -> Result<Questionnaire, Error> {
        self.check()?;
        let plaintext = medical_staff.decrypt(&self.jwe, &[ContentEncryption::A256Gcm])?;
        let inner: Plaintext = serde_json::from_slice(&plaintext).map_err(|_| {
            wrong(
                "sealed questionnaire",
                "jwe",
                "sealed answers (entry_id, shelter_id, answers)",
            )
        })?;
        if inner.entry_id != self.entry_id {
            return Err(wrong(
                "sealed questionnaire",
                "entry_id",
                "the entry the answers were sealed for",
            ));
        }
        if inner.shelter_id != self.shelter_id {
            return Err(wrong(
                "sealed questionnaire",
                "shelter_id",
                "the shelter the answers were sealed for",
            ));
        }
        inner.answers.check()?;
        Ok(inner.answers)
    }
}
