//! `codewallet trust-list`: the root key signs which issuer keys checkpoints accept.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use codewallet::{IssuerEntry, Status, TrustList};
use serde::Deserialize;

use crate::cli::error::{CliError, CliResult, print_stdout, read_file, read_text, stage_file};
use crate::cli::{keyfile, revoke, sequence, time};

/// Arguments of `codewallet trust-list`.
#[derive(Args)]
#[command(after_help = "\
Config (JSON):
  {\"sequence\": 1, \"valid_for_hours\": 168,
   \"issuers\": [{\"name\": \"Demo CDC\", \"public_key\": \"issuer.pub\",
                \"not_before\": TIME, \"expires_at\": TIME,
                \"statuses\": [\"green\", \"yellow\", \"red\"]}]}
public_key is a path relative to the config file. The list is valid from --now
for valid_for_hours. Revoked ids whose expiry has passed are left out.

Sequence: checkpoints accept a different list only with a higher sequence, so
every new list needs a higher sequence than the last one signed with the root key.
That one is recorded beside the key, in <root key>.seq. Signing the same sequence
again is allowed only for the identical list (it writes the same bytes); a lower
sequence, or a different list with the same sequence, is refused (exit 3).
--previous checks against a published list the same way, where the record is not
at hand (another machine).")]
pub struct TrustListArgs {
    /// Trust list configuration (JSON)
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Root private key (PKCS#8 PEM)
    #[arg(long, value_name = "FILE")]
    root_key: PathBuf,
    /// Signed trust list to write (binary COSE)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Revocation list (JSON Lines, as written by `revoke`)
    #[arg(long, value_name = "FILE")]
    revoked: Option<PathBuf>,
    /// The current time: issue time of the list [default: the OS clock]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    now: Option<u64>,
    /// Also write the text form (CWL1:...) for links and QR provisioning
    #[arg(long, value_name = "FILE")]
    text_out: Option<PathBuf>,
    /// The last published trust list (binary or CWL1: text): never go back on its sequence
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    sequence: u64,
    valid_for_hours: u64,
    issuers: Vec<IssuerConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerConfig {
    name: String,
    public_key: PathBuf,
    not_before: time::JsonTime,
    expires_at: time::JsonTime,
    statuses: Vec<String>,
}

impl IssuerConfig {
    /// The library's entry; `base` is the config file's directory.
    fn to_entry(&self, base: &Path) -> Result<IssuerEntry, String> {
        let not_before = self
            .not_before
            .seconds()
            .map_err(|e| format!("not_before: {e}"))?;
        let expires_at = self
            .expires_at
            .seconds()
            .map_err(|e| format!("expires_at: {e}"))?;
        if expires_at <= not_before {
            return Err("expires_at is not after not_before".into());
        }
        if self.statuses.is_empty() {
            return Err("statuses is empty: list what the key may issue".into());
        }
        let mut statuses = Vec::new();
        for name in &self.statuses {
            let status =
                Status::from_name(name).ok_or_else(|| crate::cli::issue::unknown_status(name))?;
            if statuses.contains(&status) {
                return Err(format!("status `{name}` is listed twice"));
            }
            statuses.push(status);
        }
        let key_path = base.join(&self.public_key);
        let key = keyfile::read_public(&key_path).map_err(|e| e.summary())?;
        Ok(IssuerEntry {
            key,
            name: self.name.clone(),
            not_before,
            expires_at,
            statuses,
        })
    }
}

/// `codewallet trust-list`.
pub fn run(args: &TrustListArgs) -> CliResult {
    let config_text = read_text(&args.config, "config")?;
    let config: Config = serde_json::from_str(&config_text).map_err(|e| {
        CliError::input(format!("bad config {}", args.config.display())).because(&e)
    })?;
    let bad_config =
        |why: String| CliError::input(format!("bad config {}: {why}", args.config.display()));
    if config.valid_for_hours == 0 {
        return Err(bad_config("valid_for_hours must be at least 1".into()));
    }
    if config.issuers.is_empty() {
        return Err(bad_config(
            "no issuers: a trust list needs at least one".into(),
        ));
    }
    let base = args.config.parent().unwrap_or(Path::new(""));
    let issuers = config
        .issuers
        .iter()
        .enumerate()
        .map(|(i, issuer)| {
            issuer
                .to_entry(base)
                .map_err(|e| bad_config(format!("issuer {} ({}): {e}", i + 1, issuer.name)))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let root = keyfile::read_secret(&args.root_key)?;
    let now = time::now_or(args.now);
    let expires_at = time::add_hours(now, config.valid_for_hours).map_err(bad_config)?;
    let revoked: Vec<_> = match &args.revoked {
        Some(path) => revoke::read_list(path, true)?
            .into_iter()
            .filter(|e| e.expires_at.is_none_or(|t| t > now))
            .map(|e| e.id)
            .collect(),
        None => Vec::new(),
    };
    let list = TrustList::new(config.sequence, now, expires_at, issuers, revoked);
    let signed = list
        .sign(&root)
        .map_err(|e| bad_config("cannot sign the trust list".into()).because(&e))?;

    // Never two different lists with one sequence, never going back.
    let digest = sequence::digest(&signed);
    let record_path = sequence::record_path(&args.root_key);
    let record = sequence::read(&record_path)?;
    if let Some(last) = &record {
        let source = record_path.display().to_string();
        sequence::check(list.sequence, last.digest == digest, last.sequence, &source)?;
    }
    if let Some(path) = &args.previous {
        let previous = open_previous(path, &root)?;
        let source = format!("previous list {}", path.display());
        sequence::check(list.sequence, previous == list, previous.sequence, &source)?;
    }

    // The record is updated before the list is put in place: a failure between
    // the two leaves a record that only an identical list can be signed under.
    let staged_list = stage_file(&args.out, "trust list", &signed)?;
    let staged_text = match &args.text_out {
        Some(path) => {
            let text = TrustList::to_text(&signed);
            Some(stage_file(
                path,
                "trust list text",
                format!("{text}\n").as_bytes(),
            )?)
        }
        None => None,
    };
    if record.is_none_or(|last| last.sequence < list.sequence) {
        let last = sequence::Last {
            sequence: list.sequence,
            digest,
        };
        sequence::write(&record_path, &args.root_key, &last)?;
    }
    staged_list.commit()?;
    if let Some(staged) = staged_text {
        staged.commit()?;
    }
    print_stdout(&format!(
        "sequence {}\nissuers {}\nrevoked {}\nbytes {}\nvalid until {}\n",
        list.sequence,
        list.issuers.len(),
        list.revoked().len(),
        signed.len(),
        time::format(list.expires_at)
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the `--previous` list with the root key being used.
fn open_previous(path: &Path, root: &codewallet::SecretKey) -> Result<TrustList, CliError> {
    let bytes = read_file(path, "previous trust list")?;
    TrustList::open(&bytes, &root.public_key()).map_err(|e| {
        let message = match &e {
            codewallet::TrustListError::WrongRoot { .. } => format!(
                "previous trust list {} is not signed by this root key",
                path.display()
            ),
            _ => format!(
                "previous trust list {} is corrupted or not a trust list",
                path.display()
            ),
        };
        CliError::input(message).because(&e)
    })
}
