//! Shared by the interop tests: our side of every exchange (a credential issued and presented
//! by our code, our verifier for theirs) and the driver of the outside implementations that
//! run as subprocesses (Python, Node), set up by `tests/interop/setup`.
#![allow(
    dead_code,
    reason = "each interop test binary uses the part of this module its oracle needs"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey};
use myna_vc_core::jws::Jws;
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule, SdJwt};
use myna_vc_core::sdjwt_vc::{
    self, CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct,
};
use myna_vc_core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
};
use myna_vc_core::time::NumericDate;
use serde_json::{json, Map, Value};

/// What the tests return: any error, with its message in the test output.
pub type Outcome<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The instant every exchange happens at (2027-04-01T09:00:00+09:00), injected everywhere.
pub const NOW: NumericDate = NumericDate::from_unix(1_806_537_600);
/// Our issuer.
pub const ISS: &str = "https://city.mishima.example";
/// The verifier every presentation is bound to, and its nonce.
pub const AUDIENCE: &str = "https://helpers.mishima-kita-es.example";
pub const NONCE: &str = "n-0S6_WzA2Mj";
/// Our status list.
pub const STATUS_LIST: &str = "https://city.mishima.example/status/1";
const VCT: &str = "urn:myna-tests:vct:interop:1";
/// The status entries of the valid and the revoked credential.
const VALID_INDEX: u64 = 1_234;
const REVOKED_INDEX: u64 = 77;

/// Our issuer key, a holder key, a published status list and credentials issued by our
/// code with everything a verifier must handle: selectively disclosable claims at the top,
/// inside an object that is itself disclosable (nested), and per array element; decoy digests
/// at both levels; a holder key (`cnf`) and a status entry.
pub struct Ours {
    pub issuer: SecretKey,
    pub holder: SecretKey,
    /// Our `statuslist+jwt`, signed by the issuer, with [`Ours::revoked`]'s entry revoked.
    pub status_list_token: String,
    /// A valid credential (every disclosure).
    pub credential: SdJwt,
    /// The same credential type, its status entry revoked.
    pub revoked: SdJwt,
}

/// The claims of the credential, as issued.
pub fn claims() -> Value {
    json!({
        "shelter_id": "mishima-kita-es",
        "name": "三島　健太",
        "address": {"prefecture": "静岡県", "locality": "三島市", "street": "北田町４番４７号"},
        "allergies": ["buckwheat", "egg", "milk"],
        "age_over_20": false,
    })
}

/// [`claims`] with what an outside issuer adds itself in our tests: `iss`, `vct`, `iat` an
/// hour before [`NOW`], `exp` a day after, and `extra`.
pub fn issued_claims(extra: &[(&str, Value)]) -> Outcome<Value> {
    let mut claims = claims()
        .as_object()
        .cloned()
        .ok_or("claims are an object")?;
    claims.insert("iss".into(), json!(ISS));
    claims.insert("vct".into(), json!(VCT));
    claims.insert("iat".into(), json!(NOW.minus_seconds(3_600).as_unix()));
    claims.insert("exp".into(), json!(NOW.plus_seconds(86_400).as_unix()));
    for (name, value) in extra {
        claims.insert((*name).to_owned(), value.clone());
    }
    Ok(Value::Object(claims))
}

/// What every presentation discloses: the locality (which opens `address`, not `street`),
/// the first and last allergy, the age flag — not the name.
pub fn disclosed_paths() -> Vec<ClaimPath> {
    vec![
        ClaimPath::key("address").then_key("locality"),
        ClaimPath::key("allergies").then_index(0),
        ClaimPath::key("allergies").then_index(2),
        ClaimPath::key("age_over_20"),
    ]
}

/// The credential claims a verifier must find in a presentation of [`disclosed_paths`].
pub fn expected_claims() -> Value {
    json!({
        "shelter_id": "mishima-kita-es",
        "address": {"prefecture": "静岡県", "locality": "三島市"},
        "allergies": ["buckwheat", "milk"],
        "age_over_20": false,
    })
}

fn credential_type() -> Outcome<CredentialType> {
    let selective = DisclosureRule::Selective;
    Ok(CredentialType::new(Vct::parse(VCT)?)
        .claim(ClaimPath::key("shelter_id"), DisclosureRule::Always, true)
        .claim(ClaimPath::key("name"), selective, false)
        .claim(ClaimPath::key("address"), selective, false)
        .claim(
            ClaimPath::key("address").then_key("locality"),
            selective,
            false,
        )
        .claim(
            ClaimPath::key("address").then_key("street"),
            selective,
            false,
        )
        .claim(ClaimPath::key("allergies").then_any(), selective, false)
        .claim(ClaimPath::key("age_over_20"), selective, false))
}

impl Ours {
    pub fn new() -> Outcome<Ours> {
        let issuer = SecretKey::generate_p256()?;
        let holder = SecretKey::generate_p256()?;
        let signer = default_provider().signer(&issuer)?;
        let uri = StatusListUri::new(STATUS_LIST)?;
        let mut list = StatusList::new(StatusBits::Two, 4_096)?;
        list.set(StatusIndex::new(REVOKED_INDEX), Status::INVALID)?;
        let status_list_token = StatusListToken::new(uri.clone(), NOW.minus_seconds(600), list)
            .with_expiry(NOW.plus_seconds(86_400))
            .sign(&*signer, None)?;
        let ctype = credential_type()?;
        let claims = claims();
        let claims = claims.as_object().ok_or("claims are an object")?;
        let holder_key = holder.public_key();
        let issue = |index| {
            let status = StatusReference::new(StatusIndex::new(index), uri.clone());
            SdJwtVcIssuer::new(&*signer, ISS).issue(&VcRequest {
                credential_type: &ctype,
                claims,
                holder_key: &holder_key,
                issued_at: NOW.minus_seconds(3_600),
                expires_at: Some(NOW.plus_seconds(30 * 86_400)),
                status: Some(&status),
            })
        };
        Ok(Ours {
            credential: issue(VALID_INDEX)?,
            revoked: issue(REVOKED_INDEX)?,
            issuer,
            holder,
            status_list_token,
        })
    }

    /// The holder's presentation of `credential`: [`disclosed_paths`] only, with a KB-JWT for
    /// `audience` and `nonce` at [`NOW`].
    pub fn present(&self, credential: &SdJwt, audience: &str, nonce: &str) -> Outcome<String> {
        self.present_signed_by(credential, &self.holder, audience, nonce)
    }

    /// [`Ours::present`] with the KB-JWT signed by `key` (someone else than the holder).
    pub fn present_signed_by(
        &self,
        credential: &SdJwt,
        key: &SecretKey,
        audience: &str,
        nonce: &str,
    ) -> Outcome<String> {
        let signer = default_provider().signer(key)?;
        let presentation = credential.select(&disclosed_paths())?.bind(&KeyBinding {
            audience,
            nonce,
            issued_at: NOW,
            signer: &*signer,
        })?;
        Ok(presentation.to_string())
    }

    /// The claims our own verifier finds in `presentation`, without the JWT plumbing (what
    /// the outside implementations must agree with).
    pub fn verify(&self, presentation: &str) -> Outcome<Map<String, Value>> {
        let rule = KeyBindingRule::Required {
            audience: AUDIENCE,
            nonce: NONCE,
            max_age_secs: 300,
        };
        let verified = sdjwt_vc::verify(
            presentation,
            default_provider(),
            &self.issuer.public_key(),
            &VcVerifyOptions::at(NOW, rule),
        )?;
        Ok(credential_claims(verified.claims()))
    }

    /// A task for an outside verifier: our presentation, our issuer's public JWK, the
    /// verifier's audience and nonce, the time, and our status list.
    pub fn verify_task(&self, presentation: &str) -> Value {
        json!({
            "presentation": presentation,
            "iss": ISS,
            "issuer_jwk": self.issuer.public_key().to_jwk(),
            "audience": AUDIENCE,
            "nonce": NONCE,
            "now": NOW.as_unix(),
            "status_list_uri": STATUS_LIST,
            "status_list_token": self.status_list_token,
        })
    }
}

/// How many digests of the issuer-signed payload (top-level `_sd`, nested `_sd`, array
/// elements) no disclosure of `credential` answers: its decoys.
pub fn decoys(credential: &SdJwt) -> Outcome<usize> {
    let payload = Jws::parse(credential.jwt())?.payload_object("payload")?;
    let mut digests = Vec::new();
    collect_digests(&Value::Object(payload), &mut digests);
    // Disclosed values contain digests too (the nested `address._sd`).
    for disclosure in credential.disclosures() {
        let value = match disclosure.kind() {
            myna_vc_core::sdjwt::DisclosureKind::Property { value, .. } => value,
            myna_vc_core::sdjwt::DisclosureKind::ArrayElement { value } => value,
        };
        collect_digests(value, &mut digests);
    }
    Ok(digests.len().saturating_sub(credential.disclosures().len()))
}

fn collect_digests(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                match (name.as_str(), inner) {
                    ("_sd", Value::Array(items)) => {
                        out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
                    }
                    ("...", Value::String(digest)) => out.push(digest.clone()),
                    _ => collect_digests(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_digests(item, out)),
        _ => {}
    }
}

/// The credential's own claims: without `iss`, `vct`, times, `cnf` and `status`, which the
/// tests compare separately where it matters.
pub fn credential_claims(claims: &Map<String, Value>) -> Map<String, Value> {
    const PLUMBING: [&str; 8] = [
        "iss", "vct", "iat", "exp", "nbf", "cnf", "status", "_sd_alg",
    ];
    claims
        .iter()
        .filter(|(name, _)| !PLUMBING.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// A credential issued by an outside implementation, checked by our code: the SD-JWT VC with
/// its KB-JWT verified at [`NOW`] for [`AUDIENCE`] and [`NONCE`] with the issuer key they
/// published; the claims.
pub fn verify_theirs(presentation: &str, issuer_jwk: &Value) -> Outcome<Map<String, Value>> {
    verify_theirs_for(presentation, issuer_jwk, AUDIENCE)
}

/// [`verify_theirs`] by a verifier known as `audience`.
pub fn verify_theirs_for(
    presentation: &str,
    issuer_jwk: &Value,
    audience: &str,
) -> Outcome<Map<String, Value>> {
    let issuer_key = PublicKey::from_jwk(issuer_jwk)?;
    let rule = KeyBindingRule::Required {
        audience,
        nonce: NONCE,
        max_age_secs: 300,
    };
    let verified = sdjwt_vc::verify(
        presentation,
        default_provider(),
        &issuer_key,
        &VcVerifyOptions::at(NOW, rule),
    )?;
    Ok(verified.claims().clone())
}

/// Their status list token verified by our status-list code, and the status it gives the
/// entry of `claims` (a credential's `status.status_list`).
pub fn status_in_theirs(
    token: &str,
    issuer_jwk: &Value,
    claims: &Map<String, Value>,
) -> Outcome<Status> {
    let issuer_key = PublicKey::from_jwk(issuer_jwk)?;
    let reference = StatusReference::from_claims(claims)?;
    let verified = StatusListToken::verify(
        token,
        default_provider(),
        &issuer_key,
        &TimeRules::at(NOW),
        &reference.uri,
    )?;
    Ok(verified.status_of(&reference)?)
}

/// An outside implementation run as a subprocess: `PROGRAM SCRIPT COMMAND TASK.json` prints
/// one JSON object.
pub struct Oracle {
    /// What it is, for messages.
    name: &'static str,
    program: PathBuf,
    script: PathBuf,
}

/// Where the setup script puts what it installs: `$MYNA_INTEROP_DIR`, else `interop/` in the
/// Cargo target directory (`$CARGO_TARGET_DIR`, else `target/` of the workspace).
pub fn interop_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MYNA_INTEROP_DIR") {
        return PathBuf::from(dir);
    }
    // A relative CARGO_TARGET_DIR is taken from the workspace root, as the setup script does
    // (tests run in the package directory).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| workspace().join(dir))
        .unwrap_or_else(|| workspace().join("target"));
    target.join("interop")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

const SETUP_HINT: &str = "run tests/interop/setup first (scripts/test does)";

impl Oracle {
    /// The Python reference implementation (`sd-jwt` on PyPI) in the setup's venv.
    pub fn python() -> Outcome<Oracle> {
        let oracle = Oracle {
            name: "sd-jwt (Python)",
            program: interop_dir().join("venv/bin/python"),
            script: workspace().join("tests/interop/python/oracle.py"),
        };
        oracle.require(&oracle.program)?;
        Ok(oracle)
    }

    /// `@sd-jwt/sd-jwt-vc` on Node, from `tests/interop/js/node_modules`.
    pub fn node() -> Outcome<Oracle> {
        let oracle = Oracle {
            name: "@sd-jwt/sd-jwt-vc (Node)",
            program: PathBuf::from("node"),
            script: workspace().join("tests/interop/js/oracle.mjs"),
        };
        oracle.require(&workspace().join("tests/interop/js/node_modules/@sd-jwt/sd-jwt-vc"))?;
        Ok(oracle)
    }

    /// A missing installation fails the test with the way to fix it (never a silent skip).
    fn require(&self, path: &Path) -> Outcome {
        if path.exists() {
            Ok(())
        } else {
            Err(format!(
                "{} is not installed ({} is missing): {SETUP_HINT}",
                self.name,
                path.display()
            )
            .into())
        }
    }

    /// Runs `command` on `task` (written to a temporary file): the JSON answer.
    pub fn run(&self, command: &str, task: &Value) -> Outcome<Value> {
        let dir = tempfile::tempdir()?;
        let input = dir.path().join("task.json");
        std::fs::write(&input, serde_json::to_vec(task)?)?;
        let output = Command::new(&self.program)
            .arg(&self.script)
            .arg(command)
            .arg(&input)
            .output()
            .map_err(|e| format!("{} did not start ({e}): {SETUP_HINT}", self.name))?;
        if !output.status.success() {
            return Err(format!(
                "{} {command} failed ({}): {}",
                self.name,
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok(serde_json::from_slice(&output.stdout)?)
    }

    /// Runs `command` and expects an answer, not a refusal.
    pub fn answer(&self, command: &str, task: &Value) -> Outcome<Value> {
        let answer = self.run(command, task)?;
        if let Some(error) = answer.get("error") {
            return Err(format!("{} refused {command}: {error}", self.name).into());
        }
        Ok(answer)
    }

    /// Runs `command` and expects a refusal: its message.
    pub fn refusal(&self, command: &str, task: &Value) -> Outcome<String> {
        let answer = self.run(command, task)?;
        match answer.get("error").and_then(Value::as_str) {
            Some(error) => Ok(error.to_owned()),
            None => Err(format!("{} accepted what it must refuse: {answer}", self.name).into()),
        }
    }
}

/// The member `name` of an oracle's answer, as a string.
pub fn text<'a>(answer: &'a Value, name: &str) -> Outcome<&'a str> {
    answer
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no {name} in {answer}").into())
}

/// The member `name` of an oracle's answer, as an object.
pub fn object<'a>(answer: &'a Value, name: &str) -> Outcome<&'a Map<String, Value>> {
    answer
        .get(name)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("no object {name} in {answer}").into())
}
