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

/// Block side in pixels, as a shift: 8 (4 for a view at twice the scale,
/// so that its blocks are 8 of its own pixels too).
pub const SHIFT: usize = 3;

/// Pixels compared at once in the row scan: the bytes of one integer.
const GROUP: usize = 8;

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

/// The image pixel whose weight is a quarter for view pixel `v` (at twice
/// the scale): the one before for an even `v`, after for an odd one, the
/// edge pixel itself at the borders.
fn neighbour(v: usize, size: usize) -> usize {
    if v & 1 == 0 {
        (v >> 1).saturating_sub(1)
    } else {
        ((v >> 1) + 1).min(size - 1)
    }
}

/// One bit a pixel of `block` (up to eight), the first pixel lowest: set
/// where `pixel ^ flip` is at or below `t`. Eight pixels are compared at
/// once as the bytes of one integer, with no branch and no SIMD: the
/// reader runs as WebAssembly on phones that may lack SIMD.
fn dark_bits(block: &[u8], t: u8, flip: u8) -> u8 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let Ok(eight) = <[u8; 8]>::try_from(block) else {
        return block
            .iter()
            .enumerate()
            .fold(0, |bits, (i, &p)| bits | (u8::from(p ^ flip <= t) << i));
    };
    let a = u64::from_le_bytes(eight) ^ (u64::from(flip) * ONES);
    let b = u64::from(t) * ONES;
    // Per byte, with the top bits set aside: the top bit of
    // (b | 0x80) - (a & 0x7f) is set where a's low seven bits are at most
    // b's (no lane borrows from the next). Where the top bits differ, b's
    // top bit alone decides.
    let low = (b | HIGH) - (a & !HIGH);
    let differ = a ^ b;
    let at_most = ((differ & b) | (!differ & low)) & HIGH;
    // Each byte's top bit gathered into one byte, byte i to bit i.
    ((at_most >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Sum, minimum and maximum of each block of an image, row by row.
pub struct BlockStats {
    width: usize,
    height: usize,
    blocks_wide: usize,
    blocks_high: usize,
    sum_min_max: Vec<(u32, u8, u8)>,
    /// Block side as a shift.
    shift: usize,
}

impl BlockStats {
    /// The statistics of `luma` (`width × height`, already checked) in
    /// blocks of `1 << shift` pixels a side (2 or 3).
    pub fn new(width: usize, height: usize, luma: &[u8], shift: usize) -> BlockStats {
        let block = 1 << shift;
        let (bw, bh) = (width.div_ceil(block), height.div_ceil(block));
        let mut sum_min_max = vec![(0u32, 255u8, 0u8); bw * bh];
        // The block width as a constant, so the compiler unrolls the
        // innermost loop.
        match shift {
            2 => accumulate::<4>(width, luma, shift, bw, &mut sum_min_max),
            _ => accumulate::<8>(width, luma, shift, bw, &mut sum_min_max),
        }
        BlockStats {
            width,
            height,
            blocks_wide: bw,
            blocks_high: bh,
            sum_min_max,
            shift,
        }
    }

    /// The statistics of blocks twice as large, from these: each of their
    /// blocks is two by two of these (no pixel read again).
    pub fn coarser(&self) -> BlockStats {
        let (bw, bh) = (self.blocks_wide.div_ceil(2), self.blocks_high.div_ceil(2));
        let mut sum_min_max = vec![(0u32, 255u8, 0u8); bw * bh];
        for by in 0..self.blocks_high {
            for bx in 0..self.blocks_wide {
                let (sum, min, max) = self.sum_min_max[by * self.blocks_wide + bx];
                let s = &mut sum_min_max[(by / 2) * bw + bx / 2];
                *s = (s.0 + sum, s.1.min(min), s.2.max(max));
            }
        }
        BlockStats {
            width: self.width,
            height: self.height,
            blocks_wide: bw,
            blocks_high: bh,
            sum_min_max,
            shift: self.shift + 1,
        }
    }

    /// Pixels in block (bx, by): fewer at the right and bottom edges.
    fn count(&self, bx: usize, by: usize) -> u32 {
        let block = 1 << self.shift;
        let w = block.min(self.width - bx * block);
        let h = block.min(self.height - by * block);
        (w * h) as u32
    }
}

/// Adds each row of `luma` to the sum, minimum and maximum of its blocks
/// of `B` (= `1 << shift`) pixels a side.
fn accumulate<const B: usize>(
    width: usize,
    luma: &[u8],
    shift: usize,
    bw: usize,
    sum_min_max: &mut [(u32, u8, u8)],
) {
    for (y, row) in luma.chunks_exact(width).enumerate() {
        let stats = &mut sum_min_max[(y >> shift) * bw..][..bw];
        let whole = row.chunks_exact(B);
        let rest = whole.remainder();
        for (chunk, s) in whole.zip(stats.iter_mut()) {
            let (mut sum, mut min, mut max) = (0u32, s.1, s.2);
            for &p in chunk {
                sum += u32::from(p);
                min = min.min(p);
                max = max.max(p);
            }
            *s = (s.0 + sum, min, max);
        }
        if let Some(s) = stats.last_mut().filter(|_| !rest.is_empty()) {
            for &p in rest {
                *s = (s.0 + u32::from(p), s.1.min(p), s.2.max(p));
            }
        }
    }
}

/// Room for one row of a doubled view while the finder search scans it.
#[derive(Default)]
pub struct RowBuffers {
    /// The row's pixels.
    pixels: Vec<u8>,
    /// The two image rows it lies between, mixed.
    mixed: Vec<u16>,
}

/// A two-level view of an image: [`BitImage::get`] says whether a pixel is dark.
pub struct BitImage<'a> {
    /// Size in this view's pixels: twice the image's when doubled.
    pub width: usize,
    pub height: usize,
    /// The rows and columns the finder search covers, in this view's
    /// pixels: x0, y0, x1, y1.
    pub search: [usize; 4],
    luma: &'a [u8],
    /// The image's own width and height.
    image_width: usize,
    image_height: usize,
    /// 1 where each image pixel is seen as 2 × 2 pixels, else 0.
    scale: usize,
    /// The threshold blocks' side in image pixels, as a shift.
    shift: usize,
    /// 255 to read the negative image, else 0.
    flip: u8,
    blocks_wide: usize,
    /// A pixel is dark when `pixel ^ flip` is at or below its block's value
    /// (blocks of the image's own pixels).
    threshold: std::rc::Rc<[u8]>,
}

impl<'a> BitImage<'a> {
    /// Binarises `luma`, whose block statistics are `stats`; `invert` reads
    /// the image as its negative (for light-on-dark codes).
    pub fn new(luma: &'a [u8], stats: &BlockStats, invert: bool) -> BitImage<'a> {
        BitImage::within(luma, stats, invert, [0, 0, stats.width, stats.height])
    }

    /// The same with thresholds only for the blocks that cover the pixel
    /// box `[x0, y0, x1, y1]` (as a whole image would have them), for a
    /// view of that part only; outside it every pixel but pure black is
    /// light.
    pub fn within(
        luma: &'a [u8],
        stats: &BlockStats,
        invert: bool,
        [x0, y0, x1, y1]: [usize; 4],
    ) -> BitImage<'a> {
        let (bw, bh) = (stats.blocks_wide, stats.blocks_high);
        let full = 1u32 << (2 * stats.shift);
        // Over 5 × 5 blocks, moved inwards at the borders.
        let window = |i: usize, count: usize| {
            let c = i.clamp(2, count.saturating_sub(3).max(2));
            (c.saturating_sub(2), (c + 3).min(count))
        };
        // The blocks thresholds are wanted for, and those their windows
        // take in.
        let block = 1 << stats.shift;
        let (tx0, ty0) = (
            (x0 >> stats.shift).min(bw - 1),
            (y0 >> stats.shift).min(bh - 1),
        );
        let (tx1, ty1) = (
            x1.div_ceil(block).clamp(tx0 + 1, bw),
            y1.div_ceil(block).clamp(ty0 + 1, bh),
        );
        let (cx0, cx1) = (window(tx0, bw).0, window(tx1 - 1, bw).1);
        let (cy0, cy1) = (window(ty0, bh).0, window(ty1 - 1, bh).1);
        // Each block's level, darkest and lightest pixel, in the colours
        // read (the negative image's from the same statistics).
        let mut black = vec![0u32; bw * bh];
        let mut darkest = vec![0u8; bw * bh];
        let mut lightest = vec![0u8; bw * bh];
        for by in cy0..cy1 {
            for bx in cx0..cx1 {
                let i = by * bw + bx;
                let (sum, min, max) = stats.sum_min_max[i];
                let count = stats.count(bx, by);
                let (sum, min, max) = if invert {
                    (255 * count - sum, 255 - max, 255 - min)
                } else {
                    (sum, min, max)
                };
                darkest[i] = min;
                lightest[i] = max;
                let (min, max) = (u32::from(min), u32::from(max));
                // Whole blocks (all but the last row and column) divide by
                // a power of two.
                let mut level = if count == full {
                    sum >> (2 * stats.shift)
                } else {
                    sum / count
                };
                if max - min <= MIN_CONTRAST {
                    // Flat: assume light paper unless the neighbours say the
                    // flat area is darker than they are.
                    level = min / 2;
                    if bx > 0 && by > 0 {
                        let n = (black[i - bw] + 2 * black[i - 1] + black[i - bw - 1]) / 4;
                        if min < n {
                            level = n;
                        }
                    }
                }
                black[i] = level;
            }
        }
        // The levels' sum, the darkest and the lightest pixel over each
        // window: along each row of blocks first, then down the columns a
        // row at a time.
        let mut sums = vec![0u32; bw * bh];
        let mut lows = vec![0u8; bw * bh];
        let mut highs = vec![0u8; bw * bh];
        let mut prefix = vec![0u32; bw + 1];
        for by in cy0..cy1 {
            let row = by * bw..(by + 1) * bw;
            for (bx, &b) in black[row.clone()].iter().enumerate().take(cx1).skip(cx0) {
                prefix[bx + 1] = prefix[bx] + b;
            }
            let (dark_row, light_row) = (&darkest[row.clone()], &lightest[row.clone()]);
            for bx in tx0..tx1 {
                let (x0, x1) = window(bx, bw);
                sums[by * bw + bx] = prefix[x1] - prefix[x0];
                lows[by * bw + bx] = dark_row[x0..x1].iter().copied().min().unwrap_or(255);
                highs[by * bw + bx] = light_row[x0..x1].iter().copied().max().unwrap_or(0);
            }
        }
        let mut threshold = vec![0u8; bw * bh];
        let span = tx0..tx1;
        let (mut sum, mut lo, mut hi) = (vec![0u32; bw], vec![0u8; bw], vec![0u8; bw]);
        for by in ty0..ty1 {
            let (y0, y1) = window(by, bh);
            sum.fill(0);
            lo.fill(255);
            hi.fill(0);
            for yy in y0..y1 {
                let row = yy * bw + span.start..yy * bw + span.end;
                for (s, &v) in sum[span.clone()].iter_mut().zip(&sums[row.clone()]) {
                    *s += v;
                }
                for (l, &v) in lo[span.clone()].iter_mut().zip(&lows[row.clone()]) {
                    *l = (*l).min(v);
                }
                for (h, &v) in hi[span.clone()].iter_mut().zip(&highs[row]) {
                    *h = (*h).max(v);
                }
            }
            let out = &mut threshold[by * bw..(by + 1) * bw];
            for (bx, t) in out.iter_mut().enumerate().take(tx1).skip(tx0) {
                let (x0, x1) = window(bx, bw);
                // An average of levels of at most 255; the window is 5 × 5
                // blocks unless the image is narrower (a constant divisor
                // is a multiplication).
                let blocks = ((y1 - y0) * (x1 - x0)) as u32;
                let mean = if blocks == 25 {
                    sum[bx] / 25
                } else {
                    sum[bx] / blocks
                };
                let (lo, hi) = (u32::from(lo[bx]), u32::from(hi[bx]));
                // Halfway between the darkest and lightest pixel near by,
                // where they differ enough to be ink and paper: the mean
                // leans towards whichever covers more of the window, which
                // on a blurred or faint code swallows one-module rings.
                *t = if !invert && hi - lo >= MIN_RANGE && hi - lo < MAX_RANGE {
                    (lo + hi) / 2
                } else {
                    mean
                } as u8;
            }
        }
        BitImage {
            width: stats.width,
            height: stats.height,
            search: [0, 0, stats.width, stats.height],
            luma,
            image_width: stats.width,
            image_height: stats.height,
            scale: 0,
            shift: stats.shift,
            flip: if invert { 255 } else { 0 },
            blocks_wide: bw,
            threshold: threshold.into(),
        }
    }

    /// The same image at twice its width and height, each new pixel mixed
    /// from its four nearest (bilinear, the edge pixel repeated at the
    /// borders) and held against its image pixel's threshold: runs of one
    /// to three pixels become measurable. Pixels are mixed when looked at,
    /// never stored. Meant for thresholds from blocks of four image pixels
    /// (`SHIFT - 1`): eight of the view's, as a pass over an enlarged copy
    /// would have. `search` limits the finder search to a box of the
    /// image's own pixels (x0, y0, x1, y1).
    pub fn doubled(&self, search: Option<[usize; 4]>) -> BitImage<'a> {
        let [x0, y0, x1, y1] = search.unwrap_or([0, 0, self.image_width, self.image_height]);
        BitImage {
            width: 2 * self.image_width,
            height: 2 * self.image_height,
            // Columns from a block's start, so the row scan's groups of
            // eight pixels never straddle two thresholds.
            search: [2 * (x0 >> self.shift << self.shift), 2 * y0, 2 * x1, 2 * y1],
            luma: self.luma,
            image_width: self.image_width,
            image_height: self.image_height,
            scale: 1,
            shift: self.shift,
            flip: self.flip,
            blocks_wide: self.blocks_wide,
            threshold: self.threshold.clone(),
        }
    }

    /// The value of the pixel at (x, y), inside the view.
    #[inline(always)]
    fn pixel(&self, x: usize, y: usize) -> u8 {
        if self.scale == 0 {
            return self.luma[y * self.image_width + x];
        }
        // Pixel 2i's centre lies a quarter of an image pixel before the
        // centre of image pixel i, pixel 2i + 1's a quarter after: weights
        // 3/4 and 1/4 along each axis.
        let (i, near_i) = (y >> 1, neighbour(y, self.image_height));
        let (j, near_j) = (x >> 1, neighbour(x, self.image_width));
        let at = |r: usize, c: usize| u16::from(self.luma[r * self.image_width + c]);
        let row = |r: usize| 3 * at(r, j) + at(r, near_j);
        ((3 * row(i) + row(near_i) + 8) / 16) as u8
    }

    /// Pixels `x0..x1` of row `y` of a doubled view, into `buffers.pixels`:
    /// what [`BitImage::pixel`] gives, a row at a time. The two image rows
    /// are mixed first (into `buffers.mixed`), then each mixed column gives
    /// the two view pixels over it, with its left and its right neighbour:
    /// a loop with no branch.
    fn doubled_row(&self, y: usize, x0: usize, x1: usize, buffers: &mut RowBuffers) {
        let w = self.image_width;
        let here = &self.luma[(y >> 1) * w..][..w];
        let near = &self.luma[neighbour(y, self.image_height) * w..][..w];
        // Image columns j0..j1 hold the view's x0..x1, with the column
        // before and after them (the edge one repeated at the borders).
        let (j0, j1) = (x0 >> 1, x1.div_ceil(2));
        let mix = |a: u8, b: u8| 3 * u16::from(a) + u16::from(b);
        let column = |j: usize| mix(here[j], near[j]);
        let mixed = &mut buffers.mixed;
        mixed.clear();
        mixed.push(column(j0.saturating_sub(1)));
        mixed.extend(
            here[j0..j1]
                .iter()
                .zip(&near[j0..j1])
                .map(|(&a, &b)| mix(a, b)),
        );
        mixed.push(column(j1.min(w - 1)));
        let pixels = &mut buffers.pixels;
        pixels.resize(2 * (j1 - j0), 0);
        for (pair, m) in pixels.chunks_exact_mut(2).zip(mixed.windows(3)) {
            let centre = 3 * m[1] + 8;
            pair[0] = ((centre + m[0]) >> 4) as u8;
            pair[1] = ((centre + m[2]) >> 4) as u8;
        }
        // An odd x0 or x1 starts or ends halfway through a column.
        pixels.truncate(x1.saturating_sub(x0 & !1));
        if x0 & 1 == 1 {
            pixels.remove(0);
        }
    }

    /// The threshold of the pixel at (x, y), inside the view.
    #[inline]
    fn threshold_at(&self, x: usize, y: usize) -> u8 {
        self.threshold[((y >> self.scale) >> self.shift) * self.blocks_wide
            + ((x >> self.scale) >> self.shift)]
    }

    /// Whether this is the negative image (light-on-dark codes).
    pub fn inverted(&self) -> bool {
        self.flip != 0
    }

    /// How far the pixel at (x, y) is below its threshold (positive: dark);
    /// outside the image, a light pixel.
    pub fn darkness(&self, x: i32, y: i32) -> i32 {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return -64;
        }
        let (x, y) = (x as usize, y as usize);
        i32::from(self.threshold_at(x, y)) - i32::from(self.pixel(x, y) ^ self.flip)
    }

    /// Whether the pixel at (x, y) is dark; outside the image is light.
    #[inline]
    pub fn get(&self, x: i32, y: i32) -> bool {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        self.pixel(x, y) ^ self.flip <= self.threshold_at(x, y)
    }

    /// Where the colour changes along row `y` within the search box's
    /// columns, into `edges`: the box's first x, each x whose pixel differs
    /// from the one before, then the box's end. Returns whether the row
    /// starts dark there. `buffers` hold a doubled view's row, reused from
    /// row to row.
    pub fn row_edges(&self, y: usize, edges: &mut Vec<u32>, buffers: &mut RowBuffers) -> bool {
        let [x0, _, x1, _] = self.search;
        let luma = if self.scale == 0 {
            &self.luma[y * self.image_width..][x0..x1]
        } else {
            self.doubled_row(y, x0, x1, buffers);
            &buffers.pixels[..]
        };
        // Each group of eight pixels lies within one threshold block: x0
        // is a block's start.
        let t_row = &self.threshold[((y >> self.scale) >> self.shift) * self.blocks_wide..]
            [..self.blocks_wide];
        let threshold = |x: usize| t_row[(x >> self.scale) >> self.shift];
        let first = luma[0] ^ self.flip <= threshold(x0);
        edges.clear();
        edges.push(x0 as u32);
        // 64 pixels at a time: a bit a pixel, set where dark; a change of
        // colour is a bit that differs from the one before it. Rows are
        // mostly long runs, so this visits changes, not pixels.
        let mut prev = u64::from(first);
        for (w, word) in luma.chunks(64).enumerate() {
            let mut dark = 0u64;
            for (b, group) in word.chunks(GROUP).enumerate() {
                let t = threshold(x0 + w * 64 + b * GROUP);
                dark |= u64::from(dark_bits(group, t, self.flip)) << (b * GROUP);
            }
            let len = word.len();
            let mut changes = dark ^ ((dark << 1) | prev);
            if len < 64 {
                changes &= (1u64 << len) - 1;
            }
            while changes != 0 {
                edges.push((x0 + w * 64) as u32 + changes.trailing_zeros());
                changes &= changes - 1;
            }
            prev = (dark >> (len - 1)) & 1;
        }
        edges.push(x1 as u32);
        first
    }
}

#[cfg(test)]
mod tests {
    use super::{BitImage, BlockStats, RowBuffers, dark_bits};

    #[test]
    fn block_statistics_are_each_blocks_sum_darkest_and_lightest() {
        // Widths with and without pixels after the last group of eight,
        // heights with partial blocks, values over the whole range.
        for (width, height) in [(1, 1), (7, 3), (8, 8), (13, 9), (24, 17), (37, 20)] {
            let luma: Vec<u8> = (0..width * height)
                .map(|i| ((i * 151 % 256) ^ (i / 7)) as u8)
                .collect();
            for shift in [2, 3] {
                let stats = BlockStats::new(width, height, &luma, shift);
                for by in 0..stats.blocks_high {
                    for bx in 0..stats.blocks_wide {
                        let pixels: Vec<u8> = (0..width * height)
                            .filter(|i| (i % width) >> shift == bx && (i / width) >> shift == by)
                            .map(|i| luma[i])
                            .collect();
                        let want = (
                            pixels.iter().map(|&p| u32::from(p)).sum::<u32>(),
                            *pixels.iter().min().unwrap(),
                            *pixels.iter().max().unwrap(),
                        );
                        assert_eq!(
                            stats.sum_min_max[by * stats.blocks_wide + bx],
                            want,
                            "{width} × {height}, shift {shift}, block ({bx}, {by})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn coarser_statistics_are_those_of_the_larger_blocks() {
        for (width, height) in [(16, 16), (21, 13), (3, 5)] {
            let luma: Vec<u8> = (0..width * height).map(|i| (i * 59 % 251) as u8).collect();
            let fine = BlockStats::new(width, height, &luma, 2).coarser();
            let coarse = BlockStats::new(width, height, &luma, 3);
            assert_eq!(fine.sum_min_max, coarse.sum_min_max, "{width} × {height}");
            assert_eq!(
                (fine.blocks_wide, fine.blocks_high),
                (coarse.blocks_wide, coarse.blocks_high)
            );
        }
    }

    #[test]
    fn doubling_is_bilinear_at_twice_the_size() {
        let (width, height) = (7, 5);
        let luma: Vec<u8> = (0..width * height).map(|i| (i * 97 % 256) as u8).collect();
        let stats = BlockStats::new(width, height, &luma, 2);
        let big = BitImage::new(&luma, &stats, false).doubled(None);
        assert_eq!((big.width, big.height), (2 * width, 2 * height));
        // Each new pixel's centre mapped back into the image, the edge
        // pixels repeated outside it.
        let at = |x: f64, y: f64| {
            let x = x.clamp(0.0, (width - 1) as f64) as usize;
            let y = y.clamp(0.0, (height - 1) as f64) as usize;
            f64::from(luma[y * width + x])
        };
        for y in 0..2 * height {
            for x in 0..2 * width {
                let (sx, sy) = ((x as f64 + 0.5) / 2.0 - 0.5, (y as f64 + 0.5) / 2.0 - 0.5);
                let (fx, fy) = (sx - sx.floor(), sy - sy.floor());
                let (ax, ay) = (sx.floor(), sy.floor());
                let want = at(ax, ay) * (1.0 - fx) * (1.0 - fy)
                    + at(ax + 1.0, ay) * fx * (1.0 - fy)
                    + at(ax, ay + 1.0) * (1.0 - fx) * fy
                    + at(ax + 1.0, ay + 1.0) * fx * fy;
                let got = f64::from(big.pixel(x, y));
                assert!((got - want).abs() <= 0.5, "({x}, {y}): {got} vs {want}");
            }
        }
    }

    #[test]
    fn eight_pixels_compared_at_once_agree_with_one_at_a_time() {
        // Every threshold and flip against pixels that cover every value,
        // in every position and in short blocks too.
        for flip in [0u8, 255] {
            for t in 0..=255u8 {
                for start in (0..256).step_by(8) {
                    let block: Vec<u8> = (start..start + 8).map(|v| (v * 37 % 256) as u8).collect();
                    for len in [8, 5, 1] {
                        let want = block[..len]
                            .iter()
                            .enumerate()
                            .fold(0u8, |bits, (i, &p)| bits | (u8::from(p ^ flip <= t) << i));
                        assert_eq!(dark_bits(&block[..len], t, flip), want, "t {t} flip {flip}");
                    }
                }
            }
        }
    }

    /// The thresholds by the rules in the module's documentation, one block
    /// at a time over its whole 5 × 5 window: slow, and plain to check.
    fn thresholds_one_by_one(stats: &BlockStats, invert: bool) -> Vec<u8> {
        let (bw, bh) = (stats.blocks_wide, stats.blocks_high);
        let colours = |i: usize, bx: usize, by: usize| {
            let (sum, min, max) = stats.sum_min_max[i];
            let count = stats.count(bx, by);
            if invert {
                (255 * count - sum, 255 - max, 255 - min, count)
            } else {
                (sum, min, max, count)
            }
        };
        let mut black = vec![0u32; bw * bh];
        for i in 0..bw * bh {
            let (bx, by) = (i % bw, i / bw);
            let (sum, min, max, count) = colours(i, bx, by);
            black[i] = if u32::from(max - min) > super::MIN_CONTRAST {
                sum / count
            } else if bx > 0 && by > 0 {
                let n = (black[i - bw] + 2 * black[i - 1] + black[i - bw - 1]) / 4;
                if u32::from(min) < n {
                    n
                } else {
                    u32::from(min) / 2
                }
            } else {
                u32::from(min) / 2
            };
        }
        // Five blocks wide where the image is, moved inwards at its borders.
        let span = |i: usize, n: usize| {
            let first = if n >= 5 { i.clamp(2, n - 3) - 2 } else { 0 };
            first..(first + 5).min(n)
        };
        (0..bw * bh)
            .map(|i| {
                let (bx, by) = (i % bw, i / bw);
                let (mut sum, mut n, mut lo, mut hi) = (0, 0, 255u8, 0u8);
                for y in span(by, bh) {
                    for x in span(bx, bw) {
                        let (_, min, max, _) = colours(y * bw + x, x, y);
                        sum += black[y * bw + x];
                        n += 1;
                        lo = lo.min(min);
                        hi = hi.max(max);
                    }
                }
                let range = u32::from(hi - lo);
                if !invert && (super::MIN_RANGE..super::MAX_RANGE).contains(&range) {
                    ((u32::from(lo) + u32::from(hi)) / 2) as u8
                } else {
                    (sum / n) as u8
                }
            })
            .collect()
    }

    #[test]
    fn thresholds_follow_the_rules_block_by_block() {
        // Images of every kind of size (narrower than the window, partial
        // blocks at the edges), with flat areas, faint and full contrast.
        for (width, height) in [(1, 1), (3, 5), (9, 17), (40, 33), (64, 24)] {
            let luma: Vec<u8> = (0..width * height)
                .map(|i| {
                    let (x, y) = (i % width, i / width);
                    match (x / 7 + y / 5) % 3 {
                        0 => 200 + (i * 7 % 11) as u8,
                        1 => 90 + (i * 13 % 60) as u8,
                        _ => (i * 31 % 256) as u8,
                    }
                })
                .collect();
            for shift in [2, 3] {
                let stats = BlockStats::new(width, height, &luma, shift);
                for invert in [false, true] {
                    let bits = BitImage::new(&luma, &stats, invert);
                    assert_eq!(
                        &bits.threshold[..],
                        &thresholds_one_by_one(&stats, invert)[..],
                        "{width} × {height}, shift {shift}, invert {invert}"
                    );
                }
            }
        }
    }

    #[test]
    fn thresholds_within_a_box_are_the_whole_images() {
        // Texture everywhere, no flat block (whose level leans on the
        // blocks before it, which a box may leave out).
        let (width, height) = (83, 61);
        let luma: Vec<u8> = (0..width * height).map(|i| (i * 149 % 251) as u8).collect();
        for (shift, invert) in [(2, false), (2, true), (3, false)] {
            let stats = BlockStats::new(width, height, &luma, shift);
            let whole = BitImage::new(&luma, &stats, invert);
            for area in [
                [13, 9, 58, 40],
                [0, 0, 20, 7],
                [70, 50, 83, 61],
                [40, 30, 41, 31],
            ] {
                let part = BitImage::within(&luma, &stats, invert, area);
                for y in 0..height {
                    for x in 0..width {
                        let inside = x >= area[0] >> shift << shift
                            && y >= area[1] >> shift << shift
                            && x < area[2].div_ceil(1 << shift) << shift
                            && y < area[3].div_ceil(1 << shift) << shift;
                        let want = if inside { whole.threshold_at(x, y) } else { 0 };
                        assert_eq!(part.threshold_at(x, y), want, "{area:?} ({x}, {y})");
                    }
                }
            }
        }
    }

    #[test]
    fn a_doubled_row_is_its_pixels_one_by_one() {
        // Rows of an odd and an even width, from any column to any other,
        // at the top, inside and at the bottom.
        for (width, height) in [(7, 5), (12, 4), (1, 2)] {
            let luma: Vec<u8> = (0..width * height).map(|i| (i * 89 % 256) as u8).collect();
            let stats = BlockStats::new(width, height, &luma, 2);
            let big = BitImage::new(&luma, &stats, false).doubled(None);
            let mut buffers = RowBuffers::default();
            for y in 0..2 * height {
                for x0 in 0..2 * width {
                    for x1 in x0..=2 * width {
                        big.doubled_row(y, x0, x1, &mut buffers);
                        let want: Vec<u8> = (x0..x1).map(|x| big.pixel(x, y)).collect();
                        assert_eq!(
                            buffers.pixels, want,
                            "{width} × {height}, row {y}, {x0}..{x1}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn row_edges_list_every_change_of_colour() {
        // A row wider than one 64-pixel word, with runs of every length
        // from one pixel, read whole and doubled, in both colours.
        let width = 150;
        let row: Vec<u8> = (0..width)
            .map(|x| if (x * x / 7) % 3 == 0 { 20 } else { 230 })
            .collect();
        let luma: Vec<u8> = row.iter().copied().cycle().take(width * 3).collect();
        for (shift, invert) in [(3, false), (3, true), (2, false), (2, true)] {
            let stats = BlockStats::new(width, 3, &luma, shift);
            let bits = BitImage::new(&luma, &stats, invert);
            for view in [bits.doubled(None), bits] {
                let (mut edges, mut buffers) = (Vec::new(), RowBuffers::default());
                let first = view.row_edges(1, &mut edges, &mut buffers);
                let mut want = vec![0u32];
                for x in 1..view.width {
                    if view.get(x as i32, 1) != view.get(x as i32 - 1, 1) {
                        want.push(x as u32);
                    }
                }
                want.push(view.width as u32);
                assert_eq!(first, view.get(0, 1));
                assert_eq!(edges, want, "invert {invert}, width {}", view.width);
            }
        }
    }
}
