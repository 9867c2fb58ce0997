//! Finder patterns: the three 7 × 7 squares (dark 1, light 1, dark 3, light 1,
//! dark 1 across any line through the centre) in a code's corners.
//!
//! Every row is cut into runs of one colour; five consecutive runs in the
//! ratio 1:1:3:1:1 are a candidate, confirmed by the same ratio down the
//! column through its centre, again across the row through the corrected
//! centre, and along a diagonal. Confirmations close to each other are merged,
//! and the count of merged confirmations says how sure a centre is.

use super::binarize::BitImage;

/// A confirmed finder pattern centre.
#[derive(Clone, Copy, Debug)]
pub struct Finder {
    pub x: f32,
    pub y: f32,
    /// Estimated module size in pixels.
    pub module: f32,
    /// How many row scans confirmed it.
    pub count: u32,
}

/// At most this many distinct centres are kept: noise cannot grow the work.
const MAX_CENTRES: usize = 64;

/// Whether five run lengths are in the ratio 1:1:3:1:1 (within half a module).
fn ratio_ok(r: &[u32; 5]) -> bool {
    let total: u32 = r.iter().sum();
    if total < 7 || r.contains(&0) {
        return false;
    }
    // With m = total / 7: |r - m| < m / 2 for the outer runs and
    // |r - 3m| < 3m / 2 for the centre, multiplied through by 14.
    let near = |run: u32, modules: u32| (14 * run).abs_diff(2 * modules * total) < modules * total;
    near(r[0], 1) && near(r[1], 1) && near(r[2], 3) && near(r[3], 1) && near(r[4], 1)
}

/// Run lengths of the five stripes along direction (dx, dy) through (x, y),
/// with the centre offset (in steps) of the middle of the pattern. Each outer
/// run is cut off after `max` steps.
fn cross(img: &BitImage, x: i32, y: i32, dx: i32, dy: i32, max: u32) -> Option<([f32; 5], f32)> {
    if !img.get(x, y) {
        return None;
    }
    let mut r = [0u32; 5];
    // Backwards: centre dark, light, dark.
    let mut i = 0i32;
    let at = |i: i32| img.get(x + i * dx, y + i * dy);
    let inside = |i: i32| {
        let (px, py) = (x + i * dx, y + i * dy);
        px >= 0 && py >= 0 && (px as usize) < img.width && (py as usize) < img.height
    };
    while inside(i) && at(i) {
        r[2] += 1;
        i -= 1;
        if r[2] > 3 * max {
            return None;
        }
    }
    while inside(i) && !at(i) && r[1] <= max {
        r[1] += 1;
        i -= 1;
    }
    if !inside(i) || r[1] > max {
        return None;
    }
    while inside(i) && at(i) && r[0] <= max {
        r[0] += 1;
        i -= 1;
    }
    if r[0] > max {
        return None;
    }
    // Forwards.
    let mut i = 1i32;
    while inside(i) && at(i) {
        r[2] += 1;
        i += 1;
        if r[2] > 3 * max {
            return None;
        }
    }
    while inside(i) && !at(i) && r[3] <= max {
        r[3] += 1;
        i += 1;
    }
    if !inside(i) || r[3] > max {
        return None;
    }
    while inside(i) && at(i) && r[4] <= max {
        r[4] += 1;
        i += 1;
    }
    if r[4] > max {
        return None;
    }
    if !ratio_ok(&r) {
        return None;
    }
    let runs = r.map(|v| v as f32);
    // `i` is one past the end of the last run.
    let centre = i as f32 - runs[4] - runs[3] - runs[2] / 2.0;
    Some((runs, centre))
}

/// Confirms a row candidate centred at `cx` on row `y` with horizontal total `h_total`.
fn confirm(img: &BitImage, cx: f32, y: i32, h_total: f32, centres: &mut Vec<Finder>) {
    let max = (h_total / 7.0 * 2.0).ceil() as u32 + 1;
    let x = cx as i32;
    let Some((v, off)) = cross(img, x, y, 0, 1, max) else {
        return;
    };
    let v_total: f32 = v.iter().sum();
    if 5.0 * (v_total - h_total).abs() >= 2.0 * h_total {
        return;
    }
    let cy = y as f32 + off;
    let Some((h, off)) = cross(img, x, cy as i32, 1, 0, max) else {
        return;
    };
    let cx = x as f32 + off;
    let h_total: f32 = h.iter().sum();
    // A diagonal through the centre must show the pattern too.
    let Some((d, _)) = cross(img, cx as i32, cy as i32, 1, 1, max) else {
        return;
    };
    let d_total: f32 = d.iter().sum::<f32>() * std::f32::consts::SQRT_2;
    if d_total > 2.0 * (h_total + v_total) {
        return;
    }
    let module = (h_total + v_total) / 14.0;
    for c in centres.iter_mut() {
        if (c.x - cx).abs() <= module
            && (c.y - cy).abs() <= module
            && ((c.module - module).abs() <= 1.0 || (c.module - module).abs() <= c.module * 0.5)
        {
            let n = c.count as f32;
            c.x = (c.x * n + cx) / (n + 1.0);
            c.y = (c.y * n + cy) / (n + 1.0);
            c.module = (c.module * n + module) / (n + 1.0);
            c.count += 1;
            return;
        }
    }
    if centres.len() < MAX_CENTRES {
        centres.push(Finder {
            x: cx,
            y: cy,
            module,
            count: 1,
        });
    }
}

/// All finder pattern centres in the image, most confirmed first.
pub fn find(img: &BitImage) -> Vec<Finder> {
    let mut centres = Vec::new();
    let mut edges = Vec::with_capacity(img.width + 2);
    // Every other row: a finder's centre stripe is three modules tall, so
    // even at two pixels a module it is crossed at least three times.
    let step = 2;
    for y in (0..img.height).step_by(step) {
        let first_dark = img.row_edges(y, &mut edges);
        // Run k is edges[k]..edges[k + 1]; dark runs are the even ones if
        // the row starts dark, else the odd ones.
        let mut i = usize::from(!first_dark);
        while i + 5 < edges.len() {
            let r = [
                edges[i + 1] - edges[i],
                edges[i + 2] - edges[i + 1],
                edges[i + 3] - edges[i + 2],
                edges[i + 4] - edges[i + 3],
                edges[i + 5] - edges[i + 4],
            ];
            if ratio_ok(&r) {
                let cx = edges[i + 2] as f32 + r[2] as f32 / 2.0;
                let total: u32 = r.iter().sum();
                confirm(img, cx, y as i32, total as f32, &mut centres);
            }
            i += 2;
        }
    }
    centres.sort_by_key(|c| std::cmp::Reverse(c.count));
    centres
}
