//! `codewallet publish`: refreshed credentials as the objects wallets fetch,
//! `refresh/<old id>.txt` holding the new `CW1:` text, in the object store (or
//! any CDN in front of it) or in a directory for static hosting.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use codewallet::credential::{self, ID_LEN};
use rayon::prelude::*;
use serde::Deserialize;

use crate::cli::error::{CliError, CliResult};
use crate::cli::store::{CONFIG_HELP, StoreConfig, store_error};

/// Where wallets look for a newer credential: `refresh/<credential id>.txt`.
pub const REFRESH: &str = "refresh/";

const PUBLISH_HELP: &str = "\
Input: what issue-batch wrote for the people file collect made. Every row with
`replaces` is written to refresh/<replaces>.txt in the refresh bucket (see
refresh_url below; config.json's \"refreshUrl\" points there): a wallet holding the old
credential fetches that object (config.json: \"refreshUrl\") and replaces it
in place once it verifies. Rows without `replaces` are skipped.";

/// Arguments of `codewallet publish`.
#[derive(Args)]
#[command(after_help = format!("{PUBLISH_HELP}\n\n{CONFIG_HELP}"))]
#[command(group = clap::ArgGroup::new("target").required(true).args(["store", "dir"]))]
pub struct PublishArgs {
    /// Object store configuration (JSON, see below)
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Write into a directory instead (refresh/ is created in it)
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Credentials issued by issue-batch (JSON Lines)
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Uploads at once
    #[arg(long, default_value_t = 16, value_name = "N")]
    threads: usize,
}

#[derive(Deserialize)]
struct Issued {
    text: String,
    #[serde(default)]
    replaces: Option<String>,
}

/// `codewallet publish`.
pub fn run(args: &PublishArgs) -> CliResult {
    let started = Instant::now();
    let bad = |why: String| CliError::input(format!("bad input {}: {why}", args.input.display()));
    let file = File::open(&args.input).map_err(|e| {
        CliError::input(format!("cannot read {}", args.input.display())).because(&e)
    })?;
    let mut objects = Vec::new();
    let mut skipped = 0u64;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| bad(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let row: Issued =
            serde_json::from_str(&line).map_err(|e| bad(format!("line {}: {e}", n + 1)))?;
        let Some(old) = row.replaces else {
            skipped += 1;
            continue;
        };
        // Only well-formed ids become keys, and only credentials become objects.
        if codewallet::hex::decode_array::<ID_LEN>(&old).is_none() {
            return Err(bad(format!("line {}: bad replaces `{old}`", n + 1)));
        }
        credential::decode(&row.text)
            .map_err(|e| bad(format!("line {}: not a credential: {e}", n + 1)))?;
        objects.push((
            format!("{REFRESH}{}.txt", old.to_ascii_lowercase()),
            row.text,
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.max(1))
        .build()
        .map_err(|e| CliError::input("cannot start threads").because(&e))?;
    let mut public = None;
    match (&args.store, &args.dir) {
        (Some(store), _) => {
            let store = StoreConfig::read(store)?;
            public.clone_from(&store.refresh_url);
            let bucket = store.refresh_bucket()?;
            pool.install(|| {
                objects.par_iter().try_for_each(|(key, text)| {
                    bucket
                        .put_object_with_content_type(
                            key,
                            text.as_bytes(),
                            "text/plain; charset=utf-8",
                        )
                        .map(drop)
                        .map_err(|e| store_error(&format!("cannot write {key}"), e))
                })
            })?;
        }
        (None, Some(dir)) => {
            let refresh = dir.join(REFRESH);
            std::fs::create_dir_all(&refresh).map_err(|e| {
                CliError::input(format!("cannot create {}", refresh.display())).because(&e)
            })?;
            for (key, text) in &objects {
                let path = dir.join(key);
                std::fs::write(&path, text).map_err(|e| {
                    CliError::input(format!("cannot write {}", path.display())).because(&e)
                })?;
            }
        }
        (None, None) => return Err(CliError::usage("give --store or --dir")),
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "published {} refreshed credentials ({skipped} rows without replaces) in {secs:.1} s",
        objects.len()
    );
    if let Some(url) = public {
        eprintln!(
            "wallets read them with config.json \"refreshUrl\": \"{url}{REFRESH}{{id}}.txt\""
        );
    }
    Ok(ExitCode::SUCCESS)
}
