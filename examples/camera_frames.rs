//! Writes the second camera model's frames (tests/it/camera.rs) as PPM files
//! with an index, for the reader benchmark:
//! `cargo run --release --example camera_frames -- OUT_DIR tuning|test [WIDTH HEIGHT [CODES EMPTY]]`
//! (defaults 640 × 480 and the model's counts). `OUT_DIR/index.json` lists
//! `{"file", "text", "labels", "description"}` per frame; `text` is empty
//! for a frame without a code.
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

// A tool, like the tests it shares the generator with: a failure stops it loudly.
#[allow(clippy::expect_used)]
#[path = "../tests/it/camera.rs"]
mod camera;

use rayon::prelude::*;

fn json(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: camera_frames OUT_DIR tuning|test [WIDTH HEIGHT [CODES EMPTY]]";
    let out = std::path::PathBuf::from(args.first().ok_or(usage)?);
    let mut model = match args.get(1).map(String::as_str) {
        Some("tuning") => camera::TUNING,
        Some("test") => camera::TEST,
        _ => return Err(usage.into()),
    };
    let width: usize = args.get(2).map_or(Ok(640), |s| s.parse())?;
    let height: usize = args.get(3).map_or(Ok(480), |s| s.parse())?;
    if let (Some(codes), Some(empty)) = (args.get(4), args.get(5)) {
        model.codes = codes.parse()?;
        model.empty = empty.parse()?;
    }
    std::fs::create_dir_all(&out)?;
    let total = model.codes + model.empty;
    let entries: Vec<String> = (0..total)
        .into_par_iter()
        .map(|i| -> Result<String, std::io::Error> {
            let s = camera::shot(&model, i, width, height);
            let file = format!("shot-{i:03}.ppm");
            let mut ppm = format!("P6\n{} {}\n255\n", s.width, s.height).into_bytes();
            ppm.extend_from_slice(&s.rgb);
            std::fs::write(out.join(&file), ppm)?;
            let labels: Vec<String> = s.labels.iter().map(|l| json(l)).collect();
            Ok(format!(
                "  {{\"file\": {}, \"text\": {}, \"labels\": [{}], \"description\": {}}}",
                json(&file),
                json(&s.text),
                labels.join(", "),
                json(&s.description)
            ))
        })
        .collect::<Result<_, _>>()?;
    std::fs::write(
        out.join("index.json"),
        format!("[\n{}\n]\n", entries.join(",\n")),
    )?;
    eprintln!(
        "{total} {} frames of {width} x {height} in {}",
        model.name,
        out.display()
    );
    Ok(())
}
