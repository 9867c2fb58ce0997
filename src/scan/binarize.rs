//! Local adaptive binarisation.
//!
//! The frame is cut into square blocks; each block gets a "black point" from
//! its own minimum, maximum and mean (a block with little contrast borrows its
//! neighbours' level, so flat paper inside a code is not read as noise). A
//! pixel is dark when it is at or below the mean black point of the 5 × 5
//! blocks around its own, which follows uneven light and glare while keeping
//! module edges sharp.

/// A two-level image, one byte a pixel: 1 dark, 0 light.
pub struct BitImage {
    pub width: usize,
    pub height: usize,
    pub dark: Vec<u8>,
}

impl BitImage {
    /// Whether the pixel at (x, y) is dark; outside the image is light.
    #[inline]
    pub fn get(&self, x: i32, y: i32) -> bool {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return false;
        }
        self.dark[y as usize * self.width + x as usize] != 0
    }
}

/// Below this spread between a block's darkest and lightest pixel the block
/// is taken as flat.
const MIN_CONTRAST: u32 = 24;

/// Binarises `luma` (`width × height`, already checked) with `block`-pixel
/// blocks; `invert` reads the image as its negative (for light-on-dark codes).
pub fn binarize(width: usize, height: usize, luma: &[u8], block: usize, invert: bool) -> BitImage {
    let block = block.max(2);
    let flip = if invert { 255u8 } else { 0 };
    let bw = width.div_ceil(block);
    let bh = height.div_ceil(block);
    let mut black = vec![0u32; bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let (x0, y0) = (bx * block, by * block);
            let (x1, y1) = ((x0 + block).min(width), (y0 + block).min(height));
            let (mut min, mut max, mut sum) = (255u32, 0u32, 0u32);
            for y in y0..y1 {
                for &p in &luma[y * width + x0..y * width + x1] {
                    let p = u32::from(p ^ flip);
                    sum += p;
                    min = min.min(p);
                    max = max.max(p);
                }
            }
            let count = ((x1 - x0) * (y1 - y0)) as u32;
            let mut level = sum / count.max(1);
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
    // Summed over 5 × 5 neighbourhoods (clamped at the borders).
    let mut dark = vec![0u8; width * height];
    for by in 0..bh {
        let cy = by.clamp(2, bh.saturating_sub(3).max(2));
        for bx in 0..bw {
            let cx = bx.clamp(2, bw.saturating_sub(3).max(2));
            let (mut sum, mut n) = (0u32, 0u32);
            for yy in cy.saturating_sub(2)..(cy + 3).min(bh) {
                for xx in cx.saturating_sub(2)..(cx + 3).min(bw) {
                    sum += black[yy * bw + xx];
                    n += 1;
                }
            }
            let threshold = sum / n.max(1);
            let (x0, y0) = (bx * block, by * block);
            let (x1, y1) = ((x0 + block).min(width), (y0 + block).min(height));
            for y in y0..y1 {
                let row = y * width;
                let src = &luma[row + x0..row + x1];
                let dst = &mut dark[row + x0..row + x1];
                for (d, &p) in dst.iter_mut().zip(src) {
                    *d = u8::from(u32::from(p ^ flip) <= threshold);
                }
            }
        }
    }
    BitImage {
        width,
        height,
        dark,
    }
}
