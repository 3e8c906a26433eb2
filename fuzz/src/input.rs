//! How a target reads its input: as UTF-8 text, or as one selector byte that picks which
//! parser of a family gets the rest (so each corpus entry stays aimed at one parser).

/// The input as text, if it is UTF-8 (every parser here takes text or JSON).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Splits off the selector byte: `(first byte % choices, rest)`.
pub fn pick(data: &[u8], choices: u8) -> Option<(u8, &[u8])> {
    let (first, rest) = data.split_first()?;
    Some((first % choices, rest))
}

/// A seed for a selector target: `choice` then `bytes`.
pub fn tagged(choice: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    out.push(choice);
    out.extend_from_slice(bytes);
    out
}
