//! The wallet's local store: the credentials one phone holds for a family.
//!
//! The store is a [`Storage`] the caller provides (the page passes
//! `localStorage`, tests pass a map), so the rules live here and are tested
//! natively: a versioned text format, every entry checked on load, a damaged
//! store reported and kept for recovery instead of wiped, and every change
//! written through before it is applied, so a failed write (a full quota)
//! leaves both the store and the wallet as they were.

use std::fmt;

use crate::credential::{self, Credential};
use crate::trust_list::TrustList;
use crate::verify::{Failure, Policy, verify};

/// The storage key of the wallet.
pub const KEY: &str = "codewallet.wallet";
/// Where a store that could not be read whole is copied before anything else is
/// written; further unreadable stores go to `BACKUP_KEY.2` and so on.
pub const BACKUP_KEY: &str = "codewallet.wallet.unreadable";
/// How many unreadable stores are kept: each is a different one, none is overwritten.
pub const MAX_BACKUPS: usize = 4;
/// The most people one wallet holds: a household, with room to spare.
pub const MAX_ENTRIES: usize = 12;
/// The longest label, in UTF-8 bytes.
pub const MAX_LABEL_LEN: usize = 64;
/// The first line of a version 1 store.
const HEADER: &str = "codewallet wallet 1";

/// Somewhere to keep strings by key: `localStorage`, or a map in tests.
pub trait Storage {
    /// The value stored under `key`, if any.
    ///
    /// # Errors
    /// [`StorageError::Unavailable`] when storage cannot be read at all.
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Stores `value` under `key`, replacing it whole or not at all.
    ///
    /// # Errors
    /// [`StorageError::QuotaExceeded`] when full, [`StorageError::Unavailable`] otherwise.
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError>;
}

/// Why storage could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageError {
    /// The browser refused to store more.
    QuotaExceeded,
    /// Storage is missing or refused access (private mode, a web-view without it).
    Unavailable(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::QuotaExceeded => f.write_str("storage is full: nothing was changed"),
            StorageError::Unavailable(why) => write!(f, "storage is not available: {why}"),
        }
    }
}

impl std::error::Error for StorageError {}

/// Why a change to the wallet was refused. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WalletError {
    /// The credential does not verify against the trust list (expired, revoked, forged…).
    Refused(Failure),
    /// This credential is already in the wallet.
    Duplicate,
    /// The wallet holds [`MAX_ENTRIES`] people already.
    Full,
    /// A label that is empty, too long or holds control characters.
    BadLabel,
    /// No entry at this position.
    NoSuchEntry,
    /// The offered credential is not a newer one for the same person from the
    /// same issuer, so it may not replace the entry.
    NotARefresh,
    /// The store was changed by another page (a second tab) since this wallet
    /// read it; reload and try again.
    ChangedElsewhere,
    /// Storage refused the write.
    Storage(StorageError),
}

impl WalletError {
    /// Every code [`WalletError::code`] returns besides a refused credential's
    /// ([`Failure::CODES`]): what a front end needs a message for.
    pub const CODES: &'static [&'static str] = &[
        "duplicate",
        "wallet_full",
        "bad_label",
        "no_such_entry",
        "not_a_refresh",
        "changed_elsewhere",
        "quota_exceeded",
        "storage_unavailable",
    ];

    /// A short stable identifier for programs and translations.
    pub fn code(&self) -> &'static str {
        match self {
            WalletError::Refused(f) => f.code(),
            WalletError::Duplicate => "duplicate",
            WalletError::Full => "wallet_full",
            WalletError::BadLabel => "bad_label",
            WalletError::NoSuchEntry => "no_such_entry",
            WalletError::NotARefresh => "not_a_refresh",
            WalletError::ChangedElsewhere => "changed_elsewhere",
            WalletError::Storage(StorageError::QuotaExceeded) => "quota_exceeded",
            WalletError::Storage(StorageError::Unavailable(_)) => "storage_unavailable",
        }
    }
}

impl fmt::Display for WalletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WalletError::Refused(failure) => write!(f, "not added: {failure}"),
            WalletError::Duplicate => f.write_str("this code is already in the wallet"),
            WalletError::Full => write!(f, "the wallet holds {MAX_ENTRIES} people at most"),
            WalletError::BadLabel => {
                write!(
                    f,
                    "a name label must have 1 to {MAX_LABEL_LEN} bytes and no control characters"
                )
            }
            WalletError::NoSuchEntry => f.write_str("no such entry"),
            WalletError::NotARefresh => f.write_str(
                "not a newer code for the same person from the same issuer: the code was kept",
            ),
            WalletError::ChangedElsewhere => {
                f.write_str("the wallet was changed in another window: nothing was changed here")
            }
            WalletError::Storage(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for WalletError {}

impl From<StorageError> for WalletError {
    fn from(e: StorageError) -> Self {
        WalletError::Storage(e)
    }
}

/// One person's credential, with the label the holder gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// "Me", "Mother", "外婆"…
    pub label: String,
    /// The credential text, as imported.
    pub text: String,
    /// Its claims (decoded when loaded; verified when imported).
    pub credential: Credential,
}

/// What was wrong with a store that was read, and what was done about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProblem {
    /// Entries that could not be read and were left out.
    pub skipped: usize,
    /// Why, for the first problem found.
    pub reason: String,
    /// Where the whole original was copied ([`BACKUP_KEY`] or one of its
    /// numbered siblings), or `None` when every backup slot holds another store.
    pub backup_key: Option<String>,
}

/// The credentials on this phone, in the holder's order.
///
/// Every change starts from the store as it is now: a wallet remembers what it
/// read or last wrote, and a change made meanwhile by another page (a second
/// tab) is never overwritten: [`import`](Wallet::import) reads it first,
/// the changes that name an entry by position refuse with
/// [`WalletError::ChangedElsewhere`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wallet {
    entries: Vec<Entry>,
    /// The store's text when it was last read or written (`None`: nothing stored).
    base: Option<String>,
}

impl Wallet {
    /// Reads the wallet from storage. An empty store is an empty wallet. A store
    /// that cannot be read whole is copied to [`BACKUP_KEY`] first (unless a
    /// copy is there already), and every entry that can be read is kept.
    ///
    /// # Errors
    /// [`StorageError`] if storage cannot be read at all.
    pub fn load(storage: &mut dyn Storage) -> Result<(Wallet, Option<LoadProblem>), StorageError> {
        let Some(stored) = storage.get(KEY)? else {
            return Ok((Wallet::default(), None));
        };
        let (mut wallet, skipped, reason) = Wallet::parse(&stored);
        wallet.base = Some(stored);
        if skipped == 0 {
            return Ok((wallet, None));
        }
        let backup_key = back_up(storage, wallet.base.as_deref().unwrap_or_default());
        Ok((
            wallet,
            Some(LoadProblem {
                skipped,
                reason,
                backup_key,
            }),
        ))
    }

    /// Parses stored text: the wallet, the number of unreadable parts, and the first reason.
    fn parse(stored: &str) -> (Wallet, usize, String) {
        let mut lines = stored.lines();
        let mut wallet = Wallet::default();
        match lines.next() {
            Some(HEADER) => {}
            Some(header) if header.starts_with("codewallet wallet ") => {
                return (wallet, 1, "stored by a newer version of the app".into());
            }
            _ => return (wallet, 1, "not a wallet store".into()),
        }
        let (mut skipped, mut reason) = (0, String::new());
        for (n, line) in lines.enumerate() {
            match parse_line(line) {
                Ok(entry) if wallet.entries.len() < MAX_ENTRIES => wallet.entries.push(entry),
                Ok(_) => {}
                Err(why) => {
                    if skipped == 0 {
                        reason = format!("entry {}: {why}", n + 1);
                    }
                    skipped += 1;
                }
            }
        }
        (wallet, skipped, reason)
    }

    /// The stored form: a header line, then one `label<TAB>text` line per entry.
    pub fn serialize(&self) -> String {
        let mut out = String::from(HEADER);
        for e in &self.entries {
            out.push('\n');
            out.push_str(&escape_label(&e.label));
            out.push('\t');
            out.push_str(&e.text);
        }
        out
    }

    /// The entries in the holder's order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Verifies `text` and adds it under `label`, at the end.
    ///
    /// # Errors
    /// [`WalletError::Refused`] when it does not verify (the reason says why),
    /// and the other [`WalletError`]s; nothing is changed then.
    pub fn import(
        &mut self,
        storage: &mut dyn Storage,
        label: &str,
        text: &str,
        trust: &TrustList,
        now: u64,
        policy: &Policy,
    ) -> Result<&Entry, WalletError> {
        let label = check_label(label)?;
        if storage.get(KEY)? != self.base {
            // Another page changed the store: add to what it holds now.
            *self = Wallet::load(storage)?.0;
        }
        let (text, credential) = self.admit(text, trust, now, policy, None)?;
        if self.entries.len() >= MAX_ENTRIES {
            return Err(WalletError::Full);
        }
        self.change(storage, |entries| {
            entries.push(Entry {
                label,
                text,
                credential,
            })
        })?;
        Ok(&self.entries[self.entries.len() - 1])
    }

    /// Puts `text` in place of entry `index`, keeping its label and place in
    /// one write: a refreshed credential, which must come from the same issuer
    /// for the same (masked) name and expire later. Works when the wallet is full.
    ///
    /// # Errors
    /// [`WalletError::Refused`] when `text` does not verify,
    /// [`WalletError::NotARefresh`] when it is not newer for the same person,
    /// [`WalletError::Duplicate`] when another entry holds it,
    /// [`WalletError::NoSuchEntry`], [`WalletError::ChangedElsewhere`],
    /// [`WalletError::Storage`]; nothing is changed then.
    pub fn replace(
        &mut self,
        storage: &mut dyn Storage,
        index: usize,
        text: &str,
        trust: &TrustList,
        now: u64,
        policy: &Policy,
    ) -> Result<(), WalletError> {
        let old = self.entry(index)?.credential.clone();
        let (text, credential) = self.admit(text, trust, now, policy, Some(index))?;
        if credential.issuer != old.issuer
            || credential.display_name != old.display_name
            || credential.expires_at <= old.expires_at
        {
            return Err(WalletError::NotARefresh);
        }
        self.change(storage, |entries| {
            entries[index].text = text;
            entries[index].credential = credential;
        })
    }

    /// Gives entry `index` a new label.
    ///
    /// # Errors
    /// [`WalletError::BadLabel`], [`WalletError::NoSuchEntry`], [`WalletError::Storage`].
    pub fn rename(
        &mut self,
        storage: &mut dyn Storage,
        index: usize,
        label: &str,
    ) -> Result<(), WalletError> {
        let label = check_label(label)?;
        self.entry(index)?;
        self.change(storage, |entries| entries[index].label = label)
    }

    /// Moves entry `from` to position `to`.
    ///
    /// # Errors
    /// [`WalletError::NoSuchEntry`], [`WalletError::Storage`].
    pub fn move_entry(
        &mut self,
        storage: &mut dyn Storage,
        from: usize,
        to: usize,
    ) -> Result<(), WalletError> {
        self.entry(from)?;
        self.entry(to)?;
        self.change(storage, |entries| {
            let entry = entries.remove(from);
            entries.insert(to, entry);
        })
    }

    /// Removes entry `index` (the page asks for confirmation first).
    ///
    /// # Errors
    /// [`WalletError::NoSuchEntry`], [`WalletError::Storage`].
    pub fn remove(&mut self, storage: &mut dyn Storage, index: usize) -> Result<(), WalletError> {
        self.entry(index)?;
        self.change(storage, |entries| {
            entries.remove(index);
        })
    }

    /// `text` as stored, with its credential, if it verifies and no entry
    /// other than `slot` (the one it would replace) holds that credential.
    fn admit(
        &self,
        text: &str,
        trust: &TrustList,
        now: u64,
        policy: &Policy,
        slot: Option<usize>,
    ) -> Result<(String, Credential), WalletError> {
        let verdict = verify(text, trust, now, policy);
        let credential = match (verdict.failure, verdict.credential) {
            (None, Some(credential)) => credential,
            (Some(failure), _) => return Err(WalletError::Refused(failure)),
            // safe: verify() returns the credential whenever it reports no failure.
            (None, None) => unreachable!("a valid verdict carries its credential"),
        };
        let held = |(i, e): (usize, &Entry)| Some(i) != slot && e.credential.id == credential.id;
        if self.entries.iter().enumerate().any(held) {
            return Err(WalletError::Duplicate);
        }
        Ok((text.trim_matches(['\r', '\n']).to_owned(), credential))
    }

    fn entry(&self, index: usize) -> Result<&Entry, WalletError> {
        self.entries.get(index).ok_or(WalletError::NoSuchEntry)
    }

    /// Applies `edit` to a copy, writes the copy if the store still holds what
    /// this wallet last saw, and only then keeps it.
    fn change(
        &mut self,
        storage: &mut dyn Storage,
        edit: impl FnOnce(&mut Vec<Entry>),
    ) -> Result<(), WalletError> {
        if storage.get(KEY)? != self.base {
            return Err(WalletError::ChangedElsewhere);
        }
        let mut entries = self.entries.clone();
        edit(&mut entries);
        let mut next = Wallet {
            entries,
            base: None,
        };
        let text = next.serialize();
        storage.set(KEY, &text)?;
        next.base = Some(text);
        *self = next;
        Ok(())
    }
}

/// Copies an unreadable store to the first backup slot that is free or holds
/// the same text; returns that slot's key, or `None` when all are taken.
fn back_up(storage: &mut dyn Storage, stored: &str) -> Option<String> {
    for n in 1..=MAX_BACKUPS {
        let key = if n == 1 {
            BACKUP_KEY.to_owned()
        } else {
            format!("{BACKUP_KEY}.{n}")
        };
        match storage.get(&key) {
            Ok(Some(kept)) if kept == stored => return Some(key),
            Ok(Some(_)) => continue,
            Ok(None) => return storage.set(&key, stored).is_ok().then_some(key),
            Err(_) => return None,
        }
    }
    None
}

fn check_label(label: &str) -> Result<String, WalletError> {
    let label = label.trim();
    if label.is_empty() || label.len() > MAX_LABEL_LEN || label.chars().any(char::is_control) {
        return Err(WalletError::BadLabel);
    }
    Ok(label.to_owned())
}

fn parse_line(line: &str) -> Result<Entry, String> {
    let (label, text) = line.split_once('\t').ok_or("no separator")?;
    let label = unescape_label(label).ok_or("damaged label")?;
    let label = check_label(&label).map_err(|e| e.to_string())?;
    let credential = credential::decode(text)
        .map_err(|e| e.to_string())?
        .credential;
    Ok(Entry {
        label,
        text: text.to_owned(),
        credential,
    })
}

/// Labels are free text; only `%` and control characters are escaped (`%XX`), so
/// a label never holds the tab or newline that separate entries.
fn escape_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if c == '%' || c.is_control() {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape_label(escaped: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(escaped.len());
    let mut rest = escaped.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_list_names_every_error() {
        let errors = [
            WalletError::Duplicate,
            WalletError::Full,
            WalletError::BadLabel,
            WalletError::NoSuchEntry,
            WalletError::NotARefresh,
            WalletError::ChangedElsewhere,
            WalletError::Storage(StorageError::QuotaExceeded),
            WalletError::Storage(StorageError::Unavailable(String::new())),
        ];
        // No wildcard: a new variant does not compile until it is listed above.
        for e in &errors {
            match e {
                WalletError::Refused(_)
                | WalletError::Duplicate
                | WalletError::Full
                | WalletError::BadLabel
                | WalletError::NoSuchEntry
                | WalletError::NotARefresh
                | WalletError::ChangedElsewhere
                | WalletError::Storage(
                    StorageError::QuotaExceeded | StorageError::Unavailable(_),
                ) => {}
            }
        }
        let codes: Vec<_> = errors.iter().map(WalletError::code).collect();
        assert_eq!(codes, WalletError::CODES);
    }

    #[test]
    fn labels_escape_and_unescape() {
        for label in ["Mother", "外婆", "100% me", "a\tb"] {
            let escaped = escape_label(label);
            assert!(!escaped.contains(['\t', '\n']));
            assert_eq!(unescape_label(&escaped).as_deref(), Some(label));
        }
        assert_eq!(unescape_label("%G0"), None);
        assert_eq!(unescape_label("%4"), None);
    }
}
