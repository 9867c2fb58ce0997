//! Reading QR codes from pixels: photos, screenshots and camera frames.
//!
//! The image arrives as 8-bit luminance, one byte a pixel, row by row; callers
//! with RGBA convert with [`luma_from_rgba`]. Frames larger than [`MAX_PIXELS`]
//! are refused before any work, so memory stays bounded whatever is passed.

use std::fmt;

/// The largest frame accepted: 4096 × 4096 pixels (16.8 megapixels, a large
/// phone photo). Bigger images should be scaled down by the caller.
pub const MAX_PIXELS: usize = 4096 * 4096;

/// Why an image could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanError {
    /// Width or height is zero, or the pixel buffer does not match them.
    BadDimensions,
    /// More than [`MAX_PIXELS`] pixels.
    TooLarge {
        /// Pixels in the image.
        pixels: usize,
    },
    /// No QR code was found in the image.
    NotFound,
    /// A QR code was found but could not be read (damaged, blurred, too small).
    Unreadable,
}

impl ScanError {
    /// A short stable identifier: `bad_dimensions`, `too_large`, `not_found` or `unreadable`.
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::BadDimensions => "bad_dimensions",
            ScanError::TooLarge { .. } => "too_large",
            ScanError::NotFound => "not_found",
            ScanError::Unreadable => "unreadable",
        }
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::BadDimensions => f.write_str("image size does not match its pixels"),
            ScanError::TooLarge { pixels } => write!(
                f,
                "image has {pixels} pixels, more than the {MAX_PIXELS} accepted; use a smaller one"
            ),
            ScanError::NotFound => f.write_str("no QR code found"),
            ScanError::Unreadable => f.write_str("a QR code was found but could not be read"),
        }
    }
}

impl std::error::Error for ScanError {}

/// Converts RGBA pixels to luminance (ITU-R BT.601 weights, in integers).
///
/// # Errors
/// [`ScanError::BadDimensions`] if the buffer is not a whole number of pixels.
pub fn luma_from_rgba(rgba: &[u8]) -> Result<Vec<u8>, ScanError> {
    if rgba.len() % 4 != 0 {
        return Err(ScanError::BadDimensions);
    }
    Ok(rgba
        .chunks_exact(4)
        .map(|p| ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8)
        .collect())
}

/// Reads every QR code in a luminance image; returns their texts.
///
/// # Errors
/// [`ScanError::BadDimensions`], [`ScanError::TooLarge`], and
/// [`ScanError::NotFound`] or [`ScanError::Unreadable`] when nothing was read.
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Result<Vec<String>, ScanError> {
    let pixels = width.checked_mul(height).ok_or(ScanError::BadDimensions)?;
    if pixels > MAX_PIXELS {
        return Err(ScanError::TooLarge { pixels });
    }
    if pixels == 0 || luma.len() != pixels {
        return Err(ScanError::BadDimensions);
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    let grids = image.detect_grids();
    if grids.is_empty() {
        return Err(ScanError::NotFound);
    }
    let texts: Vec<String> = grids
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect();
    if texts.is_empty() {
        return Err(ScanError::Unreadable);
    }
    Ok(texts)
}
