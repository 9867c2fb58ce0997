//! The data of one testing round, for `scripts/bench`: a people file, then
//! (from what `issue-batch` wrote for it) the checkpoints' registration
//! uploads and the lab's results, as a city's stations and lab would send them.
//!
//! Usage:
//!   `round people N OUT.csv`            N people awaiting a result
//!   `round uploads ISSUED.jsonl STORE.json LAB.csv`
//!       one registration per issued credential, 200 per object under
//!       registrations/<station>/ (100 stations), put into the store's bucket
//!       in parallel; and a result per tube (1 in 20 positive) in LAB.csv.
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]
// A benchmark tool: a failure should stop it loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

use rayon::prelude::*;

const PER_OBJECT: usize = 200;
const STATIONS: usize = 100;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["people", n, out] => people(n.parse().expect("N is a number"), out),
        ["uploads", issued, store, lab] => uploads(issued, store, lab),
        _ => {
            eprintln!(
                "usage: round people N OUT.csv | round uploads ISSUED.jsonl STORE.json LAB.csv"
            );
            std::process::exit(2);
        }
    }
}

fn people(n: usize, out: &str) {
    let mut w = BufWriter::new(std::fs::File::create(out).expect("create the people file"));
    writeln!(w, "name,id_number,status").expect("write");
    for i in 0..n {
        writeln!(w, "Person {i},ID{i:012},yellow").expect("write");
    }
    w.flush().expect("write");
}

fn uploads(issued: &str, store: &str, lab: &str) {
    let started = Instant::now();
    let ids: Vec<String> = BufReader::new(std::fs::File::open(issued).expect("open issued"))
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("read")).expect("JSON");
            v["id"].as_str().expect("an id").to_owned()
        })
        .collect();
    let mut results = BufWriter::new(std::fs::File::create(lab).expect("create lab"));
    writeln!(results, "tube,result,tested_at").expect("write");
    for (i, _) in ids.iter().enumerate() {
        let result = if i % 20 == 0 { "positive" } else { "negative" };
        writeln!(results, "T-{i:09},{result},2026-01-02T20:00:00Z").expect("write");
    }
    results.flush().expect("write");

    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(store).expect("read store")).expect("JSON");
    let text = |k: &str| config[k].as_str().expect("store field").to_owned();
    let bucket = s3::Bucket::new(
        &text("bucket"),
        s3::Region::Custom {
            region: text("region"),
            endpoint: text("endpoint"),
        },
        s3::creds::Credentials::new(
            Some(&text("access_key_id")),
            Some(&text("secret_access_key")),
            None,
            None,
            None,
        )
        .expect("credentials"),
    )
    .expect("bucket")
    .with_path_style();
    let chunks: Vec<(usize, &[String])> = ids.chunks(PER_OBJECT).enumerate().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(16)
        .build()
        .expect("threads");
    pool.install(|| {
        chunks.par_iter().for_each(|(n, chunk)| {
            let station = n % STATIONS;
            let first = n * PER_OBJECT;
            let mut body = String::with_capacity(chunk.len() * 260);
            for (i, id) in chunk.iter().enumerate() {
                let seq = first + i;
                let _ = writeln!(
                    body,
                    r#"{{"id":"r{seq:09}","mode":"registration","hour":"2026-01-02T09:00Z","verdict":"valid","decision":"check","status":"yellow","time":"2026-01-02T09:00:00.000Z","station":"S{station:03}","credentialId":"{id}","name":"P*n","tube":"T-{seq:09}","seq":{seq}}}"#
                );
            }
            let key = format!(
                "registrations/S{station:03}/d{station}-{}-{}.jsonl",
                first + 1,
                first + chunk.len()
            );
            bucket
                .put_object(&key, body.as_bytes())
                .expect("put an upload");
        });
    });
    eprintln!(
        "{} registrations in {} objects uploaded in {:.1} s",
        ids.len(),
        chunks.len(),
        started.elapsed().as_secs_f64()
    );
}
