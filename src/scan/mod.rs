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
    /// Every code [`ScanError::code`] returns: what a front end needs a message for.
    pub const CODES: &'static [&'static str] =
        &["bad_dimensions", "too_large", "not_found", "unreadable"];

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
    let mut seen = Seen::default();
    let texts = read_image(width, height, luma, &mut seen);
    if !texts.is_empty() {
        return Ok(texts);
    }
    // Second pass for small or blurred codes: the image at twice the scale
    // (bilinear), so runs of one to three pixels become measurable. First
    // only around the likeliest code of the first pass, then (for frames of
    // camera size) all of it.
    if let Some([x0, y0, x1, y1]) = seen.region.take().filter(|[x0, y0, x1, y1]| {
        // Bounded memory: the upscaled box is at most 4 × UPSCALE_MAX_PIXELS.
        (x1 - x0) * (y1 - y0) <= UPSCALE_MAX_PIXELS
    }) {
        let (w2, h2, big) = upscale2(width, luma, x0, y0, x1.min(width), y1.min(height));
        let texts = read_image(w2, h2, &big, &mut seen);
        if !texts.is_empty() {
            return Ok(texts);
        }
    }
    if pixels <= UPSCALE_MAX_PIXELS {
        let (w2, h2, big) = upscale2(width, luma, 0, 0, width, height);
        let texts = read_image(w2, h2, &big, &mut seen);
        if !texts.is_empty() {
            return Ok(texts);
        }
    }
    let seen = seen.code;
    Err(if seen {
        ScanError::Unreadable
    } else {
        ScanError::NotFound
    })
}

/// Images (or boxes of them) up to this size get the second, upscaled pass.
const UPSCALE_MAX_PIXELS: usize = 1280 * 720;

/// What the passes saw of codes they could not read.
#[derive(Default)]
struct Seen {
    /// Something shaped like a code was sampled.
    code: bool,
    /// Pixel box (x0, y0, x1, y1) around the likeliest such code.
    region: Option<[usize; 4]>,
}

/// Reads dark-on-light codes, then light-on-dark ones.
fn read_image(width: usize, height: usize, luma: &[u8], seen: &mut Seen) -> Vec<String> {
    let stats = binarize::BlockStats::new(width, height, luma);
    for inverted in [false, true] {
        let bits = binarize::BitImage::new(luma, &stats, inverted);
        let texts = read_codes(&bits, seen);
        if !texts.is_empty() {
            return texts;
        }
    }
    Vec::new()
}

/// The box `x0..x1 × y0..y1` of the image at twice its width and height, bilinear.
fn upscale2(
    width: usize,
    luma: &[u8],
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
) -> (usize, usize, Vec<u8>) {
    let (w, h) = (x1 - x0, y1 - y0);
    let (w2, h2) = (w * 2, h * 2);
    // Each new pixel's centre lies a quarter of a source pixel from its
    // nearest source pixel: weights 3/4 and 1/4 along each axis (the edge
    // pixel repeated at the borders). Source rows are widened first, in
    // quarters, then pairs of them are mixed.
    let widen = |y: usize, out: &mut Vec<u16>| {
        let row = &luma[(y0 + y) * width + x0..][..w];
        out.clear();
        for i in 0..w {
            let centre = 3 * u16::from(row[i]);
            out.push(centre + u16::from(row[i.saturating_sub(1)]));
            out.push(centre + u16::from(row[(i + 1).min(w - 1)]));
        }
    };
    let mut out = Vec::with_capacity(w2 * h2);
    let (mut above, mut here, mut below) = (Vec::new(), Vec::new(), Vec::new());
    widen(0, &mut above);
    widen(0, &mut here);
    for y in 0..h {
        widen((y + 1).min(h - 1), &mut below);
        for near in [&above, &below] {
            out.extend(
                here.iter()
                    .zip(near.iter())
                    .map(|(&c, &n)| ((3 * c + n + 8) / 16) as u8),
            );
        }
        std::mem::swap(&mut above, &mut here);
        std::mem::swap(&mut here, &mut below);
    }
    (w2, h2, out)
}

/// At most this many finder triples are tried in one image.
const MAX_TRIPLES: usize = 12;
/// Finder centres considered for triples (the most confirmed ones).
const MAX_FINDERS: usize = 12;

/// Every code readable in a binarised image; `seen` is set when something
/// shaped like a code was sampled.
fn read_codes(bits: &binarize::BitImage, seen: &mut Seen) -> Vec<String> {
    let mut finders = finder::find(bits);
    finders.truncate(MAX_FINDERS);
    let n = finders.len();
    let mut triples = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for k in j + 1..n {
                // At most one centre confirmed on a single row: such centres
                // are mostly texture, and each false triple costs decodes.
                let weak = [i, j, k].iter().filter(|&&x| finders[x].count < 2).count();
                if weak > 1 {
                    continue;
                }
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
        seen.code = true;
        if seen.region.is_none() {
            seen.region = Some(grid::region(c, bits.width, bits.height));
        }
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
    let mut sizes = SizeQueue::new(grid::sizes(bits, c));
    while let Some(size) = sizes.next() {
        let layout = decode::Layout::new(size)?;
        let maps = grid::maps(bits, c, size);
        'maps: for (i, h) in maps.iter().enumerate() {
            let d = grid::darkness(bits, h, size);
            let g = grid::sample(&d, size);
            // The mirror image (a code seen from behind, or a mirrored
            // preview) only for the first, likeliest grid.
            let mirrored = (i == 0).then(|| g.transposed());
            for (k, g) in std::iter::once(g).chain(mirrored).enumerate() {
                match decode::decode_grid(&g, &layout) {
                    Ok(text) => return Some(text),
                    // The version information says the size is wrong: no
                    // other map at this size will do better.
                    Err(decode::GridError::Size(s)) => {
                        sizes.claim(s);
                        break 'maps;
                    }
                    Err(decode::GridError::Bad) => {
                        // The format is legible but the data is not: try
                        // again with blur partly undone.
                        let s = grid::sample_sharpened(&d, size);
                        let s = if k == 0 { s } else { s.transposed() };
                        if let Ok(text) = decode::decode_grid(&s, &layout) {
                            return Some(text);
                        }
                    }
                    Err(decode::GridError::Format) => {}
                }
            }
        }
    }
    None
}

/// The sizes to sample one code at, at most [`SizeQueue::MAX`]: first those
/// the version information named, in the order named (the first claim comes
/// from the likeliest map), then the finders' estimates.
struct SizeQueue {
    estimated: Vec<usize>,
    claimed: Vec<usize>,
    tried: Vec<usize>,
}

impl SizeQueue {
    const MAX: usize = 3;

    fn new(estimated: Vec<usize>) -> SizeQueue {
        SizeQueue {
            estimated,
            claimed: Vec::new(),
            tried: Vec::new(),
        }
    }

    fn claim(&mut self, size: usize) {
        if !self.claimed.contains(&size) {
            self.claimed.push(size);
        }
    }

    fn next(&mut self) -> Option<usize> {
        if self.tried.len() >= Self::MAX {
            return None;
        }
        let size = *self
            .claimed
            .iter()
            .chain(&self.estimated)
            .find(|s| !self.tried.contains(s))?;
        self.tried.push(size);
        Some(size)
    }
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

#[cfg(test)]
mod tests {
    use super::{ScanError, SizeQueue, upscale2};

    #[test]
    fn the_code_list_names_every_error() {
        let errors = [
            ScanError::BadDimensions,
            ScanError::TooLarge { pixels: 1 },
            ScanError::NotFound,
            ScanError::Unreadable,
        ];
        // No wildcard: a new variant does not compile until it is listed above.
        for e in &errors {
            match e {
                ScanError::BadDimensions
                | ScanError::TooLarge { .. }
                | ScanError::NotFound
                | ScanError::Unreadable => {}
            }
        }
        let codes: Vec<_> = errors.iter().map(ScanError::code).collect();
        assert_eq!(codes, ScanError::CODES);
    }

    #[test]
    fn upscaling_is_bilinear_at_twice_the_size() {
        let (width, height) = (7, 5);
        let luma: Vec<u8> = (0..width * height).map(|i| (i * 97 % 256) as u8).collect();
        // A box inside the image, and the whole image.
        for (x0, y0, x1, y1) in [(1, 1, 6, 4), (0, 0, width, height)] {
            let (w2, h2, big) = upscale2(width, &luma, x0, y0, x1, y1);
            assert_eq!((w2, h2), (2 * (x1 - x0), 2 * (y1 - y0)));
            // Each new pixel's centre mapped back into the box, the box's
            // edge pixels repeated outside it.
            let at = |x: f64, y: f64| {
                let x = x.clamp(0.0, (x1 - x0 - 1) as f64) as usize + x0;
                let y = y.clamp(0.0, (y1 - y0 - 1) as f64) as usize + y0;
                f64::from(luma[y * width + x])
            };
            for y in 0..h2 {
                for x in 0..w2 {
                    let (sx, sy) = ((x as f64 + 0.5) / 2.0 - 0.5, (y as f64 + 0.5) / 2.0 - 0.5);
                    let (fx, fy) = (sx - sx.floor(), sy - sy.floor());
                    let (ax, ay) = (sx.floor(), sy.floor());
                    let want = at(ax, ay) * (1.0 - fx) * (1.0 - fy)
                        + at(ax + 1.0, ay) * fx * (1.0 - fy)
                        + at(ax, ay + 1.0) * (1.0 - fx) * fy
                        + at(ax + 1.0, ay + 1.0) * fx * fy;
                    let got = f64::from(big[y * w2 + x]);
                    assert!(
                        (got - want).abs() <= 0.5,
                        "({x}, {y}) in {x0},{y0}..{x1},{y1}: {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn sizes_named_by_version_information_come_first_in_order_named() {
        let mut q = SizeQueue::new(vec![57, 53]);
        assert_eq!(q.next(), Some(57));
        q.claim(61);
        q.claim(65);
        q.claim(61);
        assert_eq!(q.next(), Some(61));
        assert_eq!(q.next(), Some(65));
        // Three sizes at most.
        assert_eq!(q.next(), None);

        let mut q = SizeQueue::new(vec![57, 53]);
        assert_eq!(q.next(), Some(57));
        q.claim(57);
        assert_eq!(q.next(), Some(53));
        assert_eq!(q.next(), None);
    }
}
