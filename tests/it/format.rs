//! The wire format: the examples of docs/FORMAT.md byte for byte, round trips,
//! every verdict, tampering, and property tests of every parser.

use codewallet::{
    Credential, CredentialId, Decision, DecodeError, Failure, IdBinding, IssuerEntry, Policy,
    QrMatrix, SecretKey, Status, Successor, TrustList, TrustListError, Warning, base45, credential,
    envelope, envelope::Sign1, hex, trust_status, verify,
};
use proptest::prelude::*;

/// 2026-01-01T08:00:00Z, the time of every example.
const T0: u64 = 1_767_254_400;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

fn issuer_key() -> SecretKey {
    SecretKey::from_seed(&[0x11; 32])
}

fn root_key() -> SecretKey {
    SecretKey::from_seed(&[0x22; 32])
}

/// FORMAT.md example 1: a green credential with a Chinese name.
fn example_1() -> Credential {
    let id = CredentialId([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
    Credential {
        issuer: "SH".into(),
        id,
        issued_at: T0,
        not_before: T0,
        expires_at: T0 + 48 * HOUR,
        status: Status::Green,
        decided_at: T0 - 6 * HOUR,
        display_name: "张*丰".into(),
        id_binding: IdBinding::new(&id, "11010519491231002X"),
        holder_key: None,
    }
}

/// FORMAT.md example 2: a red credential with a holder key.
fn example_2() -> Credential {
    let id = CredentialId([0xfe; 8]);
    Credential {
        issuer: "Demo CDC".into(),
        id,
        issued_at: T0,
        not_before: T0,
        expires_at: T0 + 24 * HOUR,
        status: Status::Red,
        decided_at: T0,
        display_name: "W*******g".into(),
        id_binding: IdBinding::new(&id, "E12345678"),
        holder_key: Some(SecretKey::from_seed(&[0x33; 32]).public_key().to_bytes()),
    }
}

fn issuer_entry(statuses: &[Status]) -> IssuerEntry {
    IssuerEntry {
        key: issuer_key().public_key(),
        name: "SH".into(),
        not_before: T0 - DAY,
        expires_at: T0 + 365 * DAY,
        statuses: statuses.to_vec(),
    }
}

/// FORMAT.md example 3: a trust list naming the issuer key, with example 2 revoked.
fn example_trust_list() -> TrustList {
    TrustList::new(
        1,
        T0,
        T0 + 7 * DAY,
        vec![issuer_entry(&Status::ALL)],
        vec![example_2().id],
    )
}

fn cose_of(text: &str) -> Vec<u8> {
    base45::decode(&text[credential::PREFIX.len()..]).unwrap()
}

fn text_of(cose: &[u8]) -> String {
    format!("{}{}", credential::PREFIX, base45::encode(cose))
}

const EXAMPLE_1_CLAIMS: &str = "a601625348041a6958cc80051a69562980061a6956298007480123456789abcdef\
3a00010000a40101021a6955d5200367e5bca02ae4b8b00448bfb4aedc1e6a450c";
const EXAMPLE_1_COSE: &str = "d2844da20127044810ba682c8ad13513a05842\
a601625348041a6958cc80051a69562980061a6956298007480123456789abcdef\
3a00010000a40101021a6955d5200367e5bca02ae4b8b00448bfb4aedc1e6a450c\
5840f02c56cc25b5a3c792664b3919eb02239de8cfedef88ae87e909dca6daf48efa\
af6f43b9277d2180f45e4c6651519993d7eee7d07be7bb032632851cc1866c07";
const EXAMPLE_1_TEXT: &str = "CW1:RRQT 9P60GO0752S7DWOH.V68CK7J8*70ZNAFN0DEDH%P1T0BED4B5WY0BED4B5J-0L60$Y88IHO1Q/E7V50T30W50/B0AEDK.QGJ0.1T7BK7-SFBM%89*$MA$RPJDAP1J98AR5G PE/MFAP.-C$97.VTRM4JJTQ3UPCH88H4B194LB-U5VV/2EEIN% FRDGK-B3.C9EA2VI49U1GQDDT-H0IH6QS3W:G70";
const EXAMPLE_2_COSE: &str = "d2844da20127044810ba682c8ad13513a0586d\
a6016844656d6f20434443041a69577b00051a69562980061a695629800748fefefefefefefefe\
3a00010000a50103021a695629800369572a2a2a2a2a2a2a67044835889328e7aebca1\
05582017cb79fb2b4120f2b1ec65e4198d6e08b28e813feb01e4a400839b85e18080ce\
5840effefbc2a2d2b7f989d248b499160c090ba83194c77b928bd102d6f8a6bcca6d\
0d1a1ea64454c981682ebe5b5ddc4ec7633335f95fe836eaed728d7456ac1001";
const EXAMPLE_TRUST_LIST: &str = "d2844da2012704481325b850c2871916a05856\
a600010101021a69562980031a695f640004\
81a5005820d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737\
01625348021a6954d800031a6b375d00048301020305\
48fefefefefefefefe\
58402e7a07176e624b27a3d58ac480232b820e336938466225021184c601fd74c3d0\
ffb8500747d04cfafefd8c1df44641a62b9c397a6e8a9c971ee1b822e2fb3109";

#[test]
fn format_md_examples_byte_for_byte() {
    let c1 = example_1();
    assert_eq!(hex::encode(&c1.to_claims()), EXAMPLE_1_CLAIMS);
    let text1 = c1.sign(&issuer_key()).unwrap();
    assert_eq!(hex::encode(&cose_of(&text1)), EXAMPLE_1_COSE);
    assert_eq!(text1, EXAMPLE_1_TEXT);
    assert_eq!(credential::decode(EXAMPLE_1_TEXT).unwrap().credential, c1);

    let text2 = example_2().sign(&issuer_key()).unwrap();
    assert_eq!(hex::encode(&cose_of(&text2)), EXAMPLE_2_COSE);
    assert_eq!(credential::decode(&text2).unwrap().credential, example_2());

    let signed = example_trust_list().sign(&root_key()).unwrap();
    assert_eq!(hex::encode(&signed), EXAMPLE_TRUST_LIST);
    assert_eq!(
        TrustList::open(&signed, &root_key().public_key()).unwrap(),
        example_trust_list()
    );
}

#[test]
fn typical_credential_fits_qr_version_11_at_level_q() {
    assert_eq!(
        (
            EXAMPLE_1_TEXT.len(),
            QrMatrix::encode(EXAMPLE_1_TEXT).unwrap().version
        ),
        (231, 11)
    );
}

/// Verifies `text` at `now` against the example trust list and compares the
/// failure code (None = valid) and warning codes.
fn check(text: &str, now: u64, policy: Policy, failure: Option<&str>, warnings: &[&str]) {
    let trust = example_trust_list();
    let verdict = verify(text, &trust, now, &policy);
    let got = (
        verdict.failure.as_ref().map(Failure::code),
        verdict
            .warnings
            .iter()
            .map(Warning::code)
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        got,
        (failure, warnings.to_vec()),
        "{text} at {now}: {verdict:?}"
    );
}

#[test]
fn round_trip_every_status() {
    for status in Status::ALL {
        let mut c = example_1();
        c.status = status;
        let text = c.sign(&issuer_key()).unwrap();
        assert!(QrMatrix::encode(&text).unwrap().version <= 11);
        let verdict = verify(&text, &example_trust_list(), T0 + HOUR, &Policy::default());
        assert_eq!(verdict.credential, Some(c));
        assert!(verdict.is_valid(), "{status}: {verdict:?}");
    }
}

#[test]
fn every_verdict() {
    let policy = Policy::default();
    let signed = |c: Credential| c.sign(&issuer_key()).unwrap();
    let valid = EXAMPLE_1_TEXT.to_string();
    check(&valid, T0 + HOUR, policy, None, &[]);
    // Time: expiry is exclusive; not-before has the policy's tolerance.
    check(
        &valid,
        T0 + 48 * HOUR - 1,
        policy,
        None,
        &["trust_list_stale"],
    );
    check(
        &valid,
        T0 + 48 * HOUR,
        policy,
        Some("expired"),
        &["trust_list_stale"],
    );
    check(&valid, T0 - 300, policy, None, &[]);
    check(
        &valid,
        T0 - 301,
        policy,
        Some("not_yet_valid"),
        &["clock_before_trust_list", "clock_behind"],
    );
    let mut later = example_1();
    later.not_before = T0 + DAY;
    check(
        &signed(later),
        T0 + HOUR,
        policy,
        Some("not_yet_valid"),
        &[],
    );
    // Revoked: example 2's id is in the trust list.
    check(
        &signed(example_2()),
        T0 + HOUR,
        policy,
        Some("revoked"),
        &[],
    );
    // Unknown issuer: a key the trust list does not name.
    let rogue = example_1()
        .sign(&SecretKey::from_seed(&[0x44; 32]))
        .unwrap();
    check(&rogue, T0 + HOUR, policy, Some("unknown_issuer"), &[]);
    // Forged: one signature byte changed.
    let mut cose = cose_of(&valid);
    *cose.last_mut().unwrap() ^= 1;
    check(
        &text_of(&cose),
        T0 + HOUR,
        policy,
        Some("invalid_signature"),
        &[],
    );
    // Trailing bytes after the COSE structure, and oversize input.
    let mut cose = cose_of(&valid);
    cose.push(0);
    check(&text_of(&cose), T0 + HOUR, policy, Some("malformed"), &[]);
    check(&"A".repeat(2000), T0 + HOUR, policy, Some("malformed"), &[]);
    check(
        "CW2:ABC",
        T0 + HOUR,
        policy,
        Some("unsupported_version"),
        &[],
    );
    check("HC1:ABC", T0 + HOUR, policy, Some("malformed"), &[]);
    // Signed before the key's window, or for a status the key may not attest.
    let mut early = example_1();
    early.issued_at = T0 - 2 * DAY;
    check(
        &signed(early),
        T0 + HOUR,
        policy,
        Some("issuer_key_not_valid"),
        &[],
    );
    let green_only = TrustList::new(
        1,
        T0,
        T0 + 7 * DAY,
        vec![issuer_entry(&[Status::Green])],
        vec![],
    );
    let mut red = example_1();
    red.status = Status::Red;
    let verdict = verify(&signed(red), &green_only, T0 + HOUR, &policy);
    assert_eq!(
        verdict.failure,
        Some(Failure::IssuerNotAllowed {
            status: Status::Red
        })
    );
    // The trust list's age and the device clock.
    check(
        &valid,
        T0 + 7 * DAY,
        policy,
        Some("expired"),
        &["trust_list_expired"],
    );
    let strict = Policy {
        refuse_expired_trust_list: true,
        ..policy
    };
    check(
        &valid,
        T0 + 7 * DAY,
        strict,
        Some("trust_list_expired"),
        &["trust_list_expired"],
    );
    let mut future = example_1();
    future.issued_at = T0 + 2 * HOUR;
    check(&signed(future), T0 + HOUR, policy, None, &["clock_behind"]);
}

#[test]
fn failures_read_as_plain_language() {
    let verdict = verify(
        EXAMPLE_1_TEXT,
        &example_trust_list(),
        T0 + 51 * HOUR,
        &Policy::default(),
    );
    assert_eq!(verdict.failure.unwrap().to_string(), "expired 3 h ago");
    assert_eq!(
        verdict.warnings[0].to_string(),
        "trust list is 2 d old; update it when online"
    );
    // Even when refused, a credential whose signature verified shows whose it is.
    assert_eq!(verdict.credential.unwrap().display_name, "张*丰");
}

#[test]
fn tampering_every_single_bit_flip_of_a_credential_is_rejected_1208_flips() {
    let cose = cose_of(EXAMPLE_1_TEXT);
    let trust = example_trust_list();
    let mut flips = 0;
    for byte in 0..cose.len() {
        for bit in 0..8 {
            let mut tampered = cose.clone();
            tampered[byte] ^= 1 << bit;
            let verdict = verify(&text_of(&tampered), &trust, T0 + HOUR, &Policy::default());
            assert!(
                !verdict.is_valid(),
                "flip of bit {bit} of byte {byte} accepted"
            );
            flips += 1;
        }
    }
    assert_eq!(flips, 1208);
}

#[test]
fn tampering_every_single_bit_flip_of_a_trust_list_is_rejected() {
    let signed = example_trust_list().sign(&root_key()).unwrap();
    let root = root_key().public_key();
    for i in 0..signed.len() * 8 {
        let mut tampered = signed.clone();
        tampered[i / 8] ^= 1 << (i % 8);
        assert!(
            TrustList::open(&tampered, &root).is_err(),
            "flip {i} accepted"
        );
    }
}

#[test]
fn trust_list_is_pinned_to_its_root_and_never_rolls_back() {
    let root = root_key().public_key();
    let list = example_trust_list();
    let signed = list.sign(&root_key()).unwrap();
    // The text form opens alike.
    let text = TrustList::to_text(&signed);
    assert!(text.starts_with("CWL1:"));
    assert_eq!(TrustList::open(text.as_bytes(), &root).unwrap(), list);
    // Another root.
    let other = SecretKey::from_seed(&[0x55; 32]);
    let err = TrustList::open(&list.sign(&other).unwrap(), &root).unwrap_err();
    assert_eq!(
        err,
        TrustListError::WrongRoot {
            found: other.public_key().key_id()
        }
    );
    // Sequence: the same list again is a no-op, lower is refused.
    let older = TrustList::new(0, T0, T0 + DAY, vec![], vec![]);
    assert_eq!(list.check_successor(&list), Ok(Successor::Same));
    assert_eq!(
        list.check_successor(&older),
        Err(TrustListError::Rollback {
            current: 1,
            offered: 0
        })
    );
    // A credential signed by the root is not a trust list, and the reverse.
    let as_credential = example_1().sign(&root_key()).unwrap();
    assert_eq!(
        TrustList::open(&cose_of(&as_credential), &root).unwrap_err(),
        TrustListError::InvalidSignature
    );
}

/// A list signed before a revocation must not undo it by carrying the same
/// sequence as the list signed after it.
#[test]
fn a_different_list_needs_a_higher_sequence() {
    let root = root_key();
    let open = |list: &TrustList| TrustList::open(&list.sign(&root).unwrap(), &root.public_key());
    let entries = vec![issuer_entry(&Status::ALL)];
    let revoked = CredentialId([9; 8]);
    let before = open(&TrustList::new(5, T0, T0 + DAY, entries.clone(), vec![])).unwrap();
    let after = open(&TrustList::new(
        5,
        T0,
        T0 + DAY,
        entries.clone(),
        vec![revoked],
    ))
    .unwrap();
    let next = open(&TrustList::new(
        6,
        T0,
        T0 + DAY,
        entries.clone(),
        vec![revoked],
    ))
    .unwrap();
    assert_eq!(
        after.check_successor(&before),
        Err(TrustListError::SequenceReused { sequence: 5 })
    );
    assert_eq!(
        after.check_successor(&before).unwrap_err().code(),
        "sequence_reused"
    );
    assert_eq!(after.check_successor(&after.clone()), Ok(Successor::Same));
    assert_eq!(after.check_successor(&next), Ok(Successor::Newer));
    assert!(matches!(
        next.check_successor(&after),
        Err(TrustListError::Rollback { .. })
    ));
    // Lists from another root are never compared, even with a higher sequence.
    let other = SecretKey::from_seed(&[0x56; 32]);
    let foreign = TrustList::new(7, T0, T0 + DAY, entries, vec![]);
    let foreign = TrustList::open(&foreign.sign(&other).unwrap(), &other.public_key()).unwrap();
    assert_eq!(
        next.check_successor(&foreign),
        Err(TrustListError::WrongRoot {
            found: other.public_key().key_id()
        })
    );
}

#[test]
fn the_headline_decision_follows_status_and_verdict() {
    let trust = example_trust_list();
    let policy = Policy::default();
    for (status, decision) in [
        (Status::Green, Decision::Pass),
        (Status::Yellow, Decision::Check),
        (Status::Red, Decision::Refuse),
    ] {
        let c = Credential {
            status,
            ..example_1()
        };
        let verdict = verify(&c.sign(&issuer_key()).unwrap(), &trust, T0 + HOUR, &policy);
        assert!(verdict.is_valid());
        assert_eq!(verdict.decision(), decision, "{status}");
        // Expired: refused whatever the status.
        let verdict = verify(
            &c.sign(&issuer_key()).unwrap(),
            &trust,
            T0 + 49 * HOUR,
            &policy,
        );
        assert_eq!(verdict.decision(), Decision::Refuse);
    }
    assert_eq!(
        [Decision::Pass, Decision::Check, Decision::Refuse].map(Decision::code),
        ["pass", "check", "refuse"]
    );
}

/// The issuer a checkpoint shows is the trust list's name for the key that
/// signed, never the credential's own `iss` claim.
#[test]
fn the_issuer_shown_is_the_trust_lists_name_for_the_signing_key() {
    let trust = example_trust_list();
    let c = Credential {
        issuer: "Ministry of Health".into(),
        ..example_1()
    };
    let verdict = verify(
        &c.sign(&issuer_key()).unwrap(),
        &trust,
        T0 + HOUR,
        &Policy::default(),
    );
    assert!(verdict.is_valid());
    assert_eq!(
        verdict.signed_by.as_deref(),
        Some(trust.issuers[0].name.as_str())
    );
    assert_ne!(verdict.signed_by.as_deref(), Some("Ministry of Health"));
    let forged = verify("CW1:00", &trust, T0, &Policy::default());
    assert_eq!(forged.signed_by, None);
}

/// Claims are read only after the signature verified: damaged claims under
/// an unknown key or a bad signature are refused for the key or signature.
#[test]
fn claims_are_not_read_before_the_signature_verifies() {
    let trust = example_trust_list();
    let policy = Policy::default();
    let bad_claims = b"\xa1\x18\x63\x00"; // {99: 0}: an unknown claim
    let sealed = |key: &SecretKey| {
        text_of(&envelope::Envelope::seal(
            &key.key_id(),
            credential::EXTERNAL_AAD,
            bad_claims,
            |tbs| key.sign(tbs),
        ))
    };
    let stranger = SecretKey::from_seed(&[0x77; 32]);
    let verdict = verify(&sealed(&stranger), &trust, T0, &policy);
    assert_eq!(verdict.failure, Some(Failure::UnknownIssuer));
    let forged = text_of(&envelope::Envelope::seal(
        &issuer_key().key_id(),
        credential::EXTERNAL_AAD,
        bad_claims,
        |_| [0; 64],
    ));
    let verdict = verify(&forged, &trust, T0, &policy);
    assert_eq!(verdict.failure, Some(Failure::InvalidSignature));
    // Signed by a trusted key, the same claims are refused as malformed.
    let verdict = verify(&sealed(&issuer_key()), &trust, T0, &policy);
    assert!(matches!(
        verdict.failure,
        Some(Failure::Malformed(DecodeError::Claims(_)))
    ));
}

/// A validity of billions of hours is never signed nor read: pages format
/// every time a credential names.
#[test]
fn validity_is_bounded() {
    let key = issuer_key();
    let long = Credential {
        expires_at: T0 + credential::MAX_VALIDITY + 1,
        ..example_1()
    };
    assert!(matches!(long.sign(&key), Err(DecodeError::Claims(_))));
    let just = Credential {
        expires_at: T0 + credential::MAX_VALIDITY,
        ..example_1()
    };
    assert!(just.sign(&key).is_ok());
    let far = Credential {
        not_before: credential::MAX_TIME,
        expires_at: credential::MAX_TIME + 1,
        ..example_1()
    };
    assert!(matches!(far.sign(&key), Err(DecodeError::Claims(_))));
    // The same claims signed by hand are refused when read.
    let sealed = text_of(&envelope::Envelope::seal(
        &key.key_id(),
        credential::EXTERNAL_AAD,
        &long.to_claims(),
        |tbs| key.sign(tbs),
    ));
    let verdict = verify(&sealed, &example_trust_list(), T0, &Policy::default());
    assert!(matches!(
        verdict.failure,
        Some(Failure::Malformed(DecodeError::Claims(_)))
    ));
}

#[test]
fn trust_status_uses_the_verdicts_rules() {
    let trust = example_trust_list();
    let policy = Policy::default();
    let at = |now| trust_status(&trust, now, &policy);
    assert!(!at(trust.issued_at + policy.stale_after).stale);
    assert!(at(trust.issued_at + policy.stale_after + 1).stale);
    // Expired at its expiry second, as verify() warns.
    assert!(!at(trust.expires_at - 1).expired);
    let s = at(trust.expires_at);
    assert!(s.expired);
    assert_eq!(s.expired_for, 0);
    assert_eq!(at(trust.expires_at + 5).expired_for, 5);
    assert!(at(trust.issued_at - policy.clock_tolerance - 1).clock_before);
    assert!(!at(trust.issued_at - policy.clock_tolerance).clock_before);
    let verdict = verify(
        &example_1().sign(&issuer_key()).unwrap(),
        &trust,
        trust.expires_at,
        &policy,
    );
    assert_eq!(verdict.warnings, [Warning::TrustListExpired]);
}

#[test]
fn revocations_scale_to_a_city() {
    // 1% of 13 million: 130,000 ids, about 1 MB, still looked up by binary search.
    let ids: Vec<CredentialId> = (0u64..130_000)
        .map(|i| CredentialId(i.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes()))
        .collect();
    let list = TrustList::new(
        2,
        T0,
        T0 + DAY,
        vec![issuer_entry(&Status::ALL)],
        ids.clone(),
    );
    let signed = list.sign(&root_key()).unwrap();
    assert!(signed.len() < 130_000 * 8 + 200);
    let opened = TrustList::open(&signed, &root_key().public_key()).unwrap();
    assert!(ids.iter().all(|id| opened.is_revoked(id)));
    assert!(!opened.is_revoked(&example_1().id));
}

#[test]
fn outside_bytes_give_typed_errors() {
    let cases: &[(&str, &str)] = &[
        ("", "prefix"),
        ("CW1:", "cbor"),
        ("CW1:GGW", "base45"),
        ("CW1:00", "cbor"),
        ("CW9:AAA", "version"),
        ("cw1:AAA", "prefix"),
    ];
    for &(text, code) in cases {
        assert_eq!(
            credential::decode(text).map(drop).unwrap_err().code(),
            code,
            "{text:?}"
        );
    }
    assert!(matches!(
        credential::decode(&"0".repeat(1025)),
        Err(DecodeError::TooLong { .. })
    ));
}

fn arbitrary_credential() -> impl Strategy<Value = Credential> {
    (
        (
            "[ -~]{0,64}",
            "\\PC{0,16}",
            any::<[u8; 8]>(),
            any::<[u8; 8]>(),
        ),
        (
            0..=credential::MAX_TIME,
            0..=credential::MAX_VALIDITY,
            0..=credential::MAX_TIME,
            0..=credential::MAX_TIME,
        ),
        (0..3usize, proptest::option::of(any::<[u8; 32]>())),
    )
        .prop_map(
            |((issuer, name, id, binding), (a, b, c, d), (status, holder_key))| {
                let (not_before, expires_at) = (a.saturating_sub(b), a);
                Credential {
                    issuer,
                    id: CredentialId(id),
                    issued_at: c,
                    not_before,
                    expires_at,
                    status: Status::ALL[status],
                    decided_at: d,
                    display_name: name
                        .chars()
                        .take(16)
                        .collect::<String>()
                        .chars()
                        .filter(|_| true)
                        .collect(),
                    id_binding: IdBinding(binding),
                    holder_key,
                }
            },
        )
        .prop_filter("names of at most 64 bytes", |c| c.display_name.len() <= 64)
}

proptest! {
    #[test]
    fn any_credential_round_trips(c in arbitrary_credential()) {
        let text = c.sign(&issuer_key()).unwrap();
        let decoded = credential::decode(&text).unwrap();
        prop_assert_eq!(decoded.credential, c);
        prop_assert_eq!(decoded.kid, issuer_key().public_key().key_id());
    }

    #[test]
    fn any_text_decodes_or_errs(text in "\\PC{0,400}") {
        let _ = credential::decode(&text);
        let _ = verify(&text, &example_trust_list(), T0, &Policy::default());
    }

    #[test]
    fn any_base45_payload_decodes_or_errs(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = credential::decode(&text_of(&bytes));
        let _ = Sign1::decode(&bytes);
        let _ = TrustList::open(&bytes, &root_key().public_key());
    }

    #[test]
    fn mutated_credentials_never_verify(byte in 0usize..151, value in any::<u8>()) {
        let mut cose = cose_of(EXAMPLE_1_TEXT);
        prop_assume!(cose[byte] != value);
        cose[byte] = value;
        let verdict = verify(&text_of(&cose), &example_trust_list(), T0 + HOUR, &Policy::default());
        prop_assert!(!verdict.is_valid());
    }

    #[test]
    fn base45_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(base45::decode(&base45::encode(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn any_trust_list_bytes_open_or_err(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut signed = example_trust_list().sign(&root_key()).unwrap();
        // Splice random bytes into a valid list, so the parser sees mostly-plausible input.
        let at = bytes.len() % signed.len();
        signed.splice(at..at, bytes);
        let _ = TrustList::open(&signed, &root_key().public_key());
    }
}
