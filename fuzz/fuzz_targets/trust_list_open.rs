//! A published trust list (binary or `CWL1:` text) through `TrustList::open`
//! with the pinned root key; and the same bytes as a payload the root signed,
//! which reaches the payload parser behind the signature check.
#![no_main]

use std::sync::LazyLock;

use codewallet::{CredentialId, TrustList};
use codewallet_fuzz::{TRUST_LIST_AAD, World, seal};
use libfuzzer_sys::fuzz_target;

static WORLD: LazyLock<World> = LazyLock::new(World::new);

fuzz_target!(|data: &[u8]| {
    let world = &*WORLD;
    let root = world.root.public_key();
    if let Ok(list) = TrustList::open(data, &root) {
        check_list(world, &list);
    }

    let sealed = seal(&world.root, TRUST_LIST_AAD, data);
    let opened = TrustList::open(&sealed, &root);
    let text = TrustList::to_text(&sealed);
    assert_eq!(
        TrustList::open(text.as_bytes(), &root),
        opened,
        "the text and binary forms open the same"
    );
    if let Ok(list) = opened {
        check_list(world, &list);
    }
});

/// What holds for any list that opened.
fn check_list(world: &World, list: &TrustList) {
    // is_revoked searches by bisection: the ids must be strictly ascending.
    assert!(list.revoked().windows(2).all(|w| w[0] < w[1]));
    for id in list.revoked() {
        assert!(list.is_revoked(id));
    }
    for probe in [
        CredentialId([0; 8]),
        CredentialId([0xee; 8]),
        CredentialId([0xff; 8]),
    ] {
        assert_eq!(list.is_revoked(&probe), list.revoked().contains(&probe));
    }
    for entry in &list.issuers {
        assert!(list.issuer(&entry.key_id()).is_some());
        let _ = entry.may_issue(codewallet::Status::Red);
    }
    let _ = world.trust.check_successor(list);
    if let Ok(again) = list.sign(&world.root) {
        let reopened = TrustList::open(&again, &world.root.public_key())
            .expect("what sign writes, open reads");
        assert_eq!(&reopened, list);
    }
}
