//! Issuance rules: lifetimes and sizes, the `[rules]` table of the service's configuration.
//!
//! ```
//! use myna_issuer::endpoint::Rules;
//! let rules = Rules::default();
//! assert_eq!((rules.batch_size, rules.nonce_lifetime_secs), (16, 300));
//! // A desk offer is redeemed in minutes, a mailed letter within days.
//! assert_eq!(rules.offer_lifetime_secs, 15 * 60);
//! assert_eq!(rules.letter_offer_lifetime_secs, 30 * 86_400);
//! ```

use serde::{Deserialize, Serialize};

/// Lifetimes and sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Lifetime of resident and age credentials, in days: every credential issued on one JST
    /// day gets `exp` = 00:00 JST that many days later. A card certificate that expires sooner
    /// ends the credential through the status list, not through `exp` (which would reveal the
    /// holder's birthday).
    pub resident_lifetime_days: u32,
    /// Longest lifetime of an anchor credential, in days.
    pub anchor_lifetime_days: u32,
    /// Lifetime of fan-club and shelter credentials, in days.
    pub event_lifetime_days: u32,
    /// How long a pre-authorized code handed over at the desk (or at the end of card
    /// anchoring, or self-service) may be redeemed, in seconds: minutes, the holder is there.
    pub offer_lifetime_secs: u64,
    /// How long a pre-authorized code printed on a mailed letter (`myna issuer batch`) may be
    /// redeemed, in seconds: the letter travels by post and waits on a kitchen table, so days
    /// (default 30). Its transaction code and the facts sealed under it last as long.
    pub letter_offer_lifetime_secs: u64,
    /// How long an access token is accepted, in seconds.
    pub access_token_lifetime_secs: u64,
    /// How long a `c_nonce` or an anchoring challenge is accepted, in seconds.
    pub nonce_lifetime_secs: u64,
    /// How many key proofs (credentials) one credential request may carry.
    pub batch_size: u32,
    /// Entries per status list.
    pub status_list_capacity: u32,
    /// `Cache-Control: max-age` and `ttl` of published status lists and the trust list.
    pub status_max_age_secs: u64,
    /// Lifetime (`exp - iat`) of a signed status list token or trust list.
    pub status_token_lifetime_secs: u64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            resident_lifetime_days: 365,
            anchor_lifetime_days: 365,
            event_lifetime_days: 30,
            offer_lifetime_secs: 900,
            letter_offer_lifetime_secs: 30 * 86_400,
            access_token_lifetime_secs: 600,
            nonce_lifetime_secs: 300,
            batch_size: 16,
            status_list_capacity: 1 << 20,
            status_max_age_secs: 300,
            status_token_lifetime_secs: 86_400,
        }
    }
}
