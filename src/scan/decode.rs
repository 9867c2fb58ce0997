//! From a grid of modules to text (ISO/IEC 18004 §7): format and version
//! information, unmasking, codeword order, blocks, Reed–Solomon correction and
//! the data segments (numeric, alphanumeric, byte; ECI and FNC1 skipped).

use qrcode::Version;
use qrcode::canvas::is_functional;

/// Error-correction codewords per block, by level (L, M, Q, H) and version.
const EC_PER_BLOCK: [[u8; 40]; 4] = [
    [
        7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30,
        30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ],
    [
        13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30,
        30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
];

/// Number of blocks, by level (L, M, Q, H) and version.
const BLOCKS: [[u8; 40]; 4] = [
    [
        1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13,
        14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ],
    [
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23,
        25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ],
    [
        1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29,
        34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ],
    [
        1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35,
        37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ],
];

/// Why a grid did not decode.
#[derive(Debug, PartialEq, Eq)]
pub enum GridError {
    /// The version information names another size: sample again at this one.
    Size(usize),
    /// The format information is unreadable (so likely not a code here).
    Format,
    /// Anything else.
    Bad,
}

/// A square grid of modules, `true` dark, row by row.
pub struct Grid {
    pub size: usize,
    pub modules: Vec<bool>,
}

impl Grid {
    fn at(&self, x: usize, y: usize) -> bool {
        self.modules[y * self.size + x]
    }

    /// The mirror image across the main diagonal.
    pub fn transposed(&self) -> Grid {
        let n = self.size;
        let mut modules = vec![false; n * n];
        for y in 0..n {
            for x in 0..n {
                modules[x * n + y] = self.modules[y * n + x];
            }
        }
        Grid { size: n, modules }
    }
}

fn bch(data: u32, data_bits: u32, poly: u32, poly_bits: u32) -> u32 {
    let mut rem = data << (poly_bits - 1);
    for i in (poly_bits - 1..data_bits + poly_bits - 1).rev() {
        if rem & (1 << i) != 0 {
            rem ^= poly << (i - (poly_bits - 1));
        }
    }
    (data << (poly_bits - 1)) | rem
}

/// The 15-bit format word for 5 data bits (level bits ≪ 3 | mask).
fn format_word(data: u32) -> u32 {
    bch(data, 5, 0x537, 11) ^ 0x5412
}

/// The 18-bit version word.
pub fn version_word(version: u32) -> u32 {
    bch(version, 6, 0x1F25, 13)
}

/// The version of a size, or `None` if no version has it.
pub fn version_of(size: usize) -> Option<usize> {
    ((21..=177).contains(&size) && (size - 17) % 4 == 0).then(|| (size - 17) / 4)
}

/// Reads the version information of a grid (version ≥ 7), if one of the two
/// copies is within 3 bits of a valid word.
pub fn read_version(g: &Grid) -> Option<usize> {
    let n = g.size;
    if n < 45 {
        return None;
    }
    let (mut a, mut b) = (0u32, 0u32);
    for i in 0..18 {
        let (p, q) = (n - 11 + i % 3, i / 3);
        a |= u32::from(g.at(p, q)) << i;
        b |= u32::from(g.at(q, p)) << i;
    }
    let mut best = (4u32, 0usize);
    for v in 7..=40u32 {
        let w = version_word(v);
        for word in [a, b] {
            let d = (w ^ word).count_ones();
            if d < best.0 {
                best = (d, v as usize);
            }
        }
    }
    (best.0 <= 3).then_some(best.1)
}

/// (level index into the tables: 0 L, 1 M, 2 Q, 3 H; mask)
fn read_format(g: &Grid) -> Option<(usize, u32)> {
    let n = g.size;
    let (mut a, mut b) = (0u32, 0u32);
    for i in 0..15usize {
        let (x, y) = match i {
            0..=5 => (8, i),
            6 => (8, 7),
            7 => (8, 8),
            8 => (7, 8),
            _ => (14 - i, 8),
        };
        a |= u32::from(g.at(x, y)) << i;
        let (x, y) = if i < 8 {
            (n - 1 - i, 8)
        } else {
            (8, n - 15 + i)
        };
        b |= u32::from(g.at(x, y)) << i;
    }
    let mut best = (4u32, 0u32);
    for data in 0..32u32 {
        let w = format_word(data);
        for word in [a, b] {
            let d = (w ^ word).count_ones();
            if d < best.0 {
                best = (d, data);
            }
        }
    }
    if best.0 > 3 {
        return None;
    }
    // Level bits: 01 L, 00 M, 11 Q, 10 H.
    let level = match best.1 >> 3 {
        1 => 0,
        0 => 1,
        3 => 2,
        _ => 3,
    };
    Some((level, best.1 & 7))
}

fn masked(mask: u32, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (x / 3 + y / 2) % 2 == 0,
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3) % 2 == 0,
        _ => ((x + y) % 2 + (x * y) % 3) % 2 == 0,
    }
}

/// Where a size's data modules are, in placement order: two-column strips
/// from the right, alternately upwards and downwards, skipping the timing
/// column and every function pattern. Worked out the first time a grid of
/// this size has a legible format (most grids sampled from clutter do not)
/// and reused for every grid sampled at it.
pub struct Layout {
    size: usize,
    version: usize,
    /// Each data module's index in the grid (bits 0–15) and, for each of
    /// the eight masks, whether the mask inverts it (bit 16 + mask).
    order: std::cell::OnceCell<Vec<u32>>,
}

impl Layout {
    /// Modules a side.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The layout of a code of `size` modules; `None` if no version has it.
    pub fn new(size: usize) -> Option<Layout> {
        Some(Layout {
            size,
            version: version_of(size)?,
            order: std::cell::OnceCell::new(),
        })
    }

    fn order(&self) -> &[u32] {
        self.order
            .get_or_init(|| placement_order(self.size, self.version))
    }
}

/// The data modules of a code of `n` modules (of `version`), in placement order.
fn placement_order(n: usize, version: usize) -> Vec<u32> {
    let qv = Version::Normal(version as i16);
    let width = n as i16;
    let mut order = Vec::with_capacity(n * n);
    let mut right = n - 1;
    loop {
        if right == 6 {
            right = 5;
        }
        let upward = (right + 1) & 2 == 0;
        for vert in 0..n {
            let y = if upward { n - 1 - vert } else { vert };
            for j in 0..2 {
                let x = right - j;
                let version_area = version >= 7
                    && ((x + 11 >= n && x + 8 < n && y < 6) || (y + 11 >= n && y + 8 < n && x < 6));
                if !version_area && !is_functional(qv, width, x as i16, y as i16) {
                    let masks = (0..8).fold(0, |m, mask| m | u32::from(masked(mask, x, y)) << mask);
                    order.push((y * n + x) as u32 | masks << 16);
                }
            }
        }
        if right < 2 {
            break;
        }
        right -= 2;
    }
    order
}

/// Decodes a grid (of `layout`'s size) to its text.
pub fn decode_grid(g: &Grid, layout: &Layout) -> Result<String, GridError> {
    let n = g.size;
    let version = version_of(n).ok_or(GridError::Bad)?;
    if layout.size != n {
        return Err(GridError::Bad);
    }
    if version >= 7 {
        if let Some(v) = read_version(g) {
            // A claim far from the size the finders measured is a misread
            // (sampling at the wrong size reads noise there), not a size to try.
            if v != version && v.abs_diff(version) <= (version / 5).max(2) {
                return Err(GridError::Size(17 + 4 * v));
            }
        }
    }
    let (level, mask) = read_format(g).ok_or(GridError::Format)?;
    let order = layout.order();
    let mut raw = Vec::with_capacity(order.len() / 8);
    for chunk in order.chunks_exact(8) {
        let mut byte = 0u8;
        for &module in chunk {
            let dark = g.modules[(module & 0xffff) as usize];
            let inverted = (module >> (16 + mask)) & 1 == 1;
            byte = (byte << 1) | u8::from(dark ^ inverted);
        }
        raw.push(byte);
    }
    let blocks = usize::from(BLOCKS[level][version - 1]);
    let ec = usize::from(EC_PER_BLOCK[level][version - 1]);
    let total = raw.len();
    let short = blocks - total % blocks;
    let short_len = total / blocks;
    if short_len <= ec {
        return Err(GridError::Bad);
    }
    // De-interleave: data bytes round-robin (long blocks have one more),
    // then EC bytes round-robin.
    let mut data_blocks: Vec<Vec<u8>> = (0..blocks)
        .map(|b| Vec::with_capacity(short_len + usize::from(b >= short)))
        .collect();
    let mut k = 0;
    for i in 0..=short_len - ec {
        for (b, blk) in data_blocks.iter_mut().enumerate() {
            if i < short_len - ec || b >= short {
                blk.push(raw[k]);
                k += 1;
            }
        }
    }
    for _ in 0..ec {
        for blk in data_blocks.iter_mut() {
            blk.push(raw[k]);
            k += 1;
        }
    }
    let gf = &super::rs::GF;
    let mut data = Vec::with_capacity(total);
    for blk in &mut data_blocks {
        if !gf.correct(blk, ec) {
            return Err(GridError::Bad);
        }
        data.extend_from_slice(&blk[..blk.len() - ec]);
    }
    segments(&data, version).ok_or(GridError::Bad)
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn left(&self) -> usize {
        self.data.len() * 8 - self.pos
    }

    fn read(&mut self, n: usize) -> Option<u32> {
        if n > self.left() {
            return None;
        }
        let mut v = 0u32;
        for _ in 0..n {
            let bit = (self.data[self.pos / 8] >> (7 - self.pos % 8)) & 1;
            v = (v << 1) | u32::from(bit);
            self.pos += 1;
        }
        Some(v)
    }
}

const ALNUM: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The data segments as text.
fn segments(data: &[u8], version: usize) -> Option<String> {
    let class = match version {
        1..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    let mut r = Bits { data, pos: 0 };
    let mut out = Vec::new();
    let mut kanji = false;
    while r.left() >= 4 {
        match r.read(4)? {
            0 => break,
            1 => {
                let mut count = r.read([10, 12, 14][class])?;
                while count >= 3 {
                    let v = r.read(10)?;
                    if v >= 1000 {
                        return None;
                    }
                    out.extend_from_slice(format!("{v:03}").as_bytes());
                    count -= 3;
                }
                if count == 2 {
                    let v = r.read(7)?;
                    if v >= 100 {
                        return None;
                    }
                    out.extend_from_slice(format!("{v:02}").as_bytes());
                } else if count == 1 {
                    let v = r.read(4)?;
                    if v >= 10 {
                        return None;
                    }
                    out.push(b'0' + v as u8);
                }
            }
            2 => {
                let mut count = r.read([9, 11, 13][class])?;
                while count >= 2 {
                    let v = r.read(11)? as usize;
                    if v >= 45 * 45 {
                        return None;
                    }
                    out.push(ALNUM[v / 45]);
                    out.push(ALNUM[v % 45]);
                    count -= 2;
                }
                if count == 1 {
                    out.push(*ALNUM.get(r.read(6)? as usize)?);
                }
            }
            4 => {
                let count = r.read([8, 16, 16][class])?;
                for _ in 0..count {
                    out.push(r.read(8)? as u8);
                }
            }
            8 => {
                // Kanji: 13 bits a character, back to Shift JIS bytes.
                kanji = true;
                let count = r.read([8, 10, 12][class])?;
                for _ in 0..count {
                    let v = r.read(13)?;
                    let mut w = ((v / 0xC0) << 8) | (v % 0xC0);
                    w += if w < 0x1F00 { 0x8140 } else { 0xC140 };
                    out.push((w >> 8) as u8);
                    out.push(w as u8);
                }
            }
            7 => {
                // ECI designator: 1, 2 or 3 bytes; the text is taken as UTF-8 anyway.
                let first = r.read(8)?;
                if first & 0x80 != 0 {
                    let extra = if first & 0x40 == 0 { 8 } else { 16 };
                    r.read(extra)?;
                }
            }
            3 => {
                r.read(16)?; // structured append header
            }
            5 => {}
            9 => {
                r.read(8)?;
            }
            _ => return None,
        }
    }
    Some(text_of(out, kanji))
}

/// Bytes to text: UTF-8 when valid; else Shift JIS when valid (natively; in
/// the browser only ASCII and half-width katakana); else ISO-8859-1.
fn text_of(bytes: Vec<u8>, kanji: bool) -> String {
    if !kanji {
        match String::from_utf8(bytes) {
            Ok(s) => return s,
            Err(e) => return text_of_legacy(e.into_bytes()),
        }
    }
    text_of_legacy(bytes)
}

fn text_of_legacy(bytes: Vec<u8>) -> String {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(text) = super::sjis::decode(&bytes) {
        return text;
    }
    #[cfg(target_arch = "wasm32")]
    if bytes
        .iter()
        .all(|&b| b < 0x80 || (0xA1..=0xDF).contains(&b))
    {
        return bytes
            .iter()
            .map(|&b| {
                if b < 0x80 {
                    char::from(b)
                } else {
                    char::from_u32(0xFF61 + u32::from(b - 0xA1)).unwrap_or('\u{FFFD}')
                }
            })
            .collect();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::{Grid, GridError, Layout, decode_grid, version_word};
    use qrcode::{Color, EcLevel, QrCode, Version};

    /// A version-10 code's grid with both copies of its version information
    /// replaced by `version`'s word.
    fn v10_claiming(text: &str, version: u32) -> Grid {
        let code = QrCode::with_version(text, Version::Normal(10), EcLevel::Q).unwrap();
        let n = code.width();
        let mut g = Grid {
            size: n,
            modules: code.to_colors().iter().map(|&c| c == Color::Dark).collect(),
        };
        let word = version_word(version);
        for i in 0..18 {
            let (p, q) = (n - 11 + i % 3, i / 3);
            let bit = word >> i & 1 == 1;
            g.modules[q * n + p] = bit;
            g.modules[p * n + q] = bit;
        }
        g
    }

    #[test]
    fn version_information_near_the_measured_size_is_followed() {
        let g = v10_claiming("CW1:NEAR", 11);
        let layout = Layout::new(g.size).unwrap();
        assert_eq!(decode_grid(&g, &layout), Err(GridError::Size(61)));
    }

    #[test]
    fn version_information_far_from_the_measured_size_is_a_misread() {
        // Sampling at a wrong size often reads version 23 there; a size of
        // 109 modules is not what finders 57 modules apart measured.
        let g = v10_claiming("CW1:FAR", 23);
        let layout = Layout::new(g.size).unwrap();
        assert_eq!(decode_grid(&g, &layout), Ok("CW1:FAR".to_string()));
    }
}
