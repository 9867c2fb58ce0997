//! The wallet store: import rules, family order, and storage that is corrupt or full.

use std::collections::HashMap;

use codewallet::wallet::{
    BACKUP_KEY, KEY, MAX_BACKUPS, MAX_ENTRIES, Storage, StorageError, Wallet, WalletError,
};
use codewallet::{
    Credential, CredentialId, IdBinding, IssuerEntry, Policy, SecretKey, Status, TrustList,
};

const T0: u64 = 1_767_254_400;
const DAY: u64 = 86_400;

/// A map that can be told to fail like a full or missing `localStorage`.
#[derive(Default)]
struct MemoryStorage {
    values: HashMap<String, String>,
    quota: Option<usize>,
    unavailable: bool,
}

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        if self.unavailable {
            return Err(StorageError::Unavailable("denied".into()));
        }
        Ok(self.values.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        if self.unavailable {
            return Err(StorageError::Unavailable("denied".into()));
        }
        if self.quota.is_some_and(|q| value.len() > q) {
            return Err(StorageError::QuotaExceeded);
        }
        self.values.insert(key.into(), value.into());
        Ok(())
    }
}

fn issuer() -> SecretKey {
    SecretKey::from_seed(&[0x11; 32])
}

fn trust() -> TrustList {
    let entry = IssuerEntry {
        key: issuer().public_key(),
        name: "SH".into(),
        not_before: T0 - DAY,
        expires_at: T0 + 365 * DAY,
        statuses: Status::ALL.to_vec(),
    };
    TrustList::new(
        1,
        T0,
        T0 + 7 * DAY,
        vec![entry],
        vec![CredentialId([0xee; 8])],
    )
}

fn credential(n: u8, expires_at: u64) -> String {
    let id = CredentialId([n; 8]);
    Credential {
        issuer: "SH".into(),
        id,
        issued_at: T0,
        not_before: T0,
        expires_at,
        status: Status::Green,
        decided_at: T0,
        display_name: "张*丰".into(),
        id_binding: IdBinding::new(&id, "1"),
        holder_key: None,
    }
    .sign(&issuer())
    .unwrap()
}

fn import(
    w: &mut Wallet,
    s: &mut MemoryStorage,
    label: &str,
    text: &str,
) -> Result<(), WalletError> {
    w.import(s, label, text, &trust(), T0 + 60, &Policy::default())
        .map(drop)
}

fn labels(w: &Wallet) -> Vec<&str> {
    w.entries().iter().map(|e| e.label.as_str()).collect()
}

#[test]
fn family_survives_reload_in_order() {
    let mut storage = MemoryStorage::default();
    let (mut w, problem) = Wallet::load(&mut storage).unwrap();
    assert_eq!((w.entries().len(), problem), (0, None));
    for (n, label) in [(1, "Me"), (2, "外婆"), (3, "Child 100%")] {
        import(&mut w, &mut storage, label, &credential(n, T0 + DAY)).unwrap();
    }
    w.move_entry(&mut storage, 2, 0).unwrap();
    w.rename(&mut storage, 1, "Moi").unwrap();
    let (reloaded, problem) = Wallet::load(&mut storage).unwrap();
    assert_eq!(problem, None);
    assert_eq!(labels(&reloaded), ["Child 100%", "Moi", "外婆"]);
    assert_eq!(reloaded, w);
    w.remove(&mut storage, 1).unwrap();
    assert_eq!(
        labels(&Wallet::load(&mut storage).unwrap().0),
        ["Child 100%", "外婆"]
    );
}

#[test]
fn import_refuses_what_does_not_verify() {
    let mut storage = MemoryStorage::default();
    let mut w = Wallet::default();
    let check = |w: &mut Wallet, s: &mut MemoryStorage, label: &str, text: &str, code: &str| {
        assert_eq!(
            import(w, s, label, text).unwrap_err().code(),
            code,
            "{label}"
        );
    };
    check(
        &mut w,
        &mut storage,
        "expired",
        &credential(1, T0 + 30),
        "expired",
    );
    check(
        &mut w,
        &mut storage,
        "revoked",
        &credential(0xee, T0 + DAY),
        "revoked",
    );
    let mut forged = credential(2, T0 + DAY);
    forged.truncate(forged.len() - 3);
    forged.push_str("000");
    check(&mut w, &mut storage, "forged", &forged, "invalid_signature");
    check(&mut w, &mut storage, "junk", "hello", "malformed");
    check(
        &mut w,
        &mut storage,
        "",
        &credential(3, T0 + DAY),
        "bad_label",
    );
    check(
        &mut w,
        &mut storage,
        "a\nb",
        &credential(3, T0 + DAY),
        "bad_label",
    );
    import(&mut w, &mut storage, "Me", &credential(3, T0 + DAY)).unwrap();
    check(
        &mut w,
        &mut storage,
        "again",
        &credential(3, T0 + DAY),
        "duplicate",
    );
    for n in 4..(3 + MAX_ENTRIES as u8) {
        import(&mut w, &mut storage, "x", &credential(n, T0 + DAY)).unwrap();
    }
    check(
        &mut w,
        &mut storage,
        "one too many",
        &credential(99, T0 + DAY),
        "wallet_full",
    );
    assert_eq!(w.entries().len(), MAX_ENTRIES);
}

#[test]
fn a_full_store_changes_nothing() {
    let mut storage = MemoryStorage::default();
    let mut w = Wallet::default();
    import(&mut w, &mut storage, "Me", &credential(1, T0 + DAY)).unwrap();
    let before = storage.values.clone();
    storage.quota = Some(300);
    let err = import(&mut w, &mut storage, "Mother", &credential(2, T0 + DAY)).unwrap_err();
    assert_eq!(err.code(), "quota_exceeded");
    assert_eq!(labels(&w), ["Me"]);
    assert_eq!(storage.values, before);
}

#[test]
fn a_corrupt_store_is_reported_kept_and_salvaged() {
    let mut storage = MemoryStorage::default();
    let mut w = Wallet::default();
    import(&mut w, &mut storage, "Me", &credential(1, T0 + DAY)).unwrap();
    import(&mut w, &mut storage, "Mother", &credential(2, T0 + DAY)).unwrap();
    // Damage the second entry's text.
    let damaged = storage.values[KEY].replacen("Mother\tCW1:", "Mother\tCW1:~~", 1);
    storage.values.insert(KEY.into(), damaged.clone());
    let (w, problem) = Wallet::load(&mut storage).unwrap();
    let problem = problem.unwrap();
    assert_eq!(
        (problem.skipped, problem.backup_key.as_deref()),
        (1, Some(BACKUP_KEY))
    );
    assert!(problem.reason.starts_with("entry 2:"), "{}", problem.reason);
    assert_eq!(labels(&w), ["Me"]);
    assert_eq!(storage.values[BACKUP_KEY], damaged, "the original is kept");
    assert_eq!(
        storage.values[KEY], damaged,
        "nothing is overwritten by loading"
    );

    for (stored, reason) in [
        ("garbage", "not a wallet store"),
        (
            "codewallet wallet 2\nx",
            "stored by a newer version of the app",
        ),
    ] {
        let mut storage = MemoryStorage::default();
        storage.values.insert(KEY.into(), stored.into());
        let problem = Wallet::load(&mut storage).unwrap().1.unwrap();
        assert_eq!(problem.reason, reason);
        assert_eq!(storage.values[BACKUP_KEY], stored);
    }
}

#[test]
fn storage_that_refuses_is_an_error_not_a_panic() {
    let mut storage = MemoryStorage {
        unavailable: true,
        ..MemoryStorage::default()
    };
    assert!(matches!(
        Wallet::load(&mut storage),
        Err(StorageError::Unavailable(_))
    ));
    let mut w = Wallet::default();
    assert_eq!(
        import(&mut w, &mut storage, "Me", &credential(1, T0 + DAY))
            .unwrap_err()
            .code(),
        "storage_unavailable"
    );
}

proptest::proptest! {
    #[test]
    fn any_stored_text_loads_or_reports(stored in "\\PC{0,300}", lines in proptest::collection::vec("[^\n]{0,80}", 0..5)) {
        let mut storage = MemoryStorage::default();
        storage.values.insert(KEY.into(), format!("{stored}\ncodewallet wallet 1\n{}", lines.join("\n")));
        let _ = Wallet::load(&mut storage).unwrap();
        let mut storage = MemoryStorage::default();
        storage.values.insert(KEY.into(), format!("codewallet wallet 1\n{}", lines.join("\n")));
        let _ = Wallet::load(&mut storage).unwrap();
    }
}

#[test]
fn replace_keeps_label_and_place_in_one_write_even_when_full() {
    let mut storage = MemoryStorage::default();
    let (mut w, _) = Wallet::load(&mut storage).unwrap();
    for n in 1..=MAX_ENTRIES as u8 {
        import(
            &mut w,
            &mut storage,
            &format!("P{n}"),
            &credential(n, T0 + DAY),
        )
        .unwrap();
    }
    let newer = credential(100, T0 + 2 * DAY);
    let replace = |w: &mut Wallet, s: &mut MemoryStorage, i: usize, text: &str| {
        w.replace(s, i, text, &trust(), T0 + 60, &Policy::default())
    };
    replace(&mut w, &mut storage, 4, &newer).unwrap();
    let (reloaded, problem) = Wallet::load(&mut storage).unwrap();
    assert_eq!(problem, None);
    assert_eq!(reloaded, w);
    assert_eq!(w.entries().len(), MAX_ENTRIES);
    assert_eq!(w.entries()[4].label, "P5");
    assert_eq!(w.entries()[4].text, newer);
    assert_eq!(w.entries()[4].credential.expires_at, T0 + 2 * DAY);

    // Refused without a change: what does not verify, another entry's
    // credential, an index past the end, and a write the storage refuses.
    let before = w.clone();
    let expired = credential(101, T0 + 30);
    assert!(matches!(
        replace(&mut w, &mut storage, 0, &expired),
        Err(WalletError::Refused(_))
    ));
    assert_eq!(
        replace(&mut w, &mut storage, 0, &credential(2, T0 + DAY)),
        Err(WalletError::Duplicate)
    );
    assert_eq!(
        replace(
            &mut w,
            &mut storage,
            MAX_ENTRIES,
            &credential(102, T0 + DAY)
        ),
        Err(WalletError::NoSuchEntry)
    );
    storage.quota = Some(10);
    assert!(matches!(
        replace(&mut w, &mut storage, 0, &credential(103, T0 + 2 * DAY)),
        Err(WalletError::Storage(_))
    ));
    assert_eq!(w, before);
    // An entry's own credential again is no refresh (and no duplicate).
    storage.quota = None;
    assert_eq!(
        replace(&mut w, &mut storage, 4, &newer),
        Err(WalletError::NotARefresh)
    );
    assert_eq!(w, before);
}

fn credential_of(n: u8, expires_at: u64, issued_by: &str, name: &str) -> String {
    let id = CredentialId([n; 8]);
    Credential {
        issuer: issued_by.into(),
        id,
        issued_at: T0,
        not_before: T0,
        expires_at,
        status: Status::Green,
        decided_at: T0,
        display_name: name.into(),
        id_binding: IdBinding::new(&id, "1"),
        holder_key: None,
    }
    .sign(&issuer())
    .unwrap()
}

/// The refresh rule lives in the store: same issuer, same masked name, later expiry.
#[test]
fn replace_takes_only_a_newer_code_of_the_same_person_and_issuer() {
    let mut storage = MemoryStorage::default();
    let mut w = Wallet::default();
    import(&mut w, &mut storage, "Me", &credential(1, T0 + DAY)).unwrap();
    let before = storage.values.clone();
    for (text, why) in [
        (credential(2, T0 + DAY), "same expiry"),
        (credential(3, T0 + DAY - 1), "earlier expiry"),
        (credential_of(4, T0 + 2 * DAY, "SH", "李*"), "another name"),
        (
            credential_of(5, T0 + 2 * DAY, "XX", "张*丰"),
            "another issuer",
        ),
    ] {
        assert_eq!(
            w.replace(
                &mut storage,
                0,
                &text,
                &trust(),
                T0 + 60,
                &Policy::default()
            ),
            Err(WalletError::NotARefresh),
            "{why}"
        );
    }
    assert_eq!(storage.values, before);
    assert_eq!(WalletError::NotARefresh.code(), "not_a_refresh");
    w.replace(
        &mut storage,
        0,
        &credential(6, T0 + 2 * DAY),
        &trust(),
        T0 + 60,
        &Policy::default(),
    )
    .unwrap();
}

/// Two tabs share one store: an import made in one is never overwritten by
/// the other, whose view is older.
#[test]
fn a_second_tab_never_overwrites_the_first() {
    let mut storage = MemoryStorage::default();
    let (mut a, _) = Wallet::load(&mut storage).unwrap();
    let (mut b, _) = Wallet::load(&mut storage).unwrap();
    import(&mut a, &mut storage, "Me", &credential(1, T0 + DAY)).unwrap();
    // Tab B imports with its old (empty) view: it adds to what the store holds.
    import(&mut b, &mut storage, "Mother", &credential(2, T0 + DAY)).unwrap();
    assert_eq!(labels(&b), ["Me", "Mother"]);
    assert_eq!(
        labels(&Wallet::load(&mut storage).unwrap().0),
        ["Me", "Mother"]
    );
    // Tab A's view is now old: changes by position are refused, nothing is lost.
    let stored = storage.values[KEY].clone();
    assert_eq!(
        a.rename(&mut storage, 0, "Moi"),
        Err(WalletError::ChangedElsewhere)
    );
    assert_eq!(
        a.remove(&mut storage, 0),
        Err(WalletError::ChangedElsewhere)
    );
    assert_eq!(
        a.move_entry(&mut storage, 0, 0),
        Err(WalletError::ChangedElsewhere)
    );
    assert_eq!(
        a.replace(
            &mut storage,
            0,
            &credential(3, T0 + 2 * DAY),
            &trust(),
            T0 + 60,
            &Policy::default()
        ),
        Err(WalletError::ChangedElsewhere)
    );
    assert_eq!(storage.values[KEY], stored);
    assert_eq!(WalletError::ChangedElsewhere.code(), "changed_elsewhere");
    // Import in tab A picks up B's entry too.
    import(&mut a, &mut storage, "Child", &credential(4, T0 + DAY)).unwrap();
    assert_eq!(labels(&a), ["Me", "Mother", "Child"]);
    a.rename(&mut storage, 0, "Moi").unwrap();
    assert_eq!(
        labels(&Wallet::load(&mut storage).unwrap().0),
        ["Moi", "Mother", "Child"]
    );
}

/// Each unreadable store gets a backup slot of its own; a later one never
/// overwrites an earlier one, and the slots are bounded.
#[test]
fn unreadable_stores_are_each_kept() {
    let mut storage = MemoryStorage::default();
    let mut kept = Vec::new();
    for n in 1..=MAX_BACKUPS + 1 {
        let damaged = format!("not a wallet {n}");
        storage.values.insert(KEY.into(), damaged.clone());
        let problem = Wallet::load(&mut storage).unwrap().1.unwrap();
        // Loading the same damaged store again takes no second slot.
        let again = Wallet::load(&mut storage).unwrap().1.unwrap();
        assert_eq!(again.backup_key, problem.backup_key);
        if n <= MAX_BACKUPS {
            let key = problem.backup_key.unwrap();
            assert_eq!(storage.values[&key], damaged);
            kept.push((key, damaged));
        } else {
            assert_eq!(problem.backup_key, None, "all slots hold other stores");
        }
    }
    assert_eq!(kept[0].0, BACKUP_KEY);
    for (key, damaged) in kept {
        assert_eq!(storage.values[&key], damaged, "never overwritten");
    }
}
