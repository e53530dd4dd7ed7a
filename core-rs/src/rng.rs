//! A small, fully specified PRNG so that the same seed gives byte-identical output on every
//! platform and every version of keiro (xoshiro256++ seeded through SplitMix64).

/// Deterministic pseudo-random generator (xoshiro256++).
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// Seeds the generator; every seed (including 0) gives a valid, distinct stream.
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng { s: [next(), next(), next(), next()] }
    }

    /// Next raw 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform integer in `[0, n)` without modulo bias (Lemire's method). `n` must be > 0.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0)");
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }

    /// Shuffles `v` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i as u64 + 1) as usize);
        }
    }

    /// Uniform integer in the inclusive range `[lo, hi]`.
    pub fn int_inclusive(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// Uniform float in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// SplitMix64's finaliser: a bijection of `u64` that mixes every input bit into every output bit.
fn _fmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of `words` (in order): the key of a counter-based stream, e.g. `mix(&[seed, instance,
/// sample])`, and the draws of that stream, `mix(&[key, commodity, hop])`.
pub fn mix(words: &[u64]) -> u64 {
    words.iter().fold(0x6A09_E667_F3BC_C909, |h, &w| _fmix(h ^ _fmix(w.wrapping_add(0x9E37_79B9_7F4A_7C15))))
}

/// A counter-based uniform draw in `[0, 1)` (53 bits): a pure function of `words`, so every draw can
/// be made in any order, by any batch split and on any device (the CUDA rollout computes the same).
pub fn counter_unit(words: &[u64]) -> f64 {
    (mix(words) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_bounds_hold() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let mut c = Rng::new(8);
        let xs: Vec<u64> = (0..16).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..16).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..16).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        let mut counts = [0usize; 5];
        for _ in 0..50_000 {
            let v = a.int_inclusive(3, 7);
            assert!((3..=7).contains(&v));
            counts[(v - 3) as usize] += 1;
        }
        // each bucket is near 10,000 (binomial std ≈ 89)
        assert!(counts.iter().all(|&k| (9_500..10_500).contains(&k)), "{counts:?}");
        let u = a.unit();
        assert!((0.0..1.0).contains(&u));
    }

    #[test]
    fn counter_draws_are_pure_functions_of_their_counter_and_look_uniform() {
        assert_eq!(counter_unit(&[1, 2, 3]), counter_unit(&[1, 2, 3]));
        assert_ne!(mix(&[1, 2, 3]), mix(&[1, 3, 2]), "order matters");
        assert_ne!(mix(&[0]), mix(&[0, 0]), "length matters");
        let xs: Vec<f64> = (0..20_000u64).map(|i| counter_unit(&[7, i / 100, i % 100])).collect();
        assert!(xs.iter().all(|&x| (0.0..1.0).contains(&x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let below = xs.iter().filter(|&&x| x < 0.25).count() as f64 / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.01 && (below - 0.25).abs() < 0.01, "mean {mean}, P(x < 0.25) {below}");
    }
}
