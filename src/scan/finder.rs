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

/// Whether five run lengths are in the ratio 1:1:3:1:1, measured edge to
/// edge: the widths of neighbouring pairs of runs, 2:4:4:2 modules, each
/// within half a module and half a pixel. A threshold above or below the
/// middle of the edges (faint print, blur) widens one colour and narrows
/// the other, which moves single runs but leaves these sums; the half
/// pixel is what a run of two or three pixels loses to rounding.
fn ratio_ok(r: &[u32; 5]) -> bool {
    if r.contains(&0) {
        return false;
    }
    let pairs = [r[0] + r[1], r[1] + r[2], r[2] + r[3], r[3] + r[4]];
    // Twelve modules: with m = sum / 12, |pair - e m| < m / 2 + 1/2,
    // multiplied through by 24.
    let sum: u32 = pairs.iter().sum();
    if sum < 12 {
        return false;
    }
    let near = |pair: u32, modules: u32| (24 * pair).abs_diff(2 * modules * sum) < sum + 12;
    near(pairs[0], 2)
        && near(pairs[1], 4)
        && near(pairs[2], 4)
        && near(pairs[3], 2)
        // The centre is the widest stripe.
        && r[2] >= r[0].max(r[4])
        && 2 * r[2] >= r[1] + r[3]
}

/// The longest runs a cross may have: each outer one, the centre, and all
/// five together. A run longer than its limit ends the cross there.
#[derive(Clone, Copy)]
struct Limits {
    outer: u32,
    centre: u32,
    total: u32,
}

/// Run lengths of the five stripes along a line through a pixel, and the
/// offset (in steps) of the pattern's centre from that pixel. `dark` says
/// whether the pixel `i` steps along the line is dark (`None` past the
/// image's edge); the pixel itself is step 0.
fn cross(dark: impl Fn(i32) -> Option<bool>, limits: Limits) -> Option<([f32; 5], f32)> {
    // What the runs not yet read may still add up to.
    let mut left = limits.total;
    // The run of pixels of one colour from step `i` on, in steps of
    // `step`, if at most `most` long (and within `left`): its length, the
    // step after it and what lies there.
    let mut run = |mut i: i32, step: i32, colour: bool, most: u32| {
        let most = most.min(left);
        let mut n = 0;
        loop {
            let here = dark(i);
            if here != Some(colour) {
                left -= n;
                return Some((n, i, here));
            }
            if n == most {
                return None;
            }
            n += 1;
            i += step;
        }
    };
    let mut r = [0u32; 5];
    // Backwards: centre dark, light, dark; the light run must end on a
    // dark pixel inside the image.
    let (n, i, _) = run(0, -1, true, limits.centre)?;
    r[2] = n;
    if n == 0 {
        return None;
    }
    let (n, i, end) = run(i, -1, false, limits.outer)?;
    r[1] = n;
    end?;
    r[0] = run(i, -1, true, limits.outer)?.0;
    // Forwards.
    let (n, i, _) = run(1, 1, true, limits.centre - r[2])?;
    r[2] += n;
    let (n, i, end) = run(i, 1, false, limits.outer)?;
    r[3] = n;
    end?;
    let (n, i, _) = run(i, 1, true, limits.outer)?;
    r[4] = n;
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
    let any = Limits {
        outer: max,
        centre: 3 * max,
        total: u32::MAX,
    };
    // Down the column the five runs must add up to within 40 % of the
    // row's (below): a longer run, a dark stroke say, is not followed to
    // its end.
    let down = Limits {
        total: (1.4 * h_total) as u32 + 1,
        ..any
    };
    let x = cx as i32;
    let column = img.column(x);
    let Some((v, off)) = cross(|i| column(y + i), down) else {
        return;
    };
    let v_total: f32 = v.iter().sum();
    if 5.0 * (v_total - h_total).abs() >= 2.0 * h_total {
        return;
    }
    let cy = y as f32 + off;
    let row = img.row(cy as i32);
    let Some((h, off)) = cross(|i| row(x + i), any) else {
        return;
    };
    let cx = x as f32 + off;
    let h_total: f32 = h.iter().sum();
    // A diagonal through the centre must show the pattern too.
    let (dx, dy) = (cx as i32, cy as i32);
    let diagonal = |i: i32| img.at(dx + i, dy + i);
    let Some((d, _)) = cross(diagonal, any) else {
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

/// The `max` most confirmed finder pattern centres in the image, most
/// confirmed first.
pub fn find(img: &BitImage, max: usize) -> Vec<Finder> {
    let mut centres = Vec::new();
    let mut edges = Vec::with_capacity(img.width + 2);
    let mut buffers = super::binarize::RowBuffers::default();
    let [_, y0, _, y1] = img.search;
    // Every other row: a finder's centre stripe is three modules tall, so
    // even at two pixels a module it is crossed at least three times.
    let step = 2;
    for y in (y0..y1.min(img.height)).step_by(step) {
        let first_dark = img.row_edges(y, &mut edges, &mut buffers);
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
            // First the part of `ratio_ok` that says the centre is the
            // widest stripe: most windows fail there, for three comparisons.
            if r[2] >= r[0].max(r[4]) && 2 * r[2] >= r[1] + r[3] && ratio_ok(&r) {
                let cx = edges[i + 2] as f32 + r[2] as f32 / 2.0;
                let total: u32 = r.iter().sum();
                confirm(img, cx, y as i32, total as f32, &mut centres);
            }
            i += 2;
        }
    }
    let mut best = Vec::with_capacity(max);
    for c in centres {
        super::keep_best(&mut best, c, max, |a, b| a.count > b.count);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::{Limits, cross};

    #[test]
    fn a_cross_reads_five_runs_within_its_limits() {
        // Light, then dark 2, light 2, dark 6, light 2, dark 2, then light;
        // step 0 is the first pixel of the centre run.
        let runs = [
            (false, 3),
            (true, 2),
            (false, 2),
            (true, 6),
            (false, 2),
            (true, 2),
            (false, 3),
        ];
        let pixels: Vec<bool> = runs.iter().flat_map(|&(c, n)| vec![c; n]).collect();
        let dark = |i: i32| pixels.get(usize::try_from(i + 7).ok()?).copied();
        let limits = |outer, centre, total| Limits {
            outer,
            centre,
            total,
        };
        let (r, centre) = cross(dark, limits(2, 6, 14)).expect("within every limit");
        assert_eq!(r, [2.0, 2.0, 6.0, 2.0, 2.0]);
        assert_eq!(centre, 3.0);
        assert!(
            cross(dark, limits(2, 6, 13)).is_none(),
            "longer than the total"
        );
        assert!(
            cross(dark, limits(1, 6, 14)).is_none(),
            "an outer run too long"
        );
        assert!(
            cross(dark, limits(2, 5, 14)).is_none(),
            "the centre too long"
        );
        // The pattern cut off by the image's edge before a light run ends.
        let cut = |i: i32| if i < -2 { None } else { dark(i) };
        assert!(cross(cut, limits(2, 6, 14)).is_none());
    }
}
