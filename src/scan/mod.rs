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
    // One 64-bit load for two pixels; red and blue of both weighed by one
    // multiplication: with the bytes' lanes r0, b0, r1, b1 (16 bits each),
    // times 29 + 77·2¹⁶, lane 1 holds r0·77 + b0·29 and lane 3 r1·77 +
    // b1·29 (each below 2¹⁶, and no lane carries into the next).
    const RED_BLUE: u64 = 0x00ff_00ff_00ff_00ff;
    let weigh = |red_blue: u64, green: u64| ((red_blue & 0xffff) + (green & 0xff) * 150) >> 8;
    let mut luma = vec![0u8; rgba.len() / 4];
    let pairs = rgba.chunks_exact(8);
    let last = pairs.remainder();
    for (two, out) in pairs.zip(luma.chunks_exact_mut(2)) {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(two);
        let px = u64::from_le_bytes(bytes);
        let red_blue = (px & RED_BLUE).wrapping_mul(29 + (77 << 16));
        out[0] = weigh(red_blue >> 16, px >> 8) as u8;
        out[1] = weigh(red_blue >> 48, px >> 40) as u8;
    }
    if let (Some(out), [r, g, b, _]) = (luma.last_mut(), last) {
        let red_blue = u64::from(*r) * 77 + u64::from(*b) * 29;
        *out = weigh(red_blue, u64::from(*g)) as u8;
    }
    Ok(luma)
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
    let mut scan = Scan::new();
    // Statistics of blocks half as wide as the first pass uses, for the
    // passes at twice the scale; the first pass's follow from them.
    let fine = binarize::BlockStats::new(width, height, luma, binarize::SHIFT - 1);
    let stats = fine.coarser();
    // Dark-on-light codes, then light-on-dark ones (the negative image).
    for inverted in [false, true] {
        let bits = binarize::BitImage::new(luma, &stats, inverted);
        let texts = read_codes(&bits, &mut scan, WHOLE_PASS_BUDGET);
        if !texts.is_empty() {
            return Ok(texts);
        }
    }
    // Small or blurred codes: the image at twice the scale, so runs of one
    // to three pixels become measurable. First only around the likeliest
    // code of the first pass, in the colours it was seen in, then (for
    // frames of camera size) all of it, dark on light.
    let region = scan.region.take();
    if let Some((area, inverted)) = region {
        let bits = binarize::BitImage::within(luma, &fine, inverted, area).doubled(Some(area));
        let texts = read_codes(&bits, &mut scan, IMAGE_BUDGET);
        if !texts.is_empty() {
            return Ok(texts);
        }
    }
    if pixels <= DOUBLED_MAX_PIXELS && region.is_none() {
        let bits = binarize::BitImage::new(luma, &fine, false).doubled(None);
        let texts = read_codes(&bits, &mut scan, WHOLE_PASS_BUDGET);
        if !texts.is_empty() {
            return Ok(texts);
        }
    }
    Err(if scan.code {
        ScanError::Unreadable
    } else {
        ScanError::NotFound
    })
}

// The work one image's triples of finders may take, in [`grid::Budget`]
// units (one is a place an alignment pattern is looked for, about half a
// microsecond natively; a sampled grid is charged for its modules). The
// passes over the image are not charged: there are at most three, each a
// bounded cost. A frame that holds no readable code stops when the budget
// is spent: the slowest frames of a camera stream are the ones with
// nothing to read, where clutter makes triples of finders that are no
// code, and a frame with a code would have been read long before.

/// What all passes over one image may spend on triples of finders.
const IMAGE_BUDGET: u32 = 7_500;

/// What each pass over the whole image may spend of it: in clutter most
/// triples of finders are no code, and the pass at twice the scale around
/// the likeliest code the first passes saw keeps the rest.
const WHOLE_PASS_BUDGET: u32 = 3_000;

/// The most one triple of finders may take, for a code of `size` modules:
/// a code reads within a few grids sampled and alignment patterns searched
/// for, and a false triple must not take what the next one needs.
fn triple_budget(size: usize) -> u32 {
    600 + (size * size / 4) as u32
}

/// Images up to this size (camera frames) are read whole at twice the
/// scale when the first pass saw nothing; a larger photo only around what
/// it saw.
const DOUBLED_MAX_PIXELS: usize = 1280 * 720;

/// One image's passes: what they saw of codes they could not read, and
/// what they share.
struct Scan {
    /// Something shaped like a code was sampled.
    code: bool,
    /// Pixel box (x0, y0, x1, y1) around the likeliest such code, and
    /// whether it was seen in the negative image.
    region: Option<([usize; 4], bool)>,
    /// The work all passes together may still take.
    budget: grid::Budget,
}

impl Scan {
    fn new() -> Scan {
        Scan {
            code: false,
            region: None,
            budget: grid::Budget::new(IMAGE_BUDGET),
        }
    }
}

/// The data layout of a code of `size` modules. A camera shows the same
/// code frame after frame: the last few layouts made are kept (at most
/// 4 × 118 KB, for version 40).
fn layout(size: usize) -> Option<std::rc::Rc<decode::Layout>> {
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<std::rc::Rc<decode::Layout>>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    RECENT.with_borrow_mut(|recent| {
        if let Some(i) = recent.iter().position(|l| l.size() == size) {
            let l = recent.remove(i);
            recent.push(l.clone());
            return Some(l);
        }
        let l = std::rc::Rc::new(decode::Layout::new(size)?);
        if recent.len() == 4 {
            recent.remove(0);
        }
        recent.push(l.clone());
        Some(l)
    })
}

/// At most this many finder triples are tried in one image.
const MAX_TRIPLES: usize = 6;
/// Finder centres considered for triples (the most confirmed ones).
const MAX_FINDERS: usize = 12;

/// Every code readable in a binarised image, spending at most `most` of
/// the image's budget; `scan` notes when something shaped like a code was
/// sampled.
fn read_codes(bits: &binarize::BitImage, scan: &mut Scan, most: u32) -> Vec<String> {
    let finders = finder::find(bits, MAX_FINDERS);
    let n = finders.len();
    let mut triples = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for k in j + 1..n {
                // Every centre confirmed on at least two rows: a centre seen
                // on one row only is mostly texture (a code's finder is
                // crossed by three rows or more even at two pixels a
                // module), and each false triple costs decodes.
                let weak = [i, j, k].iter().filter(|&&x| finders[x].count < 2).count();
                if weak > 0 {
                    continue;
                }
                if let Some((c, score)) = grid::corners(finders[i], finders[j], finders[k]) {
                    keep_best(&mut triples, (score, [i, j, k], c), MAX_TRIPLES, |a, b| {
                        a.0 < b.0
                    });
                }
            }
        }
    }
    let mut used = vec![false; n];
    let mut texts: Vec<String> = Vec::new();
    let (budget, code, region) = (&scan.budget, &mut scan.code, &mut scan.region);
    budget.share(most, |pass| {
        for (_, idx, c) in &triples {
            if idx.iter().any(|&i| used[i]) {
                continue;
            }
            *code = true;
            if region.is_none() {
                *region = Some((grid::region(c, bits.width, bits.height), bits.inverted()));
            }
            if let Some(text) = read_at(bits, c, pass) {
                idx.iter().for_each(|&i| used[i] = true);
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
        }
    });
    texts
}

/// Puts `item` into `best`, kept in order and at most `max` long, after any
/// it is not `better` than (so equals keep the order they came in): the
/// few best of many without sorting them all, and without the code size
/// of a general sort.
pub(crate) fn keep_best<T>(
    best: &mut Vec<T>,
    item: T,
    max: usize,
    better: impl Fn(&T, &T) -> bool,
) {
    let at = best
        .iter()
        .position(|b| better(&item, b))
        .unwrap_or(best.len());
    if at < max {
        best.insert(at, item);
        best.truncate(max);
    }
}

/// Reads the code whose finders are `c`, trying the likely sizes, within
/// the triple's share of the budget.
fn read_at(bits: &binarize::BitImage, c: &grid::Corners, total: &grid::Budget) -> Option<String> {
    let estimated = grid::sizes(bits, c);
    let most = estimated.first().map_or(0, |&s| triple_budget(s));
    total.share(most, |budget| {
        read_sizes(bits, c, SizeQueue::new(estimated), budget)
    })
}

/// Reads the code whose finders are `c` at the sizes `sizes` gives.
fn read_sizes(
    bits: &binarize::BitImage,
    c: &grid::Corners,
    mut sizes: SizeQueue,
    budget: &grid::Budget,
) -> Option<String> {
    'sizes: while let Some(size) = sizes.next() {
        let layout = &*layout(size)?;
        let (persp, guess) = grid::finder_maps(bits, c, size);
        // The finders' own maps first, and the mirror image (a code seen
        // from behind, or a mirrored preview). Only where one of them shows
        // a legible format, next to the finders, are alignment patterns
        // searched for: the search costs more than the rest, and false
        // triples of finders are common in clutter.
        let mut code = None;
        let mut guess_tried = false;
        for (h, is_guess) in [(&persp, false), (&guess, true)] {
            let Some(h) = h.as_ref().filter(|_| code.is_none()) else {
                continue;
            };
            guess_tried = is_guess;
            // Sampled once for both readings.
            let mut darkness = None;
            for mirrored in [false, true] {
                match attempt(bits, h, layout, mirrored, budget, &mut darkness) {
                    Attempt::Read(text) => return Some(text),
                    Attempt::Size(s) => {
                        sizes.claim(s);
                        continue 'sizes;
                    }
                    Attempt::Unread => {
                        code = Some(mirrored);
                        break;
                    }
                    Attempt::NoFormat => {}
                }
            }
        }
        let Some(mirrored) = code else { continue };
        // Then the maps that rest on alignment patterns, each made only
        // when the one before it did not read: through the bottom-right
        // pattern, then (larger codes) through every pattern that map or
        // the perspective map leads to; last the guess.
        let corner = grid::corner_map(bits, c, size, persp.as_ref(), budget);
        let refined = std::iter::once_with(|| {
            let base = corner.or(persp).filter(|_| size >= 45)?;
            grid::refined(bits, c, size, &base, budget)
        })
        .flatten();
        let last = guess.filter(|_| !guess_tried);
        for h in corner.into_iter().chain(refined).chain(last) {
            match attempt(bits, &h, layout, mirrored, budget, &mut None) {
                Attempt::Read(text) => return Some(text),
                Attempt::Size(s) => {
                    sizes.claim(s);
                    continue 'sizes;
                }
                Attempt::Unread | Attempt::NoFormat => {}
            }
        }
    }
    None
}

/// What sampling one grid gave.
enum Attempt {
    Read(String),
    /// The version information names another size.
    Size(usize),
    /// The format is legible but the data is not.
    Unread,
    /// No legible format.
    NoFormat,
}

/// Samples the grid `h` maps (its mirror image if `mirrored`) and decodes
/// it; where the format is legible but the data not, again with blur
/// partly undone. `darkness` keeps the samples for the other reading of
/// the same grid.
fn attempt(
    bits: &binarize::BitImage,
    h: &grid::Homography,
    layout: &decode::Layout,
    mirrored: bool,
    budget: &grid::Budget,
    darkness: &mut Option<Vec<i32>>,
) -> Attempt {
    let size = layout.size();
    if !budget.spend((size * size / 16) as u32) {
        return Attempt::NoFormat;
    }
    let d = darkness.get_or_insert_with(|| grid::darkness(bits, h, size));
    let flip = |g: decode::Grid| if mirrored { g.transposed() } else { g };
    match decode::decode_grid(&flip(grid::sample(d, size)), layout) {
        Ok(text) => Attempt::Read(text),
        Err(decode::GridError::Size(s)) => Attempt::Size(s),
        Err(decode::GridError::Format) => Attempt::NoFormat,
        Err(decode::GridError::Bad) => {
            match decode::decode_grid(&flip(grid::sample_sharpened(d, size)), layout) {
                Ok(text) => Attempt::Read(text),
                Err(_) => Attempt::Unread,
            }
        }
    }
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
    const MAX: usize = 2;

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
    use super::{ScanError, SizeQueue};

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
    fn the_best_few_are_kept_in_order_with_ties_in_arrival_order() {
        let mut best = Vec::new();
        for (i, v) in [5, 3, 9, 3, 1, 7, 3].into_iter().enumerate() {
            super::keep_best(&mut best, (v, i), 4, |a, b| a.0 < b.0);
        }
        assert_eq!(best, [(1, 4), (3, 1), (3, 3), (3, 6)]);
    }

    #[test]
    fn luma_is_the_integer_bt601_weighting_of_every_colour() {
        // Two pixels are converted at a time: rows of an even and an odd
        // number of pixels.
        let levels: Vec<u8> = (0..=255).step_by(3).chain([254, 255]).collect();
        for &r in &levels {
            for &g in &levels {
                for blues in [&levels[..], &levels[1..]] {
                    let rgba: Vec<u8> = blues.iter().flat_map(|&b| [r, g, b, 200]).collect();
                    let want: Vec<u8> = blues
                        .iter()
                        .map(|&b| {
                            ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)) >> 8)
                                as u8
                        })
                        .collect();
                    assert_eq!(super::luma_from_rgba(&rgba), Ok(want));
                }
            }
        }
    }

    #[test]
    fn sizes_named_by_version_information_come_first_in_order_named() {
        let mut q = SizeQueue::new(vec![57, 53]);
        q.claim(61);
        q.claim(65);
        q.claim(61);
        assert_eq!(q.next(), Some(61));
        assert_eq!(q.next(), Some(65));
        // Two sizes at most.
        assert_eq!(q.next(), None);

        let mut q = SizeQueue::new(vec![57, 53]);
        assert_eq!(q.next(), Some(57));
        q.claim(57);
        assert_eq!(q.next(), Some(53));
        assert_eq!(q.next(), None);
    }
}
