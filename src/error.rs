//! Errors for bytes that come from outside: credential text, trust lists, keys.
//!
//! Every parser in the crate returns [`DecodeError`]. It says what was wrong and,
//! where it helps, at which offset, so that a person or a log can tell a damaged
//! scan from a forged or foreign code. Each variant has a stable
//! [`code`](DecodeError::code) that the CLI and the JavaScript boundary pass on.

use std::fmt;

/// Why outside bytes could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input is longer than the format allows; nothing was parsed.
    TooLong {
        /// Length of the input.
        len: usize,
        /// The largest accepted length.
        max: usize,
    },
    /// The text does not start with a prefix of this format (`CW1:` or `CWL1:`).
    MissingPrefix,
    /// The prefix or the signed version claim names a version this build does not know.
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
    /// A character that is not Base45, or a group that decodes to no bytes.
    Base45 {
        /// Offset of the character (after the prefix).
        offset: usize,
    },
    /// The bytes are not the canonical CBOR this format requires.
    Cbor {
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong there.
        problem: CborProblem,
    },
    /// Well-formed CBOR that is not a COSE_Sign1 of the expected profile.
    Envelope(&'static str),
    /// A signed payload whose claims are missing, unknown, repeated or out of range.
    Claims(&'static str),
    /// A public key that is not a valid Ed25519 point.
    InvalidKey,
}

/// The ways CBOR bytes can fail to be canonical, well-formed and of the expected shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CborProblem {
    /// The input ends inside an item.
    Truncated,
    /// Bytes follow the last item.
    TrailingBytes,
    /// An integer or length not written in its shortest form.
    NotShortest,
    /// Indefinite-length items are not canonical.
    Indefinite,
    /// A reserved additional-information value (28 to 30).
    Reserved,
    /// An item of another type than expected.
    UnexpectedType,
    /// A text string that is not UTF-8.
    InvalidUtf8,
    /// An integer outside the range of the field.
    OutOfRange,
    /// Map keys not in strictly ascending canonical order, or repeated.
    KeyOrder,
    /// Items nested deeper than the decoder allows.
    TooDeep,
}

impl DecodeError {
    /// A short stable identifier for programs: `too_long`, `prefix`, `version`,
    /// `base45`, `cbor`, `envelope`, `claims` or `key`.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::TooLong { .. } => "too_long",
            DecodeError::MissingPrefix => "prefix",
            DecodeError::UnsupportedVersion { .. } => "version",
            DecodeError::Base45 { .. } => "base45",
            DecodeError::Cbor { .. } => "cbor",
            DecodeError::Envelope(_) => "envelope",
            DecodeError::Claims(_) => "claims",
            DecodeError::InvalidKey => "key",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLong { len, max } => {
                write!(f, "input is {len} bytes long, more than the {max} allowed")
            }
            DecodeError::MissingPrefix => f.write_str("not a codewallet code (unknown prefix)"),
            DecodeError::UnsupportedVersion { found } => {
                write!(
                    f,
                    "format version {found} is not supported by this version of the app"
                )
            }
            DecodeError::Base45 { offset } => {
                write!(f, "damaged code: invalid Base45 at character {offset}")
            }
            DecodeError::Cbor { offset, problem } => {
                write!(f, "damaged code: {problem} at byte {offset}")
            }
            DecodeError::Envelope(what) => write!(f, "not a valid signed envelope: {what}"),
            DecodeError::Claims(what) => write!(f, "invalid claims: {what}"),
            DecodeError::InvalidKey => f.write_str("invalid Ed25519 public key"),
        }
    }
}

impl fmt::Display for CborProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CborProblem::Truncated => "CBOR ends early",
            CborProblem::TrailingBytes => "trailing bytes after CBOR",
            CborProblem::NotShortest => "CBOR integer not in shortest form",
            CborProblem::Indefinite => "indefinite-length CBOR",
            CborProblem::Reserved => "reserved CBOR value",
            CborProblem::UnexpectedType => "unexpected CBOR type",
            CborProblem::InvalidUtf8 => "CBOR text is not UTF-8",
            CborProblem::OutOfRange => "CBOR integer out of range",
            CborProblem::KeyOrder => "CBOR map keys out of canonical order",
            CborProblem::TooDeep => "CBOR nested too deeply",
        })
    }
}

impl std::error::Error for DecodeError {}
