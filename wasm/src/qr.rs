//! `qrMatrix(text)`: the modules of a QR code, for a page to draw as SVG or on a canvas (the
//! shop's challenge, the wallet's compact presentation). Error correction L, as the CLI draws
//! them: a code on a screen is not a scuffed label, and L gives the smallest version — the
//! largest modules a register's scanner must resolve — for the same text. Never version 23:
//! jsQR (the decoder of a browser without `BarcodeDetector`, ours included) has a wrong
//! alignment pattern position for it and reads no version-23 code (cozmo/jsQR#251), so such
//! a text takes version 24.

use qrcode::types::{Color, QrError};
use qrcode::{EcLevel, QrCode, Version};
use wasm_bindgen::prelude::*;

use crate::js_error::Failure;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What `qrMatrix` returns: `modules[y * size + x]` is 1 for a dark module, 0 for light. */
export interface QrMatrix { size: number; modules: Uint8Array }
"#;

/// A QR code's modules: `size` × `size`, row by row, 1 = dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Modules per side (21 for version 1, up to 177 for version 40); no quiet zone.
    pub size: usize,
    /// `size * size` values, row by row: 1 dark, 0 light.
    pub modules: Vec<u8>,
}

/// The version jsQR cannot read (see the module docs).
const UNREADABLE_VERSION: Version = Version::Normal(23);

/// The QR code of `text` (error correction L; version 24 where version 23 would do). Text longer than a version-40 code holds is
/// `qr_too_long`; empty text is `invalid_argument`.
///
/// ```
/// use myna_wasm::qr::matrix;
/// let qr = matrix("MVC1:abc:did:web:shop.example age-over-20").map_err(|f| f.message())?;
/// assert_eq!(qr.modules.len(), qr.size * qr.size);
/// assert_eq!(qr.size % 4, 1); // 21, 25, … 177
/// assert_eq!(matrix(&"x".repeat(5000)).unwrap_err().code(), "qr_too_long");
/// # Ok::<(), String>(())
/// ```
pub fn matrix(text: &str) -> Result<Matrix, Failure> {
    if text.is_empty() {
        return Err(Failure::Argument("`text` must not be empty".into()));
    }
    let code =
        QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).map_err(|error| {
            match error {
                QrError::DataTooLong => Failure::Coded(
                    "qr_too_long",
                    format!(
                        "the text ({} bytes) does not fit in a QR code (at most 2,953 bytes at \
                     error correction L)",
                        text.len()
                    ),
                ),
                other => {
                    Failure::Coded("qr_too_long", format!("no QR code for this text: {other}"))
                }
            }
        })?;
    let code = if code.version() == UNREADABLE_VERSION {
        QrCode::with_version(text.as_bytes(), Version::Normal(24), EcLevel::L).map_err(|error| {
            Failure::Coded("qr_too_long", format!("no QR code for this text: {error}"))
        })?
    } else {
        code
    };
    let modules = code
        .to_colors()
        .into_iter()
        .map(|color| u8::from(color == Color::Dark))
        .collect();
    Ok(Matrix {
        size: code.width(),
        modules,
    })
}

/// `qrMatrix(text)`: `{ size, modules }` where `modules[y * size + x]` is 1 for a dark
/// module. Throws `qr_too_long` when the text does not fit in a QR code.
#[wasm_bindgen(js_name = qrMatrix, unchecked_return_type = "QrMatrix")]
pub fn qr_matrix(text: &str) -> Result<JsValue, JsValue> {
    let qr = matrix(text).map_err(Failure::into_js)?;
    let object = js_sys::Object::new();
    let modules = js_sys::Uint8Array::from(qr.modules.as_slice());
    // Setting properties on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&object, &"size".into(), &JsValue::from(qr.size as u32));
    let _ = js_sys::Reflect::set(&object, &"modules".into(), &modules);
    Ok(object.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_a_version_1_code_with_finder_patterns() {
        let qr = matrix("hello").unwrap();
        assert_eq!(qr.size, 21);
        // The top-left finder pattern: a dark 7×7 ring around a light ring.
        let at = |x: usize, y: usize| qr.modules[y * qr.size + x];
        assert_eq!((0..7).map(|x| at(x, 0)).collect::<Vec<_>>(), [1; 7]);
        assert_eq!(at(1, 1), 0);
        assert_eq!(at(3, 3), 1);
        assert_eq!(at(7, 0), 0, "separator");
    }

    #[test]
    fn a_text_for_version_23_takes_version_24() {
        let version = |text: &str| {
            QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L)
                .unwrap()
                .version()
        };
        // Compact presentations are alphanumeric (base45): from 1,400 characters on, one
        // pair more at a time until the smallest version would be 23.
        let text = (700..900)
            .map(|pairs| format!("MV1:{}", "A1".repeat(pairs)))
            .find(|text| version(text) == UNREADABLE_VERSION)
            .expect("a text for version 23");
        assert_eq!(matrix(&text).unwrap().size, 17 + 4 * 24);
        let shorter = &text[..text.len() - 40];
        assert_eq!(version(shorter), Version::Normal(22));
        assert_eq!(matrix(shorter).unwrap().size, 17 + 4 * 22);
    }

    #[test]
    fn too_long_and_empty_texts_are_refused() {
        // A version-40 code holds 2,953 bytes at error correction L.
        assert_eq!(matrix(&"x".repeat(2954)).unwrap_err().code(), "qr_too_long");
        assert!(matrix(&"x".repeat(2953)).is_ok());
        assert_eq!(matrix("").unwrap_err().code(), "invalid_argument");
    }
}
