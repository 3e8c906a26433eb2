//! How an in-person presentation is bound without an OpenID4VP request: the verifier (or an
//! unattended gate) shows an [`InPersonChallenge`] — its identifier and a nonce — and the
//! wallet puts them in the KB-JWT (`aud`, `nonce`).

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::b64;
use crate::crypto::fill_random;
use crate::error::{CompactError, Error, JwtError, Oid4vpError, Result, SdJwtError};
use crate::jws::Jws;
use crate::oid4vp::Nonce;
use crate::sdjwt::SdJwt;

use super::PolicySpec;
use crate::time::NumericDate;

/// The prefix of an in-person challenge's text (QR alphanumeric mode can carry it, although
/// the verifier id usually needs byte mode).
pub const CHALLENGE_PREFIX: &str = "MVC1:";

/// The longest verifier or gate identifier accepted.
pub const MAX_VERIFIER_ID_LEN: usize = 512;

/// The length of a gate's time window in seconds.
pub const GATE_WINDOW_SECS: u64 = 30;

/// What the verifier's screen shows and the wallet binds its KB-JWT to: `aud` = the
/// verifier's identifier (its DID, or a gate id), `nonce` = the shown nonce.
///
/// Text form: `MVC1:<nonce>:<verifier id>` (the nonce first, because it has no `:`), and,
/// when the verifier says what it asks, `MVC1:<nonce>:<verifier id> <policy spec>` — one
/// space, which neither the verifier id nor the [`PolicySpec`] contains, so the wallet can
/// build the request from the verifier's policy catalog without asking the holder.
///
/// ```
/// use myna_vc_core::compact::{InPersonChallenge, PolicySpec};
/// use myna_vc_core::oid4vp::Nonce;
/// // The cashier's terminal makes a fresh challenge and shows it as a QR code…
/// let challenge = InPersonChallenge::new("did:web:shop.example", Nonce::random()?)?;
/// let shown = challenge.to_string();
/// assert!(shown.starts_with("MVC1:"));
/// // …the wallet scans it and binds its presentation with `audience()` and `nonce()`.
/// let scanned = InPersonChallenge::parse(&shown)?;
/// assert_eq!(scanned.audience(), "did:web:shop.example");
/// assert_eq!(scanned, challenge);
/// assert_eq!(scanned.policy(), None);
///
/// // A challenge that names the verifier's policy (what the shop asks for):
/// let asking = challenge.with_policy(PolicySpec::parse("age-over-20")?);
/// let shown = asking.to_string();
/// assert!(shown.ends_with(":did:web:shop.example age-over-20"));
/// let scanned = InPersonChallenge::parse(&shown)?;
/// assert_eq!(scanned.policy().map(PolicySpec::as_str), Some("age-over-20"));
/// assert_eq!(scanned, asking);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InPersonChallenge {
    audience: String,
    nonce: Nonce,
    policy: Option<PolicySpec>,
}

impl InPersonChallenge {
    /// A challenge for `audience` (non-empty printable ASCII without spaces, at most 512).
    pub fn new(audience: &str, nonce: Nonce) -> Result<Self> {
        check_verifier_id(audience)?;
        Ok(InPersonChallenge {
            audience: audience.to_owned(),
            nonce,
            policy: None,
        })
    }

    /// The same challenge naming the verifier's policy.
    pub fn with_policy(self, policy: PolicySpec) -> Self {
        InPersonChallenge {
            policy: Some(policy),
            ..self
        }
    }

    /// Parses the text form, with or without the policy spec.
    pub fn parse(text: &str) -> Result<Self> {
        let rest =
            text.strip_prefix(CHALLENGE_PREFIX)
                .ok_or(Error::Compact(CompactError::Prefix(
                    "an in-person challenge starts with `MVC1:`",
                )))?;
        let (binding, policy) = match rest.split_once(' ') {
            Some((binding, policy)) => (binding, Some(PolicySpec::parse(policy)?)),
            None => (rest, None),
        };
        let (nonce, audience) = binding
            .split_once(':')
            .ok_or(Error::Compact(CompactError::ChallengeWithoutAudience))?;
        let challenge = InPersonChallenge::new(audience, Nonce::parse(nonce)?)?;
        Ok(match policy {
            Some(policy) => challenge.with_policy(policy),
            None => challenge,
        })
    }

    /// The KB-JWT `aud`.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The KB-JWT `nonce`.
    pub fn nonce(&self) -> &Nonce {
        &self.nonce
    }

    /// The verifier's policy, when the challenge names one.
    pub fn policy(&self) -> Option<&PolicySpec> {
        self.policy.as_ref()
    }
}

impl fmt::Display for InPersonChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{CHALLENGE_PREFIX}{}:{}", self.nonce, self.audience)?;
        match &self.policy {
            Some(policy) => write!(f, " {policy}"),
            None => Ok(()),
        }
    }
}

fn check_verifier_id(id: &str) -> Result<()> {
    let printable = |c: char| c.is_ascii_graphic();
    if id.is_empty() || id.len() > MAX_VERIFIER_ID_LEN || !id.chars().all(printable) {
        return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "verifier id",
            detail: format!("must be 1 to {MAX_VERIFIER_ID_LEN} printable ASCII characters"),
        }));
    }
    Ok(())
}

/// The identifier of an unattended gate (the KB-JWT `aud` of presentations made to it).
///
/// ```
/// use myna_vc_core::compact::GateId;
/// assert_eq!(GateId::parse("did:web:city.example:gate:3")?.as_str(), "did:web:city.example:gate:3");
/// assert!(GateId::parse("gate 3").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GateId(String);

impl GateId {
    /// Checks and wraps a gate id (same rules as a verifier id).
    pub fn parse(id: &str) -> Result<Self> {
        check_verifier_id(id)?;
        Ok(GateId(id.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The secret a gate's display and its verifier share to derive [`GateNonce`]s. Keyed so that
/// nobody can compute the nonce of a future window and prepare a presentation in advance.
/// Zeroized on drop, never printed.
///
/// ```
/// use myna_vc_core::compact::GateKey;
/// let key = GateKey::generate()?;
/// assert_eq!(format!("{key:?}"), "GateKey(..)");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub struct GateKey(Zeroizing<[u8; 32]>);

impl GateKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; 32]);
        fill_random(key.as_mut())?;
        Ok(GateKey(key))
    }

    /// A key from its 32 bytes (as provisioned to the gate).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        GateKey(Zeroizing::new(bytes))
    }
}

impl fmt::Debug for GateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GateKey(..)")
    }
}

/// A window of [`GATE_WINDOW_SECS`] seconds: `floor(unix time / 30)`.
///
/// ```
/// use myna_vc_core::{compact::TimeWindow, time::NumericDate};
/// let window = TimeWindow::containing(NumericDate::from_unix(1_800_000_029))?;
/// assert_eq!(window.index(), 60_000_000);
/// assert_eq!(window.previous().index(), 59_999_999);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeWindow(u64);

impl TimeWindow {
    /// The window containing `now` (an instant before 1970 is an error).
    pub fn containing(now: NumericDate) -> Result<Self> {
        let secs = u64::try_from(now.as_unix()).map_err(|_| {
            Error::Jwt(JwtError::InvalidClaim {
                claim: "iat",
                detail: "gate windows start at the Unix epoch".into(),
            })
        })?;
        Ok(TimeWindow(secs / GATE_WINDOW_SECS))
    }

    /// The window before this one.
    pub fn previous(self) -> Self {
        TimeWindow(self.0.saturating_sub(1))
    }

    /// The window index.
    pub fn index(self) -> u64 {
        self.0
    }
}

/// The nonce an unattended gate shows during one [`TimeWindow`]:
/// `base64url(HMAC-SHA256(key, "myna-gate-nonce-v1" ‖ 0x00 ‖ gate id ‖ 0x00 ‖ window as 8
/// bytes big-endian)[..16])`, 22 characters. Deterministic, so the display and the verifier
/// agree without talking to each other; the verifier accepts the current and the previous
/// window only (a presentation made just before a window turns over still passes).
///
/// ```
/// use myna_vc_core::compact::{GateId, GateKey, GateNonce, TimeWindow};
/// use myna_vc_core::time::NumericDate;
/// let key = GateKey::from_bytes([7; 32]);
/// let gate = GateId::parse("did:web:city.example:gate:3")?;
/// let shown_at = NumericDate::from_unix(1_800_000_000);
/// let nonce = GateNonce::derive(&key, &gate, TimeWindow::containing(shown_at)?);
/// assert_eq!(nonce.as_nonce().as_str().len(), 22);
/// // 40 s later (the next window) it is still accepted; 70 s later it is not.
/// let later = |s: i64| NumericDate::from_unix(1_800_000_000 + s);
/// assert!(GateNonce::accept(&key, &gate, nonce.as_nonce().as_str(), later(40)).is_ok());
/// assert!(GateNonce::accept(&key, &gate, nonce.as_nonce().as_str(), later(70)).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateNonce {
    nonce: Nonce,
    window: TimeWindow,
}

impl GateNonce {
    /// The gate's nonce for `window`.
    pub fn derive(key: &GateKey, gate: &GateId, window: TimeWindow) -> Self {
        GateNonce {
            nonce: Nonce::from_generated(b64::encode(tag(key, gate, window))),
            window,
        }
    }

    /// The gate's nonce for the window containing `now`.
    pub fn current(key: &GateKey, gate: &GateId, now: NumericDate) -> Result<Self> {
        Ok(GateNonce::derive(key, gate, TimeWindow::containing(now)?))
    }

    /// The challenge the gate shows: its id as `aud`, this nonce.
    pub fn challenge(&self, gate: &GateId) -> InPersonChallenge {
        InPersonChallenge {
            audience: gate.0.clone(),
            nonce: self.nonce.clone(),
            policy: None,
        }
    }

    /// Checks a presented nonce against the current and the previous window at `now`
    /// (constant-time comparison), returning the matching gate nonce, or
    /// [`CompactError::GateNonceMismatch`].
    pub fn accept(key: &GateKey, gate: &GateId, presented: &str, now: NumericDate) -> Result<Self> {
        let current = TimeWindow::containing(now)?;
        let received = b64::decode(presented, "gate nonce")
            .map_err(|_| Error::Compact(CompactError::GateNonceMismatch))?;
        for window in [current, current.previous()] {
            if bool::from(tag(key, gate, window).as_slice().ct_eq(&received)) {
                return Ok(GateNonce::derive(key, gate, window));
            }
        }
        Err(Error::Compact(CompactError::GateNonceMismatch))
    }

    /// The nonce.
    pub fn as_nonce(&self) -> &Nonce {
        &self.nonce
    }

    /// The window it belongs to.
    pub fn window(&self) -> TimeWindow {
        self.window
    }
}

/// The first 16 bytes of the HMAC.
fn tag(key: &GateKey, gate: &GateId, window: TimeWindow) -> [u8; 16] {
    let mut out = [0u8; 16];
    // HMAC takes keys of any length; 32 bytes cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.0.as_ref()) else {
        return out;
    };
    mac.update(b"myna-gate-nonce-v1\0");
    mac.update(gate.0.as_bytes());
    mac.update(b"\0");
    mac.update(&window.0.to_be_bytes());
    let full = mac.finalize().into_bytes();
    out.copy_from_slice(full.get(..16).unwrap_or(&[0; 16]));
    out
}

/// The `nonce` of a presentation's KB-JWT, read without verifying anything: a gate's verifier
/// uses it to find which window's nonce to require ([`GateNonce::accept`]) before verifying the
/// presentation with that nonce.
///
/// ```
/// use myna_vc_core::{compact::key_binding_nonce, Error};
/// assert!(matches!(key_binding_nonce("eyJ.eyJ.sig~"), Err(Error::SdJwt(myna_vc_core::SdJwtError::KeyBindingMissing))));
/// ```
pub fn key_binding_nonce(presentation: &str) -> Result<String> {
    let sd_jwt = SdJwt::parse(presentation)?;
    let kb_jwt = sd_jwt
        .kb_jwt()
        .ok_or(Error::SdJwt(SdJwtError::KeyBindingMissing))?;
    let claims = Jws::parse(kb_jwt)?.payload_object("KB-JWT claims")?;
    match claims.get("nonce") {
        Some(serde_json::Value::String(nonce)) => Ok(nonce.clone()),
        Some(_) => Err(Error::Jwt(JwtError::InvalidClaim {
            claim: "nonce",
            detail: "must be a string".into(),
        })),
        None => Err(Error::Jwt(JwtError::MissingClaim("nonce"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compact::MAX_POLICY_SPEC_LEN;

    fn nonce() -> Nonce {
        Nonce::parse("n0nce-abc_DEF").unwrap()
    }

    #[test]
    fn the_two_part_form_still_parses_and_round_trips() {
        let text = "MVC1:n0nce-abc_DEF:x509_san_dns:shop.example";
        let challenge = InPersonChallenge::parse(text).unwrap();
        assert_eq!(challenge.audience(), "x509_san_dns:shop.example");
        assert_eq!(challenge.nonce().as_str(), "n0nce-abc_DEF");
        assert_eq!(challenge.policy(), None);
        assert_eq!(challenge.to_string(), text);
    }

    #[test]
    fn the_policy_form_round_trips() {
        let text = "MVC1:n0nce-abc_DEF:did:web:shop.example resident:281000";
        let challenge = InPersonChallenge::parse(text).unwrap();
        assert_eq!(challenge.audience(), "did:web:shop.example");
        assert_eq!(challenge.policy().unwrap().as_str(), "resident:281000");
        assert_eq!(challenge.to_string(), text);
        let made = InPersonChallenge::new("did:web:shop.example", nonce())
            .unwrap()
            .with_policy(PolicySpec::parse("resident:281000").unwrap());
        assert_eq!(made, challenge);
    }

    #[test]
    fn a_bad_policy_part_is_refused_with_its_own_code() {
        let long = format!("MVC1:n:shop {}", "a".repeat(MAX_POLICY_SPEC_LEN + 1));
        for text in [
            "MVC1:n:shop ",
            "MVC1:n:shop age-over-20 extra",
            "MVC1:n:shop  age-over-20",
            "MVC1:n:shop 年齢",
            "MVC1:n:shop age\tover",
            long.as_str(),
        ] {
            let error = InPersonChallenge::parse(text).unwrap_err();
            assert_eq!(error.code(), "challenge_policy_invalid", "{text:?}");
        }
        let exact = format!("MVC1:n:shop {}", "a".repeat(MAX_POLICY_SPEC_LEN));
        assert!(InPersonChallenge::parse(&exact).is_ok());
    }

    #[test]
    fn other_bad_challenges_keep_their_codes() {
        let cases = [
            ("MV1:n:shop", "compact_prefix"),
            ("MVC1:nonce-only age-over-20", "challenge_without_audience"),
            ("MVC1:n: age-over-20", "invalid_parameter"),
            ("", "compact_prefix"),
        ];
        for (text, code) in cases {
            let error = InPersonChallenge::parse(text).unwrap_err();
            assert_eq!(error.code(), code, "{text:?}");
        }
    }
}
