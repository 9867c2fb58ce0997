//! From three finder centres to a grid of modules: the code's size from the
//! finders' distance in modules, the bottom-right alignment pattern looked for
//! near where the other three corners put it, a perspective transform (a
//! homography fixed by four points) from module coordinates to pixels, and one
//! sample at the centre of each module.

// Index loops read closer to the matrix and polynomial formulas here.
#![allow(clippy::needless_range_loop)]

use super::binarize::BitImage;
use super::decode::Grid;
use super::finder::Finder;

/// Work one image's triples of finders may still take, in units of about
/// one place an alignment pattern is looked for: a grid sampled costs its
/// modules / 16 (see `scan::IMAGE_BUDGET`). An image full of finder-like
/// clutter gives many false triples of finders, and each would otherwise
/// cost its full search.
pub struct Budget(std::cell::Cell<u32>);

impl Budget {
    pub fn new(units: u32) -> Budget {
        Budget(std::cell::Cell::new(units))
    }

    pub fn left(&self) -> u32 {
        self.0.get()
    }

    /// Takes `units` if they are left.
    pub fn spend(&self, units: u32) -> bool {
        let left = self.0.get();
        self.0.set(left.saturating_sub(units));
        left >= units
    }

    /// Runs `work` on a budget of at most `most` of what is left here, and
    /// takes from this one what `work` spent.
    pub fn share<T>(&self, most: u32, work: impl FnOnce(&Budget) -> T) -> T {
        let share = self.left().min(most);
        let part = Budget::new(share);
        let out = work(&part);
        self.spend(share - part.left());
        out
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Pt {
    pub x: f32,
    pub y: f32,
}

fn dist(a: Pt, b: Pt) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// A projective map from module coordinates to pixels.
#[derive(Clone, Copy)]
pub struct Homography([f64; 8]);

impl Homography {
    /// The map taking each `src[i]` to `dst[i]`; `None` if degenerate.
    pub fn from_points(src: [Pt; 4], dst: [Pt; 4]) -> Option<Homography> {
        // Unknowns h0..h7: x' = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), y' likewise with h3..h5.
        let mut m = [[0f64; 9]; 8];
        for i in 0..4 {
            let (a, b) = rows(src[i], dst[i]);
            m[2 * i] = a;
            m[2 * i + 1] = b;
        }
        solve(m)
    }

    /// The least-squares map through any number (≥ 4) of point pairs.
    pub fn fit(pairs: &[(Pt, Pt)]) -> Option<Homography> {
        // Normal equations AᵀA h = Aᵀb.
        let mut m = [[0f64; 9]; 8];
        for &(src, dst) in pairs {
            let (a, b) = rows(src, dst);
            for r in [a, b] {
                for i in 0..8 {
                    for j in 0..9 {
                        m[i][j] += r[i] * r[j];
                    }
                }
            }
        }
        solve(m)
    }

    pub fn map(&self, x: f32, y: f32) -> Pt {
        let h = &self.0;
        let (x, y) = (f64::from(x), f64::from(y));
        let d = h[6] * x + h[7] * y + 1.0;
        Pt {
            x: ((h[0] * x + h[1] * y + h[2]) / d) as f32,
            y: ((h[3] * x + h[4] * y + h[5]) / d) as f32,
        }
    }
}

/// The two linear equations one point pair gives (last column: right-hand side).
fn rows(src: Pt, dst: Pt) -> ([f64; 9], [f64; 9]) {
    let (x, y) = (f64::from(src.x), f64::from(src.y));
    let (u, v) = (f64::from(dst.x), f64::from(dst.y));
    (
        [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u],
        [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v],
    )
}

/// Gauss–Jordan elimination with partial pivoting.
fn solve(mut m: [[f64; 9]; 8]) -> Option<Homography> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-9 {
            return None;
        }
        m.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = m[row][col] / m[col][col];
                for k in col..9 {
                    m[row][k] -= f * m[col][k];
                }
            }
        }
    }
    let mut h = [0f64; 8];
    for i in 0..8 {
        h[i] = m[i][8] / m[i][i];
    }
    h.iter().all(|v| v.is_finite()).then_some(Homography(h))
}

/// Three finders as top-left, top-right, bottom-left.
#[derive(Clone, Copy)]
pub struct Corners {
    pub tl: Finder,
    pub tr: Finder,
    pub bl: Finder,
}

fn pt(f: &Finder) -> Pt {
    Pt { x: f.x, y: f.y }
}

/// Orders three finders as a code's corners and scores how much they look
/// like one (0 best); `None` if they cannot be.
pub fn corners(a: Finder, b: Finder, c: Finder) -> Option<(Corners, f32)> {
    let (ms_min, ms_max) = (
        a.module.min(b.module).min(c.module),
        a.module.max(b.module).max(c.module),
    );
    if ms_max > 2.0 * ms_min {
        return None;
    }
    let (ab, bc, ca) = (
        dist(pt(&a), pt(&b)),
        dist(pt(&b), pt(&c)),
        dist(pt(&c), pt(&a)),
    );
    // The top-left is opposite the longest side.
    let (tl, mut p, mut q) = if bc >= ab && bc >= ca {
        (a, b, c)
    } else if ca >= ab && ca >= bc {
        (b, c, a)
    } else {
        (c, a, b)
    };
    let (vx, vy) = (p.x - tl.x, p.y - tl.y);
    let (wx, wy) = (q.x - tl.x, q.y - tl.y);
    let cross = vx * wy - vy * wx;
    if cross < 0.0 {
        std::mem::swap(&mut p, &mut q);
    }
    let (d1, d2) = (dist(pt(&tl), pt(&p)), dist(pt(&tl), pt(&q)));
    let ms = (a.module + b.module + c.module) / 3.0;
    if d1.min(d2) < 10.0 * ms || d1.max(d2) > 1.7 * d1.min(d2) {
        return None;
    }
    let cos = (vx * wx + vy * wy) / (d1 * d2);
    if cos.abs() > 0.6 {
        return None;
    }
    let score = (d1 - d2).abs() / d1.max(d2) + cos.abs() + (ms_max / ms_min - 1.0) * 0.5;
    Some((Corners { tl, tr: p, bl: q }, score))
}

/// A pixel box around the code with these corners: its three finders' centres
/// and the fourth corner they imply, five modules out (the code's edge is
/// 3.5 modules beyond them, the rest is for corners a little off; no more,
/// as every pixel of the box is searched again at twice the scale).
pub fn region(c: &Corners, width: usize, height: usize) -> [usize; 4] {
    let xs = [c.tl.x, c.tr.x, c.bl.x, c.tr.x + c.bl.x - c.tl.x];
    let ys = [c.tl.y, c.tr.y, c.bl.y, c.tr.y + c.bl.y - c.tl.y];
    let margin = 5.0 * c.tl.module.max(c.tr.module).max(c.bl.module);
    let lo = |v: &[f32; 4]| (v.iter().copied().fold(f32::MAX, f32::min) - margin).max(0.0) as usize;
    let hi = |v: &[f32; 4], max: usize| {
        ((v.iter().copied().fold(f32::MIN, f32::max) + margin).max(0.0) as usize).clamp(1, max)
    };
    let (x1, y1) = (hi(&xs, width), hi(&ys, height));
    [lo(&xs).min(x1 - 1), lo(&ys).min(y1 - 1), x1, y1]
}

/// Distance in pixels across a finder pattern (7 modules) along the unit
/// direction (ux, uy): from the centre outwards to the end of the outer ring, both ways.
fn finder_width(img: &BitImage, f: &Finder, ux: f32, uy: f32) -> f32 {
    let [a, b] = finder_edges(img, f, ux, uy);
    a + b
}

/// Distances in pixels from a finder's centre to the outer edge of its ring,
/// forwards and backwards along the unit direction (ux, uy).
fn finder_edges(img: &BitImage, f: &Finder, ux: f32, uy: f32) -> [f32; 2] {
    let limit = (f.module * 8.0).max(8.0) as i32;
    let mut out = [0.0; 2];
    for (k, sign) in [1.0f32, -1.0].into_iter().enumerate() {
        // dark (centre) → light → dark (ring) → light: stop there.
        // A change of colour counts only if the next pixel agrees, so a
        // single noisy pixel does not end a stripe; except at about a
        // pixel a module, where a stripe is one pixel wide.
        let dark_at = |i: i32| {
            let t = i as f32 * sign;
            img.get((f.x + ux * t).floor() as i32, (f.y + uy * t).floor() as i32)
        };
        let mut state = 0;
        let mut end = limit as f32;
        for i in 0..limit {
            let dark = dark_at(i);
            let want_change = matches!((state, dark), (0, false) | (1, true) | (2, false));
            if want_change && (f.module < 1.5 || dark_at(i + 1) == dark) {
                state += 1;
                if state == 3 {
                    // The edge lies between this pixel and the one before.
                    end = i as f32 - 0.5;
                    break;
                }
            }
        }
        out[k] = end;
    }
    out
}

/// A perspective map from the three finders alone: their centres and the
/// outer edges of their rings along the code's two axes (where a finder's
/// apparent size changes across the code, that is the perspective).
fn perspective(img: &BitImage, c: &Corners, size: usize) -> Option<Homography> {
    let s = size as f32;
    let (tl, tr, bl) = (pt(&c.tl), pt(&c.tr), pt(&c.bl));
    let unit = |a: Pt, b: Pt| {
        let d = dist(a, b).max(1e-3);
        ((b.x - a.x) / d, (b.y - a.y) / d)
    };
    let (u, v) = (unit(tl, tr), unit(tl, bl));
    let mut pairs = Vec::with_capacity(15);
    for (f, mx, my) in [
        (&c.tl, 3.5, 3.5),
        (&c.tr, s - 3.5, 3.5),
        (&c.bl, 3.5, s - 3.5),
    ] {
        let p = pt(f);
        pairs.push((Pt { x: mx, y: my }, p));
        for (dir, along_x) in [(u, true), (v, false)] {
            let [fwd, back] = finder_edges(img, f, dir.0, dir.1);
            if fwd <= 0.0 || back <= 0.0 || (fwd - back).abs() > 0.5 * (fwd + back) {
                continue;
            }
            let (dx, dy) = if along_x { (3.5, 0.0) } else { (0.0, 3.5) };
            pairs.push((
                Pt {
                    x: mx + dx,
                    y: my + dy,
                },
                Pt {
                    x: p.x + dir.0 * fwd,
                    y: p.y + dir.1 * fwd,
                },
            ));
            pairs.push((
                Pt {
                    x: mx - dx,
                    y: my - dy,
                },
                Pt {
                    x: p.x - dir.0 * back,
                    y: p.y - dir.1 * back,
                },
            ));
        }
    }
    if pairs.len() < 11 {
        return None;
    }
    Homography::fit(&pairs)
}

/// Candidate sizes (modules a side) for the code with these corners, best first.
pub fn sizes(img: &BitImage, c: &Corners) -> Vec<usize> {
    let (tl, tr, bl) = (pt(&c.tl), pt(&c.tr), pt(&c.bl));
    let (d_top, d_left) = (dist(tl, tr), dist(tl, bl));
    let (ux, uy) = ((tr.x - tl.x) / d_top, (tr.y - tl.y) / d_top);
    let (vx, vy) = ((bl.x - tl.x) / d_left, (bl.y - tl.y) / d_left);
    let top = (finder_width(img, &c.tl, ux, uy) + finder_width(img, &c.tr, ux, uy)) / 14.0;
    let left = (finder_width(img, &c.tl, vx, vy) + finder_width(img, &c.bl, vx, vy)) / 14.0;
    if top <= 0.0 || left <= 0.0 {
        return Vec::new();
    }
    let est = (d_top / top + d_left / left) / 2.0 + 7.0;
    if !est.is_finite() || !(15.0..=185.0).contains(&est) {
        return Vec::new();
    }
    // The nearest sizes of the form 17 + 4v.
    let v = ((est - 17.0) / 4.0).clamp(1.0, 40.0);
    let mut out = vec![v.round() as usize];
    let other = if v.fract() >= 0.5 || v.round() as usize == 40 {
        v.floor()
    } else {
        v.ceil()
    } as usize;
    if (1..=40).contains(&other) && other != out[0] {
        out.push(other);
    }
    out.into_iter().map(|v| 17 + 4 * v.max(1)).collect()
}

/// The bottom-right alignment pattern of a code of `size` modules, searched
/// near its expected place; `None` if nothing convincing is there.
fn alignment(
    img: &BitImage,
    c: &Corners,
    size: usize,
    persp: Option<&Homography>,
    budget: &Budget,
) -> Option<Pt> {
    let n = (size - 7) as f32;
    let (tl, tr, bl) = (pt(&c.tl), pt(&c.tr), pt(&c.bl));
    // Where it should be, and one module along each axis there: from the
    // perspective map if there is one, else from the parallelogram.
    let (ex, ey, ux, uy, vx, vy) = match persp {
        Some(h) => {
            let s = size as f32;
            let (a, b, d) = (
                h.map(s - 6.5, s - 6.5),
                h.map(s - 5.5, s - 6.5),
                h.map(s - 6.5, s - 5.5),
            );
            (a.x, a.y, b.x - a.x, b.y - a.y, d.x - a.x, d.y - a.y)
        }
        None => {
            let k = (n - 3.0) / n;
            (
                tl.x + k * (tr.x - tl.x + bl.x - tl.x),
                tl.y + k * (tr.y - tl.y + bl.y - tl.y),
                (tr.x - tl.x) / n,
                (tr.y - tl.y) / n,
                (bl.x - tl.x) / n,
                (bl.y - tl.y) / n,
            )
        }
    };
    if ![ex, ey, ux, uy, vx, vy].iter().all(|v| v.is_finite()) {
        return None;
    }
    let ms = ((ux * ux + uy * uy).sqrt() + (vx * vx + vy * vy).sqrt()) / 2.0;
    if !(0.5..=64.0).contains(&ms) {
        return None;
    }
    let reach = (ms * if persp.is_some() { 4.0 } else { 6.0 }).max(4.0);
    search_alignment(img, (ex, ey), (ux, uy), (vx, vy), reach, budget).map(|(p, _)| p)
}

/// The alignment pattern best matching near `e`, with one module along the
/// code's axes `u` and `v` in pixels, searched up to `reach` pixels away;
/// with its score (of 25 module centres, at least 22 match).
fn search_alignment(
    img: &BitImage,
    (ex, ey): (f32, f32),
    (ux, uy): (f32, f32),
    (vx, vy): (f32, f32),
    reach: f32,
    budget: &Budget,
) -> Option<(Pt, usize)> {
    let ms = ((ux * ux + uy * uy).sqrt() + (vx * vx + vy * vy).sqrt()) / 2.0;
    // The 25 module centres of the 5 × 5 pattern (dark centre, light ring,
    // dark ring), as pixel offsets, with the colour each should have; the
    // centre and the light ring first, where a place that is not the
    // pattern shows it soonest.
    let mut pattern = [(0.0f32, 0.0f32, false); 25];
    for (p, &(i, j)) in pattern.iter_mut().zip(&RINGS) {
        let (fi, fj) = (i as f32, j as f32);
        *p = (
            fi * ux + fj * vx,
            fi * uy + fj * vy,
            i.abs().max(j.abs()) != 1,
        );
    }
    // Matches among the 25, or fewer than `need` once that is certain
    // (most places are given up after a few samples).
    let score = |cx: f32, cy: f32, need: usize| {
        if !budget.spend(1) {
            return 0;
        }
        let mut misses = 0;
        for &(ox, oy, want) in &pattern {
            if img.get(floor(cx + ox), floor(cy + oy)) != want {
                misses += 1;
                if misses > pattern.len() - need {
                    break;
                }
            }
        }
        pattern.len() - misses
    };
    // Coarse (a third of a module) over the whole reach, then fine (a ninth of a
    // module) around the best coarse point; ties go to the nearer point. Rings
    // outwards from the expected place, so the search can stop once a perfect
    // match is nearer than any point left.
    let search = |cx0: f32, cy0: f32, step: f32, steps: i32| {
        let mut best = (0, i32::MAX, cx0, cy0);
        for ring in 0..=steps {
            if best.0 == pattern.len() && ring * ring > best.1 {
                break;
            }
            for dy in -ring..=ring {
                let across = if dy.abs() == ring { 1 } else { 2 * ring.max(1) };
                for dx in (-ring..=ring).step_by(across as usize) {
                    let (cx, cy) = (cx0 + dx as f32 * step, cy0 + dy as f32 * step);
                    let s = score(cx, cy, best.0);
                    let d = dx * dx + dy * dy;
                    if s > best.0 || (s == best.0 && d < best.1) {
                        best = (s, d, cx, cy);
                    }
                }
            }
        }
        best
    };
    let coarse = (ms / 2.0).max(0.5);
    let (_, _, cx, cy) = search(ex, ey, coarse, (reach / coarse) as i32);
    let (s, _, x, y) = search(cx, cy, coarse / 3.0, 3);
    (s >= 22).then_some((Pt { x, y }, s))
}

/// The 5 × 5 module offsets of an alignment pattern, ring by ring from the
/// centre.
const RINGS: [(i32, i32); 25] = [
    (0, 0),
    (-1, -1),
    (0, -1),
    (1, -1),
    (-1, 0),
    (1, 0),
    (-1, 1),
    (0, 1),
    (1, 1),
    (-2, -2),
    (-1, -2),
    (0, -2),
    (1, -2),
    (2, -2),
    (-2, -1),
    (2, -1),
    (-2, 0),
    (2, 0),
    (-2, 1),
    (2, 1),
    (-2, 2),
    (-1, 2),
    (0, 2),
    (1, 2),
    (2, 2),
];

/// `v.floor() as i32` without a library call (on native targets `floor`
/// is one), for the few million samples a frame can take.
#[inline]
fn floor(v: f32) -> i32 {
    let i = v as i32;
    i - i32::from(v < i as f32)
}

/// Centres (in modules, from 0) of the alignment patterns along each axis
/// of a code of `size` modules (ISO/IEC 18004 Annex E).
fn alignment_positions(size: usize) -> Vec<usize> {
    let version = (size - 17) / 4;
    if version < 2 {
        return Vec::new();
    }
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    // In ascending order: 6, then the rest counted back from the last.
    let mut out = vec![6];
    out.extend((1..count).rev().map(|i| size - 7 - step * (i - 1)));
    out
}

/// A map refined by every alignment pattern `h` leads to: each searched
/// near where `h` puts it, then one least-squares fit through those found
/// and the three finder centres. `None` unless it rests on at least four
/// patterns (so it adds something beyond the one bottom-right pattern);
/// given up once the patterns not found outnumber those found by two, as
/// where `h` is no code's map (most triples of finders in clutter) each
/// search would cost its whole reach.
pub fn refined(
    img: &BitImage,
    c: &Corners,
    size: usize,
    h: &Homography,
    budget: &Budget,
) -> Option<Homography> {
    let s = size as f32;
    let mut pairs = vec![
        (Pt { x: 3.5, y: 3.5 }, pt(&c.tl)),
        (Pt { x: s - 3.5, y: 3.5 }, pt(&c.tr)),
        (Pt { x: 3.5, y: s - 3.5 }, pt(&c.bl)),
    ];
    let positions = alignment_positions(size);
    let last = size - 7;
    let mut missed = 0;
    for &y in &positions {
        for &x in &positions {
            // The finders' corners hold no alignment pattern.
            if (x == 6 && (y == 6 || y == last)) || (x == last && y == 6) {
                continue;
            }
            let (mx, my) = (x as f32 + 0.5, y as f32 + 0.5);
            let (a, b, d) = (h.map(mx, my), h.map(mx + 1.0, my), h.map(mx, my + 1.0));
            let (u, v) = ((b.x - a.x, b.y - a.y), (d.x - a.x, d.y - a.y));
            let ms = ((u.0 * u.0 + u.1 * u.1).sqrt() + (v.0 * v.0 + v.1 * v.1).sqrt()) / 2.0;
            if !ms.is_finite() {
                return None;
            }
            if let Some((p, _)) =
                search_alignment(img, (a.x, a.y), u, v, (2.0 * ms).max(3.0), budget)
            {
                pairs.push((Pt { x: mx, y: my }, p));
            } else {
                missed += 1;
                if missed > pairs.len() - 3 + 1 {
                    return None;
                }
            }
        }
    }
    if pairs.len() < 7 {
        return None;
    }
    Homography::fit(&pairs)
}

/// The three finder centres of a code of `size` modules, in modules, and a
/// fourth point `inset` modules in from its bottom-right corner.
fn in_modules(size: usize, inset: f32) -> [Pt; 4] {
    let s = size as f32;
    [
        Pt { x: 3.5, y: 3.5 },
        Pt { x: s - 3.5, y: 3.5 },
        Pt { x: 3.5, y: s - 3.5 },
        Pt {
            x: s - inset,
            y: s - inset,
        },
    ]
}

/// The two maps the finders alone give, for these corners and size: the
/// perspective map from their edges (if they are clear), and the
/// parallelogram they span (a guess, off under perspective). Both are cheap;
/// near the finders, where the format information is, both are close.
pub fn finder_maps(
    img: &BitImage,
    c: &Corners,
    size: usize,
) -> (Option<Homography>, Option<Homography>) {
    let (tl, tr, bl) = (pt(&c.tl), pt(&c.tr), pt(&c.bl));
    let src = in_modules(size, 3.5);
    let br = Pt {
        x: tr.x + bl.x - tl.x,
        y: tr.y + bl.y - tl.y,
    };
    (
        perspective(img, c, size),
        Homography::from_points(src, [tl, tr, bl, br]),
    )
}

/// The map through the three finders and the bottom-right alignment
/// pattern, searched for where the perspective map puts it, else (no such
/// map) where the parallelogram does.
pub fn corner_map(
    img: &BitImage,
    c: &Corners,
    size: usize,
    persp: Option<&Homography>,
    budget: &Budget,
) -> Option<Homography> {
    if size <= 21 {
        return None;
    }
    let found = alignment(img, c, size, persp, budget)?;
    Homography::from_points(
        in_modules(size, 6.5),
        [pt(&c.tl), pt(&c.tr), pt(&c.bl), found],
    )
}

/// How far below its threshold (positive: dark) the pixel at each module's
/// centre is, row by row.
pub fn darkness(img: &BitImage, h: &Homography, size: usize) -> Vec<i32> {
    let m = &h.0;
    let mut d = vec![0i32; size * size];
    for y in 0..size {
        // Numerators and denominator are linear along a row: stepped, not
        // recomputed.
        let (fy, fx) = (y as f64 + 0.5, 0.5);
        let (mut nx, mut ny, mut den) = (
            m[0] * fx + m[1] * fy + m[2],
            m[3] * fx + m[4] * fy + m[5],
            m[6] * fx + m[7] * fy + 1.0,
        );
        for x in 0..size {
            let (px, py) = (nx / den, ny / den);
            d[y * size + x] = if px.is_finite() && py.is_finite() {
                img.darkness(px.floor() as i32, py.floor() as i32)
            } else {
                -1
            };
            nx += m[0];
            ny += m[3];
            den += m[6];
        }
    }
    d
}

/// The grid of modules whose centres are dark.
pub fn sample(d: &[i32], size: usize) -> Grid {
    Grid {
        size,
        modules: d.iter().map(|&v| v >= 0).collect(),
    }
}

/// The grid with each module's darkness sharpened against its four
/// neighbours': under blur of about half a module, a module takes on much
/// of its neighbours' colour, and subtracting a share of theirs undoes part
/// of that.
pub fn sample_sharpened(d: &[i32], size: usize) -> Grid {
    let mut modules = vec![false; size * size];
    for y in 0..size {
        for x in 0..size {
            let i = y * size + x;
            let here = d[i];
            // A neighbour outside the grid counts as the module itself.
            let left = if x > 0 { d[i - 1] } else { here };
            let right = if x + 1 < size { d[i + 1] } else { here };
            let up = if y > 0 { d[i - size] } else { here };
            let down = if y + 1 < size { d[i + size] } else { here };
            // 16 × (d + SHARPEN / 4 × (d − around / 4)).
            modules[i] = 4 * here * (4 + SHARPEN) - SHARPEN * (left + right + up + down) >= 0;
        }
    }
    Grid { size, modules }
}

/// Sharpening weight in quarters: a module's darkness plus SHARPEN / 4 of
/// how much darker it is than its neighbours' mean.
const SHARPEN: i32 = 6;

#[cfg(test)]
mod tests {
    use super::{RINGS, SHARPEN, alignment_positions, floor, sample_sharpened};

    #[test]
    fn sharpening_weighs_each_module_against_its_four_neighbours() {
        // Neighbours past the edge are the module itself: coordinates
        // clamped into the grid.
        let size = 5;
        let mut seed = 3u32;
        for _ in 0..50 {
            let d: Vec<i32> = (0..size * size)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 24) as i32 - 128
                })
                .collect();
            let g = sample_sharpened(&d, size);
            let at = |x: i32, y: i32| {
                let c = |v: i32| v.clamp(0, size as i32 - 1) as usize;
                d[c(y) * size + c(x)]
            };
            for y in 0..size as i32 {
                for x in 0..size as i32 {
                    let around = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1);
                    let want = 4 * at(x, y) * (4 + SHARPEN) >= SHARPEN * around;
                    let got = g.modules[y as usize * size + x as usize];
                    assert_eq!(got, want, "({x}, {y}) of {d:?}");
                }
            }
        }
    }

    #[test]
    fn alignment_positions_follow_the_standard_in_ascending_order() {
        // ISO/IEC 18004 Annex E, a few versions.
        for (version, want) in [
            (1, vec![]),
            (2, vec![6, 18]),
            (7, vec![6, 22, 38]),
            (32, vec![6, 34, 60, 86, 112, 138]),
            (36, vec![6, 24, 50, 76, 102, 128, 154]),
            (40, vec![6, 30, 58, 86, 114, 142, 170]),
        ] {
            assert_eq!(
                alignment_positions(17 + 4 * version),
                want,
                "version {version}"
            );
        }
        for version in 2..=40 {
            let p = alignment_positions(17 + 4 * version);
            assert!(
                p.windows(2).all(|w| w[0] < w[1]),
                "version {version}: {p:?}"
            );
        }
    }

    #[test]
    fn alignment_offsets_cover_the_pattern_ring_by_ring() {
        let mut seen: Vec<(i32, i32)> = RINGS.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 25);
        assert!(seen.iter().all(|&(i, j)| i.abs() <= 2 && j.abs() <= 2));
        let rings: Vec<i32> = RINGS.iter().map(|&(i, j)| i.abs().max(j.abs())).collect();
        assert!(rings.windows(2).all(|w| w[0] <= w[1]), "{rings:?}");
    }

    #[test]
    fn floor_matches_the_library() {
        for v in [-3.5f32, -3.0, -0.25, -0.0, 0.0, 0.25, 2.0, 2.999, 1e6, -1e6] {
            assert_eq!(floor(v), v.floor() as i32, "{v}");
        }
    }
}
