//! The subset of CBOR (RFC 8949) the formats use, read and written canonically.
//!
//! The reader accepts only the deterministic encoding of RFC 8949 section 4.2.1:
//! shortest-form integers and lengths, definite lengths, and map keys in
//! ascending bytewise order (checked by [`Reader::key`]). Lengths are checked
//! against the bytes that remain before anything is allocated, so no input can
//! make the reader allocate more than its own size.

use crate::error::{CborProblem, DecodeError};

const UINT: u8 = 0;
const NINT: u8 = 1;
const BYTES: u8 = 2;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;
const SIMPLE: u8 = 7;

/// Nesting allowed when skipping items of unknown meaning.
const MAX_DEPTH: usize = 16;

/// A strict cursor over CBOR bytes.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn error(&self, problem: CborProblem) -> DecodeError {
        DecodeError::Cbor {
            offset: self.pos,
            problem,
        }
    }

    /// Fails unless every byte has been read.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(self.error(CborProblem::TrailingBytes))
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or_else(|| self.error(CborProblem::Truncated))?;
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    /// Whether the next item is an integer (map labels may also be text).
    pub(crate) fn next_is_int(&self) -> bool {
        matches!(self.peek_major(), Some(UINT | NINT))
    }

    fn peek_major(&self) -> Option<u8> {
        self.buf.get(self.pos).map(|b| b >> 5)
    }

    /// Reads an item head: major type and argument, in shortest form.
    fn head(&mut self) -> Result<(u8, u64), DecodeError> {
        let start = self.pos;
        let initial = *self
            .take(1)?
            .first()
            .ok_or_else(|| self.error(CborProblem::Truncated))?;
        let (major, info) = (initial >> 5, initial & 0x1f);
        let arg = match info {
            0..=23 => u64::from(info),
            24..=27 => {
                let width = 1usize << (info - 24);
                let bytes = self.take(width)?;
                let arg = bytes.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
                let shortest = match width {
                    1 => arg >= 24,
                    2 => arg > 0xff,
                    4 => arg > 0xffff,
                    _ => arg > 0xffff_ffff,
                };
                // Floats (major 7, info 25 to 27) carry bits, not a length.
                if !shortest && major != SIMPLE {
                    self.pos = start;
                    return Err(self.error(CborProblem::NotShortest));
                }
                arg
            }
            31 => {
                self.pos = start;
                return Err(self.error(CborProblem::Indefinite));
            }
            _ => {
                self.pos = start;
                return Err(self.error(CborProblem::Reserved));
            }
        };
        Ok((major, arg))
    }

    fn expect(&mut self, major: u8) -> Result<u64, DecodeError> {
        let start = self.pos;
        let (found, arg) = self.head()?;
        if found != major {
            self.pos = start;
            return Err(self.error(CborProblem::UnexpectedType));
        }
        Ok(arg)
    }

    /// An unsigned integer.
    pub(crate) fn uint(&mut self) -> Result<u64, DecodeError> {
        self.expect(UINT)
    }

    /// An integer of either sign that fits an `i64`.
    pub(crate) fn int(&mut self) -> Result<i64, DecodeError> {
        let start = self.pos;
        let (major, arg) = self.head()?;
        let value = match major {
            UINT => i64::try_from(arg).ok(),
            NINT => i64::try_from(arg).ok().map(|n| -1 - n),
            _ => {
                self.pos = start;
                return Err(self.error(CborProblem::UnexpectedType));
            }
        };
        value.ok_or_else(|| {
            self.pos = start;
            self.error(CborProblem::OutOfRange)
        })
    }

    fn length(&mut self, major: u8) -> Result<usize, DecodeError> {
        let start = self.pos;
        let arg = self.expect(major)?;
        // Every element takes at least one byte, so no honest length exceeds what is left.
        match usize::try_from(arg) {
            Ok(len) if len <= self.buf.len() - self.pos => Ok(len),
            _ => {
                self.pos = start;
                Err(self.error(CborProblem::Truncated))
            }
        }
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.length(BYTES)?;
        self.take(len)
    }

    /// A byte string of exactly `N` bytes.
    pub(crate) fn byte_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let start = self.pos;
        let bytes = self.bytes()?;
        bytes.try_into().map_err(|_| {
            self.pos = start;
            self.error(CborProblem::OutOfRange)
        })
    }

    /// A UTF-8 text string.
    pub(crate) fn text(&mut self) -> Result<&'a str, DecodeError> {
        let len = self.length(TEXT)?;
        let start = self.pos;
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map_err(|_| {
            self.pos = start;
            self.error(CborProblem::InvalidUtf8)
        })
    }

    /// The number of elements of an array.
    pub(crate) fn array(&mut self) -> Result<usize, DecodeError> {
        self.length(ARRAY)
    }

    /// The number of pairs of a map.
    pub(crate) fn map(&mut self) -> Result<usize, DecodeError> {
        // A pair takes at least two bytes; `length` checks the looser bound of one.
        self.length(MAP)
    }

    /// Reads a tag number if the next item is tagged.
    pub(crate) fn optional_tag(&mut self) -> Result<Option<u64>, DecodeError> {
        if self.peek_major() == Some(TAG) {
            Ok(Some(self.expect(TAG)?))
        } else {
            Ok(None)
        }
    }

    /// Reads an integer map key that must sort after `previous` (RFC 8949 section 4.2.1).
    pub(crate) fn key(&mut self, previous: &mut Option<i64>) -> Result<i64, DecodeError> {
        let start = self.pos;
        let key = self.int()?;
        if let Some(prev) = *previous {
            if canonical_rank(key) <= canonical_rank(prev) {
                self.pos = start;
                return Err(self.error(CborProblem::KeyOrder));
            }
        }
        *previous = Some(key);
        Ok(key)
    }

    /// Skips one item of any type, however nested (up to a limit).
    pub(crate) fn skip(&mut self) -> Result<(), DecodeError> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: usize) -> Result<(), DecodeError> {
        if depth > MAX_DEPTH {
            return Err(self.error(CborProblem::TooDeep));
        }
        let start = self.pos;
        let (major, arg) = self.head()?;
        match major {
            UINT | NINT | SIMPLE => Ok(()),
            BYTES | TEXT => {
                self.pos = start;
                if major == TEXT {
                    self.text().map(drop)
                } else {
                    self.bytes().map(drop)
                }
            }
            ARRAY | MAP => {
                let items = if major == MAP {
                    arg.saturating_mul(2)
                } else {
                    arg
                };
                if items > (self.buf.len() - self.pos) as u64 {
                    self.pos = start;
                    return Err(self.error(CborProblem::Truncated));
                }
                (0..items).try_for_each(|_| self.skip_nested(depth + 1))
            }
            _ => self.skip_nested(depth + 1), // TAG: skip the tagged item
        }
    }
}

/// Deterministic CBOR sorts keys by their encoded bytes; for integers in
/// shortest form that is: all unsigned before all negative, each by argument.
fn canonical_rank(key: i64) -> (bool, u64) {
    if key >= 0 {
        (false, key as u64)
    } else {
        (true, (-1 - key) as u64)
    }
}

/// Writes canonical CBOR into a byte vector.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) out: Vec<u8>,
}

impl Writer {
    fn head(&mut self, major: u8, arg: u64) {
        let m = major << 5;
        match arg {
            0..=23 => self.out.push(m | arg as u8),
            24..=0xff => self.out.extend_from_slice(&[m | 24, arg as u8]),
            0x100..=0xffff => {
                self.out.push(m | 25);
                self.out.extend_from_slice(&(arg as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                self.out.push(m | 26);
                self.out.extend_from_slice(&(arg as u32).to_be_bytes());
            }
            _ => {
                self.out.push(m | 27);
                self.out.extend_from_slice(&arg.to_be_bytes());
            }
        }
    }

    pub(crate) fn uint(&mut self, n: u64) -> &mut Self {
        self.head(UINT, n);
        self
    }

    pub(crate) fn int(&mut self, n: i64) -> &mut Self {
        if n >= 0 {
            self.head(UINT, n as u64);
        } else {
            self.head(NINT, (-1 - n) as u64);
        }
        self
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.head(BYTES, b.len() as u64);
        self.out.extend_from_slice(b);
        self
    }

    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.head(TEXT, s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
        self
    }

    pub(crate) fn array(&mut self, len: usize) -> &mut Self {
        self.head(ARRAY, len as u64);
        self
    }

    pub(crate) fn map(&mut self, len: usize) -> &mut Self {
        self.head(MAP, len as u64);
        self
    }

    pub(crate) fn tag(&mut self, tag: u64) -> &mut Self {
        self.head(TAG, tag);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8], read: impl FnOnce(&mut Reader) -> Result<(), DecodeError>) -> CborProblem {
        match read(&mut Reader::new(bytes)) {
            Err(DecodeError::Cbor { problem, .. }) => problem,
            other => panic!("expected a CBOR error, got {other:?}"),
        }
    }

    #[test]
    fn integers_round_trip_in_shortest_form() {
        let cases: &[(i64, &[u8])] = &[
            (0, &[0x00]),
            (23, &[0x17]),
            (24, &[0x18, 0x18]),
            (256, &[0x19, 0x01, 0x00]),
            (-1, &[0x20]),
            (-8, &[0x27]),
            (-65537, &[0x3a, 0x00, 0x01, 0x00, 0x00]),
            (4_294_967_296, &[0x1b, 0, 0, 0, 1, 0, 0, 0, 0]),
        ];
        for &(n, bytes) in cases {
            let mut w = Writer::default();
            w.int(n);
            assert_eq!(w.out, bytes, "{n}");
            let mut r = Reader::new(bytes);
            assert_eq!(r.int().unwrap(), n);
            r.finish().unwrap();
        }
    }

    #[test]
    fn rejects_non_canonical_and_malformed() {
        assert_eq!(
            err(&[0x18, 0x17], |r| r.int().map(drop)),
            CborProblem::NotShortest
        );
        assert_eq!(
            err(&[0x19, 0x00, 0xff], |r| r.int().map(drop)),
            CborProblem::NotShortest
        );
        assert_eq!(
            err(&[0x5f], |r| r.bytes().map(drop)),
            CborProblem::Indefinite
        );
        assert_eq!(err(&[0x1c], |r| r.int().map(drop)), CborProblem::Reserved);
        assert_eq!(
            err(&[0x19, 0x01], |r| r.int().map(drop)),
            CborProblem::Truncated
        );
        assert_eq!(
            err(&[0x5a, 0xff, 0xff, 0xff, 0xff], |r| r.bytes().map(drop)),
            CborProblem::Truncated
        );
        assert_eq!(
            err(&[0x62, 0xff, 0xfe], |r| r.text().map(drop)),
            CborProblem::InvalidUtf8
        );
        assert_eq!(
            err(&[0x40], |r| r.int().map(drop)),
            CborProblem::UnexpectedType
        );
        assert_eq!(
            err(&[0x00, 0x00], |r| r.uint().and_then(|_| r.finish())),
            CborProblem::TrailingBytes
        );
        let too_deep = [0x81; 40];
        assert_eq!(err(&too_deep, |r| r.skip()), CborProblem::TooDeep);
    }

    #[test]
    fn map_keys_must_ascend_canonically() {
        // {1: _, -1: _} is canonical; {-1: _, 1: _} and {1: _, 1: _} are not.
        let mut prev = None;
        let mut r = Reader::new(&[0x01, 0x20]);
        assert_eq!(r.key(&mut prev).unwrap(), 1);
        assert_eq!(r.key(&mut prev).unwrap(), -1);
        assert_eq!(
            err(&[0x20, 0x01], |r| {
                let mut prev = None;
                r.key(&mut prev)?;
                r.key(&mut prev).map(drop)
            }),
            CborProblem::KeyOrder
        );
        assert_eq!(
            err(&[0x01, 0x01], |r| {
                let mut prev = None;
                r.key(&mut prev)?;
                r.key(&mut prev).map(drop)
            }),
            CborProblem::KeyOrder
        );
    }
}
