//! COSE_Sign1 (RFC 9052 section 4.2): the signed envelope of credentials and trust lists.
//!
//! [`Sign1::decode`] reads any COSE_Sign1, as other producers write them (the
//! COSE working group's examples are tested against it). [`Envelope::decode`]
//! then holds it to this project's profile, byte for byte: tag 18, a protected
//! header of exactly `{1: -8, 4: kid}` with an 8-byte kid, an empty unprotected
//! header and a 64-byte signature. Nothing here links a crypto crate: signing is
//! a closure, and verification is left to the caller, over [`Sign1::to_be_signed`]
//! built from the bytes exactly as received.

use std::borrow::Cow;

use crate::base45;
use crate::cbor::{Reader, Writer};
use crate::error::DecodeError;
use crate::keys::{KEY_ID_LEN, KeyId};

/// COSE algorithm identifier of EdDSA (RFC 9053 section 2.2).
pub const ALG_EDDSA: i64 = -8;
/// CBOR tag of COSE_Sign1.
pub const TAG_SIGN1: u64 = 18;
/// CBOR tag of COSE_Sign, the multi-signer structure this profile does not use.
const TAG_SIGN: u64 = 98;
const LABEL_ALG: i64 = 1;
const LABEL_KID: i64 = 4;

/// The header parameters this crate reads; others are skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header<'a> {
    /// `alg` (label 1), if present.
    pub alg: Option<i64>,
    /// `kid` (label 4), if present.
    pub kid: Option<&'a [u8]>,
    /// Number of parameters in the header, read or skipped.
    pub len: usize,
}

/// A COSE_Sign1 as decoded, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sign1<'a> {
    /// Whether the structure carried tag 18.
    pub tagged: bool,
    /// The serialized protected header, exactly as received (it is what was signed).
    pub protected: &'a [u8],
    /// The protected header's parameters.
    pub protected_header: Header<'a>,
    /// The unprotected header's parameters.
    pub unprotected_header: Header<'a>,
    /// The payload bytes (this profile does not use detached payloads).
    pub payload: &'a [u8],
    /// The signature bytes.
    pub signature: &'a [u8],
}

impl<'a> Sign1<'a> {
    /// Decodes a COSE_Sign1, tagged or not, and rejects trailing bytes.
    ///
    /// # Errors
    /// [`DecodeError::Cbor`] for bytes that are not canonical CBOR, and
    /// [`DecodeError::Envelope`] for CBOR of another shape, including a COSE_Sign
    /// (tag 98) and a detached (nil) payload.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let tagged = match r.optional_tag()? {
            None => false,
            Some(TAG_SIGN1) => true,
            Some(TAG_SIGN) => {
                return Err(DecodeError::Envelope(
                    "COSE_Sign (several signers) is not supported, only COSE_Sign1",
                ));
            }
            Some(_) => {
                return Err(DecodeError::Envelope(
                    "unexpected CBOR tag, expected COSE_Sign1 (18)",
                ));
            }
        };
        if r.array()? != 4 {
            return Err(DecodeError::Envelope(
                "COSE_Sign1 must be an array of four items",
            ));
        }
        let protected = r.bytes()?;
        let protected_header = if protected.is_empty() {
            Header::default()
        } else {
            let mut inner = Reader::new(protected);
            let header = read_header(&mut inner)?;
            inner.finish()?;
            header
        };
        let unprotected_header = read_header(&mut r)?;
        let payload = r.bytes().map_err(|_| {
            DecodeError::Envelope(
                "payload must be a byte string (detached payloads are not supported)",
            )
        })?;
        let signature = r.bytes()?;
        r.finish()?;
        Ok(Sign1 {
            tagged,
            protected,
            protected_header,
            unprotected_header,
            payload,
            signature,
        })
    }

    /// The bytes the signature covers: the `Sig_structure` of RFC 9052 section 4.4,
    /// `["Signature1", protected, external_aad, payload]`.
    /// An empty protected header is signed as an empty byte string even when it
    /// was sent as an encoded empty map (`h'a0'`), as RFC 9052 section 4.4 says.
    pub fn to_be_signed(&self, external_aad: &[u8]) -> Vec<u8> {
        let protected = if self.protected_header.len == 0 {
            &[][..]
        } else {
            self.protected
        };
        to_be_signed(protected, external_aad, self.payload)
    }
}

fn read_header<'a>(r: &mut Reader<'a>) -> Result<Header<'a>, DecodeError> {
    let len = r.map()?;
    let mut header = Header {
        len,
        ..Header::default()
    };
    for _ in 0..len {
        if !r.next_is_int() {
            r.skip()?; // a text label
            r.skip()?;
            continue;
        }
        match r.int()? {
            LABEL_ALG if header.alg.is_none() => header.alg = Some(r.int()?),
            LABEL_KID if header.kid.is_none() => header.kid = Some(r.bytes()?),
            LABEL_ALG | LABEL_KID => {
                return Err(DecodeError::Envelope("header parameter repeated"));
            }
            _ => r.skip()?,
        }
    }
    Ok(header)
}

fn to_be_signed(protected: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut w = Writer::default();
    // "Signature1", three byte-string heads of at most 9 bytes each, and the array head.
    w.out
        .reserve(11 + 3 * 9 + 1 + protected.len() + external_aad.len() + payload.len());
    w.array(4)
        .text("Signature1")
        .bytes(protected)
        .bytes(external_aad)
        .bytes(payload);
    w.out
}

/// The protected header of this profile: `{1: -8, 4: kid}`.
fn protected_header(kid: &KeyId) -> Vec<u8> {
    let mut w = Writer::default();
    w.map(2)
        .int(LABEL_ALG)
        .int(ALG_EDDSA)
        .int(LABEL_KID)
        .bytes(&kid.0);
    w.out
}

/// A COSE_Sign1 that matches this project's profile, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The signer's key id.
    pub kid: KeyId,
    /// The signed payload.
    pub payload: &'a [u8],
    /// The Ed25519 signature.
    pub signature: [u8; 64],
    protected: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Decodes `bytes` and checks the profile.
    ///
    /// # Errors
    /// As [`Sign1::decode`], and [`DecodeError::Envelope`] where the structure
    /// departs from the profile in any way.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let sign1 = Sign1::decode(bytes)?;
        if !sign1.tagged {
            return Err(DecodeError::Envelope("COSE_Sign1 tag (18) missing"));
        }
        let kid = match sign1.protected_header.kid {
            Some(kid) if kid.len() == KEY_ID_LEN => {
                let mut id = [0; KEY_ID_LEN];
                id.copy_from_slice(kid);
                KeyId(id)
            }
            _ => {
                return Err(DecodeError::Envelope(
                    "protected header must carry an 8-byte kid",
                ));
            }
        };
        if sign1.protected != protected_header(&kid).as_slice() {
            return Err(DecodeError::Envelope(
                "protected header must be exactly {alg: EdDSA, kid}",
            ));
        }
        if sign1.unprotected_header.len != 0 {
            return Err(DecodeError::Envelope("unprotected header must be empty"));
        }
        let signature = sign1
            .signature
            .try_into()
            .map_err(|_| DecodeError::Envelope("an Ed25519 signature has 64 bytes"))?;
        Ok(Envelope {
            kid,
            payload: sign1.payload,
            signature,
            protected: sign1.protected,
        })
    }

    /// The bytes the signature covers, with this format's `external_aad`.
    pub fn to_be_signed(&self, external_aad: &[u8]) -> Vec<u8> {
        to_be_signed(self.protected, external_aad, self.payload)
    }

    /// Builds and signs an envelope: `sign` receives the `Sig_structure` bytes.
    pub fn seal(
        kid: &KeyId,
        external_aad: &[u8],
        payload: &[u8],
        sign: impl FnOnce(&[u8]) -> [u8; 64],
    ) -> Vec<u8> {
        let protected = protected_header(kid);
        let signature = sign(&to_be_signed(&protected, external_aad, payload));
        let mut w = Writer::default();
        w.out.reserve(protected.len() + payload.len() + 80);
        w.tag(TAG_SIGN1)
            .array(4)
            .bytes(&protected)
            .map(0)
            .bytes(payload)
            .bytes(&signature);
        w.out
    }
}

/// The COSE bytes of a root-signed document published in binary or as text,
/// `prefix` + Base45 (`CWL1:`, `CWG1:`; line breaks at either end ignored),
/// refused before decoding when longer than `max_len` bytes of COSE.
///
/// # Errors
/// [`DecodeError::TooLong`], [`DecodeError::MissingPrefix`] for the text of
/// another version, [`DecodeError::Base45`].
pub(crate) fn published_cose<'a>(
    published: &'a [u8],
    prefix: &str,
    max_len: usize,
) -> Result<Cow<'a, [u8]>, DecodeError> {
    let too_long = |len| DecodeError::TooLong { len, max: max_len };
    // Base45 takes three characters for two bytes.
    if published.len() > max_len * 3 / 2 + prefix.len() + 2 {
        return Err(too_long(published.len()));
    }
    let family = prefix.trim_end_matches(|c: char| c == ':' || c.is_ascii_digit());
    let cose = match published.strip_prefix(prefix.as_bytes()) {
        Some(text) => {
            let text = std::str::from_utf8(text).map_err(|_| DecodeError::Base45 { offset: 0 })?;
            Cow::Owned(base45::decode(text.trim_matches(['\r', '\n']))?)
        }
        None if published.starts_with(family.as_bytes()) => {
            return Err(DecodeError::MissingPrefix);
        }
        None => Cow::Borrowed(published),
    };
    if cose.len() > max_len {
        return Err(too_long(cose.len()));
    }
    Ok(cose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_decode_gives_back_every_part() {
        let kid = KeyId(*b"12345678");
        let bytes = Envelope::seal(&kid, b"aad", b"payload", |tbs| {
            assert_eq!(
                tbs,
                to_be_signed(&protected_header(&kid), b"aad", b"payload")
            );
            [7; 64]
        });
        let env = Envelope::decode(&bytes).unwrap();
        assert_eq!(
            (env.kid, env.payload, env.signature),
            (kid, &b"payload"[..], [7; 64])
        );
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(matches!(
            Envelope::decode(&trailing),
            Err(DecodeError::Cbor { .. })
        ));
        assert!(
            matches!(Envelope::decode(&bytes[1..]), Err(DecodeError::Envelope(_))),
            "untagged"
        );
    }
}
