//! Reading QR codes from pixels: our own codes back, and bad images refused cleanly.

use codewallet::QrMatrix;
use codewallet::scan::{ScanError, decode_luma, luma_from_rgba};

/// Draws `qr` at `scale` pixels a module, dark 0 on light 255.
fn render(qr: &QrMatrix, scale: usize) -> (usize, Vec<u8>) {
    let side = qr.size * scale;
    let mut luma = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            if qr.is_dark(x / scale, y / scale) {
                luma[y * side + x] = 0;
            }
        }
    }
    (side, luma)
}

#[test]
fn reads_back_a_rendered_credential() {
    let text = "CW1:RRQT 9P60GO0752S7DWOH.V68CK7J8*70ZNAFN0DEDH%P1T0BED4B5WY0BED4B5J-0L60$Y88IHO1Q/E7V50T30W50/B0AEDK.QGJ0.1T7BK7-SFBM%89*$MA$RPJDAP1J98AR5G PE/MFAP.-C$97.VTRM4JJTQ3UPCH88H4B194LB-U5VV/2EEIN% FRDGK-B3.C9EA2VI49U1GQDDT-H0IH6QS3W:G70";
    let qr = QrMatrix::encode(text).unwrap();
    for scale in [2, 3, 5] {
        let (side, luma) = render(&qr, scale);
        assert_eq!(
            decode_luma(side, side, &luma).unwrap(),
            [text],
            "scale {scale}"
        );
    }
    // Through RGBA, as a canvas gives it.
    let (side, luma) = render(&qr, 4);
    let rgba: Vec<u8> = luma.iter().flat_map(|&l| [l, l, l, 255]).collect();
    assert_eq!(
        decode_luma(side, side, &luma_from_rgba(&rgba).unwrap()).unwrap(),
        [text]
    );
}

#[test]
fn bad_images_get_typed_errors() {
    let cases: &[(usize, usize, usize, ScanError)] = &[
        (0, 0, 0, ScanError::BadDimensions),
        (10, 10, 99, ScanError::BadDimensions),
        (
            4097,
            4096,
            0,
            ScanError::TooLarge {
                pixels: 4097 * 4096,
            },
        ),
        (usize::MAX, 2, 0, ScanError::BadDimensions),
        (64, 64, 64 * 64, ScanError::NotFound),
    ];
    for (w, h, len, expected) in cases {
        assert_eq!(
            decode_luma(*w, *h, &vec![200; *len]).unwrap_err(),
            *expected,
            "{w}x{h}"
        );
    }
    assert_eq!(
        luma_from_rgba(&[1, 2, 3]).unwrap_err(),
        ScanError::BadDimensions
    );
}

/// Draws a `qrcode` symbol at `scale` pixels a module with a 4-module quiet zone.
fn render_code(code: &qrcode::QrCode, scale: usize) -> (usize, Vec<u8>) {
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * scale;
    let mut luma = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
            if mx < n && my < n && colors[my * n + mx] == qrcode::Color::Dark {
                luma[y * side + x] = 0;
            }
        }
    }
    (side, luma)
}

#[test]
fn reads_every_version_and_level() {
    use qrcode::{EcLevel, QrCode, Version};
    for v in 1..=40i16 {
        for (li, level) in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H]
            .into_iter()
            .enumerate()
        {
            // Mixed segments: digits, capitals, bytes.
            let text = format!("{v}-{li} HELLO 0123456789 héllo wörld");
            let Ok(code) = QrCode::with_version(text.as_bytes(), Version::Normal(v), level) else {
                continue;
            };
            let (side, luma) = render_code(&code, 3);
            assert_eq!(
                decode_luma(side, side, &luma),
                Ok(vec![text.clone()]),
                "version {v} level {level:?}"
            );
        }
    }
}
