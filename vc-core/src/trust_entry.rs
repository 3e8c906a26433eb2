//! An issuer's signed trust-list entry: how a municipality or an operator hands the national
//! trust-list authority its own [`TrustedIssuer`] description (id, name, municipality code or
//! operator, key, allowed `vct`s, validity) before the authority signs the list.
//!
//! The entry travels as a compact JWS with `typ` [`TYP`], **signed by the key it lists**: the
//! header `kid` names that key and the signature must verify with it. So the entry proves that
//! whoever made it holds the private key it asks the authority to trust (proof of possession),
//! and nobody can alter the entry — a name, a code, an extra `vct` — without the key.
//!
//! What a self-signed entry cannot prove is **who** the issuer is: anyone can make a key and sign
//! an entry claiming to be 前橋市. The authority must still check out of band that the entry came
//! from the body it names (a letter on the municipality's letterhead with the key's thumbprint,
//! the did:web document at the issuer's own domain, a call to a known number) before it adds the
//! entry to a list. [`verify`] checks the signature, the structure and the time; that check is the
//! authority's job.
//!
//! An entry lists exactly one key: possession is proven for that key only, so a second key in the
//! same entry would be trusted unproven. An issuer rotating keys sends an entry signed with the
//! new key.
//!
//! ```
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! use myna_vc_core::sdjwt_vc::Vct;
//! use myna_vc_core::time::NumericDate;
//! use myna_vc_core::trust_entry;
//! use myna_vc_core::trust_list::TrustedIssuer;
//! let provider = default_provider();
//! let city_key = SecretKey::generate_p256()?;
//! let now = NumericDate::from_unix(1_800_000_000);
//!
//! // The city describes itself and signs the description with its issuer key…
//! let kid = city_key.public_key().thumbprint().to_string();
//! let entry = TrustedIssuer::municipality("https://vc.city.maebashi.example", "前橋市", "102016".parse()?)
//!     .with_key(&kid, city_key.public_key())
//!     .allowing(Vct::parse("urn:myna-vc:vct:age:1")?);
//! let token = trust_entry::sign(&entry, &*provider.signer(&city_key)?, now)?;
//!
//! // …and the authority verifies it against the key inside it (then checks who sent it).
//! let verified = trust_entry::verify(&token, provider, now)?;
//! assert_eq!(verified.entry(), &entry);
//! assert_eq!(verified.issued_at(), now);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use serde_json::Map;

use crate::crypto::{CryptoProvider, Signer};
use crate::error::{Error, JwtError, Result, TrustListError};
use crate::json;
use crate::jws::{Jws, JwsHeader};
use crate::jwt::{self, TimeRules};
use crate::time::NumericDate;
use crate::trust_list::TrustedIssuer;

/// The `typ` header of a signed trust-list entry.
pub const TYP: &str = "myna-trust-entry+jwt";

const WHAT: &str = "signed trust-list entry";
const MEMBERS: [&str; 2] = ["iat", "issuer"];

/// A signed entry whose signature (by the key it lists), time and structure have been checked.
/// Who the issuer is has **not** been checked: see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedEntry {
    entry: TrustedIssuer,
    issued_at: NumericDate,
}

impl VerifiedEntry {
    /// The issuer's description of itself.
    pub fn entry(&self) -> &TrustedIssuer {
        &self.entry
    }

    /// The description, to add to a [`TrustList`](crate::trust_list::TrustList).
    pub fn into_entry(self) -> TrustedIssuer {
        self.entry
    }

    /// When the issuer signed it (`iat`).
    pub fn issued_at(&self) -> NumericDate {
        self.issued_at
    }
}

/// Checks `entry`'s structure and that it lists exactly one key, `signer`'s, then signs it as a
/// JWS with `typ` [`TYP`], `kid` = the entry key's `kid`, and `iat` = `issued_at`.
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::{sdjwt_vc::Vct, time::NumericDate, trust_entry, trust_list::TrustedIssuer};
/// use myna_vc_core::{Error, TrustListError};
/// let (key, other) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
/// let entry = TrustedIssuer::operator("https://dmo.example.jp", "観光協会")
///     .with_key("k1", other.public_key())
///     .allowing(Vct::parse("urn:myna-vc:vct:fan_club_membership:1")?);
/// // An entry for another key than the signer's is refused: it would prove nothing.
/// let refused = trust_entry::sign(&entry, &*default_provider().signer(&key)?, NumericDate::from_unix(0));
/// assert!(matches!(refused, Err(Error::TrustList(TrustListError::EntryNotSelfSigned { .. }))));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn sign(entry: &TrustedIssuer, signer: &dyn Signer, issued_at: NumericDate) -> Result<String> {
    entry.check()?;
    let kid = only_kid(entry)?;
    if entry.key(Some(kid))? != &signer.public_key() {
        return Err(not_self_signed(
            entry,
            "lists another key than the signing key",
        ));
    }
    let header = JwsHeader::new(signer.algorithm())
        .with_typ(TYP)
        .with_kid(kid);
    let mut claims = Map::new();
    claims.insert("iat".into(), issued_at.as_unix().into());
    claims.insert("issuer".into(), entry.to_json());
    jwt::sign(&header, &claims, signer)
}

/// Verifies a signed entry: `typ` [`TYP`], the entry's structure and its one key, the header
/// `kid` naming that key, the signature with it, and `iat` (required, not in the future beyond
/// the default leeway; `exp`, if present, not passed) at `now`.
///
/// ```
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::{sdjwt_vc::Vct, time::NumericDate, trust_entry, trust_list::TrustedIssuer};
/// use myna_vc_core::{Error, JwtError};
/// let key = SecretKey::generate_p256()?;
/// let t = NumericDate::from_unix(1_000);
/// let entry = TrustedIssuer::operator("https://dmo.example.jp", "観光協会")
///     .with_key("k1", key.public_key())
///     .allowing(Vct::parse("urn:myna-vc:vct:fan_club_membership:1")?);
/// let token = trust_entry::sign(&entry, &*default_provider().signer(&key)?, t)?;
/// // Signed "tomorrow": refused as issued in the future.
/// assert!(matches!(trust_entry::verify(&token, default_provider(), t.minus_seconds(86_400)),
///     Err(Error::Jwt(JwtError::IssuedInFuture { .. }))));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn verify(
    compact: &str,
    provider: &dyn CryptoProvider,
    now: NumericDate,
) -> Result<VerifiedEntry> {
    let jws = Jws::parse(compact)?;
    let typ = jws.header().typ.as_deref().unwrap_or_default();
    if typ != TYP {
        return Err(Error::Jwt(JwtError::WrongType {
            expected: TYP.into(),
            found: json::shown(typ),
        }));
    }
    // The key is inside the payload: read the entry first (size- and depth-bounded by the JWS
    // parser), then trust nothing in it until the signature by that key verifies.
    let claims = jws.payload_object(WHAT)?;
    json::check_members(&claims, &MEMBERS, WHAT)?;
    let entry = TrustedIssuer::from_json(
        claims
            .get("issuer")
            .ok_or_else(|| Error::missing_member(WHAT, "issuer"))?,
    )?;
    entry.check()?;
    let kid = only_kid(&entry)?;
    if jws.header().kid.as_deref() != Some(kid) {
        return Err(not_self_signed(
            &entry,
            "has a header `kid` that does not name the key it lists",
        ));
    }
    jws.verify(provider, entry.key(Some(kid))?)?;
    TimeRules::at(now).check(&claims)?;
    let issued_at = jwt::date_claim(&claims, "iat")?.ok_or(JwtError::MissingClaim("iat"))?;
    Ok(VerifiedEntry { entry, issued_at })
}

/// The `kid` of the entry's one key.
fn only_kid(entry: &TrustedIssuer) -> Result<&str> {
    match entry.keys.as_slice() {
        [only] => only
            .kid
            .as_deref()
            .ok_or_else(|| not_self_signed(entry, "lists a key without a `kid`")),
        _ => Err(not_self_signed(entry, "must list exactly one key")),
    }
}

fn not_self_signed(entry: &TrustedIssuer, detail: &'static str) -> Error {
    Error::TrustList(TrustListError::EntryNotSelfSigned {
        issuer: json::shown(&entry.id),
        detail,
    })
}

/// Every refusal, one test each; the round trip is the module example.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{default_provider, SecretKey};
    use crate::error::JoseError;
    use crate::jws;
    use crate::sdjwt_vc::Vct;
    use serde_json::Value;

    const T: NumericDate = NumericDate::from_unix(1_800_000_000);

    fn entry(key: &SecretKey) -> TrustedIssuer {
        TrustedIssuer::municipality(
            "https://vc.city.maebashi.example",
            "前橋市",
            "102016".parse().unwrap(),
        )
        .with_key("k1", key.public_key())
        .allowing(Vct::parse("urn:myna-vc:vct:age:1").unwrap())
    }

    /// Signs `claims` under `header` with `key`, for entries `sign` would refuse to make.
    fn forged(header: JwsHeader, claims: &Value, key: &SecretKey) -> String {
        let signer = default_provider().signer(key).unwrap();
        jws::sign(&header, claims.to_string().as_bytes(), &*signer).unwrap()
    }

    fn claims_of(entry: &TrustedIssuer) -> Value {
        serde_json::json!({"iat": T.as_unix(), "issuer": entry.to_json()})
    }

    fn header(key: &SecretKey, typ: &str, kid: Option<&str>) -> JwsHeader {
        let header = JwsHeader::new(key.algorithm()).with_typ(typ);
        match kid {
            Some(kid) => header.with_kid(kid),
            None => header,
        }
    }

    #[test]
    fn a_tampered_entry_fails_its_signature() {
        let key = SecretKey::generate_p256().unwrap();
        let token = sign(&entry(&key), &*default_provider().signer(&key).unwrap(), T).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let mut claims = claims_of(&entry(&key));
        claims["issuer"]["name"] = "高崎市".into();
        let payload = crate::b64::encode(claims.to_string());
        let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
        assert!(matches!(
            verify(&tampered, default_provider(), T),
            Err(Error::Jose(JoseError::SignatureInvalid))
        ));
    }

    #[test]
    fn an_entry_signed_with_another_key_is_refused() {
        let (key, thief) = (
            SecretKey::generate_p256().unwrap(),
            SecretKey::generate_p256().unwrap(),
        );
        let token = forged(
            header(&thief, TYP, Some("k1")),
            &claims_of(&entry(&key)),
            &thief,
        );
        assert!(matches!(
            verify(&token, default_provider(), T),
            Err(Error::Jose(JoseError::SignatureInvalid))
        ));
    }

    #[test]
    fn a_wrong_or_missing_typ_is_refused() {
        let key = SecretKey::generate_p256().unwrap();
        for typ in [crate::trust_list::TYP, "JWT", ""] {
            let token = forged(
                header(&key, typ, Some("k1")),
                &claims_of(&entry(&key)),
                &key,
            );
            assert!(
                matches!(
                    verify(&token, default_provider(), T),
                    Err(Error::Jwt(JwtError::WrongType { .. }))
                ),
                "{typ}"
            );
        }
    }

    #[test]
    fn a_kid_that_names_no_listed_key_is_refused() {
        let key = SecretKey::generate_p256().unwrap();
        for kid in [None, Some("k2")] {
            let token = forged(header(&key, TYP, kid), &claims_of(&entry(&key)), &key);
            assert!(
                matches!(
                    verify(&token, default_provider(), T),
                    Err(Error::TrustList(TrustListError::EntryNotSelfSigned { .. }))
                ),
                "{kid:?}"
            );
        }
    }

    #[test]
    fn an_entry_with_two_keys_is_refused_both_ways() {
        let (key, other) = (
            SecretKey::generate_p256().unwrap(),
            SecretKey::generate_p256().unwrap(),
        );
        let two = entry(&key).with_key("k2", other.public_key());
        let signer = default_provider().signer(&key).unwrap();
        assert!(matches!(
            sign(&two, &*signer, T),
            Err(Error::TrustList(TrustListError::EntryNotSelfSigned { .. }))
        ));
        let token = forged(header(&key, TYP, Some("k1")), &claims_of(&two), &key);
        assert!(matches!(
            verify(&token, default_provider(), T),
            Err(Error::TrustList(TrustListError::EntryNotSelfSigned { .. }))
        ));
    }

    #[test]
    fn unknown_members_and_a_missing_iat_are_refused() {
        let key = SecretKey::generate_p256().unwrap();
        let mut extra = claims_of(&entry(&key));
        extra["exp_soon"] = 1.into();
        let token = forged(header(&key, TYP, Some("k1")), &extra, &key);
        assert!(matches!(
            verify(&token, default_provider(), T),
            Err(Error::Input(crate::InputError::UnknownMember { .. }))
        ));
        let no_iat = serde_json::json!({"issuer": entry(&key).to_json()});
        let token = forged(header(&key, TYP, Some("k1")), &no_iat, &key);
        assert!(matches!(
            verify(&token, default_provider(), T),
            Err(Error::Jwt(JwtError::MissingClaim("iat")))
        ));
    }

    #[test]
    fn a_structurally_invalid_entry_is_refused_before_its_signature() {
        let key = SecretKey::generate_p256().unwrap();
        let mut no_vct = entry(&key);
        no_vct.vcts.clear();
        let token = forged(header(&key, TYP, Some("k1")), &claims_of(&no_vct), &key);
        assert!(matches!(
            verify(&token, default_provider(), T),
            Err(Error::TrustList(TrustListError::EmptyVctList(_)))
        ));
    }
}
