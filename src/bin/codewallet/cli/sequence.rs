//! The record of the last trust list a root key signed: `<root key>.seq`, beside the key.
//!
//! Checkpoints accept a different list only with a higher sequence. Two
//! different lists with one sequence would let the older one (say, from before
//! a revocation) be offered again as "the same", so `trust-list` keeps this
//! record and refuses to go back on it.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cli::error::{CliError, write_atomic};

/// The last list signed, as far as a record or a published list tells.
pub struct Last {
    /// Its sequence.
    pub sequence: u64,
    /// SHA-256 of its signed bytes.
    pub digest: [u8; 32],
}

/// `<root key>.seq`: the record beside the root key file.
pub fn record_path(root_key: &Path) -> PathBuf {
    let mut path = root_key.as_os_str().to_owned();
    path.push(".seq");
    path.into()
}

/// SHA-256 of a signed list's bytes. Signing is deterministic, so the same
/// content signed with the same key gives the same digest.
pub fn digest(signed: &[u8]) -> [u8; 32] {
    Sha256::digest(signed).into()
}

/// Reads the record; `None` if there is none yet.
pub fn read(path: &Path) -> Result<Option<Last>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::input(format!(
                "cannot read the sequence record {}",
                path.display()
            ))
            .because(&e));
        }
    };
    parse(&text).map(Some).ok_or_else(|| {
        CliError::input(format!(
            "the sequence record {} is damaged (expected `sequence N` and `sha256 HEX` lines); \
             restore it, or delete it and pass --previous with the last published list",
            path.display()
        ))
    })
}

fn parse(text: &str) -> Option<Last> {
    let (mut sequence, mut digest) = (None, None);
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(' ')? {
            ("sequence", n) if sequence.is_none() => sequence = Some(n.trim().parse().ok()?),
            ("sha256", hex) if digest.is_none() => {
                digest = Some(codewallet::hex::decode_array(hex.trim())?);
            }
            _ => return None,
        }
    }
    Some(Last {
        sequence: sequence?,
        digest: digest?,
    })
}

/// Replaces the record with `last`, in one step.
pub fn write(path: &Path, root_key: &Path, last: &Last) -> Result<(), CliError> {
    let text = format!(
        "# The last trust list signed with {}: codewallet trust-list refuses a lower\n\
         # sequence, and a different list with the same sequence. Keep it beside the key.\n\
         sequence {}\nsha256 {}\n",
        root_key.file_name().map_or_else(
            || root_key.display().to_string(),
            |n| n.to_string_lossy().into_owned()
        ),
        last.sequence,
        codewallet::hex::encode(&last.digest)
    );
    write_atomic(path, "sequence record", text.as_bytes())
}

/// Refuses to sign `sequence` (content `same` as `last`'s or not) after `last`,
/// which `source` names for the message.
pub fn check(sequence: u64, same: bool, last: u64, source: &str) -> Result<(), CliError> {
    let earlier = if sequence < last {
        format!("sequence {last} was already signed")
    } else if sequence == last && !same {
        format!("a different list with sequence {last} was already signed")
    } else {
        return Ok(());
    };
    Err(CliError::input(format!(
        "refusing to sign trust list sequence {sequence}: {earlier} with this root key \
         ({source}); use a sequence higher than {last}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_writes_and_refuses_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.key.seq");
        let last = Last {
            sequence: 7,
            digest: [0xab; 32],
        };
        write(&path, Path::new("keys/root.key"), &last).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# The last trust list signed with root.key:"));
        let read = parse(&text).unwrap();
        assert_eq!((read.sequence, read.digest), (7, [0xab; 32]));
        let hex = "ab".repeat(32);
        for bad in [
            "",
            "sequence 7\n",
            &format!("sha256 {hex}\n"),
            &format!("sequence x\nsha256 {hex}\n"),
            &format!("sequence 7\nsha256 {}\n", &hex[2..]),
            &format!("sequence 7\nsequence 8\nsha256 {hex}\n"),
            &format!("sequence 7\nsha256 {hex}\ncolour red\n"),
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }

    proptest::proptest! {
        /// The record is outside bytes too (a file anyone may edit): any text
        /// gives a record or a refusal, never a panic.
        #[test]
        fn any_record_text_parses_or_is_refused(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn any_recorded_sequence_reads_back(sequence: u64, digest: [u8; 32]) {
            let text = format!("sequence {sequence}\nsha256 {}\n", codewallet::hex::encode(&digest));
            let read = parse(&text).unwrap();
            proptest::prop_assert_eq!((read.sequence, read.digest), (sequence, digest));
        }
    }
}
