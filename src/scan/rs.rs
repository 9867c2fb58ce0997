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

    /// Evaluates a polynomial stored highest degree first (a block) at α^k
    /// (k < 255).
    fn eval_high(&self, p: &[u8], k: usize) -> u8 {
        p.iter().fold(0, |acc, &c| self.mul_alpha(acc, k) ^ c)
    }

    /// Corrects `block` (data then `ec` check bytes) in place; false if it
    /// has more errors than can be corrected.
    pub fn correct(&self, block: &mut [u8], ec: usize) -> bool {
        let n = block.len();
        if n > 255 || ec == 0 || ec >= n {
            return false;
        }
        // Syndromes: the block is r(x) = block[0]·x^(n−1) + … + block[n−1].
        let synd: Vec<u8> = (0..ec).map(|j| self.eval_high(block, j)).collect();
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
        // Ω(x) = S(x)·Λ(x) mod x^ec.
        let mut omega = vec![0u8; ec];
        for (i, &s) in synd.iter().enumerate() {
            for (j, &lc) in lambda.iter().enumerate() {
                if i + j < ec {
                    omega[i + j] ^= self.mul(s, lc);
                }
            }
        }
        // Λ'(x): odd terms only in characteristic 2.
        let deriv: Vec<u8> = (1..lambda.len())
            .map(|i| if i % 2 == 1 { lambda[i] } else { 0 })
            .collect();
        let mut found = 0;
        for pos in 0..n {
            let power = n - 1 - pos;
            // x⁻¹ = α^(255 − power), as a power of α below 255.
            let inv = (255 - power % 255) % 255;
            if self.eval_low(lambda, inv) != 0 {
                continue;
            }
            let den = self.eval_low(&deriv, inv);
            if den == 0 {
                return false;
            }
            let x = self.pow(power);
            let e = self.mul(x, self.div(self.eval_low(&omega, inv), den));
            block[pos] ^= e;
            found += 1;
        }
        if found != l {
            return false;
        }
        (0..ec).all(|j| self.eval_high(block, j) == 0)
    }
}
