//! A second camera model, independent of `frames.rs`: a code on paper or a
//! phone screen in a 3-D scene seen through a pinhole camera (ray–plane
//! intersection, 3 × 3 samples a pixel), among background clutter and
//! finder-like decoys, then the sensor and the encoder: lighting and
//! vignetting, glare, screen moiré, Gaussian optics blur, shot and read
//! noise, and JPEG at 4:2:0 (colour conversion, chroma subsampling, DCT
//! quantised with the standard tables at the frame's quality, and back).
//!
//! Two settings, [`TUNING`] and [`TEST`], draw from different ranges with
//! different seeds: the reader is tuned on the first and measured on the
//! second. Every frame carries condition labels for per-condition counts.
//! `examples/camera_frames.rs` writes both sets for the browser benchmark.

// The test set and the counts are read by examples/camera_frames.rs only.
#![allow(dead_code)]

use codewallet::{Credential, CredentialId, IdBinding, SecretKey, Status};
use qrcode::{EcLevel, QrCode};

/// Ranges one set of frames is drawn from.
pub struct Model {
    pub name: &'static str,
    /// Mixed into every seed, so two models never share a frame.
    pub salt: u64,
    /// Frames with a code, then this many without.
    pub codes: u64,
    pub empty: u64,
    /// Tilt is `tilt_max · u^tilt_power` degrees (u uniform in 0..1).
    pub tilt_max: f64,
    pub tilt_power: f64,
    /// Pixels a module at the code's centre (before tilt), log-uniform when `log_pitch`.
    pub pitch: (f64, f64),
    pub log_pitch: bool,
    /// Share of frames whose paper is only `low_diff` grey levels above the ink.
    pub low_share: f64,
    pub low_diff: (f64, f64),
    pub inverted_share: f64,
    /// Blur σ as a share of the pitch: (probability, range) pairs, σ ≤ 2.2 px.
    pub blur: [(f64, (f64, f64)); 3],
    /// JPEG quality `q.0 + (q.1 - q.0) · u^jpeg_power`.
    pub jpeg: (f64, f64),
    pub jpeg_power: f64,
    pub glare_share: f64,
    pub screen_share: f64,
    pub decoys: (u64, u64),
    /// Read noise σ and shot-noise gain ranges.
    pub read_noise: (f64, f64),
    pub shot_gain: (f64, f64),
    /// Horizontal field of view, degrees.
    pub fov: (f64, f64),
    /// Share of codes that carry other text than a credential (any EC level).
    pub plain_share: f64,
}

/// The set the reader is tuned on.
pub const TUNING: Model = Model {
    name: "tuning",
    salt: 0x7475_6e69_6e67,
    codes: 300,
    empty: 20,
    tilt_max: 35.0,
    tilt_power: 1.0,
    pitch: (2.0, 7.0),
    log_pitch: false,
    low_share: 0.25,
    low_diff: (40.0, 110.0),
    inverted_share: 0.05,
    blur: [(0.6, (0.05, 0.3)), (0.3, (0.3, 0.45)), (0.1, (0.45, 0.55))],
    jpeg: (30.0, 90.0),
    jpeg_power: 1.0,
    glare_share: 0.25,
    screen_share: 0.2,
    decoys: (2, 8),
    read_noise: (1.0, 5.0),
    shot_gain: (0.2, 1.2),
    fov: (55.0, 70.0),
    plain_share: 0.3,
};

/// The set the reader is measured on: other seeds, other ranges and shapes.
pub const TEST: Model = Model {
    name: "test",
    salt: 0x0074_6573_740b,
    codes: 300,
    empty: 20,
    tilt_max: 35.0,
    tilt_power: 0.7,
    pitch: (2.0, 7.0),
    log_pitch: true,
    low_share: 0.28,
    low_diff: (40.0, 110.0),
    inverted_share: 0.05,
    blur: [(0.5, (0.0, 0.3)), (0.4, (0.3, 0.45)), (0.1, (0.45, 0.6))],
    jpeg: (30.0, 90.0),
    jpeg_power: 1.6,
    glare_share: 0.35,
    screen_share: 0.25,
    decoys: (4, 12),
    read_noise: (2.0, 7.0),
    shot_gain: (0.4, 1.6),
    fov: (48.0, 66.0),
    plain_share: 0.4,
};

/// splitmix64.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, (lo, hi): (f64, f64)) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }
}

/// One rendered frame.
pub struct Shot {
    pub width: usize,
    pub height: usize,
    /// RGB, 3 bytes a pixel, as decoded from the JPEG.
    pub rgb: Vec<u8>,
    /// Empty for a frame without a code.
    pub text: String,
    pub labels: Vec<&'static str>,
    pub description: String,
}

impl Shot {
    /// Luminance as a canvas-fed reader computes it (BT.601, integers).
    pub fn luma(&self) -> Vec<u8> {
        self.rgb
            .chunks_exact(3)
            .map(|p| {
                ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8
            })
            .collect()
    }
}

/// The labels the benchmark counts by.
pub const LOW: &str = "low contrast";
pub const TILT: &str = "tilt 28–35°";
pub const BIG: &str = "6–7 px per module";
pub const INVERTED: &str = "light on dark";
pub const BLUR: &str = "blur 0.3–0.45 × pitch";
pub const EMPTY: &str = "no code";

fn credential(rng: &mut Rng) -> String {
    let id = CredentialId(rng.next().to_le_bytes());
    let t0 = 1_780_000_000 + rng.below(20_000_000);
    let issuers = ["Demo CDC", "Provincial Health Office", "Clinic 12", "HK DH"];
    let names = [
        "K*m",
        "O*****a",
        "T***s B****r",
        "李*",
        "N***",
        "S*****-M***e",
    ];
    Credential {
        issuer: issuers[rng.below(issuers.len() as u64) as usize].into(),
        id,
        issued_at: t0,
        not_before: t0 + rng.below(3600),
        expires_at: t0 + 3600 * (12 + rng.below(24 * 60)),
        status: [Status::Green, Status::Yellow, Status::Red][rng.below(3) as usize],
        decided_at: t0 - rng.below(86_400),
        display_name: names[rng.below(names.len() as u64) as usize].into(),
        id_binding: IdBinding::new(&id, &format!("P{:09}", rng.below(1_000_000_000))),
        holder_key: None,
    }
    .sign(&SecretKey::from_seed(&[0x5A; 32]))
    .expect("a test credential signs")
}

/// Text of another kind: a URL, upper-case letters and digits, or digits.
fn plain(rng: &mut Rng) -> String {
    let len = 10 + rng.below(120) as usize;
    let pick = |rng: &mut Rng, set: &[u8]| {
        (0..len)
            .map(|_| set[rng.below(set.len() as u64) as usize] as char)
            .collect::<String>()
    };
    match rng.below(3) {
        0 => format!(
            "https://health.example/c/{}",
            pick(
                rng,
                b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_"
            )
        ),
        1 => pick(rng, b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
        _ => pick(rng, b"0123456789"),
    }
}

/// A shape drawn on the background, in pixel coordinates.
enum Shape {
    /// Axis-aligned after rotating by `angle` around (x, y).
    Rect {
        x: f64,
        y: f64,
        hw: f64,
        hh: f64,
        angle: (f64, f64),
        rgb: [f64; 3],
    },
    /// A finder-like square (1:1:3:1:1) of module `m`, rotated.
    Decoy {
        x: f64,
        y: f64,
        m: f64,
        angle: (f64, f64),
        dark: [f64; 3],
        light: [f64; 3],
    },
}

impl Shape {
    fn colour(&self, px: f64, py: f64) -> Option<[f64; 3]> {
        // `angle` holds (sin, cos) of the rotation.
        let local = |x: f64, y: f64, (s, c): (f64, f64)| {
            let (dx, dy) = (px - x, py - y);
            (dx * c + dy * s, -dx * s + dy * c)
        };
        match *self {
            Shape::Rect {
                x,
                y,
                hw,
                hh,
                angle,
                rgb,
            } => {
                if (px - x).abs() > hw + hh || (py - y).abs() > hw + hh {
                    return None;
                }
                let (u, v) = local(x, y, angle);
                (u.abs() <= hw && v.abs() <= hh).then_some(rgb)
            }
            Shape::Decoy {
                x,
                y,
                m,
                angle,
                dark,
                light,
            } => {
                if (px - x).abs() > 6.5 * m || (py - y).abs() > 6.5 * m {
                    return None;
                }
                let (u, v) = local(x, y, angle);
                let r = u.abs().max(v.abs()) / m;
                if r > 4.5 {
                    None
                } else if r > 3.5 || (r <= 2.5 && r > 1.5) {
                    Some(light)
                } else {
                    Some(dark)
                }
            }
        }
    }
}

fn grey_tinted(rng: &mut Rng, level: f64, tint: f64) -> [f64; 3] {
    let (a, b) = (rng.range((-tint, tint)), rng.range((-tint, tint)));
    // Offsets that leave BT.601 luma unchanged.
    [
        level + a,
        level - (0.299 * a + 0.114 * b) / 0.587,
        level + b,
    ]
}

/// Frame `index` of `model` at `width × height`.
pub fn shot(model: &Model, index: u64, width: usize, height: usize) -> Shot {
    let mut rng = Rng::new(
        model
            .salt
            .wrapping_mul(0x1000_0000_01B3)
            .wrapping_add(index)
            .wrapping_add((width as u64) << 40),
    );
    for _ in 0..4 {
        rng.next();
    }
    let has_code = index < model.codes;
    let (w, h) = (width as f64, height as f64);
    let mut labels = Vec::new();
    let mut desc = Vec::new();

    // The code.
    let (text, modules, n) = if has_code {
        let (text, level) = if rng.chance(model.plain_share) {
            let level = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H][rng.below(4) as usize];
            (plain(&mut rng), level)
        } else {
            (credential(&mut rng), EcLevel::Q)
        };
        let code = QrCode::with_error_correction_level(text.as_bytes(), level)
            .expect("the text fits a QR code");
        let n = code.width();
        let modules: Vec<bool> = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        (text, modules, n)
    } else {
        labels.push(EMPTY);
        (String::new(), Vec::new(), 25)
    };
    let nf = n as f64;

    // Camera and pose.
    let fov = rng.range(model.fov).to_radians();
    let focal = w / 2.0 / (fov / 2.0).tan();
    let mut pitch = if model.log_pitch {
        (rng.range((model.pitch.0.ln(), model.pitch.1.ln()))).exp()
    } else {
        rng.range(model.pitch)
    };
    let tilt = (model.tilt_max * rng.unit().powf(model.tilt_power)).to_radians();
    let axis = rng.range((0.0, std::f64::consts::TAU));
    let roll = rng.range((0.0, std::f64::consts::TAU));
    let screen = rng.chance(model.screen_share);
    let quiet = if screen {
        rng.range((1.5, 4.0))
    } else {
        rng.range((3.0, 6.0))
    };
    let margin = quiet + rng.range((0.0, 4.0));
    // In-plane unit vectors of the code's u and v axes, after roll and tilt.
    let (sr, cr) = roll.sin_cos();
    let (sa, ca) = axis.sin_cos();
    let rot_tilt = |x: f64, y: f64| {
        // Rotate about the in-plane axis (ca, sa, 0) by `tilt`.
        let along = x * ca + y * sa;
        let (ox, oy) = (x - along * ca, y - along * sa);
        let across = ox * -sa + oy * ca;
        let (st, ct) = tilt.sin_cos();
        [
            along * ca - across * ct * sa,
            along * sa + across * ct * ca,
            across * st,
        ]
    };
    let e1 = rot_tilt(cr, sr);
    let e2 = rot_tilt(-sr, cr);
    let normal = [
        e1[1] * e2[2] - e1[2] * e2[1],
        e1[2] * e2[0] - e1[0] * e2[2],
        e1[0] * e2[1] - e1[1] * e2[0],
    ];
    // Distance for the pitch, and a centre that keeps the paper in view.
    let (mut centre, mut z);
    loop {
        z = focal / pitch;
        let half = nf / 2.0 + margin;
        let corners = [(-half, -half), (half, -half), (half, half), (-half, half)];
        let project = |cx: f64, cy: f64, (a, b): (f64, f64)| {
            let p = [
                cx + a * e1[0] + b * e2[0],
                cy + a * e1[1] + b * e2[1],
                z + a * e1[2] + b * e2[2],
            ];
            (w / 2.0 + focal * p[0] / p[2], h / 2.0 + focal * p[1] / p[2])
        };
        let (ox, oy) = (rng.range((-0.3, 0.3)), rng.range((-0.3, 0.3)));
        centre = [ox * w / focal * z * 0.5, oy * h / focal * z * 0.5];
        // Only the code and a module of its quiet zone must be in view.
        let inner = nf / 2.0 + 1.0;
        let fits = |c: [f64; 2], half: f64| {
            [(-half, -half), (half, -half), (half, half), (-half, half)]
                .into_iter()
                .all(|q| {
                    let (x, y) = project(c[0], c[1], q);
                    x >= 2.0 && y >= 2.0 && x < w - 2.0 && y < h - 2.0
                })
        };
        let _ = corners;
        if fits(centre, inner) {
            break;
        }
        if fits([0.0, 0.0], inner) {
            centre = [0.0, 0.0];
            break;
        }
        pitch *= 0.93;
        if pitch < 1.0 {
            break;
        }
    }
    let origin = [centre[0], centre[1], z];
    let n_dot_o = normal[0] * origin[0] + normal[1] * origin[1] + normal[2] * origin[2];
    // Pixel → module coordinates (u, v), code corner at (0, 0): the ray
    // through the pixel meets the code's plane.
    let to_code = |x: f64, y: f64| {
        let d = [(x - w / 2.0) / focal, (y - h / 2.0) / focal, 1.0];
        let t = n_dot_o / (normal[0] * d[0] + normal[1] * d[1] + normal[2] * d[2]);
        let p = [
            t * d[0] - origin[0],
            t * d[1] - origin[1],
            t * d[2] - origin[2],
        ];
        (
            p[0] * e1[0] + p[1] * e1[1] + p[2] * e1[2] + nf / 2.0,
            p[0] * e2[0] + p[1] * e2[1] + p[2] * e2[2] + nf / 2.0,
        )
    };

    // Colours: grey levels at the code, before light falls on them.
    let low = has_code && rng.chance(model.low_share);
    let inverted = has_code && !low && rng.chance(model.inverted_share / (1.0 - model.low_share));
    let (paper, ink) = if low {
        let diff = rng.range(model.low_diff);
        let paper = rng.range((diff + 15.0, 245.0));
        (paper, paper - diff)
    } else {
        let paper = rng.range((150.0, 245.0));
        (paper, rng.range((5.0, (paper - 115.0).min(75.0))))
    };
    let (paper, ink) = if inverted {
        (ink.min(60.0), paper)
    } else {
        (paper, ink)
    };
    let paper_rgb = grey_tinted(&mut rng, paper, 10.0);
    let ink_rgb = grey_tinted(&mut rng, ink, if screen { 4.0 } else { 25.0 });
    let bezel = {
        let level = rng.range((5.0, 40.0));
        grey_tinted(&mut rng, level, 3.0)
    };

    // Background: a base colour, clutter and decoys away from the code.
    let code_box = {
        let half = nf / 2.0 + margin;
        let pts: Vec<(f64, f64)> = [(-half, -half), (half, -half), (half, half), (-half, half)]
            .into_iter()
            .map(|(a, b)| {
                let p = [
                    origin[0] + a * e1[0] + b * e2[0],
                    origin[1] + a * e1[1] + b * e2[1],
                    origin[2] + a * e1[2] + b * e2[2],
                ];
                (w / 2.0 + focal * p[0] / p[2], h / 2.0 + focal * p[1] / p[2])
            })
            .collect();
        let xs = pts.iter().map(|p| p.0);
        let ys = pts.iter().map(|p| p.1);
        [
            xs.clone().fold(f64::MAX, f64::min),
            ys.clone().fold(f64::MAX, f64::min),
            xs.fold(f64::MIN, f64::max),
            ys.fold(f64::MIN, f64::max),
        ]
    };
    let base = {
        let level = rng.range((40.0, 200.0));
        grey_tinted(&mut rng, level, 30.0)
    };
    let mut shapes = Vec::new();
    for _ in 0..(6 + rng.below(20)) {
        let level = rng.range((10.0, 245.0));
        shapes.push(Shape::Rect {
            x: rng.range((0.0, w)),
            y: rng.range((0.0, h)),
            hw: rng.range((2.0, w / 6.0)),
            hh: rng.range((1.0, h / 10.0)),
            angle: rng.range((0.0, 3.2)).sin_cos(),
            rgb: grey_tinted(&mut rng, level, 40.0),
        });
    }
    let decoys = model.decoys.0 + rng.below(model.decoys.1 - model.decoys.0 + 1);
    let mut placed = 0;
    for _ in 0..decoys * 8 {
        if placed == decoys {
            break;
        }
        let m = rng.range((1.5, 9.0));
        let (x, y) = (rng.range((0.0, w)), rng.range((0.0, h)));
        let r = 4.5 * m * 1.5;
        let clear = x + r < code_box[0]
            || x - r > code_box[2]
            || y + r < code_box[1]
            || y - r > code_box[3];
        if !clear {
            continue;
        }
        let dark = {
            let level = rng.range((0.0, 80.0));
            grey_tinted(&mut rng, level, 10.0)
        };
        let light = {
            let level = rng.range((150.0, 250.0));
            grey_tinted(&mut rng, level, 10.0)
        };
        shapes.push(Shape::Decoy {
            x,
            y,
            m,
            angle: rng.range((0.0, 1.6)).sin_cos(),
            dark,
            light,
        });
        placed += 1;
    }
    let scene = |x: f64, y: f64| -> [f64; 3] {
        if has_code {
            let (u, v) = to_code(x, y);
            let (lo, hi) = (-margin, nf + margin);
            if u >= lo && v >= lo && u < hi && v < hi {
                if u >= 0.0 && v >= 0.0 && u < nf && v < nf && modules[v as usize * n + u as usize]
                {
                    return ink_rgb;
                }
                return paper_rgb;
            }
            if screen && u >= lo - 3.0 && v >= lo - 3.0 && u < hi + 3.0 && v < hi + 3.0 {
                return bezel;
            }
        }
        let mut c = base;
        for s in shapes.iter().rev() {
            if let Some(rgb) = s.colour(x, y) {
                c = rgb;
                break;
            }
        }
        c
    };

    // Render with 3 × 3 samples a pixel, then light it.
    let gradient = (rng.range((-0.5, 0.5)), rng.range((-0.5, 0.5)));
    let vignette = rng.range((0.0, 0.5));
    let exposure = rng.range((0.85, 1.1));
    let glare = rng.chance(model.glare_share).then(|| {
        // Mostly on or near the code.
        let (gx, gy) = if rng.chance(0.7) {
            (
                rng.range((code_box[0], code_box[2])),
                rng.range((code_box[1], code_box[3])),
            )
        } else {
            (rng.range((0.0, w)), rng.range((0.0, h)))
        };
        (
            gx,
            gy,
            rng.range((15.0, 110.0)),
            rng.range((0.5, 1.6)),
            rng.range((50.0, 180.0)),
        )
    });
    let moire = screen.then(|| {
        [
            (
                rng.range((0.12, 0.48)),
                rng.range((-0.3, 0.3)),
                rng.range((0.04, 0.15)),
            ),
            (
                rng.range((-0.3, 0.3)),
                rng.range((0.12, 0.48)),
                rng.range((0.0, 0.1)),
            ),
        ]
    });
    let mut img = vec![0f64; width * height * 3];
    for y in 0..height {
        for x in 0..width {
            let mut sum = [0f64; 3];
            for sy in [1.0 / 6.0, 0.5, 5.0 / 6.0] {
                for sx in [1.0 / 6.0, 0.5, 5.0 / 6.0] {
                    let c = scene(x as f64 + sx, y as f64 + sy);
                    for k in 0..3 {
                        sum[k] += c[k];
                    }
                }
            }
            let (fx, fy) = (x as f64 / w - 0.5, y as f64 / h - 0.5);
            let mut light = exposure
                * (1.0 + gradient.0 * fx + gradient.1 * fy)
                * (1.0 - vignette * (fx * fx + fy * fy) * 2.0);
            if let Some(m) = moire {
                let (u, v) = to_code(x as f64 + 0.5, y as f64 + 0.5);
                if u >= -margin && v >= -margin && u < nf + margin && v < nf + margin {
                    for (kx, ky, a) in m {
                        light *= 1.0
                            + a * (std::f64::consts::TAU * (kx * x as f64 + ky * y as f64)).cos();
                    }
                }
            }
            let add = glare.map_or(0.0, |(gx, gy, r, aspect, amount)| {
                let (dx, dy) = ((x as f64 - gx) / r, (y as f64 - gy) / (r * aspect));
                amount * (-(dx * dx + dy * dy)).exp()
            });
            for k in 0..3 {
                img[(y * width + x) * 3 + k] = sum[k] / 9.0 * light + add;
            }
        }
    }

    // Optics: Gaussian blur, σ a share of the pitch, at most 2.2 px.
    let ratio = {
        let u = rng.unit();
        let [(p0, r0), (p1, r1), (_, r2)] = model.blur;
        rng.range(if u < p0 {
            r0
        } else if u < p0 + p1 {
            r1
        } else {
            r2
        })
    };
    let sigma = (ratio * pitch).min(2.2);
    gaussian_blur(width, height, &mut img, sigma);

    // Sensor: shot noise (variance proportional to the signal) and read noise.
    let gain = rng.range(model.shot_gain);
    let read = rng.range(model.read_noise);
    for v in img.iter_mut() {
        let s = v.clamp(0.0, 255.0);
        *v = s + (s * gain).sqrt() * rng.normal() + read * rng.normal();
    }

    // Encoder: JPEG at 4:2:0.
    let quality = model.jpeg.0 + (model.jpeg.1 - model.jpeg.0) * rng.unit().powf(model.jpeg_power);
    let rgb = jpeg_roundtrip(width, height, &img, quality.round() as u32);

    if has_code {
        if low {
            labels.push(LOW);
        }
        if tilt.to_degrees() >= 28.0 {
            labels.push(TILT);
        }
        if pitch >= 6.0 {
            labels.push(BIG);
        }
        if inverted {
            labels.push(INVERTED);
        }
        let effective = sigma / pitch;
        if (0.3..=0.45).contains(&effective) {
            labels.push(BLUR);
        }
        desc.push(format!(
            "{n} modules, {pitch:.1} px/module, tilt {:.0}°, roll {:.0}°, blur σ {sigma:.2} px ({effective:.2} × pitch), paper {paper:.0} ink {ink:.0}",
            tilt.to_degrees(),
            roll.to_degrees()
        ));
    }
    desc.push(format!("JPEG q{quality:.0}, noise {read:.1}+{gain:.2}"));
    if glare.is_some() {
        desc.push("glare".into());
    }
    if screen && has_code {
        desc.push("screen moiré".into());
    }
    desc.push(format!("{placed} decoys"));
    Shot {
        width,
        height,
        rgb,
        text,
        labels,
        description: desc.join(", "),
    }
}

/// Separable Gaussian blur of an RGB float image (edges clamped).
fn gaussian_blur(width: usize, height: usize, img: &mut [f64], sigma: f64) {
    if sigma < 0.2 {
        return;
    }
    let r = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f64> = (-r..=r)
        .map(|i| (-((i * i) as f64) / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f64 = kernel.iter().sum();
    let kernel: Vec<f64> = kernel.iter().map(|k| k / total).collect();
    let mut tmp = vec![0f64; img.len()];
    let (wi, hi) = (width as isize, height as isize);
    for y in 0..hi {
        for x in 0..wi {
            for k in 0..3 {
                let mut s = 0.0;
                for (j, kv) in kernel.iter().enumerate() {
                    let xx = (x + j as isize - r).clamp(0, wi - 1);
                    s += kv * img[((y * wi + xx) * 3) as usize + k];
                }
                tmp[((y * wi + x) * 3) as usize + k] = s;
            }
        }
    }
    for y in 0..hi {
        for x in 0..wi {
            for k in 0..3 {
                let mut s = 0.0;
                for (j, kv) in kernel.iter().enumerate() {
                    let yy = (y + j as isize - r).clamp(0, hi - 1);
                    s += kv * tmp[((yy * wi + x) * 3) as usize + k];
                }
                img[((y * wi + x) * 3) as usize + k] = s;
            }
        }
    }
}

/// The standard (ITU-T T.81 Annex K) quantisation tables, luma then chroma.
const Q_LUMA: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const Q_CHROMA: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// A table scaled to `quality` (1–100) as the IJG encoder does.
fn scaled(table: &[u16; 64], quality: u32) -> [f64; 64] {
    let q = quality.clamp(1, 100);
    let scale = if q < 50 { 5000 / q } else { 200 - 2 * q };
    table.map(|t| f64::from(((u32::from(t) * scale + 50) / 100).clamp(1, 255)))
}

/// Quantises one plane (8 × 8 blocks, edges replicated) in place.
fn quantise_plane(width: usize, height: usize, plane: &mut [f64], q: &[f64; 64]) {
    let cos: Vec<f64> = (0..64)
        .map(|i| {
            let (x, u) = ((i / 8) as f64, (i % 8) as f64);
            ((2.0 * x + 1.0) * u * std::f64::consts::PI / 16.0).cos()
        })
        .collect();
    let c = |u: usize| {
        if u == 0 {
            std::f64::consts::FRAC_1_SQRT_2
        } else {
            1.0
        }
    };
    for by in (0..height).step_by(8) {
        for bx in (0..width).step_by(8) {
            let mut block = [0f64; 64];
            for y in 0..8 {
                for x in 0..8 {
                    let (xx, yy) = ((bx + x).min(width - 1), (by + y).min(height - 1));
                    block[y * 8 + x] = plane[yy * width + xx] - 128.0;
                }
            }
            let mut coef = [0f64; 64];
            for v in 0..8 {
                for u in 0..8 {
                    let mut s = 0.0;
                    for y in 0..8 {
                        for x in 0..8 {
                            s += block[y * 8 + x] * cos[x * 8 + u] * cos[y * 8 + v];
                        }
                    }
                    let f = 0.25 * c(u) * c(v) * s;
                    coef[v * 8 + u] = (f / q[v * 8 + u]).round() * q[v * 8 + u];
                }
            }
            for y in 0..8 {
                for x in 0..8 {
                    let mut s = 0.0;
                    for v in 0..8 {
                        for u in 0..8 {
                            s += c(u) * c(v) * coef[v * 8 + u] * cos[x * 8 + u] * cos[y * 8 + v];
                        }
                    }
                    if bx + x < width && by + y < height {
                        plane[(by + y) * width + bx + x] = (0.25 * s + 128.0).round();
                    }
                }
            }
        }
    }
}

/// What a JPEG encoder at `quality` with 4:2:0 chroma and a decoder with
/// bilinear chroma upsampling make of an RGB float image.
fn jpeg_roundtrip(width: usize, height: usize, img: &[f64], quality: u32) -> Vec<u8> {
    let px = |i: usize| {
        let [r, g, b] = [0, 1, 2].map(|k| img[i * 3 + k].round().clamp(0.0, 255.0));
        (
            0.299 * r + 0.587 * g + 0.114 * b,
            -0.168_736 * r - 0.331_264 * g + 0.5 * b + 128.0,
            0.5 * r - 0.418_688 * g - 0.081_312 * b + 128.0,
        )
    };
    let mut luma: Vec<f64> = (0..width * height).map(|i| px(i).0).collect();
    let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
    let mut cb = vec![0f64; cw * ch];
    let mut cr = vec![0f64; cw * ch];
    for y in 0..ch {
        for x in 0..cw {
            let (mut b, mut r, mut k) = (0.0, 0.0, 0.0);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (xx, yy) = (2 * x + dx, 2 * y + dy);
                if xx < width && yy < height {
                    let (_, pb, pr) = px(yy * width + xx);
                    b += pb;
                    r += pr;
                    k += 1.0;
                }
            }
            cb[y * cw + x] = b / k;
            cr[y * cw + x] = r / k;
        }
    }
    quantise_plane(width, height, &mut luma, &scaled(&Q_LUMA, quality));
    let qc = scaled(&Q_CHROMA, quality);
    quantise_plane(cw, ch, &mut cb, &qc);
    quantise_plane(cw, ch, &mut cr, &qc);
    let chroma = |plane: &[f64], x: usize, y: usize| {
        // Chroma sample centres sit between each 2 × 2 block's pixels.
        let (sx, sy) = ((x as f64 - 0.5) / 2.0, (y as f64 - 0.5) / 2.0);
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let at = |xx: f64, yy: f64| {
            plane[(yy.clamp(0.0, (ch - 1) as f64) as usize) * cw
                + xx.clamp(0.0, (cw - 1) as f64) as usize]
        };
        at(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + at(x0 + 1.0, y0) * fx * (1.0 - fy)
            + at(x0, y0 + 1.0) * (1.0 - fx) * fy
            + at(x0 + 1.0, y0 + 1.0) * fx * fy
    };
    let mut out = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let l = luma[y * width + x];
            let (b, r) = (chroma(&cb, x, y) - 128.0, chroma(&cr, x, y) - 128.0);
            for v in [
                l + 1.402 * r,
                l - 0.344_136 * b - 0.714_136 * r,
                l + 1.772 * b,
            ] {
                out.push(v.round().clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{EMPTY, TUNING, shot};
    use codewallet::scan::decode_luma;

    /// A few frames of the tuning model, and an empty one: never a wrong
    /// text, never a read of the empty frame, and these read.
    #[test]
    fn second_camera_model_sample() {
        let mut read = 0;
        let sample = [0u64, 3, 5, 8, 13];
        for i in sample {
            let s = shot(&TUNING, i, 320, 240);
            match decode_luma(s.width, s.height, &s.luma()) {
                Ok(texts) => {
                    assert_eq!(
                        texts,
                        std::slice::from_ref(&s.text),
                        "frame {i}: {}",
                        s.description
                    );
                    read += 1;
                }
                Err(e) => eprintln!("frame {i} not read ({e}): {}", s.description),
            }
        }
        assert!(read >= 3, "{read} of {} read", sample.len());
        let empty = shot(&TUNING, TUNING.codes, 320, 240);
        assert!(empty.labels.contains(&EMPTY));
        assert!(decode_luma(empty.width, empty.height, &empty.luma()).is_err());
    }

    /// Faint print (paper 50–60 grey levels above the ink, blur, noise,
    /// JPEG): read with thresholds halfway between ink and paper (neither
    /// frame reads with the mean threshold alone).
    #[test]
    fn low_contrast_frames_are_read() {
        for i in [117u64, 131] {
            let s = shot(&TUNING, i, 640, 480);
            assert!(s.labels.contains(&super::LOW));
            assert_eq!(
                decode_luma(s.width, s.height, &s.luma()),
                Ok(vec![s.text.clone()]),
                "frame {i}: {}",
                s.description
            );
        }
    }

    /// Blur of 0.43–0.44 module pitch: read with each module sharpened
    /// against its neighbours.
    #[test]
    fn blurred_frames_are_read() {
        for i in [100u64, 213, 253] {
            let s = shot(&TUNING, i, 640, 480);
            assert!(s.labels.contains(&super::BLUR));
            assert_eq!(
                decode_luma(s.width, s.height, &s.luma()),
                Ok(vec![s.text.clone()]),
                "frame {i}: {}",
                s.description
            );
        }
    }
}
