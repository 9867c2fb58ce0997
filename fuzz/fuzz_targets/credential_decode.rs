//! Credential text from anywhere (a QR code, a link, a paste) through `decode`
//! and `verify`; and the same bytes as claims signed by a trusted issuer, which
//! takes them past the signature to the claim parser and every later check.
#![no_main]

use std::sync::LazyLock;

use codewallet::credential::{self, Credential, MAX_TEXT_LEN};
use codewallet::{Policy, Verdict, base45, verify};
use codewallet_fuzz::{CREDENTIAL_AAD, NOW, World, seal};
use libfuzzer_sys::fuzz_target;

static WORLD: LazyLock<World> = LazyLock::new(World::new);

fuzz_target!(|data: &[u8]| {
    let world = &*WORLD;
    check_text(world, &String::from_utf8_lossy(data));

    let signed = format!(
        "CW1:{}",
        base45::encode(&seal(&world.issuer, CREDENTIAL_AAD, data))
    );
    let verdict = check_text(world, &signed);
    if signed.len() <= MAX_TEXT_LEN {
        let claims = Credential::from_claims(data);
        assert_eq!(
            credential::decode(&signed).map(|d| d.credential),
            claims,
            "decode of a well-signed envelope is the claim parser's answer"
        );
        // A trusted issuer signed it: the verdict shows the claims whatever else it says.
        assert_eq!(verdict.credential, claims.ok());
    }
});

/// Decodes and verifies `text`, checking that the two agree and that whatever
/// decodes signs again into text that decodes to the same claims.
fn check_text(world: &World, text: &str) -> Verdict {
    let decoded = credential::decode(text);
    let verdict = verify(text, &world.trust, NOW, &Policy::default());
    match &decoded {
        Err(_) => {
            assert!(!verdict.is_valid());
            assert_eq!(verdict.credential, None);
        }
        Ok(d) => {
            if let Some(shown) = &verdict.credential {
                assert_eq!(shown, &d.credential);
            }
            if let Ok(again) = d.credential.sign(&world.issuer) {
                let d2 = credential::decode(&again).expect("what sign writes, decode reads");
                assert_eq!(d2.credential, d.credential);
                assert_eq!(d2.kid, world.issuer.public_key().key_id());
            }
        }
    }
    verdict
}
