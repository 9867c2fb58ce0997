//! Reads a directory of frames written by `camera_frames` or `frames` with
//! the native reader and counts what it read, per condition label:
//! `cargo run --release --example scan_frames -- DIR [--list] [--slowest N]`
//! (`--list`: the frames not read; `--slowest`: the N slowest frames).
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::time::Instant;

use codewallet::scan::decode_luma;

/// PGM (P5) or PPM (P6) bytes → width, height and BT.601 luma.
fn load(bytes: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    let mut pos = 0;
    let mut fields = Vec::new();
    while fields.len() < 4 {
        while bytes.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !bytes.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..pos]).ok()?);
    }
    pos += 1;
    let (w, h): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let px = bytes.get(pos..)?;
    let luma = if fields[0] == "P6" {
        px.chunks_exact(3)
            .take(w * h)
            .map(|p| {
                ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8
            })
            .collect()
    } else {
        px.get(..w * h)?.to_vec()
    };
    Some((w, h, luma))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(args.first().ok_or("usage: scan_frames DIR [--list]")?);
    let list = args.iter().any(|a| a == "--list");
    let slowest: usize = match args.iter().position(|a| a == "--slowest") {
        Some(i) => args.get(i + 1).ok_or("--slowest N")?.parse()?,
        None => 0,
    };
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json"))?)?;
    let mut counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let (mut wrong, mut empty_reads) = (0, 0);
    let mut times = Vec::new();
    for (i, f) in index
        .as_array()
        .ok_or("index is not a list")?
        .iter()
        .enumerate()
    {
        let file = f["file"].as_str().ok_or("no file")?;
        let text = f["text"].as_str().unwrap_or("");
        let (w, h, luma) = load(&std::fs::read(dir.join(file))?).ok_or("bad image")?;
        let t0 = Instant::now();
        let result = decode_luma(w, h, &luma);
        let err = result.as_ref().err().map_or("", |e| e.code());
        let out = result.unwrap_or_default();
        let ok = !text.is_empty() && out.iter().any(|t| t == text);
        times.push((t0.elapsed().as_secs_f64() * 1e3, i, ok));
        if out.iter().any(|t| t != text) {
            if text.is_empty() {
                empty_reads += 1;
            } else {
                wrong += 1;
            }
            println!("WRONG {i}: {:?}", out);
        }
        let mut labels: Vec<String> = f["labels"]
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if !text.is_empty() {
            labels.push("all".into());
        }
        for l in labels {
            let c = counts.entry(l).or_default();
            c.1 += 1;
            c.0 += u32::from(ok);
        }
        if list && !ok && !text.is_empty() {
            println!(
                "miss {i} {err}: {}",
                f["description"].as_str().unwrap_or("")
            );
        }
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (ms, i, ok) in times.iter().rev().take(slowest) {
        let read = if *ok { "read" } else { "not read" };
        println!("slow {i}: {ms:.2} ms, {read}");
    }
    for (l, (r, n)) in &counts {
        println!("{l:28} {r:4}/{n}");
    }
    println!(
        "wrong {wrong}, empty reads {empty_reads}, median {:.2} ms, p95 {:.2} ms",
        times[times.len() / 2].0,
        times[times.len() * 95 / 100].0
    );
    Ok(())
}
