//! The raw parallel signing rate: Ed25519 signatures of distinct 150-byte
//! messages per second on all cores, with nothing around them.
//!
//! The ceiling for `codewallet issue-batch`, which also builds, encodes and
//! writes each credential; `scripts/bench` prints the two side by side.
//!
//! Usage: `cargo run --release --example sign_rate [COUNT]` (default 1,000,000).
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::time::Instant;

use codewallet::SecretKey;
use rayon::prelude::*;

const MESSAGE_LEN: usize = 150;

fn main() {
    let count: u64 = match std::env::args().nth(1).map(|a| a.parse()) {
        None => 1_000_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: sign_rate [COUNT > 0]");
            std::process::exit(2);
        }
    };
    let key = SecretKey::from_seed(&[7; 32]);
    let start = Instant::now();
    // Each message differs (its index in the first bytes), as each credential does.
    let checksum = (0..count)
        .into_par_iter()
        .map(|i| {
            let mut message = [0x5a_u8; MESSAGE_LEN];
            message[..8].copy_from_slice(&i.to_le_bytes());
            key.sign(&message)[0]
        })
        .fold(|| 0_u8, |acc, byte| acc ^ byte)
        .reduce(|| 0, |a, b| a ^ b);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "signed {count} messages of {MESSAGE_LEN} bytes on {} threads in {secs:.3} s (checksum {checksum:02x})",
        rayon::current_num_threads()
    );
    println!("signatures/s: {:.0}", count as f64 / secs);
}
