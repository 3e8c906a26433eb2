//! Text made safe inside XML, SVG or HTML: one escape for the billing record's XML, the
//! offer QR code's SVG title and the issuer's printable letters.

/// Escapes `text` for an XML element or a quoted attribute (`'` as `&apos;`), and drops the
/// characters XML 1.0 cannot carry at all (C0 controls other than tab, newline and carriage
/// return).
///
/// ```
/// use myna_vc_core::markup::xml_escape;
/// assert_eq!(xml_escape(r#"<a & "b">'"#), "&lt;a &amp; &quot;b&quot;&gt;&apos;");
/// assert_eq!(xml_escape("line\n\u{7}bell\ttab"), "line\nbell\ttab");
/// ```
pub fn xml_escape(text: &str) -> String {
    escape(text, "&apos;")
}

/// Like [`xml_escape`], with `'` as `&#39;`, which HTML reads in every version (HTML 4 has no
/// `&apos;`): for an HTML or SVG element or a quoted attribute.
///
/// ```
/// use myna_vc_core::markup::html_escape;
/// assert_eq!(html_escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn html_escape(text: &str) -> String {
    escape(text, "&#39;")
}

fn escape(text: &str, apostrophe: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() && (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
