//! Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet.
//!
//! Two bytes become three characters, a final odd byte two. Decoding is strict:
//! a group whose value does not fit its bytes, a lone trailing character or a
//! character outside the alphabet is an error, so every text has at most one
//! decoding and every byte string exactly one encoding.

use crate::error::DecodeError;

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Encodes `bytes` as Base45 text.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    encode_into(bytes, &mut out);
    out
}

/// Appends the Base45 text of `bytes` to `out` (one allocation at most).
pub fn encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len().div_ceil(2) * 3);
    for pair in bytes.chunks(2) {
        let (mut n, digits) = match *pair {
            [a, b] => (u32::from(a) * 256 + u32::from(b), 3),
            [a] => (u32::from(a), 2),
            _ => unreachable!("chunks(2) yields one or two bytes"),
        };
        for _ in 0..digits {
            out.push(char::from(ALPHABET[(n % 45) as usize]));
            n /= 45;
        }
    }
}

/// Decodes Base45 text.
///
/// # Errors
/// [`DecodeError::Base45`] with the offset of the first character that cannot
/// be part of a valid encoding.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let chars = text.as_bytes();
    let mut out = Vec::with_capacity(chars.len() / 3 * 2 + 1);
    for (group, chunk) in chars.chunks(3).enumerate() {
        let offset = group * 3;
        let (mut n, mut weight) = (0u32, 1u32);
        for (i, &c) in chunk.iter().enumerate() {
            let digit = value(c).ok_or(DecodeError::Base45 { offset: offset + i })?;
            n += digit * weight;
            weight *= 45;
        }
        match chunk.len() {
            3 if n <= 0xFFFF => out.extend_from_slice(&(n as u16).to_be_bytes()),
            2 if n <= 0xFF => out.push(n as u8),
            _ => return Err(DecodeError::Base45 { offset }),
        }
    }
    Ok(out)
}

fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'Z' => c - b'A' + 10,
        b' ' => 36,
        b'$' => 37,
        b'%' => 38,
        b'*' => 39,
        b'+' => 40,
        b'-' => 41,
        b'.' => 42,
        b'/' => 43,
        b':' => 44,
        _ => return None,
    };
    Some(u32::from(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9285 section 4.
    const RFC_EXAMPLES: &[(&[u8], &str)] = &[
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
        (b"", ""),
    ];

    #[test]
    fn rfc_9285_examples_round_trip() {
        for &(bytes, text) in RFC_EXAMPLES {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).unwrap(), bytes);
        }
    }

    #[test]
    fn rejects_invalid_text() {
        // RFC 9285 section 6: "GGW" is 65536, one more than two bytes hold.
        assert_eq!(decode("GGW"), Err(DecodeError::Base45 { offset: 0 }));
        assert_eq!(decode("BB8A"), Err(DecodeError::Base45 { offset: 3 }));
        assert_eq!(decode("Bb8"), Err(DecodeError::Base45 { offset: 1 }));
        // Two trailing characters worth more than one byte.
        assert_eq!(decode("::"), Err(DecodeError::Base45 { offset: 0 }));
    }
}
