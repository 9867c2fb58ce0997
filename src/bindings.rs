//! The JavaScript boundary: the only module that names `wasm_bindgen` or `JsValue`.
//!
//! It converts between JavaScript values and the core's types and nothing
//! more; every decision is made in the core.

use wasm_bindgen::prelude::*;

use crate::{QrMatrix, credential};

/// Renders credential text as an SVG QR code (error correction Q, quiet zone included).
///
/// # Errors
/// A JavaScript `Error` if the text is too long for any QR code.
#[wasm_bindgen(js_name = qrSvg)]
pub fn qr_svg(text: &str) -> Result<String, JsError> {
    Ok(QrMatrix::encode(text)?.to_svg())
}

/// Checks that `text` decodes as a credential, without verifying it; returns the
/// stable error code (empty when it decodes).
#[wasm_bindgen(js_name = decodeError)]
pub fn decode_error(text: &str) -> String {
    credential::decode(text)
        .err()
        .map(|e| e.code().to_string())
        .unwrap_or_default()
}
