//! Presenting: answering an OpenID4VP 1.0 DCQL query with the smallest set of disclosures,
//! key-bound to the verifier's nonce and audience, in two steps so the holder sees exactly
//! what will leave the wallet before anything is signed.
//!
//! 1. [`Wallet::prepare`] picks, for each Credential Query, one credential instance that was
//!    never shown to another verifier (its own holder key, salts and signature) — all of
//!    them bound to one holder key, since verifiers refuse credentials of two holders
//!    combined ([`Error::NoCommonHolderKey`] when the wallet has no such set) — asks vc-core's
//!    DCQL evaluation which claims it must disclose — trying the credentials that need the
//!    fewest disclosures first — and builds the selection. Every disclosure the selection
//!    would reveal is checked against the query: one that was not asked for is
//!    [`Error::NotRequested`]. The [`Preview`] lists each credential and each disclosed claim
//!    with its value.
//! 2. [`Preview::confirm`] signs the KB-JWTs (`aud` = verifier, `nonce`, `sd_hash`), marks the
//!    instances — and every other credential bound to the same key — as shown to this
//!    verifier and appends the history entry, in one write. The [`Presentation`] gives the
//!    OpenID4VP response (`vp_token` by query id) and the compact QR form.

use std::collections::BTreeMap;

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::compact::{self, InPersonChallenge};
use myna_vc_core::dcql::{CredentialView, DcqlQuery, Format, QueryId};
use myna_vc_core::oid4vp::{
    AuthorizationRequest, AuthorizationResponse, DcApiRequest, DcApiResponse, ReceivedDcApiRequest,
    State, VpToken,
};
use myna_vc_core::sdjwt::{KeyBinding, SdJwt};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::NumericDate;
use serde_json::{Map, Value};

use crate::credentials::{pick_instance, StoredCredential, ANCHOR_CONFIGURATION};
use crate::error::{Error, Result};
use crate::freshness::stale_claims;
use crate::history::Event;
use crate::keys::VerifierId;
use crate::store::{Table, WalletStore, WriteOp};
use crate::wallet::Wallet;

/// What a verifier asks: who it is (the KB-JWT audience), its fresh nonce, the DCQL query and
/// the `state` to echo, if any. Made from an OpenID4VP [`AuthorizationRequest`], or from the
/// in-person challenge a verifier's screen shows.
#[derive(Debug, Clone)]
pub struct PresentationRequest {
    /// The verifier (`aud` of every KB-JWT).
    pub verifier: VerifierId,
    /// The verifier's nonce.
    pub nonce: String,
    /// What it asks for.
    pub query: DcqlQuery,
    /// `state`, echoed in the response.
    pub state: Option<State>,
}

impl PresentationRequest {
    /// From an OpenID4VP 1.0 Authorization Request: the audience is the full `client_id`.
    pub fn openid4vp(request: &AuthorizationRequest) -> Result<Self> {
        Ok(PresentationRequest {
            verifier: VerifierId::new(request.kb_audience())?,
            nonce: request.nonce.as_str().to_owned(),
            query: request.dcql_query.clone(),
            state: request.state.clone(),
        })
    }

    /// From an OpenID4VP request received through the browser's Digital Credentials API
    /// (Annex A), already checked by [`DcApiRequest::from_api`]: the audience is
    /// `origin:<origin>` — the origin the browser reported, never one the request claims —
    /// and there is no `state`.
    ///
    /// ```
    /// use myna_wallet::present::PresentationRequest;
    /// use myna_vc_core::dcql::DcqlQuery;
    /// use myna_vc_core::oid4vp::{DcApiRequest, Origin, RequestTrust};
    /// use myna_vc_core::time::NumericDate;
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
    ///     "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}, "claims": [{"path": ["age_over_20"]}]}]}"#)?;
    /// let data = DcApiRequest::unsigned(query, None)?.to_data()?;
    /// let origin = Origin::parse("https://shop.example")?;
    /// let received = DcApiRequest::from_api("openid4vp-v1-unsigned", &data, &origin,
    ///     &RequestTrust::none(), NumericDate::from_unix(1_800_000_000))?;
    /// let request = PresentationRequest::dc_api(&received)?;
    /// assert_eq!(request.verifier.as_str(), "origin:https://shop.example");
    /// assert!(request.state.is_none());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn dc_api(received: &ReceivedDcApiRequest) -> Result<Self> {
        Ok(PresentationRequest {
            verifier: VerifierId::new(received.kb_audience())?,
            nonce: received.request.nonce.as_str().to_owned(),
            query: received.request.dcql_query.clone(),
            state: None,
        })
    }

    /// From the challenge a verifier shows in person (the compact QR flow), with its query.
    ///
    /// ```
    /// use myna_wallet::present::PresentationRequest;
    /// use myna_vc_core::{compact::InPersonChallenge, dcql::DcqlQuery, oid4vp::Nonce};
    /// let challenge = InPersonChallenge::new("https://shop.example", Nonce::random()?)?;
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
    ///     "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}, "claims": [{"path": ["age_over_20"]}]}]}"#)?;
    /// let request = PresentationRequest::in_person(&challenge, query)?;
    /// assert_eq!(request.verifier.as_str(), "https://shop.example");
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn in_person(challenge: &InPersonChallenge, query: DcqlQuery) -> Result<Self> {
        Ok(PresentationRequest {
            verifier: VerifierId::new(challenge.audience())?,
            nonce: challenge.nonce().as_str().to_owned(),
            query,
            state: None,
        })
    }
}

/// One credential in a [`Preview`]: what the verifier will see of it.
#[derive(Debug, Clone)]
pub struct PreviewItem {
    /// The Credential Query it answers.
    pub query: String,
    /// The instance's id in the wallet.
    pub credential: String,
    /// `iss`.
    pub issuer: String,
    /// `vct`.
    pub vct: String,
    /// Each selectively disclosed claim and its value.
    pub disclosed: Vec<(ClaimPath, Value)>,
    /// The names of the claims every presentation of this credential shows (issuer, type,
    /// dates, status reference, holder key).
    pub always_shown: Vec<String>,
    selected: SdJwt,
    instance: StoredCredential,
}

/// What will be disclosed, before anything is signed. [`confirm`](Preview::confirm) to sign
/// (or [`sign`](Preview::sign), deliver, then commit).
#[derive(Debug)]
pub struct Preview<'w, S: WalletStore> {
    wallet: &'w Wallet<S>,
    request: PresentationRequest,
    items: Vec<PreviewItem>,
    now: NumericDate,
}

/// A signed presentation: the OpenID4VP Authorization Response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// The response (`vp_token` by Credential Query id, and `state`).
    pub response: AuthorizationResponse,
    /// The query's credential ids in the order it asks for them: the `vp_token` keeps its
    /// answers by id, whereas a verifier's policy (and the QR codes shown to it) has an order.
    order: Vec<String>,
}

impl Presentation {
    /// The `direct_post` body (`application/x-www-form-urlencoded`).
    pub fn to_form(&self) -> String {
        self.response.to_form()
    }

    /// The body to post to `request`'s `response_uri`, in its response mode: for
    /// `direct_post.jwt` `response=<JWE>` encrypted to the key its `client_metadata` names,
    /// for `direct_post` the plain form. (A full run is in `wallet/tests/present.rs`.)
    ///
    /// ```
    /// use myna_wallet::present::Presentation;
    /// // `Presentation`s come from `Preview::confirm`; see `wallet/tests/present.rs`.
    /// let _ = Presentation::to_form_for;
    /// ```
    pub fn to_form_for(&self, request: &AuthorizationRequest) -> Result<String> {
        Ok(self.response.to_form_for(request)?)
    }

    /// The `data` of the DigitalCredential to hand back through the Digital Credentials API
    /// for `request`: `{"vp_token": {…}}` for `dc_api`, `{"response": "<JWE>"}` for
    /// `dc_api.jwt` (encrypted to the key the request's `client_metadata` names). (A full run
    /// is in `wallet/tests/present.rs`.)
    ///
    /// ```
    /// use myna_wallet::present::Presentation;
    /// // `Presentation`s come from `Preview::confirm`; see `wallet/tests/present.rs`.
    /// let _ = Presentation::to_dc_api_data;
    /// ```
    pub fn to_dc_api_data(&self, request: &DcApiRequest) -> Result<Value> {
        Ok(DcApiResponse::Success(self.response.vp_token.clone()).to_data(request)?)
    }

    /// Every presentation (SD-JWT+KB), in query order.
    pub fn presentations(&self) -> Vec<&str> {
        self.response
            .vp_token
            .iter()
            .flat_map(|(_, list)| list.iter().map(String::as_str))
            .collect()
    }

    /// The single presentation of a one-credential answer.
    pub fn single(&self) -> Result<&str> {
        let all = self.presentations();
        let mut all = all.into_iter();
        match (all.next(), all.next()) {
            (Some(one), None) => Ok(one),
            _ => Err(Error::invalid(
                "compact presentation",
                "the QR form carries exactly one credential",
            )),
        }
    }

    /// The compact QR form (`MV1:` + base45) of a one-credential answer.
    pub fn compact(&self) -> Result<String> {
        Ok(compact::encode(self.single()?)?)
    }

    /// The compact QR forms (`MV1:` + base45), one per credential, in the order the query
    /// asks for them — what a counter scans one after another for a policy that asks for
    /// several credentials (a resident and an age credential together), and what `myna
    /// wallet present --out` writes, one per line. A one-credential answer gives one text,
    /// the same as [`compact`](Self::compact). (A full run is in `wallet/tests/present.rs`.)
    pub fn compacts(&self) -> Result<Vec<String>> {
        let mut texts = Vec::new();
        for id in &self.order {
            for one in self.response.vp_token.get(id).unwrap_or_default() {
                texts.push(compact::encode(one)?);
            }
        }
        if texts.is_empty() {
            return Err(Error::invalid(
                "compact presentation",
                "the answer carries no credential",
            ));
        }
        Ok(texts)
    }
}

/// A candidate: an eligible instance with its full claims and type.
struct Candidate<'a> {
    instance: &'a StoredCredential,
    sd_jwt: SdJwt,
    vct: Vct,
    claims: Map<String, Value>,
    cost: usize,
}

impl<S: WalletStore> Wallet<S> {
    /// Step one: what the wallet would present for `request` at `now`. Nothing is signed or
    /// stored. A query the wallet cannot answer is refused whole (the full flow with credentials
    /// is in `wallet/tests/present.rs`).
    ///
    /// Every credential of one answer is bound to the **same holder key** (verifiers refuse
    /// credentials of two holders combined): the wallet tries its credentials key by key —
    /// copy `i` of every credential of one offer, or everything bound to a key anchored at an
    /// issuer — and picks the key whose answer uses up the fewest other credentials (a key
    /// already shown to this verifier first). A key any credential of which was shown to
    /// another verifier is never used again. When the query could be answered only with
    /// credentials bound to different keys, it is [`Error::NoCommonHolderKey`].
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// use myna_wallet::{keys::VerifierId, present::PresentationRequest};
    /// let query = myna_vc_core::dcql::DcqlQuery::from_json(br#"{"credentials": [{"id": "age",
    ///     "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}}]}"#)?;
    /// let request = PresentationRequest { verifier: VerifierId::new("https://shop.example")?,
    ///     nonce: "n-0S6_WzA2Mj".into(), query, state: None };
    /// assert!(wallet.prepare(request, now).is_err()); // an empty wallet answers nothing
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn prepare(
        &self,
        request: PresentationRequest,
        now: NumericDate,
    ) -> Result<Preview<'_, S>> {
        let held = self.credentials()?;
        let mut best: Option<((bool, usize, usize), Vec<PreviewItem>)> = None;
        for group in key_groups(&held, &request.verifier) {
            let candidates = candidates(&group, &request, now)?;
            let Ok(items) = answer(&candidates, &request) else {
                continue;
            };
            let rank = rank(&group, &items, &request.verifier);
            if best.as_ref().is_none_or(|(b, _)| rank < *b) {
                best = Some((rank, items));
            }
        }
        match best {
            Some((_, items)) => Ok(Preview {
                wallet: self,
                request,
                items,
                now,
            }),
            None => Err(unanswered(&held, &request, now)),
        }
    }
}

/// The held credentials by holder key, in a stable order, keeping only the keys this
/// verifier may see: no credential bound to the key was shown to another verifier (the
/// anchor credential, shown only to its own issuer, does not count).
fn key_groups<'a>(
    held: &'a [StoredCredential],
    verifier: &VerifierId,
) -> Vec<Vec<&'a StoredCredential>> {
    let mut groups: BTreeMap<&str, Vec<&StoredCredential>> = BTreeMap::new();
    for credential in held {
        groups
            .entry(credential.key.as_str())
            .or_default()
            .push(credential);
    }
    groups
        .into_values()
        .filter(|group| {
            group
                .iter()
                .filter(|c| c.configuration_id != ANCHOR_CONFIGURATION)
                .all(|c| c.shown_to.as_ref().is_none_or(|v| v == verifier))
        })
        .collect()
}

/// How good an answer from one key is, smaller first: a key this verifier has seen before
/// (it learns nothing new), then the fewest sibling credentials used up with it, then the
/// fewest disclosures.
fn rank(
    group: &[&StoredCredential],
    items: &[PreviewItem],
    verifier: &VerifierId,
) -> (bool, usize, usize) {
    let seen = group.iter().any(|c| c.shown_to.as_ref() == Some(verifier));
    let collateral = group
        .iter()
        .filter(|c| c.configuration_id != ANCHOR_CONFIGURATION && c.shown_to.is_none())
        .filter(|c| !items.iter().any(|i| i.instance.id == c.id))
        .count();
    let disclosed = items.iter().map(|i| i.disclosed.len()).sum();
    (!seen, collateral, disclosed)
}

/// The answer to `request` from `candidates`, one preview item per answered query.
fn answer(candidates: &[Candidate<'_>], request: &PresentationRequest) -> Result<Vec<PreviewItem>> {
    let views: Vec<CredentialView<'_>> = candidates
        .iter()
        .map(|c| CredentialView {
            vct: &c.vct,
            claims: &c.claims,
            holder_binding: true,
        })
        .collect();
    request
        .query
        .select(&views)?
        .into_iter()
        .map(|answer| {
            let candidate = candidates.get(answer.credential).ok_or_else(|| {
                Error::invalid("DCQL answer", "names a credential that is not a candidate")
            })?;
            preview_item(answer.query.as_str(), candidate, &answer.claims)
        })
        .collect()
}

/// Why no key answers: the query asks for credentials the wallet holds only under different
/// keys ([`Error::NoCommonHolderKey`]), or every matching instance went to other verifiers
/// ([`Error::BatchExhausted`]), or the wallet lacks what is asked for (vc-core's DCQL error).
fn unanswered(held: &[StoredCredential], request: &PresentationRequest, now: NumericDate) -> Error {
    let all: Vec<&StoredCredential> = held.iter().collect();
    let loose = candidates(&all, request, now).and_then(|c| answer(&c, request));
    match loose {
        Ok(items) if items.len() > 1 => Error::NoCommonHolderKey {
            vcts: items.iter().map(|i| i.vct.clone()).collect(),
        },
        Ok(items) => match items.first() {
            Some(item) => Error::BatchExhausted {
                vct: item.vct.clone(),
            },
            None => Error::invalid("presentation request", "asks for no credential"),
        },
        Err(error) => exhausted(held, request, now).unwrap_or(error),
    }
}

/// One unexpired instance per issuer and type of `held` that this verifier may see,
/// cheapest first.
fn candidates<'a>(
    held: &[&'a StoredCredential],
    request: &PresentationRequest,
    now: NumericDate,
) -> Result<Vec<Candidate<'a>>> {
    let mut groups: BTreeMap<(&str, &str), Vec<&StoredCredential>> = BTreeMap::new();
    for credential in held.iter().copied().filter(|c| !c.is_expired(now)) {
        groups
            .entry((credential.issuer.as_str(), credential.vct.as_str()))
            .or_default()
            .push(credential);
    }
    let mut out = Vec::new();
    for group in groups.values() {
        let Some(instance) = pick_instance(group, &request.verifier) else {
            continue;
        };
        let sd_jwt = SdJwt::parse(&instance.sd_jwt)?;
        let claims = sd_jwt.unverified_claims()?;
        // Every copy of a group states the same claims. One whose age flag went stale can
        // only get its holder refused: it waits for `Wallet::refresh_stale` instead.
        if !stale_claims(&claims, CalendarDate::from_numeric_date_jst(now)?)?.is_empty() {
            continue;
        }
        let vct = Vct::parse(&instance.vct)?;
        let cost = cheapest(&request.query, &sd_jwt, &vct, &claims);
        out.push(Candidate {
            instance,
            sd_jwt,
            vct,
            claims,
            cost,
        });
    }
    out.sort_by_key(|c| c.cost);
    Ok(out)
}

/// The fewest disclosures this credential needs to answer any query of `query`
/// (`usize::MAX` if it answers none).
fn cheapest(query: &DcqlQuery, sd_jwt: &SdJwt, vct: &Vct, claims: &Map<String, Value>) -> usize {
    let view = CredentialView {
        vct,
        claims,
        holder_binding: true,
    };
    query
        .credentials()
        .iter()
        .filter_map(|q| q.evaluate(&view).ok())
        .filter_map(|selection| sd_jwt.select_with_contents(selection.paths()).ok())
        .map(|selected| selected.disclosures().len())
        .min()
        .unwrap_or(usize::MAX)
}

/// When the query fails only because every matching instance went to other verifiers, say
/// so: the holder needs a refill, not another credential type.
fn exhausted(
    held: &[StoredCredential],
    request: &PresentationRequest,
    now: NumericDate,
) -> Option<Error> {
    let wanted: Vec<&str> = request
        .query
        .credentials()
        .iter()
        .filter_map(|q| match q.format() {
            Format::SdJwtVc { vct_values } => Some(vct_values.iter().map(Vct::as_str)),
            Format::Other { .. } => None,
        })
        .flatten()
        .collect();
    held.iter()
        .filter(|c| !c.is_expired(now) && wanted.contains(&c.vct.as_str()))
        .all(|c| c.shown_to.as_ref().is_some_and(|v| v != &request.verifier))
        .then(|| {
            held.iter()
                .find(|c| wanted.contains(&c.vct.as_str()))
                .map(|c| Error::BatchExhausted { vct: c.vct.clone() })
        })
        .flatten()
}

fn preview_item(
    query: &str,
    candidate: &Candidate<'_>,
    wanted: &[ClaimPath],
) -> Result<PreviewItem> {
    // A DCQL path to an object asks for the object with its sub-claims (OpenID4VP §7.3).
    let selected = candidate.sd_jwt.select_with_contents(wanted)?;
    let revealed = selected.disclosure_paths()?;
    if let Some(extra) = revealed
        .iter()
        .find(|p| !wanted.iter().any(|w| w.covers(p) || w.passes_through(p)))
    {
        return Err(Error::NotRequested(extra.to_string()));
    }
    let root = Value::Object(candidate.claims.clone());
    let disclosed = revealed
        .iter()
        .map(|p| (p.clone(), p.lookup(&root).cloned().unwrap_or(Value::Null)))
        .collect();
    let always_shown = myna_vc_core::jws::Jws::parse(selected.jwt())?
        .payload_object("credential")?
        .keys()
        .filter(|k| !k.starts_with('_'))
        .cloned()
        .collect();
    Ok(PreviewItem {
        query: query.to_owned(),
        credential: candidate.instance.id.clone(),
        issuer: candidate.instance.issuer.clone(),
        vct: candidate.instance.vct.clone(),
        disclosed,
        always_shown,
        selected,
        instance: candidate.instance.clone(),
    })
}

impl<'w, S: WalletStore> Preview<'w, S> {
    /// Each credential to be shown and what of it.
    pub fn items(&self) -> &[PreviewItem] {
        &self.items
    }

    /// The verifier that will receive it.
    pub fn verifier(&self) -> &VerifierId {
        &self.request.verifier
    }

    /// Step two: signs, records and returns the presentation — [`sign`](Self::sign) and
    /// [`SignedPresentation::commit`] in one step, for callers whose delivery cannot fail
    /// after signing.
    pub fn confirm(self) -> Result<Presentation> {
        self.sign()?.commit()
    }

    /// Step two for callers that deliver the presentation themselves (print it, post it):
    /// signs, and prepares — but does not yet write — the record that the instances are
    /// used. Deliver [`presentation`](SignedPresentation::presentation), then
    /// [`commit`](SignedPresentation::commit); dropped without a commit (the delivery
    /// failed), nothing is marked as shown, and the instances stay fresh for another
    /// verifier (this one never received the signature).
    ///
    /// On commit every instance shown, **and every other credential bound to the same holder
    /// key** (its siblings from the same offer), is marked as shown to this verifier: a later
    /// presentation of a sibling to another verifier would carry the same key and link the
    /// two. So a batch of N copies gives N presentations across the offer's credential types
    /// together, not N per type.
    pub fn sign(self) -> Result<SignedPresentation<'w, S>> {
        let wallet = self.wallet;
        let verifier = &self.request.verifier;
        let mut vp_token = VpToken::new();
        let mut ops: Vec<WriteOp> = Vec::new();
        for item in &self.items {
            let signer = wallet.keys.signer(&item.instance.key)?;
            let bound = item.selected.clone().bind(&KeyBinding {
                audience: verifier.as_str(),
                nonce: &self.request.nonce,
                issued_at: self.now,
                signer: &*signer,
            })?;
            vp_token.push(&QueryId::parse(&item.query)?, bound.to_string());
            let mut shown = item.instance.clone();
            shown.shown_to = Some(verifier.clone());
            ops.push(wallet.put_op(Table::Credentials, &shown.id, &shown)?);
        }
        // The verifier now knows the holder key: every other credential bound to it is used
        // up for everyone else too, or showing it later would link the two presentations.
        for mut sibling in wallet.credentials()?.into_iter().filter(|c| {
            c.shown_to.is_none()
                && c.configuration_id != ANCHOR_CONFIGURATION
                && self.items.iter().any(|i| i.instance.key == c.key)
                && !self.items.iter().any(|i| i.instance.id == c.id)
        }) {
            sibling.shown_to = Some(verifier.clone());
            ops.push(wallet.put_op(Table::Credentials, &sibling.id, &sibling)?);
        }
        ops.extend(
            wallet.history_ops(
                self.now,
                Event::Presented {
                    verifier: verifier.as_str().to_owned(),
                    credentials: self.items.iter().map(|i| i.credential.clone()).collect(),
                    claims: self
                        .items
                        .iter()
                        .flat_map(|i| i.disclosed.iter().map(|(p, _)| p.to_string()))
                        .collect(),
                },
            )?,
        );
        let order = self
            .request
            .query
            .credentials()
            .iter()
            .map(|asked| asked.id().as_str().to_owned())
            .collect();
        Ok(SignedPresentation {
            wallet,
            ops,
            presentation: Presentation {
                response: AuthorizationResponse {
                    vp_token,
                    state: self.request.state,
                },
                order,
            },
        })
    }
}

/// A signed presentation not yet recorded as delivered ([`Preview::sign`]): deliver it, then
/// [`commit`](Self::commit).
#[must_use = "commit after delivering, or the instances are not marked as shown"]
pub struct SignedPresentation<'w, S: WalletStore> {
    wallet: &'w Wallet<S>,
    ops: Vec<WriteOp>,
    presentation: Presentation,
}

impl<S: WalletStore> core::fmt::Debug for SignedPresentation<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignedPresentation")
            .field("presentation", &self.presentation)
            .finish_non_exhaustive()
    }
}

impl<S: WalletStore> SignedPresentation<'_, S> {
    /// The presentation to deliver.
    pub fn presentation(&self) -> &Presentation {
        &self.presentation
    }

    /// Records the delivery: the instances (and their siblings) are shown to this verifier,
    /// and the history has the presentation — in one write.
    pub fn commit(self) -> Result<Presentation> {
        self.wallet.store.write(self.ops)?;
        Ok(self.presentation)
    }
}
