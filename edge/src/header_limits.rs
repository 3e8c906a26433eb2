//! The size and field count of a request head, answered 431 JSON past the configured limits.
//!
//! hyper parses the head before the edge sees it, under its own limits, which the edge sets
//! above the configured ones ([`hyper_limits`]): a head between the two is answered by the
//! edge in the JSON shape. A head past hyper's limits (twice the configured ones) is refused
//! by hyper itself, with a bare 431 and no JSON body — the one case the edge cannot shape.

use axum::http::request::Parts;

/// hyper's head limits for configured ones: `(max_header_size, max_headers)`.
pub(crate) fn hyper_limits(max_header_bytes: usize, max_headers: usize) -> (usize, usize) {
    (
        max_header_bytes.saturating_mul(2),
        max_headers.saturating_mul(2),
    )
}

/// The bytes of a head as it came on the wire (request line, headers, line ends).
pub(crate) fn head_size(parts: &Parts) -> usize {
    let target = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.to_string().len(), |p| p.as_str().len());
    let request_line = parts.method.as_str().len() + 1 + target + 1 + "HTTP/1.1".len() + 2;
    let fields: usize = parts
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + 2 + value.len() + 2)
        .sum();
    request_line + fields + 2
}

/// Whether a head is within `max_bytes` and `max_fields`.
pub(crate) fn within(parts: &Parts, max_bytes: usize, max_fields: usize) -> bool {
    parts.headers.len() <= max_fields && head_size(parts) <= max_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(fields: usize, value: &str) -> Parts {
        let mut builder = axum::http::Request::builder().uri("/a?b=c");
        for i in 0..fields {
            builder = builder.header(format!("x-f{i}"), value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_size_counts_the_request_line_and_every_field() {
        // "GET /a?b=c HTTP/1.1\r\n" + "x-f0: v\r\n" + "\r\n"
        assert_eq!(head_size(&parts(1, "v")), 21 + 9 + 2);
    }

    #[test]
    fn heads_past_either_limit_are_refused() {
        assert!(within(&parts(8, "v"), 1024, 8));
        assert!(!within(&parts(9, "v"), 1024, 8));
        assert!(!within(&parts(1, &"v".repeat(2000)), 1024, 8));
    }

    #[test]
    fn hyper_is_set_above_ours() {
        assert_eq!(hyper_limits(16_384, 64), (32_768, 128));
    }
}
