//! The QR reader on anything: raw pixels of any shape, and a real code with
//! modules flipped where the input says (which takes it past detection into
//! format information, Reed–Solomon and the segment parser). Either a text or a
//! typed error, never a panic or a hang.
#![no_main]

use std::sync::LazyLock;

use codewallet::QrMatrix;
use codewallet::scan::{ScanError, decode_luma};
use libfuzzer_sys::fuzz_target;

const SCALE: usize = 2;

/// A credential-sized code drawn at two pixels a module with a quiet zone.
static CODE: LazyLock<(usize, usize, Vec<u8>)> = LazyLock::new(|| {
    let qr = QrMatrix::encode("CW1:FUZZ 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ").unwrap();
    let side = (qr.size + 8) * SCALE;
    let mut luma = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / SCALE).wrapping_sub(4), (y / SCALE).wrapping_sub(4));
            if mx < qr.size && my < qr.size && qr.is_dark(mx, my) {
                luma[y * side + x] = 0;
            }
        }
    }
    (qr.size, side, luma)
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        // Raw pixels, width from the next byte.
        let Some((&w, pixels)) = rest.split_first() else {
            return;
        };
        let w = usize::from(w) + 1;
        let h = pixels.len() / w;
        check(w, h, &pixels[..w * h]);
    } else {
        // Flip the modules named by pairs of bytes.
        let (size, side, luma) = &*CODE;
        let mut luma = luma.clone();
        for pair in rest.chunks_exact(2) {
            let (mx, my) = (usize::from(pair[0]) % size, usize::from(pair[1]) % size);
            for dy in 0..SCALE {
                for dx in 0..SCALE {
                    let i = ((my + 4) * SCALE + dy) * side + (mx + 4) * SCALE + dx;
                    luma[i] = 255 - luma[i];
                }
            }
        }
        check(*side, *side, &luma);
    }
});

fn check(w: usize, h: usize, luma: &[u8]) {
    match decode_luma(w, h, luma) {
        Ok(texts) => assert!(!texts.is_empty()),
        Err(e) => assert!(
            matches!(
                e,
                ScanError::NotFound | ScanError::Unreadable | ScanError::BadDimensions
            ),
            "{e:?}"
        ),
    }
}
