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
fn reads_every_code_in_one_image() {
    // Three people's codes side by side, as on a printed family sheet.
    let texts = [
        "CW1:FIRST PERSON 0001",
        "CW1:SECOND PERSON 0002",
        "CW1:THIRD PERSON 0003",
    ];
    let scale = 3;
    let codes: Vec<(usize, Vec<u8>)> = texts
        .iter()
        .map(|t| render_code(&qrcode::QrCode::new(t.as_bytes()).unwrap(), scale))
        .collect();
    let side = codes[0].0;
    assert!(codes.iter().all(|(s, _)| *s == side));
    let width = side * codes.len();
    let mut luma = vec![255u8; width * side];
    for (k, (_, code)) in codes.iter().enumerate() {
        for y in 0..side {
            luma[y * width + k * side..][..side].copy_from_slice(&code[y * side..][..side]);
        }
    }
    let mut read = decode_luma(width, side, &luma).unwrap();
    read.sort();
    assert_eq!(read, texts);
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
    render_colors(code.width(), &code.to_colors(), scale)
}

/// Draws `n` × `n` modules at `scale` pixels a module with a 4-module quiet zone.
fn render_colors(n: usize, colors: &[qrcode::Color], scale: usize) -> (usize, Vec<u8>) {
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

mod properties {
    use codewallet::scan::{MAX_PIXELS, ScanError, decode_luma};
    use proptest::prelude::*;
    use qrcode::{EcLevel, QrCode, Version};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any pixels of any size: a value or a typed error, never a panic or a hang.
        #[test]
        fn any_pixels_give_a_value_or_an_error(
            w in 1usize..320,
            h in 1usize..320,
            seed in any::<u64>(),
            levels in 1u8..=255,
        ) {
            let mut s = seed | 1;
            let luma: Vec<u8> = (0..w * h)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    // Few grey levels make long runs (finder-like stripes) likely.
                    (s as u8 / levels).wrapping_mul(levels)
                })
                .collect();
            match decode_luma(w, h, &luma) {
                Ok(texts) => prop_assert!(!texts.is_empty()),
                Err(e) => prop_assert!(matches!(e, ScanError::NotFound | ScanError::Unreadable), "{e:?}"),
            }
        }

        /// Up to 10 wrong data modules in a version 3-H code (11 correctable
        /// codewords a block): always read back exactly.
        #[test]
        fn reed_solomon_corrects_flipped_modules(
            flips in proptest::collection::vec((0usize..29, 0usize..29), 0..=10),
        ) {
            let text = "CW1:PROPERTY TEST 0123456789";
            let code = QrCode::with_version(text, Version::Normal(3), EcLevel::H).unwrap();
            let n = code.width();
            let mut colors = code.to_colors();
            for (x, y) in flips {
                if !qrcode::canvas::is_functional(Version::Normal(3), n as i16, x as i16, y as i16) {
                    colors[y * n + x] = !colors[y * n + x];
                }
            }
            let (side, luma) = super::render_colors(n, &colors, 3);
            prop_assert_eq!(decode_luma(side, side, &luma), Ok(vec![text.to_string()]));
        }
    }

    /// The largest frame is accepted (and bounded); one more pixel is refused.
    #[test]
    fn largest_frame_is_read_and_larger_refused() {
        let luma = vec![255u8; MAX_PIXELS];
        assert_eq!(decode_luma(4096, 4096, &luma), Err(ScanError::NotFound));
        assert_eq!(
            decode_luma(4096 * 4096 + 1, 1, &[0]),
            Err(ScanError::TooLarge {
                pixels: MAX_PIXELS + 1
            })
        );
    }
}

#[test]
fn reads_a_version_40_screenshot_at_one_pixel_a_module_without_quiet_zone() {
    // A tightly cropped screenshot: 177 × 177 pixels, one a module, the
    // finders touching the image's edges; read at each quarter turn.
    let text: String = (0..2900)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L).unwrap();
    assert_eq!(code.version(), qrcode::Version::Normal(40));
    let n = code.width();
    let mut luma: Vec<u8> = code
        .to_colors()
        .iter()
        .map(|&c| if c == qrcode::Color::Dark { 0 } else { 255 })
        .collect();
    for turn in 0..4 {
        assert_eq!(
            decode_luma(n, n, &luma).unwrap(),
            [text.as_str()],
            "{} degrees",
            90 * turn
        );
        let mut turned = vec![0; n * n];
        for y in 0..n {
            for x in 0..n {
                turned[x * n + (n - 1 - y)] = luma[y * n + x];
            }
        }
        luma = turned;
    }
}
