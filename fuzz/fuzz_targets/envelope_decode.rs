//! Any bytes through the COSE_Sign1 decoder and the project's profile check.
#![no_main]

use codewallet::envelope::{Envelope, Sign1};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sign1 = Sign1::decode(data);
    if let Ok(s) = &sign1 {
        let tbs = s.to_be_signed(b"aad");
        assert!(tbs.len() > s.payload.len() + s.protected.len());
    }
    if let Ok(e) = Envelope::decode(data) {
        assert!(sign1.is_ok(), "the profile is a subset of COSE_Sign1");
        // The profile is byte for byte: sealing the same parts gives the input back.
        let again = Envelope::seal(&e.kid, b"", e.payload, |_| e.signature);
        assert_eq!(again, data);
    }
});
