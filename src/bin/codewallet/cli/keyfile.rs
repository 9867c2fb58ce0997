//! Key files: PKCS#8 PEM private keys, SPKI PEM public keys, and `keygen`.
//!
//! PEM is what `openssl pkey` reads and writes, so keys can be inspected and
//! moved with standard tools. The library only sees raw 32-byte seeds and keys.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use codewallet::{PublicKey, SecretKey};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::cli::error::{CliError, CliResult, print_stdout, read_text};

/// Arguments of `codewallet keygen`.
#[derive(Args)]
#[command(after_help = "The private key file is created with mode 0600.
Root and issuer keys are the same kind of key; the role is how they are used.")]
pub struct KeygenArgs {
    /// Private key file to create; the public key goes beside it with the extension .pub
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Replace existing key files
    #[arg(long)]
    force: bool,
}

/// `codewallet keygen`: a fresh key from the OS random generator.
pub fn keygen(args: &KeygenArgs) -> CliResult {
    let public_path = public_path_for(&args.out);
    if public_path == args.out {
        return Err(CliError::input(format!(
            "{} ends in .pub, which is where the public key goes; choose another name, such as issuer.key",
            args.out.display()
        )));
    }
    if !args.force {
        for path in [&args.out, &public_path] {
            if path.exists() {
                return Err(CliError::input(format!(
                    "{} already exists; pass --force to replace it",
                    path.display()
                )));
            }
        }
    }

    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| CliError::input("the OS random generator failed").because(&e))?;
    let signing = SigningKey::from_bytes(&seed);
    seed.fill(0);
    // PKCS#8 v1, the seed alone: OpenSSL 3.0 refuses v2 Ed25519 keys (with the
    // public key attached), and the public key is derived from the seed anyway.
    let private_pem = KeypairBytes {
        secret_key: signing.to_bytes(),
        public_key: None,
    }
    .to_pkcs8_pem(LineEnding::LF)
    .map_err(|e| CliError::input("cannot encode the private key").because(&e))?;
    let public_pem = signing
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| CliError::input("cannot encode the public key").because(&e))?;

    write_private(&args.out, private_pem.as_bytes(), args.force)?;
    crate::cli::error::write_file(&public_path, "public key", public_pem.as_bytes())?;

    let key = SecretKey::from_seed(&signing.to_bytes());
    let public = key.public_key();
    print_stdout(&format!(
        "kid {}\npublic {}\n",
        public.key_id(),
        codewallet::hex::encode(&public.to_bytes())
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// Where the public key of the private key file `path` goes: `keys/root.key` → `keys/root.pub`.
pub fn public_path_for(path: &Path) -> PathBuf {
    path.with_extension("pub")
}

/// Creates the private key file readable by its owner only.
fn write_private(path: &Path, pem: &[u8], force: bool) -> Result<(), CliError> {
    let cannot = |e: std::io::Error| {
        CliError::input(format!("cannot write private key {}", path.display())).because(&e)
    };
    let mut options = OpenOptions::new();
    options.write(true).mode(0o600);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(cannot)?;
    // An existing file keeps its mode on open; narrow it before any secret is written.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(cannot)?;
    file.write_all(pem)
        .and_then(|()| file.sync_all())
        .map_err(cannot)
}

/// Reads a PKCS#8 PEM Ed25519 private key.
pub fn read_secret(path: &Path) -> Result<SecretKey, CliError> {
    let text = read_text(path, "private key")?;
    let signing = SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        let hint = if text.contains("PUBLIC KEY") {
            " (it holds a public key; pass the private key file)"
        } else {
            ""
        };
        CliError::input(format!(
            "{} is not an Ed25519 private key in PKCS#8 PEM{hint}",
            path.display()
        ))
        .because(&e)
    })?;
    Ok(SecretKey::from_seed(&signing.to_bytes()))
}

/// Reads an SPKI PEM Ed25519 public key.
pub fn read_public(path: &Path) -> Result<PublicKey, CliError> {
    let text = read_text(path, "public key")?;
    if text.contains("PRIVATE KEY") {
        // Refuse rather than derive: a private key has no business on a verifier.
        return Err(CliError::input(format!(
            "{} holds a private key; pass the public key (.pub) instead",
            path.display()
        )));
    }
    let verifying = VerifyingKey::from_public_key_pem(&text).map_err(|e| {
        CliError::input(format!(
            "{} is not an Ed25519 public key in SPKI PEM",
            path.display()
        ))
        .because(&e)
    })?;
    PublicKey::from_bytes(&verifying.to_bytes()).map_err(|e| {
        CliError::input(format!("{} holds an invalid key", path.display())).because(&e)
    })
}
