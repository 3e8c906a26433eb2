//! A batch's letters as one printable HTML document: one page per resident with the name and
//! address (for a window envelope), the offer's QR code as inline SVG ([`qr::svg`]), the PIN,
//! and how to receive the credential — in Japanese, then in English.
//!
//! The document stands alone (it is downloaded, then printed): its style is inline in one
//! `<style>` element, allowed by its hash in the document's own Content-Security-Policy
//! `<meta>`, which allows nothing else — no script, no image or font from anywhere, no form.
//! A page break follows each letter (`break-after: page`). Everything from the input file
//! is escaped.
//!
//! The letters hold bearer secrets (the offer and its PIN): whoever has both can receive
//! the credential. They are answered `Cache-Control: no-store`, like the offers file.

use myna_vc_core::calendar::CalendarDate;
use sha2::{Digest, Sha256};

use super::qr::{self, escape};

/// One letter: who it goes to and what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The municipality's reference of the row (printed small, for the mail room).
    pub row_id: String,
    /// The resident's name.
    pub name: String,
    /// The resident's address.
    pub address: String,
    /// The offer link the QR code carries.
    pub offer_uri: String,
    /// The PIN (transaction code), if the offer asks for one.
    pub pin: Option<String>,
}

/// What every letter of a batch shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterHead {
    /// The issuer's name (the municipality).
    pub issuer_name: String,
    /// The last day the offers may be redeemed (JST), if known.
    pub valid_until: Option<CalendarDate>,
}

/// The style of the letters (A4 pages, large type, one letter per page).
pub const STYLE: &str = "@page{size:A4;margin:20mm}\
body{font-family:sans-serif;font-size:12pt;line-height:1.6;color:#000;background:#fff;margin:0}\
.letter{break-after:page;page-break-after:always;padding:0 0 8mm}\
.letter:last-child{break-after:auto;page-break-after:auto}\
.to{font-size:14pt;margin:0 0 12mm}.to p{margin:0}\
.from{margin:0 0 6mm}\
.code{display:flex;gap:10mm;align-items:center;margin:6mm 0}\
.code svg{width:55mm;height:55mm}\
.pin{font-size:20pt;font-weight:bold;letter-spacing:.2em}\
.ref{font-size:9pt;color:#333}\
h2{font-size:13pt;margin:6mm 0 2mm}ol{margin:0;padding-left:6mm}";

/// The Content-Security-Policy of the letters document: its one style element, nothing else.
///
/// ```
/// use myna_issuer::service::letters;
/// let csp = letters::content_security_policy();
/// assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
/// assert!(!csp.contains("script-src"), "default-src 'none' forbids every script");
/// ```
pub fn content_security_policy() -> String {
    let digest = myna_vc_core::b64::encode(Sha256::digest(STYLE.as_bytes()));
    // CSP hashes are written in standard base64 with padding.
    let mut standard: String = digest
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while standard.len() % 4 != 0 {
        standard.push('=');
    }
    format!(
        "default-src 'none'; style-src 'sha256-{standard}'; base-uri 'none'; form-action 'none'"
    )
}

/// The letters as one HTML document. A link too long for a QR code is
/// [`crate::Error::Invalid`].
///
/// ```
/// use myna_issuer::service::letters::{self, Letter, LetterHead};
/// let head = LetterHead { issuer_name: "前橋市".into(), valid_until: None };
/// let letter = Letter { row_id: "r1".into(), name: "前橋　花子".into(),
///     address: "群馬県前橋市大手町二丁目１２番１号".into(),
///     offer_uri: "openid-credential-offer://?credential_offer=%7B%7D".into(),
///     pin: Some("123456".into()) };
/// let html = letters::html(&head, &[letter.clone(), Letter { pin: None, ..letter }])?;
/// assert_eq!(html.matches("<svg ").count(), 2);
/// assert!(html.contains("123456") && html.contains("前橋　花子"));
/// assert!(!html.contains("<script"));
/// # Ok::<(), myna_issuer::Error>(())
/// ```
pub fn html(head: &LetterHead, letters: &[Letter]) -> crate::Result<String> {
    let mut out = String::new();
    out.push_str("<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">");
    out.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        escape(&content_security_policy())
    ));
    out.push_str(&format!(
        "<title>{} 証明書受け取りのご案内 / How to receive your credential</title>",
        escape(&head.issuer_name)
    ));
    out.push_str(&format!("<style>{STYLE}</style></head><body>\n"));
    for letter in letters {
        out.push_str(&one_letter(head, letter)?);
    }
    out.push_str("</body></html>\n");
    Ok(out)
}

fn one_letter(head: &LetterHead, letter: &Letter) -> crate::Result<String> {
    let issuer = escape(&head.issuer_name);
    let code = qr::svg(
        &letter.offer_uri,
        "証明書受け取り用QRコード / QR code to receive the credential",
    )?;
    let pin = match &letter.pin {
        Some(pin) => format!(
            "<p>PIN（暗証番号）/ PIN:</p><p class=\"pin\">{}</p>",
            escape(pin)
        ),
        None => "<p>PIN は不要です。/ No PIN is needed.</p>".to_owned(),
    };
    let until = head
        .valid_until
        .map(|date| {
            format!(
                "<p>受け取り期限：{date}（この日を過ぎると受け取れません）<br>\
                 Receive it by {date} (after that day the QR code no longer works).</p>"
            )
        })
        .unwrap_or_default();
    Ok(format!(
        "<section class=\"letter\">\
         <div class=\"to\"><p>{address}</p><p>{name} 様</p></div>\
         <p class=\"from\">{issuer}</p>\
         <h1>デジタル証明書の受け取りのご案内</h1>\
         <p>{issuer}から、あなたのデジタル証明書をお届けします。スマートフォンのウォレットアプリで\
         受け取ってください。</p>\
         <div class=\"code\">{code}<div>{pin}</div></div>{until}\
         <h2>受け取り方</h2><ol>\
         <li>ウォレットアプリで「証明書を受け取る」を選び、このQRコードを読み取ります。</li>\
         <li>PINを求められたら、この手紙のPINを入力します。</li>\
         <li>受け取った証明書の内容を確認します。</li></ol>\
         <p>この手紙は他の人に見せないでください。QRコードとPINがあれば、誰でも受け取れてしまいます。\
         心当たりのない場合は{issuer}にご連絡ください。</p>\
         <h2 lang=\"en\">How to receive your credential</h2><ol lang=\"en\">\
         <li>In your wallet app, choose “receive a credential” and scan this QR code.</li>\
         <li>When asked for a PIN, enter the PIN in this letter.</li>\
         <li>Check the credential you received.</li></ol>\
         <p lang=\"en\">Do not show this letter to anyone: whoever has the QR code and the PIN can \
         receive the credential. If you did not expect it, please contact {issuer}.</p>\
         <p class=\"ref\">{row_id}</p></section>\n",
        address = escape(&letter.address),
        name = escape(&letter.name),
        row_id = escape(&letter.row_id),
    ))
}
