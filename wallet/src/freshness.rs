//! Stale claims: credentials whose own claims have gone out of date before `exp`.
//!
//! An issuer gives every credential of one day the same `exp`, so that no time in the clear
//! reveals a birth date (see `specs/privacy.md`). The price is that an age credential's
//! `age_over_N: false` can turn true before `exp` — Kenta, 19 at issuance, turns 20 in
//! June. Such a claim is only ever stale in the *safe* direction: a `true` stays true for
//! ever, and a stale `false` makes a shop refuse its holder, never accept someone it should
//! not.
//!
//! The wallet notices on its own. It holds every disclosure of its credentials, the birth date
//! among them, so it recomputes the flags for today on the device — nothing leaves it — and
//! [`Wallet::stale_credentials`] lists the copies whose flags differ. The wallet then:
//!
//! 1. does not choose a stale copy when it answers a request for a claim that went stale,
//!    while a fresh copy exists;
//! 2. asks the issuer for a fresh batch itself with
//!    [`Wallet::refresh_stale`](crate::Wallet::refresh_stale): the issuer's self-service
//!    refresh offer, redeemed with one unseen stale copy disclosing its birth date; the new
//!    copies are computed for the new day and the stale ones removed (see
//!    [`refresh`](crate::refresh)).
//!
//! ```
//! use myna_vc_core::calendar::CalendarDate;
//! use myna_wallet::freshness::stale_claims;
//! let claims = serde_json::json!({"birthdate": "2007-06-10", "age_over_18": true,
//!     "age_over_20": false, "age_over_65": false});
//! let claims = claims.as_object().unwrap();
//! assert!(stale_claims(claims, CalendarDate::parse("2027-06-09")?)?.is_empty());
//! assert_eq!(stale_claims(claims, CalendarDate::parse("2027-06-10")?)?, ["age_over_20"]);
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use myna_vc_core::age::is_at_least;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::sdjwt::SdJwt;
use myna_vc_core::time::NumericDate;
use serde_json::{Map, Value};

use crate::credentials::StoredCredential;
use crate::error::{Error, Result};
use crate::store::WalletStore;
use crate::Wallet;

/// The claim prefix of age thresholds (`age_over_20`).
const AGE_OVER: &str = "age_over_";

/// The `age_over_N` claims of `claims` that are no longer right on `today`, judged against the
/// credential's own `birthdate`. Claims without a birth date beside them are never stale (the
/// wallet cannot tell). A claim that was `true` and is now false is impossible under the
/// Japanese age rules; it is reported too, as the credential is then wrong.
pub fn stale_claims(claims: &Map<String, Value>, today: CalendarDate) -> Result<Vec<String>> {
    let Some(birth) = claims
        .get(myna_vocabulary::claim::age::BIRTHDATE)
        .and_then(Value::as_str)
    else {
        return Ok(Vec::new());
    };
    let birth = CalendarDate::parse(birth)?;
    let mut stale = Vec::new();
    for (name, value) in claims {
        let Some(years) = name.strip_prefix(AGE_OVER) else {
            continue;
        };
        let years: u32 = years
            .parse()
            .map_err(|_| Error::invalid("age claim", "age_over_ followed by no number"))?;
        let stated = value
            .as_bool()
            .ok_or_else(|| Error::invalid("age claim", "an age_over_N claim is not a boolean"))?;
        if stated != is_at_least(birth, years, today) {
            stale.push(name.clone());
        }
    }
    Ok(stale)
}

/// The stale claims of one stored credential on the JST day of `now`.
///
/// ```
/// # use myna_wallet::{credentials::StoredCredential, freshness::stale_claims_of, keys::KeyLabel};
/// # use myna_vc_core::time::NumericDate;
/// # let credential = |sd_jwt: &str| StoredCredential { id: "i".into(), batch: "b".into(), index: 0,
/// #     issuer: "https://city.example".into(), vct: "urn:myna-vc:vct:age:1".into(),
/// #     configuration_id: "age".into(), sd_jwt: sd_jwt.into(), key: KeyLabel::credential("b", 0),
/// #     received_at: 0, expires_at: None, shown_to: None };
/// // Not an SD-JWT at all: a typed error, not a guess.
/// assert!(stale_claims_of(&credential("garbage"), NumericDate::from_unix(0)).is_err());
/// ```
pub fn stale_claims_of(credential: &StoredCredential, now: NumericDate) -> Result<Vec<String>> {
    let claims = SdJwt::parse(&credential.sd_jwt)?.unverified_claims()?;
    stale_claims(&claims, CalendarDate::from_numeric_date_jst(now)?)
}

impl<S: WalletStore> Wallet<S> {
    /// The unexpired credentials holding a claim that has gone stale by `now` (see the
    /// [module docs](self)): the ones to refresh at their issuer.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// assert!(wallet.stale_credentials(now)?.is_empty());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn stale_credentials(&self, now: NumericDate) -> Result<Vec<StoredCredential>> {
        let mut stale = Vec::new();
        for credential in self.credentials()? {
            if credential.is_expired(now) || stale_claims_of(&credential, now)?.is_empty() {
                continue;
            }
            stale.push(credential);
        }
        Ok(stale)
    }
}
