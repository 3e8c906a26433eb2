//! Personal limits, enforced through the status list instead of `exp`.
//!
//! A resident or age credential rests on the holder's card certificate, which expires on a
//! personal date (the fifth birthday after the card was issued). Writing that date into `exp`
//! would show every verifier the holder's birthday, so the credential carries its cohort's
//! `exp` ([`cohort`](crate::cohort)) and the record keeps the earlier personal limit. Once the
//! limit has passed, [`lapse_due`] revokes the credential's status entry with reason
//! [`RevocationReason::Lapsed`]: the verifier sees one more set bit among thousands of
//! random entries, not a date.
//!
//! The issuer service runs it before it signs a status list, so a published list never shows
//! a lapsed credential as valid. A record whose limit and `exp` coincide lapses too: the entry
//! of an expired credential reads revoked, which no verifier can tell from any other
//! revocation.
//!
//! ```
//! use myna_issuer::issuance::{AgeRequest, CredentialIssuer, IssuerProfile};
//! use myna_issuer::{lapse::lapse_due, record::SubjectHandle, store::{MemoryStore, Store}};
//! use myna_vc_core::{calendar::CalendarDate, crypto::{default_provider, SecretKey}};
//! use myna_vc_core::{status_list::{Status, StatusListUri}, time::NumericDate};
//! let store = MemoryStore::new();
//! let list = StatusListUri::new("https://city.kobe.example/status/1")?;
//! let kobe = myna_vc_core::municipality::Municipality::new("281000".parse()?, "兵庫県", "神戸市")?;
//! store.create_status_list(&list, 1 << 12)?;
//! let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
//! let issuer = CredentialIssuer::new(&store, &*signer,
//!     IssuerProfile::municipality("https://city.kobe.example", kobe, list))?;
//! let now = NumericDate::from_unix(1_800_000_000);
//! let certificate_ends = now.plus_seconds(10 * 86_400); // long before the cohort's `exp`
//! let holder = SecretKey::generate_p256()?.public_key();
//! let issued = issuer.age(&AgeRequest { subject: SubjectHandle::random()?,
//!     birth: CalendarDate::parse("1990-05-01")?, holder_key: &holder,
//!     not_after: certificate_ends }, now)?;
//! assert_eq!(lapse_due(&store, now)?, 0);
//! assert_eq!(lapse_due(&store, certificate_ends)?, 1);
//! assert_eq!(store.credential_status(&issued.record.id)?, Status::INVALID);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use myna_vc_core::time::NumericDate;

use crate::audit::ActorRole;
use crate::error::Result;
use crate::record::Fact;
use crate::revocation::{RevocationReason, Transition};
use crate::store::Store;

/// Revokes every still-valid credential resting on a card certificate whose record's limit is
/// at or before `now`; returns how many it revoked. Suspended and revoked credentials are
/// left as they are. Idempotent: a second run at the same instant revokes nothing.
pub fn lapse_due<S: Store + ?Sized>(store: &S, now: NumericDate) -> Result<usize> {
    let mut lapsed = 0;
    for record in store.all_records()? {
        // The record's last change tells its status without another read: valid unless
        // revoked or suspended since issuance (a resumption makes it valid again).
        let valid = record
            .last_change
            .is_none_or(|change| change.transition == Transition::Resume);
        if !valid || !record.facts.contains(Fact::CardCertificate) || record.expires_at > now {
            continue;
        }
        store.change_status(
            &record.id,
            Transition::Revoke,
            RevocationReason::Lapsed,
            ActorRole::System,
            now,
        )?;
        lapsed += 1;
    }
    Ok(lapsed)
}
