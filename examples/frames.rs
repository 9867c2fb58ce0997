//! Writes the generated camera frames (tests/it/frames.rs) as PGM files with
//! an index, for the reader benchmark:
//! `cargo run --release --example frames -- OUT_DIR [COUNT [WIDTH HEIGHT]]`
//! (defaults 200 frames of 640 × 480). `OUT_DIR/index.json` lists
//! `{"file", "text", "description"}` per frame.
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

// A tool, like the tests it shares the generator with: a failure stops it loudly.
#[allow(clippy::expect_used)]
#[path = "../tests/it/frames.rs"]
mod frames;

use std::fmt::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = std::path::PathBuf::from(
        args.first()
            .ok_or("usage: frames OUT_DIR [COUNT [WIDTH HEIGHT]]")?,
    );
    let count: u64 = args.get(1).map_or(Ok(200), |s| s.parse())?;
    let width: usize = args.get(2).map_or(Ok(640), |s| s.parse())?;
    let height: usize = args.get(3).map_or(Ok(480), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    let mut index = String::from("[\n");
    for seed in 0..count {
        let f = frames::frame(seed, width, height);
        let file = format!("frame-{seed:03}.pgm");
        let mut pgm = format!("P5\n{} {}\n255\n", f.width, f.height).into_bytes();
        pgm.extend_from_slice(&f.luma);
        std::fs::write(out.join(&file), pgm)?;
        let json = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        write!(
            index,
            "{}  {{\"file\": \"{file}\", \"text\": \"{}\", \"description\": \"{}\"}}",
            if seed == 0 { "" } else { ",\n" },
            json(&f.text),
            json(&f.description)
        )?;
    }
    index.push_str("\n]\n");
    std::fs::write(out.join("index.json"), index)?;
    eprintln!("{count} frames of {width} x {height} in {}", out.display());
    Ok(())
}
