//! `codewallet grant`: lets one checkpoint station upload its registrations to
//! the object store, under its own prefix, up to a size, until an expiry.

use std::borrow::Cow;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use codewallet::grant::{self, UploadGrant};
use s3::post_policy::{PostPolicy, PostPolicyField, PostPolicyValue};

use crate::cli::error::{CliError, CliResult, print_stdout, write_file};
use crate::cli::store::{CONFIG_HELP, StoreConfig, store_error};
use crate::cli::{keyfile, time};

/// The longest a grant may run: a testing round, with room to spare.
const MAX_VALID_HOURS: u64 = 31 * 24;

/// Arguments of `codewallet grant`.
#[derive(Args)]
#[command(after_help = format!("{GRANT_HELP}\n\n{CONFIG_HELP}"))]
pub struct GrantArgs {
    /// Root private key (PKCS#8 PEM): the checkpoint page pins its public key
    #[arg(long, value_name = "FILE")]
    root_key: PathBuf,
    /// Object store configuration (JSON, see below)
    #[arg(long, value_name = "FILE")]
    store: PathBuf,
    /// The station's id: 1 to 64 letters, digits, '-' or '_'
    #[arg(long, value_name = "ID")]
    station: String,
    /// Hours the grant is valid, at most 744 (31 days)
    #[arg(long, default_value_t = 72, value_name = "HOURS")]
    valid_hours: u64,
    /// The largest object the station may upload, in bytes
    #[arg(long, default_value_t = 4 * 1024 * 1024, value_name = "BYTES")]
    max_bytes: u64,
    /// Signed grant to write (binary COSE); the CWG1: text goes to stdout
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The current time: issue time of the grant [default: the OS clock]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    now: Option<u64>,
}

const GRANT_HELP: &str = "\
The grant holds an S3 POST policy signed with the store's secret: uploads only
under registrations/<station>/, at most --max-bytes each, until it expires. The
phone never holds the secret. The grant itself is signed by the root key, so a
checkpoint provisioned with the root key takes it from a file, a link
(…/verify/#CWG1:…) or a QR code, and nobody can point it at another store.";

/// `codewallet grant`.
pub fn run(args: &GrantArgs) -> CliResult {
    if !grant::valid_station(&args.station) {
        return Err(CliError::usage(format!(
            "station id `{}`: use 1 to 64 letters, digits, '-' or '_'",
            args.station
        )));
    }
    if args.valid_hours == 0 || args.valid_hours > MAX_VALID_HOURS {
        return Err(CliError::usage(format!(
            "--valid-hours {}: a grant runs 1 to {MAX_VALID_HOURS} hours",
            args.valid_hours
        )));
    }
    let Ok(max_bytes) = u32::try_from(args.max_bytes) else {
        return Err(CliError::usage("--max-bytes: at most 4294967295 (4 GiB)"));
    };
    if max_bytes == 0 {
        return Err(CliError::usage("--max-bytes must be at least 1"));
    }
    let root = keyfile::read_secret(&args.root_key)?;
    let store = StoreConfig::read(&args.store)?;
    let now = time::now_or(args.now);
    let valid_secs = args.valid_hours * 3600;
    let prefix = UploadGrant::prefix_for(&args.station);
    // At most 744 hours: the seconds fit a u32.
    let policy = PostPolicy::new(valid_secs as u32)
        .condition(
            PostPolicyField::Key,
            PostPolicyValue::StartsWith(Cow::from(prefix.clone())),
        )
        .and_then(|p| {
            p.condition(
                PostPolicyField::ContentLengthRange,
                PostPolicyValue::Range(1, max_bytes),
            )
        })
        .map_err(|e| store_error("cannot build the POST policy", e))?;
    // Signing a POST policy is local: no request goes to the store.
    let presigned = store
        .bucket()?
        .presign_post(policy)
        .map_err(|e| store_error("cannot sign the POST policy", e))?;
    let mut fields: Vec<(String, String)> = presigned.fields.into_iter().collect();
    // The policy names the bucket; the form needs no bucket field, and a fixed order keeps the grant stable.
    fields.retain(|(name, _)| name != "bucket");
    fields.sort();
    let grant = UploadGrant {
        station: args.station.clone(),
        endpoint: store.bucket_url(),
        prefix,
        max_bytes: args.max_bytes,
        issued_at: now,
        expires_at: now + valid_secs,
        fields,
    };
    let signed = grant
        .sign(&root)
        .map_err(|e| CliError::input("cannot sign the grant").because(&e))?;
    write_file(&args.out, "grant", &signed)?;
    print_stdout(&format!("{}\n", UploadGrant::to_text(&signed)))?;
    eprintln!(
        "{grant}, at most {} bytes per object, until {}",
        args.max_bytes,
        time::format(grant.expires_at)
    );
    Ok(ExitCode::SUCCESS)
}
