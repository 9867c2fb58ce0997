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

/// Pixels compared at once in the row scan: the bytes of one integer (at
/// twice the scale, the eight view pixels over four image columns).
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

/// One bit a pixel for the eight view pixels over four image columns of a
/// doubled row (the first pixel lowest), as [`dark_bits`] gives for the
/// pixels [`BitImage::value`] mixes. `columns` holds the four columns, each
/// mixed from its two image rows, in its 16-bit lanes (the first lowest);
/// the top lane of `before` the column before them and the lowest lane of
/// `after` the one after. View pixel 2i is (3 m[i] + m[i - 1] + 8) / 16 and
/// 2i + 1 is (3 m[i] + m[i + 1] + 8) / 16, so it is dark (at or below `t`)
/// exactly where 3 m[i] + m[i ± 1] is at most 16 t + 7; in the negative
/// image (`flip` 255) where it is at least 16 (255 - t) - 8. The four sums
/// of each parity are compared at once.
fn doubled_dark_bits(before: u64, columns: u64, after: u64, t: u8, flip: u8) -> u8 {
    const HIGH: u64 = 0x8000_8000_8000_8000;
    const ONES: u64 = 0x0001_0001_0001_0001;
    // Each column's neighbours in its lanes; at most 4 × 1020 a lane: no
    // lane carries into the next.
    let left = (columns << 16) | (before >> 48);
    let right = (columns >> 16) | (after << 48);
    let (even, odd) = (3 * columns + left, 3 * columns + right);
    // The top bit of each lane: set where the lane is dark.
    let dark = |sums: u64| {
        if flip == 0 {
            (((u64::from(t) * 16 + 7) * ONES) | HIGH) - sums
        } else {
            let least = (16 * (255 - u64::from(t))).saturating_sub(8);
            (sums | HIGH) - least * ONES
        }
    };
    // Lane i's top bit (bit 16 i + 15) to bit 2 i of the top byte: the
    // multiplier's other products land on bits no two share, outside it.
    let gather =
        |high: u64| ((((high & HIGH) >> 15).wrapping_mul(0x0001_0004_0010_0040)) >> 48) as u8;
    gather(dark(even)) & 0x55 | (gather(dark(odd)) << 1) & 0xaa
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

/// Where one coordinate of a view pixel falls in the image: the image
/// pixel it lies in, the one mixed with it at a quarter's weight when the
/// view is doubled (else the same), and their threshold block.
#[derive(Clone, Copy)]
struct Axis {
    at: usize,
    near: usize,
    block: usize,
}

/// Room for one row of a doubled view while the finder search scans it.
#[derive(Default)]
pub struct RowBuffers {
    /// The image columns under it, each mixed from the two image rows it
    /// lies between, four to a word: see [`BitImage::mixed_columns`].
    mixed: Vec<u64>,
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
        // window: along each row of blocks first, then down the columns.
        // Windows are five blocks long unless the image is narrower: the
        // usual case is written out for five.
        let mut sums = vec![0u32; bw * bh];
        let mut lows = vec![0u8; bw * bh];
        let mut highs = vec![0u8; bw * bh];
        for by in cy0..cy1 {
            let row = by * bw..(by + 1) * bw;
            let (level, dark, light) = (&black[row.clone()], &darkest[row.clone()], &lightest[row]);
            for bx in tx0..tx1 {
                let (x0, x1) = window(bx, bw);
                let i = by * bw + bx;
                if let (Some(l), Some(d), Some(h)) = (
                    level[x0..].first_chunk::<5>(),
                    dark[x0..].first_chunk::<5>(),
                    light[x0..].first_chunk::<5>(),
                ) {
                    sums[i] = l[0] + l[1] + l[2] + l[3] + l[4];
                    lows[i] = d[0].min(d[1]).min(d[2]).min(d[3]).min(d[4]);
                    highs[i] = h[0].max(h[1]).max(h[2]).max(h[3]).max(h[4]);
                } else {
                    sums[i] = level[x0..x1].iter().sum();
                    lows[i] = dark[x0..x1].iter().copied().min().unwrap_or(255);
                    highs[i] = light[x0..x1].iter().copied().max().unwrap_or(0);
                }
            }
        }
        // Halfway between the darkest and lightest pixel near by, where
        // they differ enough to be ink and paper: the mean leans towards
        // whichever covers more of the window, which on a blurred or faint
        // code swallows one-module rings.
        let rule = |sum: u32, blocks: u32, lo: u8, hi: u8| {
            let (lo, hi) = (u32::from(lo), u32::from(hi));
            if !invert && hi - lo >= MIN_RANGE && hi - lo < MAX_RANGE {
                ((lo + hi) / 2) as u8
            } else {
                // An average of levels of at most 255.
                (sum / blocks) as u8
            }
        };
        let mut threshold = vec![0u8; bw * bh];
        for by in ty0..ty1 {
            let (y0, y1) = window(by, bh);
            let out = &mut threshold[by * bw + tx0..by * bw + tx1];
            if y1 - y0 == 5 && bw >= 5 {
                // Five rows of 25 blocks' windows, a column at a time.
                let at: [usize; 5] = std::array::from_fn(|k| (y0 + k) * bw);
                for (t, bx) in out.iter_mut().zip(tx0..tx1) {
                    let sum = at.iter().map(|&r| sums[r + bx]).sum();
                    let lo = at.iter().map(|&r| lows[r + bx]).min().unwrap_or(255);
                    let hi = at.iter().map(|&r| highs[r + bx]).max().unwrap_or(0);
                    *t = rule(sum, 25, lo, hi);
                }
            } else {
                for (t, bx) in out.iter_mut().zip(tx0..tx1) {
                    let (x0, x1) = window(bx, bw);
                    let column = (y0..y1).map(|y| y * bw + bx);
                    let sum = column.clone().map(|i| sums[i]).sum();
                    let lo = column.clone().map(|i| lows[i]).min().unwrap_or(255);
                    let hi = column.map(|i| highs[i]).max().unwrap_or(0);
                    *t = rule(sum, ((y1 - y0) * (x1 - x0)) as u32, lo, hi);
                }
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

    /// Where view column `v` (or row, if `vertical`) falls in the image
    /// (see [`Axis`]); `None` outside the view.
    #[inline(always)]
    fn axis(&self, v: i32, vertical: bool) -> Option<Axis> {
        let (view, image) = if vertical {
            (self.height, self.image_height)
        } else {
            (self.width, self.image_width)
        };
        let v = usize::try_from(v).ok().filter(|&v| v < view)?;
        let at = v >> self.scale;
        // Pixel 2i's centre lies a quarter of an image pixel before the
        // centre of image pixel i, pixel 2i + 1's a quarter after: weights
        // 3/4 and 1/4.
        let near = if self.scale == 0 {
            at
        } else {
            neighbour(v, image)
        };
        Some(Axis {
            at,
            near,
            block: at >> self.shift,
        })
    }

    /// The value of the pixel at `column` and `row`.
    #[inline(always)]
    fn value(&self, column: Axis, row: Axis) -> u8 {
        let w = self.image_width;
        if self.scale == 0 {
            return self.luma[row.at * w + column.at];
        }
        let at = |r: usize, c: usize| u16::from(self.luma[r * w + c]);
        let mix = |r: usize| 3 * at(r, column.at) + at(r, column.near);
        ((3 * mix(row.at) + mix(row.near) + 8) / 16) as u8
    }

    /// How far the pixel at `column` and `row` is below its threshold
    /// (dark at zero and above).
    #[inline(always)]
    fn below(&self, column: Axis, row: Axis) -> i32 {
        let t = self.threshold[row.block * self.blocks_wide + column.block];
        i32::from(t) - i32::from(self.value(column, row) ^ self.flip)
    }

    /// Whether the pixel at `column` and `row` is dark.
    #[inline(always)]
    fn dark(&self, column: Axis, row: Axis) -> bool {
        self.below(column, row) >= 0
    }

    /// The image columns under view pixels `x0..x1` (both even) of row
    /// `y` of a doubled view, each mixed from the two image rows the view
    /// row lies between (as [`BitImage::value`] mixes them), into
    /// `buffers.mixed` four to a word, in 16-bit lanes: first a word whose
    /// top lane is the column before them, then theirs, the one after
    /// them following the last (the edge ones repeated at the borders),
    /// and a word more if that fills no word of its own. Group `g` of
    /// [`doubled_dark_bits`] is words `g..g + 3`.
    fn mixed_columns(&self, y: usize, x0: usize, x1: usize, buffers: &mut RowBuffers) {
        let w = self.image_width;
        let here = &self.luma[(y >> 1) * w..][..w];
        let near = &self.luma[neighbour(y, self.image_height) * w..][..w];
        let (j0, j1) = (x0 >> 1, x1 >> 1);
        let column = |j: usize| {
            let j = j.min(w - 1);
            3 * u64::from(here[j]) + u64::from(near[j])
        };
        // Four bytes to the low bytes of four 16-bit lanes.
        let lanes = |four: &[u8; 4]| {
            let x = u64::from(u32::from_le_bytes(*four));
            let x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
            (x | (x << 8)) & 0x00ff_00ff_00ff_00ff
        };
        let words = &mut buffers.mixed;
        words.clear();
        words.push(column(j0.saturating_sub(1)) << 48);
        let (h, n) = (here[j0..j1].chunks_exact(4), near[j0..j1].chunks_exact(4));
        let rest = h.remainder().len();
        words.extend(
            h.zip(n)
                .map(|(h, n)| match (h.first_chunk(), n.first_chunk()) {
                    (Some(h), Some(n)) => 3 * lanes(h) + lanes(n),
                    _ => 0,
                }),
        );
        let tail = (0..rest).fold(column(j1) << (16 * rest), |tail, i| {
            tail | column(j1 - rest + i) << (16 * i)
        });
        words.push(tail);
        if rest > 0 {
            words.push(0);
        }
    }

    /// Whether this is the negative image (light-on-dark codes).
    pub fn inverted(&self) -> bool {
        self.flip != 0
    }

    /// How far the pixel at (x, y) is below its threshold (positive: dark);
    /// outside the image, a light pixel.
    pub fn darkness(&self, x: i32, y: i32) -> i32 {
        let (Some(column), Some(row)) = (self.axis(x, false), self.axis(y, true)) else {
            return -64;
        };
        self.below(column, row)
    }

    /// Whether the pixel at (x, y) is dark; outside the image is light.
    #[inline]
    pub fn get(&self, x: i32, y: i32) -> bool {
        self.at(x, y).unwrap_or(false)
    }

    /// Whether the pixel at (x, y) is dark; `None` outside the view.
    pub fn at(&self, x: i32, y: i32) -> Option<bool> {
        Some(self.dark(self.axis(x, false)?, self.axis(y, true)?))
    }

    /// Whether each pixel of column `x` is dark, by its row: `None` outside
    /// the view. What is the same down the column is worked out once.
    pub fn column(&self, x: i32) -> impl Fn(i32) -> Option<bool> + '_ {
        let column = self.axis(x, false);
        move |y| Some(self.dark(column?, self.axis(y, true)?))
    }

    /// Whether each pixel of row `y` is dark, by its column: `None` outside
    /// the view. What is the same along the row is worked out once.
    pub fn row(&self, y: i32) -> impl Fn(i32) -> Option<bool> + '_ {
        let row = self.axis(y, true);
        move |x| Some(self.dark(self.axis(x, false)?, row?))
    }

    /// Where the colour changes along row `y` within the search box's
    /// columns, into `edges`: the box's first x, each x whose pixel differs
    /// from the one before, then the box's end. Returns whether the row
    /// starts dark there. `buffers` hold a doubled view's columns, reused from
    /// row to row.
    pub fn row_edges(&self, y: usize, edges: &mut Vec<u32>, buffers: &mut RowBuffers) -> bool {
        let [x0, _, x1, _] = self.search;
        let t_row = &self.threshold[((y >> self.scale) >> self.shift) * self.blocks_wide..]
            [..self.blocks_wide];
        // Each group of eight pixels lies within one threshold block: x0
        // is a block's start.
        let threshold = |g: usize| t_row[((x0 + g * GROUP) >> self.scale) >> self.shift];
        if self.scale == 0 {
            let row = &self.luma[y * self.image_width..][x0..x1];
            push_edges(x0, row.len(), edges, |g| {
                let group = &row[g * GROUP..((g + 1) * GROUP).min(row.len())];
                dark_bits(group, threshold(g), self.flip)
            })
        } else {
            // Four image columns a group.
            self.mixed_columns(y, x0, x1, buffers);
            let words = &buffers.mixed;
            push_edges(x0, x1 - x0, edges, |g| match words[g..].first_chunk() {
                Some(&[before, columns, after]) => {
                    doubled_dark_bits(before, columns, after, threshold(g), self.flip)
                }
                None => 0,
            })
        }
    }
}

/// What [`BitImage::row_edges`] lists for the `len` pixels from `x0` whose
/// groups of [`GROUP`] pixels are dark where `bits` of the group's index
/// says: 64 pixels at a time, a bit a pixel; a change of colour is a bit
/// that differs from the one before it. Rows are mostly long runs, so this
/// visits changes, not pixels. Returns whether the first pixel is dark.
fn push_edges(x0: usize, len: usize, edges: &mut Vec<u32>, bits: impl Fn(usize) -> u8) -> bool {
    const WORD: usize = 64;
    let groups = len.div_ceil(GROUP);
    edges.clear();
    edges.push(x0 as u32);
    let (mut first, mut prev) = (false, 0u64);
    for w in 0..len.div_ceil(WORD) {
        let g0 = w * WORD / GROUP;
        let dark = (g0..(g0 + WORD / GROUP).min(groups)).fold(0u64, |dark, g| {
            dark | u64::from(bits(g)) << ((g - g0) * GROUP)
        });
        if w == 0 {
            first = dark & 1 == 1;
            prev = dark & 1;
        }
        let n = (len - w * WORD).min(WORD);
        let mut changes = dark ^ ((dark << 1) | prev);
        if n < WORD {
            changes &= (1u64 << n) - 1;
        }
        while changes != 0 {
            edges.push((x0 + w * WORD) as u32 + changes.trailing_zeros());
            changes &= changes - 1;
        }
        prev = (dark >> (n - 1)) & 1;
    }
    edges.push((x0 + len) as u32);
    first
}

#[cfg(test)]
mod tests {
    use super::{BitImage, BlockStats, RowBuffers, dark_bits, doubled_dark_bits};

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
                let (column, row) = (big.axis(x as i32, false), big.axis(y as i32, true));
                let got = f64::from(big.value(column.unwrap(), row.unwrap()));
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
                        let block = (y >> shift) * whole.blocks_wide + (x >> shift);
                        let want = if inside { whole.threshold[block] } else { 0 };
                        assert_eq!(part.threshold[block], want, "{area:?} ({x}, {y})");
                    }
                }
            }
        }
    }

    #[test]
    fn doubled_pixels_compared_at_once_agree_with_one_at_a_time() {
        // Every threshold and flip, against mixed columns at random and
        // against sums on either side of each threshold's boundary.
        let mut seed = 7u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 8) % 1021) as u16
        };
        for flip in [0u8, 255] {
            for t in 0..=255u8 {
                let mut cases: Vec<[u16; 6]> = (0..64).map(|_| [0; 6].map(|_| next())).collect();
                let bound = if flip == 0 {
                    16 * i32::from(t) + 7
                } else {
                    16 * (255 - i32::from(t)) - 8
                };
                for sum in bound - 2..=bound + 2 {
                    let centre = (sum / 3).clamp(0, 1020);
                    let side = sum - 3 * centre;
                    if (0..=1020).contains(&side) {
                        let (c, n) = (centre as u16, side as u16);
                        cases.push([n, c, n, c, n, c]);
                        cases.push([c, c, n, c, c, n]);
                    }
                }
                for m in &cases {
                    let want = (0..4).fold(0u8, |bits, i| {
                        let pixel = |side: u16| ((3 * m[i + 1] + side + 8) >> 4) as u8;
                        let dark = |p: u8| u8::from(p ^ flip <= t);
                        bits | dark(pixel(m[i])) << (2 * i) | dark(pixel(m[i + 2])) << (2 * i + 1)
                    });
                    // The column before in the top lane of one word, the four
                    // in the next, the one after in the lowest lane of a
                    // third; other columns in the other lanes.
                    let lanes =
                        |m: &[u16]| m.iter().rev().fold(0, |all, &v| (all << 16) | u64::from(v));
                    let columns = lanes(&m[1..5]);
                    let before = lanes(&[next(), next(), next(), m[0]]);
                    let after = lanes(&[m[5], next(), next(), next()]);
                    let got = doubled_dark_bits(before, columns, after, t, flip);
                    assert_eq!(got, want, "t {t} flip {flip} {m:?}");
                }
            }
        }
    }

    #[test]
    fn columns_and_rows_are_the_pixels_one_by_one() {
        let (width, height) = (21, 13);
        let luma: Vec<u8> = (0..width * height).map(|i| (i * 113 % 256) as u8).collect();
        let stats = BlockStats::new(width, height, &luma, 2);
        for invert in [false, true] {
            let bits = BitImage::new(&luma, &stats, invert);
            for view in [bits.doubled(None), bits] {
                let (w, h) = (view.width as i32, view.height as i32);
                let inside = |x: i32, y: i32| x >= 0 && y >= 0 && x < w && y < h;
                for x in -2..w + 2 {
                    for y in -2..h + 2 {
                        let want = inside(x, y).then(|| view.get(x, y));
                        assert_eq!(view.at(x, y), want, "({x}, {y})");
                        assert_eq!(view.darkness(x, y) >= 0, want == Some(true), "({x}, {y})");
                        assert_eq!(view.column(x)(y), want, "column {x}, row {y}");
                        assert_eq!(view.row(y)(x), want, "row {y}, column {x}");
                    }
                }
            }
        }
    }

    #[test]
    fn row_edges_list_every_change_of_colour() {
        // Rows wider than one 64-pixel word and not a whole number of
        // words, with runs of every length from one pixel and noise on
        // them (so pixels fall on every side of their thresholds), read
        // whole and doubled (as the reader does: blocks of eight pixels,
        // and of four at twice the scale), in both colours, over the whole
        // row and from inside it.
        let mut seed = 11u32;
        let mut noise = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 24) as u8 % 90
        };
        for (width, height) in [(150, 6), (67, 5), (200, 4)] {
            let luma: Vec<u8> = (0..width * height)
                .map(|i| {
                    let x = i % width + i / width;
                    let base = if (x * x / 7) % 3 == 0 { 10 } else { 150 };
                    base + noise()
                })
                .collect();
            for invert in [false, true] {
                let (fine, coarse) = (
                    BlockStats::new(width, height, &luma, 2),
                    BlockStats::new(width, height, &luma, 3),
                );
                let views = [
                    BitImage::new(&luma, &coarse, invert),
                    BitImage::new(&luma, &fine, invert).doubled(None),
                    BitImage::new(&luma, &fine, invert).doubled(Some([13, 1, width - 9, 3])),
                ];
                for view in views {
                    let [x0, y0, x1, y1] = view.search;
                    for y in y0..y1 {
                        let (mut edges, mut buffers) = (Vec::new(), RowBuffers::default());
                        let first = view.row_edges(y, &mut edges, &mut buffers);
                        let dark = |x: usize| view.get(x as i32, y as i32);
                        let mut want = vec![x0 as u32];
                        want.extend(
                            (x0 + 1..x1)
                                .filter(|&x| dark(x) != dark(x - 1))
                                .map(|x| x as u32),
                        );
                        want.push(x1 as u32);
                        assert_eq!(first, dark(x0));
                        assert_eq!(
                            edges, want,
                            "invert {invert}, {x0}..{x1} of {}, row {y}",
                            view.width
                        );
                    }
                }
            }
        }
    }
}
