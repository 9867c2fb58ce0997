//! Shift JIS text (byte-mode codes from Japanese phones, and Kanji mode) to
//! Unicode: ASCII, half-width katakana, and the JIS X 0208 characters of rows
//! 1–84 (symbols, kana, level 1 and 2 kanji).
//!
//! `jis0208.bin` lists row by row, 94 cells a row, each cell's code point as
//! the zigzag varint of its difference from the previous mapped cell; 0 marks
//! an empty cell. It was written from Python's `shift_jis` codec:
//! for each row r in 1..=84 and cell c in 1..=94, the Shift JIS bytes
//! `((r + 1) / 2 + (0x80 if r <= 62 else 0xC0), c + (0x3F if c <= 63 else 0x40) if r odd else c + 0x9E)`.
//! Native builds only: the browser reader leaves it out to stay small
//! (credentials are ASCII), and reads such bytes as ISO-8859-1.

const CELLS: usize = 84 * 94;

fn table() -> Vec<u16> {
    let bytes = include_bytes!("jis0208.bin");
    let mut out = Vec::with_capacity(CELLS);
    let (mut prev, mut z, mut shift) = (0i32, 0u32, 0);
    for &b in bytes {
        z |= u32::from(b & 0x7F) << shift;
        shift += 7;
        if b & 0x80 != 0 {
            continue;
        }
        if z == 0 {
            out.push(0);
        } else {
            let d = if z & 1 == 0 {
                (z >> 1) as i32
            } else {
                -(((z + 1) >> 1) as i32)
            };
            prev += d;
            out.push(prev as u16);
        }
        (z, shift) = (0, 0);
    }
    out
}

/// Decodes Shift JIS, or `None` if the bytes are not valid Shift JIS.
pub fn decode(bytes: &[u8]) -> Option<String> {
    let mut cells: Option<Vec<u16>> = None;
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        match b {
            0..=0x7F => out.push(char::from(b)),
            0xA1..=0xDF => out.push(char::from_u32(0xFF61 + u32::from(b - 0xA1))?),
            0x81..=0x9F | 0xE0..=0xEF => {
                let s2 = *bytes.get(i)?;
                i += 1;
                if !(0x40..=0xFC).contains(&s2) || s2 == 0x7F {
                    return None;
                }
                let base = if b <= 0x9F {
                    usize::from(b - 0x81) * 2 + 1
                } else {
                    usize::from(b - 0xE0) * 2 + 63
                };
                let (row, col) = if s2 >= 0x9F {
                    (base + 1, usize::from(s2 - 0x9E))
                } else {
                    (base, usize::from(s2 - if s2 <= 0x7E { 0x3F } else { 0x40 }))
                };
                if row > 84 {
                    return None;
                }
                let t = cells.get_or_insert_with(table);
                let u = *t.get((row - 1) * 94 + col - 1)?;
                if u == 0 {
                    return None;
                }
                out.push(char::from_u32(u32::from(u))?);
            }
            _ => return None,
        }
    }
    Some(out)
}
