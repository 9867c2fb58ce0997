//! The object store the checkpoints upload to, spoken to through the S3 API
//! only (AWS S3, Garage, MinIO and Ceph alike): its configuration file and a
//! client for it.

use std::path::Path;

use s3::Bucket;
use s3::Region;
use s3::creds::Credentials;
use serde::Deserialize;

use crate::cli::error::{CliError, read_text};

/// Shown in the help of every command that reads a store configuration.
pub const CONFIG_HELP: &str = "\
Store configuration (JSON; keep it private, it holds the store's secret):
  {\"endpoint\": \"https://s3.example.org\", \"region\": \"garage\", \"bucket\": \"codewallet\",
   \"refresh_bucket\": \"codewallet-refresh\", \"refresh_url\": \"https://refresh.example.org/\",
   \"access_key_id\": \"GK...\", \"secret_access_key\": \"...\"}
bucket holds the checkpoints' uploads and is never public; refresh_bucket
(optional, default: bucket) holds the refreshed credentials, which anyone may
read at refresh_url (a website endpoint or a CDN in front of the bucket).
The environment variables CODEWALLET_S3_ACCESS_KEY_ID and
CODEWALLET_S3_SECRET_ACCESS_KEY, when set, take the place of the two keys.
Buckets are addressed path-style (endpoint/bucket), which every S3 store serves.";

/// Where the store is and how to sign for it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// The S3 endpoint, `https://host[:port]`.
    pub endpoint: String,
    /// The region name the store signs with (`garage`, `us-east-1`, …).
    pub region: String,
    /// The bucket of the uploads (private).
    pub bucket: String,
    /// The bucket of the refreshed credentials (publicly readable).
    #[serde(default)]
    pub refresh_bucket: Option<String>,
    /// Where wallets read `refresh_bucket` from.
    #[serde(default)]
    pub refresh_url: Option<String>,
    #[serde(default)]
    access_key_id: Option<String>,
    #[serde(default)]
    secret_access_key: Option<String>,
}

impl StoreConfig {
    /// Reads a store configuration file.
    pub fn read(path: &Path) -> Result<StoreConfig, CliError> {
        let text = read_text(path, "store configuration")?;
        let mut config: StoreConfig = serde_json::from_str(&text).map_err(|e| {
            CliError::input(format!("bad store configuration {}", path.display())).because(&e)
        })?;
        if let Ok(id) = std::env::var("CODEWALLET_S3_ACCESS_KEY_ID") {
            config.access_key_id = Some(id);
        }
        if let Ok(secret) = std::env::var("CODEWALLET_S3_SECRET_ACCESS_KEY") {
            config.secret_access_key = Some(secret);
        }
        let bad = |why: &str| {
            CliError::input(format!("bad store configuration {}: {why}", path.display()))
        };
        let endpoint = config.endpoint.trim_end_matches('/');
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
            || endpoint.matches('/').count() != 2
        {
            return Err(bad(
                "endpoint must be http(s)://host[:port], without a path",
            ));
        }
        config.endpoint = endpoint.to_owned();
        if config.bucket.is_empty() || config.bucket.contains('/') {
            return Err(bad("bucket must be a bucket name"));
        }
        if config.access_key_id.is_none() || config.secret_access_key.is_none() {
            return Err(bad("access_key_id and secret_access_key are needed"));
        }
        Ok(config)
    }

    /// The bucket's URL, where browsers post their uploads.
    pub fn bucket_url(&self) -> String {
        format!("{}/{}", self.endpoint, self.bucket)
    }

    /// A client for the uploads' bucket.
    pub fn bucket(&self) -> Result<Box<Bucket>, CliError> {
        self.bucket_named(&self.bucket)
    }

    /// A client for the refreshed credentials' bucket.
    pub fn refresh_bucket(&self) -> Result<Box<Bucket>, CliError> {
        self.bucket_named(self.refresh_bucket.as_deref().unwrap_or(&self.bucket))
    }

    fn bucket_named(&self, name: &str) -> Result<Box<Bucket>, CliError> {
        let credentials = Credentials::new(
            self.access_key_id.as_deref(),
            self.secret_access_key.as_deref(),
            None,
            None,
            None,
        )
        .map_err(|e| CliError::input("bad store credentials").because_of(e))?;
        let region = Region::Custom {
            region: self.region.clone(),
            endpoint: self.endpoint.clone(),
        };
        Ok(Bucket::new(name, region, credentials)
            .map_err(|e| CliError::input("bad store configuration").because_of(e))?
            .with_path_style())
    }
}

/// A store request that failed: the store is down, refused, or answered oddly.
pub fn store_error(what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::store(format!("object store: {what}")).because_of(e)
}

/// Arguments of `codewallet store-cors`.
#[derive(clap::Args)]
#[command(after_help = CONFIG_HELP)]
pub struct CorsArgs {
    /// Object store configuration (JSON, see below)
    #[arg(long, value_name = "FILE")]
    store: std::path::PathBuf,
    /// The origin the pages are served from (https://codes.example.org); repeat for several
    #[arg(long = "origin", value_name = "ORIGIN", required = true)]
    origins: Vec<String>,
    /// The bucket owner's account id, where the store checks it (AWS S3)
    #[arg(long, value_name = "ID", default_value = "")]
    expected_owner: String,
}

/// `codewallet store-cors`: lets pages of the given origins post uploads to
/// the bucket (checkpoints) and read refreshed credentials from it (wallets).
pub fn cors(args: &CorsArgs) -> crate::cli::error::CliResult {
    for origin in &args.origins {
        let bare = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        if !bare.is_some_and(|host| !host.is_empty() && !host.contains('/')) {
            return Err(CliError::usage(format!(
                "--origin {origin}: an origin is http(s)://host[:port], without a path"
            )));
        }
    }
    let store = StoreConfig::read(&args.store)?;
    let rule = s3::serde_types::CorsRule::new(
        Some(vec!["*".to_owned()]),
        vec!["GET".to_owned(), "HEAD".to_owned(), "POST".to_owned()],
        args.origins.clone(),
        Some(vec!["ETag".to_owned()]),
        Some("codewallet-pages".to_owned()),
        Some(3600),
    );
    let config = s3::serde_types::CorsConfiguration::new(vec![rule]);
    let mut buckets = vec![store.bucket()?];
    if store.refresh_bucket.is_some() {
        buckets.push(store.refresh_bucket()?);
    }
    for bucket in buckets {
        bucket
            .put_bucket_cors(&args.expected_owner, &config)
            .map_err(|e| store_error(&format!("cannot set CORS rules of {}", bucket.name), e))?;
    }
    eprintln!(
        "{}: pages from {} may post uploads and read objects",
        store.bucket_url(),
        args.origins.join(", ")
    );
    Ok(std::process::ExitCode::SUCCESS)
}
