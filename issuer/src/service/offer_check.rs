//! An offer's facts checked as staff type them: `POST /admin/offers?dry_run=true` takes the
//! body `POST /admin/offers` takes, makes nothing and answers which field of which credential
//! breaks which rule — the same rules an offer is made under ([`Endpoints::check_offer`]:
//! formats, plausibility, what this issuer offers).
//!
//! ```json
//! {"valid": false, "problems": [{"credential": 0, "field": "address", "code": "outside_municipality",
//!   "message_ja": "…", "message_en": "…"}]}
//! ```
//!
//! `credential` is the index in `credentials` (absent for a problem of the whole request),
//! `field` the fact's name (absent when no single field is at fault), `code` one of
//! [`CODES`]. The messages name fields and rules, never a value: what staff typed is personal
//! data, and the answer may reach a log or a screen share.

use myna_jpki::holder::{Address, HolderName};
use myna_vc_core::time::NumericDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::http::ApiError;
use crate::endpoint::offer::OfferedFacts;
use crate::endpoint::Endpoints;
use crate::store::Store;
use crate::FactRejection;

/// Every problem code an answer may carry.
pub const CODES: [&str; 20] = [
    "missing",
    "unknown_field",
    "malformed",
    "invalid_date",
    "invalid_format",
    "unknown_credential",
    "not_offered",
    "not_a_municipality",
    "escrow_not_configured",
    "duplicate",
    "no_credentials",
    "invalid_subject",
    "outside_municipality",
    "in_future",
    "too_early",
    "passed",
    "too_long_ago",
    "out_of_range",
    "out_of_order",
    "coverage_ended",
];

/// One thing wrong with an offer request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The index of the credential in `credentials`; `None` for the request as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<usize>,
    /// The field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong (one of [`CODES`]).
    pub code: &'static str,
    /// The explanation for staff, in Japanese.
    pub message_ja: String,
    /// The same in English.
    pub message_en: String,
}

impl Problem {
    fn new(credential: Option<usize>, field: Option<&str>, code: &'static str) -> Problem {
        let (message_ja, message_en) = messages(code, field.unwrap_or("-"));
        Problem {
            credential,
            field: field.map(str::to_owned),
            code,
            message_ja,
            message_en,
        }
    }

    /// A problem whose English message is the issuer's own (value-free) explanation.
    fn explained(
        credential: usize,
        field: Option<&str>,
        code: &'static str,
        ja: String,
        en: String,
    ) -> Problem {
        Problem {
            credential: Some(credential),
            field: field.map(str::to_owned),
            code,
            message_ja: ja,
            message_en: en,
        }
    }
}

/// The fixed messages of a code, about `field`.
fn messages(code: &str, field: &str) -> (String, String) {
    let (ja, en) = match code {
        "missing" => ("{f} を入力してください。", "{f} is required."),
        "unknown_field" => (
            "{f} という項目はありません。",
            "{f} is not a field of this request.",
        ),
        "malformed" => (
            "{f} の形式が正しくありません。",
            "{f} is not in the expected form.",
        ),
        "invalid_date" => (
            "{f} は YYYY-MM-DD 形式の実在する日付で入力してください。",
            "{f} must be a real date written YYYY-MM-DD.",
        ),
        "invalid_format" => (
            "{f} に使えない文字が含まれているか、形式が正しくありません。",
            "{f} holds characters that are not allowed, or is not in the expected form.",
        ),
        "unknown_credential" => (
            "この種類の証明書はありません。",
            "There is no credential of this type.",
        ),
        "not_offered" => (
            "この発行者はこの証明書を発行していません。",
            "This issuer does not issue this credential.",
        ),
        "not_a_municipality" => (
            "この証明書は市区町村だけが発行できます。",
            "Only a municipality issues this credential.",
        ),
        "escrow_not_configured" => (
            "受託者（エスクロー）が設定されていないため、この証明書は発行できません。",
            "No escrow trustees are configured, so this credential cannot be issued.",
        ),
        "duplicate" => (
            "同じ種類の証明書は1回だけ指定できます。",
            "Each credential type may appear once in an offer.",
        ),
        "no_credentials" => (
            "証明書を1つ以上選んでください。",
            "Choose at least one credential.",
        ),
        "invalid_subject" => (
            "本人の識別子（subject）が正しくありません。",
            "The subject handle is not 32 bytes of base64url.",
        ),
        _ => (
            "{f} を確認してください。",
            "{f} does not pass the issuer's checks.",
        ),
    };
    (ja.replace("{f}", field), en.replace("{f}", field))
}

/// The code, field and Japanese message of an implausible fact (its English message is its
/// own `Display`, which names the rule and never the value).
fn rejection(rejection: &FactRejection) -> (&'static str, Option<&'static str>, String) {
    match rejection {
        FactRejection::OutsideMunicipality { field, .. } => (
            "outside_municipality",
            Some(field),
            format!("{field} が当市区町村の住所ではありません。都道府県名と市区町村名から入力してください。"),
        ),
        FactRejection::InFuture { field } => (
            "in_future",
            Some(field),
            format!("{field} が今日より後の日付です。"),
        ),
        FactRejection::TooEarly { field, earliest } => (
            "too_early",
            Some(field),
            format!("{field} が古すぎます（{earliest} 以降の日付にしてください）。"),
        ),
        FactRejection::Passed { field } => (
            "passed",
            Some(field),
            format!("{field} はすでに過ぎています。"),
        ),
        FactRejection::TooLongAgo { field, days } => (
            "too_long_ago",
            Some(field),
            format!("{field} が{days}日以上前です。"),
        ),
        FactRejection::OutOfRange { field, min, max } => (
            "out_of_range",
            Some(field),
            format!("{field} は {min} から {max} の間で入力してください。"),
        ),
        FactRejection::OutOfOrder { lower, higher } => (
            "out_of_order",
            Some(lower),
            format!("{lower} は {higher} 以下にしてください。"),
        ),
        FactRejection::CoverageEnded => (
            "coverage_ended",
            Some("child_birthdate"),
            "助成の対象期間が終わっています。生年月日と対象年齢を確認してください。".to_owned(),
        ),
    }
}

/// The problems of an offer request body (an object, as `POST /admin/offers` takes it) if it
/// were made at `now`; empty when the offer would be made. Only a failure of the issuer itself
/// (its store) is an error.
///
/// ```
/// use myna_issuer::service::offer_check;
/// // The parts that need no issuer: the shape of the request.
/// let body = serde_json::json!({"credentials": [], "colour": "red"});
/// let problems = offer_check::shape(body.as_object().unwrap());
/// let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
/// assert_eq!(codes, ["unknown_field", "no_credentials"]);
/// ```
pub fn check<S: Store>(
    endpoints: &Endpoints<S>,
    body: &Map<String, Value>,
    now: NumericDate,
) -> Result<Vec<Problem>, ApiError> {
    let mut problems = shape(body);
    let Some(Value::Array(items)) = body.get("credentials") else {
        return Ok(problems);
    };
    let mut seen: Vec<&'static str> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let facts = match parse_item(index, item) {
            Ok(facts) => facts,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        if seen.contains(&facts.configuration_id()) {
            problems.push(Problem::new(Some(index), Some("credential"), "duplicate"));
            continue;
        }
        seen.push(facts.configuration_id());
        if let Some(problem) = facts_problem(endpoints, index, &facts, now)? {
            problems.push(problem);
        }
    }
    Ok(problems)
}

/// The problems of the request's shape: unknown members, a malformed `subject` or
/// `tx_code`, `credentials` missing, not a list or empty.
pub fn shape(body: &Map<String, Value>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for key in body.keys() {
        if !matches!(key.as_str(), "subject" | "credentials" | "tx_code") {
            problems.push(Problem::new(None, Some(key), "unknown_field"));
        }
    }
    if let Some(subject) = body.get("subject") {
        let valid = subject
            .as_str()
            .is_some_and(|text| super::admin::parse_subject(text).is_ok());
        if !valid {
            problems.push(Problem::new(None, Some("subject"), "invalid_subject"));
        }
    }
    if body.get("tx_code").is_some_and(|v| !v.is_boolean()) {
        problems.push(Problem::new(None, Some("tx_code"), "malformed"));
    }
    match body.get("credentials") {
        None => problems.push(Problem::new(None, Some("credentials"), "missing")),
        Some(Value::Array(items)) if items.is_empty() => {
            problems.push(Problem::new(None, Some("credentials"), "no_credentials"));
        }
        Some(Value::Array(_)) => {}
        Some(_) => problems.push(Problem::new(None, Some("credentials"), "malformed")),
    }
    problems
}

/// One credential's facts, or the problem of the first field at fault. serde's message names
/// a missing or unknown field; for a value of the wrong form it names none (and would quote
/// the value), so each field is left out in turn: the one whose absence changes the error into
/// "missing" (or into success) is the one at fault.
fn parse_item(index: usize, item: &Value) -> Result<OfferedFacts, Problem> {
    let Value::Object(object) = item else {
        return Err(Problem::new(Some(index), None, "malformed"));
    };
    let known = object
        .get("credential")
        .and_then(Value::as_str)
        .is_some_and(|id| {
            crate::endpoint::offer::CONFIGURATIONS
                .iter()
                .any(|(known, _)| *known == id)
        });
    if !known {
        return Err(Problem::new(
            Some(index),
            Some("credential"),
            "unknown_credential",
        ));
    }
    let error = match serde_json::from_value::<OfferedFacts>(item.clone()) {
        Ok(facts) => return Ok(facts),
        Err(error) => error.to_string(),
    };
    if let Some(field) = quoted_field(&error, "missing field `") {
        return Err(Problem::new(Some(index), Some(&field), "missing"));
    }
    if let Some(field) = quoted_field(&error, "unknown field `") {
        return Err(Problem::new(Some(index), Some(&field), "unknown_field"));
    }
    for key in object.keys().filter(|k| k.as_str() != "credential") {
        let mut without = object.clone();
        without.remove(key);
        let fixed = match serde_json::from_value::<OfferedFacts>(Value::Object(without)) {
            Ok(_) => true,
            Err(e) => quoted_field(&e.to_string(), "missing field `").as_deref() == Some(key),
        };
        if fixed {
            let code = if key.ends_with("birthdate") {
                "invalid_date"
            } else {
                "malformed"
            };
            return Err(Problem::new(Some(index), Some(key), code));
        }
    }
    Err(Problem::new(Some(index), None, "malformed"))
}

/// The name between `` ` `` after `prefix` in a serde message.
fn quoted_field(message: &str, prefix: &str) -> Option<String> {
    let rest = message.split_once(prefix)?.1;
    let name = rest.split('`').next()?;
    Some(name.chars().take(64).collect())
}

/// The problem of well-formed facts under the issuer's rules, if any.
fn facts_problem<S: Store>(
    endpoints: &Endpoints<S>,
    index: usize,
    facts: &OfferedFacts,
    now: NumericDate,
) -> Result<Option<Problem>, ApiError> {
    let error = match endpoints.check_offer(std::slice::from_ref(facts), now) {
        Ok(()) => return Ok(None),
        Err(error) => error,
    };
    let problem = match &error {
        crate::Error::Storage(_) | crate::Error::Corrupt { .. } | crate::Error::Randomness => {
            return Err(ApiError::from(error));
        }
        crate::Error::ImplausibleFact(why) => {
            let (code, field, ja) = rejection(why);
            Problem::explained(index, field, code, ja, format!("{why}."))
        }
        crate::Error::NotAMunicipality => {
            Problem::new(Some(index), Some("credential"), "not_a_municipality")
        }
        crate::Error::NotOffered(_) => Problem::new(Some(index), Some("credential"), "not_offered"),
        crate::Error::EscrowNotConfigured => {
            Problem::new(Some(index), Some("credential"), "escrow_not_configured")
        }
        _ => Problem::new(Some(index), format_field(facts), "invalid_format"),
    };
    Ok(Some(problem))
}

/// Which field of `facts` fails its format check, where one can be told.
fn format_field(facts: &OfferedFacts) -> Option<&'static str> {
    match facts {
        OfferedFacts::Resident { name, address, .. } => {
            if HolderName::plain(name.as_str()).is_err() {
                Some("name")
            } else if Address::plain(address.as_str()).is_err() {
                Some("address")
            } else {
                None
            }
        }
        OfferedFacts::ChildMedicalSubsidy {
            payer_number,
            recipient_number,
            child_name,
            ..
        } => {
            use myna_vc_core::public_expense::{PublicExpensePayerNumber, RecipientNumber};
            if PublicExpensePayerNumber::parse(payer_number).is_err() {
                Some("payer_number")
            } else if RecipientNumber::parse(recipient_number).is_err() {
                Some("recipient_number")
            } else if !(1..=256).contains(&child_name.chars().count()) {
                Some("child_name")
            } else {
                None
            }
        }
        OfferedFacts::FanClubMembership { .. } => None,
        OfferedFacts::ShelterRegistration { shelter_id, .. } => {
            if (1..=256).contains(&shelter_id.chars().count()) {
                Some("municipality_code")
            } else {
                Some("shelter_id")
            }
        }
        OfferedFacts::ContextPseudonym { .. } => Some("context"),
        OfferedFacts::Age { .. } | OfferedFacts::AgeRefresh {} => None,
    }
}
