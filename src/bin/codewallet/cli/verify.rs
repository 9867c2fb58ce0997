//! `codewallet verify`: the checkpoint's verdict, offline, in words or JSON.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use codewallet::{Credential, Policy, TrustList, TrustListError, Verdict};

use crate::cli::error::{CliError, CliResult, EXIT_REFUSED, print_stdout, read_file};
use crate::cli::output::JsonObject;
use crate::cli::{keyfile, time};

/// Arguments of `codewallet verify`.
#[derive(Args)]
#[command(after_help = "\
Exit codes: 0 valid, 1 refused, 3 the trust list or root key cannot be read.
Output: `VALID  <status>  <name>  valid until <time>` or `REFUSED  <reason>`,
then one `warning: ...` line per warning; --json prints one object instead.")]
pub struct VerifyArgs {
    /// Signed trust list (binary, or the CWL1: text form)
    #[arg(long, value_name = "FILE")]
    trust_list: PathBuf,
    /// The pinned root public key (SPKI PEM)
    #[arg(long, value_name = "FILE")]
    root: PathBuf,
    /// The current time [default: the OS clock]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    now: Option<u64>,
    /// Print the verdict as one JSON object
    #[arg(long)]
    json: bool,
    /// The credential text (CW1:...), or - to read it from standard input
    #[arg(value_name = "TEXT", default_value = "-")]
    text: String,
}

/// Opens the trust list, saying plainly when it is damaged.
fn open_trust_list(args: &VerifyArgs) -> Result<TrustList, CliError> {
    let root = keyfile::read_public(&args.root)?;
    let bytes = read_file(&args.trust_list, "trust list")?;
    let path = args.trust_list.display();
    TrustList::open(&bytes, &root).map_err(|e| {
        let message = match &e {
            TrustListError::Decode(_) => {
                format!("trust list {path} is corrupted or not a trust list")
            }
            TrustListError::InvalidSignature => {
                format!("trust list {path} is corrupted or forged")
            }
            TrustListError::WrongRoot { .. } => format!(
                "trust list {path} is not signed by the root key {}",
                args.root.display()
            ),
            _ => format!("trust list {path} cannot be used"),
        };
        CliError::input(message).because(&e)
    })
}

/// The credential text from the argument or standard input.
fn read_text(arg: &str) -> Result<String, CliError> {
    if arg != "-" {
        return Ok(arg.trim().to_owned());
    }
    // Far more than any credential; the verifier refuses long input anyway.
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(64 * 1024)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::input("cannot read standard input").because(&e))?;
    Ok(String::from_utf8_lossy(&buf).trim().to_owned())
}

/// `codewallet verify`.
pub fn run(args: &VerifyArgs) -> CliResult {
    let trust = open_trust_list(args)?;
    let text = read_text(&args.text)?;
    let now = time::now_or(args.now);
    let verdict = codewallet::verify(&text, &trust, now, &Policy::default());
    let printed = if args.json {
        format!("{}\n", as_json(&verdict))
    } else {
        in_words(&verdict)
    };
    print_stdout(&printed)?;
    Ok(if verdict.is_valid() && verdict.credential.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REFUSED)
    })
}

fn in_words(verdict: &Verdict) -> String {
    let mut out = match (&verdict.failure, &verdict.credential) {
        (None, Some(c)) => format!(
            "VALID  {}  {}  valid until {}\n",
            c.status,
            c.display_name,
            time::format(c.expires_at)
        ),
        (Some(failure), _) => format!("REFUSED  {failure}\n"),
        // `verify` always returns the claims of a valid credential.
        (None, None) => "REFUSED  no credential\n".to_string(),
    };
    for warning in &verdict.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    out
}

fn as_json(verdict: &Verdict) -> String {
    let reason = match (&verdict.failure, &verdict.credential) {
        (Some(failure), _) => failure.to_string(),
        (None, Some(c)) => format!("valid until {}", time::format(c.expires_at)),
        (None, None) => "no credential".to_string(),
    };
    let warnings: Vec<String> = verdict
        .warnings
        .iter()
        .map(|w| {
            JsonObject::new()
                .string("code", w.code())
                .string("message", &w.to_string())
                .finish()
        })
        .collect();
    let valid = verdict.is_valid() && verdict.credential.is_some();
    JsonObject::new()
        .raw("valid", if valid { "true" } else { "false" })
        .string_or_null("code", verdict.failure.as_ref().map(|f| f.code()))
        .string("reason", &reason)
        .raw("warnings", &format!("[{}]", warnings.join(", ")))
        .raw(
            "credential",
            &verdict
                .credential
                .as_ref()
                .map_or_else(|| "null".to_string(), claims_json),
        )
        .finish()
}

/// The claims a checkpoint may show; times in Unix seconds.
fn claims_json(c: &Credential) -> String {
    JsonObject::new()
        .string("issuer", &c.issuer)
        .string("id", &c.id.to_string())
        .string("status", c.status.name())
        .string("name", &c.display_name)
        .raw("issued_at", &c.issued_at.to_string())
        .raw("not_before", &c.not_before.to_string())
        .raw("expires_at", &c.expires_at.to_string())
        .raw("decided_at", &c.decided_at.to_string())
        .finish()
}
