//! The [`Verifier`]: trust list, status cache, replay guard and clock in; a [`Decision`] out.
//!
//! For each credential a policy requires, in order: the issuer named by the (still unverified)
//! payload is looked up in the trust list and its key picked by the header's `kid`; the SD-JWT
//! VC is verified with that key (signature, `typ`, times, disclosures, `vct`, key binding to
//! this verifier and the challenge's nonce); the issuer must be trusted for that `vct` now;
//! the required claims must be disclosed; the status comes from the cache and must be valid
//! and fresh enough; and it must be bound to the same holder key as the credentials before
//! it (one holder per submission, [`Reason::HolderMismatch`]). Then the KB-JWTs (and a single-use nonce) are recorded by the replay
//! guard, and finally the policy judges the claims. No step touches the network.

use std::sync::Arc;

use serde_json::{Map, Value};

use myna_vc_core::crypto::{default_provider, CryptoProvider, PublicKey};
use myna_vc_core::jwt::DEFAULT_LEEWAY_SECS;
use myna_vc_core::sdjwt::{KeyBindingRule, UnverifiedSdJwt};
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions, VerifiedCredential};
use myna_vc_core::status_list::{Status, StatusListUri};
use myna_vc_core::time::{Clock, NumericDate};
use myna_vc_core::trust_list::VerifiedTrustList;
use myna_vc_core::Result;

use crate::decision::{Decision, DisclosedCredential, Reason, Rejection};
use crate::policy::{Policy, Presented, PresentedCredential, Requirement};
use crate::replay::{key_binding_identity, ReplayGuard, ReplayStore, Seen};
use crate::status_cache::StatusCache;
use crate::submission::{self, Challenge, Submission};
use crate::trust::Trust;

/// Claims that are SD-JWT plumbing rather than facts about the holder; not reported.
const PLUMBING: [&str; 8] = [
    "iss",
    "vct",
    "cnf",
    "status",
    "iat",
    "nbf",
    "exp",
    "vct#integrity",
];

/// How a verifier is tuned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierConfig {
    /// This verifier's identifier: the audience every KB-JWT must name (its OpenID4VP
    /// `client_id`, e.g. `x509_san_dns:shop.example` or `redirect_uri:https://…`).
    pub audience: String,
    /// How old a KB-JWT may be, in seconds.
    pub key_binding_max_age_secs: u64,
    /// How many seconds past fresh the status data may be unless a policy says otherwise.
    pub max_status_staleness_secs: u64,
    /// Freshness of a status list with neither `exp` nor `ttl`, in seconds.
    pub default_status_max_age_secs: u64,
    /// Most live entries in the replay guard.
    pub replay_capacity: usize,
}

impl VerifierConfig {
    /// Defaults for `audience`: KB-JWTs up to 5 minutes old, status data up to 1 day past
    /// fresh, lists without `exp`/`ttl` fresh for 1 day, 1,000,000 replay entries.
    ///
    /// ```
    /// let c = myna_verifier::verifier::VerifierConfig::new("x509_san_dns:shop.example");
    /// assert_eq!(c.key_binding_max_age_secs, 300);
    /// ```
    pub fn new(audience: &str) -> Self {
        VerifierConfig {
            audience: audience.to_owned(),
            key_binding_max_age_secs: 300,
            max_status_staleness_secs: 86_400,
            default_status_max_age_secs: 86_400,
            replay_capacity: 1_000_000,
        }
    }
}

/// Verifies presentations for policies. See the [module docs](self) and the README section
/// "Verifying presentations" for a complete example.
pub struct Verifier {
    config: VerifierConfig,
    provider: &'static dyn CryptoProvider,
    trust: Trust,
    status: StatusCache,
    replay: Arc<dyn ReplayStore>,
    clock: Arc<dyn Clock>,
}

impl core::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifier")
            .field("config", &self.config)
            .field("provider", &self.provider.name())
            .field("trust_version", &self.trust.version())
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier trusting `trust`, reading time from `clock`, with the default crypto
    /// provider and an empty status cache.
    pub fn new(config: VerifierConfig, trust: Trust, clock: Arc<dyn Clock>) -> Self {
        Verifier {
            status: StatusCache::new(config.default_status_max_age_secs),
            replay: Arc::new(ReplayGuard::new(config.replay_capacity)),
            provider: default_provider(),
            config,
            trust,
            clock,
        }
    }

    /// Remembers used key bindings (and single-use nonces) in `store` instead of this
    /// verifier's own [`ReplayGuard`]: a store shared by a fleet of gates or tills refuses a
    /// presentation replayed at another of them.
    /// ```
    /// use std::sync::Arc;
    /// use myna_verifier::core::crypto::{default_provider, SecretKey};
    /// use myna_verifier::core::time::{FixedClock, NumericDate};
    /// use myna_verifier::core::trust_list::TrustList;
    /// use myna_verifier::replay::ReplayGuard;
    /// use myna_verifier::trust::Trust;
    /// use myna_verifier::verifier::{Verifier, VerifierConfig};
    /// let (authority, t) = (SecretKey::generate_p256()?, NumericDate::from_unix(1_000));
    /// let list = TrustList::new("jp", 1, t, t.plus_seconds(600))
    ///     .sign(&*default_provider().signer(&authority)?)?;
    /// // Two verifiers of one gate (in one process here; PgReplayGuard spans processes).
    /// let fleet = Arc::new(ReplayGuard::new(100_000));
    /// let gate = |fleet: Arc<ReplayGuard>| -> Result<Verifier, myna_verifier::core::Error> {
    ///     let trust = Trust::new(authority.public_key(), &list, default_provider(), t)?;
    ///     let config = VerifierConfig::new("did:web:city.example:gate:3");
    ///     Ok(Verifier::new(config, trust, Arc::new(FixedClock(t))).with_replay_store(fleet))
    /// };
    /// let (_west, _east) = (gate(fleet.clone())?, gate(fleet.clone())?);
    /// assert_eq!(Arc::strong_count(&fleet), 3);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = store;
        self
    }

    /// Uses another crypto provider.
    pub fn with_provider(mut self, provider: &'static dyn CryptoProvider) -> Self {
        self.provider = provider;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    /// The trust anchor (to update the list).
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// The status cache.
    pub fn status_cache(&self) -> &StatusCache {
        &self.status
    }

    /// The crypto provider.
    pub fn provider(&self) -> &'static dyn CryptoProvider {
        self.provider
    }

    /// The clock's current time.
    pub fn now(&self) -> NumericDate {
        self.clock.now()
    }

    /// Replaces the trust list with a newer one signed by the pinned authority key.
    pub fn update_trust_list(&self, signed_list: &str) -> Result<u64> {
        self.trust.update(signed_list, self.provider, self.now())
    }

    /// Verifies and caches a Status List Token fetched now from `uri`, signed by `issuer`.
    pub fn store_status_list(&self, issuer: &str, uri: &StatusListUri, token: &str) -> Result<()> {
        let now = self.now();
        self.status
            .store(&self.trust.list(), issuer, uri, token, self.provider, now)
    }

    /// Verifies a `vp_token` given as raw bytes (JSON), so unreadable input is a decision too.
    pub fn verify_bytes(
        &self,
        policy: &dyn Policy,
        bytes: &[u8],
        challenge: &Challenge,
    ) -> Decision {
        match Submission::from_bytes(bytes) {
            Ok(submission) => self.verify(policy, &submission, challenge),
            Err(error) => self.reject(policy, Rejection::from_error(error)),
        }
    }

    /// A rejection for `policy` decided before any credential was verified (unreadable
    /// transport, a gate nonce from another window, …), stamped with the clock's time.
    pub fn reject(&self, policy: &dyn Policy, rejection: Rejection) -> Decision {
        self.decide(policy, Vec::new(), Err(rejection))
    }

    /// Verifies a submission for `policy`, bound to `challenge`.
    pub fn verify(
        &self,
        policy: &dyn Policy,
        submission: &Submission,
        challenge: &Challenge,
    ) -> Decision {
        let now = self.now();
        let trust = self.trust.list();
        let max_staleness = policy
            .max_status_staleness_secs()
            .unwrap_or(self.config.max_status_staleness_secs);
        if let Err(rejection) = check_shape(policy.requirements(), submission) {
            return self.reject(policy, rejection);
        }
        let mut reported = Vec::new();
        let mut presented = Presented::default();
        let mut kb_jwts = Vec::new();
        for requirement in policy.requirements() {
            let Some(text) = submission.get(&requirement.id) else {
                let missing =
                    Rejection::new(Reason::MissingCredential).for_credential(&requirement.id);
                return self.decide(policy, reported, Err(missing));
            };
            let input = CredentialInput {
                trust: &trust,
                requirement,
                challenge,
                now,
                max_staleness,
            };
            match self.check_credential(text, &input) {
                Ok(checked) => {
                    if let Err(rejection) = same_holder(&presented, &checked.presented) {
                        return self.decide(policy, reported, Err(rejection));
                    }
                    reported.push(checked.report);
                    presented.credentials.push(checked.presented);
                    kb_jwts.push(checked.kb_jwt);
                }
                Err(rejection) => {
                    let rejection = rejection.for_credential(&requirement.id);
                    return self.decide(policy, reported, Err(rejection));
                }
            }
        }
        let outcome = self
            .record_use(&kb_jwts, &presented, challenge, now)
            .and_then(|()| policy.check(&presented, now));
        self.decide(policy, reported, outcome)
    }

    fn decide(
        &self,
        policy: &dyn Policy,
        credentials: Vec<DisclosedCredential>,
        outcome: core::result::Result<(), Rejection>,
    ) -> Decision {
        Decision {
            policy: policy.name().to_owned(),
            at: self.now(),
            credentials,
            outcome,
        }
    }

    fn check_credential(
        &self,
        text: &str,
        input: &CredentialInput<'_>,
    ) -> core::result::Result<Checked, Rejection> {
        submission::check_size(text.len())?;
        let mut presentation = UnverifiedSdJwt::parse(text)?;
        let (iss, key) = issuer_key(input.trust, &mut presentation)?;
        let audience = input
            .challenge
            .audience
            .as_deref()
            .unwrap_or(&self.config.audience);
        let rule = KeyBindingRule::Required {
            audience,
            nonce: &input.challenge.nonce,
            max_age_secs: self.config.key_binding_max_age_secs,
        };
        let options = VcVerifyOptions::at(input.now, rule).expect_vct(&input.requirement.vct);
        let verified = sdjwt_vc::verify_parsed(presentation, self.provider, key, &options)?;
        let issuer = input.trust.authorize(&iss, verified.vct(), input.now)?;
        check_required_claims(&verified, input.requirement)?;
        let staleness = self.check_status(&verified, &iss, input)?;
        let holder_key = verified
            .disclosed()
            .holder_key()?
            .ok_or(myna_vc_core::Error::SdJwt(
                myna_vc_core::SdJwtError::NoHolderKey,
            ))?;
        let holder = holder_key.thumbprint().to_string();
        let presented_at = verified
            .disclosed()
            .key_binding()
            .map(|kb| kb.issued_at)
            .ok_or(myna_vc_core::Error::SdJwt(
                myna_vc_core::SdJwtError::KeyBindingMissing,
            ))?;
        let claims: Map<String, Value> = verified
            .claims()
            .iter()
            .filter(|(name, _)| !PLUMBING.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        // `verify` required and checked a KB-JWT: it is the last `~`-separated part.
        let kb_jwt = text
            .rsplit_once('~')
            .map(|(_, kb)| key_binding_identity(kb, holder_key.allowed_algorithm()))
            .ok_or(myna_vc_core::Error::SdJwt(
                myna_vc_core::SdJwtError::KeyBindingMissing,
            ))?;
        Ok(Checked {
            report: DisclosedCredential {
                id: input.requirement.id.clone(),
                vct: verified.vct().to_string(),
                issuer: iss.clone(),
                issuer_name: issuer.name.clone(),
                claims: claims.clone(),
                holder: holder.clone(),
                status_staleness_secs: staleness,
            },
            presented: PresentedCredential {
                id: input.requirement.id.clone(),
                issuer: iss,
                issuer_name: issuer.name.clone(),
                issuer_municipality: issuer.municipality,
                claims,
                holder,
                presented_at,
            },
            kb_jwt: (kb_jwt, presented_at),
        })
    }

    /// `Ok(None)` for a credential without status; else the staleness of a valid status.
    fn check_status(
        &self,
        verified: &VerifiedCredential,
        iss: &str,
        input: &CredentialInput<'_>,
    ) -> core::result::Result<Option<u64>, Rejection> {
        let Some(reference) = verified.status()? else {
            return Ok(None);
        };
        let check = self.status.check(iss, &reference, input.now)?;
        if check.staleness_secs > input.max_staleness {
            return Err(Rejection::noted(
                Reason::StatusTooStale,
                "cached status list is older than the policy allows",
            ));
        }
        match check.status {
            Status::VALID => Ok(Some(check.staleness_secs)),
            Status::SUSPENDED => Err(Rejection::new(Reason::Suspended)),
            _ => Err(Rejection::new(Reason::Revoked)),
        }
    }

    /// Records every KB-JWT (and a single-use nonce) with the replay guard; any repeat
    /// refuses the whole submission.
    fn record_use(
        &self,
        kb_jwts: &[(Vec<u8>, NumericDate)],
        presented: &Presented,
        challenge: &Challenge,
        now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        let window = self.config.key_binding_max_age_secs + 2 * DEFAULT_LEEWAY_SECS;
        let latest = presented
            .credentials
            .iter()
            .map(|c| c.presented_at)
            .max()
            .unwrap_or(now);
        if challenge.single_use {
            let nonce_key = [b"nonce:".as_slice(), challenge.nonce.as_bytes()].concat();
            self.guard(
                &nonce_key,
                latest.max(now).plus_seconds(window),
                now,
                "nonce",
            )?;
        }
        for (kb_jwt, issued_at) in kb_jwts {
            self.guard(
                kb_jwt,
                issued_at.plus_seconds(window),
                now,
                "key binding JWT",
            )?;
        }
        Ok(())
    }

    fn guard(
        &self,
        value: &[u8],
        until: NumericDate,
        now: NumericDate,
        what: &'static str,
    ) -> core::result::Result<(), Rejection> {
        match self.replay.record(value, until, now) {
            Seen::First => Ok(()),
            Seen::Again => Err(Rejection::noted(Reason::Replayed, what)),
            Seen::Full => Err(Rejection::noted(Reason::TryAgain, "replay guard is full")),
            Seen::Unavailable => Err(Rejection::noted(
                Reason::TryAgain,
                "replay guard unavailable",
            )),
        }
    }
}

struct CredentialInput<'a> {
    trust: &'a VerifiedTrustList,
    requirement: &'a Requirement,
    challenge: &'a Challenge,
    now: NumericDate,
    max_staleness: u64,
}

struct Checked {
    report: DisclosedCredential,
    presented: PresentedCredential,
    /// The KB-JWT's replay identity and `iat`.
    kb_jwt: (Vec<u8>, NumericDate),
}

/// The issuer id from the unverified payload and the trust list's key for it (chosen by the
/// header `kid`). Nothing from the payload is believed until that key verified it.
fn issuer_key<'t>(
    trust: &'t VerifiedTrustList,
    presentation: &mut UnverifiedSdJwt<'_>,
) -> core::result::Result<(String, &'t PublicKey), Rejection> {
    let iss = match presentation.unverified_payload()?.get("iss") {
        Some(Value::String(iss)) => iss.clone(),
        Some(_) => {
            return Err(Rejection::from_error(myna_vc_core::Error::Jwt(
                myna_vc_core::JwtError::InvalidClaim {
                    claim: "iss",
                    detail: "must be a string".into(),
                },
            )))
        }
        None => return Err(Rejection::noted(Reason::UntrustedIssuer, "no `iss`")),
    };
    let key = trust.issuer_key(&iss, presentation.header().kid.as_deref())?;
    Ok((iss, key))
}

/// One holder key per submission: a verified credential must be bound (`cnf`) to the same
/// key as the credentials verified before it, else it is [`Reason::HolderMismatch`] naming
/// it. The thumbprints are public values, so a plain comparison is fine.
///
/// This is what makes a multi-credential policy (residency + age, membership + age +
/// pseudonym, …) judge *one* person: each credential proves possession of its key by its
/// KB-JWT, so two keys would mean two holders (see `specs/holder-binding.md`).
fn same_holder(
    presented: &Presented,
    next: &PresentedCredential,
) -> core::result::Result<(), Rejection> {
    match presented.credentials.first() {
        Some(first) if first.holder != next.holder => Err(Rejection::noted(
            Reason::HolderMismatch,
            "bound to another holder key than the other credentials of this presentation",
        )
        .for_credential(&next.id)),
        _ => Ok(()),
    }
}

/// Every requested credential present, and nothing else: only what was asked for may be
/// presented (OpenID4VP §8.1), so an unasked credential is refused rather than ignored.
fn check_shape(
    requested: &[Requirement],
    submission: &Submission,
) -> core::result::Result<(), Rejection> {
    if let Some(missing) = requested.iter().find(|r| submission.get(&r.id).is_none()) {
        return Err(Rejection::new(Reason::MissingCredential).for_credential(&missing.id));
    }
    match submission
        .ids()
        .find(|id| !requested.iter().any(|r| r.id == *id))
    {
        Some(extra) => Err(Rejection::noted(
            Reason::Unreadable,
            "a credential that was not asked for",
        )
        .for_credential(extra)),
        None => Ok(()),
    }
}

fn check_required_claims(
    verified: &VerifiedCredential,
    requirement: &Requirement,
) -> core::result::Result<(), Rejection> {
    let claims = verified.claims();
    match requirement
        .claims
        .iter()
        .find(|path| !path.is_root() && path.lookup_in(claims).is_none())
    {
        Some(_) => Err(Rejection::noted(
            Reason::MissingClaim,
            "a requested claim was not disclosed",
        )),
        None => Ok(()),
    }
}
