//! An upload grant (binary or `CWG1:` text) through `UploadGrant::open` with
//! the pinned root key; and the same bytes as a payload the root signed, which
//! reaches the grant parser behind the signature check.
#![no_main]

use std::sync::LazyLock;

use codewallet::UploadGrant;
use codewallet_fuzz::{World, seal};
use libfuzzer_sys::fuzz_target;

static WORLD: LazyLock<World> = LazyLock::new(World::new);

fuzz_target!(|data: &[u8]| {
    let world = &*WORLD;
    let root = world.root.public_key();
    let _ = UploadGrant::open(data, &root);

    let sealed = seal(&world.root, codewallet::grant::EXTERNAL_AAD, data);
    let opened = UploadGrant::open(&sealed, &root);
    let text = UploadGrant::to_text(&sealed);
    assert_eq!(
        UploadGrant::open(text.as_bytes(), &root),
        opened,
        "the text and binary forms open the same"
    );
    if let Ok(grant) = opened {
        // What opens signs again to the same grant.
        let again = grant.sign(&world.root).expect("an opened grant is within the limits");
        assert_eq!(UploadGrant::open(&again, &root), Ok(grant));
    }
});
