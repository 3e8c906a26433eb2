//! QR codes as SVG, for an offer link shown to staff on screen (`POST /admin/offers` answers
//! `qr_svg`) and printed on a batch's letters ([`letters`](super::letters)).
//!
//! Error correction level M (a printed letter gets creased), a quiet zone of 4 modules as the
//! standard asks, black on an explicit white background (so a dark page theme does not eat the
//! quiet zone), one `<path>` for the dark modules. The SVG is an image for screen readers:
//! `role="img"` with a `<title>`. It scales with CSS (`viewBox`, no fixed size) and carries no
//! script, style or link: safe inline in a page with a strict Content-Security-Policy.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white border around the code (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// The QR code of `text` as an SVG document fragment (`<svg …>…</svg>`), titled `title` for
/// screen readers. Text too long for a QR code at level M is [`crate::Error::Invalid`].
///
/// ```
/// use myna_issuer::service::qr;
/// let svg = qr::svg("openid-credential-offer://?credential_offer=%7B%7D", "受け取り用QRコード")?;
/// assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
/// assert!(svg.contains(r#"role="img""#));
/// assert!(svg.contains("<title>受け取り用QRコード</title>"));
/// assert!(qr::svg(&"x".repeat(5000), "too long").is_err());
/// # Ok::<(), myna_issuer::Error>(())
/// ```
pub fn svg(text: &str, title: &str) -> crate::Result<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        crate::Error::Invalid {
            what: "QR code",
            detail: e.to_string(),
        }
    })?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for (y, row) in colors.chunks(width.max(1)).enumerate() {
        // Runs of dark modules become one rectangle each: a third of the path of one per module.
        let mut x = 0;
        while x < row.len() {
            if row.get(x) != Some(&Color::Dark) {
                x += 1;
                continue;
            }
            let start = x;
            while row.get(x) == Some(&Color::Dark) {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!(
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            ));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         role=\"img\" shape-rendering=\"crispEdges\"><title>{}</title>\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>",
        escape(title)
    ))
}

/// `text` safe inside an HTML or SVG element or a quoted attribute
/// ([`html_escape`](myna_vc_core::markup::html_escape)).
///
/// ```
/// use myna_issuer::service::qr::escape;
/// assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(text: &str) -> String {
    myna_vc_core::markup::html_escape(text)
}
