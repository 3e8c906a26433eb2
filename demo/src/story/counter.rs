//! A counter where a verifier meets a resident in person: the verifier shows its id and a
//! fresh nonce, the wallet answers the policy's DCQL query with the fewest disclosures and
//! signs after the holder confirms, and the verifier decides — offline, from its trust list
//! and cached status lists.

use myna_verifier::decision::Decision;
use myna_verifier::policy::Policy;
use myna_verifier::transport::{
    dcql, in_person_challenge, submission_from_compact, submission_from_vp_token,
};
use myna_verifier::verifier::Verifier;
use myna_wallet::present::PresentationRequest;

use super::resident::Resident;
use super::world::World;
use super::{fail, DemoResult};

/// A verifier at a counter.
pub struct Counter {
    /// Its identifier (the audience of every key binding).
    pub id: String,
    /// The verifier library.
    pub verifier: Verifier,
}

impl Counter {
    /// A counter known as `id` (an https URL), its status lists fetched now.
    pub fn open(world: &World, id: &str) -> DemoResult<Counter> {
        Ok(Counter {
            id: id.to_owned(),
            verifier: world.verifier(id)?,
        })
    }

    /// `resident` answers `policy` in person; the decision. A one-credential answer travels
    /// as the compact QR text (`MV1:…`), a larger one as an OpenID4VP `vp_token`.
    pub fn ask(&self, resident: &Resident, policy: &dyn Policy) -> DemoResult<Decision> {
        let now = self.verifier.now();
        let (shown, challenge) = in_person_challenge(&self.id).map_err(fail)?;
        let query = dcql(policy.requirements()).map_err(fail)?;
        let request = PresentationRequest::in_person(&shown, query).map_err(fail)?;
        let presentation = resident
            .wallet
            .prepare(request, now)
            .and_then(|preview| preview.confirm())
            .map_err(fail)?;
        let submission = if policy.requirements().len() == 1 {
            let qr = presentation.compact().map_err(fail)?;
            submission_from_compact(policy, &qr).map_err(fail)?
        } else {
            submission_from_vp_token(&presentation.response.vp_token).map_err(fail)?
        };
        Ok(self.verifier.verify(policy, &submission, &challenge))
    }
}
