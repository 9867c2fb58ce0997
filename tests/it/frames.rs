//! Camera-like frames of our own credentials, generated deterministically from
//! a seed: 2–8 pixels a module, any rotation, perspective tilt up to 30°, blur,
//! noise, a glare spot, uneven light, low contrast, inverted colours and screen
//! moiré. Used by the reader's tests and, through `examples/frames.rs`, by the
//! browser benchmark (benches/web/reader-bench.mjs).

use codewallet::{Credential, CredentialId, IdBinding, QrMatrix, SecretKey, Status};

/// xorshift64*: small, deterministic, good enough for pictures.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.range(0.0, 1.0) < p
    }
}

/// What a frame shows and how it was made.
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub luma: Vec<u8>,
    pub text: String,
    pub description: String,
}

/// The credential text of frame `seed`: signed by a fixed test issuer.
pub fn credential_text(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0xC0DE);
    let id = CredentialId(rng.next().to_be_bytes());
    let t0 = 1_767_254_400 + (rng.next() % 1_000_000);
    let names = [
        "W*******g",
        "L*u",
        "M*****n",
        "A***a K****a",
        "张*丰",
        "J***-P****e",
    ];
    let credential = Credential {
        issuer: "Demo CDC".into(),
        id,
        issued_at: t0,
        not_before: t0,
        expires_at: t0 + 86_400 * (1 + rng.next() % 30),
        status: [Status::Green, Status::Yellow, Status::Red][(rng.next() % 3) as usize],
        decided_at: t0 - 3600,
        display_name: names[(rng.next() % names.len() as u64) as usize].into(),
        id_binding: IdBinding::new(&id, &format!("E{:08}", rng.next() % 100_000_000)),
        holder_key: None,
    };
    credential
        .sign(&SecretKey::from_seed(&[0x11; 32]))
        .expect("a test credential signs")
}

/// Solves the homography taking `src[i]` to `dst[i]` (8 unknowns, h33 = 1).
fn homography(src: [(f64, f64); 4], dst: [(f64, f64); 4]) -> [f64; 8] {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let ((x, y), (u, v)) = (src[i], dst[i]);
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap_or(col);
        m.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = m[row][col] / m[col][col];
                let pivot_row = m[col];
                for (k, value) in m[row].iter_mut().enumerate().skip(col) {
                    *value -= f * pivot_row[k];
                }
            }
        }
    }
    std::array::from_fn(|i| m[i][8] / m[i][i])
}

fn apply(h: &[f64; 8], x: f64, y: f64) -> (f64, f64) {
    let d = h[6] * x + h[7] * y + 1.0;
    (
        (h[0] * x + h[1] * y + h[2]) / d,
        (h[3] * x + h[4] * y + h[5]) / d,
    )
}

/// Separable box blur of radius `r`.
fn box_blur(w: usize, h: usize, img: &mut [f64], r: usize) {
    if r == 0 {
        return;
    }
    let mut tmp = vec![0f64; img.len()];
    for y in 0..h {
        for x in 0..w {
            let (a, b) = (x.saturating_sub(r), (x + r).min(w - 1));
            tmp[y * w + x] = img[y * w + a..=y * w + b].iter().sum::<f64>() / (b - a + 1) as f64;
        }
    }
    for y in 0..h {
        let (a, b) = (y.saturating_sub(r), (y + r).min(h - 1));
        for x in 0..w {
            img[y * w + x] = (a..=b).map(|yy| tmp[yy * w + x]).sum::<f64>() / (b - a + 1) as f64;
        }
    }
}

/// Frame number `seed` at `width × height`.
pub fn frame(seed: u64, width: usize, height: usize) -> Frame {
    let text = credential_text(seed);
    let qr = QrMatrix::encode(&text).expect("a credential fits a QR code");
    let n = qr.size as f64; // quiet zone included
    let mut rng = Rng::new(seed);
    let (w, h) = (width as f64, height as f64);
    let rotation = rng.range(0.0, std::f64::consts::TAU);
    let tilt = rng.range(0.0, 30f64.to_radians());
    let tilt_axis = rng.range(0.0, std::f64::consts::TAU);
    let mut scale = rng.range(2.0, 8.0);
    // Shrink until the code (with its quiet zone) fits the frame.
    let corners = loop {
        let side = n * scale;
        let focal = 1.2 * w.max(h);
        let (ax, ay) = (tilt_axis.cos(), tilt_axis.sin());
        let (cx, cy) = (
            w / 2.0 + rng.range(-0.15, 0.15) * w,
            h / 2.0 + rng.range(-0.15, 0.15) * h,
        );
        let project = |u: f64, v: f64| {
            // In-plane rotation, then a tilt about the axis (ax, ay) in the
            // plane, then a pinhole camera at distance `focal`.
            let (x, y) = (
                u * rotation.cos() - v * rotation.sin(),
                u * rotation.sin() + v * rotation.cos(),
            );
            let along = x * ax + y * ay;
            let (px, py) = (x - along * ax, y - along * ay);
            let z = (px * ay - py * ax) * tilt.sin();
            let k = (px * ay - py * ax) * tilt.cos();
            let (x, y) = (along * ax + k * ay, along * ay - k * ax);
            let f = focal / (focal + z);
            (cx + x * f, cy + y * f)
        };
        let half = side / 2.0;
        let c = [
            project(-half, -half),
            project(half, -half),
            project(half, half),
            project(-half, half),
        ];
        let inside = c
            .iter()
            .all(|&(x, y)| x >= 1.0 && y >= 1.0 && x < w - 1.0 && y < h - 1.0);
        if inside || scale < 2.0 {
            break c;
        }
        scale *= 0.9;
    };
    let to_module = homography(corners, [(0.0, 0.0), (n, 0.0), (n, n), (0.0, n)]);
    // Lighting: a linear gradient, a glare spot, low or high contrast.
    let dark = rng.range(0.0, 90.0);
    let light = rng.range(dark + 70.0, 255.0).min(255.0);
    let gradient = (rng.range(-0.6, 0.6), rng.range(-0.6, 0.6));
    let glare = rng.chance(0.3).then(|| {
        (
            rng.range(0.0, w),
            rng.range(0.0, h),
            rng.range(30.0, 120.0),
            rng.range(60.0, 160.0),
        )
    });
    let moire = rng.chance(0.2).then(|| {
        (
            rng.range(0.3, 1.2),
            rng.range(0.3, 1.2),
            rng.range(0.05, 0.2),
        )
    });
    let inverted = rng.chance(0.1);
    let blur = (rng.range(0.0, 1.0) * rng.range(0.0, 3.0)) as usize;
    let noise = rng.range(0.0, 24.0);
    let mut img = vec![0f64; width * height];
    for y in 0..height {
        for x in 0..width {
            // 2 × 2 samples a pixel, so module edges are anti-aliased.
            let mut on = 0.0;
            for (sx, sy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let (u, v) = apply(&to_module, x as f64 + sx, y as f64 + sy);
                let inside = u >= 0.0 && v >= 0.0 && u < n && v < n;
                if inside && qr.is_dark(u as usize, v as usize) {
                    on += 0.25;
                }
            }
            if inverted {
                on = 1.0 - on;
            }
            let mut value = light + (dark - light) * on;
            let (fx, fy) = (x as f64 / w - 0.5, y as f64 / h - 0.5);
            value *= 1.0 + gradient.0 * fx + gradient.1 * fy;
            if let Some((gx, gy, r, amount)) = glare {
                let d2 = (x as f64 - gx).powi(2) + (y as f64 - gy).powi(2);
                value += amount * (-d2 / (r * r)).exp();
            }
            if let Some((kx, ky, a)) = moire {
                value *= 1.0 + a * (kx * x as f64 + ky * y as f64).sin();
            }
            img[y * width + x] = value;
        }
    }
    box_blur(width, height, &mut img, blur);
    let luma = img
        .iter()
        .map(|&v| (v + rng.range(-noise, noise)).clamp(0.0, 255.0) as u8)
        .collect();
    let description = format!(
        "{:.1} px/module, rotation {:.0}°, tilt {:.0}°, blur {blur}, noise {noise:.0}, contrast {:.0}–{:.0}{}{}{}",
        scale,
        rotation.to_degrees(),
        tilt.to_degrees(),
        dark,
        light,
        if glare.is_some() { ", glare" } else { "" },
        if moire.is_some() { ", moiré" } else { "" },
        if inverted { ", inverted" } else { "" },
    );
    Frame {
        width,
        height,
        luma,
        text,
        description,
    }
}

#[cfg(test)]
mod tests {
    use codewallet::scan::decode_luma;

    /// Frames read (of the first `FRAMES`) must not fall below this.
    const FRAMES: u64 = 40;
    const FLOOR: usize = 35;

    #[test]
    fn generated_camera_frames_are_read() {
        let mut read = 0;
        for seed in 0..FRAMES {
            let f = super::frame(seed, 640, 480);
            match decode_luma(f.width, f.height, &f.luma) {
                Ok(texts) => {
                    assert_eq!(
                        texts,
                        std::slice::from_ref(&f.text),
                        "frame {seed}: {}",
                        f.description
                    );
                    read += 1;
                }
                Err(e) => eprintln!("frame {seed} not read ({e}): {}", f.description),
            }
        }
        eprintln!("{read} of {FRAMES} frames read");
        assert!(
            read >= FLOOR,
            "{read} of {FRAMES} frames read, fewer than {FLOOR}"
        );
    }
}
