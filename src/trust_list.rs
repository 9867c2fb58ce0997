//! The trust list: which issuer keys a verifier accepts, signed by a pinned root key.
//!
//! It also carries the revoked credential ids, so one signed file, fetched when
//! a network happens to be there and used offline for days, is all a checkpoint
//! needs. Format in `docs/FORMAT.md`.

use std::fmt;

use crate::base45;
use crate::cbor::{Reader, Writer};
use crate::credential::{CredentialId, ID_LEN, MAX_NAME_LEN, Status};
use crate::envelope::Envelope;
use crate::error::DecodeError;
use crate::keys::{InvalidSignature, KeyId, PublicKey, SecretKey};

/// Text prefix of a version 1 trust list (for links and QR provisioning).
pub const PREFIX: &str = "CWL1:";
/// The trust-list format version this build reads and writes.
pub const VERSION: u64 = 1;
/// The largest trust list accepted, in bytes: room for two million revoked ids.
pub const MAX_LEN: usize = 20 * 1024 * 1024;
/// The most issuer keys one trust list may name.
pub const MAX_ISSUERS: usize = 1024;

/// COSE `external_aad` of trust lists: binds the root signature to this use and version.
pub const EXTERNAL_AAD: &[u8] = b"codewallet/trust-list/1";

const T_VERSION: i64 = 0;
const T_SEQUENCE: i64 = 1;
const T_ISSUED_AT: i64 = 2;
const T_EXPIRES_AT: i64 = 3;
const T_ISSUERS: i64 = 4;
const T_REVOKED: i64 = 5;

const I_KEY: i64 = 0;
const I_NAME: i64 = 1;
const I_NOT_BEFORE: i64 = 2;
const I_EXPIRES_AT: i64 = 3;
const I_STATUSES: i64 = 4;

/// One issuer key and what it may sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerEntry {
    /// The issuer's public key; its [`KeyId`] is derived from it.
    pub key: PublicKey,
    /// Human-readable issuer name, at most 64 bytes.
    pub name: String,
    /// Start of the key's validity: credentials issued earlier are refused.
    pub not_before: u64,
    /// End of the key's validity (exclusive): credentials issued at or after it are refused.
    pub expires_at: u64,
    /// The statuses this key may attest.
    pub statuses: Vec<Status>,
}

impl IssuerEntry {
    /// The key id credentials signed by this key carry.
    pub fn key_id(&self) -> KeyId {
        self.key.key_id()
    }

    /// Whether this key may attest `status`.
    pub fn may_issue(&self, status: Status) -> bool {
        self.statuses.contains(&status)
    }
}

/// The content of a trust list. Times are seconds since the Unix epoch.
///
/// Two lists are equal when their content is; the root that signed them is
/// compared by [`check_successor`](TrustList::check_successor).
#[derive(Clone, Debug)]
pub struct TrustList {
    /// Increases with every list published; a verifier never goes back.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: u64,
    /// After this the list is expired; verifiers apply their [`Policy`](crate::verify::Policy).
    pub expires_at: u64,
    /// The accepted issuer keys.
    pub issuers: Vec<IssuerEntry>,
    revoked: Vec<CredentialId>,
    /// The root key that signed it, once [`open`](TrustList::open)ed.
    root: Option<KeyId>,
}

impl PartialEq for TrustList {
    fn eq(&self, other: &Self) -> bool {
        (
            self.sequence,
            self.issued_at,
            self.expires_at,
            &self.issuers,
            &self.revoked,
        ) == (
            other.sequence,
            other.issued_at,
            other.expires_at,
            &other.issuers,
            &other.revoked,
        )
    }
}

impl Eq for TrustList {}

/// How an offered list relates to the one in use, when it may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Successor {
    /// The same list again: nothing to do.
    Same,
    /// A newer list (higher sequence): replace the one in use.
    Newer,
}

impl Successor {
    /// A short stable identifier: `same` or `newer`.
    pub fn code(self) -> &'static str {
        match self {
            Successor::Same => "same",
            Successor::Newer => "newer",
        }
    }
}

/// Why a trust list was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustListError {
    /// The bytes are not a trust list of this format.
    Decode(DecodeError),
    /// Signed by another key than the pinned root.
    WrongRoot {
        /// The key id the list names.
        found: KeyId,
    },
    /// The root's signature does not verify.
    InvalidSignature,
    /// An older list than the one already accepted.
    Rollback {
        /// Sequence of the list in use.
        current: u64,
        /// Sequence of the list offered.
        offered: u64,
    },
    /// A list that differs from the one in use but carries the same sequence:
    /// an older edition (say, from before a revocation) or a signing mistake.
    SequenceReused {
        /// The sequence both carry.
        sequence: u64,
    },
}

impl TrustListError {
    /// A short stable identifier: `malformed`, `wrong_root`, `invalid_signature`,
    /// `rollback` or `sequence_reused`.
    pub fn code(&self) -> &'static str {
        match self {
            TrustListError::Decode(_) => "malformed",
            TrustListError::WrongRoot { .. } => "wrong_root",
            TrustListError::InvalidSignature => "invalid_signature",
            TrustListError::Rollback { .. } => "rollback",
            TrustListError::SequenceReused { .. } => "sequence_reused",
        }
    }
}

impl fmt::Display for TrustListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustListError::Decode(e) => write!(f, "not a valid trust list: {e}"),
            TrustListError::WrongRoot { found } => {
                write!(
                    f,
                    "trust list is signed by key {found}, not by the pinned root key"
                )
            }
            TrustListError::InvalidSignature => f.write_str("trust list signature is invalid"),
            TrustListError::Rollback { current, offered } => write!(
                f,
                "trust list number {offered} is older than number {current} already in use"
            ),
            TrustListError::SequenceReused { sequence } => write!(
                f,
                "trust list number {sequence} differs from the list number {sequence} already in use; \
                 a changed list must carry a higher number"
            ),
        }
    }
}

impl std::error::Error for TrustListError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TrustListError::Decode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DecodeError> for TrustListError {
    fn from(e: DecodeError) -> Self {
        TrustListError::Decode(e)
    }
}

impl From<InvalidSignature> for TrustListError {
    fn from(_: InvalidSignature) -> Self {
        TrustListError::InvalidSignature
    }
}

impl TrustList {
    /// A trust list; `revoked` may be in any order and hold repeats.
    pub fn new(
        sequence: u64,
        issued_at: u64,
        expires_at: u64,
        issuers: Vec<IssuerEntry>,
        mut revoked: Vec<CredentialId>,
    ) -> Self {
        revoked.sort_unstable();
        revoked.dedup();
        TrustList {
            sequence,
            issued_at,
            expires_at,
            issuers,
            revoked,
            root: None,
        }
    }

    /// The entry of the issuer key with this id.
    pub fn issuer(&self, kid: &KeyId) -> Option<&IssuerEntry> {
        self.issuers.iter().find(|e| e.key_id() == *kid)
    }

    /// Whether the credential with this id is revoked.
    pub fn is_revoked(&self, id: &CredentialId) -> bool {
        self.revoked.binary_search(id).is_ok()
    }

    /// The revoked ids, ascending.
    pub fn revoked(&self) -> &[CredentialId] {
        &self.revoked
    }

    /// Checks whether `offered` may be used in place of this list: a different
    /// list only with a higher sequence, the same list as a no-op, and never a
    /// list signed by another root.
    ///
    /// # Errors
    /// [`TrustListError::WrongRoot`], [`TrustListError::Rollback`],
    /// [`TrustListError::SequenceReused`].
    pub fn check_successor(&self, offered: &TrustList) -> Result<Successor, TrustListError> {
        if let (Some(ours), Some(theirs)) = (self.root, offered.root) {
            if ours != theirs {
                return Err(TrustListError::WrongRoot { found: theirs });
            }
        }
        if offered.sequence < self.sequence {
            return Err(TrustListError::Rollback {
                current: self.sequence,
                offered: offered.sequence,
            });
        }
        if offered.sequence > self.sequence {
            Ok(Successor::Newer)
        } else if offered == self {
            Ok(Successor::Same)
        } else {
            Err(TrustListError::SequenceReused {
                sequence: self.sequence,
            })
        }
    }

    /// Signs the list with the root key: the COSE_Sign1 bytes that are published.
    ///
    /// # Errors
    /// [`DecodeError::Claims`] if the list breaks a limit of the format.
    pub fn sign(&self, root: &SecretKey) -> Result<Vec<u8>, DecodeError> {
        self.check()?;
        let kid = root.key_id();
        Ok(Envelope::seal(
            &kid,
            EXTERNAL_AAD,
            &self.to_payload(),
            |tbs| root.sign(tbs),
        ))
    }

    /// The text form `CWL1:` + Base45, for a link or a QR code.
    pub fn to_text(signed: &[u8]) -> String {
        format!("{PREFIX}{}", base45::encode(signed))
    }

    /// Opens a published trust list, binary or text, checking the root signature.
    ///
    /// # Errors
    /// [`TrustListError::Decode`] for a malformed envelope,
    /// [`TrustListError::WrongRoot`], [`TrustListError::InvalidSignature`], and
    /// [`TrustListError::Decode`] again for a signed payload this build cannot read.
    pub fn open(published: &[u8], root: &PublicKey) -> Result<TrustList, TrustListError> {
        let cose = crate::envelope::published_cose(published, PREFIX, MAX_LEN)?;
        let envelope = Envelope::decode(&cose)?;
        if envelope.kid != root.key_id() {
            return Err(TrustListError::WrongRoot {
                found: envelope.kid,
            });
        }
        root.verify(&envelope.to_be_signed(EXTERNAL_AAD), &envelope.signature)?;
        let mut list = TrustList::from_payload(envelope.payload)?;
        list.root = Some(envelope.kid);
        Ok(list)
    }

    fn check(&self) -> Result<(), DecodeError> {
        if self.issuers.len() > MAX_ISSUERS {
            return Err(DecodeError::Claims("more than 1024 issuer keys"));
        }
        if self.revoked.len() * ID_LEN > MAX_LEN - 64 * 1024 {
            return Err(DecodeError::Claims("too many revoked ids"));
        }
        for (i, e) in self.issuers.iter().enumerate() {
            if e.name.len() > MAX_NAME_LEN {
                return Err(DecodeError::Claims("issuer name longer than 64 bytes"));
            }
            if self.issuers[..i]
                .iter()
                .any(|other| other.key_id() == e.key_id())
            {
                return Err(DecodeError::Claims("an issuer key is listed twice"));
            }
        }
        Ok(())
    }

    fn to_payload(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.out
            .reserve(self.revoked.len() * ID_LEN + self.issuers.len() * 64 + 32);
        w.map(6);
        w.int(T_VERSION).uint(VERSION);
        w.int(T_SEQUENCE).uint(self.sequence);
        w.int(T_ISSUED_AT).uint(self.issued_at);
        w.int(T_EXPIRES_AT).uint(self.expires_at);
        w.int(T_ISSUERS).array(self.issuers.len());
        for e in &self.issuers {
            w.map(5);
            w.int(I_KEY).bytes(&e.key.to_bytes());
            w.int(I_NAME).text(&e.name);
            w.int(I_NOT_BEFORE).uint(e.not_before);
            w.int(I_EXPIRES_AT).uint(e.expires_at);
            w.int(I_STATUSES).array(e.statuses.len());
            for s in &e.statuses {
                w.uint(s.code());
            }
        }
        let revoked: Vec<u8> = self.revoked.iter().flat_map(|id| id.0).collect();
        w.int(T_REVOKED).bytes(&revoked);
        w.out
    }

    fn from_payload(bytes: &[u8]) -> Result<TrustList, DecodeError> {
        let mut r = Reader::new(bytes);
        let pairs = r.map()?;
        let mut prev = None;
        let (mut version, mut sequence, mut issued_at, mut expires_at, mut issuers, mut revoked) =
            (None, None, None, None, None, None);
        for _ in 0..pairs {
            match r.key(&mut prev)? {
                T_VERSION => version = Some(r.uint()?),
                T_SEQUENCE => sequence = Some(r.uint()?),
                T_ISSUED_AT => issued_at = Some(r.uint()?),
                T_EXPIRES_AT => expires_at = Some(r.uint()?),
                T_ISSUERS => issuers = Some(read_issuers(&mut r)?),
                T_REVOKED => revoked = Some(read_revoked(r.bytes()?)?),
                _ => return Err(DecodeError::Claims("unknown trust-list field")),
            }
        }
        r.finish()?;
        match version {
            Some(VERSION) => {}
            Some(found) => return Err(DecodeError::UnsupportedVersion { found }),
            None => return Err(DecodeError::Claims("trust-list version missing")),
        }
        let missing = || DecodeError::Claims("a required trust-list field is missing");
        let list = TrustList {
            sequence: sequence.ok_or_else(missing)?,
            issued_at: issued_at.ok_or_else(missing)?,
            expires_at: expires_at.ok_or_else(missing)?,
            issuers: issuers.ok_or_else(missing)?,
            revoked: revoked.ok_or_else(missing)?,
            root: None,
        };
        list.check()?;
        Ok(list)
    }
}

fn read_issuers(r: &mut Reader) -> Result<Vec<IssuerEntry>, DecodeError> {
    let count = r.array()?;
    if count > MAX_ISSUERS {
        return Err(DecodeError::Claims("more than 1024 issuer keys"));
    }
    (0..count).map(|_| read_issuer(r)).collect()
}

fn read_issuer(r: &mut Reader) -> Result<IssuerEntry, DecodeError> {
    if r.map()? != 5 {
        return Err(DecodeError::Claims(
            "an issuer entry has exactly five fields",
        ));
    }
    let mut prev = None;
    let mut expect = |r: &mut Reader, key| {
        if r.key(&mut prev)? == key {
            Ok(())
        } else {
            Err(DecodeError::Claims("issuer entry field missing or unknown"))
        }
    };
    expect(r, I_KEY)?;
    let key = PublicKey::from_bytes(&r.byte_array()?)?;
    expect(r, I_NAME)?;
    let name = r.text()?;
    if name.len() > MAX_NAME_LEN {
        return Err(DecodeError::Claims("issuer name longer than 64 bytes"));
    }
    expect(r, I_NOT_BEFORE)?;
    let not_before = r.uint()?;
    expect(r, I_EXPIRES_AT)?;
    let expires_at = r.uint()?;
    expect(r, I_STATUSES)?;
    let count = r.array()?;
    let mut statuses = Vec::with_capacity(count.min(Status::ALL.len()));
    for _ in 0..count {
        let status = Status::from_code(r.uint()?).ok_or(DecodeError::Claims("unknown status"))?;
        if statuses.contains(&status) {
            return Err(DecodeError::Claims(
                "a status is listed twice for one issuer",
            ));
        }
        statuses.push(status);
    }
    Ok(IssuerEntry {
        key,
        name: name.to_owned(),
        not_before,
        expires_at,
        statuses,
    })
}

fn read_revoked(bytes: &[u8]) -> Result<Vec<CredentialId>, DecodeError> {
    if bytes.len() % ID_LEN != 0 {
        return Err(DecodeError::Claims(
            "revoked ids must be a whole number of 8-byte ids",
        ));
    }
    let ids: Vec<CredentialId> = bytes
        .chunks_exact(ID_LEN)
        .map(|c| {
            let mut id = [0; ID_LEN];
            id.copy_from_slice(c);
            CredentialId(id)
        })
        .collect();
    // Strictly ascending: one encoding per set, and binary search works.
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(DecodeError::Claims(
            "revoked ids must be strictly ascending",
        ));
    }
    Ok(ids)
}
