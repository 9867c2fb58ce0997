//! Reed–Solomon error correction over GF(256) (polynomial 0x11D, generator
//! roots α⁰ … α^(n−1), as QR codes use): syndromes, Berlekamp–Massey for the
//! error locator, Chien search for the positions, Forney for the values.

// Index loops read closer to the matrix and polynomial formulas here.
#![allow(clippy::needless_range_loop)]

pub struct Gf {
    exp: [u8; 512],
    log: [u8; 256],
}

/// The tables, worked out when the reader is compiled.
pub static GF: Gf = Gf::new();

impl Gf {
    const fn new() -> Gf {
        let mut exp = [0u8; 512];
        let mut log = [0u8; 256];
        let mut x: u16 = 1;
        let mut i = 0;
        while i < 255 {
            exp[i] = x as u8;
            log[x as usize] = i as u8;
            x <<= 1;
            if x & 0x100 != 0 {
                x ^= 0x11D;
            }
            i += 1;
        }
        while i < 512 {
            exp[i] = exp[i - 255];
            i += 1;
        }
        Gf { exp, log }
    }

    fn mul(&self, a: u8, b: u8) -> u8 {
        if a == 0 || b == 0 {
            0
        } else {
            self.exp[usize::from(self.log[usize::from(a)]) + usize::from(self.log[usize::from(b)])]
        }
    }

    fn div(&self, a: u8, b: u8) -> u8 {
        if a == 0 || b == 0 {
            0
        } else {
            self.exp[usize::from(self.log[usize::from(a)]) + 255
                - usize::from(self.log[usize::from(b)])]
        }
    }

    /// α^i for any i ≥ 0.
    fn pow(&self, i: usize) -> u8 {
        self.exp[i % 255]
    }

    /// a · α^k, for k below 255: one table lookup fewer than [`Gf::mul`].
    fn mul_alpha(&self, a: u8, k: usize) -> u8 {
        if a == 0 {
            0
        } else {
            self.exp[usize::from(self.log[usize::from(a)]) + k]
        }
    }

    /// Evaluates a polynomial stored lowest degree first at α^k (k < 255).
    fn eval_low(&self, p: &[u8], k: usize) -> u8 {
        p.iter().rev().fold(0, |acc, &c| self.mul_alpha(acc, k) ^ c)
    }

    /// The block's `ec` syndromes, r(α^j) for j below `ec`, where r(x) is
    /// block[0]·x^(n−1) + … + block[n−1]: term by term, c·α^(j·p) as the
    /// antilog of log c + j·p, so that no product waits for the one before
    /// (a Horner evaluation is one long chain of lookups).
    fn syndromes(&self, block: &[u8], ec: usize) -> Vec<u8> {
        let mut synd = vec![0u8; ec];
        for (i, &c) in block.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let power = (block.len() - 1 - i) % 255;
            let mut e = usize::from(self.log[usize::from(c)]);
            for s in synd.iter_mut() {
                *s ^= self.exp[e];
                e += power;
                if e >= 255 {
                    e -= 255;
                }
            }
        }
        synd
    }

    /// Corrects `block` (data then `ec` check bytes) in place; false if it
    /// has more errors than can be corrected.
    pub fn correct(&self, block: &mut [u8], ec: usize) -> bool {
        let n = block.len();
        if n > 255 || ec == 0 || ec >= n {
            return false;
        }
        // Syndromes: the block is r(x) = block[0]·x^(n−1) + … + block[n−1].
        let synd = self.syndromes(block, ec);
        if synd.iter().all(|&s| s == 0) {
            return true;
        }
        // Berlekamp–Massey.
        let mut c = vec![0u8; ec + 1];
        let mut b = vec![0u8; ec + 1];
        c[0] = 1;
        b[0] = 1;
        let (mut l, mut m, mut bd) = (0usize, 1usize, 1u8);
        for k in 0..ec {
            let mut d = synd[k];
            for i in 1..=l {
                d ^= self.mul(c[i], synd[k - i]);
            }
            if d == 0 {
                m += 1;
                continue;
            }
            let coef = self.div(d, bd);
            let t = c.clone();
            for i in 0..=ec - m.min(ec) {
                if i + m <= ec {
                    c[i + m] ^= self.mul(coef, b[i]);
                }
            }
            if 2 * l <= k {
                l = k + 1 - l;
                b = t;
                bd = d;
                m = 1;
            } else {
                m += 1;
            }
        }
        if 2 * l > ec {
            return false;
        }
        let lambda = &c[..=l];
        // Chien search: the positions whose x⁻¹ = α^(−power) is a root of
        // Λ, term by term in logs: from one position to the next (power
        // one less) each term's exponent grows by its degree.
        let mut terms: Vec<(usize, usize)> = lambda
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != 0)
            .map(|(i, &c)| {
                let start = 255 - (i * (n - 1)) % 255;
                (
                    i % 255,
                    (usize::from(self.log[usize::from(c)]) + start) % 255,
                )
            })
            .collect();
        let mut roots = Vec::with_capacity(l);
        for pos in 0..n {
            if terms.iter().fold(0, |v, &(_, e)| v ^ self.exp[e]) == 0 {
                roots.push(pos);
            }
            for (degree, e) in terms.iter_mut() {
                *e += *degree;
                if *e >= 255 {
                    *e -= 255;
                }
            }
        }
        if roots.len() != l {
            return false;
        }
        // Forney: Ω(x) = S(x)·Λ(x) mod x^ec, and Λ'(x) (odd terms only in
        // characteristic 2) give each error's value.
        let mut omega = vec![0u8; ec];
        for (i, &s) in synd.iter().enumerate() {
            for (j, &lc) in lambda.iter().enumerate() {
                if i + j < ec {
                    omega[i + j] ^= self.mul(s, lc);
                }
            }
        }
        let deriv: Vec<u8> = (1..lambda.len())
            .map(|i| if i % 2 == 1 { lambda[i] } else { 0 })
            .collect();
        for pos in roots {
            let power = n - 1 - pos;
            // x⁻¹ = α^(255 − power), as a power of α below 255.
            let inv = (255 - power % 255) % 255;
            let den = self.eval_low(&deriv, inv);
            if den == 0 {
                return false;
            }
            let x = self.pow(power);
            block[pos] ^= self.mul(x, self.div(self.eval_low(&omega, inv), den));
        }
        self.syndromes(block, ec).iter().all(|&s| s == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::GF;

    /// `data` followed by its `ec` check bytes: the remainder of
    /// data·x^ec divided by the generator (x − α⁰)…(x − α^(ec−1)).
    fn encode(data: &[u8], ec: usize) -> Vec<u8> {
        let mut generator = vec![1u8];
        for i in 0..ec {
            // Multiply by (x − α^i), highest degree first.
            let root = GF.pow(i);
            let mut next = generator.clone();
            next.push(0);
            for (k, &g) in generator.iter().enumerate() {
                next[k + 1] ^= GF.mul(g, root);
            }
            generator = next;
        }
        let mut rest = data.to_vec();
        rest.resize(data.len() + ec, 0);
        for i in 0..data.len() {
            let lead = rest[i];
            for (k, &g) in generator.iter().enumerate() {
                rest[i + k] ^= GF.mul(lead, g);
            }
        }
        let mut block = data.to_vec();
        block.extend_from_slice(&rest[data.len()..]);
        block
    }

    #[test]
    fn errors_in_up_to_half_the_check_bytes_are_corrected() {
        let mut seed = 5u32;
        let mut next = move |below: usize| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as usize % below
        };
        // QR block shapes: short and long blocks, few and many check bytes.
        for (n, ec) in [(26, 7), (44, 28), (100, 26), (151, 30), (255, 68)] {
            for trial in 0..40 {
                let data: Vec<u8> = (0..n - ec).map(|_| next(256) as u8).collect();
                let block = encode(&data, ec);
                assert!(GF.syndromes(&block, ec).iter().all(|&s| s == 0));
                let mut damaged = block.clone();
                let errors = trial % (ec / 2 + 1);
                let mut hit = Vec::new();
                while hit.len() < errors {
                    let pos = next(n);
                    if !hit.contains(&pos) {
                        hit.push(pos);
                        damaged[pos] ^= 1 + next(255) as u8;
                    }
                }
                assert!(GF.correct(&mut damaged, ec), "{n}/{ec}, {errors} errors");
                assert_eq!(damaged, block, "{n}/{ec}, {errors} errors");
            }
        }
    }
}
