//! `codewallet issue`: one credential, as text, a link, an SVG or a PNG QR code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use codewallet::credential::{MAX_NAME_LEN, MAX_VALIDITY};
use codewallet::{Credential, CredentialId, IdBinding, QrMatrix, SecretKey, Status, mask_name};

use crate::cli::error::{CliError, CliResult, print_stdout, write_file};
use crate::cli::{keyfile, output, time};

/// Arguments of `codewallet issue`.
#[derive(Args)]
#[command(after_help = "\
The name is masked (first and last character kept) before signing; the full name
and the ID number are never written out. The credential id is printed on stderr.")]
pub struct IssueArgs {
    /// Issuer private key (PKCS#8 PEM)
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Issuer name written into the credential
    #[arg(long, value_name = "NAME")]
    issuer: String,
    /// The holder's full name (only the masked form is signed)
    #[arg(long, value_name = "FULL NAME")]
    name: String,
    /// The holder's ID document number (only a salted hash is signed)
    #[arg(long, value_name = "NUMBER")]
    id_number: String,
    /// The status to attest: green, yellow or red
    #[arg(long, value_parser = parse_status)]
    status: Status,
    /// Hours of validity from --not-before, at most 8784 (366 days)
    #[arg(long, default_value_t = 48, value_parser = parse_valid_hours, value_name = "HOURS")]
    valid_hours: u64,
    /// When the test was taken or the decision made [default: now]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    decided_at: Option<u64>,
    /// Start of validity [default: now]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    not_before: Option<u64>,
    /// The current time [default: the OS clock]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    now: Option<u64>,
    /// Output: CW1: text, a wallet link, or a QR code (PNG: 8 px per module)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Page the link opens (for --format link)
    #[arg(
        long,
        default_value = "http://127.0.0.1:8080/wallet/",
        value_name = "URL"
    )]
    link_base: String,
    /// Write to FILE instead of standard output (required for png)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// How `issue` writes the credential.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Link,
    Svg,
    Png,
}

/// Parses a status name for clap.
pub fn parse_status(text: &str) -> Result<Status, String> {
    Status::from_name(text).ok_or_else(|| unknown_status(text))
}

/// The message for a status that is not green, yellow or red.
pub fn unknown_status(text: &str) -> String {
    format!("unknown status `{text}` (expected green, yellow or red)")
}

/// The longest validity in hours: the format's limit (366 days).
pub const MAX_VALID_HOURS: u64 = MAX_VALIDITY / 3600;

/// Checks a validity in hours against the format's limits.
pub fn check_valid_hours(hours: u64) -> Result<(), String> {
    if hours == 0 {
        return Err("valid_hours must be at least 1".into());
    }
    if hours > MAX_VALID_HOURS {
        return Err(format!(
            "{hours} hours is longer than a credential may be valid: at most {MAX_VALID_HOURS} hours ({} days)",
            MAX_VALIDITY / 86_400
        ));
    }
    Ok(())
}

/// Parses `--valid-hours` for clap, so a validity out of bounds is a usage error.
pub fn parse_valid_hours(text: &str) -> Result<u64, String> {
    let hours = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of hours"))?;
    check_valid_hours(hours)?;
    Ok(hours)
}

/// Checks the issuer name once, before any signing.
pub fn check_issuer(name: &str) -> Result<(), CliError> {
    if name.trim().is_empty() {
        return Err(CliError::input("the issuer name is empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(CliError::input(format!(
            "the issuer name is {} bytes long; at most {MAX_NAME_LEN} fit in a credential",
            name.len()
        )));
    }
    Ok(())
}

/// The person-specific fields of one credential, as typed by an operator or read from a row.
pub struct Subject<'a> {
    /// Full name, masked before signing.
    pub name: &'a str,
    /// ID document number, hashed before signing.
    pub id_number: &'a str,
    /// Attested status.
    pub status: Status,
    /// Decision time.
    pub decided_at: u64,
    /// Start of validity.
    pub not_before: u64,
    /// Hours of validity.
    pub valid_hours: u64,
}

/// Builds and signs one credential; shared by `issue` and `issue-batch`.
///
/// # Errors
/// A message for a person: empty fields, an overflowing validity, a name too long.
pub fn sign_one(
    key: &SecretKey,
    issuer: &str,
    id: CredentialId,
    now: u64,
    subject: &Subject,
) -> Result<(Credential, String), String> {
    if subject.name.trim().is_empty() {
        return Err("empty name".into());
    }
    if subject.id_number.trim().is_empty() {
        return Err("empty id_number".into());
    }
    check_valid_hours(subject.valid_hours)?;
    let credential = Credential {
        issuer: issuer.to_owned(),
        id,
        issued_at: now,
        not_before: subject.not_before,
        expires_at: time::add_hours(subject.not_before, subject.valid_hours)?,
        status: subject.status,
        decided_at: subject.decided_at,
        display_name: mask_name(subject.name),
        id_binding: IdBinding::new(&id, subject.id_number),
        holder_key: None,
    };
    let text = credential.sign(key).map_err(|e| e.to_string())?;
    Ok((credential, text))
}

/// `codewallet issue`.
pub fn run(args: &IssueArgs) -> CliResult {
    if args.format == Format::Png && args.out.is_none() {
        return Err(CliError::usage("--format png needs --out FILE"));
    }
    check_issuer(&args.issuer)?;
    let key = keyfile::read_secret(&args.key)?;
    let now = time::now_or(args.now);
    let mut id = [0; codewallet::credential::ID_LEN];
    getrandom::fill(&mut id)
        .map_err(|e| CliError::input("the OS random generator failed").because(&e))?;
    let subject = Subject {
        name: &args.name,
        id_number: &args.id_number,
        status: args.status,
        decided_at: args.decided_at.unwrap_or(now),
        not_before: args.not_before.unwrap_or(now),
        valid_hours: args.valid_hours,
    };
    let (credential, text) = sign_one(&key, &args.issuer, CredentialId(id), now, &subject)
        .map_err(|reason| CliError::input(format!("cannot issue the credential: {reason}")))?;

    let bytes = match args.format {
        Format::Text => format!("{text}\n").into_bytes(),
        Format::Link => {
            format!("{}#{}\n", args.link_base, output::percent_encode(&text)).into_bytes()
        }
        Format::Svg | Format::Png => {
            let qr = QrMatrix::encode(&text)
                .map_err(|e| CliError::input("cannot make a QR code").because(&e))?;
            if args.format == Format::Svg {
                format!("{}\n", qr.to_svg()).into_bytes()
            } else {
                output::qr_png(&qr)
                    .map_err(|e| CliError::input("cannot encode the PNG").because_of(e))?
            }
        }
    };
    match &args.out {
        Some(path) => write_file(path, "output", &bytes)?,
        None => print_stdout(&String::from_utf8_lossy(&bytes))?,
    }
    // On stderr, so standard output stays the credential alone.
    eprintln!(
        "issued {} {} for {}, valid until {}",
        credential.status,
        credential.id,
        credential.display_name,
        time::format(credential.expires_at)
    );
    Ok(ExitCode::SUCCESS)
}
