//! QR rendering of credential text: a module matrix for canvases and PNG, and SVG.
//!
//! Error correction is Q (25% of codewords recoverable), chosen for glossy phone
//! screens and creased paper, where L or M fail first; H would push a typical
//! credential past version 11. The matrix includes the 4-module quiet zone the
//! QR standard requires, so every renderer draws it.

use qrcode::{EcLevel, QrCode, Version};
use std::fmt::{self, Write as _};

/// Modules of white border on each side (ISO/IEC 18004 requires 4).
pub const QUIET_ZONE: usize = 4;

/// The text does not fit in any QR code at level Q.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLongForQr;

impl fmt::Display for TooLongForQr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text too long for a QR code")
    }
}

impl std::error::Error for TooLongForQr {}

/// A QR symbol as a square of dark (`true`) and light modules, quiet zone included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    /// QR version, 1 to 40.
    pub version: u8,
    /// Side length in modules, quiet zone included.
    pub size: usize,
    /// Row-major modules, `size * size` of them.
    pub modules: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` at error correction Q, in the smallest version that holds it.
    /// Credential text is all in the QR alphanumeric alphabet, which packs 11 bits
    /// per two characters.
    ///
    /// # Errors
    /// [`TooLongForQr`] if it does not fit version 40.
    pub fn encode(text: &str) -> Result<QrMatrix, TooLongForQr> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q)
            .map_err(|_| TooLongForQr)?;
        let version = match code.version() {
            Version::Normal(v) => v as u8,
            Version::Micro(_) => return Err(TooLongForQr), // never chosen by with_error_correction_level
        };
        let inner = code.width();
        let size = inner + 2 * QUIET_ZONE;
        let mut modules = vec![false; size * size];
        for (i, color) in code.to_colors().into_iter().enumerate() {
            let (y, x) = (i / inner + QUIET_ZONE, i % inner + QUIET_ZONE);
            modules[y * size + x] = color == qrcode::Color::Dark;
        }
        Ok(QrMatrix {
            version,
            size,
            modules,
        })
    }

    /// Whether the module at column `x`, row `y` is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.modules[y * self.size + x]
    }

    /// An SVG image, one unit per module, black on white, scaled to its box.
    /// Dark runs of each row become one path segment, so the file stays small
    /// (about 6 KB for version 10).
    pub fn to_svg(&self) -> String {
        let n = self.size;
        let mut path = String::with_capacity(n * n / 2);
        for y in 0..n {
            let mut x = 0;
            while x < n {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < n && self.is_dark(x, y) {
                    x += 1;
                }
                // Writing into a String cannot fail.
                let _ = write!(path, "M{start} {y}h{}v1H{start}z", x - start);
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
        )
    }
}
