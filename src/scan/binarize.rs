//! Local adaptive binarisation.
//!
//! The frame is cut into 8 × 8 blocks; each block gets a "black point" from
//! its own minimum, maximum and mean (a block with little contrast borrows its
//! neighbours' level, so flat paper inside a code is not read as noise). A
//! pixel is dark when it is at or below the mean black point of the 5 × 5
//! blocks around its own, which follows uneven light and glare while keeping
//! module edges sharp; where those blocks hold little contrast (paper only a
//! few dozen grey levels above the ink, or blur), the midpoint between their
//! darkest and lightest pixel instead, as the mean there leans towards
//! whichever colour covers more of the neighbourhood.
//!
//! Only the per-block thresholds are stored: a pixel is compared when it is
//! looked at. The finder scans every other row and the grid samples a few
//! thousand points, so this reads far fewer pixels than writing a two-level
//! copy of the frame, and the negative image (for light-on-dark codes) costs
//! only a second set of thresholds from the same block statistics.

/// Block side in pixels, as a shift: 8.
const SHIFT: usize = 3;
const BLOCK: usize = 1 << SHIFT;

/// Below this spread between a block's darkest and lightest pixel the block
/// is taken as flat.
const MIN_CONTRAST: u32 = 24;

/// A 5 × 5 block neighbourhood whose darkest and lightest pixel differ by
/// at least `MIN_RANGE` and less than `MAX_RANGE` is thresholded at their
/// midpoint: faint or blurred print. Outside that span the mean level holds
/// (flat areas; and at full contrast a photo or logo beside a code pulls
/// the extremes more than the mean). The negative image (light-on-dark
/// codes, mostly screens at full contrast) keeps the mean throughout: there
/// the midpoint lost blurred codes it read before.
const MIN_RANGE: u32 = 24;
const MAX_RANGE: u32 = 120;

/// Sum, minimum and maximum of each block of an image, row by row.
pub struct BlockStats {
    width: usize,
    height: usize,
    blocks_wide: usize,
    blocks_high: usize,
    sum_min_max: Vec<(u32, u8, u8)>,
}

impl BlockStats {
    /// The statistics of `luma` (`width × height`, already checked).
    pub fn new(width: usize, height: usize, luma: &[u8]) -> BlockStats {
        let (bw, bh) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
        let mut sum_min_max = vec![(0u32, 255u8, 0u8); bw * bh];
        for (y, row) in luma.chunks_exact(width).enumerate() {
            let stats = &mut sum_min_max[(y >> SHIFT) * bw..][..bw];
            for (chunk, s) in row.chunks(BLOCK).zip(stats.iter_mut()) {
                let (mut sum, mut min, mut max) = (0u32, s.1, s.2);
                for &p in chunk {
                    sum += u32::from(p);
                    min = min.min(p);
                    max = max.max(p);
                }
                *s = (s.0 + sum, min, max);
            }
        }
        BlockStats {
            width,
            height,
            blocks_wide: bw,
            blocks_high: bh,
            sum_min_max,
        }
    }

    /// Pixels in block (bx, by): fewer at the right and bottom edges.
    fn count(&self, bx: usize, by: usize) -> u32 {
        let w = BLOCK.min(self.width - bx * BLOCK);
        let h = BLOCK.min(self.height - by * BLOCK);
        (w * h) as u32
    }
}

/// A two-level view of an image: [`BitImage::get`] says whether a pixel is dark.
pub struct BitImage<'a> {
    pub width: usize,
    pub height: usize,
    luma: &'a [u8],
    /// 255 to read the negative image, else 0.
    flip: u8,
    blocks_wide: usize,
    /// A pixel is dark when `pixel ^ flip` is at or below its block's value.
    threshold: Vec<u8>,
}

impl<'a> BitImage<'a> {
    /// Binarises `luma`, whose block statistics are `stats`; `invert` reads
    /// the image as its negative (for light-on-dark codes).
    pub fn new(luma: &'a [u8], stats: &BlockStats, invert: bool) -> BitImage<'a> {
        let (bw, bh) = (stats.blocks_wide, stats.blocks_high);
        let mut black = vec![0u32; bw * bh];
        for by in 0..bh {
            for bx in 0..bw {
                let (sum, min, max) = stats.sum_min_max[by * bw + bx];
                let count = stats.count(bx, by);
                let (sum, min, max) = if invert {
                    (255 * count - sum, 255 - max, 255 - min)
                } else {
                    (sum, min, max)
                };
                let (min, max) = (u32::from(min), u32::from(max));
                let mut level = sum / count;
                if max - min <= MIN_CONTRAST {
                    // Flat: assume light paper unless the neighbours say the
                    // flat area is darker than they are.
                    level = min / 2;
                    if bx > 0 && by > 0 {
                        let n = (black[(by - 1) * bw + bx]
                            + 2 * black[by * bw + bx - 1]
                            + black[(by - 1) * bw + bx - 1])
                            / 4;
                        if min < n {
                            level = n;
                        }
                    }
                }
                black[by * bw + bx] = level;
            }
        }
        // Averaged over 5 × 5 neighbourhoods, moved inwards at the borders:
        // sums along each row of blocks first, then down the columns.
        let window = |i: usize, count: usize| {
            let c = i.clamp(2, count.saturating_sub(3).max(2));
            (c.saturating_sub(2), (c + 3).min(count))
        };
        let mut across = vec![0u32; bw * bh];
        let mut prefix = vec![0u32; bw + 1];
        for by in 0..bh {
            for bx in 0..bw {
                prefix[bx + 1] = prefix[bx] + black[by * bw + bx];
            }
            for bx in 0..bw {
                let (x0, x1) = window(bx, bw);
                across[by * bw + bx] = prefix[x1] - prefix[x0];
            }
        }
        // The darkest and lightest pixel within the same 5 × 5 blocks.
        let mut lo_across = vec![255u8; bw * bh];
        let mut hi_across = vec![0u8; bw * bh];
        for by in 0..bh {
            for bx in 0..bw {
                let (x0, x1) = window(bx, bw);
                let (mut lo, mut hi) = (255u8, 0u8);
                for &(_, min, max) in &stats.sum_min_max[by * bw + x0..by * bw + x1] {
                    let (min, max) = if invert {
                        (255 - max, 255 - min)
                    } else {
                        (min, max)
                    };
                    lo = lo.min(min);
                    hi = hi.max(max);
                }
                lo_across[by * bw + bx] = lo;
                hi_across[by * bw + bx] = hi;
            }
        }
        let mut threshold = vec![0u8; bw * bh];
        for by in 0..bh {
            let (y0, y1) = window(by, bh);
            for bx in 0..bw {
                let (x0, x1) = window(bx, bw);
                let sum: u32 = (y0..y1).map(|yy| across[yy * bw + bx]).sum();
                // An average of levels of at most 255.
                let mean = sum / ((y1 - y0) * (x1 - x0)) as u32;
                let lo = (y0..y1)
                    .map(|yy| lo_across[yy * bw + bx])
                    .min()
                    .unwrap_or(0);
                let hi = (y0..y1)
                    .map(|yy| hi_across[yy * bw + bx])
                    .max()
                    .unwrap_or(0);
                let (lo, hi) = (u32::from(lo), u32::from(hi));
                // Halfway between the darkest and lightest pixel near by,
                // where they differ enough to be ink and paper: the mean
                // leans towards whichever covers more of the window, which
                // on a blurred or faint code swallows one-module rings.
                threshold[by * bw + bx] = if !invert && hi - lo >= MIN_RANGE && hi - lo < MAX_RANGE
                {
                    (lo + hi) / 2
                } else {
                    mean
                } as u8;
            }
        }
        BitImage {
            width: stats.width,
            height: stats.height,
            luma,
            flip: if invert { 255 } else { 0 },
            blocks_wide: bw,
            threshold,
        }
    }

    /// How far the pixel at (x, y) is below its threshold (positive: dark);
    /// outside the image, a light pixel.
    pub fn darkness(&self, x: i32, y: i32) -> i32 {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return -64;
        }
        let (x, y) = (x as usize, y as usize);
        i32::from(self.threshold[(y >> SHIFT) * self.blocks_wide + (x >> SHIFT)])
            - i32::from(self.luma[y * self.width + x] ^ self.flip)
    }

    /// Whether the pixel at (x, y) is dark; outside the image is light.
    #[inline]
    pub fn get(&self, x: i32, y: i32) -> bool {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        self.luma[y * self.width + x] ^ self.flip
            <= self.threshold[(y >> SHIFT) * self.blocks_wide + (x >> SHIFT)]
    }

    /// Where the colour changes along row `y`, into `edges`: 0, each x whose
    /// pixel differs from the one before, then the width. Returns whether the
    /// row starts dark.
    pub fn row_edges(&self, y: usize, edges: &mut Vec<u32>) -> bool {
        let luma = &self.luma[y * self.width..][..self.width];
        let thresholds = &self.threshold[(y >> SHIFT) * self.blocks_wide..][..self.blocks_wide];
        let first = luma[0] ^ self.flip <= thresholds[0];
        edges.clear();
        edges.resize(self.width + 2, 0);
        // Without a branch per pixel: every x is written, and the count
        // moves past it only where the colour changed (noise changes it
        // at random, which branch prediction cannot follow).
        let (mut n, mut x, mut prev) = (1, 0u32, first);
        for (chunk, &t) in luma.chunks(BLOCK).zip(thresholds) {
            for &p in chunk {
                let dark = p ^ self.flip <= t;
                edges[n] = x;
                n += usize::from(dark != prev);
                prev = dark;
                x += 1;
            }
        }
        edges[n] = x;
        edges.truncate(n + 1);
        first
    }
}
