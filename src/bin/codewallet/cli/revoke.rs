//! `codewallet revoke` and the revocation list file it keeps.
//!
//! The list is JSON Lines, one `{"id": "<16 hex>", "expires_at": UNIX_SECONDS}`
//! per revoked credential, append-only so it merges and diffs well. `trust-list`
//! publishes the entries that have not expired yet.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args};
use codewallet::CredentialId;
use serde::Deserialize;

use crate::cli::error::{CliError, CliResult, print_stdout};
use crate::cli::time;

/// Arguments of `codewallet revoke`.
#[derive(Args)]
#[command(group(ArgGroup::new("which").required(true).args(["credential", "id"])))]
#[command(after_help = "\
With --credential, the id and expiry are read from the credential (decoded, not verified).
An entry without expiry is published in every trust list; one with an expiry is left out
once the credential has expired anyway. Revoking an id already listed changes nothing.")]
pub struct RevokeArgs {
    /// Revocation list (JSON Lines), created if missing
    #[arg(long, value_name = "FILE")]
    list: PathBuf,
    /// The credential text (CW1:...) to revoke
    #[arg(long, value_name = "TEXT")]
    credential: Option<String>,
    /// The credential id to revoke, 16 hex digits
    #[arg(long, value_name = "HEX16", value_parser = parse_id)]
    id: Option<CredentialId>,
    /// Keep the entry until this time [default: the credential's expiry, with --credential]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    expires_at: Option<u64>,
}

/// One line of a revocation list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryLine {
    id: String,
    #[serde(default)]
    expires_at: Option<time::JsonTime>,
}

/// A revoked credential id and how long the revocation matters.
pub struct Entry {
    /// The revoked id.
    pub id: CredentialId,
    /// After this the credential has expired anyway; `None` keeps it forever.
    pub expires_at: Option<u64>,
}

/// Reads a revocation list; a missing file is an error only if `must_exist`.
pub fn read_list(path: &Path, must_exist: bool) -> Result<Vec<Entry>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(
                CliError::input(format!("cannot read revocation list {}", path.display()))
                    .because(&e),
            );
        }
    };
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| {
            CliError::input(format!(
                "revocation list {} line {}: {why}",
                path.display(),
                i + 1
            ))
        };
        let entry: EntryLine = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let id = parse_id(&entry.id).map_err(bad)?;
        let expires_at = entry
            .expires_at
            .map(|t| t.seconds())
            .transpose()
            .map_err(bad)?;
        entries.push(Entry { id, expires_at });
    }
    Ok(entries)
}

/// Parses a credential id written as 16 hex digits.
pub fn parse_id(text: &str) -> Result<CredentialId, String> {
    codewallet::hex::decode_array(text.trim())
        .map(CredentialId)
        .ok_or_else(|| format!("`{text}` is not a credential id (16 hex digits)"))
}

/// `codewallet revoke`.
pub fn run(args: &RevokeArgs) -> CliResult {
    let (id, expires_at) = match (&args.credential, &args.id) {
        (Some(text), _) => {
            let decoded = codewallet::credential::decode(text.trim())
                .map_err(|e| CliError::input("cannot read the credential to revoke").because(&e))?;
            let c = decoded.credential;
            (c.id, Some(args.expires_at.unwrap_or(c.expires_at)))
        }
        (None, Some(id)) => (*id, args.expires_at),
        (None, None) => return Err(CliError::usage("pass --credential or --id")),
    };
    let existing = read_list(&args.list, false)?;
    if existing.iter().any(|e| e.id == id) {
        print_stdout(&format!("credential {id} is already revoked\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut line = format!("{{\"id\": \"{id}\"");
    if let Some(t) = expires_at {
        line.push_str(&format!(", \"expires_at\": {t}"));
    }
    line.push_str("}\n");
    append(&args.list, &line)?;
    let until = expires_at.map_or_else(
        || " (kept in every trust list)".to_string(),
        |t| format!(" until {}", time::format(t)),
    );
    print_stdout(&format!("revoked {id}{until}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// Appends `line`, first ending an unterminated last line of the file.
fn append(path: &Path, line: &str) -> Result<(), CliError> {
    let cannot = |e: std::io::Error| {
        CliError::input(format!("cannot write revocation list {}", path.display())).because(&e)
    };
    let needs_newline = std::fs::read(path)
        .map(|bytes| !bytes.is_empty() && !bytes.ends_with(b"\n"))
        .unwrap_or(false);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(cannot)?;
    let mut text = String::new();
    if needs_newline {
        text.push('\n');
    }
    text.push_str(line);
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(cannot)
}
