//! Reading QR codes from pixels: photos, screenshots and camera frames.
//!
//! The image arrives as 8-bit luminance, one byte a pixel, row by row; callers
//! with RGBA convert with [`luma_from_rgba`]. Frames larger than [`MAX_PIXELS`]
//! are refused before any work, so memory stays bounded whatever is passed.

use std::fmt;

mod binarize;
mod decode;
mod finder;
mod grid;
mod rs;
#[cfg(not(target_arch = "wasm32"))]
mod sjis;

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
    if cfg!(feature = "rqrr-baseline") {
        return baseline::decode(width, height, luma);
    }
    let mut seen = false;
    let texts = read_image(width, height, luma, &mut seen);
    if !texts.is_empty() {
        return Ok(texts);
    }
    // Second pass for small or blurred codes: the image at twice the scale
    // (bilinear), so runs of one to three pixels become measurable.
    if pixels <= UPSCALE_MAX_PIXELS {
        let (w2, h2, big) = upscale2(width, height, luma);
        let texts = read_image(w2, h2, &big, &mut seen);
        if !texts.is_empty() {
            return Ok(texts);
        }
    }
    Err(if seen {
        ScanError::Unreadable
    } else {
        ScanError::NotFound
    })
}

/// Images up to this size get the second, upscaled pass.
const UPSCALE_MAX_PIXELS: usize = 1280 * 720;

/// Reads dark-on-light codes, then light-on-dark ones.
fn read_image(width: usize, height: usize, luma: &[u8], seen: &mut bool) -> Vec<String> {
    let mut bits = binarize::binarize(width, height, luma, 8);
    for inverted in [false, true] {
        if inverted {
            bits.invert();
        }
        let texts = read_codes(&bits, seen);
        if !texts.is_empty() {
            return texts;
        }
    }
    Vec::new()
}

/// The image at twice its width and height, bilinear.
fn upscale2(width: usize, height: usize, luma: &[u8]) -> (usize, usize, Vec<u8>) {
    let (w2, h2) = (width * 2, height * 2);
    let mut out = vec![0u8; w2 * h2];
    for y in 0..h2 {
        // Source position of this pixel's centre: (y + 0.5) / 2 − 0.5, in quarters.
        let sy = (y as isize * 2 - 1).max(0) as usize;
        let (y0, fy) = ((sy / 4).min(height - 1), (sy % 4) as u32);
        let y1 = (y0 + 1).min(height - 1);
        for x in 0..w2 {
            let sx = (x as isize * 2 - 1).max(0) as usize;
            let (x0, fx) = ((sx / 4).min(width - 1), (sx % 4) as u32);
            let x1 = (x0 + 1).min(width - 1);
            let p = |xx: usize, yy: usize| u32::from(luma[yy * width + xx]);
            let top = p(x0, y0) * (4 - fx) + p(x1, y0) * fx;
            let bottom = p(x0, y1) * (4 - fx) + p(x1, y1) * fx;
            out[y * w2 + x] = ((top * (4 - fy) + bottom * fy + 8) / 16) as u8;
        }
    }
    (w2, h2, out)
}

/// At most this many finder triples are tried in one image.
const MAX_TRIPLES: usize = 24;
/// Finder centres considered for triples (the most confirmed ones).
const MAX_FINDERS: usize = 12;

/// Every code readable in a binarised image; `seen` is set when something
/// shaped like a code was sampled.
fn read_codes(bits: &binarize::BitImage, seen: &mut bool) -> Vec<String> {
    let mut finders = finder::find(bits);
    finders.truncate(MAX_FINDERS);
    let n = finders.len();
    let mut triples = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for k in j + 1..n {
                if let Some((c, score)) = grid::corners(finders[i], finders[j], finders[k]) {
                    triples.push((score, [i, j, k], c));
                }
            }
        }
    }
    triples.sort_by(|a, b| a.0.total_cmp(&b.0));
    triples.truncate(MAX_TRIPLES);
    let mut used = vec![false; n];
    let mut texts: Vec<String> = Vec::new();
    for (_, idx, c) in &triples {
        if idx.iter().any(|&i| used[i]) {
            continue;
        }
        *seen = true;
        if let Some(text) = read_at(bits, c) {
            idx.iter().for_each(|&i| used[i] = true);
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
    }
    texts
}

/// Reads the code whose finders are `c`, trying the likely sizes.
fn read_at(bits: &binarize::BitImage, c: &grid::Corners) -> Option<String> {
    let mut sizes = grid::sizes(bits, c);
    let mut tried = Vec::new();
    while let Some(size) = sizes.first().copied() {
        sizes.remove(0);
        if tried.contains(&size) || tried.len() >= 4 {
            continue;
        }
        tried.push(size);
        for g in grid::sample_all(bits, c, size) {
            let mirrored = g.transposed();
            for g in [g, mirrored] {
                match decode::decode_grid(&g) {
                    Ok(text) => return Some(text),
                    Err(decode::GridError::Size(s)) => sizes.insert(0, s),
                    Err(decode::GridError::Bad) => {}
                }
            }
        }
    }
    None
}

/// The previous reader (the `rqrr` crate), kept buildable for comparison
/// (`--features rqrr-baseline`), off by default.
#[cfg(feature = "rqrr-baseline")]
mod baseline {
    use super::ScanError;

    pub fn decode(width: usize, height: usize, luma: &[u8]) -> Result<Vec<String>, ScanError> {
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
}

#[cfg(not(feature = "rqrr-baseline"))]
mod baseline {
    use super::ScanError;

    pub fn decode(_: usize, _: usize, _: &[u8]) -> Result<Vec<String>, ScanError> {
        Err(ScanError::NotFound)
    }
}
