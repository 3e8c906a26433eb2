//! The outcome of one verification: accepted or rejected, with ONE reason a cashier can act on
//! (in Japanese and English, and through [`Reason::text`] in any of the six languages of the
//! message catalogue `vocabulary/messages/reasons.json`), the disclosed claims, the matched issuer and how stale the
//! revocation data was.
//!
//! A [`Reason`] is deliberately coarse (what the person at the counter can do about it); the
//! technical cause, when vc-core produced one, travels alongside as [`Rejection::cause`] so logs
//! and tests can tell a duplicate digest from an unreferenced disclosure.
//!
//! ```
//! use myna_verifier::decision::{Reason, Rejection};
//! use myna_verifier::core::Error;
//! let r = Rejection::from_error(Error::Jwt(myna_verifier::core::JwtError::Expired {
//!     exp: myna_verifier::core::time::NumericDate::from_unix(1),
//!     now: myna_verifier::core::time::NumericDate::from_unix(2),
//! }));
//! assert_eq!(r.reason, Reason::Expired);
//! assert_eq!(r.reason.text_en(), "The credential has expired.");
//! assert_eq!(r.reason.text_ja(), "証明書の有効期限が切れています。");
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use myna_vc_core::time::NumericDate;
use myna_vc_core::{
    CalendarError, CompactError, ConsentError, DidError, Error, InputError, JoseError, JwtError,
    MunicipalError, Oid4vciError, Oid4vpError, SdJwtError, SdJwtVcError, StatusListError,
    TrustListError,
};
use myna_vocabulary::messages;
/// The catalogue's languages ([`Reason::text`]), re-exported from `myna_vocabulary::messages`.
pub use myna_vocabulary::messages::Lang;

/// Why a presentation was refused, at the level a cashier or gate attendant can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Not a presentation this verifier can read (garbage, truncated, too large, too deeply
    /// nested, not UTF-8).
    Unreadable,
    /// A signature does not verify, or a part was altered after signing.
    Tampered,
    /// Signed in a way that is never accepted (`alg: none`, unknown algorithm, `crit`).
    UnsupportedFormat,
    /// A token of the wrong kind (`typ`) or a credential of a type the policy did not ask for.
    WrongCredentialType,
    /// The credential has expired.
    Expired,
    /// The credential is not valid yet.
    NotYetValid,
    /// The issuer revoked the credential.
    Revoked,
    /// The issuer suspended the credential.
    Suspended,
    /// The issuer is not in the trust list (or no longer / not yet trusted).
    UntrustedIssuer,
    /// The issuer is trusted, but not for this kind of credential (or this municipality).
    IssuerNotAllowed,
    /// The presentation is not bound to this request (key binding missing, wrong nonce,
    /// wrong audience, altered, or too old).
    NotBoundToRequest,
    /// This exact presentation (or this request's nonce) was already used.
    Replayed,
    /// No revocation data for this credential is cached.
    StatusUnavailable,
    /// The cached revocation data is older than this policy allows.
    StatusTooStale,
    /// A credential the policy needs was not presented.
    MissingCredential,
    /// A claim the policy needs was not disclosed.
    MissingClaim,
    /// Not a resident of the required municipality.
    NotResident,
    /// Younger than the policy requires.
    UnderAge,
    /// Older than the policy allows.
    OverAge,
    /// Not a member of the required club.
    NotMember,
    /// This person already made the one allowed purchase in this sale.
    AlreadyRedeemed,
    /// The pseudonym was issued for another context (sale, forum, …).
    WrongContext,
    /// This person already has an account (or entry) in this context.
    AlreadyRegistered,
    /// Credentials that must belong to one holder are bound to different keys.
    HolderMismatch,
    /// The subsidy does not cover the visit date.
    NotCovered,
    /// The consent was withdrawn.
    ConsentWithdrawn,
    /// The consent is paused.
    ConsentPaused,
    /// The one-time consent was already used.
    ConsentUsed,
    /// The visit or use is outside the consent's period.
    ConsentOutsidePeriod,
    /// The consent is for another recipient, purpose or credential.
    ConsentNotApplicable,
    /// A local store (ledger, replay guard) could not answer; nothing was accepted.
    TryAgain,
    /// The encrypted response could not be decrypted: encrypted to another key (another
    /// session's, a stranger's), altered, or in an algorithm not accepted.
    ResponseUndecryptable,
    /// The request asked for an encrypted response and the wallet (or someone in between)
    /// answered in plain text.
    ResponseModeDowngrade,
    /// The presentation session (a Digital Credentials API request) expired before the answer
    /// came.
    SessionExpired,
    /// This person already cast a ballot in this poll.
    AlreadyVoted,
    /// The poll is not open (not yet, or no longer).
    PollClosed,
    /// No pass or coupon of this offer was granted to this person.
    NoPass,
    /// The pass or coupon was already used as many times as it allows.
    UsesExhausted,
    /// The pass or coupon is not valid on this date.
    PassOutsidePeriod,
    /// This person is not checked in at this shelter (a check-out without a check-in).
    NotCheckedIn,
}

impl Reason {
    /// Every reason, in declaration order.
    pub const ALL: [Reason; 40] = {
        use Reason::*;
        [
            Unreadable,
            Tampered,
            UnsupportedFormat,
            WrongCredentialType,
            Expired,
            NotYetValid,
            Revoked,
            Suspended,
            UntrustedIssuer,
            IssuerNotAllowed,
            NotBoundToRequest,
            Replayed,
            StatusUnavailable,
            StatusTooStale,
            MissingCredential,
            MissingClaim,
            NotResident,
            UnderAge,
            OverAge,
            NotMember,
            AlreadyRedeemed,
            WrongContext,
            AlreadyRegistered,
            HolderMismatch,
            NotCovered,
            ConsentWithdrawn,
            ConsentPaused,
            ConsentUsed,
            ConsentOutsidePeriod,
            ConsentNotApplicable,
            TryAgain,
            ResponseUndecryptable,
            ResponseModeDowngrade,
            SessionExpired,
            AlreadyVoted,
            PollClosed,
            NoPass,
            UsesExhausted,
            PassOutsidePeriod,
            NotCheckedIn,
        ]
    };

    /// The reason whose [`code`](Self::code) is `code`.
    ///
    /// ```
    /// use myna_verifier::decision::Reason;
    /// assert_eq!(Reason::from_code("under_age"), Some(Reason::UnderAge));
    /// assert_eq!(Reason::from_code("bogus"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Reason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The stable machine name (`snake_case`), as in the JSON form and the message catalogue
    /// (`vocabulary/messages/reasons.json`).
    pub fn code(self) -> &'static str {
        use Reason::*;
        match self {
            Unreadable => "unreadable",
            Tampered => "tampered",
            UnsupportedFormat => "unsupported_format",
            WrongCredentialType => "wrong_credential_type",
            Expired => "expired",
            NotYetValid => "not_yet_valid",
            Revoked => "revoked",
            Suspended => "suspended",
            UntrustedIssuer => "untrusted_issuer",
            IssuerNotAllowed => "issuer_not_allowed",
            NotBoundToRequest => "not_bound_to_request",
            Replayed => "replayed",
            StatusUnavailable => "status_unavailable",
            StatusTooStale => "status_too_stale",
            MissingCredential => "missing_credential",
            MissingClaim => "missing_claim",
            NotResident => "not_resident",
            UnderAge => "under_age",
            OverAge => "over_age",
            NotMember => "not_member",
            AlreadyRedeemed => "already_redeemed",
            HolderMismatch => "holder_mismatch",
            AlreadyRegistered => "already_registered",
            WrongContext => "wrong_context",
            NotCovered => "not_covered",
            ConsentWithdrawn => "consent_withdrawn",
            ConsentPaused => "consent_paused",
            ConsentUsed => "consent_used",
            ConsentOutsidePeriod => "consent_outside_period",
            ConsentNotApplicable => "consent_not_applicable",
            TryAgain => "try_again",
            ResponseUndecryptable => "response_undecryptable",
            ResponseModeDowngrade => "response_mode_downgrade",
            SessionExpired => "session_expired",
            AlreadyVoted => "already_voted",
            PollClosed => "poll_closed",
            NoPass => "no_pass",
            UsesExhausted => "uses_exhausted",
            PassOutsidePeriod => "pass_outside_period",
            NotCheckedIn => "not_checked_in",
        }
    }

    /// What to tell the person at the counter, in `lang` (from the six-language message
    /// catalogue, `myna_vocabulary::messages`). Built without the `all-languages` feature (the
    /// npm package), only Japanese and English are compiled in: other languages fall back to
    /// English. A reason missing from the catalogue (a test forbids it) shows its code.
    ///
    /// ```
    /// use myna_verifier::decision::{Lang, Reason};
    /// assert_eq!(Reason::UsesExhausted.text(Lang::Vi), "Vé hoặc phiếu ưu đãi đã hết số lần sử dụng.");
    /// assert_eq!(Reason::UnderAge.text(Lang::PtBr), "Abaixo da idade exigida.");
    /// ```
    pub fn text(self, lang: Lang) -> &'static str {
        // The catalogue lists the reasons in `ALL`'s order (a test holds it), so a reason's
        // texts are found by its place, without a second copy of every code in the binary.
        let index = self as usize;
        messages::reason_text_at(index, lang)
            .or_else(|| messages::reason_text_at(index, Lang::En))
            .unwrap_or(self.code())
    }

    /// What to tell the person at the counter, in English ([`text`](Self::text) in
    /// [`Lang::En`]).
    ///
    /// ```
    /// use myna_verifier::decision::Reason;
    /// assert_eq!(Reason::Revoked.text_en(), "The issuer has revoked the credential.");
    /// ```
    pub fn text_en(self) -> &'static str {
        self.text(Lang::En)
    }

    /// What to tell the person at the counter, in Japanese ([`text`](Self::text) in
    /// [`Lang::Ja`]).
    ///
    /// ```
    /// use myna_verifier::decision::Reason;
    /// assert_eq!(Reason::Revoked.text_ja(), "発行元が証明書を失効させています。");
    /// ```
    pub fn text_ja(self) -> &'static str {
        self.text(Lang::Ja)
    }

    /// The reason a vc-core error means at the counter. Unknown future variants fail closed as
    /// [`Reason::Tampered`].
    pub fn of_error(error: &Error) -> Reason {
        match error {
            Error::Input(_) | Error::ClaimPath(_) => Reason::Unreadable,
            Error::Jose(e) => Self::of_jose(e),
            Error::Jwt(e) => match e {
                JwtError::WrongType { .. } => Reason::WrongCredentialType,
                JwtError::Expired { .. } => Reason::Expired,
                JwtError::NotYetValid { .. } | JwtError::IssuedInFuture { .. } => {
                    Reason::NotYetValid
                }
                JwtError::MissingClaim(_) => Reason::MissingClaim,
                _ => Reason::Tampered,
            },
            Error::SdJwt(e) => Self::of_sd_jwt(e),
            Error::SdJwtVc(
                SdJwtVcError::WrongVct { .. } | SdJwtVcError::SchemaViolation { .. },
            ) => Reason::WrongCredentialType,
            Error::StatusList(e) => match e {
                StatusListError::UriMismatch { .. } | StatusListError::IndexOutOfRange { .. } => {
                    Reason::StatusUnavailable
                }
                StatusListError::InvalidUri { .. } => Reason::Unreadable,
                _ => Reason::Tampered,
            },
            Error::TrustList(e) => Self::of_trust_list(e),
            Error::Calendar(CalendarError::InvalidDate(_) | CalendarError::OutOfRange(_)) => {
                Reason::Unreadable
            }
            Error::Municipal(
                MunicipalError::CodeLength { .. }
                | MunicipalError::CodeNotDigit { .. }
                | MunicipalError::CheckDigitMismatch { .. }
                | MunicipalError::UnknownPrefecture(_),
            ) => Reason::Unreadable,
            Error::Compact(CompactError::GateNonceMismatch) => Reason::NotBoundToRequest,
            // Every other compact error is a QR text that does not decode.
            Error::Compact(_) => Reason::Unreadable,
            Error::Oid4vp(Oid4vpError::ResponseModeDowngrade { .. }) => {
                Reason::ResponseModeDowngrade
            }
            Error::Oid4vp(Oid4vpError::OriginNotExpected) => Reason::NotBoundToRequest,
            Error::Oid4vp(Oid4vpError::UnsupportedProtocol(_)) => Reason::UnsupportedFormat,
            // Every JWE failure of a response: not decryptable by this session's key (another
            // key, altered, an algorithm not accepted, not a JWE at all).
            Error::Jwe(_) => Reason::ResponseUndecryptable,
            Error::Oid4vp(
                Oid4vpError::InvalidOrigin(_)
                | Oid4vpError::MissingParameter(_)
                | Oid4vpError::ConflictingParameters(_)
                | Oid4vpError::InvalidParameter { .. }
                | Oid4vpError::NoQuery,
            ) => Reason::Unreadable,
            Error::Consent(e) => Self::of_consent(e),
            Error::Did(DidError::ForeignMethod | DidError::DuplicateMethodId)
            | Error::Oid4vci(
                Oid4vciError::DraftRequestMember(_)
                | Oid4vciError::InvalidIssuerId { .. }
                | Oid4vciError::UnsupportedAuthorizationDetail(_),
            ) => Reason::Unreadable,
            _ => Reason::Tampered,
        }
    }

    fn of_jose(error: &JoseError) -> Reason {
        match error {
            JoseError::NotCompact => Reason::Unreadable,
            JoseError::AlgNone
            | JoseError::UnsupportedAlgorithm(_)
            | JoseError::UnsupportedCritical(_)
            | JoseError::UnencodedPayload
            | JoseError::UnsupportedKeyType(_)
            | JoseError::AlgorithmKeyMismatch { .. } => Reason::UnsupportedFormat,
            _ => Reason::Tampered,
        }
    }

    fn of_sd_jwt(error: &SdJwtError) -> Reason {
        match error {
            SdJwtError::NotAnSdJwt(_) | SdJwtError::MalformedDisclosure(_) => Reason::Unreadable,
            SdJwtError::UnsupportedSdAlg(_) => Reason::UnsupportedFormat,
            SdJwtError::KeyBindingMissing
            | SdJwtError::NonceMismatch
            | SdJwtError::AudienceMismatch
            | SdJwtError::SdHashMismatch
            | SdJwtError::KeyBindingStale { .. }
            | SdJwtError::NoHolderKey => Reason::NotBoundToRequest,
            _ => Reason::Tampered,
        }
    }

    fn of_trust_list(error: &TrustListError) -> Reason {
        match error {
            TrustListError::UntrustedIssuer(_)
            | TrustListError::IssuerNotYetValid { .. }
            | TrustListError::IssuerExpired { .. }
            | TrustListError::UnknownIssuerKey { .. }
            | TrustListError::IssuerKeyIdRequired { .. } => Reason::UntrustedIssuer,
            TrustListError::VctNotAllowed { .. } => Reason::IssuerNotAllowed,
            TrustListError::UnknownIssuerKind
            | TrustListError::InvalidIssuerId
            | TrustListError::InvalidText { .. }
            | TrustListError::EmptyPeriod { .. } => Reason::Unreadable,
            _ => Reason::Tampered,
        }
    }

    fn of_consent(error: &ConsentError) -> Reason {
        match error {
            ConsentError::Withdrawn => Reason::ConsentWithdrawn,
            ConsentError::Paused => Reason::ConsentPaused,
            ConsentError::Used => Reason::ConsentUsed,
            ConsentError::NotYetValid { .. } | ConsentError::Expired { .. } => {
                Reason::ConsentOutsidePeriod
            }
            ConsentError::Mismatch(_) => Reason::ConsentNotApplicable,
            ConsentError::InvalidId
            | ConsentError::UnsupportedRecipient(_)
            | ConsentError::InvalidPurpose { .. }
            | ConsentError::UnknownUsage
            | ConsentError::ClaimCount { .. }
            | ConsentError::RootClaim
            | ConsentError::DuplicateClaim
            | ConsentError::EmptyPeriod
            | ConsentError::UnknownState(_)
            | ConsentError::UnknownAction
            | ConsentError::UseByHolder => Reason::Unreadable,
            _ => Reason::Tampered,
        }
    }
}

/// A refusal: the reason, and the technical cause when vc-core gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// What to tell the person at the counter.
    pub reason: Reason,
    /// The precise error from vc-core, if the refusal came from one.
    pub cause: Option<Error>,
    /// A short technical note (never personal data) when there is no vc-core cause.
    pub note: Option<&'static str>,
    /// Which requested credential (query id) it concerns, if one.
    pub credential: Option<String>,
}

impl Rejection {
    /// A refusal for `reason` with no vc-core cause.
    ///
    /// ```
    /// use myna_verifier::decision::{Reason, Rejection};
    /// assert_eq!(Rejection::new(Reason::UnderAge).cause, None);
    /// ```
    pub fn new(reason: Reason) -> Self {
        Rejection {
            reason,
            cause: None,
            note: None,
            credential: None,
        }
    }

    /// A refusal for `reason` with a technical note.
    ///
    /// ```
    /// use myna_verifier::decision::{Reason, Rejection};
    /// assert_eq!(Rejection::noted(Reason::Replayed, "nonce").note, Some("nonce"));
    /// ```
    pub fn noted(reason: Reason, note: &'static str) -> Self {
        Rejection {
            note: Some(note),
            ..Rejection::new(reason)
        }
    }

    /// A refusal caused by a vc-core error (the reason follows from it).
    ///
    /// ```
    /// use myna_verifier::decision::{Reason, Rejection};
    /// use myna_verifier::core::{Error, SdJwtError};
    /// let r = Rejection::from_error(Error::SdJwt(SdJwtError::NonceMismatch));
    /// assert_eq!(r.reason, Reason::NotBoundToRequest);
    /// ```
    pub fn from_error(error: Error) -> Self {
        Rejection {
            reason: Reason::of_error(&error),
            cause: Some(error),
            note: None,
            credential: None,
        }
    }

    /// The same refusal, attributed to the credential answering query `id`.
    ///
    /// ```
    /// use myna_verifier::decision::{Reason, Rejection};
    /// assert_eq!(Rejection::new(Reason::Expired).for_credential("age").credential.as_deref(), Some("age"));
    /// ```
    pub fn for_credential(mut self, id: &str) -> Self {
        self.credential = Some(id.to_owned());
        self
    }
}

impl From<Error> for Rejection {
    fn from(error: Error) -> Self {
        Rejection::from_error(error)
    }
}

/// One verified credential as the decision reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisclosedCredential {
    /// The query id it answered.
    pub id: String,
    /// Its `vct`.
    pub vct: String,
    /// Its issuer (`iss`), matched in the trust list.
    pub issuer: String,
    /// The issuer's display name from the trust list.
    pub issuer_name: String,
    /// The disclosed claims, without the SD-JWT plumbing (`cnf`, `status`, `_sd`).
    pub claims: Map<String, Value>,
    /// The RFC 7638 thumbprint of the holder key the presentation was bound to.
    pub holder: String,
    /// Seconds the revocation data was past its freshness (0 when fresh), `None` when the
    /// credential has no status entry.
    pub status_staleness_secs: Option<u64>,
}

/// The outcome of one verification.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The policy that decided.
    pub policy: String,
    /// When it was decided (the injected clock).
    pub at: NumericDate,
    /// The credentials that verified (empty when the refusal came before any did).
    pub credentials: Vec<DisclosedCredential>,
    /// `Ok(())` if accepted, else the one reason.
    pub outcome: Result<(), Rejection>,
}

impl Decision {
    /// Whether the presentation was accepted.
    pub fn accepted(&self) -> bool {
        self.outcome.is_ok()
    }

    /// The refusal, if rejected.
    pub fn rejection(&self) -> Option<&Rejection> {
        self.outcome.as_ref().err()
    }

    /// The reason, if rejected.
    pub fn reason(&self) -> Option<Reason> {
        self.rejection().map(|r| r.reason)
    }

    /// The credential answering query `id`, if it verified.
    pub fn credential(&self, id: &str) -> Option<&DisclosedCredential> {
        self.credentials.iter().find(|c| c.id == id)
    }

    /// The largest status staleness over the credentials (what the decision leaned on).
    pub fn status_staleness_secs(&self) -> Option<u64> {
        self.credentials
            .iter()
            .filter_map(|c| c.status_staleness_secs)
            .max()
    }

    /// The JSON form (for the HTTP service and the command line).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("accepted".into(), self.accepted().into());
        out.insert("policy".into(), self.policy.clone().into());
        out.insert("at".into(), self.at.as_unix().into());
        if let Some(rejection) = self.rejection() {
            out.insert("reason".into(), rejection.reason.code().into());
            out.insert("message_en".into(), rejection.reason.text_en().into());
            out.insert("message_ja".into(), rejection.reason.text_ja().into());
            let cause = rejection
                .cause
                .as_ref()
                .map(ToString::to_string)
                .or(rejection.note.map(str::to_owned));
            out.insert("detail".into(), cause.into());
            out.insert("credential".into(), rejection.credential.clone().into());
        }
        out.insert(
            "credentials".into(),
            serde_json::to_value(&self.credentials).unwrap_or(Value::Null),
        );
        out.insert(
            "status_staleness_secs".into(),
            self.status_staleness_secs().into(),
        );
        Value::Object(out)
    }

    /// Reads the [`to_json`](Self::to_json) form back: what a caller kept of a decision (a
    /// counter page hands back the object its `verify` returned, to make the clinic's billing
    /// record or the shelter's roster entry from it). The technical detail of a rejection is
    /// not read back (only its reason and credential); an unknown reason code is an error.
    ///
    /// ```
    /// use myna_verifier::decision::{Decision, Reason, Rejection};
    /// use myna_verifier::core::time::NumericDate;
    /// let refused = Decision {
    ///     policy: "age-over-20".into(), at: NumericDate::from_unix(1_000), credentials: vec![],
    ///     outcome: Err(Rejection::new(Reason::UnderAge).for_credential("age")),
    /// };
    /// let back = Decision::from_json(&refused.to_json())?;
    /// assert_eq!(back.reason(), Some(Reason::UnderAge));
    /// assert_eq!((back.policy.as_str(), back.at.as_unix()), ("age-over-20", 1_000));
    /// assert!(Decision::from_json(&serde_json::json!({"accepted": true})).is_err());
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn from_json(value: &Value) -> Result<Decision, Error> {
        const WHAT: &str = "decision";
        let object = value
            .as_object()
            .ok_or(Error::Input(InputError::NotAnObject { what: WHAT }))?;
        let member = |name: &str| {
            object.get(name).ok_or_else(|| {
                Error::Input(InputError::MissingMember {
                    what: WHAT,
                    member: name.to_owned(),
                })
            })
        };
        let wrong = |name: &str, expected: &'static str| {
            Error::Input(InputError::MemberType {
                what: WHAT,
                member: name.to_owned(),
                expected,
            })
        };
        let accepted = member("accepted")?
            .as_bool()
            .ok_or_else(|| wrong("accepted", "true or false"))?;
        let policy = member("policy")?
            .as_str()
            .ok_or_else(|| wrong("policy", "a string"))?;
        let at = member("at")?
            .as_i64()
            .ok_or_else(|| wrong("at", "a whole number of seconds"))?;
        let credentials: Vec<DisclosedCredential> =
            serde_json::from_value(member("credentials")?.clone())
                .map_err(|_| wrong("credentials", "an array of disclosed credentials"))?;
        let outcome = if accepted {
            Ok(())
        } else {
            let code = member("reason")?
                .as_str()
                .ok_or_else(|| wrong("reason", "a reason code"))?;
            let reason = Reason::from_code(code).ok_or_else(|| wrong("reason", "a reason code"))?;
            let rejection = Rejection::new(reason);
            Err(match object.get("credential").and_then(Value::as_str) {
                Some(id) => rejection.for_credential(id),
                None => rejection,
            })
        };
        Ok(Decision {
            policy: policy.to_owned(),
            at: NumericDate::from_unix(at),
            credentials,
            outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason reads back from its code, and no two share one.
    #[test]
    fn every_reason_code_reads_back() {
        let mut codes = std::collections::BTreeSet::new();
        for reason in Reason::ALL {
            assert_eq!(Reason::from_code(reason.code()), Some(reason));
            assert!(codes.insert(reason.code()), "{} twice", reason.code());
        }
    }

    /// Every reason has its own text in every language of the message catalogue
    /// (`vocabulary/messages/reasons.json`; `../shared/seeds/004_e867865de3ae606d.txt:115`
    /// "母国語で地域の情報が見られる"): a reason added to the enum without a catalogue entry
    /// fails here, naming its code and the language.
    #[test]
    fn every_reason_has_a_text_in_every_language() {
        let mut missing = Vec::new();
        for reason in Reason::ALL {
            for lang in messages::compiled_languages() {
                if messages::reason_text(reason.code(), *lang).is_none() {
                    missing.push(format!("{} in {lang}", reason.code()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "vocabulary/messages/reasons.json lacks: {}",
            missing.join(", ")
        );
        #[cfg(feature = "all-languages")]
        assert_eq!(messages::compiled_languages().len(), 6);
    }

    /// The catalogue lists exactly the reasons, in `Reason::ALL`'s order ([`Reason::text`]
    /// finds a reason's texts by its place): a reason added at the end of the enum goes at the
    /// end of `vocabulary/messages/reasons.json`.
    #[test]
    fn the_catalogue_lists_the_reasons_in_order() {
        let catalogued: Vec<&str> = messages::reason_codes().collect();
        let declared: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            catalogued, declared,
            "vocabulary/messages/reasons.json must list the reasons in Reason::ALL's order"
        );
        for (index, reason) in Reason::ALL.into_iter().enumerate() {
            assert_eq!(
                reason as usize,
                index,
                "{} out of place in ALL",
                reason.code()
            );
            assert_eq!(
                reason.text(Lang::Ja),
                messages::reason_text(reason.code(), Lang::Ja).unwrap_or_default()
            );
        }
    }

    /// The texts differ between languages (no language is an English copy), and the JSON form
    /// keeps `message_ja` / `message_en`.
    #[cfg(feature = "all-languages")]
    #[test]
    fn reason_texts_differ_by_language_and_the_json_keeps_ja_and_en() {
        for reason in Reason::ALL {
            let texts: std::collections::BTreeSet<_> =
                Lang::ALL.into_iter().map(|l| reason.text(l)).collect();
            assert_eq!(texts.len(), 6, "{} repeats a text", reason.code());
        }
        let decision = Decision {
            policy: "age-over-20".into(),
            at: NumericDate::from_unix(1_800_000_000),
            credentials: vec![],
            outcome: Err(Rejection::new(Reason::UnderAge)),
        };
        let json = decision.to_json();
        assert_eq!(json["message_ja"], Reason::UnderAge.text(Lang::Ja));
        assert_eq!(json["message_en"], "Below the required age.");
    }

    /// An accepted decision with a credential survives the JSON round trip.
    #[test]
    fn an_accepted_decision_reads_back() {
        let mut claims = Map::new();
        claims.insert("age_over_20".into(), true.into());
        let decision = Decision {
            policy: "age-over-20".into(),
            at: NumericDate::from_unix(1_800_000_000),
            credentials: vec![DisclosedCredential {
                id: "age".into(),
                vct: "urn:myna-vc:vct:age:1".into(),
                issuer: "did:web:city.kobe.example".into(),
                issuer_name: "神戸市".into(),
                claims,
                holder: "thumb".into(),
                status_staleness_secs: Some(5),
            }],
            outcome: Ok(()),
        };
        assert_eq!(
            Decision::from_json(&decision.to_json()).ok(),
            Some(decision)
        );
        let mut bad = Decision::from_json(&Value::Null);
        assert!(bad.is_err());
        bad = Decision::from_json(&serde_json::json!({
            "accepted": false, "policy": "p", "at": 1, "credentials": [], "reason": "no_such_reason"
        }));
        assert!(bad.is_err());
    }
}
