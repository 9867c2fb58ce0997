//! The upload grant: what lets one checkpoint station upload its registrations
//! to the authority's object store, and nothing else.
//!
//! The authority signs an S3 POST policy for the station (a key prefix of its
//! own, a size limit, an expiry) with the store's secret, and wraps the policy's
//! form fields in a grant signed by the root key the station pinned. The phone
//! never holds a store secret, and a grant cannot be forged or pointed at another
//! store: the page opens it with the pinned root, like a trust list. Format in
//! `docs/FORMAT.md`.

use std::fmt;

use crate::base45;
use crate::cbor::{Reader, Writer};
use crate::envelope::Envelope;
use crate::error::DecodeError;
use crate::keys::{InvalidSignature, KeyId, PublicKey, SecretKey};

/// Text prefix of a version 1 grant (for links, files and QR provisioning).
pub const PREFIX: &str = "CWG1:";
/// The grant format version this build reads and writes.
pub const VERSION: u64 = 1;
/// COSE `external_aad` of grants: binds the root signature to this use and version.
pub const EXTERNAL_AAD: &[u8] = b"codewallet/upload-grant/1";
/// The largest grant accepted, in bytes of COSE: a POST policy and its fields
/// are well under 2 KB.
pub const MAX_LEN: usize = 8 * 1024;
/// The longest station id, in bytes.
pub const MAX_STATION_LEN: usize = 64;
/// The longest endpoint URL, prefix, form-field name or value, in bytes.
pub const MAX_TEXT_LEN: usize = 4096;
/// The most form fields a grant carries.
pub const MAX_FIELDS: usize = 16;

const G_VERSION: i64 = 0;
const G_STATION: i64 = 1;
const G_ENDPOINT: i64 = 2;
const G_PREFIX: i64 = 3;
const G_MAX_BYTES: i64 = 4;
const G_ISSUED_AT: i64 = 5;
const G_EXPIRES_AT: i64 = 6;
const G_FIELDS: i64 = 7;

/// Why a grant was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrantError {
    /// The bytes are not a grant of this format.
    Decode(DecodeError),
    /// Signed by another key than the pinned root.
    WrongRoot {
        /// The key id the grant names.
        found: KeyId,
    },
    /// The root's signature does not verify.
    InvalidSignature,
}

impl GrantError {
    /// A short stable identifier: `malformed`, `wrong_root` or `invalid_signature`.
    pub fn code(&self) -> &'static str {
        match self {
            GrantError::Decode(_) => "malformed",
            GrantError::WrongRoot { .. } => "wrong_root",
            GrantError::InvalidSignature => "invalid_signature",
        }
    }
}

impl fmt::Display for GrantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrantError::Decode(e) => write!(f, "not a valid upload grant: {e}"),
            GrantError::WrongRoot { found } => {
                write!(
                    f,
                    "upload grant is signed by key {found}, not by the pinned root key"
                )
            }
            GrantError::InvalidSignature => f.write_str("upload grant signature is invalid"),
        }
    }
}

impl std::error::Error for GrantError {}

impl From<DecodeError> for GrantError {
    fn from(e: DecodeError) -> Self {
        GrantError::Decode(e)
    }
}

impl From<InvalidSignature> for GrantError {
    fn from(_: InvalidSignature) -> Self {
        GrantError::InvalidSignature
    }
}

/// A station's right to upload under its own prefix of one bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadGrant {
    /// The station's id: letters, digits, `-` and `_`, 1 to 64 bytes.
    pub station: String,
    /// Where the form is posted: the bucket's URL (`https://store.example/bucket`).
    pub endpoint: String,
    /// Every object key must start with this (`registrations/<station>/`).
    pub prefix: String,
    /// The largest object the policy allows, in bytes.
    pub max_bytes: u64,
    /// When it was signed (Unix seconds).
    pub issued_at: u64,
    /// When the policy expires (Unix seconds): the store refuses uploads after it.
    pub expires_at: u64,
    /// The signed POST policy's form fields (`policy`, `x-amz-signature`, …), in order.
    pub fields: Vec<(String, String)>,
}

/// Whether a station id is one this format allows: it becomes part of object keys.
pub fn valid_station(station: &str) -> bool {
    !station.is_empty()
        && station.len() <= MAX_STATION_LEN
        && station
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl UploadGrant {
    /// The object key prefix of a station: `registrations/<station>/`.
    pub fn prefix_for(station: &str) -> String {
        format!("registrations/{station}/")
    }

    /// Signs the grant with the root key: the COSE_Sign1 bytes that are provisioned.
    ///
    /// # Errors
    /// [`DecodeError::Claims`] if the grant breaks a limit of the format.
    pub fn sign(&self, root: &SecretKey) -> Result<Vec<u8>, DecodeError> {
        self.check()?;
        Ok(Envelope::seal(
            &root.key_id(),
            EXTERNAL_AAD,
            &self.to_payload(),
            |tbs| root.sign(tbs),
        ))
    }

    /// The text form `CWG1:` + Base45, for a link, a file or a QR code.
    pub fn to_text(signed: &[u8]) -> String {
        format!("{PREFIX}{}", base45::encode(signed))
    }

    /// Opens a grant, binary or text, checking the root signature first and
    /// reading the content only then.
    ///
    /// # Errors
    /// [`GrantError`].
    pub fn open(published: &[u8], root: &PublicKey) -> Result<UploadGrant, GrantError> {
        let cose = crate::envelope::published_cose(published, PREFIX, MAX_LEN)?;
        let envelope = Envelope::decode(&cose)?;
        if envelope.kid != root.key_id() {
            return Err(GrantError::WrongRoot {
                found: envelope.kid,
            });
        }
        root.verify(&envelope.to_be_signed(EXTERNAL_AAD), &envelope.signature)?;
        Ok(UploadGrant::from_payload(envelope.payload)?)
    }

    /// Whether `key` is an object key this grant may write: under its prefix,
    /// one path segment of safe characters.
    pub fn allows_key(&self, key: &str) -> bool {
        key.strip_prefix(&self.prefix).is_some_and(|name| {
            !name.is_empty()
                && name.len() <= 200
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
    }

    fn check(&self) -> Result<(), DecodeError> {
        if !valid_station(&self.station) {
            return Err(DecodeError::Claims(
                "a station id has 1 to 64 letters, digits, '-' or '_'",
            ));
        }
        if !(self.endpoint.starts_with("https://") || self.endpoint.starts_with("http://")) {
            return Err(DecodeError::Claims("the endpoint must be an http(s) URL"));
        }
        if self.prefix.is_empty() || !self.prefix.ends_with('/') {
            return Err(DecodeError::Claims("the prefix must end with '/'"));
        }
        if self.expires_at <= self.issued_at {
            return Err(DecodeError::Claims("the grant expires before it is issued"));
        }
        if self.fields.len() > MAX_FIELDS {
            return Err(DecodeError::Claims("more than 16 form fields"));
        }
        let texts = [&self.endpoint, &self.prefix]
            .into_iter()
            .chain(self.fields.iter().flat_map(|(n, v)| [n, v]));
        if texts.into_iter().any(|t| t.len() > MAX_TEXT_LEN) {
            return Err(DecodeError::Claims("a text longer than 4096 bytes"));
        }
        for (i, (name, _)) in self.fields.iter().enumerate() {
            if name.is_empty() || self.fields[..i].iter().any(|(other, _)| other == name) {
                return Err(DecodeError::Claims("a form field is empty or repeated"));
            }
            if ["key", "file"].contains(&name.to_ascii_lowercase().as_str()) {
                return Err(DecodeError::Claims(
                    "the key and file fields are the uploader's",
                ));
            }
        }
        Ok(())
    }

    fn to_payload(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.map(8);
        w.int(G_VERSION).uint(VERSION);
        w.int(G_STATION).text(&self.station);
        w.int(G_ENDPOINT).text(&self.endpoint);
        w.int(G_PREFIX).text(&self.prefix);
        w.int(G_MAX_BYTES).uint(self.max_bytes);
        w.int(G_ISSUED_AT).uint(self.issued_at);
        w.int(G_EXPIRES_AT).uint(self.expires_at);
        w.int(G_FIELDS).array(self.fields.len());
        for (name, value) in &self.fields {
            w.array(2).text(name).text(value);
        }
        w.out
    }

    fn from_payload(bytes: &[u8]) -> Result<UploadGrant, DecodeError> {
        let mut r = Reader::new(bytes);
        if r.map()? != 8 {
            return Err(DecodeError::Claims("a grant has exactly eight fields"));
        }
        let mut prev = None;
        let mut expect = |r: &mut Reader, key| {
            if r.key(&mut prev)? == key {
                Ok(())
            } else {
                Err(DecodeError::Claims("grant field missing or unknown"))
            }
        };
        expect(&mut r, G_VERSION)?;
        match r.uint()? {
            VERSION => {}
            found => return Err(DecodeError::UnsupportedVersion { found }),
        }
        let text = |r: &mut Reader| -> Result<String, DecodeError> {
            let t = r.text()?;
            if t.len() > MAX_TEXT_LEN {
                return Err(DecodeError::Claims("a text longer than 4096 bytes"));
            }
            Ok(t.to_owned())
        };
        expect(&mut r, G_STATION)?;
        let station = text(&mut r)?;
        expect(&mut r, G_ENDPOINT)?;
        let endpoint = text(&mut r)?;
        expect(&mut r, G_PREFIX)?;
        let prefix = text(&mut r)?;
        expect(&mut r, G_MAX_BYTES)?;
        let max_bytes = r.uint()?;
        expect(&mut r, G_ISSUED_AT)?;
        let issued_at = r.uint()?;
        expect(&mut r, G_EXPIRES_AT)?;
        let expires_at = r.uint()?;
        expect(&mut r, G_FIELDS)?;
        let count = r.array()?;
        if count > MAX_FIELDS {
            return Err(DecodeError::Claims("more than 16 form fields"));
        }
        let mut fields = Vec::with_capacity(count);
        for _ in 0..count {
            if r.array()? != 2 {
                return Err(DecodeError::Claims("a form field is a [name, value] pair"));
            }
            fields.push((text(&mut r)?, text(&mut r)?));
        }
        r.finish()?;
        let grant = UploadGrant {
            station,
            endpoint,
            prefix,
            max_bytes,
            issued_at,
            expires_at,
            fields,
        };
        grant.check()?;
        Ok(grant)
    }
}

impl fmt::Display for UploadGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "station {} may upload to {} under {}",
            self.station, self.endpoint, self.prefix
        )
    }
}
