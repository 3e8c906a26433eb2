//! `myna wallet present`: which verifier asks what, the preview, and delivery before use — a
//! credential instance is recorded as shown only after its presentation left the program
//! (printed and flushed, or written to `--out`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use myna_vc_core::compact::InPersonChallenge;
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::oid4vp::{
    AuthorizationRequest, DcApiRequest, Origin, ReceivedDcApiRequest, RequestLink, RequestTrust,
};
use myna_vc_core::sdjwt::SdJwt;
use myna_verifier::policy::catalog::query_for_spec;
use myna_vocabulary::{claim, Kind};
use myna_wallet::http::HttpVerifier;
use myna_wallet::present::{Presentation, PresentationRequest};
use myna_wallet::store::RedbStore;
use myna_wallet::Wallet;

use super::{Session, TransportArgs};

/// The flags of `myna wallet present`.
#[derive(Debug, clap::Args)]
pub(super) struct PresentArgs {
    /// An OpenID4VP request link (`openid4vp://?client_id=…&dcql_query=…&nonce=…`).
    #[arg(long, conflicts_with_all = ["verifier", "nonce", "challenge", "query", "age_over", "resident_of", "dc_api"])]
    request: Option<String>,
    /// A request through the browser's Digital Credentials API: a file holding the
    /// `{"protocol", "data"}` a web page passes to `navigator.credentials.get` (what `POST
    /// /requests` of `myna verify serve` answers as `dc_api`). Unsigned requests only (signed
    /// ones need trust anchors this command does not take yet). Needs --origin and
    /// --dc-api-out: this command stands in for the browser, which would tell the wallet the
    /// page's origin and hand the answer back to the page.
    #[arg(long, value_name = "FILE", requires_all = ["origin", "dc_api_out"],
          conflicts_with_all = ["verifier", "nonce", "challenge", "query", "age_over", "resident_of"])]
    dc_api: Option<PathBuf>,
    /// With --dc-api: the origin of the page that asked (`https://host[:port]`), as the
    /// browser reports it; the presentation is bound to `origin:<origin>`.
    #[arg(long, value_name = "ORIGIN", requires = "dc_api")]
    origin: Option<String>,
    /// With --dc-api: write the answer, the DigitalCredential's `{"protocol", "data"}` (`data`
    /// encrypted to the verifier's key for `dc_api.jwt`), to FILE; what the page posts to
    /// `POST /requests/{id}/dc-api`. The credentials count as used once the file is written.
    #[arg(long, value_name = "FILE", requires = "dc_api")]
    dc_api_out: Option<PathBuf>,
    /// In person: the challenge the verifier's screen or QR code shows, as one argument:
    /// `MVC1:<nonce>:<audience>[ <policy>]` (what `myna verify challenge` prints). When it
    /// names the verifier's policy and no --query/--age-over/--resident-of is given, the
    /// policy says what to present.
    #[arg(long, value_name = "MVC1:NONCE:AUDIENCE", conflicts_with_all = ["verifier", "nonce"])]
    challenge: Option<String>,
    /// In person: the verifier's identifier shown on its screen (the KB-JWT audience).
    #[arg(long, requires = "nonce")]
    verifier: Option<String>,
    /// In person: the verifier's fresh nonce.
    #[arg(long, requires = "verifier")]
    nonce: Option<String>,
    /// In person: the verifier's DCQL query file (JSON), e.g. from `myna verify challenge
    /// --query-out`.
    #[arg(long, conflicts_with_all = ["age_over", "resident_of"])]
    query: Option<PathBuf>,
    /// In person: ask for "age ≥ N". N must be a threshold your age credentials carry (4,
    /// 15, 18, 20 and 65 today); any other is refused with the list of those held.
    #[arg(long, conflicts_with = "resident_of")]
    age_over: Option<u32>,
    /// In person: ask for "resident of municipality CODE" (6 digits).
    #[arg(long)]
    resident_of: Option<String>,
    /// Sign without asking (the preview is still printed).
    #[arg(long)]
    yes: bool,
    /// Also draw the QR code in the terminal.
    #[arg(long)]
    show_qr: bool,
    /// Write the compact QR text (`MV1:…`, one line) to FILE instead of printing the answer;
    /// the credential counts as used once the file is written. An answer of several
    /// credentials (a policy asking for a resident and an age credential together) is written
    /// as one `MV1:…` line per credential, in the order the query asks for them: what
    /// `myna verify check` and `POST /requests/{id}/compact` of `myna verify serve` read.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["post", "dc_api"])]
    out: Option<PathBuf>,
    /// With --request: post the answer to the request's `response_uri` and print the
    /// verifier's answer (`myna verify serve` answers its decision). The answer goes in the
    /// request's response mode: encrypted to the verifier's key for `direct_post.jwt`, plain
    /// for `direct_post`. The credentials count as used once the verifier answered (even with
    /// an error status), not when it could not be reached.
    #[arg(long, requires = "request")]
    post: bool,
    /// How the verifier is reached with --post: extra CA certificates, the development switch.
    #[command(flatten)]
    transport: TransportArgs,
}

/// Runs `present`: preview, confirmation, signature, delivery, and only then the record that
/// the instances are used.
pub(super) fn run(session: &Session, args: &PresentArgs) -> Result<()> {
    let wallet = session.open_wallet()?;
    let dc_api = args
        .dc_api
        .as_deref()
        .map(|path| dc_api_request(path, args.origin.as_deref(), session))
        .transpose()?;
    let (request, remote) = match &dc_api {
        Some(received) => (PresentationRequest::dc_api(received)?, None),
        None => presentation_request(&wallet, args)?,
    };
    let preview = wallet.prepare(request, session.now())?;
    let mut out = std::io::stdout().lock();
    let mut text = format!("{} will receive:\n", preview.verifier());
    for item in preview.items() {
        text.push_str(&format!("  from {} ({}):\n", item.vct, item.issuer));
        for (path, value) in &item.disclosed {
            text.push_str(&format!("    {path} = {value}\n"));
        }
        if item.disclosed.is_empty() {
            text.push_str("    no selectively disclosable claim\n");
        }
        text.push_str(&format!(
            "    always shown: {}\n",
            item.always_shown.join(", ")
        ));
    }
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(undelivered)?;
    if !args.yes && !confirmed()? {
        bail!("not presented");
    }
    let signed = preview.sign()?;
    if let (Some(received), Some(path)) = (&dc_api, &args.dc_api_out) {
        let data = signed.presentation().to_dc_api_data(&received.request)?;
        let answer =
            serde_json::json!({"protocol": received.request.protocol().as_str(), "data": data});
        std::fs::write(path, format!("{answer}\n")).with_context(|| {
            format!(
                "cannot write {}: nothing was presented, no credential was used",
                path.display()
            )
        })?;
        signed.commit()?;
        writeln!(
            out,
            "wrote the Digital Credentials API answer for {} to {}",
            received.origin.as_str(),
            path.display()
        )?;
        return Ok(out.flush()?);
    }
    if let (true, Some(remote)) = (args.post, &remote) {
        let verifier = HttpVerifier::new_with(&args.transport.options()?)?;
        let posted = verifier.post_presentation(remote, signed.presentation());
        let reached = match &posted {
            Ok(_) => true,
            Err(myna_wallet::Error::Transport { cause, .. }) => {
                matches!(cause, myna_wallet::TransportCause::Status { .. })
            }
            Err(_) => false,
        };
        if !reached {
            let error = posted.err().map(anyhow::Error::new);
            return Err(error.unwrap_or_else(|| anyhow!("not posted")).context(
                "the verifier was not reached: nothing was presented, no credential was used",
            ));
        }
        signed.commit()?;
        let answer = posted.context("the verifier refused the answer")?;
        writeln!(out, "{}", serde_json::to_string_pretty(&answer)?)?;
        return Ok(out.flush()?);
    }
    match &args.out {
        Some(path) => {
            let (lines, version) =
                compact_lines(signed.presentation()).context("--out writes the compact QR form")?;
            let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
            std::fs::write(path, &text).with_context(|| {
                format!(
                    "cannot write {}: nothing was presented, no credential was used",
                    path.display()
                )
            })?;
            signed.commit()?;
            let characters = text.len() - lines.len();
            if lines.len() == 1 {
                writeln!(
                    out,
                    "wrote the compact QR form to {} ({characters} characters, QR version \
                     {version} at level L)",
                    path.display(),
                )?;
            } else {
                writeln!(
                    out,
                    "wrote {} compact QR forms to {}, one line per credential in the order \
                     asked ({characters} characters in all, QR version up to {version} at level L)",
                    lines.len(),
                    path.display(),
                )?;
            }
            Ok(out.flush()?)
        }
        None => {
            let text = answer_text(signed.presentation(), remote.as_ref(), args.show_qr)?;
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(undelivered)?;
            signed.commit()?;
            Ok(())
        }
    }
}

/// A write to standard output that failed: nothing was delivered, nothing is used up.
fn undelivered(error: std::io::Error) -> anyhow::Error {
    let why = if error.kind() == std::io::ErrorKind::BrokenPipe {
        "standard output was closed"
    } else {
        "writing to standard output failed"
    };
    anyhow::Error::new(error).context(format!(
        "{why} before the presentation was delivered: nothing was presented, no credential \
         was used"
    ))
}

/// The whole printed answer: the OpenID4VP response — in the request's response mode
/// (`direct_post.jwt` encrypted to the verifier's key) when answering a request link — and,
/// for one credential, the QR form.
fn answer_text(
    presentation: &Presentation,
    remote: Option<&AuthorizationRequest>,
    show_qr: bool,
) -> Result<String> {
    let mut text = match remote {
        Some(request) => format!(
            "OpenID4VP response ({} body):\n{}\n",
            request.response_mode.as_str(),
            presentation.to_form_for(request)?
        ),
        None => format!(
            "OpenID4VP response (direct_post body):\n{}\n",
            presentation.to_form()
        ),
    };
    if presentation.single().is_ok() {
        let (qr, version) = compact_form(presentation.single()?)?;
        text.push_str(&format!(
            "compact QR form ({} characters, QR version {version} at level L):\n{qr}\n",
            qr.len()
        ));
        if show_qr {
            let code =
                qrcode::QrCode::with_error_correction_level(qr.as_bytes(), qrcode::EcLevel::L)?;
            let drawn = code
                .render::<qrcode::render::unicode::Dense1x2>()
                .quiet_zone(true)
                .build();
            text.push_str(&format!("{drawn}\n"));
        }
    }
    Ok(text)
}

/// The compact QR texts of an answer, one per credential in the order the query asks for
/// them ([`Presentation::compacts`]), and the largest QR version any of them needs at level L.
fn compact_lines(presentation: &Presentation) -> Result<(Vec<String>, i16)> {
    let lines = presentation.compacts()?;
    let mut largest = 0;
    for line in &lines {
        largest = largest.max(qr_version(line)?);
    }
    Ok((lines, largest))
}

/// The compact QR text of one presentation (SD-JWT+KB) and the QR version it needs at level L.
fn compact_form(presentation: &str) -> Result<(String, i16)> {
    let qr = myna_vc_core::compact::encode(presentation)?;
    let version = qr_version(&qr)?;
    Ok((qr, version))
}

/// The QR version a compact text needs at level L.
fn qr_version(qr: &str) -> Result<i16> {
    let code = qrcode::QrCode::with_error_correction_level(qr.as_bytes(), qrcode::EcLevel::L)?;
    Ok(match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    })
}

fn confirmed() -> Result<bool> {
    use std::io::BufRead;
    eprint!("sign and present? [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

/// The age thresholds of the age credential type, from the vocabulary.
const AGE_THRESHOLDS: [&str; 5] = [
    claim::age::AGE_OVER_4,
    claim::age::AGE_OVER_15,
    claim::age::AGE_OVER_18,
    claim::age::AGE_OVER_20,
    claim::age::AGE_OVER_65,
];

/// The number of years an `age_over_N` claim name states.
fn years_of(name: &str) -> Option<u32> {
    name.rsplit('_').next()?.parse().ok()
}

/// The thresholds the wallet's age credentials carry, by number of years.
fn held_age_thresholds(wallet: &Wallet<RedbStore>) -> Result<BTreeMap<u32, &'static str>> {
    let mut held = BTreeMap::new();
    for credential in wallet.credentials()? {
        if credential.vct != Kind::Age.vct() {
            continue;
        }
        let claims = SdJwt::parse(&credential.sd_jwt)?.unverified_claims()?;
        for name in AGE_THRESHOLDS {
            if let (true, Some(years)) = (claims.contains_key(name), years_of(name)) {
                held.insert(years, name);
            }
        }
    }
    Ok(held)
}

/// The claim that answers `--age-over years`, if the wallet's age credentials carry it.
fn age_claim(wallet: &Wallet<RedbStore>, years: u32) -> Result<&'static str> {
    let held = held_age_thresholds(wallet)?;
    if let Some(name) = held.get(&years) {
        return Ok(name);
    }
    if held.is_empty() {
        bail!(
            "--age-over {years}: this wallet holds no age credential; receive one from your \
             municipality first"
        );
    }
    let list = held
        .keys()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    bail!("--age-over {years}: your age credentials answer only --age-over {list}")
}

/// The DCQL query of an in-person request: what the flags say, or else the query of the
/// policy the challenge names (from the verifier's policy catalog).
fn in_person_query(
    wallet: &Wallet<RedbStore>,
    args: &PresentArgs,
    challenge: &InPersonChallenge,
) -> Result<DcqlQuery> {
    let json = match (&args.query, args.age_over, &args.resident_of) {
        (Some(path), _, _) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the query {}", path.display()))?,
        (None, Some(years), _) => serde_json::json!({"credentials": [{
            "id": "age", "format": "dc+sd-jwt",
            "meta": {"vct_values": [Kind::Age.vct()]},
            "claims": [{"path": [age_claim(wallet, years)?], "values": [true]}]}]})
        .to_string(),
        (None, None, Some(code)) => serde_json::json!({"credentials": [{
            "id": "resident", "format": "dc+sd-jwt",
            "meta": {"vct_values": [Kind::Resident.vct()]},
            "claims": [{"path": [claim::resident::MUNICIPALITY_CODE], "values": [code]}]}]})
        .to_string(),
        (None, None, None) => {
            let Some(spec) = challenge.policy() else {
                bail!(
                    "the challenge does not say what the verifier asks: give --query FILE, \
                     --age-over N or --resident-of CODE"
                )
            };
            return query_for_spec(spec.as_str()).with_context(|| {
                format!(
                    "the challenge asks for the policy `{spec}`, which this wallet does not \
                     know; give --query FILE, --age-over N or --resident-of CODE"
                )
            });
        }
    };
    Ok(DcqlQuery::from_json(json.as_bytes())?)
}

/// The Digital Credentials API request in `path` (`{"protocol", "data"}`) as the browser
/// would deliver it from the page at `origin`, checked (unsigned requests only: no trust
/// anchors are configured here).
fn dc_api_request(
    path: &std::path::Path,
    origin: Option<&str>,
    session: &Session,
) -> Result<ReceivedDcApiRequest> {
    let text = std::fs::read(path)
        .with_context(|| format!("cannot read the DC API request {}", path.display()))?;
    let shown = myna_vc_core::json::parse(&text, "DC API request")
        .with_context(|| format!("--dc-api {}", path.display()))?;
    let protocol = shown
        .get("protocol")
        .and_then(serde_json::Value::as_str)
        .context("--dc-api: expected {\"protocol\": \"openid4vp-v1-unsigned\", \"data\": {…}}")?;
    let data = shown
        .get("data")
        .context("--dc-api: expected {\"protocol\": …, \"data\": {…}}")?;
    let origin = Origin::parse(origin.context("--dc-api needs --origin")?).context("--origin")?;
    Ok(DcApiRequest::from_api(
        protocol,
        data,
        &origin,
        &RequestTrust::none(),
        session.now(),
    )?)
}

/// Who asks, and what: a request link (with the request itself, to answer it in its response
/// mode), or an in-person challenge and query.
fn presentation_request(
    wallet: &Wallet<RedbStore>,
    args: &PresentArgs,
) -> Result<(PresentationRequest, Option<AuthorizationRequest>)> {
    if let Some(link) = &args.request {
        return match RequestLink::parse(link)? {
            RequestLink::ByValue(request) => {
                Ok((PresentationRequest::openid4vp(&request)?, Some(*request)))
            }
            _ => Err(anyhow!(
                "signed and by-reference request objects are not fetched yet"
            )),
        };
    }
    let challenge = match (&args.challenge, &args.verifier, &args.nonce) {
        (Some(text), _, _) => InPersonChallenge::parse(text.trim())
            .context("--challenge takes the verifier's challenge text, MVC1:<nonce>:<audience>")?,
        (None, Some(verifier), Some(nonce)) => {
            let nonce = myna_vc_core::oid4vp::Nonce::parse(nonce)?;
            InPersonChallenge::new(verifier, nonce)?
        }
        _ => {
            return Err(anyhow!(
                "name the verifier: --challenge 'MVC1:…', --request LINK, or --verifier ID \
                 --nonce N"
            ))
        }
    };
    let query = in_person_query(wallet, args, &challenge)?;
    Ok((PresentationRequest::in_person(&challenge, query)?, None))
}
