//! Upload grants without a store: what is signed opens the same, every limit
//! of the format is refused, any bytes give a grant or a typed error.

use codewallet::grant::{self, UploadGrant};
use codewallet::{SecretKey, envelope::Envelope};
use proptest::prelude::*;

fn root() -> SecretKey {
    SecretKey::from_seed(&[0x22; 32])
}

fn example() -> UploadGrant {
    UploadGrant {
        station: "SH-0042".into(),
        endpoint: "https://s3.example.org/codewallet".into(),
        prefix: UploadGrant::prefix_for("SH-0042"),
        max_bytes: 4 << 20,
        issued_at: 1_767_254_400,
        expires_at: 1_767_254_400 + 72 * 3600,
        fields: vec![
            ("policy".into(), "eyJleHBpcmF0aW9uIjoi".into()),
            ("x-amz-algorithm".into(), "AWS4-HMAC-SHA256".into()),
            ("x-amz-signature".into(), "ab12".into()),
        ],
    }
}

#[test]
fn a_grant_opens_as_signed_in_both_forms_and_only_with_its_root() {
    let g = example();
    let signed = g.sign(&root()).unwrap();
    assert_eq!(
        UploadGrant::open(&signed, &root().public_key()),
        Ok(g.clone())
    );
    let text = UploadGrant::to_text(&signed);
    assert!(text.starts_with("CWG1:"));
    assert_eq!(
        UploadGrant::open(text.as_bytes(), &root().public_key()),
        Ok(g.clone())
    );
    let other = SecretKey::from_seed(&[0x23; 32]).public_key();
    assert_eq!(
        UploadGrant::open(&signed, &other).unwrap_err().code(),
        "wrong_root"
    );
    let mut flipped = signed.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(
        UploadGrant::open(&flipped, &root().public_key())
            .unwrap_err()
            .code(),
        "invalid_signature"
    );
    // A trust list or credential signed by the same root is not a grant.
    let as_list = Envelope::seal(
        &root().key_id(),
        codewallet::trust_list::EXTERNAL_AAD,
        b"\xa0",
        |tbs| root().sign(tbs),
    );
    assert_eq!(
        UploadGrant::open(&as_list, &root().public_key())
            .unwrap_err()
            .code(),
        "invalid_signature"
    );
}

#[test]
fn keys_are_allowed_only_under_the_prefix() {
    let g = example();
    assert!(g.allows_key("registrations/SH-0042/a-1-200.jsonl"));
    for key in [
        "registrations/SH-0043/a.jsonl",
        "registrations/SH-0042/",
        "registrations/SH-0042/../x",
        "registrations/SH-0042/a/b",
        "x",
    ] {
        assert!(!g.allows_key(key), "{key}");
    }
}

#[test]
fn every_limit_of_the_format_is_refused_before_signing() {
    type Edit = Box<dyn Fn(&mut UploadGrant)>;
    let bad: Vec<(&str, Edit)> = vec![
        (
            "station with a slash",
            Box::new(|g| g.station = "a/b".into()),
        ),
        ("empty station", Box::new(|g| g.station = String::new())),
        ("long station", Box::new(|g| g.station = "s".repeat(65))),
        (
            "endpoint not http",
            Box::new(|g| g.endpoint = "ftp://x".into()),
        ),
        (
            "prefix without slash",
            Box::new(|g| g.prefix = "registrations".into()),
        ),
        ("expired at issue", Box::new(|g| g.expires_at = g.issued_at)),
        (
            "repeated field",
            Box::new(|g| g.fields.push(("policy".into(), "x".into()))),
        ),
        (
            "the uploader's key",
            Box::new(|g| g.fields.push(("key".into(), "x".into()))),
        ),
        (
            "the uploader's file",
            Box::new(|g| g.fields.push(("File".into(), "x".into()))),
        ),
        ("long value", Box::new(|g| g.fields[0].1 = "x".repeat(4097))),
        (
            "too many fields",
            Box::new(|g| {
                g.fields = (0..17).map(|i| (format!("f{i}"), String::new())).collect();
            }),
        ),
    ];
    for (why, edit) in bad {
        let mut g = example();
        edit(&mut g);
        assert!(
            matches!(g.sign(&root()), Err(codewallet::DecodeError::Claims(_))),
            "{why}"
        );
    }
    assert!(grant::valid_station("A-z_09"));
}

proptest! {
    #[test]
    fn any_bytes_open_or_err(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = UploadGrant::open(&bytes, &root().public_key());
        // Behind a valid signature too: the payload parser sees the bytes.
        let sealed = Envelope::seal(&root().key_id(), grant::EXTERNAL_AAD, &bytes, |tbs| root().sign(tbs));
        let _ = UploadGrant::open(&sealed, &root().public_key());
    }

    #[test]
    fn any_valid_grant_round_trips(
        station in "[A-Za-z0-9_-]{1,64}",
        max_bytes: u64,
        issued_at in 0u64..1 << 40,
        valid in 1u64..1 << 30,
        fields in proptest::collection::btree_map("x-[a-z]{1,12}", "\\PC{0,40}", 0..16),
    ) {
        let g = UploadGrant {
            prefix: UploadGrant::prefix_for(&station),
            station,
            endpoint: "http://127.0.0.1:3900/codewallet".into(),
            max_bytes,
            issued_at,
            expires_at: issued_at + valid,
            fields: fields.into_iter().collect(),
        };
        let signed = g.sign(&root()).unwrap();
        prop_assert_eq!(UploadGrant::open(&signed, &root().public_key()), Ok(g));
    }
}
