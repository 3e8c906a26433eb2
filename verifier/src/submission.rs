//! What a holder hands over: one presentation per requested credential, keyed by the query id
//! (the shape of an OpenID4VP `vp_token` answering a DCQL query:
//! `{"age": ["<sd-jwt~…~kb-jwt>"]}`), and the challenge it must be bound to.
//!
//! Parsing is guarded: at most 1 MiB, valid UTF-8, JSON through vc-core's depth-limited parser,
//! at most [`MAX_CREDENTIALS`] entries of exactly one presentation each.
//!
//! At a counter the same submission arrives as compact QR texts, one `MV1:…` line per
//! credential the policy asks for ([`submission_from_compact`]); [`submission_from_text`]
//! takes whichever form a person or a scanner typed (QR lines, `vp_token` JSON, or one bare
//! SD-JWT). The HTTP service, the command line and the Wasm verifier all read through these
//! two, so a presentation means the same everywhere.
//!
//! ```
//! use myna_verifier::submission::Submission;
//! let s = Submission::from_bytes(br#"{"age": ["eyJ.e30.sig~"]}"#)?;
//! assert_eq!(s.get("age"), Some("eyJ.e30.sig~"));
//! assert!(Submission::from_bytes(b"\xff\xfe").is_err());
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use myna_vc_core::{compact, json};
use myna_vc_core::{CompactError, Error, InputError, Oid4vpError, Result};

use myna_vc_core::sdjwt::UnverifiedSdJwt;

use crate::policy::{Policy, Requirement};

/// The most credentials one submission may carry.
pub const MAX_CREDENTIALS: usize = 16;

const WHAT: &str = "vp_token";

/// Presentations keyed by the id of the query they answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submission {
    presentations: BTreeMap<String, String>,
}

impl Submission {
    /// A submission answering one query.
    ///
    /// ```
    /// let s = myna_verifier::submission::Submission::single("age", "eyJ…~");
    /// assert_eq!(s.len(), 1);
    /// ```
    pub fn single(id: &str, presentation: &str) -> Self {
        Submission::default().with(id, presentation)
    }

    /// Adds (or replaces) the answer to query `id`.
    ///
    /// ```
    /// let s = myna_verifier::submission::Submission::single("a", "x~").with("b", "y~");
    /// assert_eq!(s.get("b"), Some("y~"));
    /// ```
    pub fn with(mut self, id: &str, presentation: &str) -> Self {
        self.presentations
            .insert(id.to_owned(), presentation.to_owned());
        self
    }

    /// Parses the JSON `vp_token` form from raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_size(bytes.len())?;
        let text = core::str::from_utf8(bytes)
            .map_err(|_| Error::Input(InputError::NotUtf8 { what: WHAT }))?;
        Self::from_json(&json::parse(text.as_bytes(), WHAT)?)
    }

    /// Parses the JSON `vp_token` form.
    pub fn from_json(value: &Value) -> Result<Self> {
        let object = value
            .as_object()
            .ok_or(Error::Input(InputError::NotAnObject { what: WHAT }))?;
        if object.len() > MAX_CREDENTIALS {
            return Err(Error::Input(InputError::TooMany {
                what: "credentials in a vp_token",
                count: object.len(),
                limit: MAX_CREDENTIALS,
            }));
        }
        let mut presentations = BTreeMap::new();
        for (id, entry) in object {
            let single = match entry {
                Value::Array(items) => match items.as_slice() {
                    [Value::String(one)] => one,
                    _ => return Err(one_presentation(id)),
                },
                Value::String(one) => one,
                _ => return Err(one_presentation(id)),
            };
            presentations.insert(id.clone(), single.clone());
        }
        Ok(Submission { presentations })
    }

    /// The JSON `vp_token` form.
    ///
    /// ```
    /// let s = myna_verifier::submission::Submission::single("age", "x~");
    /// assert_eq!(s.to_json(), serde_json::json!({"age": ["x~"]}));
    /// ```
    pub fn to_json(&self) -> Value {
        let map = self
            .presentations
            .iter()
            .map(|(id, p)| (id.clone(), Value::Array(vec![Value::String(p.clone())])))
            .collect();
        Value::Object(map)
    }

    /// The presentation answering query `id`.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.presentations.get(id).map(String::as_str)
    }

    /// The query ids answered.
    ///
    /// ```
    /// let s = myna_verifier::submission::Submission::single("b", "x~").with("a", "y~");
    /// assert_eq!(s.ids().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.presentations.keys().map(String::as_str)
    }

    /// How many presentations it holds.
    pub fn len(&self) -> usize {
        self.presentations.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.presentations.is_empty()
    }
}

/// Refuses input over vc-core's 1 MiB limit before looking at it.
pub(crate) fn check_size(size: usize) -> Result<()> {
    if size > json::MAX_INPUT_BYTES {
        return Err(Error::Input(InputError::TooLarge {
            what: WHAT,
            size,
            limit: json::MAX_INPUT_BYTES,
        }));
    }
    Ok(())
}

/// The error for a `vp_token` entry that is not one presentation string (alone or in an
/// array of one).
fn one_presentation(query: &str) -> Error {
    Error::Input(InputError::MemberType {
        what: WHAT,
        member: query.chars().take(64).collect(),
        expected: "one presentation string (alone or in an array of one)",
    })
}

/// The submission in compact QR texts: one `MV1:…` per requirement of `policy`, one per line
/// (not split on spaces: the base45 alphabet has a space), in **any order**: a counter scans
/// the codes one after another as the customer shows them. Each text answers the requirement
/// whose credential type (`vct`) its credential names; where two requirements ask for the
/// same type, its texts take them in the order given. Blank lines and a `\r` before each line
/// end are ignored.
///
/// The type is read before any signature is checked: it only says where the presentation
/// goes, and the verifier then checks it against that requirement like any other (a forged
/// type fails there). Refused with a typed error: a different number of texts than
/// requirements (`compact_text_count`), a type no requirement asks for
/// (`compact_unrequested_type`), a type given more often than asked — the same code scanned
/// twice (`compact_repeated_type`) — and a credential naming no type (`compact_untyped`). A
/// policy of one requirement takes its one text as it is (its type is checked by the
/// verifier).
///
/// ```
/// use myna_verifier::core::{b64, compact};
/// use myna_verifier::policy::{age::AgeCheck, child_entry::ChildEntry};
/// use myna_verifier::submission::submission_from_compact;
/// // Presentations whose issuer JWT names their type (signatures are checked later).
/// let typed = |vct: &str| format!("eyJhbGciOiJFUzI1NiJ9.{}.cg~", b64::encode(format!(r#"{{"vct":"{vct}"}}"#)));
/// let (r, a) = (typed("urn:myna-vc:vct:resident:1"), typed("urn:myna-vc:vct:age:1"));
/// let (resident, age) = (compact::encode(&r)?, compact::encode(&a)?);
/// let entry = ChildEntry::himeji()?;
/// for texts in [format!("{resident}\r\n{age}\n"), format!("{age}\n{resident}")] {
///     let both = submission_from_compact(&entry, &texts)?;
///     assert_eq!((both.get("resident"), both.get("age")), (Some(&*r), Some(&*a)));
/// }
/// // The same code twice, one line for a policy that asks for two credentials, or text
/// // that is not base45:
/// let twice = submission_from_compact(&entry, &format!("{age}\n{age}")).unwrap_err();
/// assert_eq!(twice.code(), "compact_repeated_type");
/// assert!(submission_from_compact(&entry, &resident).is_err());
/// assert!(submission_from_compact(&AgeCheck::over_20()?, "").is_err());
/// assert!(submission_from_compact(&AgeCheck::over_20()?, "MV1:$$$").is_err());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn submission_from_compact(policy: &dyn Policy, texts: &str) -> Result<Submission> {
    check_size(texts.len())?;
    let parts: Vec<&str> = texts
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.trim().is_empty())
        .collect();
    let requirements = policy.requirements();
    if parts.len() != requirements.len() {
        return Err(Error::Compact(CompactError::TextCount {
            texts: parts.len(),
            requested: requirements.len(),
        }));
    }
    let presentations = parts
        .into_iter()
        .map(compact::decode)
        .collect::<Result<Vec<String>>>()?;
    if let ([only], [presentation]) = (requirements, presentations.as_slice()) {
        return Ok(Submission::single(&only.id, presentation));
    }
    let mut submission = Submission::default();
    let mut taken: Vec<&str> = Vec::new();
    for presentation in &presentations {
        let id = requirement_for(requirements, &taken, &presented_type(presentation)?)?;
        taken.push(id);
        submission = submission.with(id, presentation);
    }
    Ok(submission)
}

/// The credential type (`vct`) a presentation's issuer JWT names, not yet verified: it only
/// routes the presentation to the requirement that then verifies it.
fn presented_type(presentation: &str) -> Result<String> {
    let mut parsed = UnverifiedSdJwt::parse(presentation)?;
    parsed
        .unverified_payload()?
        .get("vct")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(Error::Compact(CompactError::Untyped))
}

/// The id of the first requirement for `vct` not yet `taken`.
fn requirement_for<'r>(
    requirements: &'r [Requirement],
    taken: &[&str],
    vct: &str,
) -> Result<&'r str> {
    let mut of_type = requirements
        .iter()
        .filter(|requirement| requirement.vct.as_str() == vct)
        .peekable();
    // Named in the error, so kept short: it came from the holder's side.
    let named = || vct.chars().take(MAX_TYPE_CHARS).collect::<String>();
    if of_type.peek().is_none() {
        return Err(Error::Compact(CompactError::UnrequestedType {
            vct: named(),
        }));
    }
    of_type
        .map(|requirement| requirement.id.as_str())
        .find(|id| !taken.contains(id))
        .ok_or_else(|| Error::Compact(CompactError::RepeatedType { vct: named() }))
}

/// The most characters of a presented type an error repeats.
const MAX_TYPE_CHARS: usize = 80;

/// A presentation as typed or scanned, in any of its forms: compact QR texts (`MV1:…`, one
/// line per credential, [`submission_from_compact`]), a `vp_token` JSON object, or one bare
/// SD-JWT with key binding answering the policy's only requirement.
///
/// ```
/// use myna_verifier::policy::{age::AgeCheck, child_entry::ChildEntry};
/// use myna_verifier::submission::submission_from_text;
/// let age = AgeCheck::over_20()?;
/// assert_eq!(submission_from_text(&age, " eyJ.e30.s~kb \n")?.get("age"), Some("eyJ.e30.s~kb"));
/// assert_eq!(submission_from_text(&age, r#"{"age": ["x~"]}"#)?.get("age"), Some("x~"));
/// // A bare SD-JWT cannot answer a policy that asks for two credentials.
/// assert!(submission_from_text(&ChildEntry::himeji()?, "eyJ.e30.s~kb").is_err());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn submission_from_text(policy: &dyn Policy, text: &str) -> Result<Submission> {
    // Only line ends are trimmed off QR texts: a space is a base45 digit.
    let lines = text.trim_matches(['\n', '\r']).trim_start();
    if lines.starts_with(compact::PREFIX) {
        return submission_from_compact(policy, lines);
    }
    let text = text.trim();
    if text.starts_with('{') {
        return Submission::from_bytes(text.as_bytes());
    }
    check_size(text.len())?;
    match policy.requirements() {
        [only] => Ok(Submission::single(&only.id, text)),
        several => Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "presentation",
            detail: format!(
                "this policy needs {} credentials: give one MV1: line per credential or a \
                 vp_token JSON object",
                several.len()
            ),
        })),
    }
}

/// The nonce a presentation must be bound to, whether it may be used only once, and (for
/// in-person challenges shown under another identifier, such as a gate's) the audience.
///
/// ```
/// use myna_verifier::submission::Challenge;
/// assert!(Challenge::single_use("n-1").single_use);
/// assert!(!Challenge::shared("gate-window-42").single_use);
/// let gate = Challenge::shared("w").for_audience("did:web:city.example:gate:3");
/// assert_eq!(gate.audience.as_deref(), Some("did:web:city.example:gate:3"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The nonce expected in every KB-JWT.
    pub nonce: String,
    /// The audience expected in every KB-JWT; `None` means the verifier's configured one.
    pub audience: Option<String>,
    /// `true` for a nonce handed to one holder (an OpenID4VP request, a code on the cashier's
    /// screen): a second presentation with it is a replay. `false` for a nonce shared by a
    /// time window at an unattended gate; each KB-JWT is still accepted only once.
    pub single_use: bool,
}

impl Challenge {
    /// A nonce for one holder.
    pub fn single_use(nonce: &str) -> Self {
        Challenge {
            nonce: nonce.to_owned(),
            audience: None,
            single_use: true,
        }
    }

    /// A nonce shared by everyone in a gate's time window.
    pub fn shared(nonce: &str) -> Self {
        Challenge {
            nonce: nonce.to_owned(),
            audience: None,
            single_use: false,
        }
    }

    /// Expects `audience` in the KB-JWTs instead of the verifier's configured audience.
    pub fn for_audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.to_owned());
        self
    }
}
