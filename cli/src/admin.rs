//! `myna issuer admin …`: the admin API of a running issuer service from the command line,
//! for the staff who used to call it with curl — offers, revocation by credential or by
//! person, CRL imports, escrow openings and the audit log.
//!
//! Every command takes `--url` (https, or http to the service on this machine's loopback
//! address) and `--token-file` (the bearer token on its first line; a token is never a flag
//! value, never printed). A refusal names the HTTP status and the service's `error` and
//! `error_description`; 401 and 403 say what to do.

pub mod audit_chain;
pub mod client;

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use myna_issuer::record::SubjectHandle;
use myna_vc_core::b64;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::time::NumericDate;
use serde_json::{json, Map, Value};

use audit_chain::{ChainWalk, ListedEntry};
use client::{AdminClient, Connection, Purpose};

/// Arguments of `myna issuer admin`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Make a credential offer with facts staff supplied (operator token); prints the offer
    /// link, the PIN to hand over separately and the subject handle.
    Offer(OfferArgs),
    /// Revoke credentials for good: one credential, or every credential (every copy of every
    /// batch) of a person (revocation officer token).
    Revoke(ChangeArgs),
    /// Suspend credentials until resumed: one, or every credential of a person (revocation
    /// officer token).
    Suspend(ChangeArgs),
    /// Resume suspended credentials: one, or every credential of a person (revocation officer
    /// token).
    Resume(ResumeArgs),
    /// Import a JPKI CRL (DER or PEM) and revoke the credentials of the cards it lists
    /// (revocation officer token).
    Crl(CrlArgs),
    /// Start an escrow opening of a pseudonym (operator token, on a court order); prints only
    /// the opening id, for the trustees' `myna trustee release --opening ID`.
    EscrowOpen(EscrowOpenArgs),
    /// Show an escrow opening: the threshold, which trustees released, sealed or opened (and
    /// the person handle once opened; operator or trustee token).
    EscrowShow(EscrowShowArgs),
    /// List the audit log, or check its hash chain with --verify (operator token).
    Audit(AuditArgs),
}

#[derive(Debug, clap::Args)]
struct OfferArgs {
    /// A JSON file with the facts: one credential's facts (`{"credential": "age",
    /// "birthdate": "1990-05-01"}`), a list of them, or a whole request (`{"credentials":
    /// [...], "subject": HANDLE, "tx_code": true}`) as in a batch file's row. Without a
    /// subject, a fresh subject handle is made (and printed).
    #[arg(long, value_name = "FILE")]
    facts: PathBuf,
    /// Make the offer without a PIN (transaction code): whoever holds the link can redeem it.
    #[arg(long)]
    no_pin: bool,
    /// Also draw the offer link as a QR code in the terminal.
    #[arg(long)]
    show_qr: bool,
}

/// Which credentials a status change is about: exactly one of the three.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct Target {
    /// One credential, by the id the issuer gave it.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    credential: Option<String>,
    /// Every credential of a person, by subject handle (base64url, as `offer` prints it).
    #[arg(long, value_name = "HANDLE", allow_hyphen_values = true)]
    subject: Option<String>,
    /// Every credential of the person holding a My Number card, by the serial number (hex)
    /// of the card's authentication certificate.
    #[arg(long, value_name = "HEX")]
    card_serial: Option<String>,
}

#[derive(Debug, clap::Args)]
struct ChangeArgs {
    #[command(flatten)]
    target: Target,
    /// Why: holder_request, key_compromise, issued_in_error, superseded or other (the
    /// default).
    #[arg(long, value_name = "NAME")]
    reason: Option<String>,
}

#[derive(Debug, clap::Args)]
struct ResumeArgs {
    #[command(flatten)]
    target: Target,
}

#[derive(Debug, clap::Args)]
struct CrlArgs {
    /// The CRL file, DER or PEM (`-----BEGIN X509 CRL-----`).
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
struct EscrowOpenArgs {
    /// The pseudonym's context (a forum, a sale), as in the pseudonym credential.
    #[arg(long, value_name = "CONTEXT")]
    context: String,
    /// The pseudonym to open (base64url, as the verifier's decision shows it).
    #[arg(long, value_name = "PSEUDONYM", allow_hyphen_values = true)]
    pseudonym: String,
}

#[derive(Debug, clap::Args)]
struct EscrowShowArgs {
    /// The opening id `escrow-open` printed.
    #[arg(value_name = "ID", allow_hyphen_values = true)]
    id: String,
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// The first entry to list (sequence number, from 0).
    #[arg(long, value_name = "N", default_value_t = 0)]
    from: u64,
    /// How many entries to list at most (default: to the end of the log).
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
    /// Instead of listing, check the whole hash chain: the issuer checks it, and this command
    /// re-checks every entry's hash from the listed entries.
    #[arg(long)]
    verify: bool,
}

const OPERATOR: &str = "an operator";
const OFFICER: &str = "a revocation officer";

/// Runs `myna issuer admin`.
pub fn run(args: Args) -> Result<()> {
    let client = AdminClient::connect(&args.connection)?;
    match args.command {
        Command::Offer(offer_args) => offer(&client, &offer_args),
        Command::Revoke(change) => {
            change_status(&client, Change::Revoke, &change.target, change.reason)
        }
        Command::Suspend(change) => {
            change_status(&client, Change::Suspend, &change.target, change.reason)
        }
        Command::Resume(resume) => change_status(&client, Change::Resume, &resume.target, None),
        Command::Crl(crl_args) => import_crl(&client, &crl_args),
        Command::EscrowOpen(open) => escrow_open(&client, &open),
        Command::EscrowShow(show) => escrow_show(&client, &show.id),
        Command::Audit(audit_args) if audit_args.verify => verify_audit(&client),
        Command::Audit(audit_args) => list_audit(&client, &audit_args),
    }
}

fn offer(client: &AdminClient, args: &OfferArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.facts)
        .with_context(|| format!("cannot read the facts file {}", args.facts.display()))?;
    let facts: Value = serde_json::from_str(&text)
        .with_context(|| format!("the facts file {} is not JSON", args.facts.display()))?;
    let (request, subject) = offer_request(facts, !args.no_pin)
        .with_context(|| format!("the facts file {}", args.facts.display()))?;
    let purpose = Purpose {
        action: "make offers",
        role: OPERATOR,
        object: "subject",
    };
    let answer = client.post_json("/admin/offers", &request, purpose)?;
    let link = text_field(&answer, "credential_offer_uri")?;
    println!("offer link: {link}");
    match answer.get("tx_code").and_then(Value::as_str) {
        Some(pin) => println!("PIN (hand it over separately from the link): {pin}"),
        None => println!("PIN: none (whoever holds the link can redeem it)"),
    }
    // The service's own answer wins if it names the subject; otherwise it is the one sent.
    let subject = answer
        .get("subject")
        .and_then(Value::as_str)
        .map_or(subject, str::to_owned);
    println!("subject handle: {subject}");
    if args.show_qr {
        println!("{}", qr_text(&link)?);
    }
    Ok(())
}

/// The offer request for `facts` (one credential's facts, a list, or a whole request), with
/// a subject handle (a fresh one unless the facts name it) and the PIN choice.
fn offer_request(facts: Value, with_pin: bool) -> Result<(Value, String)> {
    let listed = |credentials: Value| Map::from_iter([("credentials".to_owned(), credentials)]);
    let mut request = match facts {
        Value::Object(map) if map.contains_key("credentials") => map,
        Value::Object(map) if map.contains_key("credential") => {
            listed(Value::Array(vec![Value::Object(map)]))
        }
        Value::Array(list) => listed(Value::Array(list)),
        _ => bail!(
            "expected one credential's facts ({{\"credential\": …}}), a list of them, or a \
             request ({{\"credentials\": […]}})"
        ),
    };
    let credentials = request.get("credentials").and_then(Value::as_array);
    if credentials.is_none_or(Vec::is_empty) {
        bail!("`credentials` must list at least one credential's facts");
    }
    let subject = match request.get("subject") {
        Some(Value::String(handle)) => handle.clone(),
        Some(_) => bail!("`subject` must be a base64url subject handle"),
        None => SubjectHandle::random()
            .context("making a fresh subject handle")?
            .to_string(),
    };
    request.insert("subject".to_owned(), json!(subject));
    if !with_pin {
        request.insert("tx_code".to_owned(), json!(false));
    }
    Ok((Value::Object(request), subject))
}

fn qr_text(link: &str) -> Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::L)
        .context("the offer link does not fit in a QR code")?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .quiet_zone(true)
        .build())
}

#[derive(Debug, Clone, Copy)]
enum Change {
    Revoke,
    Suspend,
    Resume,
}

impl Change {
    fn route(self) -> &'static str {
        match self {
            Change::Revoke => "revoke",
            Change::Suspend => "suspend",
            Change::Resume => "resume",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Change::Revoke => "revoked",
            Change::Suspend => "suspended",
            Change::Resume => "resumed",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Change::Revoke => "revoke credentials",
            Change::Suspend => "suspend credentials",
            Change::Resume => "resume credentials",
        }
    }
}

fn change_status(
    client: &AdminClient,
    change: Change,
    target: &Target,
    reason: Option<String>,
) -> Result<()> {
    let (route, key, value, object) =
        match (&target.credential, &target.subject, &target.card_serial) {
            (Some(id), None, None) => ("credentials", "credential_id", id, "credential"),
            (None, Some(handle), None) => ("subjects", "subject", handle, "subject"),
            (None, None, Some(serial)) => {
                check_hex(serial)?;
                (
                    "subjects",
                    "card_serial",
                    serial,
                    "card (no person anchored with this certificate serial)",
                )
            }
            // clap's argument group admits exactly one.
            _ => bail!("name exactly one of --credential, --subject and --card-serial"),
        };
    let path = format!("/admin/{route}/{}", change.route());
    let mut body = Map::from_iter([(key.to_owned(), json!(value))]);
    if let Some(reason) = reason {
        body.insert("reason".to_owned(), json!(reason));
    }
    let body = Value::Object(body);
    let purpose = Purpose {
        action: change.action(),
        role: OFFICER,
        object,
    };
    let answer = client.post_json(&path, &body, purpose)?;
    if target.credential.is_some() {
        let id = text_field(&answer, "credential_id")?;
        let reason = answer.get("reason").and_then(Value::as_str).unwrap_or("—");
        println!("credential {id}: {} (reason: {reason})", change.done());
    } else {
        let subject = answer.get("subject").and_then(Value::as_str).unwrap_or("?");
        println!(
            "subject {subject}: {} credentials {}, {} already so",
            count(&answer, "changed")?,
            change.done(),
            count(&answer, "unchanged")?
        );
    }
    Ok(())
}

/// A count the service answers as a number or as the list of what it counts.
fn count(answer: &Value, name: &str) -> Result<u64> {
    match answer.get(name) {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| anyhow!("the issuer's `{name}` is not a count")),
        Some(Value::Array(items)) => Ok(u64::try_from(items.len()).unwrap_or(u64::MAX)),
        _ => Err(anyhow!("the issuer's answer has no `{name}`")),
    }
}

fn check_hex(serial: &str) -> Result<()> {
    if serial.is_empty() || !serial.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("--card-serial {serial:?} is not a hexadecimal serial number (digits 0-9, a-f)");
    }
    Ok(())
}

fn import_crl(client: &AdminClient, args: &CrlArgs) -> Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read the CRL file {}", args.file.display()))?;
    let der = crl_der(bytes).with_context(|| args.file.display().to_string())?;
    let purpose = Purpose {
        action: "import CRLs",
        role: OFFICER,
        object: "route",
    };
    let answer = client.post_bytes("/admin/crl", "application/pkix-crl", der, purpose)?;
    println!(
        "imported the {} CRL: {} entries; {} known certificates checked, {} revoked; {} \
         credentials revoked",
        answer
            .get("certificate_type")
            .and_then(Value::as_str)
            .unwrap_or("?"),
        count(&answer, "entries")?,
        count(&answer, "certificates_checked")?,
        count(&answer, "certificates_revoked")?,
        count(&answer, "credentials_revoked")?,
    );
    Ok(())
}

/// DER as it is, or the DER inside a PEM `X509 CRL` block.
fn crl_der(bytes: Vec<u8>) -> Result<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN X509 CRL-----";
    const END: &str = "-----END X509 CRL-----";
    if !bytes.starts_with(b"-----BEGIN") {
        return Ok(bytes);
    }
    let text = String::from_utf8(bytes).context("a PEM file is text")?;
    let inner = text
        .split_once(BEGIN)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(inner, _)| inner)
        .ok_or_else(|| anyhow!("a PEM CRL is between {BEGIN} and {END}"))?;
    let base64: String = inner.split_whitespace().collect();
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(base64)
        .context("the PEM block is not base64")
}

fn escrow_open(client: &AdminClient, args: &EscrowOpenArgs) -> Result<()> {
    let purpose = Purpose {
        action: "start escrow openings",
        role: OPERATOR,
        object: "sealed link for this context and pseudonym (was the pseudonym issued here?)",
    };
    let body = json!({"context": args.context, "pseudonym": args.pseudonym});
    let answer = client.post_json("/admin/escrow/openings", &body, purpose)?;
    let id = text_field(&answer, "id")?;
    // Only the id on stdout: scripts capture it.
    println!("{id}");
    eprintln!(
        "escrow opening started; {} trustees must each run `myna trustee release --opening {id}`",
        count(&answer, "threshold")?
    );
    Ok(())
}

fn escrow_show(client: &AdminClient, id: &str) -> Result<()> {
    let purpose = Purpose {
        action: "see escrow openings",
        role: "an operator or a trustee",
        object: "escrow opening",
    };
    let view = client.get(&opening_path(id)?, purpose)?;
    for line in opening_lines(&view)? {
        println!("{line}");
    }
    Ok(())
}

/// `/admin/escrow/openings/{id}` for an id the service made (base64url characters only).
pub(crate) fn opening_path(id: &str) -> Result<String> {
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!("{id:?} is not an escrow opening id (the id `escrow-open` printed)");
    }
    Ok(format!("/admin/escrow/openings/{id}"))
}

/// An opening as lines of text: id, trustees released of the threshold, sealed or opened.
pub(crate) fn opening_lines(view: &Value) -> Result<Vec<String>> {
    let threshold = count(view, "threshold")?;
    let released: Vec<&str> = view
        .get("released_by")
        .and_then(Value::as_array)
        .context("the issuer's answer has no `released_by`")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let opened = view
        .get("completed")
        .and_then(Value::as_bool)
        .context("the issuer's answer has no `completed`")?;
    let mut lines = vec![
        format!("opening: {}", text_field(view, "id")?),
        format!(
            "released: {} of {threshold} ({})",
            released.len(),
            if released.is_empty() {
                "none yet".to_owned()
            } else {
                released.join(", ")
            }
        ),
        format!("state: {}", if opened { "opened" } else { "sealed" }),
    ];
    if let Some(person) = view.get("person").and_then(Value::as_str) {
        lines.push(format!("person: {person}"));
    }
    Ok(lines)
}

fn text_field(value: &Value, name: &str) -> Result<String> {
    value
        .get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("the issuer's answer has no `{name}`"))
}

const AUDIT_PURPOSE: Purpose = Purpose {
    action: "read the audit log",
    role: OPERATOR,
    object: "route",
};

/// Most entries asked for per request (the service's own cap).
const AUDIT_PAGE: u64 = 1000;

/// Pages through the log from `from`, handing each entry to `each`, until `limit` entries,
/// the end of the log, or `each` says stop.
fn page_audit(
    client: &AdminClient,
    from: u64,
    limit: Option<u64>,
    each: &mut dyn FnMut(ListedEntry) -> Result<bool>,
) -> Result<()> {
    let mut next = from;
    let mut left = limit.unwrap_or(u64::MAX);
    while left > 0 {
        let asked = left.min(AUDIT_PAGE);
        let page = client.get(
            &format!("/admin/audit?from={next}&limit={asked}"),
            AUDIT_PURPOSE,
        )?;
        let entries = page
            .get("entries")
            .and_then(Value::as_array)
            .context("the issuer's audit answer has no `entries`")?;
        for value in entries {
            let entry = ListedEntry::from_json(value)?;
            // Each page must move forward, or a confused service would be read forever.
            if entry.seq < next {
                bail!(
                    "the issuer listed audit entry {} where entry {next} or later belongs",
                    entry.seq
                );
            }
            next = entry.seq.saturating_add(1);
            if !each(entry)? {
                return Ok(());
            }
        }
        let got = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        // A short page is the end of the log (reading may itself append an entry; it shows
        // up in the next listing, not in an endless walk).
        if got < asked {
            break;
        }
        left = left.saturating_sub(got);
    }
    Ok(())
}

fn list_audit(client: &AdminClient, args: &AuditArgs) -> Result<()> {
    let mut listed = 0u64;
    page_audit(client, args.from, args.limit, &mut |entry| {
        println!(
            "{:>6}  {}  {:<18}  {:<24}  {}",
            entry.seq,
            jst(entry.time),
            entry.actor,
            entry.action,
            entry.subject
        );
        listed += 1;
        Ok(true)
    })?;
    eprintln!("{listed} audit entries");
    Ok(())
}

/// The issuer's verdict on its chain (`GET /admin/audit/verify`), if it has that route.
fn issuer_verdict(client: &AdminClient) -> Result<Option<(u64, Value)>> {
    let verdict = match client.get("/admin/audit/verify", AUDIT_PURPOSE) {
        Ok(verdict) => verdict,
        Err(error)
            if error
                .downcast_ref::<client::Refusal>()
                .is_some_and(client::Refusal::is_missing_route) =>
        {
            eprintln!("the issuer has no /admin/audit/verify; the chain is checked here only");
            return Ok(None);
        }
        Err(error) => return Err(error),
    };
    if verdict.get("intact").and_then(Value::as_bool) != Some(true) {
        bail!("the issuer reports its audit chain broken: {verdict}");
    }
    Ok(Some((count(&verdict, "entries")?, verdict)))
}

fn verify_audit(client: &AdminClient) -> Result<()> {
    let verdict = issuer_verdict(client)?;
    let claimed = verdict.as_ref().map(|(entries, _)| *entries);
    let mut walk = ChainWalk::default();
    // Up to the length the issuer vouched for: reading may append entries after it.
    page_audit(client, 0, claimed, &mut |entry| {
        walk.push(&entry)?;
        Ok(true)
    })?;
    if let Some((entries, verdict)) = &verdict {
        if walk.entries() != *entries {
            bail!(
                "the issuer vouches for {entries} audit entries but lists {}",
                walk.entries()
            );
        }
        check_head(verdict.get("head"), &walk)?;
    }
    let by = if verdict.is_some() {
        "by the issuer and here"
    } else {
        "here"
    };
    println!(
        "audit chain intact: {} entries, head {} (checked {by})",
        walk.entries(),
        b64::encode(walk.head())
    );
    Ok(())
}

/// The issuer's head hash must be the last listed entry's: as base64url or hex text, or as an
/// object with a `hash` field.
fn check_head(head: Option<&Value>, walk: &ChainWalk) -> Result<()> {
    let text = match head {
        Some(Value::String(text)) => text.as_str(),
        Some(Value::Object(map)) => match map.get("hash") {
            Some(Value::String(text)) => text.as_str(),
            _ => bail!("the issuer's chain head has no `hash`"),
        },
        None | Some(Value::Null) if walk.entries() == 0 => return Ok(()),
        _ => bail!("the issuer's verdict has no chain `head` to compare"),
    };
    let ours = walk.head();
    let hex: String = ours.iter().map(|b| format!("{b:02x}")).collect();
    if text == b64::encode(ours) || text.eq_ignore_ascii_case(&hex) {
        Ok(())
    } else {
        bail!("the issuer's chain head {text} is not the hash of the last entry it lists")
    }
}

/// Unix seconds as the time in Japan: `2027-05-01 10:00:00 JST`.
fn jst(unix: i64) -> String {
    let t = NumericDate::from_unix(unix);
    match CalendarDate::from_numeric_date_jst(t) {
        Ok(day) => {
            let secs = unix.saturating_sub(day.start_jst().as_unix());
            format!(
                "{day} {:02}:{:02}:{:02} JST",
                secs / 3600,
                secs % 3600 / 60,
                secs % 60
            )
        }
        Err(_) => format!("@{unix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_become_a_request_with_a_subject() {
        let one = json!({"credential": "age", "birthdate": "1990-05-01"});
        let (request, subject) = offer_request(one.clone(), true).unwrap();
        assert_eq!(request["credentials"], json!([one]));
        assert_eq!(request["subject"], json!(subject));
        assert_eq!(b64::decode(&subject, "subject").unwrap().len(), 32);
        assert!(
            request.get("tx_code").is_none(),
            "the service's default: a PIN"
        );

        let whole = json!({"credentials": [one], "subject": "given", "tx_code": true});
        let (request, subject) = offer_request(whole, false).unwrap();
        assert_eq!(subject, "given");
        assert_eq!(request["tx_code"], json!(false));

        assert!(offer_request(json!([]), true).is_err());
        assert!(offer_request(json!({"name": "x"}), true).is_err());
        assert!(offer_request(json!({"credentials": [], "subject": 3}), true).is_err());
    }

    #[test]
    fn times_are_shown_in_japan() {
        // 2026-03-31T15:00:00Z is midnight of 1 April in Japan.
        assert_eq!(jst(1_774_969_200), "2026-04-01 00:00:00 JST");
        assert_eq!(jst(1_774_969_200 + 3_723), "2026-04-01 01:02:03 JST");
    }

    #[test]
    fn a_pem_crl_is_unwrapped_and_der_passes_through() {
        let der = vec![0x30, 0x03, 0x02, 0x01, 0x05];
        assert_eq!(crl_der(der.clone()).unwrap(), der);
        let pem = b"-----BEGIN X509 CRL-----\nMAMCAQU=\n-----END X509 CRL-----\n".to_vec();
        assert_eq!(crl_der(pem).unwrap(), der);
        assert!(crl_der(b"-----BEGIN CERTIFICATE-----\nMAMCAQU=\n".to_vec()).is_err());
    }

    #[test]
    fn opening_ids_and_views_are_checked() {
        assert!(opening_path("abc_-D9").is_ok());
        assert!(opening_path("../audit").is_err());
        assert!(opening_path("").is_err());
        let view = json!({"id": "X", "threshold": 2, "released_by": ["alice"], "completed": false,
                          "person": null});
        assert_eq!(
            opening_lines(&view).unwrap(),
            ["opening: X", "released: 1 of 2 (alice)", "state: sealed"]
        );
        let opened = json!({"id": "X", "threshold": 2, "released_by": ["alice", "bob"],
                            "completed": true, "person": "P"});
        assert_eq!(opening_lines(&opened).unwrap().last().unwrap(), "person: P");
    }

    #[test]
    fn a_card_serial_is_hex() {
        assert!(check_hex("0a1B").is_ok());
        assert!(check_hex("").is_err());
        assert!(check_hex("12:34").is_err());
    }
}
