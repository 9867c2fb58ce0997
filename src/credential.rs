//! The status credential: its claims, its text form `CW1:` and how it is issued.
//!
//! The wire format is specified in `docs/FORMAT.md`; this module is its only
//! implementation. Claims are written and read by hand, key by key, so the
//! encoding is exactly the one the document gives and nothing else decodes.

use sha2::{Digest, Sha256};
use std::fmt;

use crate::base45;
use crate::cbor::{Reader, Writer};
use crate::envelope::Envelope;
use crate::error::DecodeError;
use crate::keys::{KeyId, SecretKey};

/// Text prefix of a version 1 credential.
pub const PREFIX: &str = "CW1:";
/// The format version this build reads and writes.
pub const VERSION: u64 = 1;
/// The longest credential text accepted, in bytes (a version 40 QR holds 4,296 characters;
/// a credential is about 250).
pub const MAX_TEXT_LEN: usize = 1024;
/// The longest issuer name and display name, in UTF-8 bytes.
pub const MAX_NAME_LEN: usize = 64;
/// Length of a credential id.
pub const ID_LEN: usize = 8;
/// Length of an ID-document binding hash.
pub const ID_BINDING_LEN: usize = 8;
/// The longest validity a credential may have (expiry minus start), in seconds:
/// 366 days. A status credential lives for days; the bound keeps every time a
/// page shows within what clocks and date formatters handle.
pub const MAX_VALIDITY: u64 = 366 * 24 * 3600;
/// The latest time any claim may name: 9999-12-31T23:59:59Z.
pub const MAX_TIME: u64 = 253_402_300_799;

/// COSE `external_aad` of credentials: binds the signature to this use and this
/// version, so no other signed object of the same key (a trust list) and no
/// credential of another format version can pass for a version 1 credential.
pub const EXTERNAL_AAD: &[u8] = b"codewallet/credential/1";

// CWT claim keys (RFC 8392 section 4) and the private claim that holds ours.
const ISS: i64 = 1;
const EXP: i64 = 4;
const NBF: i64 = 5;
const IAT: i64 = 6;
const CTI: i64 = 7;
const CODEWALLET: i64 = -65537;
// Keys inside the codewallet claim.
const C_STATUS: i64 = 1;
const C_DECIDED_AT: i64 = 2;
const C_NAME: i64 = 3;
const C_ID_BINDING: i64 = 4;
const C_HOLDER_KEY: i64 = 5;

/// The health status a credential attests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Negative test or otherwise cleared: free to pass.
    Green = 1,
    /// Restricted: for example awaiting a result or under home observation.
    Yellow = 2,
    /// Not to pass: for example positive or in quarantine.
    Red = 3,
}

impl Status {
    /// Every status, in wire order.
    pub const ALL: [Status; 3] = [Status::Green, Status::Yellow, Status::Red];

    /// The wire value (1 to 3).
    pub fn code(self) -> u64 {
        self as u64
    }

    /// The status with the given wire value.
    pub fn from_code(code: u64) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The lower-case English name: `green`, `yellow` or `red`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Yellow => "yellow",
            Status::Red => "red",
        }
    }

    /// The status with the given [`name`](Status::name), in any case.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A credential id (CWT `cti`): random bytes chosen by the issuer, the handle for revocation.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CredentialId(pub [u8; ID_LEN]);

impl fmt::Debug for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialId({self})")
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::hex::encode(&self.0))
    }
}

/// A salted hash of an ID-document number.
///
/// Staff type the number printed on a presented ID card and compare; the number
/// itself is never in the code. The credential id is the salt, so equal numbers
/// give unrelated hashes in different credentials. An ID number has little
/// entropy, so whoever holds a code can still test guesses: the binding hides the
/// number from a glance at the data, not from a determined search (see FORMAT.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdBinding(pub [u8; ID_BINDING_LEN]);

impl IdBinding {
    /// Binds `document_number` to the credential `id`. The number is normalised
    /// first (white space removed, ASCII letters upper-cased), so "11010519491231002x"
    /// and "110105 19491231 002X" bind alike.
    pub fn new(id: &CredentialId, document_number: &str) -> Self {
        let mut h = Sha256::new();
        h.update(b"codewallet/id-binding/1\0");
        h.update(id.0);
        for c in document_number.chars().filter(|c| !c.is_whitespace()) {
            let mut buf = [0; 4];
            h.update(c.to_ascii_uppercase().encode_utf8(&mut buf).as_bytes());
        }
        let mut out = [0; ID_BINDING_LEN];
        out.copy_from_slice(&h.finalize()[..ID_BINDING_LEN]);
        IdBinding(out)
    }

    /// Whether `document_number` is the one this binding was made from.
    pub fn matches(&self, id: &CredentialId, document_number: &str) -> bool {
        IdBinding::new(id, document_number) == *self
    }
}

/// Masks a full name for display: the first and last characters stay, the
/// others become `*` ("张三丰" → "张*丰", "李四" → "李*", "Wei Zhang" → "W*******g").
pub fn mask_name(full_name: &str) -> String {
    let chars: Vec<char> = full_name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::new();
            s.push(chars[0]);
            s.extend(std::iter::repeat_n('*', n - 2));
            s.push(chars[n - 1]);
            s
        }
    }
}

/// The claims of a status credential. Times are seconds since the Unix epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// Issuer name (CWT `iss`), at most [`MAX_NAME_LEN`] bytes.
    pub issuer: String,
    /// Credential id (CWT `cti`).
    pub id: CredentialId,
    /// When it was signed (CWT `iat`).
    pub issued_at: u64,
    /// Valid from (CWT `nbf`).
    pub not_before: u64,
    /// Valid until, exclusive (CWT `exp`).
    pub expires_at: u64,
    /// The attested status.
    pub status: Status,
    /// When the underlying test was taken or the decision made.
    pub decided_at: u64,
    /// The holder's masked name (see [`mask_name`]), at most [`MAX_NAME_LEN`] bytes.
    pub display_name: String,
    /// Binding to the holder's ID document.
    pub id_binding: IdBinding,
    /// A holder public key, reserved for proving possession later.
    pub holder_key: Option<[u8; 32]>,
}

impl Credential {
    /// The signed text form: `CW1:` followed by Base45 of the COSE_Sign1.
    ///
    /// # Errors
    /// [`DecodeError::Claims`] if a field breaks a limit of the format (a name too
    /// long, an expiry before the start): nothing out of format is ever signed.
    pub fn sign(&self, key: &SecretKey) -> Result<String, DecodeError> {
        self.check()?;
        let kid = key.key_id();
        let cose = Envelope::seal(&kid, EXTERNAL_AAD, &self.to_claims(), |tbs| key.sign(tbs));
        let mut text = String::with_capacity(PREFIX.len() + cose.len().div_ceil(2) * 3);
        text.push_str(PREFIX);
        base45::encode_into(&cose, &mut text);
        Ok(text)
    }

    fn check(&self) -> Result<(), DecodeError> {
        if self.issuer.len() > MAX_NAME_LEN || self.display_name.len() > MAX_NAME_LEN {
            return Err(DecodeError::Claims(
                "issuer or display name longer than 64 bytes",
            ));
        }
        if self.expires_at < self.not_before {
            return Err(DecodeError::Claims("expires before it becomes valid"));
        }
        if self.expires_at - self.not_before > MAX_VALIDITY {
            return Err(DecodeError::Claims("valid for more than 366 days"));
        }
        if [
            self.issued_at,
            self.not_before,
            self.expires_at,
            self.decided_at,
        ]
        .iter()
        .any(|&t| t > MAX_TIME)
        {
            return Err(DecodeError::Claims("a time after the year 9999"));
        }
        Ok(())
    }

    /// The CBOR claims set, as signed.
    pub fn to_claims(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.out
            .reserve(96 + self.issuer.len() + self.display_name.len());
        w.map(6);
        w.int(ISS).text(&self.issuer);
        w.int(EXP).uint(self.expires_at);
        w.int(NBF).uint(self.not_before);
        w.int(IAT).uint(self.issued_at);
        w.int(CTI).bytes(&self.id.0);
        w.int(CODEWALLET)
            .map(4 + usize::from(self.holder_key.is_some()));
        w.int(C_STATUS).uint(self.status.code());
        w.int(C_DECIDED_AT).uint(self.decided_at);
        w.int(C_NAME).text(&self.display_name);
        w.int(C_ID_BINDING).bytes(&self.id_binding.0);
        if let Some(key) = &self.holder_key {
            w.int(C_HOLDER_KEY).bytes(key);
        }
        w.out
    }

    /// Decodes a CBOR claims set.
    ///
    /// # Errors
    /// [`DecodeError::Cbor`] for non-canonical CBOR, [`DecodeError::Claims`] for a
    /// missing, unknown or out-of-range claim.
    pub fn from_claims(bytes: &[u8]) -> Result<Credential, DecodeError> {
        let mut r = Reader::new(bytes);
        let pairs = r.map()?;
        let (mut issuer, mut exp, mut nbf, mut iat, mut cti, mut inner) =
            (None, None, None, None, None, None);
        let mut prev = None;
        for _ in 0..pairs {
            match r.key(&mut prev)? {
                ISS => issuer = Some(bounded_text(&mut r)?),
                EXP => exp = Some(r.uint()?),
                NBF => nbf = Some(r.uint()?),
                IAT => iat = Some(r.uint()?),
                CTI => cti = Some(CredentialId(r.byte_array()?)),
                CODEWALLET => inner = Some(read_status_claim(&mut r)?),
                _ => return Err(DecodeError::Claims("unknown claim")),
            }
        }
        r.finish()?;
        let missing = || DecodeError::Claims("a required claim is missing");
        let (status, decided_at, display_name, id_binding, holder_key) =
            inner.ok_or_else(missing)?;
        let credential = Credential {
            issuer: issuer.ok_or_else(missing)?,
            id: cti.ok_or_else(missing)?,
            issued_at: iat.ok_or_else(missing)?,
            not_before: nbf.ok_or_else(missing)?,
            expires_at: exp.ok_or_else(missing)?,
            status,
            decided_at,
            display_name,
            id_binding,
            holder_key,
        };
        credential.check()?;
        Ok(credential)
    }
}

type StatusClaim = (Status, u64, String, IdBinding, Option<[u8; 32]>);

fn read_status_claim(r: &mut Reader) -> Result<StatusClaim, DecodeError> {
    let pairs = r.map()?;
    let (mut status, mut decided, mut name, mut binding, mut holder) =
        (None, None, None, None, None);
    let mut prev = None;
    for _ in 0..pairs {
        match r.key(&mut prev)? {
            C_STATUS => {
                status = Some(
                    Status::from_code(r.uint()?).ok_or(DecodeError::Claims("unknown status"))?,
                );
            }
            C_DECIDED_AT => decided = Some(r.uint()?),
            C_NAME => name = Some(bounded_text(r)?),
            C_ID_BINDING => binding = Some(IdBinding(r.byte_array()?)),
            C_HOLDER_KEY => holder = Some(r.byte_array()?),
            _ => return Err(DecodeError::Claims("unknown codewallet claim")),
        }
    }
    let missing = || DecodeError::Claims("a required codewallet claim is missing");
    Ok((
        status.ok_or_else(missing)?,
        decided.ok_or_else(missing)?,
        name.ok_or_else(missing)?,
        binding.ok_or_else(missing)?,
        holder,
    ))
}

fn bounded_text(r: &mut Reader) -> Result<String, DecodeError> {
    let text = r.text()?;
    if text.len() > MAX_NAME_LEN {
        return Err(DecodeError::Claims(
            "issuer or display name longer than 64 bytes",
        ));
    }
    Ok(text.to_owned())
}

/// A credential's signed envelope, read from its text form, with the claims
/// inside not yet read.
///
/// [`verify`](crate::verify::verify) checks the signature over
/// [`to_be_signed`](Sealed::to_be_signed) first and reads the
/// [`claims`](Sealed::claims) only then, so no claim parser ever sees bytes that
/// a trusted key did not sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// The signer's key id, from the protected header.
    pub kid: KeyId,
    /// The exact bytes the signature covers, rebuilt from the received bytes.
    pub to_be_signed: Vec<u8>,
    /// The signature.
    pub signature: [u8; 64],
    payload: Vec<u8>,
}

impl Sealed {
    /// Reads the claims.
    ///
    /// # Errors
    /// As [`Credential::from_claims`].
    pub fn claims(&self) -> Result<Credential, DecodeError> {
        Credential::from_claims(&self.payload)
    }
}

/// A credential decoded from its text form, claims included, not yet verified.
///
/// Nothing in it may be trusted before [`verify`](crate::verify::verify) has
/// checked the signature with a key from a trust list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The signer's key id.
    pub kid: KeyId,
    /// The claims, unverified.
    pub credential: Credential,
    /// The exact bytes the signature covers, rebuilt from the received bytes.
    pub to_be_signed: Vec<u8>,
    /// The signature.
    pub signature: [u8; 64],
}

/// Parses the version from a `CW<digits>:` prefix and returns the rest.
fn strip_prefix(text: &str) -> Result<&str, DecodeError> {
    if let Some(rest) = text.strip_prefix(PREFIX) {
        return Ok(rest);
    }
    let digits = text.strip_prefix("CW").ok_or(DecodeError::MissingPrefix)?;
    let end = digits.find(':').ok_or(DecodeError::MissingPrefix)?;
    match digits[..end].parse::<u64>() {
        Ok(found) if end <= 4 && digits[..end].bytes().all(|b| b.is_ascii_digit()) => {
            Err(DecodeError::UnsupportedVersion { found })
        }
        _ => Err(DecodeError::MissingPrefix),
    }
}

/// Reads credential text (`CW1:…`) as far as its signed envelope, without
/// reading the claims.
///
/// Line breaks at either end are ignored (a scanner or a file may add them).
///
/// # Errors
/// [`DecodeError::TooLong`] before anything else for text over [`MAX_TEXT_LEN`];
/// then prefix, Base45, CBOR and envelope errors, in that order.
pub fn unseal(text: &str) -> Result<Sealed, DecodeError> {
    let text = text.trim_matches(['\r', '\n']);
    if text.len() > MAX_TEXT_LEN {
        return Err(DecodeError::TooLong {
            len: text.len(),
            max: MAX_TEXT_LEN,
        });
    }
    let cose = base45::decode(strip_prefix(text)?)?;
    let envelope = Envelope::decode(&cose)?;
    Ok(Sealed {
        kid: envelope.kid,
        to_be_signed: envelope.to_be_signed(EXTERNAL_AAD),
        signature: envelope.signature,
        payload: envelope.payload.to_vec(),
    })
}

/// Decodes credential text (`CW1:…`), claims included, without verifying it:
/// for showing a stored code, never for deciding on one.
///
/// # Errors
/// As [`unseal`], then claims errors.
pub fn decode(text: &str) -> Result<Decoded, DecodeError> {
    let sealed = unseal(text)?;
    Ok(Decoded {
        credential: sealed.claims()?,
        kid: sealed.kid,
        to_be_signed: sealed.to_be_signed,
        signature: sealed.signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_names_keeping_first_and_last_character() {
        for (full, masked) in [
            ("张三丰", "张*丰"),
            ("李四", "李*"),
            ("Wei Zhang", "W*******g"),
            ("A", "*"),
            ("", ""),
        ] {
            assert_eq!(mask_name(full), masked);
        }
    }

    #[test]
    fn id_binding_ignores_spacing_and_case() {
        let id = CredentialId([1; ID_LEN]);
        let b = IdBinding::new(&id, "11010519491231002x");
        assert!(b.matches(&id, "110105 19491231 002X"));
        assert!(!b.matches(&id, "110105194912310021"));
        assert!(!b.matches(&CredentialId([2; ID_LEN]), "11010519491231002X"));
    }

    #[test]
    fn prefix_names_the_version() {
        assert_eq!(strip_prefix("CW1:ABC"), Ok("ABC"));
        assert_eq!(
            strip_prefix("CW2:ABC"),
            Err(DecodeError::UnsupportedVersion { found: 2 })
        );
        assert_eq!(strip_prefix("HC1:ABC"), Err(DecodeError::MissingPrefix));
        assert_eq!(strip_prefix("CW+1:ABC"), Err(DecodeError::MissingPrefix));
        assert_eq!(strip_prefix("CW"), Err(DecodeError::MissingPrefix));
    }
}
