//! The commands, one module each; this module parses the command line and
//! maps outcomes to the documented exit codes.

mod batch;
mod collect;
mod error;
mod grant;
mod issue;
mod keyfile;
mod output;
mod publish;
mod revoke;
mod sequence;
mod serve;
mod store;
mod time;
mod trust;
mod verify;

use clap::{Parser, Subcommand};

/// Shown after the top-level help: scripts rely on these codes.
const EXIT_CODES: &str = "\
Exit codes:
  0  success (verify: the credential is valid)
  1  a negative answer: verify refused the credential, or issue-batch had failed rows
  2  usage error: unknown command or option, missing or malformed argument
  3  bad input: unreadable or corrupt file, missing or invalid key, bad config,
     corrupted trust list, refusal to overwrite a file, or a trust-list sequence
     that is not higher than the last one signed
  4  the object store could not be reached or refused a request (worth a retry)

Times are RFC 3339 (2026-01-01T08:00:00Z) or Unix seconds (1767254400).";

#[derive(Parser)]
#[command(
    name = "codewallet",
    version,
    about = "Issue, revoke and verify offline health-code credentials",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate an Ed25519 key pair: PKCS#8 private key and SPKI public key (.pub)
    Keygen(keyfile::KeygenArgs),
    /// Sign a trust list of issuer keys and revoked ids with the root key
    TrustList(trust::TrustListArgs),
    /// Issue one credential as text, a link, an SVG or a PNG QR code
    Issue(issue::IssueArgs),
    /// Issue credentials for every row of a CSV or JSON Lines file, in parallel
    IssueBatch(batch::BatchArgs),
    /// Add a credential id to a revocation list
    Revoke(revoke::RevokeArgs),
    /// Let a checkpoint station upload its registrations to the object store
    Grant(grant::GrantArgs),
    /// Join the checkpoints' uploaded registrations with the lab's results by tube
    Collect(collect::CollectArgs),
    /// Put refreshed credentials where wallets fetch them (refresh/<old id>.txt)
    Publish(publish::PublishArgs),
    /// Let the pages' origin post uploads to the bucket and read from it (CORS)
    StoreCors(store::CorsArgs),
    /// Verify a credential offline against a trust list
    Verify(verify::VerifyArgs),
    /// Serve the web pages from a directory, with a strict Content Security Policy
    Serve(serve::ServeArgs),
}

/// Parses the command line, runs the command, and turns its outcome into an exit code.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(args) => keyfile::keygen(&args),
        Command::TrustList(args) => trust::run(&args),
        Command::Issue(args) => issue::run(&args),
        Command::IssueBatch(args) => batch::run(&args),
        Command::Revoke(args) => revoke::run(&args),
        Command::Grant(args) => grant::run(&args),
        Command::Collect(args) => collect::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::StoreCors(args) => store::cors(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Serve(args) => serve::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            e.print();
            e.exit_code()
        }
    }
}
